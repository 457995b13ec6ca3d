// Builds a scenario from text and runs one replicate for a few weeks through the installed library.
#include <iostream>

#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/scenario/scenario.hpp"

int main() {
  const mentorsim::Scenario scenario =
      mentorsim::Scenario::parse("[run]\nweeks = 3\n[population]\nsize = 300\n", "consumer.toml");
  mentorsim::Simulation simulation(scenario, 0);
  simulation.run_until(3);
  std::cout << "consumer ran " << simulation.state().step << " weeks with " << simulation.state().population.size()
            << " staff\n";
  return simulation.state().step == 3 ? 0 : 1;
}
