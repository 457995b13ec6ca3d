#pragma once
// One replicate: the world of week 0 and the weekly schedule (engine/schedule.hpp), stage after
// stage. The Simulation owns the shared state and the stage objects (with their scratch); each stage
// sees the state only through its StageContext. Each stage reads the state of week t and writes week
// t+1 (or only what it owns), so results are bitwise identical for any thread count. With `check`,
// invariants are verified after every stage that can break them; with `profile`, the time of each
// stage is accumulated (both cost nothing when off).

#include <array>
#include <string_view>
#include <vector>

#include "mentorsim/core/function_ref.hpp"
#include "mentorsim/dynamics/state.hpp"
#include "mentorsim/engine/schedule.hpp"

namespace mentorsim {

struct SimulationOptions {
  bool check = false;
  bool profile = false;
};

// The stage a submodel of dynamics.disabled names (same name; the calendar is no submodel).
[[nodiscard]] Stage stage_of(Submodel submodel);
// Which stages run for the scenario's dynamics.disabled, in schedule order.
[[nodiscard]] std::array<bool, kStageCount> enabled_stages(const Scenario& scenario);
// The stages switched off by dynamics.disabled, by name in schedule order (empty when all run): what
// /meta disabled_submodels and the run's console summary report.
[[nodiscard]] std::vector<std::string_view> disabled_stage_names(const Scenario& scenario);

// Called before (`before` = true) and after each stage of a step (tests look at the state there).
using StageHook = FunctionRef<void(Stage stage, bool before)>;

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
  void step(StageHook hook);
  // Runs weeks until state().step == week.
  void run_until(Step week);
  // Ends the run: the last tie merge, so that the final network holds the ties made since the
  // previous merge and none of the leavers'. Call once, after the last step; no step may follow.
  void finish();
  [[nodiscard]] bool finished() const noexcept { return finished_; }
  // Bytes the stages hold in per-agent buffers between weeks; finish() frees them (0 after it).
  [[nodiscard]] std::size_t scratch_bytes() const;

  [[nodiscard]] const SimulationState& state() const noexcept { return state_; }
  // Hands over the dyad table when the run is over (after finish()), leaving state().dyads empty:
  // the observer keeps it for the output without a copy. No step or check may follow.
  [[nodiscard]] DyadTable release_dyads();
  // Hands over the network the same way, leaving state().network empty, so that it can be written
  // after the rest of the state is freed. No step or check may follow.
  [[nodiscard]] CollegialNetwork release_network();
  // What the stages reported (e.g. mentees without any feasible mentor), in the order reported.
  [[nodiscard]] const std::vector<StageNote>& notes() const noexcept { return notes_; }
  [[nodiscard]] const std::array<double, kStageCount>& stage_seconds() const noexcept { return stage_seconds_; }
  // Whether each stage runs (false: switched off by dynamics.disabled), in schedule order.
  [[nodiscard]] const std::array<bool, kStageCount>& stage_enabled() const noexcept { return enabled_; }

 private:
  template <std::size_t I>
  void run_stage(const StageHook* hook);
  template <std::size_t... I>
  void run_week(const StageHook* hook, std::index_sequence<I...>);

  SimulationState state_;
  WeeklySchedule stages_;
  SimulationOptions options_;
  std::vector<StageNote> notes_;
  std::array<double, kStageCount> stage_seconds_{};
  std::array<bool, kStageCount> enabled_{};
  bool finished_ = false;
};

}  // namespace mentorsim
