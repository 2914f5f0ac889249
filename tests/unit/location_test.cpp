// Location coarsening.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "server/privacy/location.hpp"

using namespace gadehold::privacy;

TEST_CASE("geohash matches published cells") {
  // Expected cells computed with Perl's Geo::Hash (Debian libgeo-hash-perl), an
  // implementation independent of ours.
  CHECK(geohash(57.64911, 10.40744, 11) == "u4pruydqqvj");
  CHECK(geohash(55.6761, 12.5683, 6) == "u3butz");   // Copenhagen town hall square
  CHECK(geohash(53.4084, -2.9916, 6) == "gcmzgf");   // Liverpool city centre
  CHECK(geohash(-33.8688, 151.2093, 5) == "r3gx2");  // southern and eastern hemispheres
  CHECK(geohash(0, 0, 1) == "s");
  CHECK(geohash(90, 180, 3) == "zzz");
  CHECK(geohash(-90, -180, 3) == "000");
}

TEST_CASE("positions must be finite and in range, and errors never echo the numbers") {
  CHECK(check_position(55.6761, 12.5683).ok());
  CHECK(check_position(-90, 180).ok());
  for (auto [lat, lon] : {std::pair{91.0, 0.0}, {-90.5, 0.0}, {0.0, 180.01}, {0.0, -181.0},
                          {std::nan(""), 0.0}, {0.0, std::numeric_limits<double>::infinity()}}) {
    auto status = check_position(lat, lon);
    CHECK(status.code == gadehold::core::Code::invalid_argument);
    CHECK(status.field == "location");
    CHECK(status.message.find("91") == std::string::npos);
    CHECK(status.message.find("181") == std::string::npos);
  }
}

TEST_CASE("cells are looked up by every prefix, longest first") {
  CHECK(prefixes_longest_first("u3buw5") == std::vector<std::string>{"u3buw5", "u3buw", "u3bu", "u3b", "u3", "u"});
  CHECK(is_geohash("u3buw5"));
  CHECK_FALSE(is_geohash("u3bua5"));  // 'a' is not in the alphabet
  CHECK_FALSE(is_geohash(""));
  CHECK_FALSE(is_geohash("0123456789bcd"));
}
