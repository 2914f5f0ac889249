#pragma once
// The raw material of statistics: counts per area and UTC day, from indexed queries over
// patrols, notes, alerts and shifts, and the daily check-in counts kept as they arrive.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

inline constexpr std::int64_t kDayMs = 86'400'000;

// Which rows count: a window of whole UTC days, and either every team or some.
struct StatsScope {
  std::int64_t from_day = 0;  // inclusive
  std::int64_t to_day = 0;    // exclusive
  bool all_teams = true;
  std::vector<std::string> team_ids;
};

// (area id, metric, category) -> value over the window. Area id '' means outside every area.
using WindowCounts = std::map<std::tuple<std::string, std::string, std::string>, double>;

// Every counted metric of docs/statistics-schema.md over one window (one period); rates
// are derived later. Each query is an index range over the window, grouped by area.
WindowCounts window_counts(Connection& conn, const StatsScope& scope);

// Counts one check-in in checkin_daily; call in the transaction that inserts it.
void count_check_in(Connection& conn, std::int64_t received_at_ms, const std::string& area_id,
                    const std::string& team_id, bool need_support);

// Area names by id.
std::map<std::string, std::string> area_names(Connection& conn);

}  // namespace gadehold::store
