#include "server/cli/dates.hpp"

#include <cstdio>
#include <ctime>

#include "server/core/config.hpp"

namespace gadehold::cli {

std::int64_t parse_date(const std::string& flag, const std::string& text) {
  std::tm tm{};
  char rest = 0;
  if (text.size() != 10 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &rest) != 3) {
    throw core::UsageError("--" + flag + ": expected YYYY-MM-DD, got '" + text + "'");
  }
  const int year = tm.tm_year, month = tm.tm_mon, day = tm.tm_mday;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm);
  std::tm check{};
  gmtime_r(&t, &check);
  if (check.tm_year + 1900 != year || check.tm_mon + 1 != month || check.tm_mday != day) {
    throw core::UsageError("--" + flag + ": no such date '" + text + "'");
  }
  return static_cast<std::int64_t>(t) * 1000;
}

DateRange parse_date_range(const std::string& from, const std::string& to) {
  const auto from_ms = parse_date("from", from);
  const auto to_ms = parse_date("to", to) + kDayMs;
  if (to_ms <= from_ms) throw core::UsageError("--to: must not be before --from");
  if (to_ms - from_ms > 366 * kDayMs) throw core::UsageError("--to: at most 366 days after --from");
  return {from_ms, to_ms};
}

}  // namespace gadehold::cli
