// The rules of push delivery without a socket: endpoints, topics, what each status means,
// the backoff's bounds and Retry-After in both its forms.
#include "server/net/push_retry.hpp"

#include <doctest/doctest.h>

using namespace gadehold;
using namespace std::chrono_literals;

TEST_CASE("push endpoints: https only, split into origin, host, port and the path that is never logged") {
  auto t = net::parse_push_endpoint("https://Updates.Push.Services.Mozilla.com/wpush/v2/gAAA?x=1#frag");
  REQUIRE(t);
  CHECK(t->origin == "https://updates.push.services.mozilla.com");
  CHECK(t->host == "updates.push.services.mozilla.com");
  CHECK(t->port == "443");
  CHECK(t->target == "/wpush/v2/gAAA?x=1");
  t = net::parse_push_endpoint("https://127.0.0.1:8443/p");
  REQUIRE(t);
  CHECK(t->origin == "https://127.0.0.1:8443");
  CHECK(t->port == "8443");
  t = net::parse_push_endpoint("https://[::1]:9/p");
  REQUIRE(t);
  CHECK(t->host == "::1");
  CHECK(t->port == "9");
  t = net::parse_push_endpoint("https://ntfy.example.org");
  REQUIRE(t);
  CHECK(t->target == "/");
  for (const char* bad : {"http://push.example.org/p", "https://user@push.example.org/p", "ftp://x/y",
                          "https://", "https://push.example.org/p\r\nX: y", "https://push.example.org/a b"}) {
    INFO(bad);
    CHECK_FALSE(net::parse_push_endpoint(bad));
  }
}

TEST_CASE("push topics are at most 32 base64url characters") {
  CHECK(net::is_push_topic("alrt_01HZX-abc"));
  CHECK(net::is_push_topic(std::string(32, 'a')));
  CHECK_FALSE(net::is_push_topic(std::string(33, 'a')));
  CHECK_FALSE(net::is_push_topic(""));
  CHECK_FALSE(net::is_push_topic("a+b"));
  CHECK_FALSE(net::is_push_topic("a=b"));
  CHECK(net::urgency_name(net::Urgency::very_low) == "very-low");
  CHECK(net::urgency_name(net::Urgency::high) == "high");
}

TEST_CASE("push statuses: 2xx delivered, 404/410 gone, 429/5xx again, other 4xx given up") {
  for (unsigned s : {200u, 201u, 202u}) CHECK(net::classify_push_status(s) == net::PushAnswer::delivered);
  for (unsigned s : {404u, 410u}) CHECK(net::classify_push_status(s) == net::PushAnswer::gone);
  for (unsigned s : {429u, 500u, 502u, 503u, 504u})
    CHECK(net::classify_push_status(s) == net::PushAnswer::retry);
  for (unsigned s : {400u, 401u, 403u, 413u, 301u, 204u}) {
    CHECK(net::classify_push_status(s) == net::PushAnswer::rejected);
  }
}

TEST_CASE("push backoff: full jitter under an exponential ceiling that stops at the cap") {
  net::BackoffPolicy policy;  // 1 s doubling to 60 s
  std::mt19937_64 rng(7);
  for (unsigned retry = 1; retry <= 12; ++retry) {
    const auto ceiling = std::min<std::int64_t>(60000, 1000LL << (retry - 1));
    std::int64_t most = 0;
    for (int i = 0; i < 200; ++i) {
      const auto d = net::backoff_delay(policy, retry, rng).count();
      CHECK(d >= 0);
      CHECK(d <= ceiling);
      most = std::max(most, d);
    }
    CHECK(most > ceiling / 2);  // spread over the range, not stuck at its start
  }
}

TEST_CASE("Retry-After: delay-seconds or an HTTP-date") {
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(net::parse_retry_after("120", now) == 120000ms);
  CHECK(net::parse_retry_after(" 0 ", now) == 0ms);
  CHECK(net::parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now) == 3000ms);
  CHECK(net::parse_retry_after("Sun, 06 Nov 1994 08:49:30 GMT", now) == 0ms);  // past: at once
  CHECK(net::parse_retry_after("99999999999999", now) == 86400000ms);
  CHECK_FALSE(net::parse_retry_after("", now));
  CHECK_FALSE(net::parse_retry_after("-5", now));
  CHECK_FALSE(net::parse_retry_after("soon", now));
  CHECK_FALSE(net::parse_retry_after("Sun, 06 Nov 1994 08:49:40", now));
}
