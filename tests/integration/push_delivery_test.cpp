// Push to locked phones, end to end: a real server (push-contact set, the test CA passed
// with push-ca-file) and tests/push/push_service.py, whose Debian python3-cryptography
// verifies each VAPID token and decrypts each body with the phone's private key. The
// leads' sockets are closed before the SOS: only the push reaches them.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "server/core/metrics.hpp"
#include "server/core/tokens.hpp"
#include "server/store/push.hpp"
#include "support/ids.hpp"
#include "support/live_team.hpp"
#include "support/push_receiver.hpp"
#include "support/push_service.hpp"
#include "support/reader.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;
using namespace std::chrono_literals;
using test::WsClient;

namespace {

std::int64_t wall_ms() { return core::SystemClock().now_ms(); }

std::string text(const boost::json::value& v) { return std::string(v.as_string()); }

struct Phone {
  explicit Phone(std::string p) : path(std::move(p)) {}
  std::string path;
  test::PushReceiver keys = test::PushReceiver::generate();
  v1::Welcome welcome;
};

// Signs `phone` in with `code`, registers its push subscription, and hangs up.
void sign_in_and_subscribe(unsigned short port, test::PushService& service, Phone& phone,
                           const std::string& code, const std::string& handle) {
  WsClient c(port);
  phone.welcome = c.redeem(code, handle);
  REQUIRE(!phone.welcome.vapid_public_key().empty());
  service.subscribe(phone.path, phone.keys);
  auto m = c.request();
  m.mutable_register_push()->set_endpoint(service.endpoint(phone.path));
  m.mutable_register_push()->set_p256dh(core::base64url(phone.keys.public_point()));
  m.mutable_register_push()->set_auth(core::base64url(phone.keys.auth()));
  REQUIRE(c.call(m).has_ack());
}

// Opens the app again on `phone`: a new socket, signed in with its device token.
void sign_in_again(WsClient& c, const Phone& phone) {
  auto hello = c.request();
  hello.mutable_hello()->set_protocol_version(1);
  hello.mutable_hello()->set_device_token(phone.welcome.device_token());
  REQUIRE(c.call(hello).has_welcome());
}

// The records of `path` so far whose decrypted payload has `kind`.
std::vector<boost::json::object> pushes_to(test::PushService& service, const std::string& path,
                                           const std::string& kind) {
  std::vector<boost::json::object> out;
  for (const auto& r : service.records()) {
    const auto& o = r.as_object();
    if (text(o.at("path")) != path || o.at("plaintext").is_null()) continue;
    if (text(boost::json::parse(text(o.at("plaintext"))).at("kind")) == kind) out.push_back(o);
  }
  return out;
}

boost::json::object wait_for_push(test::PushService& service, const std::string& path,
                                  const std::string& kind, std::size_t nth = 1) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    auto found = pushes_to(service, path, kind);
    if (found.size() >= nth) return found[nth - 1];
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("no " + kind + " push to " + path);
    }
    std::this_thread::sleep_for(10ms);
  }
}

// The server's settings for push to `service`.
core::Config push_config(const test::TempDir& dir, const test::PushService& service, bool allow_private) {
  auto cfg = test::test_config(dir);
  cfg.push_contact = "mailto:ops@example.org";
  cfg.push_ca_file = service.ca_file();
  cfg.push_allow_private_endpoints = allow_private;
  return cfg;
}

}  // namespace

