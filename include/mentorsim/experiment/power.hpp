#pragma once
// `mentorsim power` (docs/experiments.md): how large must a cluster-randomised pilot be? Each simulated
// pilot draws `units` clusters, half from each arm of a simulated cluster-randomised rollout of the base
// scenario (one replicate per pilot), and `per_unit` staff from each, measures a per-person outcome at
// the end, and analyses the trial as a trial statistician would: a t-test on the cluster means (the
// default) and a linear mixed model with a random cluster intercept fitted by REML. Reported per size:
// the mean estimate, its bias against the simulated true effect, the intra-cluster correlation, and the
// power at alpha with a Wilson 95 % interval.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/dynamics/state.hpp"

namespace mentorsim::experiment {

class Experiment;
struct PowerSettings;

// Per-person outcomes a pilot can measure at the end of a run.
std::vector<std::string> power_outcomes();

// The outcome of every agent at the state's current week (NaN for agents it does not apply to: hires,
// and for changes, staff who left).
std::vector<double> person_outcome(const SimulationState& state, std::string_view outcome);

struct TTest {
  double estimate = 0.0;  // mean of the intervention clusters' means minus the control clusters'
  double se = 0.0;
  double df = 0.0;
  double p = 1.0;  // two-sided
};
// Two-sample t-test with pooled variance on cluster means (df = clusters - 2).
TTest cluster_t_test(const std::vector<double>& intervention_means, const std::vector<double>& control_means);

struct MixedModel {
  double estimate = 0.0;  // the treatment coefficient
  double se = 0.0;        // from the inverse of X' V^-1 X at the REML estimate
  double df = 0.0;        // Satterthwaite: clusters - 2, or staff - 2 when the cluster variance is 0
  double p = 1.0;         // two-sided, t with df degrees of freedom
  double intercept = 0.0;
  double cluster_variance = 0.0;   // sigma_u^2
  double residual_variance = 0.0;  // sigma_e^2
  double icc = 0.0;                // sigma_u^2 / (sigma_u^2 + sigma_e^2)
};
// y = b0 + b1 treated + u_cluster + e by restricted maximum likelihood (profiled over the variance
// ratio). `cluster` numbers clusters 0..K-1; `treated` is constant within a cluster.
MixedModel random_intercept_reml(const std::vector<std::uint32_t>& cluster, const std::vector<double>& treated,
                                 const std::vector<double>& y);

// Wilson score interval for a proportion (95 % by default).
std::pair<double, double> wilson_interval(double successes, double trials, double z = 1.959963984540054);

struct PowerOptions {
  std::filesystem::path output;
  std::optional<int> threads;
  std::ostream* log = nullptr;
  bool terminal = false;
  const std::atomic<bool>* stop = nullptr;
};

struct PowerSummary {
  std::vector<std::uint32_t> units;
  std::vector<double> power;  // of the headline analysis, per size
  double true_effect = 0.0;
  std::uint64_t trials = 0;
  bool interrupted = false;
  double seconds = 0.0;
};

// Runs the pilot simulations of `settings` (the experiment's [power] with the command line's changes)
// and writes the results file. Throws InputError for settings the scenario cannot satisfy.
PowerSummary run_power(const Experiment& experiment, const PowerSettings& settings, const PowerOptions& options);

}  // namespace mentorsim::experiment
