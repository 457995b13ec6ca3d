#pragma once
// self_identified: each enrolled mentee looks for a mentor among the enrolled mentors it can see —
// its 2-hop collegial neighbourhood, plus each other mentor listed in the program directory with
// probability directory_visibility — keeps the feasible ones, ranks them by
//   benefit = pair_value (complementarity + preferred constraints) + homophily_weight * similarity,
// keeps the best approaches_per_week it has not considered in earlier weeks of its search (at most
// max_candidates over the search), and dares approach each with probability p on the odds scale,
//   logit p = logit(approach_base) - power_weight * PD(e -> m) * (1 - psi) - confidence_weight (1 - c)
//             + log(minority_odds_ratio) [minority]          (psi, c the mentee's),
// PD the power distance of career stage, profession status and minority status (teaching.hpp):
// "junior employees afraid to approach a senior colleague" (the review). A mentor would accept a
// mentee with probability availability * (1 - reluctance), reluctance = reluctance_weight *
// PD(m -> e) * (1 - psi) * (1 - c_mentor) (a junior reverse mentor's lack of confidence), and prefers mentees by
// similarity + complementarity / 2. Mentee-proposing deferred acceptance (Gale-Shapley with capacities) gives a stable
// matching: no mentee and mentor who would both rather be together than with their partners. The unmatched stay without
// a mentor this week; the calendar runs a round every week of the search (docs/model.md 7.5). Unmatched reasons:
// unmatched_reason (pairing.hpp) over the whole search. Cost per week: O(searching mentees * (d^2 + visibility *
// mentors)) to build the lists, then O(proposals).

#include <vector>

#include "mentorsim/program/pairing/pairing.hpp"

namespace mentorsim {

// The two-sided market the strategy builds; exposed so tests can check stability.
struct SelfIdentifiedMarket {
  std::vector<AgentId> mentors;  // the pool (indices below refer to it)
  std::vector<std::uint32_t> capacity;
  std::vector<std::vector<std::uint32_t>> proposals;   // per mentee: mentors it dares approach, best first
  std::vector<std::vector<std::uint32_t>> acceptable;  // per mentee: the subset of proposals that would accept it
  std::vector<std::vector<double>> mentor_score;       // per mentee, per acceptable entry: the mentor's liking
  std::vector<std::uint8_t> saw_candidates;            // per mentee: some feasible mentor was visible
  std::vector<std::vector<AgentId>> considered;        // per mentee: mentors considered so far, this week's included
};

SelfIdentifiedMarket build_self_identified_market(const PairingInput& input);

// Mentee-proposing deferred acceptance. Returns, per mentee, the index of its mentor in market.mentors
// or -1.
std::vector<int> deferred_acceptance(const SelfIdentifiedMarket& market);

// True when some mentee and mentor, each acceptable to the other, both prefer each other to what the
// matching gave them (a mentor with a free place prefers any acceptable mentee to none).
bool has_blocking_pair(const SelfIdentifiedMarket& market, const std::vector<int>& matching);

// Probability that `mentee` dares approach `mentor` (odds scale, see ApproachParams).
double approach_probability(const Population& population, AgentId mentee, AgentId mentor, const ApproachParams& params,
                            const StatusParams& status);
// Reluctance of `mentor` to take on `mentee`, in [0, 1]:
// reluctance_weight * PD(mentor -> mentee) * (1 - psi_mentor) * (1 - c_mentor).
double mentor_reluctance(const Population& population, AgentId mentor, AgentId mentee, const ApproachParams& params,
                         const StatusParams& status);

class SelfIdentifiedPairing final : public PairingStrategyBase {
 public:
  [[nodiscard]] PairingResult pair(const PairingInput& input) const override;
};

}  // namespace mentorsim
