#include "server/privacy/markers.hpp"

#include <iterator>
#include <numeric>

namespace gadehold::privacy {

std::string_view marker_text(Marker m) {
  static constexpr std::string_view texts[] = {"[PHONE]",  "[EMAIL]", "[POSTCODE]", "[ADDRESS]",
                                               "[ID]",     "[PLATE]", "[DATE]",     "[NAME]",
                                               "[HANDLE]", "[URL]",   "[SCHOOL]"};
  static_assert(std::size(texts) == kMarkerCount);
  return texts[static_cast<std::size_t>(m)];
}

std::string_view marker_name(Marker m) {
  auto text = marker_text(m);
  return text.substr(1, text.size() - 2);
}

unsigned ScrubReport::total() const { return std::accumulate(counts.begin(), counts.end(), 0u); }

}  // namespace gadehold::privacy
