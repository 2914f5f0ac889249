// Disclosure control: the 10-5 rule and secondary suppression, checked on generated
// tables (many of them adversarial: mostly small counts) by brute force.
#include <doctest/doctest.h>

#include <functional>
#include <random>

#include "server/privacy/disclosure.hpp"

using gadehold::privacy::Relation;
namespace privacy = gadehold::privacy;

namespace {

// A rows x cols table of counts with its margins: cell (r, c) at r * (cols + 1) + c, the
// row totals in the last column, the column totals in the last row, the grand total in
// the corner. Relations: each row and each column adds up to its total.
struct Table {
  std::size_t rows, cols;
  std::vector<double> values;
  std::vector<Relation> relations;

  std::size_t at(std::size_t r, std::size_t c) const { return r * (cols + 1) + c; }
};

Table make_table(std::size_t rows, std::size_t cols, const std::function<double()>& draw) {
  Table t{rows, cols, std::vector<double>((rows + 1) * (cols + 1), 0.0), {}};
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      const double v = draw();
      t.values[t.at(r, c)] = v;
      t.values[t.at(r, cols)] += v;
      t.values[t.at(rows, c)] += v;
      t.values[t.at(rows, cols)] += v;
    }
  }
  for (std::size_t r = 0; r <= rows; ++r) {
    Relation rel{t.at(r, cols), {}};
    for (std::size_t c = 0; c < cols; ++c) rel.parts.push_back(t.at(r, c));
    t.relations.push_back(rel);
  }
  for (std::size_t c = 0; c <= cols; ++c) {
    Relation rel{t.at(rows, c), {}};
    for (std::size_t r = 0; r < rows; ++r) rel.parts.push_back(t.at(r, c));
    t.relations.push_back(rel);
  }
  return t;
}

// Brute force, independent of the elimination: the cells that some perturbation of the
// suppressed cells by -1, 0 or +1 each can move while every relation still holds. A cell
// that can move cannot be worked out from the published cells.
std::vector<bool> movable(const Table& t, const std::vector<bool>& suppressed) {
  std::vector<std::size_t> unknown;
  for (std::size_t i = 0; i < suppressed.size(); ++i) {
    if (suppressed[i]) unknown.push_back(i);
  }
  std::vector<bool> out(suppressed.size(), false);
  std::vector<int> d(unknown.size(), -1);
  std::vector<int> delta(suppressed.size(), 0);
  for (;;) {
    for (std::size_t k = 0; k < unknown.size(); ++k) delta[unknown[k]] = d[k];
    bool holds = true;
    for (const auto& rel : t.relations) {
      int sum = -delta[rel.total];
      for (auto p : rel.parts) sum += delta[p];
      if (sum != 0) {
        holds = false;
        break;
      }
    }
    if (holds) {
      for (auto u : unknown) out[u] = out[u] || delta[u] != 0;
    }
    std::size_t k = 0;
    while (k < d.size() && d[k] == 1) d[k++] = -1;
    if (k == d.size()) break;
    ++d[k];
  }
  return out;
}

}  // namespace

TEST_CASE("round_to_5 rounds to the nearest multiple of 5") {
  CHECK(privacy::round_to_5(10) == 10);
  CHECK(privacy::round_to_5(12) == 10);
  CHECK(privacy::round_to_5(12.5) == 15);
  CHECK(privacy::round_to_5(13) == 15);
  CHECK(privacy::round_to_5(17.4) == 15);
  CHECK(privacy::round_to_5(1234) == 1235);
}

TEST_CASE("one small cell in a row is protected by a second suppression in its row and column") {
  // 2 x 2 with margins; only (0, 0) is under 10.
  auto t = make_table(2, 2, [n = 0]() mutable { return std::vector<double>{3, 40, 50, 60}[n++]; });
  const auto s = privacy::suppress(t.values, t.relations);
  CHECK(s[t.at(0, 0)]);
  // Without more, (0, 0) = row total - (0, 1): the rule must have hidden more cells.
  CHECK(std::count(s.begin(), s.end(), true) >= 4);
  const auto leaks = privacy::derivable_cells(s, t.relations);
  CHECK(std::find(leaks.begin(), leaks.end(), true) == leaks.end());
  const auto free = movable(t, s);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i]) CHECK(free[i]);
  }
}

TEST_CASE("generated tables: nothing published under 10, all multiples of 5, nothing derivable") {
  std::mt19937 rng(20261127);
  int tables = 0, suppressed_cells = 0, secondary = 0, checked_by_brute_force = 0;
  for (int round = 0; round < 300; ++round) {
    const std::size_t rows = 1 + rng() % 3, cols = 1 + rng() % 3;
    // Adversarial draws: mostly around the threshold, some zeros, a few large.
    auto draw = [&]() -> double {
      switch (rng() % 4) {
        case 0: return static_cast<double>(rng() % 3);        // 0-2
        case 1: return static_cast<double>(5 + rng() % 10);   // 5-14
        case 2: return static_cast<double>(10 + rng() % 6);   // 10-15
        default: return static_cast<double>(rng() % 200);
      }
    };
    auto t = make_table(rows, cols, draw);
    const auto s = privacy::suppress(t.values, t.relations);
    ++tables;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i]) {
        ++suppressed_cells;
        if (t.values[i] >= privacy::kThreshold) ++secondary;
      } else {
        CAPTURE(i);
        CHECK(t.values[i] >= privacy::kThreshold);
        CHECK(privacy::round_to_5(t.values[i]) % 5 == 0);
        CHECK(privacy::round_to_5(t.values[i]) >= 10);
      }
    }
    const auto leaks = privacy::derivable_cells(s, t.relations);
    CHECK(std::find(leaks.begin(), leaks.end(), true) == leaks.end());
    const auto unknowns = static_cast<std::size_t>(std::count(s.begin(), s.end(), true));
    if (unknowns <= 12) {
      ++checked_by_brute_force;
      const auto free = movable(t, s);
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i]) CHECK(free[i]);
      }
    }
  }
  MESSAGE(tables << " tables, " << suppressed_cells << " cells suppressed (" << secondary
                 << " of them secondary), " << checked_by_brute_force << " checked by brute force");
  CHECK(secondary > 0);
  CHECK(checked_by_brute_force > 100);
}

TEST_CASE("the elimination and the brute force agree on what leaks") {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    auto t = make_table(2, 3, [&] { return static_cast<double>(rng() % 30); });
    // Any suppression pattern, not only the rule's.
    std::vector<bool> s(t.values.size());
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = rng() % 3 == 0;
    if (std::count(s.begin(), s.end(), true) > 12) continue;
    const auto leaks = privacy::derivable_cells(s, t.relations);
    const auto free = movable(t, s);
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i]) CHECK(leaks[i] == !free[i]);
    }
  }
}
