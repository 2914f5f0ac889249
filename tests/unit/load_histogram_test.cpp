// The load generator's latency histogram (tests/load/loadgen/histogram.hpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "load/loadgen/histogram.hpp"

using gadehold::load::Histogram;

TEST_CASE("histogram percentiles are within 1/64 of the exact ones") {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(7.0, 1.5);  // microseconds, a long tail
  std::vector<std::uint64_t> values;
  Histogram h;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 90.0, 99.0, 99.9, 100.0}) {
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    const auto exact = values[std::max<std::size_t>(rank, 1) - 1];
    const auto got = h.percentile(p);
    CAPTURE(p);
    CHECK(got >= exact);
    CHECK(static_cast<double>(got - exact) <= static_cast<double>(exact) / 64.0 + 1);
  }
  CHECK(h.count() == values.size());
  CHECK(h.max() == values.back());
  CHECK(h.min() == values.front());
}

TEST_CASE("histogram bucket edges: small values exact, each power of two in 64 steps") {
  for (std::uint64_t v : {0ULL, 1ULL, 127ULL, 128ULL, 129ULL, 255ULL, 256ULL, 1000ULL, 1ULL << 40}) {
    const auto i = Histogram::index_of(v);
    CAPTURE(v);
    CHECK(Histogram::highest_in(i) >= v);
    if (i > 0) CHECK(Histogram::highest_in(i - 1) < v);
  }
  CHECK(Histogram::index_of(127) == 127);
  CHECK(Histogram::index_of(128) == Histogram::index_of(129));
  CHECK(Histogram::index_of(130) == 129);
}

TEST_CASE("histograms from several processes merge and survive their text form") {
  Histogram a;
  Histogram b;
  Histogram both;
  for (std::uint64_t v = 1; v < 5000; v += 3) {
    a.record(v);
    both.record(v);
  }
  for (std::uint64_t v = 2; v < 90000; v += 7) {
    b.record(v);
    both.record(v);
  }
  auto merged = Histogram::parse(a.serialize());
  merged.merge(Histogram::parse(b.serialize()));
  CHECK(merged.count() == both.count());
  CHECK(merged.max() == both.max());
  CHECK(merged.min() == both.min());
  for (double p : {1.0, 50.0, 99.0, 99.99}) CHECK(merged.percentile(p) == both.percentile(p));
  CHECK(Histogram().percentile(99) == 0);
}
