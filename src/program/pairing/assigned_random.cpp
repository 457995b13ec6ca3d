#include "mentorsim/program/pairing/assigned_random.hpp"

#include <algorithm>
#include <numeric>

#include "mentorsim/core/function_ref.hpp"

namespace mentorsim {
namespace {

constexpr int kProbes = 64;

// The mentees (or mentor places) in an order given by random keys; deterministic for the seed.
std::vector<std::size_t> random_order(std::size_t n, FunctionRef<std::uint64_t(std::size_t)> key) {
  std::vector<std::pair<std::uint64_t, std::size_t>> keyed(n);
  for (std::size_t i = 0; i < n; ++i) keyed[i] = {key(i), i};
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = keyed[i].second;
  return order;
}

}  // namespace

PairingResult AssignedRandomPairing::pair(const PairingInput& in) const {
  const Population& pop = *in.population;
  PairingResult result;
  // One slot per free place, in random order; used slots are swapped out of the live range.
  std::vector<AgentId> slots;
  for (std::size_t m = 0; m < in.mentors.size(); ++m) {
    for (std::uint32_t k = 0; k < in.capacity[m]; ++k) slots.push_back(in.mentors[m]);
  }
  {
    const auto order = random_order(slots.size(), [&](std::size_t i) {
      Stream s = in.random.stream(in.step, Purpose::pairing, slots[i]);
      return (static_cast<std::uint64_t>(s.next_u32()) << 32) | i;
    });
    std::vector<AgentId> shuffled(slots.size());
    for (std::size_t i = 0; i < order.size(); ++i) shuffled[i] = slots[order[i]];
    slots = std::move(shuffled);
  }
  const auto mentee_order = random_order(in.mentees.size(), [&](std::size_t i) {
    Stream s = in.random.stream(in.step, Purpose::pairing, in.mentees[i]);
    return (static_cast<std::uint64_t>(s.next_u32()) << 32) | i;
  });
  const bool has_preference = in.constraints.cross_institution == ConstraintLevel::preferred ||
                              in.constraints.cross_profession == ConstraintLevel::preferred;
  std::size_t live = slots.size();
  for (std::size_t index : mentee_order) {
    const AgentId mentee = in.mentees[index];
    Stream stream = in.random.stream(in.step, Purpose::pairing, mentee);
    stream.next_u32();  // the ordering key
    if (live == 0) {
      result.unmatched.push_back(mentee);
      result.reasons.push_back(UnmatchedReason::no_capacity);
      continue;
    }
    auto feasible = [&](std::size_t slot) { return is_feasible(pop, slots[slot], mentee, in.constraints); };
    // Best preference level available among feasible live places, found by a scan only when needed.
    std::size_t chosen = live;
    for (int probe = 0; probe < kProbes && chosen == live; ++probe) {
      const std::size_t slot = stream.below(static_cast<std::uint32_t>(live));
      if (feasible(slot) && (!has_preference || preference_score(pop, slots[slot], mentee, in.constraints) > 0)) {
        chosen = slot;
      }
    }
    if (chosen == live) {
      // Uniform among the feasible places with the best preference score: scan once, then draw.
      std::vector<std::size_t> best;
      int best_score = -1;
      for (std::size_t slot = 0; slot < live; ++slot) {
        if (!feasible(slot)) continue;
        const int score = has_preference ? preference_score(pop, slots[slot], mentee, in.constraints) : 0;
        if (score > best_score) {
          best_score = score;
          best.clear();
        }
        if (score == best_score) best.push_back(slot);
      }
      if (!best.empty()) chosen = best[stream.below(static_cast<std::uint32_t>(best.size()))];
    }
    if (chosen == live) {
      // Would any mentor of the pool (full or not) have been feasible?
      const bool any = std::any_of(in.mentors.begin(), in.mentors.end(),
                                   [&](AgentId m) { return is_feasible(pop, m, mentee, in.constraints); });
      result.unmatched.push_back(mentee);
      result.reasons.push_back(any ? UnmatchedReason::no_capacity : UnmatchedReason::no_feasible_mentor);
      continue;
    }
    result.pairs.push_back(Pair{slots[chosen], mentee, Formation::assigned});
    std::swap(slots[chosen], slots[live - 1]);
    --live;
  }
  return result;
}

}  // namespace mentorsim
