#include "server/privacy/device_name.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "server/privacy/handle_rules.hpp"
#include "server/privacy/scrubber.hpp"

namespace gadehold::privacy {

namespace {

// Kinds of device a name may mention, in the spelling the label uses.
constexpr std::array<std::string_view, 28> kKinds = {
    "iPhone",     "iPad",     "iPod",    "MacBook", "iMac",      "Mac",    "Android",
    "Galaxy",     "Pixel",    "OnePlus", "Xiaomi",  "Redmi",     "Huawei", "Honor",
    "Nokia",      "Motorola", "Moto",    "Xperia",  "Fairphone", "Oppo",   "Samsung",
    "Chromebook", "Windows",  "Linux",   "Phone",   "Tablet",    "Laptop", "Dashboard"};

// Words after a kind that name its owner in other languages: "iPhone de Kim".
constexpr std::array<std::string_view, 6> kOwnerWords = {"de", "von", "van", "di", "da", "du"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Words: runs of letters, digits and bytes of multi-byte characters, with the
// apostrophes inside them.
std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  auto in_word = [&](std::size_t k) {
    const auto c = static_cast<unsigned char>(text[k]);
    return std::isalnum(c) || c >= 0x80 || c == '\'';
  };
  while (i < text.size()) {
    while (i < text.size() && !in_word(i)) ++i;
    const auto start = i;
    while (i < text.size() && in_word(i)) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

std::string_view kind_of(std::string_view word) {
  const auto w = lower(word);
  for (auto kind : kKinds) {
    if (w == lower(kind)) return kind;
  }
  return {};
}

bool is_owner_word(std::string_view word) {
  const auto w = lower(word);
  return std::find(kOwnerWords.begin(), kOwnerWords.end(), w) != kOwnerWords.end();
}

// "Kim's iPhone", "Kim’s iPhone", "Mettes iPhone", "iPhone de Kim", "iPhone von Kim".
bool names_an_owner(std::string_view text) {
  if (text.find('\'') != std::string_view::npos || text.find("\xe2\x80\x99") != std::string_view::npos) {
    return true;  // a possessive, or a name with an apostrophe: O'Neill
  }
  const auto ws = words(text);
  for (std::size_t i = 0; i < ws.size(); ++i) {
    if (kind_of(ws[i]).empty()) continue;
    // A capitalised word ending in s just before the kind: the Scandinavian and German
    // possessive ("Mettes iPhone", "Jans Pixel").
    if (i > 0) {
      const auto before = ws[i - 1];
      if (before.size() > 2 && std::isupper(static_cast<unsigned char>(before.front())) &&
          (before.back() == 's' || before.back() == 'S') && kind_of(before).empty()) {
        return true;
      }
    }
    if (i + 1 < ws.size() && is_owner_word(ws[i + 1])) return true;
  }
  return false;
}

}  // namespace

std::string device_label(std::string_view sent) {
  for (auto word : words(sent)) {
    if (auto kind = kind_of(word); !kind.empty()) return std::string(kind);
  }
  return "Device";
}

std::string device_name_to_store(std::string_view sent) {
  if (sent.empty()) return {};
  if (has_control_characters(sent) || looks_like_phone(sent) || looks_like_email(sent) ||
      names_an_owner(sent) || scrub(sent).report.total() > 0) {
    return device_label(sent);
  }
  return std::string(sent);
}

}  // namespace gadehold::privacy
