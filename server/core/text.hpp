#pragma once
// Small helpers for the text of headers, config values and list files.
#include <string_view>

namespace gadehold::core {

// `s` without the spaces, tabs and carriage returns at either end.
constexpr std::string_view trim(std::string_view s) {
  constexpr std::string_view blank = " \t\r";
  const auto first = s.find_first_not_of(blank);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(blank) - first + 1);
}

}  // namespace gadehold::core
