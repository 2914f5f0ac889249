#pragma once
// Patrols: start, check in, end, notes, and the list of active patrols; and the
// watchdog's side of them: overdue patrols and patrols closed after a long silence.
// Every write with a client_id is idempotent, committed before its Ack, and becomes
// events.
#include <cstdint>
#include <string>
#include <vector>

#include "server/app/request.hpp"
#include "server/app/services.hpp"

namespace gadehold::app::patrols {

// A patrol's check-in interval: StartPatrol refuses anything outside this range.
inline constexpr std::uint32_t kMinCheckInIntervalS = 60;
inline constexpr std::uint32_t kMaxCheckInIntervalS = 7200;

// Writes: run on the network thread, which only checks and scrubs; the write itself runs
// in the writer's next group commit, with the caller authorised in its own transaction.
void start_patrol(const Services& services, RequestPtr request);
void check_in(const Services& services, RequestPtr request);
void end_patrol(const Services& services, RequestPtr request);
void submit_note(const Services& services, RequestPtr request);
// A lead's or coordinator's message to an open patrol of their team.
void send_patrol_message(const Services& services, RequestPtr request);
// Reads: run on a reader; `reader` is the connection the request was authorised on.
void list_active_patrols(const Services& services, RequestPtr request, store::Connection& reader);
// ScrubPreview: what the scrubber would keep of a text; stores and logs nothing.
void scrub_preview(const Services& services, RequestPtr request, store::Connection& reader);

// The watchdog. Which open patrols are due for an overdue alert and which have been
// silent for `silence_ms`, read on `reader`.
struct DuePatrols {
  std::vector<std::string> overdue;
  std::vector<std::string> silent;
  std::vector<std::string> check_in_soon;  // their check_in_due reminder is due
};
DuePatrols due_patrols(store::Connection& reader, std::int64_t now_ms, std::int64_t silence_ms,
                       std::int64_t notice_ms);
// Each a write of its own that re-checks its condition, so a tick that overlaps the
// last one, or a check-in that arrived meanwhile, changes nothing twice.
void raise_overdue(const Services& services, const std::string& patrol_id, std::int64_t now_ms);
void close_silent(const Services& services, const std::string& patrol_id, std::int64_t now_ms);
void remind_check_in(const Services& services, const std::string& patrol_id, std::int64_t now_ms);

}  // namespace gadehold::app::patrols
