#include "mentorsim/engine/simulation.hpp"

#include <chrono>

#include "mentorsim/engine/invariants.hpp"
#include "mentorsim/program/calendar.hpp"

namespace mentorsim {

Simulation::Simulation(const Scenario& scenario, Replicate replicate, SimulationOptions options)
    : Simulation(scenario, replicate, build_world(scenario, RandomSource(scenario.run().seed, replicate)), options) {}

Simulation::Simulation(const Scenario& scenario, Replicate replicate, World world, SimulationOptions options)
    : state_(scenario, replicate, std::move(world)),
      options_(options) {
  assign_arms(state_.program, state_.population, scenario.arms(), scenario.randomisation(), state_.random);
  if (options_.check) check_invariants(state_, "initialisation");
}

void Simulation::step() {
  for (const StageDefinition& stage : weekly_schedule()) {
    if (options_.profile) {
      const auto start = std::chrono::steady_clock::now();
      stage.run(state_);
      stage_seconds_[index_of(stage.stage)] +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } else {
      stage.run(state_);
    }
    if (options_.check && stage.changes != 0) check_invariants(state_, to_string(stage.stage), stage.changes);
  }
  ++state_.step;
}

void Simulation::run_until(Step week) {
  while (state_.step < week) step();
}

}  // namespace mentorsim
