#include "mentorsim/world/world.hpp"

#include "mentorsim/world/roster.hpp"
#include "mentorsim/world/synthesizer.hpp"

namespace mentorsim {

World build_world(const Scenario& scenario, const RandomSource& random) {
  World world;
  const PopulationSpec& population = scenario.population();
  world.population = population.roster ? load_roster(*population.roster, population, random)
                                       : synthesize_population(population, random);
  const NetworkSpec& network = scenario.network();
  if (network.edges) {
    world.network = CollegialNetwork(static_cast<AgentId>(world.population.size()),
                                     load_edge_list(*network.edges, world.population, network.initial_weight));
    world.network_report.target_mean_degree = network.mean_degree;
    world.network_report.target_clustering = network.clustering;
    world.network_report.note = "network read from " + network.edges->string();
  } else {
    world.network = generate_network(world.population, network, random, &world.network_report);
  }
  return world;
}

}  // namespace mentorsim
