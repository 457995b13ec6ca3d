#include "mentorsim/engine/simulation.hpp"

#include <chrono>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>

#include "mentorsim/engine/invariants.hpp"
#include "mentorsim/program/calendar.hpp"

namespace mentorsim {
namespace {

// A stage object for the state of week 0: stages that keep a week-0 reference take the state.
template <class S>
S make_stage(const SimulationState& state) {
  if constexpr (std::is_constructible_v<S, const SimulationState&>) {
    return S(state);
  } else {
    return S();
  }
}

template <std::size_t... I>
WeeklySchedule make_schedule(const SimulationState& state, std::index_sequence<I...>) {
  return WeeklySchedule(make_stage<std::tuple_element_t<I, WeeklySchedule>>(state)...);
}

SimulationState initial_state(const Scenario& scenario, Replicate replicate, World world) {
  SimulationState state(scenario, replicate, std::move(world));
  assign_arms(state.program, state.population, scenario.arms(), scenario.randomisation(), state.random);
  return state;
}

}  // namespace

Stage stage_of(Submodel submodel) {
  const std::string_view name = EnumTraits<Submodel>::names[static_cast<std::size_t>(submodel)];
  for (std::size_t s = 0; s < kStageCount; ++s) {
    if (EnumTraits<Stage>::names[s] == name && enum_at<Stage>(s) != Stage::calendar) return enum_at<Stage>(s);
  }
  throw std::logic_error("submodel \"" + std::string(name) + "\" names no stage of the weekly schedule");
}

std::array<bool, kStageCount> enabled_stages(const Scenario& scenario) {
  std::array<bool, kStageCount> enabled{};
  enabled.fill(true);
  for (Submodel m : scenario.disabled_submodels()) enabled[static_cast<std::size_t>(stage_of(m))] = false;
  return enabled;
}

std::vector<std::string_view> disabled_stage_names(const Scenario& scenario) {
  const std::array<bool, kStageCount> enabled = enabled_stages(scenario);
  std::vector<std::string_view> names;
  for (std::size_t s = 0; s < kStageCount; ++s) {
    if (!enabled[s]) names.push_back(EnumTraits<Stage>::names[s]);
  }
  return names;
}

namespace {
template <class S>
void release_scratch_of(S& stage) {
  if constexpr (requires { stage.release_scratch(); }) stage.release_scratch();
}
template <class S>
std::size_t scratch_bytes_of(const S& stage) {
  if constexpr (requires { stage.scratch_bytes(); }) {
    return stage.scratch_bytes();
  } else {
    return 0;
  }
}
}  // namespace

Simulation::Simulation(const Scenario& scenario, Replicate replicate, SimulationOptions options)
    : Simulation(scenario, replicate, build_world(scenario, RandomSource(scenario.run().seed, replicate)), options) {}

Simulation::Simulation(const Scenario& scenario, Replicate replicate, World world, SimulationOptions options)
    : state_(initial_state(scenario, replicate, std::move(world))),
      stages_(make_schedule(state_, std::make_index_sequence<kStageCount>{})),
      options_(options),
      enabled_(enabled_stages(scenario)) {
  if (options_.check) check_invariants(state_, "initialisation");
}

template <std::size_t I>
void Simulation::run_stage(const StageHook* hook) {
  using S = std::tuple_element_t<I, WeeklySchedule>;
  S& stage = std::get<I>(stages_);
  typename S::Context context(state_, S::id, notes_);
  if (hook != nullptr) (*hook)(S::id, true);
  if (!enabled_[I]) {
    // Switched off (dynamics.disabled): only what keeps the state consistent, if the stage has it.
    if constexpr (requires { stage.run_switched_off(context); }) stage.run_switched_off(context);
    if (hook != nullptr) (*hook)(S::id, false);
    return;
  }
  if (options_.profile) {
    const auto start = std::chrono::steady_clock::now();
    stage.run(context);
    stage_seconds_[I] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } else {
    stage.run(context);
  }
  if (hook != nullptr) (*hook)(S::id, false);
  constexpr unsigned scope = check_scope(S::access.writes);
  if (options_.check && scope != 0) check_invariants(state_, to_string(S::id), scope);
}

template <std::size_t... I>
void Simulation::run_week(const StageHook* hook, std::index_sequence<I...>) {
  (run_stage<I>(hook), ...);
}

void Simulation::step() {
  if (finished_) throw std::logic_error("Simulation::step after finish");
  run_week(nullptr, std::make_index_sequence<kStageCount>{});
  ++state_.step;
}

void Simulation::step(StageHook hook) {
  if (finished_) throw std::logic_error("Simulation::step after finish");
  run_week(&hook, std::make_index_sequence<kStageCount>{});
  ++state_.step;
}

void Simulation::run_until(Step week) {
  while (state_.step < week) step();
}

DyadTable Simulation::release_dyads() {
  if (!finished_) throw std::logic_error("Simulation::release_dyads before finish");
  return std::exchange(state_.dyads, DyadTable{});
}

CollegialNetwork Simulation::release_network() {
  if (!finished_) throw std::logic_error("Simulation::release_network before finish");
  return std::exchange(state_.network, CollegialNetwork{});
}

std::size_t Simulation::scratch_bytes() const {
  return std::apply([](const auto&... stage) { return (scratch_bytes_of(stage) + ...); }, stages_);
}

void Simulation::finish() {
  if (finished_) return;
  TiesStage& ties = std::get<TiesStage>(stages_);
  TiesStage::Context context(state_, TiesStage::id, notes_);
  ties.merge(context);
  finished_ = true;
  // The stages' per-agent buffers are no longer needed: their memory goes to what the end of the run
  // computes (network summary, outcomes) instead of adding to the run's peak.
  std::apply([](auto&... stage) { (release_scratch_of(stage), ...); }, stages_);
  if (options_.check) check_invariants(state_, "finish", check_scope(TiesStage::access.writes));
  // Nor are the next week's skills buffer, the dyads' constants and the emptied list of new ties: no
  // output or outcome reads them, and at 1M staff they hold about 70 MB while the results are written.
  state_.skills_next = SkillMatrix{};
  state_.dyad_constants = DyadConstants{};
  std::vector<Tie>().swap(state_.new_ties);
}

}  // namespace mentorsim
