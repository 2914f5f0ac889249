#pragma once
// What the shift handlers and the shift watchdog share: the protocol view of a shift,
// its change events, and the understaffing alert's life cycle.
#include <string>
#include <vector>

#include "server/app/alert_log.hpp"
#include "server/app/events.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app::shifts {

// The shift, or NOT_FOUND on "shift_id".
store::ShiftRow existing_shift(store::Connection& conn, const std::string& shift_id);

v1::StaffingState staffing_of(const store::ShiftRow& shift);
v1::Shift shift_view(const store::ShiftRow& shift);

struct ShiftChange {
  v1::ShiftChangeKind kind = v1::SHIFT_CHANGE_KIND_UNSPECIFIED;
  std::string volunteer_id;  // for sign-up changes
  std::string by;
  bool late = false;
  std::string reason;  // scrubbed
};

// Re-reads the shift and appends a ShiftChanged event. Changes to the shift itself go
// to the whole team, who may all sign up; changes to one sign-up go to that volunteer
// and the team's leads.
void append_shift_change(store::Connection& conn, const std::string& shift_id, const ShiftChange& change,
                         std::int64_t now_ms, std::vector<PendingEvent>& events);

// Closes the shift's understaffing alert, if it is open, saying why.
void close_understaffed(store::Connection& conn, const store::ShiftRow& shift, std::int64_t now_ms,
                        const Resolution& how, std::vector<PendingEvent>& events);
// Closes the shift's open understaffing alert once it is staffed or cancelled.
void settle_understaffed(store::Connection& conn, const std::string& shift_id, std::int64_t now_ms,
                         std::vector<PendingEvent>& events);

// Takes a volunteer off the shifts of `team_id` (every team when empty) that have not
// started: they left the team or were revoked. Each becomes a withdrawal, late by
// `late_window_ms`, and an UNASSIGNED event by `actor` (empty for the CLI).
void drop_future_sign_ups(store::Connection& conn, const std::string& volunteer_id,
                          const std::string& team_id, const std::string& actor, std::int64_t late_window_ms,
                          std::int64_t now_ms, std::vector<PendingEvent>& events);

}  // namespace gadehold::app::shifts
