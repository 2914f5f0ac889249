// Onboarding, device tokens, invites, memberships, revocation and the audit log,
// through the dispatcher on a real temporary database.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "server/core/tokens.hpp"
#include "support/app_fixture.hpp"

using namespace gadehold;
using test::AppFixture;
using test::User;

namespace {

v1::ClientMessage hello(const std::string& token, std::uint32_t version = 1) {
  v1::ClientMessage msg;
  msg.set_request_id(11);
  msg.mutable_hello()->set_protocol_version(version);
  msg.mutable_hello()->set_device_token(token);
  return msg;
}

v1::ClientMessage redeem(const std::string& code, const std::string& handle) {
  v1::ClientMessage msg;
  msg.set_request_id(12);
  msg.mutable_redeem_invite()->set_invite_code(code);
  msg.mutable_redeem_invite()->set_handle(handle);
  msg.mutable_redeem_invite()->set_device_name("phone");
  return msg;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("a coordinator redeems the first invite and comes back with the device token") {
  AppFixture app;
  auto code = app.cli_invite();
  app::SessionState fresh;
  auto welcome = app.call(fresh, redeem(code, "Coordinator Kim"));
  REQUIRE(welcome.has_welcome());
  CHECK(welcome.request_id() == 12);
  CHECK(welcome.welcome().role() == v1::ROLE_COORDINATOR);
  CHECK(welcome.welcome().handle() == "Coordinator Kim");
  CHECK(welcome.welcome().device_token().size() == 43);
  CHECK_FALSE(welcome.welcome().device_id().empty());
  CHECK(welcome.welcome().server_time_ms() == test::kStartMs);
  REQUIRE(fresh.principal.has_value());

  app::SessionState later;
  auto back = app.call(later, hello(welcome.welcome().device_token()));
  REQUIRE(back.has_welcome());
  CHECK(back.welcome().volunteer_id() == welcome.welcome().volunteer_id());
  CHECK(back.welcome().device_id() == welcome.welcome().device_id());
  CHECK(back.welcome().device_token().empty());  // never shown again
}

TEST_CASE("invites are single-use, expire, and accept any case and dashes") {
  AppFixture app;
  SUBCASE("single use") {
    auto code = app.cli_invite();
    app.redeem(code, "first");
    app::SessionState s;
    auto again = app.call(s, redeem(code, "second"));
    CHECK(again.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
  }
  SUBCASE("expired after 72 hours") {
    auto code = app.cli_invite();
    app.clock().advance_ms(72LL * 3600 * 1000 + 1);
    app::SessionState s;
    CHECK(app.call(s, redeem(code, "late")).error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
  }
  SUBCASE("lower case without dashes") {
    auto code = app.cli_invite();
    std::string typed;
    for (char c : code) {
      if (c != '-') typed.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    app::SessionState s;
    CHECK(app.call(s, redeem(typed, "casual")).has_welcome());
  }
  SUBCASE("unknown, expired and used codes get the same answer") {
    app::SessionState s;
    auto unknown = app.call(s, redeem("0000-0000-0000-0000-0000-0000-0000", "x1"));
    auto garbage = app.call(s, redeem("not a code", "x2"));
    CHECK(unknown.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
    CHECK(garbage.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
    CHECK(unknown.error().message() == garbage.error().message());
  }
}

TEST_CASE("a failed redeem uses nothing up and a taken handle is a conflict") {
  AppFixture app;
  auto coordinator = app.redeem(app.cli_invite(), "kim");
  auto team = app.create_team(coordinator, "North");
  auto code = app.invite(coordinator, v1::ROLE_VOLUNTEER, team);
  app::SessionState s;
  auto taken = app.call(s, redeem(code, "KIM"));  // handles are unique regardless of case
  CHECK(taken.error().code() == v1::ERROR_CODE_CONFLICT);
  CHECK(taken.error().field() == "handle");
  auto email = app.call(s, redeem(code, "kim@example.org"));
  CHECK(email.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
  CHECK(email.error().field() == "handle");
  auto ok = app.call(s, redeem(code, "river"));  // the invite is still good
  REQUIRE(ok.has_welcome());
  CHECK(ok.welcome().role() == v1::ROLE_VOLUNTEER);
  REQUIRE(ok.welcome().team_ids_size() == 1);
  CHECK(ok.welcome().team_ids(0) == team);
}

TEST_CASE("tokens and invite codes are never stored in plain text") {
  AppFixture app;
  auto code = app.cli_invite();
  auto user = app.redeem(code, "kim");
  auto second = app.invite(user, v1::ROLE_COORDINATOR, "");
  app.db().stop();  // checkpoint: everything is in the main file now
  std::string all = file_bytes(app.config().db) + file_bytes(app.config().db + "-wal");
  REQUIRE(all.size() > 4096);
  CHECK(all.find("kim") != std::string::npos);  // the search does find what is stored
  CHECK(all.find(user.token) == std::string::npos);
  CHECK(all.find(code) == std::string::npos);
  CHECK(all.find(*core::normalize_invite_code(code)) == std::string::npos);
  CHECK(all.find(second) == std::string::npos);
  CHECK(all.find(*core::normalize_invite_code(second)) == std::string::npos);
}

TEST_CASE("an unsupported protocol version names the supported range") {
  AppFixture app;
  app::SessionState s;
  auto reply = app.call(s, hello("x", 2));
  CHECK(reply.error().code() == v1::ERROR_CODE_FAILED_PRECONDITION);
  CHECK(reply.error().field() == "protocol_version");
  CHECK(s.failed_auth_attempts == 0);
}

TEST_CASE("leads invite volunteers into their own team only") {
  AppFixture app;
  auto coordinator = app.redeem(app.cli_invite(), "kim");
  auto north = app.create_team(coordinator, "North");
  auto south = app.create_team(coordinator, "South");
  auto lead = app.redeem(app.invite(coordinator, v1::ROLE_LEAD, north), "lead-north");
  CHECK(lead.session.principal->role == v1::ROLE_LEAD);
  CHECK_FALSE(app.invite(lead, v1::ROLE_VOLUNTEER, north).empty());

  v1::ClientMessage msg;
  msg.set_request_id(5);
  msg.mutable_create_invite()->set_role(v1::ROLE_LEAD);
  msg.mutable_create_invite()->set_team_id(north);
  CHECK(app.call(lead.session, msg).error().code() == v1::ERROR_CODE_PERMISSION_DENIED);
  msg.mutable_create_invite()->set_role(v1::ROLE_VOLUNTEER);
  msg.mutable_create_invite()->set_team_id(south);
  auto other = app.call(lead.session, msg);
  CHECK(other.error().code() == v1::ERROR_CODE_NOT_FOUND);
  CHECK(other.error().field() == "team_id");
  msg.mutable_create_invite()->set_team_id("team_doesnotexist");
  CHECK(app.call(lead.session, msg).error().code() == v1::ERROR_CODE_NOT_FOUND);
  CHECK(app.call(lead.session, msg).error().message() == other.error().message());
}

TEST_CASE("membership changes apply to the very next request") {
  AppFixture app;
  auto coordinator = app.redeem(app.cli_invite(), "kim");
  auto north = app.create_team(coordinator, "North");
  auto south = app.create_team(coordinator, "South");
  auto vol = app.redeem(app.invite(coordinator, v1::ROLE_VOLUNTEER, north), "river");

  v1::ClientMessage promote;
  promote.set_request_id(6);
  promote.mutable_set_membership()->set_volunteer_id(vol.volunteer_id());
  promote.mutable_set_membership()->set_team_id(south);
  promote.mutable_set_membership()->set_membership(v1::MEMBERSHIP_LEAD);
  app.ok(coordinator, promote);
  // The session still holds the old principal, but the next request is authorised as a
  // lead of South: inviting into South now works.
  CHECK_FALSE(app.invite(vol, v1::ROLE_VOLUNTEER, south).empty());

  promote.mutable_set_membership()->set_membership(v1::MEMBERSHIP_NONE);
  app.ok(coordinator, promote);
  v1::ClientMessage again;
  again.set_request_id(7);
  again.mutable_create_invite()->set_role(v1::ROLE_VOLUNTEER);
  again.mutable_create_invite()->set_team_id(south);
  CHECK(app.call(vol.session, again).error().code() == v1::ERROR_CODE_PERMISSION_DENIED);  // a volunteer again

  v1::ClientMessage list;
  list.set_request_id(8);
  list.mutable_list_teams();
  auto teams = app.ok(vol, list).team_list();
  REQUIRE(teams.teams_size() == 1);
  CHECK(teams.teams(0).team_id() == north);
}

TEST_CASE("a revoked device is refused at once and its connections are closed") {
  AppFixture app;
  auto coordinator = app.redeem(app.cli_invite(), "kim");
  auto north = app.create_team(coordinator, "North");
  auto vol = app.redeem(app.invite(coordinator, v1::ROLE_VOLUNTEER, north), "river");

  v1::ClientMessage revoke;
  revoke.set_request_id(9);
  revoke.mutable_revoke_volunteer()->set_volunteer_id(vol.volunteer_id());
  auto ack = app.ok(coordinator, revoke).ack();
  CHECK(ack.id() == vol.volunteer_id());
  auto closed = app.hub().closed();
  REQUIRE(closed.size() == 1);
  CHECK(closed[0] == vol.device_id());

  v1::ClientMessage list;
  list.set_request_id(10);
  list.mutable_list_areas();
  auto refused = app.call(vol.session, list);
  CHECK(refused.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
  REQUIRE(app.last_close().has_value());
  CHECK(app.last_close()->code == 1008);
  CHECK(app.last_close()->reason == "revoked");

  app::SessionState s;
  CHECK(app.call(s, hello(vol.token)).error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
}

TEST_CASE("a volunteer revokes a lost phone from another device") {
  AppFixture app;
  auto coordinator = app.redeem(app.cli_invite(), "kim");
  auto north = app.create_team(coordinator, "North");
  auto lead = app.redeem(app.invite(coordinator, v1::ROLE_LEAD, north), "lead");
  auto phone = app.redeem(app.invite(lead, v1::ROLE_VOLUNTEER, north), "river");

  v1::ClientMessage list;
  list.set_request_id(1);
  list.mutable_list_devices();
  auto devices = app.ok(phone, list).device_list();
  REQUIRE(devices.devices_size() == 1);
  CHECK(devices.devices(0).current());

  v1::ClientMessage revoke;
  revoke.set_request_id(2);
  revoke.mutable_revoke_device()->set_device_id(phone.device_id());
  CHECK_FALSE(app.ok(phone, revoke).ack().duplicate());
  CHECK(app.ok(coordinator, revoke).ack().duplicate());  // already revoked: idempotent
}

TEST_CASE("the audit log records who did what without content, newest first, in pages") {
  AppFixture app;
  auto coordinator = app.redeem(app.cli_invite(), "kim");
  auto north = app.create_team(coordinator, "North");
  for (int i = 0; i < 5; ++i) app.invite(coordinator, v1::ROLE_VOLUNTEER, north);

  v1::ClientMessage page_req;
  page_req.set_request_id(1);
  page_req.mutable_list_audit()->set_limit(3);
  auto first = app.ok(coordinator, page_req).audit_page();
  REQUIRE(first.entries_size() == 3);
  CHECK(first.more());
  CHECK(first.entries(0).action() == "invite.create");
  CHECK(first.entries(0).actor_id() == coordinator.volunteer_id());
  CHECK(first.entries(0).id() > first.entries(1).id());

  page_req.mutable_list_audit()->set_before_id(first.next_before_id());
  page_req.mutable_list_audit()->set_limit(100);
  auto rest = app.ok(coordinator, page_req).audit_page();
  CHECK_FALSE(rest.more());
  // cli invite, redeem, team, 5 invites = 8 entries
  CHECK(first.entries_size() + rest.entries_size() == 8);
  CHECK(rest.entries(rest.entries_size() - 1).action() == "invite.create");
  CHECK(rest.entries(rest.entries_size() - 1).actor_id() == "cli");
  for (const auto& e : rest.entries()) {
    CHECK(e.object_id().find("kim") == std::string::npos);
    CHECK(e.object_id().find("North") == std::string::npos);
  }
}

TEST_CASE("a device over its request budget gets RESOURCE_EXHAUSTED") {
  AppFixture app;
  app.config().rate_limit_per_s = 1;
  app.config().rate_limit_burst = 5;
  app::Dispatcher limited(app.db(), app.clock(), app.hub(), app.config());
  auto coordinator = app.redeem(app.cli_invite(), "kim");
  v1::ClientMessage list;
  list.set_request_id(1);
  list.mutable_list_areas();
  int exhausted = 0;
  for (int i = 0; i < 10; ++i) {
    std::promise<app::Outcome> p;
    limited.dispatch(coordinator.session, list.SerializeAsString(), [&](app::Outcome o) { p.set_value(std::move(o)); });
    auto o = p.get_future().get();
    if (o.reply.has_error() && o.reply.error().code() == v1::ERROR_CODE_RESOURCE_EXHAUSTED) ++exhausted;
  }
  CHECK(exhausted >= 4);  // a burst of 5, refilled at 1/s during a fast loop
  CHECK(exhausted <= 5);
}

TEST_CASE("failed authentications from one address are throttled across connections") {
  AppFixture app;
  app.config().auth_failures_per_ip_per_min = 3;
  app::Dispatcher limited(app.db(), app.clock(), app.hub(), app.config());
  int unauthenticated = 0;
  int exhausted = 0;
  for (int i = 0; i < 6; ++i) {
    app::SessionState s;  // a new connection each time
    s.client_address = "203.0.113.5";
    std::promise<app::Outcome> p;
    limited.dispatch(s, hello("bad").SerializeAsString(), [&](app::Outcome o) { p.set_value(std::move(o)); });
    auto code = p.get_future().get().reply.error().code();
    if (code == v1::ERROR_CODE_UNAUTHENTICATED) ++unauthenticated;
    if (code == v1::ERROR_CODE_RESOURCE_EXHAUSTED) ++exhausted;
  }
  CHECK(unauthenticated == 3);
  CHECK(exhausted == 3);
  app::SessionState other;
  other.client_address = "203.0.113.6";
  std::promise<app::Outcome> p;
  limited.dispatch(other, hello("bad").SerializeAsString(), [&](app::Outcome o) { p.set_value(std::move(o)); });
  CHECK(p.get_future().get().reply.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
}

TEST_CASE("areas are validated geohash prefixes and listed with them") {
  AppFixture app;
  auto coordinator = app.redeem(app.cli_invite(), "kim");
  v1::ClientMessage area;
  area.set_request_id(1);
  area.mutable_create_area()->set_name("Nørrebro");
  area.mutable_create_area()->add_geohash_prefixes("u3buv");
  area.mutable_create_area()->add_geohash_prefixes("u3buy");
  auto id = app.ok(coordinator, area).ack().id();

  area.mutable_create_area()->set_name("Overlap");
  area.mutable_create_area()->clear_geohash_prefixes();
  area.mutable_create_area()->add_geohash_prefixes("u3buv");
  auto conflict = app.call(coordinator.session, area);
  CHECK(conflict.error().code() == v1::ERROR_CODE_CONFLICT);
  CHECK(conflict.error().field() == "geohash_prefixes");

  area.mutable_create_area()->set_geohash_prefixes(0, "u3bua");  // 'a' is not in the alphabet
  CHECK(app.call(coordinator.session, area).error().field() == "geohash_prefixes");
  area.mutable_create_area()->clear_geohash_prefixes();
  CHECK(app.call(coordinator.session, area).error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);

  v1::ClientMessage list;
  list.set_request_id(2);
  list.mutable_list_areas();
  auto areas = app.ok(coordinator, list).area_list();
  REQUIRE(areas.areas_size() == 1);
  CHECK(areas.areas(0).area_id() == id);
  CHECK(areas.areas(0).geohash_prefixes_size() == 2);
}
