// The Web Push delivery client against tests/push/push_service.py over real loopback TLS:
// what a push service receives (headers, a VAPID token that verifies, a body that Debian's
// python3-cryptography decrypts), and what the client makes of each answer.
#include "server/net/push_client.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "server/core/metrics.hpp"
#include "server/core/tokens.hpp"
#include "server/net/webpush_crypto.hpp"
#include "support/push_client_fixture.hpp"
#include "support/push_receiver.hpp"
#include "support/push_service.hpp"
#include "support/temp_dir.hpp"

using namespace gadehold;
using namespace std::chrono_literals;
using test::kContact;
using test::message;
using test::quick_options;
using test::Reports;

namespace {

std::uint64_t pushes(const std::string& kind, const std::string& result) {
  return core::metrics().push_total.with(kind, result).value();
}

std::string text(const boost::json::value& v) { return std::string(v.as_string()); }

}  // namespace

TEST_CASE("push client: a delivered message carries every header and a body the push service decrypts") {
  test::TempDir dir;
  test::PushService service(dir.path().string());
  Reports reports;
  const auto key = net::VapidKey::generate();
  net::PushClient client(key, quick_options(service.ca_file(), reports));

  const auto phone = test::PushReceiver::generate();
  const std::string path = "/wpush/v2/phone-one?x=1";
  service.subscribe(path, phone);
  const net::PushSubscriptionKeys keys{core::base64url(phone.public_point()), core::base64url(phone.auth())};
  const std::string plaintext = R"({"kind":"sos","alert_id":"alrt_1","area":"Harbour","at_ms":1})";
  auto m = message(service.endpoint(path), "sub-1");
  m.body = net::encrypt_push_message(keys, plaintext);
  m.ttl_s = 3600;
  m.urgency = net::Urgency::high;
  m.topic = "alrt_1";
  const auto delivered_before = pushes("sos", "delivered");
  const auto latency_before = core::metrics().push_delivery_seconds.count();

  CHECK(client.send(m));
  const auto report = reports.wait_for("sub-1");
  CHECK(report.result == net::PushResult::delivered);
  CHECK(report.status == 201);
  CHECK(report.retries == 0);
  CHECK(pushes("sos", "delivered") == delivered_before + 1);
  CHECK(core::metrics().push_delivery_seconds.count() == latency_before + 1);

  const auto records = service.records();
  REQUIRE(records.size() == 1);
  const auto& r = records[0].as_object();
  CHECK(text(r.at("path")) == path);
  const auto& h = r.at("headers").as_object();
  CHECK(text(h.at("content-encoding")) == "aes128gcm");
  CHECK(text(h.at("content-type")) == "application/octet-stream");
  const auto ttl = std::stoi(text(h.at("ttl")));
  CHECK(ttl <= 3600);
  CHECK(ttl >= 3598);
  CHECK(text(h.at("urgency")) == "high");
  CHECK(text(h.at("topic")) == "alrt_1");
  CHECK(text(h.at("host")) == "127.0.0.1:" + std::to_string(service.port()));
  const auto& jwt = r.at("jwt").as_object();
  INFO("jwt: ", boost::json::serialize(jwt));
  CHECK(jwt.at("ok").as_bool());
  CHECK(text(jwt.at("aud")) == service.origin());
  CHECK(text(jwt.at("sub")) == kContact);
  CHECK(text(jwt.at("k")) == key.public_key());
  INFO("decryption: ", boost::json::serialize(r.at("error")));
  REQUIRE(r.at("plaintext").is_string());
  CHECK(text(r.at("plaintext")) == plaintext);
}

