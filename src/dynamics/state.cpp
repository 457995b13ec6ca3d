#include "mentorsim/dynamics/state.hpp"

#include <algorithm>

#include "mentorsim/dynamics/satisfaction.hpp"

namespace mentorsim {

SimulationState::SimulationState(const Scenario& s, Replicate replicate, World world)
    : scenario(&s),
      random(s.run().seed, replicate),
      population(std::move(world.population)),
      network(std::move(world.network)),
      network_report(world.network_report) {
  const std::size_t n = population.size();
  program.resize(n);
  baseline.skills.resize(n);
  baseline.confidence.resize(n);
  baseline.satisfaction.resize(n);
  baseline.degree.resize(n);
  baseline.strength.resize(n);
  baseline.cross_institution_ties.resize(n);
  meetings.assign(n, 0);
  skills_next.resize(n);
  const TurnoverParams& turnover = s.dynamics().turnover;
  std::array<double, kStages> intent_sum{};
  std::array<double, kStages> staff{};
  for (AgentId a = 0; a < n; ++a) {
    population.intent_to_leave[a] = static_cast<float>(intent_to_leave(turnover, population.satisfaction[a]));
    record_baseline(a);
    if (!population.active(a)) continue;
    intent_sum[index_of(population.stage[a])] += population.intent_to_leave[a];
    staff[index_of(population.stage[a])] += 1.0;
  }
  for (std::size_t stage = 0; stage < kStages; ++stage) {
    intent_reference[stage] =
        staff[stage] > 0.0 && intent_sum[stage] > 0.0 ? intent_sum[stage] / staff[stage] : turnover.baseline_intent;
  }
  psych_safety_initial = population.psych_safety;
  for (std::uint64_t id : population.external_id) next_external_id = std::max(next_external_id, id + 1);
}

void SimulationState::grow_agents(std::size_t count) {
  const std::size_t n = program.arm.size() + count;
  program.resize(n);
  baseline.skills.resize(n);
  baseline.confidence.resize(n, 0.0f);
  baseline.satisfaction.resize(n, 0.0f);
  baseline.degree.resize(n, 0);
  baseline.strength.resize(n, 0.0f);
  baseline.cross_institution_ties.resize(n, 0);
  meetings.resize(n, 0);
  skills_next.resize(n);
}

void SimulationState::record_baseline(AgentId a) {
  for (std::size_t d = 0; d < kDomains; ++d) baseline.skills.at(a, d) = population.skills.at(a, d);
  baseline.confidence[a] = population.confidence[a];
  baseline.satisfaction[a] = population.satisfaction[a];
  baseline.degree[a] = network.degree(a);
  float strength = 0.0f;
  std::uint32_t cross = 0;
  const auto row = network.neighbors(a);
  const auto w = network.weights(a);
  for (std::size_t k = 0; k < row.size(); ++k) {
    strength += w[k];
    cross += population.institution[row[k]] != population.institution[a] ? 1 : 0;
  }
  baseline.strength[a] = strength;
  baseline.cross_institution_ties[a] = cross;
}

void SimulationState::end_dyad(DyadId d, EndReason reason) {
  ProgramWorld world{population, network, dyads, program};
  mentorsim::end_dyad(world, d, step, reason);
}

void SimulationState::cache_dyads() {
  DyadCache& c = dyad_cache;
  for (auto d = static_cast<DyadId>(c.mentor_availability.size()); d < dyads.size(); ++d) {
    const AgentId mentor = dyads.mentor[d];
    const AgentId mentee = dyads.mentee[d];
    c.mentor_availability.push_back(availability(*this, mentor));
    c.mentee_availability.push_back(availability(*this, mentee));
    c.upward_hierarchy.push_back(population.stage[mentor] >= population.stage[mentee]
                                     ? 0.0
                                     : population.institutions[population.institution[mentee]].hierarchy);
    c.mentee_unit.push_back(population.unit[mentee]);
  }
}

double availability(const SimulationState& state, AgentId a) {
  const double required = state.scenario->dynamics().meetings.time_required;
  return std::min(1.0, static_cast<double>(state.population.time_budget[a]) / required);
}

std::unordered_map<DyadId, int> circle_sizes(const SimulationState& state) {
  std::unordered_map<DyadId, int> sizes;
  for (DyadId d : state.active_dyads) {
    if (state.dyads.active(d) && state.dyads.type[d] == DyadType::group) ++sizes[state.dyads.group[d]];
  }
  return sizes;
}

}  // namespace mentorsim
