// iCalendar details the third-party parser test cannot see: folding at 75 octets
// without splitting UTF-8, TEXT escaping, and UTC times.
#include <doctest/doctest.h>

#include "server/app/shifts/calendar.hpp"
#include "support/programme.hpp"

using namespace gadehold;

TEST_CASE("ical_line folds at 75 octets and never inside a UTF-8 sequence") {
  CHECK(app::shifts::ical_line("SUMMARY:short") == "SUMMARY:short\r\n");
  const std::string exact(75, 'a');
  CHECK(app::shifts::ical_line(exact) == exact + "\r\n");
  // 74 ASCII octets, then a 2-octet character straddling octet 75.
  const std::string line = std::string(74, 'a') + "\xC3\xB8" + "bc";
  const auto folded = app::shifts::ical_line(line);
  CHECK(folded == std::string(74, 'a') + "\r\n \xC3\xB8" + "bc\r\n");
  // A long line: every physical line is at most 75 octets, and unfolding restores it.
  std::string long_line = "DESCRIPTION:";
  for (int i = 0; i < 100; ++i) long_line += "\xE2\x82\xAC";  // the euro sign, 3 octets
  const auto out = app::shifts::ical_line(long_line);
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
  CHECK(app::shifts::ical_escape("a, b; c\\d\ne\r\x01") == "a\\, b\\; c\\\\d\\ne");
}

TEST_CASE("ical_utc writes UTC with a Z") {
  CHECK(app::shifts::ical_utc(1'800'000'000'000) == "20270115T080000Z");
}

namespace {

// The secret in a feed's url_path.
std::string token_of(const std::string& url_path) {
  const std::string prefix = "/v1/calendar/";
  REQUIRE(url_path.rfind(prefix, 0) == 0);
  REQUIRE(url_path.size() > prefix.size() + 4);
  return url_path.substr(prefix.size(), url_path.size() - prefix.size() - 4);
}

std::string get_feed(test::Programme& p, test::User& user, v1::CalendarScope scope, const std::string& team = {}) {
  v1::ClientMessage m;
  m.set_request_id(1);
  m.mutable_get_calendar_feed()->set_scope(scope);
  m.mutable_get_calendar_feed()->set_team_id(team);
  return token_of(p.app.ok(user, m).calendar_feed().url_path());
}

}  // namespace

TEST_CASE("calendar feeds: a new feed rotates the old path; feeds die with their owner's access") {
  test::Programme p;
  const auto shift = p.shift(1, 2 * test::Programme::kDay);
  REQUIRE(p.sign_up(p.walker, shift).has_ack());
  auto& d = p.app;

  const auto mine = get_feed(p, p.walker, v1::CALENDAR_SCOPE_MINE);
  const auto team = get_feed(p, p.walker, v1::CALENDAR_SCOPE_TEAM, p.north);
  const auto partner_team = get_feed(p, p.partner, v1::CALENDAR_SCOPE_TEAM, p.north);
  REQUIRE(d.calendar(mine));
  CHECK(d.calendar(mine)->body.find(shift + "@gadehold") != std::string::npos);
  CHECK(d.calendar(mine)->etag.size() > 2);
  // Only the hash is stored: the secret appears nowhere in the database.
  const auto everything = p.app.fingerprint();
  CHECK(everything.find(mine) == std::string::npos);
  CHECK(everything.find(team) == std::string::npos);

  // Asking again for the same scope replaces the feed: the old path is dead.
  const auto mine2 = get_feed(p, p.walker, v1::CALENDAR_SCOPE_MINE);
  CHECK_FALSE(d.calendar(mine));
  CHECK(d.calendar(mine2));
  CHECK(d.calendar(team));  // another scope is untouched

  // Leaving the team ends the team feed; the partner's stays.
  v1::ClientMessage leave;
  leave.set_request_id(2);
  leave.mutable_set_membership()->set_volunteer_id(p.walker.volunteer_id());
  leave.mutable_set_membership()->set_team_id(p.north);
  leave.mutable_set_membership()->set_membership(v1::MEMBERSHIP_NONE);
  p.app.ok(p.coordinator, leave);
  CHECK_FALSE(d.calendar(team));
  CHECK(d.calendar(partner_team));
  // Revoking the partner ends every feed of theirs.
  v1::ClientMessage revoke;
  revoke.set_request_id(3);
  revoke.mutable_revoke_volunteer()->set_volunteer_id(p.partner.volunteer_id());
  p.app.ok(p.coordinator, revoke);
  CHECK_FALSE(d.calendar(partner_team));
  CHECK_FALSE(d.calendar("not-a-real-token-at-all"));
}
