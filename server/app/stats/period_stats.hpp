#pragma once
// Statistics per area and period (ISO week or calendar month, UTC), built from the
// store's daily counts, with the derived rates. Shared by GetStats and the export.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gadehold/v1/stats.pb.h"
#include "server/store/stats.hpp"

namespace gadehold::app::stats {

enum class Period { week, month };

// The first UTC day of the period holding `day`, and the first day after it.
std::int64_t period_start_day(std::int64_t day, Period period);
std::int64_t period_end_day(std::int64_t start_day, Period period);

struct PeriodStats {
  std::string area_id;
  std::int64_t start_day = 0;
  std::int64_t end_day = 0;
  std::map<std::pair<std::string, std::string>, double> values;  // (metric, category)
};

// The counts of every period overlapping the scope's days (which must start and end on
// period boundaries), with the rates: notes per 10 patrol hours, and the share of shifts
// filled. Ordered by period, then area id. Runs in the caller's read transaction.
std::vector<PeriodStats> period_stats(store::Connection& conn, const store::StatsScope& scope, Period period);

}  // namespace gadehold::app::stats
