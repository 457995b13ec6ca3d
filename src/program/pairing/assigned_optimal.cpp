#include "mentorsim/program/pairing/assigned_optimal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/program/teaching.hpp"

namespace mentorsim {
namespace {

// Places of one block: indices into the pool's place list.
struct Block {
  std::vector<std::size_t> mentees;
  std::vector<std::size_t> places;
};

std::uint64_t key_of(const RandomSource& random, Step step, Purpose purpose, std::uint32_t entity, std::size_t index) {
  Stream s = random.stream(step, purpose, entity);
  return (static_cast<std::uint64_t>(s.next_u32()) << 32) | index;
}

}  // namespace

std::vector<int> max_weight_assignment(std::size_t rows, std::size_t columns, const std::vector<double>& weight) {
  std::vector<int> out(rows, -1);
  if (rows == 0) return out;
  // Lexicographic objective: every assignment is worth `bonus` more than any total of values, so the
  // number of assigned rows comes first. Values are shifted to be non-negative.
  double low = 0.0, high = 0.0;
  for (double w : weight) {
    if (std::isnan(w)) continue;
    low = std::min(low, w);
    high = std::max(high, w);
  }
  const double bonus = static_cast<double>(rows) * (high - low) + 1.0;
  // Columns: the real ones, then one "unassigned" column per row (cost 0). Minimise cost = -weight.
  const std::size_t n = rows;
  const std::size_t m = columns + rows;
  constexpr double kForbidden = std::numeric_limits<double>::infinity();
  auto cost = [&](std::size_t r, std::size_t c) -> double {
    if (c >= columns) return 0.0;
    const double w = weight[r * columns + c];
    return std::isnan(w) ? kForbidden : -(bonus + (w - low));
  };
  // Hungarian algorithm with potentials (1-based rows and columns, column 0 a sentinel).
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0), min_value(m + 1);
  std::vector<std::size_t> owner(m + 1, 0), way(m + 1, 0);
  std::vector<char> used(m + 1);
  for (std::size_t i = 1; i <= n; ++i) {
    owner[0] = i;
    std::size_t j0 = 0;
    std::fill(min_value.begin(), min_value.end(), kInf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      const std::size_t i0 = owner[j0];
      double delta = kInf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double current = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (current < min_value[j]) {
          min_value[j] = current;
          way[j] = j0;
        }
        if (min_value[j] < delta) {
          delta = min_value[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[owner[j]] += delta;
          v[j] -= delta;
        } else {
          min_value[j] -= delta;
        }
      }
      j0 = j1;
    } while (owner[j0] != 0);
    do {
      const std::size_t j1 = way[j0];
      owner[j0] = owner[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  for (std::size_t j = 1; j <= columns; ++j) {
    if (owner[j] != 0) out[owner[j] - 1] = static_cast<int>(j - 1);
  }
  return out;
}

PairingResult AssignedOptimalPairing::pair(const PairingInput& in) const {
  const Population& pop = *in.population;
  PairingResult result;
  std::vector<AgentId> places;
  for (std::size_t m = 0; m < in.mentors.size(); ++m) {
    for (std::uint32_t k = 0; k < in.capacity[m]; ++k) places.push_back(in.mentors[m]);
  }
  const std::size_t n = in.mentees.size();
  const std::size_t s = places.size();
  auto domains_of = [&](std::size_t k) { return in.domains.empty() ? kAllDomains : in.domains[k]; };

  // Blocks: one when the pool is small enough to solve exactly; otherwise mentees and places in
  // random order, dealt round-robin.
  std::vector<Block> blocks;
  const bool exact = n <= kExactMentees && s <= kExactPlaces;
  if (exact) {
    Block b;
    for (std::size_t k = 0; k < n; ++k) b.mentees.push_back(k);
    for (std::size_t k = 0; k < s; ++k) b.places.push_back(k);
    blocks.push_back(std::move(b));
  } else {
    const std::size_t count = (n + kBlockMentees - 1) / kBlockMentees;
    blocks.resize(count);
    auto deal = [&](std::size_t total, auto&& key, auto&& member) {
      std::vector<std::pair<std::uint64_t, std::size_t>> order(total);
      for (std::size_t k = 0; k < total; ++k) order[k] = {key(k), k};
      std::sort(order.begin(), order.end());
      for (std::size_t k = 0; k < total; ++k) member(blocks[k % count]).push_back(order[k].second);
    };
    deal(
        n, [&](std::size_t k) { return key_of(in.random, in.step, in.pairing_purpose, in.mentees[k], k); },
        [](Block& b) -> std::vector<std::size_t>& { return b.mentees; });
    deal(
        s, [&](std::size_t k) { return key_of(in.random, in.step, in.pairing_purpose, places[k], k); },
        [](Block& b) -> std::vector<std::size_t>& { return b.places; });
  }

  // Solve every block; each writes only its own slot of `assigned`.
  std::vector<std::vector<int>> assigned(blocks.size());
  parallel::for_each(
      blocks.size(),
      [&](std::size_t b) {
        const Block& block = blocks[b];
        const std::size_t rows = block.mentees.size();
        const std::size_t columns = block.places.size();
        std::vector<double> weight(rows * columns, std::numeric_limits<double>::quiet_NaN());
        for (std::size_t r = 0; r < rows; ++r) {
          const std::size_t k = block.mentees[r];
          const AgentId mentee = in.mentees[k];
          // A network mentee: the value over the domains it seeks, never a mentor it already has (7.20).
          const std::vector<AgentId>* excluded = in.excluded.empty() ? nullptr : &in.excluded[k];
          for (std::size_t c = 0; c < columns; ++c) {
            const AgentId mentor = places[block.places[c]];
            if (excluded != nullptr && std::find(excluded->begin(), excluded->end(), mentor) != excluded->end()) {
              continue;
            }
            if (is_feasible(pop, mentor, mentee, in.constraints)) {
              weight[r * columns + c] = pair_value(pop, mentor, mentee, in.type, in.constraints, domains_of(k));
            }
          }
        }
        assigned[b] = max_weight_assignment(rows, columns, weight);
      },
      1);

  const FeasibilityIndex feasibility(pop, in.pool.empty() ? in.mentors : in.pool, in.constraints);
  std::vector<double> bound(n, 0.0);
  double achieved = 0.0;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    for (std::size_t r = 0; r < blocks[b].mentees.size(); ++r) {
      const std::size_t k = blocks[b].mentees[r];
      const AgentId mentee = in.mentees[k];
      const int column = assigned[b][r];
      if (column < 0) {
        result.unmatched.push_back(mentee);
        result.reasons.push_back(unmatched_reason(feasibility.any_feasible(mentee), 0));
        continue;
      }
      const AgentId mentor = places[blocks[b].places[static_cast<std::size_t>(column)]];
      result.pairs.push_back(Pair{mentor, mentee, in.assigned_formation});
      achieved += pair_value(pop, mentor, mentee, in.type, in.constraints, domains_of(k));
    }
  }
  result.objective = achieved;
  result.exact = exact;
  if (!exact) {
    // Per-mentee bounds: best skill of any pool mentor per primary domain, and every preference met.
    std::array<double, kDomains> best{};
    for (AgentId m : in.mentors) {
      for (std::size_t d = 0; d < kDomains; ++d) best[d] = std::max(best[d], static_cast<double>(pop.skills.at(m, d)));
    }
    const int preferences = (in.constraints.cross_institution == ConstraintLevel::preferred ? 1 : 0) +
                            (in.constraints.cross_profession == ConstraintLevel::preferred ? 1 : 0);
    for (std::size_t k = 0; k < n; ++k) {
      const AgentId e = in.mentees[k];
      double sum = 0.0;
      int flows = 0;
      for (const TeachingFlow& flow : teaching_flows(in.type)) {
        if (!flow.primary || !flow_runs(flow, domains_of(k))) continue;
        const double learner = pop.skills(e, flow.domain);
        sum += std::max(0.0, best[index_of(flow.domain)] - learner) * (1.0 - learner);
        ++flows;
      }
      bound[k] = kPreferenceBonus * preferences + (flows > 0 ? sum / flows : 0.0);
    }
    const std::size_t top = std::min(n, s);
    std::partial_sort(bound.begin(), bound.begin() + static_cast<std::ptrdiff_t>(top), bound.end(), std::greater<>());
    double upper = 0.0;
    for (std::size_t k = 0; k < top; ++k) upper += bound[k];
    result.optimality_gap = upper > 0.0 ? std::max(0.0, (upper - achieved) / upper) : 0.0;
  }
  return result;
}

}  // namespace mentorsim
