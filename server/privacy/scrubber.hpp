#pragma once
// The note scrubber: replaces personal data in free text with typed markers before the
// text is stored. It errs towards removing: a false marker costs a word, a missed
// phone number can cost a young person's trust. It decides from context as well as
// from lists (lexicon.hpp), and keeps the names of places and venues.
#include <array>
#include <string>
#include <string_view>

namespace gadehold::privacy {

enum class Marker { phone, email, postcode, address, id, plate, date, name, handle, url, school };
inline constexpr std::size_t kMarkerCount = 11;

std::string_view marker_text(Marker m);  // "[PHONE]", ...
std::string_view marker_name(Marker m);  // "PHONE", ...

struct ScrubReport {
  std::array<unsigned, kMarkerCount> counts{};
  unsigned count(Marker m) const { return counts[static_cast<std::size_t>(m)]; }
  unsigned total() const;
};

struct ScrubResult {
  std::string text;
  ScrubReport report;
};

// Scrubs `text`, which must be valid UTF-8 (the caller checks): shaped data first
// (patterns.hpp), then names (names.hpp). Linear in the input's length for the bounded
// note sizes the server accepts. Thread-safe.
ScrubResult scrub(std::string_view text);

}  // namespace gadehold::privacy
