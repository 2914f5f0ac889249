#include "server/privacy/scrubber.hpp"

#include <cctype>

#include "server/privacy/names.hpp"
#include "server/privacy/patterns.hpp"

namespace gadehold::privacy {

namespace {

// Replaces every run of more than kLongRun characters without white space by [URL]. Such
// a run is a link, or noise; either way nothing to keep. It also bounds the backtracking
// of the patterns to short runs, so a hostile note cannot make scrubbing slow.
constexpr std::size_t kLongRun = 100;

std::string cut_long_runs(std::string_view text, unsigned& count) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    if (end - i > kLongRun) {
      out.append(marker_text(Marker::url));
      ++count;
    } else {
      out.append(text.substr(i, end - i));
    }
    i = end;
  }
  return out;
}

// Spellings that hide digits and separators from the patterns: non-breaking and thin
// spaces, Unicode hyphens, full-width and Arabic-Indic digits, zero-width spaces, and
// control characters other than line breaks and tabs. Folded to ASCII before scrubbing.
std::string fold_for_patterns(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x20 && b != '\n' && b != '\t' && b != '\r') {
      out.push_back(' ');
      ++i;
      continue;
    }
    if (b < 0x80) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t len = (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
    if (i + len > text.size()) len = 1;
    char32_t c = 0;
    if (len == 2) c = ((b & 0x1F) << 6) | (text[i + 1] & 0x3F);
    if (len == 3) c = ((b & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F);
    if (c == 0xA0 || c == 0x202F || c == 0x2007 || c == 0x2009 || c == 0x2008 || c == 0x3000) {
      out.push_back(' ');
    } else if (c >= 0x2010 && c <= 0x2012) {
      out.push_back('-');
    } else if (c >= 0xFF10 && c <= 0xFF19) {
      out.push_back(static_cast<char>('0' + (c - 0xFF10)));
    } else if (c >= 0x660 && c <= 0x669) {
      out.push_back(static_cast<char>('0' + (c - 0x660)));
    } else if (c >= 0x6F0 && c <= 0x6F9) {
      out.push_back(static_cast<char>('0' + (c - 0x6F0)));
    } else if (c == 0xFF20) {
      out.push_back('@');
    } else if (c == 0x200B || c == 0x2060 || c == 0xFEFF) {
      // dropped
    } else {
      out.append(text, i, len);
    }
    i += len;
  }
  return out;
}

}  // namespace

ScrubResult scrub(std::string_view text) {
  ScrubResult result;
  auto cut = cut_long_runs(text, result.report.counts[static_cast<std::size_t>(Marker::url)]);
  auto folded = fold_for_patterns(cut);
  result.text = replace_names(replace_patterns(std::move(folded), result.report), result.report);
  // Text with nothing to remove is kept exactly as written, its spaces and digits too.
  if (result.report.total() == 0) result.text = std::move(cut);
  return result;
}

}  // namespace gadehold::privacy
