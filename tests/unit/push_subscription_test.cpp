// A device's push subscription (RegisterPush, UnregisterPush) and the deployment's VAPID
// key, through the dispatcher on a real temporary database.
#include <doctest/doctest.h>

#include "server/cli/push_key.hpp"
#include "server/core/tokens.hpp"
#include "server/store/push.hpp"
#include "support/app_fixture.hpp"
#include "support/push_receiver.hpp"

using namespace gadehold;
using test::AppFixture;
using test::User;

namespace {

constexpr const char* kEndpoint = "https://push.example.net/wpush/v2/gAAAAABlphone1";

struct Subscription {
  std::string endpoint = kEndpoint;
  std::string p256dh;
  std::string auth;
};

Subscription fresh_subscription(std::string endpoint = kEndpoint) {
  const auto phone = test::PushReceiver::generate();
  return {std::move(endpoint), core::base64url(phone.public_point()), core::base64url(phone.auth())};
}

v1::ClientMessage register_push(const Subscription& sub) {
  v1::ClientMessage msg;
  msg.set_request_id(41);
  auto* r = msg.mutable_register_push();
  r->set_endpoint(sub.endpoint);
  r->set_p256dh(sub.p256dh);
  r->set_auth(sub.auth);
  return msg;
}

v1::ClientMessage unregister_push() {
  v1::ClientMessage msg;
  msg.set_request_id(42);
  msg.mutable_unregister_push();
  return msg;
}

v1::ClientMessage list_devices() {
  v1::ClientMessage msg;
  msg.set_request_id(43);
  msg.mutable_list_devices();
  return msg;
}

std::optional<store::PushSubscription> stored(AppFixture& app, const std::string& device_id) {
  auto reader = test::open_reader(app.config().db);
  return store::push_subscription(*reader, device_id);
}

// A coordinator and a volunteer of team North, each on one phone.
struct Programme {
  User coordinator;
  User volunteer;
};

Programme programme(AppFixture& app) {
  Programme p;
  p.coordinator = app.redeem(app.cli_invite(), "coordinator");
  const auto north = app.create_team(p.coordinator, "North");
  p.volunteer = app.redeem(app.invite(p.coordinator, v1::ROLE_VOLUNTEER, north), "river");
  return p;
}

}  // namespace

TEST_CASE(
    "RegisterPush binds a subscription to the calling device, replaces it, and UnregisterPush removes it") {
  AppFixture app;
  auto p = programme(app);
  const auto first = fresh_subscription();
  auto ack = app.call(p.volunteer.session, register_push(first));
  REQUIRE(ack.has_ack());
  CHECK(ack.ack().id() == p.volunteer.device_id());
  CHECK_FALSE(ack.ack().duplicate());
  auto row = stored(app, p.volunteer.device_id());
  REQUIRE(row.has_value());
  CHECK(row->endpoint == first.endpoint);
  CHECK(row->p256dh == first.p256dh);
  CHECK(row->auth == first.auth);
  CHECK(row->created_at_ms == test::kStartMs);

  // The same values again change nothing.
  app.clock().advance_ms(1000);
  auto again = app.call(p.volunteer.session, register_push(first));
  REQUIRE(again.has_ack());
  CHECK(again.ack().duplicate());
  CHECK(stored(app, p.volunteer.device_id())->updated_at_ms == test::kStartMs);

  // A new subscription (the browser renewed it) replaces the old one: one per device.
  app.clock().advance_ms(1000);
  const auto second = fresh_subscription("https://updates.push.services.example/wpush/v1/other");
  auto replaced = app.call(p.volunteer.session, register_push(second));
  REQUIRE(replaced.has_ack());
  CHECK_FALSE(replaced.ack().duplicate());
  row = stored(app, p.volunteer.device_id());
  REQUIRE(row.has_value());
  CHECK(row->endpoint == second.endpoint);
  CHECK(row->p256dh == second.p256dh);
  CHECK(row->created_at_ms == test::kStartMs + 2000);
  CHECK(row->updated_at_ms == test::kStartMs + 2000);
  {
    auto reader = test::open_reader(app.config().db);
    CHECK(store::count_push_subscriptions(*reader) == 1);
  }

  // The coordinator's own phone has its own subscription; the volunteer's stays.
  REQUIRE(app.call(p.coordinator.session, register_push(first)).has_ack());
  CHECK(stored(app, p.coordinator.device_id())->endpoint == first.endpoint);
  CHECK(stored(app, p.volunteer.device_id())->endpoint == second.endpoint);

  auto removed = app.call(p.volunteer.session, unregister_push());
  REQUIRE(removed.has_ack());
  CHECK(removed.ack().id() == p.volunteer.device_id());
  CHECK_FALSE(removed.ack().duplicate());
  CHECK_FALSE(stored(app, p.volunteer.device_id()).has_value());
  CHECK(stored(app, p.coordinator.device_id()).has_value());

  // Nothing left to remove: still an Ack, marked as a repeat.
  auto repeat = app.call(p.volunteer.session, unregister_push());
  REQUIRE(repeat.has_ack());
  CHECK(repeat.ack().duplicate());
}

