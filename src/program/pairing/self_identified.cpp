#include "mentorsim/program/pairing/self_identified.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/program/teaching.hpp"

namespace mentorsim {
namespace {

// Liking of a mentee a mentor would not accept (likings can be negative: perceived fit is unbounded).
constexpr double kUnacceptable = -std::numeric_limits<double>::infinity();

}  // namespace

double mentor_reluctance(const Population& pop, AgentId mentor, AgentId mentee, const ApproachParams& p,
                         const StatusParams& status) {
  const double psi = pop.psych_safety[pop.unit[mentor]];
  return std::clamp(
      p.reluctance_weight * power_distance(pop, mentor, mentee, status) * (1.0 - psi) * (1.0 - pop.confidence[mentor]),
      0.0, 1.0);
}

double approach_probability(const Population& pop, AgentId mentee, AgentId mentor, const ApproachParams& p,
                            const StatusParams& status) {
  const double psi = pop.psych_safety[pop.unit[mentee]];
  double logit = std::log(p.approach_base / (1.0 - p.approach_base)) -
                 p.power_weight * power_distance(pop, mentee, mentor, status) * (1.0 - psi) -
                 p.confidence_weight * (1.0 - pop.confidence[mentee]);
  if (pop.minority[mentee]) logit += std::log(p.minority_odds_ratio);
  return 1.0 / (1.0 + std::exp(-logit));
}

SelfIdentifiedMarket build_self_identified_market(const PairingInput& in) {
  const Population& pop = *in.population;
  const CollegialNetwork& net = *in.network;
  SelfIdentifiedMarket market;
  market.mentors = in.mentors;
  market.capacity = in.capacity;
  const std::size_t n = in.mentees.size();
  market.proposals.resize(n);
  market.acceptable.resize(n);
  market.mentor_score.resize(n);
  market.saw_candidates.assign(n, 0);
  market.considered.resize(n);
  // Pool index of each agent who is a mentor with free places (kNotMentor otherwise): one slot per
  // agent of the population, looked up for every 2-hop contact.
  constexpr std::uint32_t kNotMentor = 0xffffffffu;
  std::vector<std::uint32_t> index_of_mentor(pop.size(), kNotMentor);
  for (std::uint32_t k = 0; k < in.mentors.size(); ++k) {
    if (in.capacity[k] > 0) index_of_mentor[in.mentors[k]] = k;
  }
  const double visible_expected = in.directory_visibility * static_cast<double>(in.mentors.size());
  parallel::for_each(
      n,
      [&](std::size_t k) {
        const AgentId mentee = in.mentees[k];
        Stream stream = in.random.stream(in.step, Purpose::approach, mentee);
        std::vector<std::uint32_t> seen;
        auto consider = [&](AgentId candidate) {
          if (index_of_mentor[candidate] != kNotMentor) seen.push_back(index_of_mentor[candidate]);
        };
        // The 2-hop collegial neighbourhood.
        for (AgentId neighbour : net.neighbors(mentee)) {
          if (!pop.active(neighbour)) continue;
          consider(neighbour);
          for (AgentId second : net.neighbors(neighbour)) {
            if (second != mentee && pop.active(second)) consider(second);
          }
        }
        // The program directory: each mentor visible with probability directory_visibility
        // (a Poisson number of uniform draws, for O(visible) cost), of which a mentee reads at most
        // directory_max profiles.
        if (!in.mentors.empty() && visible_expected > 0.0) {
          const std::uint32_t visible = std::min(stream.poisson(visible_expected), in.approach.directory_max);
          for (std::uint32_t v = 0; v < visible; ++v) {
            consider(in.mentors[stream.below(static_cast<std::uint32_t>(in.mentors.size()))]);
          }
        }
        std::sort(seen.begin(), seen.end());
        seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
        // The mentors it considered in earlier weeks of its search: each candidate is considered once.
        std::vector<AgentId>& considered = market.considered[k];
        if (!in.considered.empty()) considered = in.considered[k];
        // A network mentee seeks the mentor of one set of domains, never one it already has (7.20).
        const std::uint8_t domains = in.domains.empty() ? 0 : in.domains[k];
        const std::vector<AgentId>* excluded = in.excluded.empty() ? nullptr : &in.excluded[k];
        // Feasible candidates not considered before, ranked by benefit and homophily (ties: lower pool
        // index).
        std::vector<std::pair<double, std::uint32_t>> ranked;
        for (std::uint32_t m : seen) {
          const AgentId mentor = in.mentors[m];
          if (!is_feasible(pop, mentor, mentee, in.constraints)) continue;
          if (std::find(considered.begin(), considered.end(), mentor) != considered.end()) continue;
          if (excluded != nullptr && std::find(excluded->begin(), excluded->end(), mentor) != excluded->end()) continue;
          double benefit = pair_value(pop, mentor, mentee, in.type, in.constraints, domains) +
                           in.approach.homophily_weight * similarity(pop, mentor, mentee);
          if (in.approach.fit_choice_weight != 0.0) {
            benefit += in.approach.fit_choice_weight *
                       mentee_perceived_fit(in.fit_random, mentor, mentee, in.approach.fit_noise);
          }
          ranked.emplace_back(-benefit, m);
        }
        market.saw_candidates[k] = ranked.empty() ? 0 : 1;
        // This week it considers the best approaches_per_week of them, and at most max_candidates over
        // its whole search.
        const std::size_t budget =
            in.approach.max_candidates > considered.size() ? in.approach.max_candidates - considered.size() : 0;
        const std::size_t keep =
            std::min({ranked.size(), static_cast<std::size_t>(in.approach.approaches_per_week), budget});
        std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end());
        ranked.resize(keep);
        // Dare to approach (mentee's anxiety) and would be accepted (mentor's time and confidence):
        // two words per candidate considered, in rank order.
        for (const auto& [negative_benefit, m] : ranked) {
          const AgentId mentor = in.mentors[m];
          considered.push_back(mentor);
          const double u_approach = stream.uniform();
          const double u_accept = stream.uniform();
          if (u_approach >= approach_probability(pop, mentee, mentor, in.approach, in.status)) continue;
          market.proposals[k].push_back(m);
          const double availability = std::min(1.0, pop.time_budget[mentor] / in.time_required);
          if (u_accept < availability * (1.0 - mentor_reluctance(pop, mentor, mentee, in.approach, in.status))) {
            market.acceptable[k].push_back(m);
            double liking =
                similarity(pop, mentor, mentee) + 0.5 * complementarity(pop, mentor, mentee, in.type, domains);
            if (in.approach.fit_choice_weight != 0.0) {
              liking += in.approach.fit_choice_weight *
                        mentor_perceived_fit(in.fit_random, mentor, mentee, in.approach.fit_noise);
            }
            market.mentor_score[k].push_back(liking);
          }
        }
      },
      64);
  return market;
}

