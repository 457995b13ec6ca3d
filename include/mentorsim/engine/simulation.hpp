#pragma once
// One replicate: the world of week 0 and the weekly schedule, stage after stage. Each stage reads the
// state of week t and writes week t+1 (or only what it owns), so results are bitwise identical for
// any thread count. With `check`, invariants are verified after every stage; with `profile`, the time
// of each stage is accumulated (both cost nothing when off).

#include <array>

#include "mentorsim/dynamics/state.hpp"
#include "mentorsim/engine/schedule.hpp"

namespace mentorsim {

struct SimulationOptions {
  bool check = false;
  bool profile = false;
};

class Simulation {
 public:
  Simulation(const Scenario& scenario, Replicate replicate, SimulationOptions options = {});
  // From a given world (tests build tiny ones by hand).
  Simulation(const Scenario& scenario, Replicate replicate, World world, SimulationOptions options = {});

  // The simulation keeps a reference to its scenario: a temporary one would dangle.
  Simulation(Scenario&&, Replicate, SimulationOptions = {}) = delete;
  Simulation(Scenario&&, Replicate, World, SimulationOptions = {}) = delete;

  // Runs the week state().step and advances to the next.
  void step();
  // Runs weeks until state().step == week.
  void run_until(Step week);

  SimulationState& state() noexcept { return state_; }
  [[nodiscard]] const SimulationState& state() const noexcept { return state_; }
  [[nodiscard]] const std::array<double, kStageCount>& stage_seconds() const noexcept { return stage_seconds_; }

 private:
  SimulationState state_;
  SimulationOptions options_;
  std::array<double, kStageCount> stage_seconds_{};
};

}  // namespace mentorsim
