#include "server/privacy/phones.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <string_view>
#include <vector>

namespace gadehold::privacy {

namespace {

// Digit groups are a phone number when they add up to one: 8 digits (Danish), 10 or 11
// from a leading 0 (UK), 8 to 15 after + or 00; not a date, a time range or years.
bool not_a_phone(const std::string& m) {
  const auto digits =
      std::count_if(m.begin(), m.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  static const std::regex date_or_time(
      R"(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}[.:]\d{2}\s?-\s?\d{1,2}[.:]\d{2}|(?:19|20)\d{2}\s?[-/]\s?(?:19|20)\d{2})");
  if (std::regex_match(m, date_or_time)) return true;
  if (m.front() == '+' || m.rfind("00", 0) == 0) return digits < 8 || digits > 15;
  if (m.front() == '0') return digits < 10 || digits > 11;
  return digits != 8;
}

bool digit(char c) { return c >= '0' && c <= '9'; }

// Phone numbers as groups of digits with one or two separators between them ("22-33-44-55",
// "07 700 900 789", "+44 (0)7700 900456"). From each group, the longest chain of groups
// that makes a phone number wins, so "age 15 07700 900123" still finds the number.
}  // namespace

std::string replace_phones(const std::string& text, unsigned& count) {
  struct Group {
    std::size_t begin, end;
  };
  std::string out;
  std::size_t last = 0, i = 0;
  while (i < text.size()) {
    if (!digit(text[i]) ||
        (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_'))) {
      ++i;
      continue;
    }
    // A chain of groups starting at i.
    std::vector<Group> chain;
    std::size_t k = i;
    while (true) {
      const std::size_t b = k;
      while (k < text.size() && digit(text[k])) ++k;
      chain.push_back({b, k});
      std::size_t sep = k, n = 0;
      while (sep < text.size() && n < 3 &&
             std::string_view(" .-/()").find(text[sep]) != std::string_view::npos)
        ++sep, ++n;
      if (n == 0 || n > 2 || sep >= text.size() || !digit(text[sep])) break;
      k = sep;
    }
    // A list of small numbers ("ages 13 14 15 16 17", "3-1 2-2 0-0") is no phone number:
    // five or more groups of at most two digits, or groups of one digit.
    const auto digits_of = [](const Group& g) { return g.end - g.begin; };
    const bool short_groups =
        std::all_of(chain.begin(), chain.end(), [&](const Group& g) { return digits_of(g) <= 2; });
    const bool single_digit = std::any_of(chain.begin(), chain.end(), [&](const Group& g) {
      return digits_of(g) == 1 && !(g.begin > 0 && text[g.begin - 1] == '(');  // "+44 (0)7700"
    });
    const std::size_t first = chain.front().begin;
    const bool international = (first > 0 && text[first - 1] == '+') ||
                               (first > 1 && text[first - 1] == ' ' && text[first - 2] == '+');
    if (chain.size() > 1 && !international && ((short_groups && chain.size() >= 5) || single_digit)) {
      i = chain.back().end;
      continue;
    }
    bool found = false;
    for (std::size_t from = 0; from < chain.size() && !found; ++from) {
      std::size_t start = chain[from].begin;
      if (start > 0 && text[start - 1] == '+')
        --start;
      else if (start > 1 && text[start - 1] == ' ' && text[start - 2] == '+')
        start -= 2;
      else if (start > 0 && text[start - 1] == '(')
        --start;
      for (std::size_t to = chain.size(); to > from; --to) {
        std::size_t end = chain[to - 1].end;
        if (end < text.size() && text[end] == ')') ++end;
        if (start < last || (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))))
          continue;
        std::string candidate = text.substr(start, end - start);
        if (candidate.front() == '(') candidate.erase(0, 1);
        if (!not_a_phone(candidate)) {
          out.append(text, last, start - last);
          out.append(marker_text(Marker::phone));
          ++count;
          last = end;
          found = true;
          break;
        }
      }
    }
    i = found ? last : chain.back().end;
  }
  out.append(text, last, std::string::npos);
  return out;
}

}  // namespace gadehold::privacy
