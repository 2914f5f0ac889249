// Access control over real sockets (issue 26, "Access control holes"): failed sign-ins
// never lock out a good token or invite; taken handles are counted against the invite,
// the connection and the address; X-Forwarded-For is believed only from a trusted proxy;
// a calendar feed dies with the device it was made on and with its volunteer.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "server/store/identity.hpp"
#include "support/process.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;
using test::WsClient;

namespace {

constexpr auto kTooMany = v1::ERROR_CODE_RESOURCE_EXHAUSTED;
constexpr auto kUnauthenticated = v1::ERROR_CODE_UNAUTHENTICATED;

core::Config config_with(const test::TempDir& dir, unsigned failures_per_min) {
  auto cfg = test::test_config(dir);
  cfg.auth_failures_per_ip_per_min = failures_per_min;
  return cfg;
}

v1::ClientMessage redeem(WsClient& c, const std::string& code, const std::string& handle) {
  auto m = c.request();
  m.mutable_redeem_invite()->set_invite_code(code);
  m.mutable_redeem_invite()->set_handle(handle);
  m.mutable_redeem_invite()->set_device_name("phone");
  return m;
}

v1::ServerMessage bad_hello(WsClient& c) {
  return c.call(test::hello(c.next_request_id(), "no-such-device-token"));
}

// Fails Hello, `per_connection` times on each fresh connection, until the address is
// refused; returns the failures answered UNAUTHENTICATED before that.
int spend_budget(const std::function<std::unique_ptr<WsClient>()>& connect, int per_connection = 5) {
  int failures = 0;
  for (int connection = 0; connection < 10; ++connection) {
    auto c = connect();
    for (int i = 0; i < per_connection; ++i) {
      const auto reply = bad_hello(*c);
      if (reply.error().code() == kTooMany) {
        CHECK(c->wait_for_close() == std::optional<std::uint16_t>(1008));
        return failures;
      }
      REQUIRE(reply.error().code() == kUnauthenticated);
      ++failures;
    }
  }
  FAIL("the address was never refused");
  return failures;
}

std::string volunteer_invite(WsClient& coordinator, const std::string& team_id) {
  auto invite = coordinator.request();
  invite.mutable_create_invite()->set_role(v1::ROLE_VOLUNTEER);
  invite.mutable_create_invite()->set_team_id(team_id);
  return coordinator.call(invite).invite_created().invite_code();
}

std::string create_team(WsClient& coordinator, const std::string& name) {
  auto team = coordinator.request();
  team.mutable_create_team()->set_name(name);
  return coordinator.call(team).ack().id();
}

}  // namespace

