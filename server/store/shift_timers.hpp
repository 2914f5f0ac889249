#pragma once
// What the shift watchdog asks of the shifts: understaffed shifts near their start,
// reminders not yet sent, and the sign-ups a leaving volunteer drops. Like the patrol
// timers, this state lives in the database (shifts.understaffed_alert_id,
// shift_signups.reminded_at_ms), so a restart loses nothing.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

// Shifts (not cancelled) starting in (now, now + window] with fewer sign-ups than their
// minimum and no understaffing alert yet.
std::vector<std::string> understaffed_shifts_without_alert(Connection& conn, std::int64_t now_ms,
                                                           std::int64_t window_ms);
// Shifts (not cancelled) starting in (now, now + window] with a sign-up not yet reminded.
std::vector<std::string> shifts_with_unreminded_sign_ups(Connection& conn, std::int64_t now_ms,
                                                         std::int64_t window_ms);
// The shift's volunteers not yet reminded, by id.
std::vector<std::string> unreminded_volunteers(Connection& conn, const std::string& shift_id);
void mark_reminded(Connection& conn, const std::string& shift_id, const std::string& volunteer_id,
                   std::int64_t now_ms);
// The shift moved: every sign-up is reminded again before the new start.
void clear_reminders(Connection& conn, const std::string& shift_id);

// The volunteer's sign-ups to shifts that start after `now_ms`, of `team_id` (every team
// when empty), by start: (shift id, start).
std::vector<std::pair<std::string, std::int64_t>> future_sign_ups(Connection& conn,
                                                                  const std::string& volunteer_id,
                                                                  const std::string& team_id,
                                                                  std::int64_t now_ms);

}  // namespace gadehold::store