TEST_CASE("an SOS reaches the leads' locked phones within a second; the answer reaches the raiser") {
  test::TempDir dir;
  test::PushService service(dir.path().string());
  test::TestServer server(push_config(dir, service, true));  // the push service is on 127.0.0.1
  test::LiveTeam north(server);

  Phone lead_a("/wpush/lead-a"), lead_b("/wpush/lead-b"), lead_c("/wpush/lead-c"), raiser("/wpush/raiser");
  sign_in_and_subscribe(server.port(), service, lead_a, north.invite(v1::ROLE_LEAD), "lead-a");
  sign_in_and_subscribe(server.port(), service, lead_b, north.invite(v1::ROLE_LEAD), "lead-b");
  sign_in_and_subscribe(server.port(), service, lead_c, north.invite(v1::ROLE_LEAD), "lead-c");
  sign_in_and_subscribe(server.port(), service, raiser, north.invite(v1::ROLE_VOLUNTEER), "walker");
  // Lead C's push service takes the message and never answers: the others must not wait.
  service.answer(lead_c.path, {"hang"});

  // Every socket of the leads is closed: the SOS can reach them only by push.
  WsClient walker(server.port());
  sign_in_again(walker, raiser);
  auto sos = walker.request();
  sos.mutable_raise_sos()->set_client_id(test::uuid(1));
  sos.mutable_raise_sos()->mutable_location()->set_lat(55.6761);
  sos.mutable_raise_sos()->mutable_location()->set_lon(12.5683);
  sos.mutable_raise_sos()->set_message("kim is hurt by the kiosk");
  const auto raised_at = wall_ms();
  const auto ack = walker.call(sos);
  REQUIRE(ack.has_ack());
  const auto alert_id = ack.ack().id();

  for (const auto* lead : {&lead_a, &lead_b}) {
    CAPTURE(lead->path);
    const auto record = wait_for_push(service, lead->path, "alert_raised");
    const auto arrival_ms = static_cast<std::int64_t>(record.at("arrival").to_number<double>() * 1000);
    MESSAGE("SOS push to ", lead->path, ": at the push service ", arrival_ms - raised_at,
            " ms after RaiseSos");
    CHECK(arrival_ms - raised_at < 1000);
    const auto& h = record.at("headers").as_object();
    CHECK(text(h.at("urgency")) == "high");
    CHECK(std::stoi(text(h.at("ttl"))) <= 3600);
    CHECK(std::stoi(text(h.at("ttl"))) >= 3590);
    CHECK(text(h.at("topic")).size() <= 32);
    CHECK(text(h.at("content-encoding")) == "aes128gcm");
    const auto& jwt = record.at("jwt").as_object();
    INFO("jwt: ", boost::json::serialize(jwt));
    CHECK(jwt.at("ok").as_bool());
    CHECK(text(jwt.at("aud")) == service.origin());
    CHECK(text(jwt.at("k")) == lead->welcome.vapid_public_key());
    const auto plaintext = text(record.at("plaintext"));
    const auto payload = boost::json::parse(plaintext).as_object();
    CHECK(text(payload.at("alert_kind")) == "sos");
    CHECK(text(payload.at("alert_id")) == alert_id);
    CHECK(text(payload.at("area")) == "Centre");
    CHECK(payload.at("at_ms").to_number<std::int64_t>() >= raised_at - 1000);
    // Minimal content: no message, no position, no handle.
    for (const char* leak : {"kim", "kiosk", "55.67", "12.56", "walker"}) {
      CAPTURE(leak);
      CHECK(plaintext.find(leak) == std::string::npos);
    }
  }
  // The raiser is not a lead: no alert_raised push to their own phone.
  CHECK(pushes_to(service, raiser.path, "alert_raised").empty());

  // Lead A opens the app and acknowledges: the raiser's locked phone learns someone heard.
  {
    WsClient a(server.port());
    sign_in_again(a, lead_a);
    auto m = a.request();
    m.mutable_acknowledge_alert()->set_alert_id(alert_id);
    m.mutable_acknowledge_alert()->set_note("on my way");
    REQUIRE(a.call(m).has_ack());
  }
  const auto answer = wait_for_push(service, raiser.path, "alert_acknowledged");
  CHECK(text(answer.at("headers").as_object().at("urgency")) == "high");
  const auto answered = boost::json::parse(text(answer.at("plaintext"))).as_object();
  CHECK(text(answered.at("alert_id")) == alert_id);
  CHECK(text(answer.at("plaintext")).find("on my way") == std::string::npos);
  CHECK(text(answer.at("plaintext")).find("lead-a") == std::string::npos);
  // Lead B's phone gets the answer too, under the alert's topic: it replaces the SOS.
  const auto to_b = wait_for_push(service, lead_b.path, "alert_acknowledged");
  CHECK(text(to_b.at("headers").as_object().at("topic")) ==
        text(wait_for_push(service, lead_b.path, "alert_raised").at("headers").as_object().at("topic")));

  // Lead B's phone is gone (410): resolving the alert pushes to it, and the server
  // deletes its subscription; the others keep theirs.
  service.answer(lead_b.path, {"410"});
  {
    WsClient a(server.port());
    sign_in_again(a, lead_a);
    auto m = a.request();
    m.mutable_resolve_alert()->set_client_id(test::uuid(2));
    m.mutable_resolve_alert()->set_alert_id(alert_id);
    REQUIRE(a.call(m).has_ack());
  }
  wait_for_push(service, raiser.path, "alert_resolved");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    auto reader = test::open_reader(server.db_path());
    if (!store::push_subscription(*reader, lead_b.welcome.device_id())) break;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(20ms);
  }
  auto reader = test::open_reader(server.db_path());
  CHECK(store::push_subscription(*reader, lead_a.welcome.device_id()));
  CHECK(store::push_subscription(*reader, raiser.welcome.device_id()));
}

