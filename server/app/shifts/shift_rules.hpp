#pragma once
// The scheduling rules, in one place. Each broken rule is FAILED_PRECONDITION with the
// field docs/protocol.md names for it; malformed values are INVALID_ARGUMENT.
#include <cstdint>
#include <string>
#include <vector>

#include "server/core/config.hpp"
#include "server/core/status.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app::shifts {

inline constexpr std::int64_t kHourMs = 3600 * 1000;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;
inline constexpr std::int64_t kMaxShiftMs = 12 * kHourMs;
// How far ahead a lead may plan.
inline constexpr std::int64_t kPlanningHorizonMs = 366 * kDayMs;
inline constexpr std::int64_t kMaxVolunteersPerShift = 50;
inline constexpr std::size_t kTitleMaxChars = 80;
inline constexpr std::size_t kShiftNotesMaxChars = 1000;

// A broken rule: FAILED_PRECONDITION with its reason, on `field`.
[[noreturn]] void broken(core::Reason reason, std::string message, std::string field,
                         core::Params params = {});

struct ShiftRules {
  std::int64_t sign_up_horizon_ms;
  std::int64_t max_ms_per_day;
  std::int64_t late_withdrawal_ms;
  std::int64_t understaffed_window_ms;
  std::int64_t reminder_ms;

  static ShiftRules from(const core::Config& config);
};

// Checks a new or edited shift's times and numbers. The start is checked against the
// clock only when it moved, and the end likewise, so a running shift can still get a
// new title or a later end.
// A shift lasts at most 12 hours, and no longer than one volunteer may hold in a day,
// so that someone can always be put on it.
void check_shift(const store::ShiftRow& shift, std::int64_t now_ms, bool start_moved, bool end_moved,
                 const ShiftRules& rules);

// The most time, in ms, that `spans` put in any 24-hour window.
std::int64_t busiest_day_ms(const std::vector<store::TimeSpan>& spans);

// Whether the volunteer may hold `shift` on top of their other shifts: no overlap, and
// no more than the daily limit in any 24 hours.
void check_can_hold(store::Connection& conn, const std::string& volunteer_id, const store::ShiftRow& shift,
                    const ShiftRules& rules);

// A place is free and the shift can still take sign-ups (not cancelled, not ended).
void check_open_place(const store::ShiftRow& shift, std::int64_t now_ms);

}  // namespace gadehold::app::shifts
