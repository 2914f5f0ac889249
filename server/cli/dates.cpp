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

}  // namespace gadehold::cli