TEST_CASE("push client: 404 and 410 hand the subscription back to be deleted") {
  test::TempDir dir;
  test::PushService service(dir.path().string());
  service.answer("/gone", {"410"});
  service.answer("/unknown", {"404"});
  Reports reports;
  net::PushClient client(net::VapidKey::generate(), quick_options(service.ca_file(), reports));
  const auto before = pushes("sos", "gone");

  CHECK(client.send(message(service.endpoint("/gone"), "sub-gone")));
  CHECK(client.send(message(service.endpoint("/unknown"), "sub-unknown")));
  CHECK(reports.wait_for("sub-gone").result == net::PushResult::gone);
  CHECK(reports.wait_for("sub-unknown").result == net::PushResult::gone);
  auto gone = reports.gone_ids();
  std::sort(gone.begin(), gone.end());
  CHECK(gone == std::vector<std::string>{"sub-gone", "sub-unknown"});
  CHECK(pushes("sos", "gone") == before + 2);
  CHECK(service.records().size() == 2);  // not tried again
}

TEST_CASE(
    "push client: a 2xx is delivered once, whatever its body; a body past 64 KiB only closes the "
    "connection") {
  test::TempDir dir;
  test::PushService service(dir.path().string());
  service.answer("/chatty", {"201-body:100000"});
  service.answer("/small", {"201-body:1000"});
  Reports reports;
  net::PushClient client(net::VapidKey::generate(), quick_options(service.ca_file(), reports));

  CHECK(client.send(message(service.endpoint("/chatty"), "sub-chatty")));
  const auto report = reports.wait_for("sub-chatty");
  CHECK(report.result == net::PushResult::delivered);
  CHECK(report.retries == 0);
  CHECK(client.send(message(service.endpoint("/small"), "sub-small")));
  CHECK(reports.wait_for("sub-small").result == net::PushResult::delivered);
  const auto records = service.records();
  REQUIRE(records.size() == 2);  // neither was sent again
  // The connection that carried the long body was not kept: the next push opened another.
  CHECK(records[0].at("peer_port").as_int64() != records[1].at("peer_port").as_int64());
}

TEST_CASE("push client: 429 waits for Retry-After, then delivers") {
  test::TempDir dir;
  test::PushService service(dir.path().string());
  service.answer("/busy", {"429:1", "201"});
  Reports reports;
  net::PushClient client(net::VapidKey::generate(), quick_options(service.ca_file(), reports));

  CHECK(client.send(message(service.endpoint("/busy"), "sub-busy")));
  const auto report = reports.wait_for("sub-busy");
  CHECK(report.result == net::PushResult::delivered);
  CHECK(report.retries == 1);
  const auto records = service.records();
  REQUIRE(records.size() == 2);
  const auto gap = records[1].at("arrival").as_double() - records[0].at("arrival").as_double();
  MESSAGE("429 Retry-After: 1 -> retried after ", gap, " s");
  CHECK(gap >= 1.0);
  CHECK(gap < 2.0);
}

TEST_CASE("push client: 5xx is retried with backoff and counted") {
  test::TempDir dir;
  test::PushService service(dir.path().string());
  service.answer("/flaky", {"500", "503", "201"});
  Reports reports;
  net::PushClient client(net::VapidKey::generate(), quick_options(service.ca_file(), reports));
  const auto retries_before = core::metrics().push_retries.with("sos").value();

  CHECK(client.send(message(service.endpoint("/flaky"), "sub-flaky")));
  const auto report = reports.wait_for("sub-flaky");
  CHECK(report.result == net::PushResult::delivered);
  CHECK(report.retries == 2);
  CHECK(core::metrics().push_retries.with("sos").value() == retries_before + 2);
  const auto records = service.records();
  REQUIRE(records.size() == 3);
  for (std::size_t i = 1; i < records.size(); ++i) {
    const auto gap = records[i].at("arrival").as_double() - records[i - 1].at("arrival").as_double();
    MESSAGE("5xx retry ", i, " after ", gap, " s (full jitter under 100 ms * 2^", i - 1, ")");
    CHECK(gap < 0.2 * static_cast<double>(1 << (i - 1)) + 0.3);
  }
}
