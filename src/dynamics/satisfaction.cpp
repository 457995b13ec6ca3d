#include "mentorsim/dynamics/satisfaction.hpp"

#include <algorithm>
#include <cmath>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {

double intent_to_leave(const TurnoverParams& params, double satisfaction) {
  const double base = std::log(params.baseline_intent / (1.0 - params.baseline_intent));
  const double logit = base + params.satisfaction_slope * (params.reference_satisfaction - satisfaction);
  return 1.0 / (1.0 + std::exp(-logit));
}

void update_satisfaction(SimulationState& state) {
  const SatisfactionParams& p = state.scenario->dynamics().satisfaction;
  const TurnoverParams& turnover = state.scenario->dynamics().turnover;
  const double time_required = state.scenario->dynamics().meetings.time_required;
  Population& pop = state.population;
  const std::size_t n = pop.size();
  // Mean quality of each agent's active dyads and the time they take, in dyad order.
  std::vector<float> quality_sum(n, 0.0f);
  std::vector<float> time_share(n, 0.0f);
  std::vector<std::uint16_t> dyad_count(n, 0);
  const auto circles = circle_sizes(state);
  for (DyadId d : state.active_dyads) {
    if (!state.dyads.active(d)) continue;
    const double per_week = time_required / state.program_of_dyad(d).cadence_weeks;
    // A circle meets as one: its mentor's time is shared among the circle's mentees.
    const double mentor_share =
        state.dyads.type[d] == DyadType::group ? 1.0 / circles.at(state.dyads.group[d]) : 1.0;
    for (AgentId a : {state.dyads.mentor[d], state.dyads.mentee[d]}) {
      quality_sum[a] += state.dyads.quality[d];
      time_share[a] += static_cast<float>(a == state.dyads.mentor[d] ? per_week * mentor_share : per_week);
      ++dyad_count[a];
    }
  }
  parallel::for_each(n, [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    if (!pop.active(a)) return;
    double growth = 0.0;
    for (std::size_t d = 0; d < kDomains; ++d) growth += pop.skills.at(a, d) - state.baseline.skills.at(a, d);
    double target = state.baseline.satisfaction[a] + p.growth_weight * growth +
                    p.empowerment_weight * (pop.confidence[a] - state.baseline.confidence[a]);
    if (dyad_count[a] > 0) {
      target += p.quality_weight * (quality_sum[a] / dyad_count[a] - 0.5);
      const double budget = std::max(1e-3f, pop.time_budget[a]);
      target -= p.burden_weight * std::min(1.0, time_share[a] / budget);
    }
    target = std::clamp(target, 0.0, 1.0);
    pop.satisfaction[a] += static_cast<float>(p.adjustment * (target - pop.satisfaction[a]));
    pop.intent_to_leave[a] = static_cast<float>(intent_to_leave(turnover, pop.satisfaction[a]));
  });
}

}  // namespace mentorsim
