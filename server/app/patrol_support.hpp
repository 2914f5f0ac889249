#pragma once
// What the patrol handlers share: positions, free text, membership checks, and the
// patrol's check-in timer.
#include <cstdint>
#include <string>
#include <vector>

#include "server/app/dispatcher.hpp"
#include "server/app/events.hpp"
#include "server/core/config.hpp"
#include "server/privacy/scrubber.hpp"
#include "server/store/patrols.hpp"

namespace gadehold::app {

inline constexpr std::size_t kNoteMaxChars = 2000;
inline constexpr std::size_t kShortTextMaxChars = 280;
// A patrol's check-in interval: StartPatrol refuses anything outside this range.
inline constexpr std::uint32_t kMinCheckInIntervalS = 60;
inline constexpr std::uint32_t kMaxCheckInIntervalS = 7200;
struct Place {
  std::string cell;
  std::string area_id;
};

// Validates a position and coarsens it; the numbers go no further than this function.
Place place_of(store::Connection& conn, const v1::Location& location, unsigned precision);
// INVALID_ARGUMENT on "location" for a position that is not finite or out of range.
void check_position_early(const v1::Location& location);
// Checks optional free text's length, then scrubs it.
privacy::ScrubResult scrub_text(const std::string& text, std::size_t max_chars, const char* field);
v1::ScrubReport to_proto(const privacy::ScrubReport& report);
// The patrol a member writes to; NOT_FOUND unless the caller is on it and on its team.
store::PatrolRow member_patrol(store::Connection& conn, const std::string& patrol_id, const Principal& caller);
void require_active(const store::PatrolRow& patrol);
// Anything from a patrol restarts its check-in timer and resolves an open overdue alert.
void heard_from(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms, std::int64_t grace_ms,
                std::vector<PendingEvent>& events);
// Resolves a patrol's open overdue alert because the patrol was heard from again.
void resolve_overdue(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms,
                     std::vector<PendingEvent>& events);
// Appends an alert event (raised or acknowledged) for `audience` (the team's leads,
// with or without the coordinators), and a copy for each lead on duty for the team by
// a running shift who does not lead it.
void append_alert_event(store::Connection& conn, v1::Event event, const Audience& audience, std::int64_t now_ms,
                        std::vector<PendingEvent>& events);
// Inserts the alert and appends its events as above. `live_location`, for an SOS, goes
// to the recipients connected now and is never stored.
void raise_alert(store::Connection& conn, const store::AlertRow& alert, const Audience& audience, std::int64_t now_ms,
                 std::vector<PendingEvent>& events, const v1::Location* live_location = nullptr);

}  // namespace gadehold::app
