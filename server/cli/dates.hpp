#pragma once
// Dates on the command line: YYYY-MM-DD, in UTC.
#include <cstdint>
#include <string>

namespace gadehold::cli {

inline constexpr std::int64_t kDayMs = 86400 * 1000LL;

// UTC midnight of `text` in ms; core::UsageError naming `flag` for anything else.
std::int64_t parse_date(const std::string& flag, const std::string& text);

// --from and --to as days, both inclusive: [midnight of from, midnight after to), at
// most 366 days; core::UsageError otherwise.
struct DateRange {
  std::int64_t from_ms;
  std::int64_t to_ms;
};
DateRange parse_date_range(const std::string& from, const std::string& to);

}  // namespace gadehold::cli