TEST_CASE("a good token and a good invite sign in from an address whose failed sign-ins are spent") {
  test::TempDir dir;
  test::TestServer server(config_with(dir, 3));
  WsClient first(server.port());
  const auto token = first.redeem(server.invite(), "kim").device_token();
  const auto spare_invite = server.invite();

  CHECK(spend_budget([&] { return std::make_unique<WsClient>(server.port()); }) == 3);

  // The same address (a shared NAT, a community centre's Wi-Fi): the token is checked first.
  WsClient again(server.port());
  const auto welcome = again.call(test::hello(1, token));
  CHECK_MESSAGE(welcome.has_welcome(), "a valid token was refused: ", welcome.ShortDebugString());
  WsClient newcomer(server.port());
  const auto redeemed = newcomer.call(redeem(newcomer, spare_invite, "river"));
  CHECK_MESSAGE(redeemed.has_welcome(), "a valid invite was refused: ", redeemed.ShortDebugString());

  // Failures are still refused, and close the connection at once.
  WsClient attacker(server.port());
  CHECK(bad_hello(attacker).error().code() == kTooMany);
  CHECK(attacker.wait_for_close() == std::optional<std::uint16_t>(1008));
  WsClient wrong_code(server.port());
  CHECK(wrong_code.call(redeem(wrong_code, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG", "pine")).error().code() ==
        kTooMany);
}

TEST_CASE("taken handles count against the invite and the connection: one invite probes at most 10") {
  test::TempDir dir;
  test::TestServer server(config_with(dir, 1000));
  WsClient coordinator(server.port());
  coordinator.redeem(server.invite(), "kim");
  const auto code = volunteer_invite(coordinator, create_team(coordinator, "North"));

  int taken = 0;
  for (int connection = 0; connection < 2; ++connection) {
    WsClient prober(server.port());
    for (int i = 0; i < 5; ++i) {
      const auto reply = prober.call(redeem(prober, code, "KIM"));  // handles ignore case
      REQUIRE(reply.error().code() == v1::ERROR_CODE_CONFLICT);
      CHECK(reply.error().field() == "handle");
      CHECK(reply.error().reason() == "NAME_TAKEN");
      ++taken;
    }
    // Five failed session starts on one connection close it, like five bad tokens.
    const auto closed = prober.wait_for_close(std::chrono::seconds(2));
    CHECK_MESSAGE(closed == std::optional<std::uint16_t>(1008),
                  "taken handles were not counted per connection");
    CHECK(prober.stream().reason().reason == "too many failed authentications");
  }
  CHECK(taken == store::kMaxInviteHandleAttempts);
  // The invite is used up: even a free handle is refused now, as for a used code.
  WsClient late(server.port());
  const auto refused = late.call(redeem(late, code, "river"));
  CHECK_MESSAGE(refused.error().code() == kUnauthenticated, "the invite outlived ", taken, " taken handles");
}

TEST_CASE("taken handles count against the address's failure budget") {
  test::TempDir dir;
  test::TestServer server(config_with(dir, 3));
  WsClient coordinator(server.port());
  coordinator.redeem(server.invite(), "kim");
  const auto team = create_team(coordinator, "North");
  const auto code = volunteer_invite(coordinator, team);
  WsClient prober(server.port());
  for (int i = 0; i < 3; ++i)
    CHECK(prober.call(redeem(prober, code, "kim")).error().code() == v1::ERROR_CODE_CONFLICT);
  const auto refused = prober.call(redeem(prober, code, "kim"));
  CHECK_MESSAGE(refused.error().code() == kTooMany, "a 4th taken handle was answered ",
                refused.ShortDebugString());
  CHECK(prober.wait_for_close() == std::optional<std::uint16_t>(1008));
  // The invite itself is still good: a free handle gets in from the same address.
  WsClient newcomer(server.port());
  CHECK(newcomer.call(redeem(newcomer, code, "river")).has_welcome());
}

TEST_CASE("X-Forwarded-For counts only from a trusted proxy, and then its rightmost untrusted entry") {
  test::TempDir dir;
  auto cfg = config_with(dir, 3);
  cfg.behind_proxy = true;  // trusted-proxies: the default, 127.0.0.1/32 and ::1
  test::TestServer server(cfg);
  WsClient coordinator(server.port());
  const auto token = coordinator.redeem(server.invite(), "kim").device_token();

  SUBCASE("a peer that is not a trusted proxy cannot rotate the header to reset its budget") {
    int n = 0;  // a new header value on every connection, one attempt on each
    const auto failures = spend_budget(
        [&] {
          return std::make_unique<WsClient>(
              server.port(), "127.0.0.2",
              WsClient::Headers{{"X-Forwarded-For", "198.51.100." + std::to_string(++n)}});
        },
        1);
    CHECK(failures == 3);
    // Its good token still gets in; another peer is not affected.
    WsClient good(server.port(), "127.0.0.2", {{"X-Forwarded-For", "198.51.100.200"}});
    CHECK(good.call(test::hello(1, token)).has_welcome());
    WsClient other(server.port(), "127.0.0.3", {});
    CHECK(bad_hello(other).error().code() == kUnauthenticated);
  }

  SUBCASE("through a trusted proxy the client is the rightmost entry that is not a trusted proxy") {
    const auto via_proxy = [&](const std::string& xff) {
      return std::make_unique<WsClient>(server.port(), "127.0.0.1",
                                        WsClient::Headers{{"X-Forwarded-For", xff}});
    };
    CHECK(spend_budget([&] { return via_proxy("203.0.113.7"); }) == 3);
    // A client that writes its own header gets its real address appended by the proxy.
    auto forged = via_proxy("198.51.100.99, 203.0.113.7");
    CHECK(bad_hello(*forged).error().code() == kTooMany);
    // A chain of proxies: trusted entries on the right are skipped.
    auto chained = via_proxy("198.51.100.98, 203.0.113.7, 127.0.0.1");
    const auto chained_reply = bad_hello(*chained);
    CHECK_MESSAGE(chained_reply.error().code() == kTooMany,
                  "a trusted proxy in the chain was taken for the client");
    // Two header lines are one list.
    auto split = std::make_unique<WsClient>(
        server.port(), "127.0.0.1",
        WsClient::Headers{{"X-Forwarded-For", "198.51.100.97"}, {"X-Forwarded-For", "203.0.113.7"}});
    CHECK(bad_hello(*split).error().code() == kTooMany);
    // Another client behind the same proxy has its own budget.
    auto other = via_proxy("203.0.113.8");
    CHECK(bad_hello(*other).error().code() == kUnauthenticated);
    auto v6 = via_proxy("2001:db8::8, ::1");
    CHECK(bad_hello(*v6).error().code() == kUnauthenticated);
  }
}

TEST_CASE("a bad trusted-proxies value stops serve with exit code 2 and one line") {
  test::TempDir dir;
  const auto db = dir.file("gadehold.db");
  for (const std::string bad : {"10.0.0.1/8", "proxy.example", "127.0.0.1/33", "::1/129", "127.0.0.1,,::1"}) {
    CAPTURE(bad);
    auto r = test::run_gadehold({"serve", "--db", db, "--listen", "127.0.0.1:0", "--trusted-proxies", bad});
    CAPTURE(r.err);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.find("--trusted-proxies: '") != std::string::npos);
  }
  // The same from the config file.
  const auto conf = dir.file("gadehold.conf");
  std::ofstream(conf) << "trusted-proxies = 127.0.0.1/32, 10.0.0.0/8, fe80::/10, bogus\n";
  auto r = test::run_gadehold({"serve", "--config", conf, "--db", db, "--listen", "127.0.0.1:0"});
  CAPTURE(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("'bogus'") != std::string::npos);
}

namespace {

struct FeedFixture {
  test::TempDir dir;
  test::TestServer server{test::test_config(dir)};
  std::unique_ptr<WsClient> coordinator;
  std::unique_ptr<WsClient> volunteer;
  v1::Welcome welcome;
  std::string path;

  FeedFixture() {
    coordinator = std::make_unique<WsClient>(server.port());
    coordinator->redeem(server.invite(), "kim");
    const auto code = volunteer_invite(*coordinator, create_team(*coordinator, "North"));
    volunteer = std::make_unique<WsClient>(server.port());
    welcome = volunteer->redeem(code, "river");
    auto feed = volunteer->request();
    feed.mutable_get_calendar_feed()->set_scope(v1::CALENDAR_SCOPE_MINE);
    path = volunteer->call(feed).calendar_feed().url_path();
    REQUIRE(test::http_get(server.port(), path).status == 200);
  }

  v1::ServerMessage coordinator_call(v1::ClientMessage m) {
    m.set_request_id(coordinator->next_request_id());
    return coordinator->call(m);
  }
};

}  // namespace

TEST_CASE("a calendar feed dies with the device it was made on") {
  FeedFixture f;
  SUBCASE("RevokeDevice over the socket") {
    v1::ClientMessage revoke;
    revoke.mutable_revoke_device()->set_device_id(f.welcome.device_id());
    REQUIRE(f.coordinator_call(revoke).has_ack());
  }
  SUBCASE("gadehold revoke --device") {
    REQUIRE(test::run_gadehold({"revoke", "--db", f.server.db_path(), "--device", f.welcome.device_id()})
                .exit_code == 0);
  }
  const auto after = test::http_get(f.server.port(), f.path);
  CHECK_MESSAGE(after.status == 404, "the feed of a revoked device answered ", after.status);
}

TEST_CASE("a calendar feed dies with its volunteer") {
  FeedFixture f;
  SUBCASE("RevokeVolunteer over the socket") {
    v1::ClientMessage revoke;
    revoke.mutable_revoke_volunteer()->set_volunteer_id(f.welcome.volunteer_id());
    REQUIRE(f.coordinator_call(revoke).has_ack());
  }
  SUBCASE("gadehold revoke --volunteer") {
    REQUIRE(test::run_gadehold({"revoke", "--db", f.server.db_path(), "--volunteer", "river"}).exit_code ==
            0);
  }
  CHECK(test::http_get(f.server.port(), f.path).status == 404);
}
