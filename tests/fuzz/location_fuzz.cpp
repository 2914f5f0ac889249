// Fuzz target: position checks and geohash cells (server/privacy/location.hpp).
//
// Input: a mode byte, a precision byte, latitude and longitude (8 bytes each: the raw
// bits of a double, or when the mode's low bit is set a fraction of the valid range),
// then free text taken as a candidate geohash.
//
// Invariants:
// - check_position accepts exactly the finite positions in range, and its refusal
//   names the field and never echoes the numbers;
// - a valid position's cell has clamp(precision, 1, 12) characters of the geohash
//   alphabet, contains the position, is a prefix of its longer cells, and its centre
//   encodes to the same cell;
// - is_geohash accepts exactly 1 to 12 characters of the alphabet, and every such text
//   decodes to a cell whose centre encodes back to it;
// - prefixes_longest_first lists every prefix, longest first.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "server/privacy/location.hpp"

using namespace gadehold;

namespace {

// The standard geohash alphabet, written out again rather than taken from the header.
constexpr std::string_view kAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz";

struct Cell {
  double lat_lo = -90, lat_hi = 90, lon_lo = -180, lon_hi = 180;
};

// Decodes a text of alphabet characters.
Cell decode(std::string_view hash) {
  Cell c;
  bool even = true;
  for (char ch : hash) {
    const auto value = static_cast<int>(kAlphabet.find(ch));
    for (int bit = 4; bit >= 0; --bit) {
      const bool high = ((value >> bit) & 1) != 0;
      double& lo = even ? c.lon_lo : c.lat_lo;
      double& hi = even ? c.lon_hi : c.lat_hi;
      const double mid = (lo + hi) / 2;
      (high ? lo : hi) = mid;
      even = !even;
    }
  }
  return c;
}

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    const auto n = std::min<std::size_t>(8, size_ - pos_);
    std::memcpy(&v, data_ + pos_, n);
    pos_ += n;
    return v;
  }
  double raw_double() {
    const auto bits = u64();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  // A value in [-limit, limit], the ends included.
  double in_range(double limit) {
    const auto v = u64() % 2'000'001;
    return (static_cast<double>(v) / 1'000'000.0 - 1.0) * limit;
  }
  std::string_view rest() {
    std::string_view out(reinterpret_cast<const char*>(data_ + pos_), size_ - pos_);
    pos_ = size_;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

void check_position_rule(double lat, double lon) {
  const bool valid = std::isfinite(lat) && lat >= -90 && lat <= 90 && std::isfinite(lon) && lon >= -180 && lon <= 180;
  const auto status = privacy::check_position(lat, lon, "where");
  FUZZ_CHECK(status.ok() == valid);
  if (valid) return;
  FUZZ_CHECK(status.code == core::Code::invalid_argument);
  FUZZ_CHECK(status.field == "where");
  // The refusal depends on which number is wrong, never on its value.
  const bool lat_ok = std::isfinite(lat) && lat >= -90 && lat <= 90;
  const auto same = lat_ok ? privacy::check_position(0, NAN, "where") : privacy::check_position(NAN, 0, "where");
  FUZZ_CHECK(status.message == same.message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const auto mode = in.byte();
  const int precision = static_cast<std::int8_t>(in.byte());
  const bool scaled = (mode & 1) != 0;
  const double lat = scaled ? in.in_range(90) : in.raw_double();
  const double lon = scaled ? in.in_range(180) : in.raw_double();
  check_position_rule(lat, lon);

  if (privacy::check_position(lat, lon).ok()) {
    const auto cell = privacy::geohash(lat, lon, precision);
    FUZZ_CHECK(static_cast<int>(cell.size()) == std::clamp(precision, 1, 12));
    FUZZ_CHECK(privacy::is_geohash(cell));
    const auto c = decode(cell);
    FUZZ_CHECK(c.lat_lo <= lat && lat <= c.lat_hi);
    FUZZ_CHECK(c.lon_lo <= lon && lon <= c.lon_hi);
    FUZZ_CHECK(privacy::geohash(lat, lon, 12).compare(0, cell.size(), cell) == 0);
    const double mid_lat = (c.lat_lo + c.lat_hi) / 2, mid_lon = (c.lon_lo + c.lon_hi) / 2;
    FUZZ_CHECK(privacy::geohash(mid_lat, mid_lon, static_cast<int>(cell.size())) == cell);
  }

  const auto text = in.rest();
  const bool expected = !text.empty() && text.size() <= 12 &&
                        text.find_first_not_of(kAlphabet) == std::string_view::npos;
  FUZZ_CHECK(privacy::is_geohash(text) == expected);
  if (expected) {
    const auto c = decode(text);
    const double mid_lat = (c.lat_lo + c.lat_hi) / 2, mid_lon = (c.lon_lo + c.lon_hi) / 2;
    FUZZ_CHECK(privacy::check_position(mid_lat, mid_lon).ok());
    FUZZ_CHECK(privacy::geohash(mid_lat, mid_lon, static_cast<int>(text.size())) == text);
  }
  const auto prefixes = privacy::prefixes_longest_first(text);
  FUZZ_CHECK(prefixes.size() == text.size());
  for (std::size_t k = 0; k < prefixes.size(); ++k) FUZZ_CHECK(prefixes[k] == text.substr(0, text.size() - k));
  return 0;
}
