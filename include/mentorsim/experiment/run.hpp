#pragma once
// One run of a sweep, in memory: one replicate of one scenario, simulated week by week as
// `mentorsim run` does (the same world, the same schedule, the same observation weeks, the same end of
// run), but without a results file. What is kept is a flat vector of doubles: the chosen /outcomes
// values of the chosen arms, then the chosen time series of those arms (arm means at each observed
// week).

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mentorsim/dynamics/state.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/scenario/scenario.hpp"

namespace mentorsim::experiment {

// Where the time of a run goes (seconds), for profiling the per-run overhead.
struct RunTimes {
  double build = 0.0;   // world and program state
  double weeks = 0.0;   // the weekly schedule and the observations
  double finish = 0.0;  // last tie merge and outcomes
};

class RunSelection {
 public:
  // outcomes: names of available_outcomes(); metrics: names of timeseries_names(); arms: the
  // scenario arms kept, in output order.
  RunSelection(std::vector<std::string> outcomes, std::vector<std::string> metrics, std::vector<Step> observed_weeks,
               std::vector<ArmId> arms);

  // Values of one run: for each outcome, each kept arm and each breakdown level; then for each metric,
  // each kept arm and each observation.
  [[nodiscard]] std::size_t values() const noexcept { return values_; }
  [[nodiscard]] const std::vector<std::string>& outcomes() const noexcept { return outcomes_; }
  [[nodiscard]] const std::vector<std::string>& metrics() const noexcept { return metrics_; }
  [[nodiscard]] const std::vector<Step>& observed_weeks() const noexcept { return weeks_; }
  [[nodiscard]] const std::vector<ArmId>& arms() const noexcept { return arms_; }

  // Index of the value of outcome k (in outcomes()), kept arm a, level l.
  [[nodiscard]] std::size_t outcome_offset(std::size_t k) const noexcept { return outcome_offset_[k]; }
  [[nodiscard]] std::size_t width(std::size_t k) const noexcept { return width_[k]; }
  // Index of metric m, kept arm a, observation o.
  [[nodiscard]] std::size_t metric_offset(std::size_t m, std::size_t a, std::size_t o) const noexcept {
    return metric_base_ + (m * arms_.size() + a) * weeks_.size() + o;
  }

 private:
  friend std::optional<std::vector<double>> simulate_run(const Scenario&, Replicate, const RunSelection&,
                                                         const std::atomic<bool>*, RunTimes*, const World*);
  std::vector<std::string> outcomes_;
  std::vector<std::string> metrics_;
  std::vector<Step> weeks_;
  std::vector<ArmId> arms_;
  std::vector<OutcomeRef> refs_;
  std::vector<std::size_t> width_;
  std::vector<std::size_t> outcome_offset_;  // start of outcome k; arm a's values follow at + a * width
  std::vector<std::size_t> metric_index_;    // column in timeseries_names() (metric_column)
  std::size_t metric_base_ = 0;
  std::size_t values_ = 0;
};

// Runs `simulation` to its scenario's last week as `mentorsim run` does: at each observed week calls
// on_observe(state, observation index, previous observed week or -1) (meeting counts are cumulative:
// the caller takes differences, as the Observer does); at the end Simulation::finish (the last tie
// merge), as the runner does. False if `stop` became true first (checked every week).
bool run_to_end(Simulation& simulation, const std::atomic<bool>* stop,
                const std::function<void(const SimulationState&, std::size_t, Step)>& on_observe = {});

// Simulates replicate `replicate` of `scenario` (whose run.seed is the seed) and returns the selected
// values; nullopt if `stop` became true before the end (checked every week).
std::optional<std::vector<double>> simulate_run(const Scenario& scenario, Replicate replicate,
                                                const RunSelection& selection, const std::atomic<bool>* stop = nullptr,
                                                RunTimes* times = nullptr);

// Every /timeseries metric averaged over each arm's agents at the state's current week (the same
// definitions as the per-group means of a run file, pooled by arm): [metric column][arm]. `previous_week`
// is the week of the previous observation (-1 at the first), for leavers and hires; `meetings_before`
// each agent's cumulative meeting count then (empty at the first), for meetings.
std::vector<std::vector<double>> arm_means(const SimulationState& state, Step previous_week,
                                           std::span<const std::uint32_t> meetings_before = {});

}  // namespace mentorsim::experiment
