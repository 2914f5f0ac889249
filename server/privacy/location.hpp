#pragma once
// Location coarsening: a position is validated, turned into a geohash cell, and only the
// cell is ever stored. The raw numbers never leave this function's caller.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/core/status.hpp"

namespace gadehold::privacy {

inline constexpr int kDefaultGeohashPrecision = 6;  // cells of about 1.2 km x 0.6 km
inline constexpr std::string_view kGeohashAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz";

// OK, or INVALID_ARGUMENT on `field` for a latitude or longitude that is not finite or
// out of range. The message never echoes the numbers.
core::Status check_position(double lat, double lon, const std::string& field = "location");

// The geohash cell of a valid position, `precision` characters (1 to 12).
std::string geohash(double lat, double lon, int precision = kDefaultGeohashPrecision);

// True when `text` is 1 to 12 characters of the geohash alphabet.
bool is_geohash(std::string_view text);

// Every prefix of `cell`, longest first: the keys to look an area up by.
std::vector<std::string> prefixes_longest_first(std::string_view cell);

}  // namespace gadehold::privacy
