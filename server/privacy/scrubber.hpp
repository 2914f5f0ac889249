#pragma once
// The note scrubber: replaces personal data in free text with typed markers before the
// text is stored. It errs towards removing: a false marker costs a word, a missed
// phone number can cost a young person's trust. It decides from context as well as
// from lists (lexicon.hpp), and keeps the names of places and venues.
#include <string>
#include <string_view>

#include "server/privacy/markers.hpp"

namespace gadehold::privacy {

struct ScrubResult {
  std::string text;
  ScrubReport report;
};

// Scrubs `text`, which must be valid UTF-8 (the caller checks): shaped data first
// (patterns.hpp), then names (names.hpp). Linear in the input's length for the bounded
// note sizes the server accepts. Thread-safe.
ScrubResult scrub(std::string_view text);

}  // namespace gadehold::privacy
