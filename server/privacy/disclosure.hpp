#pragma once
// Statistical disclosure control for the partner export, after the ONS 10-5 rule:
// counts under 10 (zero included) are suppressed, the rest are rounded to the nearest 5,
// and further cells are suppressed until no suppressed cell can be worked out from the
// published cells and the totals they add up to.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gadehold::privacy {

inline constexpr double kThreshold = 10;

// total = sum of parts, as indexes into the table's cells.
struct Relation {
  std::size_t total;
  std::vector<std::size_t> parts;
};

// Rounds to the nearest multiple of 5 (halves away from zero).
std::int64_t round_to_5(double value);

// Which cells to suppress: every cell under the threshold, and then, while some
// suppressed cell is still derivable (see below), the smallest visible cell of a
// relation that gives it away.
std::vector<bool> suppress(const std::vector<double>& values, const std::vector<Relation>& relations);

// True when the suppressed cell `cell` has one value only, given the exact values of
// every visible cell and the relations: e_cell lies in the row space of the relations
// restricted to the suppressed cells. This is what an attacker with the export could
// solve for; it is stronger than rounding, which the check ignores.
bool derivable(const std::vector<bool>& suppressed, const std::vector<Relation>& relations, std::size_t cell);
// derivable() for every cell at once.
std::vector<bool> derivable_cells(const std::vector<bool>& suppressed, const std::vector<Relation>& relations);

}  // namespace gadehold::privacy
