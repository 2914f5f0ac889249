#include "server/privacy/handle_rules.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>

#include "server/privacy/fold.hpp"

namespace gadehold::privacy {

long utf8_length(std::string_view text) {
  long count = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > text.size()) return -1;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return -1;
    }
    if (len == 2 && c < 0xc2) return -1;  // overlong
    i += len;
    ++count;
  }
  return count;
}

// ASCII and C1 controls, and the invisible format characters that let one handle pass for
// another or turn the text around it on screen: zero-width spaces and joiners, line and
// paragraph separators, direction marks, embeddings, overrides and isolates, the soft
// hyphen, the Arabic letter mark and the byte order mark ("vol\u200b_e" shows as "vol_e";
// U+202E reverses what follows it).
bool has_control_characters(std::string_view text) {
  const auto at = [&](std::size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0U; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = at(i);
    if (c < 0x20 || c == 0x7f) return true;
    const unsigned char c1 = at(i + 1);
    const unsigned char c2 = at(i + 2);
    if (c == 0xc2 && (c1 <= 0x9f || c1 == 0xad) && c1 >= 0x80) return true;  // C1, U+00AD
    if (c == 0xd8 && c1 == 0x9c) return true;                                // U+061C
    if (c == 0xe2 && c1 == 0x80 && ((c2 >= 0x8b && c2 <= 0x8f) || (c2 >= 0xa8 && c2 <= 0xae))) {
      return true;  // U+200B..U+200F, U+2028..U+202E
    }
    if (c == 0xe2 && c1 == 0x81 && c2 >= 0xa0 && c2 <= 0xaf) return true;  // U+2060..U+206F
    if (c == 0xef && c1 == 0xbb && c2 == 0xbf) return true;                // U+FEFF
  }
  return false;
}

// Full-width and Arabic-Indic digits and at signs count as what they look like.
bool looks_like_phone(std::string_view text) {
  const auto folded = fold_hidden_characters(text);
  return std::count_if(folded.begin(), folded.end(), [](char c) { return c >= '0' && c <= '9'; }) >= 7;
}

bool looks_like_email(std::string_view text) {
  std::string lower = fold_hidden_characters(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  // "name at domain dot com", "name [at] domain [dot] com", "name(at)domain.com"
  static const std::regex spelled_email(
      R"(\S+(\s+[\[\(]?at[\]\)]?\s+|[\[\(]at[\]\)])\S+(\s+[\[\(]?dot[\]\)]?\s+|[\[\(]dot[\]\)])\S+)");
  static const std::regex bracketed_at(R"(\S+\s*[\[\(]at[\]\)]\s*\S+\.[a-z]{2,})");
  return lower.find('@') != std::string::npos || std::regex_search(lower, spelled_email) ||
         std::regex_search(lower, bracketed_at);
}

core::Status check_handle(std::string_view handle) {
  auto refuse = [](core::Reason reason, std::string message, core::Params params = {}) {
    return core::Status(reason, std::move(message), "handle", std::move(params));
  };
  const long length = utf8_length(handle);
  if (length < 0) return refuse(core::Reason::INVALID_UTF8, "the handle is not valid UTF-8");
  if (length < static_cast<long>(kHandleMinChars) || length > static_cast<long>(kHandleMaxChars)) {
    return refuse(
        core::Reason::HANDLE_LENGTH, "a handle has 2 to 32 characters",
        {{"min_chars", std::to_string(kHandleMinChars)}, {"max_chars", std::to_string(kHandleMaxChars)}});
  }
  if (has_control_characters(handle)) {
    return refuse(core::Reason::HANDLE_CONTROL_CHARACTERS,
                  "the handle contains control or invisible characters");
  }
  if (handle.front() == ' ' || handle.back() == ' ')
    return refuse(core::Reason::HANDLE_EDGE_SPACE, "the handle starts or ends with a space");
  if (looks_like_phone(handle))
    return refuse(core::Reason::HANDLE_LOOKS_LIKE_PHONE,
                  "the handle looks like a phone number; choose a nickname");
  if (looks_like_email(handle)) {
    return refuse(core::Reason::HANDLE_LOOKS_LIKE_EMAIL,
                  "the handle looks like an email address; choose a nickname");
  }
  return core::Status::success();
}

}  // namespace gadehold::privacy
