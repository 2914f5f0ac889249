#pragma once
// The raw material of statistics: counts per area and UTC day, from indexed queries over
// the live rows plus the daily counts that retention folded check-ins into.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "server/store/sqlite.hpp"

namespace gadehold::store {

inline constexpr std::int64_t kDayMs = 86'400'000;

// Which rows count: a UTC day range, and either every team or some.
struct StatsScope {
  std::int64_t from_day = 0;  // inclusive
  std::int64_t to_day = 0;    // exclusive
  bool all_teams = true;
  std::vector<std::string> team_ids;
};

// (area id, day, metric, category) -> value. Area id '' means outside every area.
using DailyCounts = std::map<std::tuple<std::string, std::int64_t, std::string, std::string>, double>;

// Every metric of docs/statistics-schema.md that is counted per day; rates are derived
// later, per period.
DailyCounts daily_counts(Connection& conn, const StatsScope& scope);

// Area names by id.
std::map<std::string, std::string> area_names(Connection& conn);

}  // namespace gadehold::store
