#include "server/app/shifts/shift_rules.hpp"

#include <algorithm>

#include "server/core/status.hpp"

namespace gadehold::app::shifts {

void broken(core::Reason reason, std::string message, std::string field, core::Params params) {
  throw core::Refusal(reason, std::move(message), std::move(field), std::move(params));
}

ShiftRules ShiftRules::from(const core::Config& c) {
  return ShiftRules{static_cast<std::int64_t>(c.sign_up_horizon_days) * kDayMs,
                    static_cast<std::int64_t>(c.max_shift_hours_per_day) * kHourMs,
                    static_cast<std::int64_t>(c.late_withdrawal_h) * kHourMs,
                    static_cast<std::int64_t>(c.understaffed_window_h) * kHourMs,
                    static_cast<std::int64_t>(c.shift_reminder_min) * 60 * 1000};
}

void check_shift(const store::ShiftRow& s, std::int64_t now_ms, bool start_moved, bool end_moved,
                 const ShiftRules& rules) {
  if (s.starts_at_ms <= 0) {
    throw core::Refusal(core::Reason::REQUIRED, "starts_at_ms is required", "starts_at_ms");
  }
  // A time moved into the past first: that is what the planner did wrong.
  if (start_moved && s.starts_at_ms < now_ms)
    broken(core::Reason::SHIFT_START_IN_PAST, "a shift cannot start in the past", "starts_at_ms");
  if (end_moved && s.ends_at_ms <= now_ms)
    broken(core::Reason::SHIFT_END_IN_PAST, "a shift cannot end in the past", "ends_at_ms");
  if (s.ends_at_ms <= s.starts_at_ms)
    broken(core::Reason::SHIFT_ENDS_BEFORE_START, "a shift ends after it starts", "ends_at_ms");
  if (s.ends_at_ms - s.starts_at_ms > kMaxShiftMs)
    broken(core::Reason::SHIFT_TOO_LONG, "a shift lasts at most 12 hours", "ends_at_ms",
           {{"max_hours", std::to_string(kMaxShiftMs / kHourMs)}});
  if (s.ends_at_ms - s.starts_at_ms > rules.max_ms_per_day) {
    broken(core::Reason::SHIFT_TOO_LONG,
           "a shift lasts at most the " + std::to_string(rules.max_ms_per_day / kHourMs) +
               " hours a volunteer may hold in a day",
           "ends_at_ms", {{"max_hours", std::to_string(rules.max_ms_per_day / kHourMs)}});
  }
  if (start_moved && s.starts_at_ms > now_ms + kPlanningHorizonMs) {
    broken(core::Reason::SHIFT_TOO_FAR_AHEAD, "shifts can be planned at most a year ahead", "starts_at_ms",
           {{"max_days", std::to_string(kPlanningHorizonMs / kDayMs)}});
  }
  if (s.max_volunteers < 1 || s.max_volunteers > kMaxVolunteersPerShift) {
    throw core::Refusal(core::Reason::OUT_OF_RANGE, "max_volunteers is 1 to 50", "max_volunteers",
                        {{"min", "1"}, {"max", std::to_string(kMaxVolunteersPerShift)}});
  }
  if (s.min_volunteers > s.max_volunteers) {
    broken(core::Reason::MIN_ABOVE_MAX, "min_volunteers cannot exceed max_volunteers", "min_volunteers");
  }
  if (static_cast<std::int64_t>(s.sign_ups.size()) > s.max_volunteers) {
    broken(core::Reason::SIGN_UPS_ABOVE_MAX,
           "more volunteers are signed up than max_volunteers; unassign some first", "max_volunteers",
           {{"signed_up", std::to_string(s.sign_ups.size())}});
  }
}

std::int64_t busiest_day_ms(const std::vector<store::TimeSpan>& spans) {
  // The busiest window can always be slid to start where some shift starts.
  std::int64_t best = 0;
  for (const auto& from : spans) {
    const auto window_end = from.starts_at_ms + kDayMs;
    std::int64_t total = 0;
    for (const auto& s : spans) {
      const auto lo = std::max(s.starts_at_ms, from.starts_at_ms);
      const auto hi = std::min(s.ends_at_ms, window_end);
      if (hi > lo) total += hi - lo;
    }
    best = std::max(best, total);
  }
  return best;
}

void check_can_hold(store::Connection& conn, const std::string& volunteer_id, const store::ShiftRow& shift,
                    const ShiftRules& rules) {
  auto around =
      store::volunteer_shifts(conn, volunteer_id, shift.starts_at_ms - kDayMs, shift.ends_at_ms + kDayMs);
  around.erase(std::remove_if(around.begin(), around.end(),
                              [&](const store::TimeSpan& s) { return s.shift_id == shift.id; }),
               around.end());
  for (const auto& other : around) {
    if (other.starts_at_ms < shift.ends_at_ms && other.ends_at_ms > shift.starts_at_ms) {
      broken(core::Reason::SHIFT_OVERLAP, "the volunteer already holds an overlapping shift", "overlap");
    }
  }
  around.push_back(store::TimeSpan{shift.id, shift.starts_at_ms, shift.ends_at_ms});
  if (busiest_day_ms(around) > rules.max_ms_per_day) {
    broken(core::Reason::DAILY_HOURS_EXCEEDED,
           "that would be more than " + std::to_string(rules.max_ms_per_day / kHourMs) +
               " hours on shift within 24 hours",
           "daily_hours", {{"max_hours", std::to_string(rules.max_ms_per_day / kHourMs)}});
  }
}

void check_open_place(const store::ShiftRow& shift, std::int64_t now_ms) {
  if (shift.cancelled()) broken(core::Reason::SHIFT_CANCELLED, "the shift is cancelled", "cancelled");
  if (shift.ends_at_ms <= now_ms) broken(core::Reason::SHIFT_OVER, "the shift is over", "ends_at_ms");
  if (static_cast<std::int64_t>(shift.sign_ups.size()) >= shift.max_volunteers) {
    broken(core::Reason::SHIFT_FULL, "the shift is full", "max_volunteers",
           {{"max_volunteers", std::to_string(shift.max_volunteers)}});
  }
}

}  // namespace gadehold::app::shifts
