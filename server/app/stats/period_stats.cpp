#include "server/app/stats/period_stats.hpp"

namespace gadehold::app::stats {

namespace {

// Days since 1970-01-01 to (year, month, day), and back (H. Hinnant's civil algorithms).
struct Civil {
  std::int64_t y;
  unsigned m, d;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {m <= 2 ? y + 1 : y, m, d};
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

double get(const PeriodStats& s, const char* metric, const char* category = "") {
  auto it = s.values.find({metric, category});
  return it == s.values.end() ? 0 : it->second;
}

}  // namespace

std::int64_t period_start_day(std::int64_t day, Period period) {
  if (period == Period::week) {
    // 1970-01-05 (day 4) was a Monday.
    const std::int64_t since_monday = ((day - 4) % 7 + 7) % 7;
    return day - since_monday;
  }
  const auto c = civil_from_days(day);
  return days_from_civil(c.y, c.m, 1);
}

std::int64_t period_end_day(std::int64_t start_day, Period period) {
  if (period == Period::week) return start_day + 7;
  const auto c = civil_from_days(start_day);
  return c.m == 12 ? days_from_civil(c.y + 1, 1, 1) : days_from_civil(c.y, c.m + 1, 1);
}

std::vector<PeriodStats> period_stats(store::Connection& conn, const store::StatsScope& scope,
                                      Period period) {
  std::vector<PeriodStats> out;
  for (auto start = scope.from_day; start < scope.to_day; start = period_end_day(start, period)) {
    auto window = scope;
    window.from_day = start;
    window.to_day = period_end_day(start, period);
    std::map<std::string, PeriodStats> by_area;
    for (const auto& [key, value] : store::window_counts(conn, window)) {
      const auto& [area, metric, category] = key;
      auto& row = by_area[area];
      row.area_id = area;
      row.start_day = window.from_day;
      row.end_day = window.to_day;
      row.values[{metric, category}] += value;
    }
    for (auto& [area, row] : by_area) {
      const double hours = get(row, "patrol_hours");
      if (hours > 0) row.values[{"notes_per_10_patrol_hours", ""}] = get(row, "notes") / hours * 10;
      const double planned = get(row, "shifts_planned");
      if (planned > 0) row.values[{"share_of_shifts_filled", ""}] = get(row, "shifts_filled") / planned;
      out.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace gadehold::app::stats
