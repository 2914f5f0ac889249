#pragma once
// Shifts: planning (create, update, cancel), sign-ups (sign up, withdraw, assign,
// unassign), the list, calendar feeds, and the watchdog's side of them: understaffing
// alerts and reminders. Each write is committed before its Ack and becomes an event.
// Each is idempotent by client_id, and all but CreateShift also by state: asking for
// the state that already holds is Ack{duplicate = true}.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server/app/request.hpp"
#include "server/app/services.hpp"

namespace gadehold::app::shifts {

// Writes: run on the network thread, which only checks and scrubs; the write itself runs
// in the writer's next group commit, with the caller authorised in its own transaction.
void create_shift(const Services& services, RequestPtr request);
void update_shift(const Services& services, RequestPtr request);
void cancel_shift(const Services& services, RequestPtr request);
void sign_up(const Services& services, RequestPtr request);
void withdraw(const Services& services, RequestPtr request);
void assign_shift(const Services& services, RequestPtr request);
void unassign_shift(const Services& services, RequestPtr request);
void get_calendar_feed(const Services& services, RequestPtr request);
void revoke_calendar_feed(const Services& services, RequestPtr request);
// Reads: run on a reader; `reader` is the connection the request was authorised on.
void list_shifts(const Services& services, RequestPtr request, store::Connection& reader);

// A calendar feed as served over HTTP.
struct CalendarDocument {
  std::string body;  // text/calendar
  std::string etag;  // quoted, strong
};
// The feed behind a secret path token, read on `reader`: nullopt when there is no live
// feed (unknown, revoked, or its owner lost access). Throws store::SqliteError.
std::optional<CalendarDocument> calendar_document(const Services& services, store::Connection& reader,
                                                  std::string_view token);
// The same for the HTTP session: read on a reader, then `done` on that reader's thread
// with the document, nothing (no live feed), or `unavailable` when storage failed.
struct CalendarAnswer {
  std::optional<CalendarDocument> document;
  bool unavailable = false;
};
void find_calendar(const Services& services, std::string token, std::function<void(CalendarAnswer)> done);

// The watchdog: understaffing alerts to raise and close, and reminders to send, read on
// `reader`; each change is a write of its own that re-checks its condition. Returns how
// many writes it started.
std::size_t watch(const Services& services, store::Connection& reader, std::int64_t now_ms);

}  // namespace gadehold::app::shifts
