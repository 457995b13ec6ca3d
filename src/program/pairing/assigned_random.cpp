#include "mentorsim/program/pairing/assigned_random.hpp"

#include <algorithm>
#include <numeric>

#include "mentorsim/core/function_ref.hpp"

namespace mentorsim {
namespace {

constexpr int kProbes = 64;

// An order of n items given by random keys; deterministic for the seed.
std::vector<std::size_t> random_order(std::size_t n, FunctionRef<std::uint64_t(std::size_t)> key) {
  std::vector<std::pair<std::uint64_t, std::size_t>> keyed(n);
  for (std::size_t i = 0; i < n; ++i) keyed[i] = {key(i), i};
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = keyed[i].second;
  return order;
}

// The free mentor places in random order, with counts of the live ones by institution and profession
// so that "is any live place allowed by the required constraints?" costs O(1).
class LivePlaces {
 public:
  LivePlaces(const Population& pop, std::vector<AgentId> slots)
      : pop_(pop),
        slots_(std::move(slots)),
        live_(slots_.size()),
        by_institution_(pop.institutions.size(), 0),
        by_profession_(kProfessions, 0),
        by_cell_(pop.institutions.size() * kProfessions, 0) {
    for (AgentId m : slots_) count(m, +1);
  }
  [[nodiscard]] std::size_t live() const noexcept { return live_; }
  [[nodiscard]] AgentId at(std::size_t k) const noexcept { return slots_[k]; }
  void take(std::size_t k) {
    count(slots_[k], -1);
    std::swap(slots_[k], slots_[live_ - 1]);
    --live_;
  }
  // Live places whose mentor satisfies the required constraints for this mentee.
  [[nodiscard]] std::uint64_t allowed(AgentId mentee, const PairingConstraints& c) const {
    const InstitutionId i = pop_.institution[mentee];
    const std::size_t p = index_of(pop_.profession[mentee]);
    const bool cross_i = c.cross_institution == ConstraintLevel::required;
    const bool cross_p = c.cross_profession == ConstraintLevel::required;
    if (cross_i && cross_p) return live_ - by_institution_[i] - by_profession_[p] + by_cell_[i * kProfessions + p];
    if (cross_i) return live_ - by_institution_[i];
    if (cross_p) return live_ - by_profession_[p];
    return live_;
  }
  // Live places meeting at least one `preferred` constraint for this mentee.
  [[nodiscard]] std::uint64_t preferred(AgentId mentee, const PairingConstraints& c) const {
    const InstitutionId i = pop_.institution[mentee];
    const std::size_t p = index_of(pop_.profession[mentee]);
    const bool pref_i = c.cross_institution == ConstraintLevel::preferred;
    const bool pref_p = c.cross_profession == ConstraintLevel::preferred;
    if (pref_i && pref_p) return live_ - by_cell_[i * kProfessions + p];
    if (pref_i) return live_ - by_institution_[i];
    if (pref_p) return live_ - by_profession_[p];
    return 0;
  }

 private:
  void count(AgentId m, int delta) {
    by_institution_[pop_.institution[m]] += static_cast<std::uint64_t>(delta);
    by_profession_[index_of(pop_.profession[m])] += static_cast<std::uint64_t>(delta);
    by_cell_[pop_.institution[m] * kProfessions + index_of(pop_.profession[m])] += static_cast<std::uint64_t>(delta);
  }
  const Population& pop_;
  std::vector<AgentId> slots_;
  std::size_t live_;
  std::vector<std::uint64_t> by_institution_;
  std::vector<std::uint64_t> by_profession_;
  std::vector<std::uint64_t> by_cell_;
};

}  // namespace

PairingResult AssignedRandomPairing::pair(const PairingInput& in) const {
  const Population& pop = *in.population;
  PairingResult result;
  std::vector<AgentId> slots;
  for (std::size_t m = 0; m < in.mentors.size(); ++m) {
    for (std::uint32_t k = 0; k < in.capacity[m]; ++k) slots.push_back(in.mentors[m]);
  }
  {
    const auto order = random_order(slots.size(), [&](std::size_t i) {
      Stream s = in.random.stream(in.step, in.pairing_purpose, slots[i]);
      return (static_cast<std::uint64_t>(s.next_u32()) << 32) | i;
    });
    std::vector<AgentId> shuffled(slots.size());
    for (std::size_t i = 0; i < order.size(); ++i) shuffled[i] = slots[order[i]];
    slots = std::move(shuffled);
  }
  LivePlaces places(pop, std::move(slots));
  const FeasibilityIndex feasibility(pop, in.pool.empty() ? in.mentors : in.pool, in.constraints);
  const auto mentee_order = random_order(in.mentees.size(), [&](std::size_t i) {
    Stream s = in.random.stream(in.step, in.pairing_purpose, in.mentees[i]);
    return (static_cast<std::uint64_t>(s.next_u32()) << 32) | i;
  });
  const bool has_preference = in.constraints.cross_institution == ConstraintLevel::preferred ||
                              in.constraints.cross_profession == ConstraintLevel::preferred;
  auto unmatched = [&](AgentId mentee) {
    result.unmatched.push_back(mentee);
    result.reasons.push_back(unmatched_reason(feasibility.any_feasible(mentee), 0));
  };
  for (std::size_t index : mentee_order) {
    const AgentId mentee = in.mentees[index];
    Stream stream = in.random.stream(in.step, in.pairing_purpose, mentee);
    stream.next_u32();  // the ordering key
    if (places.allowed(mentee, in.constraints) == 0) {
      unmatched(mentee);
      continue;
    }
    // A network mentee is not paired with a mentor it already has (docs/model.md 7.20).
    const std::vector<AgentId>* excluded = in.excluded.empty() ? nullptr : &in.excluded[index];
    auto feasible = [&](std::size_t k) {
      if (excluded != nullptr && std::find(excluded->begin(), excluded->end(), places.at(k)) != excluded->end()) {
        return false;
      }
      return is_feasible(pop, places.at(k), mentee, in.constraints);
    };
    // Insist on a preferred pair only while such places are left.
    const bool insist = has_preference && places.preferred(mentee, in.constraints) > 0;
    const std::size_t none = places.live();
    std::size_t chosen = none;
    for (int probe = 0; probe < kProbes && chosen == none; ++probe) {
      const std::size_t k = stream.below(static_cast<std::uint32_t>(places.live()));
      if (feasible(k) && (!insist || preference_score(pop, places.at(k), mentee, in.constraints) > 0)) {
        chosen = k;
      }
    }
    if (chosen == none) {
      // Uniform among the feasible places with the best preference score.
      std::vector<std::size_t> best;
      int best_score = -1;
      for (std::size_t k = 0; k < places.live(); ++k) {
        if (!feasible(k)) continue;
        const int score = has_preference ? preference_score(pop, places.at(k), mentee, in.constraints) : 0;
        if (score > best_score) {
          best_score = score;
          best.clear();
        }
        if (score == best_score) best.push_back(k);
      }
      if (!best.empty()) chosen = best[stream.below(static_cast<std::uint32_t>(best.size()))];
    }
    if (chosen == none) {
      unmatched(mentee);
      continue;
    }
    result.pairs.push_back(Pair{places.at(chosen), mentee, in.assigned_formation});
    places.take(chosen);
  }
  return result;
}

}  // namespace mentorsim
