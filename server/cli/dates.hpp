#pragma once
// Dates on the command line: YYYY-MM-DD, in UTC.
#include <cstdint>
#include <string>

namespace gadehold::cli {

inline constexpr std::int64_t kDayMs = 86400 * 1000LL;

// UTC midnight of `text` in ms; core::UsageError naming `flag` for anything else.
std::int64_t parse_date(const std::string& flag, const std::string& text);

}  // namespace gadehold::cli