std::vector<int> deferred_acceptance(const SelfIdentifiedMarket& market) {
  const std::size_t n = market.proposals.size();
  std::vector<int> match(n, -1);
  // A mentor's liking of a mentee that would be acceptable; kUnacceptable if not acceptable.
  auto liking = [&](std::size_t mentee, std::uint32_t mentor) -> double {
    const auto& list = market.acceptable[mentee];
    const auto it = std::find(list.begin(), list.end(), mentor);
    return it == list.end() ? kUnacceptable : market.mentor_score[mentee][static_cast<std::size_t>(it - list.begin())];
  };
  // Each mentor holds its current mentees in a min-heap by (liking, -mentee index): the worst on top.
  using Held = std::pair<double, std::int64_t>;  // (liking, -mentee)
  std::vector<std::priority_queue<Held, std::vector<Held>, std::greater<>>> held(market.mentors.size());
  std::vector<std::size_t> next(n, 0);
  std::vector<std::size_t> free;
  for (std::size_t k = n; k-- > 0;) free.push_back(k);
  while (!free.empty()) {
    const std::size_t e = free.back();
    free.pop_back();
    while (next[e] < market.proposals[e].size()) {
      const std::uint32_t m = market.proposals[e][next[e]++];
      const double like = liking(e, m);
      if (like == kUnacceptable || market.capacity[m] == 0) continue;
      const Held mine{like, -static_cast<std::int64_t>(e)};
      if (held[m].size() < market.capacity[m]) {
        held[m].push(mine);
        match[e] = static_cast<int>(m);
        break;
      }
      if (held[m].top() < mine) {
        const auto bumped = static_cast<std::size_t>(-held[m].top().second);
        held[m].pop();
        match[bumped] = -1;
        free.push_back(bumped);
        held[m].push(mine);
        match[e] = static_cast<int>(m);
        break;
      }
    }
  }
  return match;
}

