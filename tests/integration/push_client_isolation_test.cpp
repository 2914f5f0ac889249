// The Web Push client when push services misbehave: one that never answers delays neither
// send() nor other services, an unknown CA is refused, tokens are reused per origin, the
// logs never name a phone's endpoint path, and stop() and a full queue drop what is left.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "fuzz/log_capture.hpp"
#include "server/core/metrics.hpp"
#include "server/net/push_client.hpp"
#include "support/push_client_fixture.hpp"
#include "support/push_service.hpp"
#include "support/temp_dir.hpp"

using namespace gadehold;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::message;
using test::quick_options;
using test::Reports;

namespace {

std::uint64_t pushes(const std::string& kind, const std::string& result) {
  return core::metrics().push_total.with(kind, result).value();
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

TEST_CASE("push client: a push service that never answers delays neither send() nor other services") {
  test::TempDir dir;
  test::PushService silent(dir.path().string());
  test::PushService healthy(dir.path().string());  // the same test CA
  silent.answer("/hang", {"hang"});
  Reports reports;
  auto options = quick_options(silent.ca_file(), reports);
  options.io_timeout = 500ms;
  options.backoff.give_up_after = 2500ms;
  net::PushClient client(net::VapidKey::generate(), options);
  const auto expired_before = pushes("sos", "expired");

  auto t0 = Clock::now();
  for (int i = 0; i < 20; ++i)
    CHECK(client.send(message(silent.endpoint("/hang"), "hang-" + std::to_string(i))));
  const auto send_ms = ms_since(t0);
  MESSAGE("20 send() to a silent service took ", send_ms, " ms");
  CHECK(send_ms < 100);

  silent.wait_for_records(1);  // the silent service holds requests now
  t0 = Clock::now();
  CHECK(client.send(message(healthy.endpoint("/ok"), "ok")));
  const auto ok = reports.wait_for("ok");
  const auto other_ms = ms_since(t0);
  MESSAGE("another service's push delivered in ", other_ms, " ms while the first hangs");
  CHECK(ok.result == net::PushResult::delivered);
  CHECK(other_ms < 400);  // well inside the silent service's io timeout

  const auto hung = reports.wait_for("hang-0", 10s);
  MESSAGE("the silent service's push ended after ", hung.latency.count(), " ms with ", hung.retries,
          " retries");
  CHECK(hung.result == net::PushResult::expired);
  CHECK(hung.status == 0);
  CHECK(hung.retries >= 1);
  CHECK(hung.latency < 4s);
  for (int i = 0; i < 20; ++i) reports.wait_for("hang-" + std::to_string(i), 10s);
  CHECK(pushes("sos", "expired") >= expired_before + 20);
}

TEST_CASE("push client: a certificate from an unknown CA is refused") {
  test::TempDir trusted_dir;
  test::TempDir other_dir;
  test::PushService trusted(trusted_dir.path().string());
  test::PushService impostor(other_dir.path().string());  // a CA of its own
  Reports reports;
  auto options = quick_options(trusted.ca_file(), reports);
  options.backoff.give_up_after = 1s;
  net::PushClient client(net::VapidKey::generate(), options);

  CHECK(client.send(message(impostor.endpoint("/p"), "impostor")));
  CHECK(client.send(message(trusted.endpoint("/p"), "trusted")));
  CHECK(reports.wait_for("trusted").result == net::PushResult::delivered);
  const auto refused = reports.wait_for("impostor");
  CHECK(refused.result == net::PushResult::expired);
  CHECK(refused.status == 0);
  CHECK(impostor.records().empty());  // no request left the client

  // The name is checked too: a certificate of the trusted CA, but for another name.
  test::PushService misnamed(trusted_dir.path().string(), "push.example.org");
  CHECK(client.send(message(misnamed.endpoint("/p"), "wrong-name")));
  CHECK(reports.wait_for("wrong-name").result == net::PushResult::expired);
  CHECK(misnamed.records().empty());
}

TEST_CASE("push client: one VAPID token and one kept-alive connection per origin") {
  test::TempDir dir;
  test::PushService first(dir.path().string());
  test::PushService second(dir.path().string());
  Reports reports;
  const auto key = net::VapidKey::generate();
  net::PushClient client(key, quick_options(first.ca_file(), reports));

  for (int i = 0; i < 5; ++i) {
    const auto id = "seq-" + std::to_string(i);
    CHECK(client.send(message(first.endpoint("/phone/" + std::to_string(i)), id)));
    CHECK(reports.wait_for(id).result == net::PushResult::delivered);
  }
  CHECK(client.send(message(second.endpoint("/phone/x"), "other")));
  CHECK(reports.wait_for("other").result == net::PushResult::delivered);

  std::set<std::string> tokens;
  std::set<std::int64_t> ports;
  for (const auto& r : first.records()) {
    tokens.insert(std::string(r.at("jwt").at("token").as_string()));
    ports.insert(r.at("peer_port").as_int64());
    CHECK(r.at("jwt").at("ok").as_bool());
  }
  CHECK(tokens.size() == 1);
  CHECK(ports.size() == 1);  // five pushes, one connection
  const auto other = second.records();
  REQUIRE(other.size() == 1);
  CHECK(other[0].at("jwt").at("ok").as_bool());
  CHECK(std::string(other[0].at("jwt").at("aud").as_string()) == second.origin());
  CHECK(tokens.count(std::string(other[0].at("jwt").at("token").as_string())) == 0);
}

TEST_CASE("push client: log lines name the push service's host, never the endpoint's path") {
  auto capture = fuzz::LogCapture::install();
  test::TempDir dir;
  test::PushService service(dir.path().string());
  const std::string secret = "phone-7f3a9c";
  service.answer("/too-big/" + secret, {"413"});
  service.answer("/too-big/" + secret + "?q=" + secret, {"413"});
  service.answer("/gone/" + secret, {"410"});
  service.answer("/down/" + secret, {"500"});
  Reports reports;
  auto options = quick_options(service.ca_file(), reports);
  options.backoff.give_up_after = 500ms;
  {
    net::PushClient client(net::VapidKey::generate(), options);
    CHECK(client.send(message(service.endpoint("/too-big/" + secret + "?q=" + secret), "a", "reminder")));
    CHECK(client.send(message(service.endpoint("/too-big/" + secret), "b", "reminder")));
    CHECK(client.send(message(service.endpoint("/gone/" + secret), "c")));
    CHECK(client.send(message(service.endpoint("/down/" + secret), "d")));
    CHECK_FALSE(client.send(message("http://127.0.0.1/plain/" + secret, "e")));
    for (const char* id : {"a", "b", "c", "d"}) reports.wait_for(id);
    CHECK(reports.wait_for("a").result == net::PushResult::rejected);
    CHECK(reports.wait_for("d").result == net::PushResult::expired);
  }
  const auto lines = capture->take();
  int refused_413 = 0;
  for (const auto& line : lines) {
    INFO(line);
    CHECK(line.find(secret) == std::string::npos);
    CHECK(line.find("vapid") == std::string::npos);
    if (line.find("413") != std::string::npos) {
      ++refused_413;
      CHECK(line.find("127.0.0.1") != std::string::npos);
      CHECK(line.find("reminder") != std::string::npos);
    }
  }
  CHECK(refused_413 == 1);  // once per kind and status
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("default"));
}

TEST_CASE("push client: a full queue and stop() drop what is left, and count it") {
  test::TempDir dir;
  test::PushService service(dir.path().string());
  service.answer("/hang", {"hang"});
  Reports reports;
  auto options = quick_options(service.ca_file(), reports);
  options.queue_limit = 3;
  options.io_timeout = 30s;
  net::PushClient client(net::VapidKey::generate(), options);
  const auto dropped_before = pushes("sos", "dropped");

  for (int i = 0; i < 3; ++i) CHECK(client.send(message(service.endpoint("/hang"), "q" + std::to_string(i))));
  CHECK_FALSE(client.send(message(service.endpoint("/hang"), "overflow")));
  CHECK(pushes("sos", "dropped") == dropped_before + 1);
  CHECK(client.pending() == 3);

  service.wait_for_records(3);
  const auto t0 = Clock::now();
  client.stop();
  MESSAGE("stop() with 3 requests held by the service took ", ms_since(t0), " ms");
  CHECK(ms_since(t0) < 1000);
  CHECK(client.pending() == 0);
  CHECK(pushes("sos", "dropped") == dropped_before + 4);
  for (int i = 0; i < 3; ++i)
    CHECK(reports.wait_for("q" + std::to_string(i)).result == net::PushResult::dropped);
  CHECK_FALSE(client.send(message(service.endpoint("/hang"), "late")));
  CHECK(core::metrics().push_connections.value() == 0);
}
