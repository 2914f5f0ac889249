#include "server/privacy/scrubber.hpp"

#include <cctype>

#include "server/privacy/fold.hpp"
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

}  // namespace

ScrubResult scrub(std::string_view text) {
  ScrubResult result;
  auto cut = cut_long_runs(text, result.report.counts[static_cast<std::size_t>(Marker::url)]);
  auto folded = fold_hidden_characters(cut);
  result.text = replace_names(replace_patterns(std::move(folded), result.report), result.report);
  // Text with nothing to remove is kept exactly as written, its spaces and digits too.
  if (result.report.total() == 0) result.text = std::move(cut);
  return result;
}

}  // namespace gadehold::privacy