bool has_blocking_pair(const SelfIdentifiedMarket& market, const std::vector<int>& matching) {
  const std::size_t n = market.proposals.size();
  // The worst mentee each mentor holds, and how many it holds.
  std::vector<std::size_t> load(market.mentors.size(), 0);
  std::vector<std::pair<double, std::int64_t>> worst(market.mentors.size(), {1e300, 0});
  auto liking = [&](std::size_t mentee, std::uint32_t mentor) -> double {
    const auto& list = market.acceptable[mentee];
    const auto it = std::find(list.begin(), list.end(), mentor);
    return it == list.end() ? kUnacceptable : market.mentor_score[mentee][static_cast<std::size_t>(it - list.begin())];
  };
  for (std::size_t e = 0; e < n; ++e) {
    if (matching[e] < 0) continue;
    const auto m = static_cast<std::uint32_t>(matching[e]);
    ++load[m];
    worst[m] = std::min(worst[m], std::make_pair(liking(e, m), -static_cast<std::int64_t>(e)));
  }
  for (std::size_t e = 0; e < n; ++e) {
    for (std::uint32_t m : market.proposals[e]) {
      if (matching[e] == static_cast<int>(m)) break;  // the rest are worse for e than its mentor
      const double like = liking(e, m);
      if (like == kUnacceptable || market.capacity[m] == 0) continue;
      if (load[m] < market.capacity[m]) return true;
      if (worst[m] < std::make_pair(like, -static_cast<std::int64_t>(e))) return true;
    }
  }
  return false;
}

PairingResult SelfIdentifiedPairing::pair(const PairingInput& in) const {
  const SelfIdentifiedMarket market = build_self_identified_market(in);
  const std::vector<int> match = deferred_acceptance(market);
  // Feasibility over every enrolled mentor of the arm (full or not), and over those with a free place.
  std::vector<AgentId> free_mentors;
  for (std::size_t m = 0; m < in.mentors.size(); ++m) {
    if (in.capacity[m] > 0) free_mentors.push_back(in.mentors[m]);
  }
  const FeasibilityIndex feasibility(*in.population, in.pool.empty() ? in.mentors : in.pool, in.constraints);
  const FeasibilityIndex free_feasibility(*in.population, free_mentors, in.constraints);
  PairingResult result;
  result.search.resize(in.mentees.size(), 0);
  result.considered = market.considered;
  for (std::size_t k = 0; k < in.mentees.size(); ++k) {
    const AgentId mentee = in.mentees[k];
    std::uint8_t& search = result.search[k];
    search = in.search.empty() ? 0 : in.search[k];
    if (free_feasibility.any_feasible(mentee)) search |= kSearchFreeFeasible;
    if (!market.proposals[k].empty()) search |= kSearchApproached;
    if (!market.acceptable[k].empty()) search |= kSearchAcceptable;
    if (match[k] >= 0) {
      const AgentId mentor = market.mentors[static_cast<std::size_t>(match[k])];
      result.pairs.push_back(
          Pair{mentor, mentee, Formation::self_identified,
               static_cast<float>(mentee_perceived_fit(in.fit_random, mentor, mentee, in.approach.fit_noise))});
      result.objective += pair_value(*in.population, result.pairs.back().mentor, mentee, in.type, in.constraints,
                                     in.domains.empty() ? 0 : in.domains[k]);
      continue;
    }
    result.unmatched.push_back(mentee);
    result.reasons.push_back(unmatched_reason(feasibility.any_feasible(mentee), search));
  }
  return result;
}

}  // namespace mentorsim
