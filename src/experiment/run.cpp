#include "mentorsim/experiment/run.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <stdexcept>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/dynamics/ties.hpp"
#include "mentorsim/engine/fields.hpp"
#include "mentorsim/engine/observer.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/experiment/experiment.hpp"

namespace mentorsim::experiment {
namespace {

// The column of a /timeseries dataset name (timeseries_names()).
std::size_t metric_position(std::string_view name) {
  const auto& names = timeseries_names();
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

RunSelection::RunSelection(std::vector<std::string> outcomes, std::vector<std::string> metrics,
                           std::vector<Step> observed_weeks, std::vector<ArmId> arms)
    : outcomes_(std::move(outcomes)),
      metrics_(std::move(metrics)),
      weeks_(std::move(observed_weeks)),
      arms_(std::move(arms)) {
  std::size_t offset = 0;
  for (const auto& name : outcomes_) {
    const OutcomeRef ref = find_outcome(name);
    if (!ref.known) throw std::logic_error("RunSelection: unknown outcome " + name);
    refs_.push_back(ref);
    width_.push_back(outcome_width(name));
    outcome_offset_.push_back(offset);
    offset += width_.back() * arms_.size();
  }
  metric_base_ = offset;
  for (const auto& m : metrics_) metric_index_.push_back(metric_position(m));
  values_ = offset + metrics_.size() * arms_.size() * weeks_.size();
}

std::vector<std::vector<double>> arm_means(const SimulationState& state, Step previous_week,
                                           std::span<const std::uint32_t> meetings_before) {
  return metric_means(state, previous_week, meetings_before, state.scenario->arms().size(),
                      [&](AgentId a) { return static_cast<std::size_t>(state.program.arm[a]); });
}

bool run_to_end(Simulation& simulation, const std::atomic<bool>* stop,
                const std::function<void(const SimulationState&, std::size_t, Step)>& on_observe) {
  const SimulationState& state = simulation.state();
  const Scenario& scenario = *state.scenario;
  const std::vector<Step> weeks = observed_weeks(scenario.run().weeks, scenario.output().observe_every);
  std::size_t observation = 0;
  Step previous = -1;
  const auto observe = [&] {
    if (observation >= weeks.size() || weeks[observation] != state.step) return;
    if (on_observe) on_observe(state, observation, previous);
    previous = state.step;
    ++observation;
  };
  observe();
  while (state.step < scenario.run().weeks) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) return false;
    simulation.step();
    observe();
  }
  simulation.finish();  // the last tie merge: the final network holds the last interval's ties, as in `mentorsim run`
  return true;
}

std::optional<std::vector<double>> simulate_run(const Scenario& scenario, Replicate replicate,
                                                const RunSelection& selection, const std::atomic<bool>* stop,
                                                RunTimes* times, const World* world) {
  using clock = std::chrono::steady_clock;
  const auto seconds_since = [](clock::time_point t) {
    return std::chrono::duration<double>(clock::now() - t).count();
  };
  auto t = clock::now();
  std::vector<double> values(selection.values(), kNaN);
  Simulation simulation =
      world != nullptr ? Simulation(scenario, replicate, World(*world)) : Simulation(scenario, replicate);
  if (times != nullptr) times->build += seconds_since(t);
  t = clock::now();
  std::vector<std::uint32_t> meetings_before;  // cumulative meeting counts at the previous observation
  const auto keep_metrics = [&](const SimulationState& state, std::size_t observation, Step previous) {
    if (selection.metrics_.empty()) return;
    const auto means = arm_means(state, previous, meetings_before);
    meetings_before = state.meeting_counts;
    for (std::size_t m = 0; m < selection.metrics_.size(); ++m) {
      for (std::size_t a = 0; a < selection.arms_.size(); ++a) {
        values[selection.metric_offset(m, a, observation)] = means[selection.metric_index_[m]][selection.arms_[a]];
      }
    }
  };
  if (!run_to_end(simulation, stop, keep_metrics)) return std::nullopt;
  if (times != nullptr) times->weeks += seconds_since(t);
  t = clock::now();
  const Outcomes outcomes = compute_outcomes(simulation.state());
  for (std::size_t k = 0; k < selection.outcomes_.size(); ++k) {
    const OutcomeRef& ref = selection.refs_[k];
    const std::size_t width = selection.width_[k];
    for (std::size_t a = 0; a < selection.arms_.size(); ++a) {
      const ArmId arm = selection.arms_[a];
      double* out = &values[selection.outcome_offset_[k] + a * width];
      if (ref.by_subgroup) {
        for (std::size_t l = 0; l < width; ++l) out[l] = outcomes.subgroup(ref.outcome, ref.subgroup, arm, l);
      } else {
        out[0] = outcomes.value(ref.outcome, arm, ref.level);
      }
    }
  }
  if (times != nullptr) times->finish += seconds_since(t);
  return values;
}

}  // namespace mentorsim::experiment
