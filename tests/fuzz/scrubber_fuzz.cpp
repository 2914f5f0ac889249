// Fuzz target: the note scrubber on arbitrary bytes up to the longest free text the
// server accepts (2,000 characters of up to 4 bytes).
//
// Invariants, from scrubber.hpp and the way scrub() is built:
// - valid UTF-8 in, valid UTF-8 out (the server stores and sends what it returns, and
//   protobuf refuses invalid UTF-8 in a string);
// - a report of nothing removed means the text is unchanged;
// - every marker the report counts is in the output.
// Invalid UTF-8 breaks the contract ("the caller checks"); it must still not crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "server/privacy/lexicon.hpp"
#include "server/privacy/scrubber.hpp"

using namespace gadehold;

namespace {

constexpr std::size_t kMaxInputBytes = 2000 * 4;

std::size_t occurrences(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

// The lexicon (370,000 words, sorted) is built once here: under ASan on a busy machine that
// takes longer than libFuzzer's 10 s per input, which would be reported as a timeout of
// whichever input came first.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)privacy::Lexicon::get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInputBytes) return -1;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = privacy::scrub(text);
  if (!fuzz::is_valid_utf8(text)) return 0;

  FUZZ_CHECK(fuzz::is_valid_utf8(result.text));
  // Every change is counted: nothing counted, nothing changed.
  if (result.report.total() == 0) FUZZ_CHECK(result.text == text);
  // Every marker counted is in the text: a later detector never eats an earlier marker.
  for (std::size_t i = 0; i < privacy::kMarkerCount; ++i) {
    const auto marker = privacy::marker_text(static_cast<privacy::Marker>(i));
    FUZZ_CHECK(occurrences(result.text, marker) >= result.report.counts[i]);
  }
  return 0;
}
