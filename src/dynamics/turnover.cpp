#include "mentorsim/dynamics/turnover.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/dynamics/satisfaction.hpp"
#include "mentorsim/world/network_generator.hpp"
#include "mentorsim/world/synthesizer.hpp"

namespace mentorsim {

namespace {

// The weekly hazard of an agent at its stage's week-0 mean intent: 1 - (1 - annual)^(1/52).
std::array<double, kStages> weekly_base(const TurnoverParams& p) {
  std::array<double, kStages> out{};
  for (std::size_t s = 0; s < kStages; ++s) out[s] = 1.0 - std::pow(1.0 - p.annual_rate[s], 1.0 / 52.0);
  return out;
}

double leaving_probability(double weekly, float intent, double reference) {
  return std::min(1.0, weekly * intent / reference);
}

}  // namespace

double weekly_leaving_probability(const SimulationState& state, AgentId a) {
  const TurnoverParams& p = state.scenario->dynamics().turnover;
  const std::size_t stage = index_of(state.population.stage[a]);
  return leaving_probability(weekly_base(p)[stage], state.population.intent_to_leave[a], state.intent_reference[stage]);
}

void turnover_and_hiring(SimulationState& state) {
  Population& pop = state.population;
  const std::size_t n = pop.size();
  const TurnoverParams& params = state.scenario->dynamics().turnover;
  const auto weekly = weekly_base(params);
  std::vector<std::uint8_t> leaving(n, 0);
  parallel::for_each(n, [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    if (!pop.active(a)) return;
    leaving[a] = state.random.stream(state.step, Purpose::turnover, a).uniform() <
                 leaving_probability(weekly[index_of(pop.stage[a])], pop.intent_to_leave[a],
                                     state.intent_reference[index_of(pop.stage[a])]);
  });
  const std::vector<AgentId> leavers =
      parallel::indices_where<AgentId>(n, [&](std::size_t a) { return leaving[a] != 0; });
  if (leavers.empty()) return;
  for (AgentId a : leavers) pop.left[a] = state.step + 1;  // the first week without them
  // Which active dyads lose a member, found in parallel; they end in dyad order.
  const auto& active = state.active_dyads;
  std::vector<std::uint8_t> ends(active.size(), 0);
  parallel::for_each(
      active.size(),
      [&](std::size_t k) {
        const DyadId d = active[k];
        ends[k] = state.dyads.active(d) && (leaving[state.dyads.mentor[d]] || leaving[state.dyads.mentee[d]]);
      },
      4096);
  for (std::size_t k = 0; k < active.size(); ++k) {
    if (ends[k] != 0) state.end_dyad(active[k], EndReason::leaving);
  }
  // Replacement hires, in leaver order.
  const PopulationSpec& spec = state.scenario->population();
  const double base_logit = intent_base_logit(params);
  std::vector<AgentId> hires;
  hires.reserve(leavers.size());
  for (AgentId leaver : leavers) {
    const AgentId hire = static_cast<AgentId>(pop.size());
    Stream stream = state.random.stream(state.step, Purpose::hiring, hire);
    const InstitutionId inst = pop.institution[leaver];
    const bool minority = stream.uniform() < spec.institutions[inst].minority_share;
    pop.append(inst, pop.unit[leaver], pop.profession[leaver], CareerStage::early_career, minority, state.step + 1);
    pop.external_id[hire] = state.next_external_id++;
    // The leaver's line manager, if still there, manages the hire.
    const AgentId manager = pop.manager[leaver];
    pop.manager[hire] = manager != kNoAgent && pop.active(manager) ? manager : kNoAgent;
    draw_agent_state(pop, hire, spec, stream);
    pop.intent_to_leave[hire] = static_cast<float>(intent_to_leave(params, base_logit, pop.satisfaction[hire]));
    hires.push_back(hire);
  }
  state.grow_agents(hires.size());
  for (std::size_t k = 0; k < hires.size(); ++k) {
    const AgentId hire = hires[k];
    state.program.arm[hire] = state.program.arm[leavers[k]];
    state.record_baseline(hire);
  }
  if (!state.newcomer_sampler || !state.newcomer_sampler->built_for(pop)) {
    state.newcomer_sampler = std::make_shared<const NewcomerTieSampler>(pop, state.scenario->network());
  }
  const auto ties = state.newcomer_sampler->ties_for(state.random, state.step, hires, state.network,
                                                     state.network_report.closure_share);
  state.pending_ties.insert(state.pending_ties.end(), ties.begin(), ties.end());
}

}  // namespace mentorsim
