// iCalendar details the third-party parser test cannot see: folding at 75 octets
// without splitting UTF-8, TEXT escaping, and UTC times.
#include <doctest/doctest.h>

#include "server/app/calendar.hpp"

using namespace gadehold;

TEST_CASE("ical_line folds at 75 octets and never inside a UTF-8 sequence") {
  CHECK(app::ical_line("SUMMARY:short") == "SUMMARY:short\r\n");
  const std::string exact(75, 'a');
  CHECK(app::ical_line(exact) == exact + "\r\n");
  // 74 ASCII octets, then a 2-octet character straddling octet 75.
  const std::string line = std::string(74, 'a') + "\xC3\xB8" + "bc";
  const auto folded = app::ical_line(line);
  CHECK(folded == std::string(74, 'a') + "\r\n \xC3\xB8" + "bc\r\n");
  // A long line: every physical line is at most 75 octets, and unfolding restores it.
  std::string long_line = "DESCRIPTION:";
  for (int i = 0; i < 100; ++i) long_line += "\xE2\x82\xAC";  // the euro sign, 3 octets
  const auto out = app::ical_line(long_line);
  std::string unfolded;
  std::size_t start = 0;
  while (start < out.size()) {
    const auto end = out.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    CHECK(end - start <= 75);
    unfolded += out.substr(start == 0 ? start : start + 1, end - (start == 0 ? start : start + 1));
    start = end + 2;
  }
  CHECK(unfolded == long_line);
}

TEST_CASE("ical_escape escapes TEXT and drops control characters") {
  CHECK(app::ical_escape("a, b; c\\d\ne\r\x01") == "a\\, b\\; c\\\\d\\ne");
}

TEST_CASE("ical_utc writes UTC with a Z") {
  CHECK(app::ical_utc(1'800'000'000'000) == "20270115T080000Z");
}
