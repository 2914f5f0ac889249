#include "server/privacy/disclosure.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace gadehold::privacy {

namespace {

constexpr double kEpsilon = 1e-9;

// Reduces `rows` to reduced row echelon form (over the reals) in place.
void reduce(std::vector<std::vector<double>>& rows) {
  if (rows.empty()) return;
  const std::size_t cols = rows.front().size();
  std::size_t r = 0;
  for (std::size_t c = 0; c < cols && r < rows.size(); ++c) {
    std::size_t pivot = r;
    for (std::size_t i = r + 1; i < rows.size(); ++i) {
      if (std::fabs(rows[i][c]) > std::fabs(rows[pivot][c])) pivot = i;
    }
    if (std::fabs(rows[pivot][c]) < kEpsilon) continue;
    std::swap(rows[r], rows[pivot]);
    const double lead = rows[r][c];
    for (std::size_t k = c; k < cols; ++k) rows[r][k] /= lead;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i == r || std::fabs(rows[i][c]) < kEpsilon) continue;
      const double f = rows[i][c];
      for (std::size_t k = c; k < cols; ++k) rows[i][k] -= f * rows[r][k];
    }
    ++r;
  }
}

}  // namespace

std::int64_t round_to_5(double value) {
  return static_cast<std::int64_t>(std::llround(value / 5.0)) * 5;
}

std::vector<bool> derivable_cells(const std::vector<bool>& suppressed, const std::vector<Relation>& relations) {
  // Unknowns are the suppressed cells; each relation is one equation over them. A cell
  // is determined exactly when the reduced row echelon form has a row that is its unit
  // vector.
  std::vector<std::size_t> column(suppressed.size(), 0);
  std::vector<std::size_t> cell_of;
  for (std::size_t i = 0; i < suppressed.size(); ++i) {
    if (suppressed[i]) {
      column[i] = cell_of.size();
      cell_of.push_back(i);
    }
  }
  std::vector<std::vector<double>> rows;
  for (const auto& rel : relations) {
    std::vector<double> row(cell_of.size(), 0.0);
    bool any = false;
    if (suppressed[rel.total]) {
      row[column[rel.total]] += 1;
      any = true;
    }
    for (auto p : rel.parts) {
      if (suppressed[p]) {
        row[column[p]] -= 1;
        any = true;
      }
    }
    if (any) rows.push_back(std::move(row));
  }
  reduce(rows);
  std::vector<bool> out(suppressed.size(), false);
  for (const auto& row : rows) {
    std::size_t nonzero = 0, at = 0;
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (std::fabs(row[k]) > kEpsilon) {
        ++nonzero;
        at = k;
      }
    }
    if (nonzero == 1) out[cell_of[at]] = true;
  }
  return out;
}

bool derivable(const std::vector<bool>& suppressed, const std::vector<Relation>& relations, std::size_t cell) {
  return derivable_cells(suppressed, relations)[cell];
}

std::vector<bool> suppress(const std::vector<double>& values, const std::vector<Relation>& relations) {
  std::vector<bool> out(values.size(), false);
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = values[i] < kThreshold;
  const std::size_t none = values.size();
  for (;;) {
    const auto leaks = derivable_cells(out, relations);
    if (std::find(leaks.begin(), leaks.end(), true) == leaks.end()) return out;
    // Suppress the smallest visible cell of a relation that holds a leaking cell.
    std::size_t best = none;
    for (const auto& rel : relations) {
      bool holds = leaks[rel.total];
      for (auto p : rel.parts) holds = holds || leaks[p];
      if (!holds) continue;
      auto consider = [&](std::size_t c) {
        if (!out[c] && (best == none || values[c] < values[best])) best = c;
      };
      consider(rel.total);
      for (auto p : rel.parts) consider(p);
    }
    // Cannot happen (a determined cell needs a relation with a visible cell somewhere in
    // its chain), but if it did, the smallest visible cell anywhere still makes progress.
    for (std::size_t i = 0; best == none && i < values.size(); ++i) {
      if (!out[i]) best = i;
    }
    if (best == none) return out;
    out[best] = true;
  }
}

}  // namespace gadehold::privacy
