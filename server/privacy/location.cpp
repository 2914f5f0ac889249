#include "server/privacy/location.hpp"

#include <algorithm>
#include <cmath>

namespace gadehold::privacy {

core::Status check_position(double lat, double lon, const std::string& field) {
  if (!std::isfinite(lat) || lat < -90.0 || lat > 90.0) {
    return {core::Reason::LATITUDE_INVALID, "latitude must be a finite number from -90 to 90", field};
  }
  if (!std::isfinite(lon) || lon < -180.0 || lon > 180.0) {
    return {core::Reason::LONGITUDE_INVALID, "longitude must be a finite number from -180 to 180", field};
  }
  return core::Status::success();
}

std::string geohash(double lat, double lon, int precision) {
  precision = std::clamp(precision, 1, 12);
  double lat_lo = -90.0, lat_hi = 90.0;
  double lon_lo = -180.0, lon_hi = 180.0;
  std::string out;
  out.reserve(static_cast<std::size_t>(precision));
  bool even = true;  // even bits refine longitude
  int bit = 0;
  int index = 0;
  while (static_cast<int>(out.size()) < precision) {
    if (even) {
      const double mid = (lon_lo + lon_hi) / 2;
      if (lon >= mid) {
        index = index * 2 + 1;
        lon_lo = mid;
      } else {
        index = index * 2;
        lon_hi = mid;
      }
    } else {
      const double mid = (lat_lo + lat_hi) / 2;
      if (lat >= mid) {
        index = index * 2 + 1;
        lat_lo = mid;
      } else {
        index = index * 2;
        lat_hi = mid;
      }
    }
    even = !even;
    if (++bit == 5) {
      out.push_back(kGeohashAlphabet[static_cast<std::size_t>(index)]);
      bit = 0;
      index = 0;
    }
  }
  return out;
}

bool is_geohash(std::string_view text) {
  return !text.empty() && text.size() <= 12 && std::all_of(text.begin(), text.end(), [](char c) {
    return kGeohashAlphabet.find(c) != std::string_view::npos;
  });
}

std::vector<std::string> prefixes_longest_first(std::string_view cell) {
  std::vector<std::string> out;
  for (std::size_t n = cell.size(); n > 0; --n) out.emplace_back(cell.substr(0, n));
  return out;
}

}  // namespace gadehold::privacy
