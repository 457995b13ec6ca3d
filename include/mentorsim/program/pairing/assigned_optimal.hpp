#pragma once
// assigned_optimal: maximise the number of pairs, then their total value (pair_value: complementarity
// on the program's primary domains plus a bonus per `preferred` constraint met), subject to the hard
// constraints and mentor capacity. Exact min-cost assignment (Hungarian algorithm, O(n^2 (s + n)) for
// n mentees and s mentor places) when n <= kExactMentees and s <= kExactPlaces. Beyond, mentees and
// places are dealt at random into blocks of about kBlockMentees mentees with proportional places, and
// each block is solved exactly (in parallel, results independent of the thread count). The result then
// reports `exact = false` and an upper bound on the relative optimality gap,
//   (UB - achieved) / UB,  UB = the sum of the min(n, s) largest per-mentee bounds,
// each mentee's bound being its best imaginable value: the preferred constraints it could meet plus
// complementarity against the best skill any pool mentor has in each primary domain.

#include "mentorsim/program/pairing/pairing.hpp"

namespace mentorsim {

inline constexpr std::size_t kExactMentees = 400;
inline constexpr std::size_t kExactPlaces = 2000;
inline constexpr std::size_t kBlockMentees = 128;

class AssignedOptimalPairing final : public PairingStrategyBase {
 public:
  [[nodiscard]] PairingResult pair(const PairingInput& input) const override;
};

// Maximum-weight assignment of rows to columns where weight[r * columns + c] is the value of giving
// column c to row r, or NaN when forbidden; each row gets at most one column and may stay unassigned.
// Maximises the number of assigned rows first, then the total weight. Returns the column of each row
// (or -1). Exposed for tests.
std::vector<int> max_weight_assignment(std::size_t rows, std::size_t columns, const std::vector<double>& weight);

}  // namespace mentorsim