TEST_CASE("push endpoints on private addresses are refused unless push-allow-private-endpoints is set") {
  test::TempDir dir;
  test::PushService service(dir.path().string());
  test::TestServer server(push_config(dir, service, false));
  test::LiveTeam north(server);
  WsClient lead(server.port());
  lead.redeem(north.invite(v1::ROLE_LEAD), "lead");
  const auto keys = test::PushReceiver::generate();
  auto m = lead.request();
  m.mutable_register_push()->set_endpoint(service.endpoint("/wpush/lead"));
  m.mutable_register_push()->set_p256dh(core::base64url(keys.public_point()));
  m.mutable_register_push()->set_auth(core::base64url(keys.auth()));
  const auto reply = lead.call(m);
  REQUIRE(reply.has_error());
  CHECK(reply.error().reason() == "PUSH_ENDPOINT_INVALID");
  CHECK(reply.error().field() == "endpoint");

  // A name that resolves only to loopback passes the check at registration (it is a
  // name), and is refused when sending: nothing reaches the service.
  m.mutable_register_push()->set_endpoint("https://localhost:" + std::to_string(service.port()) +
                                          "/wpush/lead");
  REQUIRE(lead.call(m).has_ack());
  WsClient walker(server.port());
  walker.redeem(north.invite(v1::ROLE_VOLUNTEER), "walker");
  const auto rejected_before = core::metrics().push_total.with("sos", "rejected").value();
  auto sos = walker.request();
  sos.mutable_raise_sos()->set_client_id(test::uuid(3));
  REQUIRE(walker.call(sos).has_ack());
  // The client refuses it after resolving the name, and counts it as rejected.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (core::metrics().push_total.with("sos", "rejected").value() == rejected_before) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(20ms);
  }
  CHECK(service.records().empty());
}

TEST_CASE(
    "a push service that never answers does not delay acks: RaiseSos is acked as fast with it as without") {
  test::TempDir dir;
  test::PushService service(dir.path().string());
  test::TestServer server(push_config(dir, service, true));  // the push service is on 127.0.0.1
  test::LiveTeam north(server);
  WsClient walker(server.port());
  walker.redeem(north.invite(v1::ROLE_VOLUNTEER), "walker");
  Phone lead("/wpush/silent-lead");
  int next_id = 10;
  // Median ack latency of `n` SOS presses (the first raises the alert, the others announce
  // it again, and each is pushed to the leads).
  auto median_ack_ms = [&](int n) {
    std::vector<double> ms;
    for (int i = 0; i < n; ++i) {
      auto sos = walker.request();
      sos.mutable_raise_sos()->set_client_id(test::uuid(next_id++));
      const auto sent = std::chrono::steady_clock::now();
      REQUIRE(walker.call(sos).has_ack());
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
  };
  const auto without = median_ack_ms(30);  // no lead has a subscription: nothing is pushed

  service.answer(lead.path, {"hang"});
  sign_in_and_subscribe(server.port(), service, lead, north.invite(v1::ROLE_LEAD), "lead");
  const auto with_silent = median_ack_ms(30);
  service.wait_for_records(1);  // the pushes did go out, and hang there
  MESSAGE("RaiseSos ack p50: ", without, " ms without push, ", with_silent,
          " ms while every push waits on a service that never answers");
  // The same within noise: the pushes wait on the push thread, not on the writer or the socket.
  CHECK(with_silent < without + 20.0);
}

TEST_CASE("a revoked device's pushes that wait for a retry are dropped, not sent to the lost phone") {
  test::TempDir dir;
  test::PushService service(dir.path().string());
  test::TestServer server(push_config(dir, service, true));  // the push service is on 127.0.0.1
  test::LiveTeam north(server);
  Phone lost("/wpush/lost-phone");
  service.answer(lost.path, {"503"});  // every try fails: the client keeps retrying (1 s, 2 s, ...)
  sign_in_and_subscribe(server.port(), service, lost, north.invite(v1::ROLE_LEAD), "lead");
  WsClient walker(server.port());
  walker.redeem(north.invite(v1::ROLE_VOLUNTEER), "walker");
  auto sos = walker.request();
  sos.mutable_raise_sos()->set_client_id(test::uuid(20));
  REQUIRE(walker.call(sos).has_ack());
  service.wait_for_records(1);  // the first try reached the service

  // The lead's phone is lost: the coordinator revokes the lead.
  auto revoke = north.coordinator.request();
  revoke.mutable_revoke_volunteer()->set_volunteer_id(lost.welcome.volunteer_id());
  REQUIRE(north.coordinator.call(revoke).has_ack());
  const auto tries_at_revocation = service.records().size();
  const auto dropped_before = core::metrics().push_total.with("sos", "dropped").value();
  // Retries would come within 1 + 2 + 4 s (full jitter): wait for the drop to be counted.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (core::metrics().push_total.with("sos", "dropped").value() == dropped_before) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(20ms);
  }
  MESSAGE("tries at the revocation: ", tries_at_revocation, ", after: ", service.records().size());
  // At most the try already under way when the revocation committed.
  CHECK(service.records().size() <= tries_at_revocation + 1);
}

TEST_CASE("a push-ca-file that holds no certificate stops serve as a usage error (exit 2)") {
  test::TempDir dir;
  const auto not_a_ca = dir.file("key.pem");
  std::ofstream(not_a_ca) << "-----BEGIN PRIVATE KEY-----\nnot a certificate\n-----END PRIVATE KEY-----\n";
  auto cfg = test::test_config(dir);
  cfg.push_contact = "mailto:ops@example.org";
  cfg.push_ca_file = not_a_ca;
  store::create_database(cfg.db, 5000);
  CHECK_THROWS_AS(cli::Runtime{cfg}, core::UsageError);
}