TEST_CASE("RegisterPush takes padded keys and stores them without the padding") {
  AppFixture app;
  auto p = programme(app);
  auto sub = fresh_subscription();
  const auto unpadded = sub;
  sub.p256dh += "=";
  sub.auth += "==";
  REQUIRE(app.call(p.volunteer.session, register_push(sub)).has_ack());
  auto row = stored(app, p.volunteer.device_id());
  REQUIRE(row.has_value());
  CHECK(row->p256dh == unpadded.p256dh);
  CHECK(row->auth == unpadded.auth);
}

TEST_CASE("RegisterPush refuses a bad endpoint or key with its reason and field, and never echoes it") {
  AppFixture app;
  auto p = programme(app);
  const auto good = fresh_subscription();
  const auto off_curve = [] {
    std::string point(65, '\x01');
    point[0] = '\x04';
    return core::base64url(point);
  }();
  struct Case {
    const char* name;
    Subscription sub;
    const char* reason;
    const char* field;
  };
  auto with = [&good](auto change) {
    auto s = good;
    change(s);
    return s;
  };
  const std::vector<Case> cases = {
      {"no endpoint", with([](auto& s) { s.endpoint.clear(); }), "REQUIRED", "endpoint"},
      {"http", with([](auto& s) { s.endpoint = "http://push.example.net/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"no scheme", with([](auto& s) { s.endpoint = "push.example.net/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"no host", with([](auto& s) { s.endpoint = "https:///secretpath"; }), "PUSH_ENDPOINT_INVALID",
       "endpoint"},
      {"port only", with([](auto& s) { s.endpoint = "https://:443/secretpath"; }), "PUSH_ENDPOINT_INVALID",
       "endpoint"},
      {"bad port", with([](auto& s) { s.endpoint = "https://push.example.net:99999/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"userinfo", with([](auto& s) { s.endpoint = "https://kim:secretpw@push.example.net/p"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"fragment", with([](auto& s) { s.endpoint = "https://push.example.net/p#secretfrag"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"space", with([](auto& s) { s.endpoint = "https://push.example.net/secret path"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"too long", with([](auto& s) { s.endpoint = "https://push.example.net/" + std::string(2048, 'a'); }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      // Phones must not make the server reach into its own network (SSRF).
      {"loopback", with([](auto& s) { s.endpoint = "https://127.0.0.1:9464/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"loopback v6", with([](auto& s) { s.endpoint = "https://[::1]/secretpath"; }), "PUSH_ENDPOINT_INVALID",
       "endpoint"},
      {"private", with([](auto& s) { s.endpoint = "https://10.1.2.3/secretpath"; }), "PUSH_ENDPOINT_INVALID",
       "endpoint"},
      {"link-local metadata", with([](auto& s) { s.endpoint = "https://169.254.169.254/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"v4-mapped private", with([](auto& s) { s.endpoint = "https://[::ffff:192.168.1.1]/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"short loopback", with([](auto& s) { s.endpoint = "https://127.1/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"decimal loopback", with([](auto& s) { s.endpoint = "https://2130706433/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"hex loopback", with([](auto& s) { s.endpoint = "https://0x7f000001:443/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"NAT64 of a private address",
       with([](auto& s) { s.endpoint = "https://[64:ff9b::a00:1]/secretpath"; }), "PUSH_ENDPOINT_INVALID",
       "endpoint"},
      {"percent-encoded host", with([](auto& s) { s.endpoint = "https://%31%32%37.0.0.1/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"full-width host", with([](auto& s) { s.endpoint = "https://\uFF11\uFF12\uFF17.0.0.1/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"trailing dot", with([](auto& s) { s.endpoint = "https://push.example.net./secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"label over 63",
       with([](auto& s) { s.endpoint = "https://" + std::string(64, 'a') + ".net/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"zone id", with([](auto& s) { s.endpoint = "https://[fe80::1%25lo]/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"unique local v6", with([](auto& s) { s.endpoint = "https://[fd00::1]:8443/secretpath"; }),
       "PUSH_ENDPOINT_INVALID", "endpoint"},
      {"no p256dh", with([](auto& s) { s.p256dh.clear(); }), "REQUIRED", "p256dh"},
      {"p256dh not base64url", with([](auto& s) { s.p256dh = "secret+key/with/slashes"; }),
       "PUSH_KEY_INVALID", "p256dh"},
      {"p256dh compressed", with([](auto& s) { s.p256dh = core::base64url(std::string(33, '\x02')); }),
       "PUSH_KEY_INVALID", "p256dh"},
      {"p256dh off the curve", with([&](auto& s) { s.p256dh = off_curve; }), "PUSH_KEY_INVALID", "p256dh"},
      {"no auth", with([](auto& s) { s.auth.clear(); }), "REQUIRED", "auth"},
      {"auth 8 bytes", with([](auto& s) { s.auth = core::base64url("secret!!"); }), "PUSH_KEY_INVALID",
       "auth"},
      {"auth not base64url", with([](auto& s) { s.auth = "secret*auth*value*"; }), "PUSH_KEY_INVALID",
       "auth"},
  };
  const auto before = app.fingerprint();
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto reply = app.call(p.volunteer.session, register_push(c.sub));
    REQUIRE(reply.has_error());
    CHECK(reply.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
    CHECK(reply.error().reason() == c.reason);
    CHECK(reply.error().field() == c.field);
    if (std::string(c.reason) == "PUSH_ENDPOINT_INVALID")
      CHECK(reply.error().params().at("max_bytes") == "2048");
    CHECK(reply.error().message().find("secret") == std::string::npos);
    CHECK(reply.error().message().find("example") == std::string::npos);
  }
  CHECK(app.fingerprint() == before);

  // The limit is inclusive: 2048 bytes are accepted.
  auto longest = good;
  longest.endpoint = "https://push.example.net/";
  longest.endpoint += std::string(2048 - longest.endpoint.size(), 'a');
  CHECK(app.call(p.volunteer.session, register_push(longest)).has_ack());
  auto with_port = good;
  with_port.endpoint = "https://[2a00:1450:4001:82b::200a]:8443/push?x=1";
  CHECK(app.call(p.volunteer.session, register_push(with_port)).has_ack());
}

TEST_CASE("ListDevices marks the devices that have a push subscription") {
  AppFixture app;
  auto p = programme(app);
  auto second_phone = app.redeem(app.invite(p.coordinator, v1::ROLE_COORDINATOR, ""), "second coordinator");
  REQUIRE(app.call(p.coordinator.session, register_push(fresh_subscription())).has_ack());
  auto list = app.call(p.coordinator.session, list_devices());
  REQUIRE(list.has_device_list());
  REQUIRE(list.device_list().devices_size() == 1);
  CHECK(list.device_list().devices(0).has_push());
  auto other = app.call(second_phone.session, list_devices());
  REQUIRE(other.device_list().devices_size() == 1);
  CHECK_FALSE(other.device_list().devices(0).has_push());
  REQUIRE(app.call(p.coordinator.session, unregister_push()).has_ack());
  CHECK_FALSE(app.call(p.coordinator.session, list_devices()).device_list().devices(0).has_push());
}

TEST_CASE("revoking a device or its volunteer deletes the push subscription") {
  AppFixture app;
  auto p = programme(app);
  REQUIRE(app.call(p.volunteer.session, register_push(fresh_subscription())).has_ack());
  REQUIRE(app.call(p.coordinator.session, register_push(fresh_subscription())).has_ack());
  v1::ClientMessage revoke;
  revoke.set_request_id(44);
  revoke.mutable_revoke_device()->set_device_id(p.volunteer.device_id());
  REQUIRE(app.call(p.coordinator.session, revoke).has_ack());
  CHECK_FALSE(stored(app, p.volunteer.device_id()).has_value());
  CHECK(stored(app, p.coordinator.device_id()).has_value());

  // A volunteer revoked as a whole loses every phone's subscription.
  auto p2 = app.redeem(app.invite(p.coordinator, v1::ROLE_COORDINATOR, ""), "second coordinator");
  REQUIRE(app.call(p2.session, register_push(fresh_subscription())).has_ack());
  v1::ClientMessage revoke_volunteer;
  revoke_volunteer.set_request_id(45);
  revoke_volunteer.mutable_revoke_volunteer()->set_volunteer_id(p2.volunteer_id());
  REQUIRE(app.call(p.coordinator.session, revoke_volunteer).has_ack());
  CHECK_FALSE(stored(app, p2.device_id()).has_value());
  CHECK(stored(app, p.coordinator.device_id()).has_value());
}

TEST_CASE("deleting a device row (retention does) deletes its push subscription by the cascade") {
  AppFixture app;
  auto p = programme(app);
  REQUIRE(app.call(p.volunteer.session, register_push(fresh_subscription())).has_ack());
  app.write([&](store::Connection& c) {
    store::Statement st(c, "DELETE FROM devices WHERE id = ?");
    st.bind(1, p.volunteer.device_id()).run();
  });
  CHECK_FALSE(stored(app, p.volunteer.device_id()).has_value());
}

TEST_CASE("Welcome carries the deployment's VAPID public key once the database has one") {
  AppFixture app;
  auto p = programme(app);
  std::string public_key;
  app.write([&](store::Connection& c) {
    CHECK(cli::create_push_key(c, test::kStartMs));
    CHECK_FALSE(cli::create_push_key(c, test::kStartMs));  // one per deployment
    public_key = store::vapid_key(c)->public_key;
  });
  const auto point = core::base64url_decode(public_key);
  REQUIRE(point.has_value());
  CHECK(point->size() == 65);
  CHECK((*point)[0] == '\x04');

  app::SessionState later;
  v1::ClientMessage hello;
  hello.set_request_id(46);
  hello.mutable_hello()->set_protocol_version(1);
  hello.mutable_hello()->set_device_token(p.volunteer.token);
  auto welcome = app.call(later, hello);
  REQUIRE(welcome.has_welcome());
  CHECK(welcome.welcome().vapid_public_key() == public_key);

  // A new device's Welcome (RedeemInvite) carries it too.
  v1::ClientMessage redeem;
  redeem.set_request_id(47);
  redeem.mutable_redeem_invite()->set_invite_code(app.cli_invite());
  redeem.mutable_redeem_invite()->set_handle("harbour");
  app::SessionState fresh;
  auto redeemed = app.call(fresh, redeem);
  REQUIRE(redeemed.has_welcome());
  CHECK(redeemed.welcome().vapid_public_key() == public_key);
}
