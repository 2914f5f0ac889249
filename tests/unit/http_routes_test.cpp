// The HTTP helpers that do not need a socket.
#include <doctest/doctest.h>

#include "server/core/metrics.hpp"
#include "server/net/http_routes.hpp"

using namespace gadehold;
namespace http = net::http;

TEST_CASE("target paths drop the query string") {
  CHECK(net::target_path("/healthz?x=1") == "/healthz");
  CHECK(net::target_path("/v1/ws") == "/v1/ws");
}

TEST_CASE("histograms render cumulative Prometheus buckets") {
  core::Histogram h({1, 10});
  h.observe(0.5);
  h.observe(5);
  h.observe(50);
  CHECK(h.count() == 3);
  CHECK(h.bucket(0) == 1);
  CHECK(h.bucket(1) == 1);
  CHECK(h.bucket(2) == 1);
  CHECK(h.sum() == doctest::Approx(55.5));
  const auto text = core::metrics().render_prometheus();
  CHECK(text.find("# TYPE gadehold_commit_seconds histogram") != std::string::npos);
  CHECK(text.find("gadehold_commit_seconds_bucket{le=\"+Inf\"}") != std::string::npos);
}
