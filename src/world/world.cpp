#include "mentorsim/world/world.hpp"

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
    world.population = synthesize_population(population, random);
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

}  // namespace mentorsim
