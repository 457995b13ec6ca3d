#include "mentorsim/world/world.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "mentorsim/world/roster.hpp"
#include "mentorsim/world/synthesizer.hpp"

namespace mentorsim {

World build_world(const Scenario& scenario, const RandomSource& random) {
  World world;
  const PopulationSpec& population = scenario.population();
  const NetworkSpec& network = scenario.network();
  std::optional<std::vector<Tie>> ties;
  if (population.roster) {
    RosterInputs inputs = load_roster_inputs(scenario, random);  // roster and edge list checked together
    world.population = std::move(inputs.population);
    ties = std::move(inputs.ties);
  } else {
    world.population = synthesize_population(population, random, expected_agent_rows(scenario));
  }
  if (ties) {
    world.network = CollegialNetwork(static_cast<AgentId>(world.population.size()), std::move(*ties));
    world.network_report.target_mean_degree = network.mean_degree;
    world.network_report.target_clustering = network.clustering;
    world.network_report.note = "network read from " + network.edges->string();
  } else {
    world.network = generate_network(world.population, network, random, &world.network_report);
  }
  return world;
}

namespace {

// The staff plus the hires of a run whose staff leave `per_week` agents a week in expectation, with a
// margin of 5 % and four standard deviations.
std::size_t rows_for(const Scenario& scenario, std::size_t staff, double per_week) {
  const double hires = per_week * static_cast<double>(scenario.run().weeks);
  return staff + static_cast<std::size_t>(std::ceil(1.05 * hires + 4.0 * std::sqrt(hires)));
}

bool turnover_off(const Scenario& scenario) {
  return std::ranges::find(scenario.disabled_submodels(), Submodel::turnover) != scenario.disabled_submodels().end();
}

}  // namespace

std::size_t planned_agent_rows(const Scenario& scenario, const Population& population) {
  const std::size_t n = population.size();
  if (turnover_off(scenario)) return n;
  const TurnoverParams& p = scenario.dynamics().turnover;
  std::array<double, kStages> weekly{};
  for (std::size_t s = 0; s < kStages; ++s) weekly[s] = weekly_probability(p.annual_rate[s]);
  double per_week = 0.0;
  for (AgentId a = 0; a < n; ++a) {
    if (population.active(a)) per_week += weekly[index_of(population.stage[a])];
  }
  return rows_for(scenario, n, per_week);
}

std::size_t expected_agent_rows(const Scenario& scenario) {
  const PopulationSpec& spec = scenario.population();
  const auto staff = static_cast<std::size_t>(spec.total_size());
  if (turnover_off(scenario)) return staff;
  const TurnoverParams& p = scenario.dynamics().turnover;
  double per_week = 0.0;
  for (const InstitutionSpec& inst : spec.institutions) {
    double weighted = 0.0;
    double shares = 0.0;
    for (std::size_t s = 0; s < kStages; ++s) {
      weighted += inst.stage_mix[s] * weekly_probability(p.annual_rate[s]);
      shares += inst.stage_mix[s];
    }
    if (shares > 0.0) per_week += static_cast<double>(inst.size) * weighted / shares;
  }
  return rows_for(scenario, staff, per_week);
}

}  // namespace mentorsim
