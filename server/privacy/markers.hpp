#pragma once
// What the scrubber puts in place of personal data, and its count of each.
#include <array>
#include <cstddef>
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

}  // namespace gadehold::privacy
