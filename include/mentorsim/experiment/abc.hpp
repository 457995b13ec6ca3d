#pragma once
// Approximate Bayesian computation (docs/calibration-abc.md), independent of the model: the simulator
// is a function from a batch of parameter sets to their summary statistics, so the same code calibrates
// mentorsim (through the sweep engine) and a toy model with a known posterior (the tests).
//
// Stage 0 is rejection: a Latin hypercube or Sobol design over the prior, every point simulated, the
// points with the smallest distances (a quantile) or those within a tolerance accepted. Stages 1..G
// are ABC-SMC, the population Monte Carlo sampler of Beaumont, Cornuet, Marin and Robert (2009,
// Biometrika 96:983-990), the same scheme as Toni et al. (2009, J. R. Soc. Interface 6:187-202): the
// tolerance of stage t is a quantile of the distances of stage t-1; candidates are drawn from the
// previous population by weight and moved by a Gaussian kernel with twice its weighted covariance;
// those within the tolerance are kept, with importance weights prior / sum_j W_j K(theta | theta_j).
// Parameters are moved on their prior's scale: the value for uniform priors, its logarithm for
// log-uniform ones, where both priors are flat, so the prior density in the weight is a constant inside
// the support.
//
// Every random draw comes from counter-based streams keyed by the seed, the stage and the candidate's
// number, and candidates are accepted in their order, so results depend on the seed only (not on the
// thread count or the order in which the simulator finishes).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "mentorsim/core/types.hpp"
#include "mentorsim/experiment/design.hpp"

namespace mentorsim::experiment::abc {

// A calibrated parameter: uniform or log-uniform on [min, max].
struct Prior {
  std::string key;
  bool log_scale = false;
  double min = 0.0;
  double max = 1.0;

  // The value at probability u of the prior.
  [[nodiscard]] double quantile(double u) const;
  // The kernel scale (value or logarithm) and back.
  [[nodiscard]] double to_kernel(double value) const;
  [[nodiscard]] double from_kernel(double x) const;
  [[nodiscard]] bool in_support(double value) const { return value >= min && value <= max; }
};

// A summary statistic's target: the range [low, high] widened by `tolerance` on both sides.
struct Target {
  std::string id;
  double low = 0.0;
  double high = 0.0;
  double tolerance = 0.0;

  [[nodiscard]] double midpoint() const { return 0.5 * (low + high); }
  // Half the width of the accepted interval: (high - low) / 2 + tolerance. Must be > 0.
  [[nodiscard]] double scale() const { return 0.5 * (high - low) + tolerance; }
};

// sum_k ((s_k - midpoint_k) / scale_k)^2: 0 at every midpoint, and a statistic at the edge of its
// accepted interval adds exactly 1, so a distance <= 1 implies that every pattern passes. A NaN
// statistic (not computable at this parameter set) gives +infinity.
double distance(const std::vector<double>& statistics, const std::vector<Target>& targets);

// Statistics of each parameter set of a batch, [set][target]. `stage` (0 = rejection) and `batch`
// number the call, e.g. to name files.
using Simulator = std::function<std::vector<std::vector<double>>(const std::vector<std::vector<double>>& parameters,
                                                                 std::size_t stage, std::size_t batch)>;

struct Settings {
  DesignKind design = DesignKind::lhs;  // lhs or sobol
  std::size_t draws = 1000;             // prior draws of stage 0
  double quantile = 0.1;                // stage 0 keeps this share of the draws (the smallest distances) ...
  std::optional<double> tolerance;      // ... or the draws within this distance
  std::size_t generations = 0;          // SMC stages after the rejection
  std::size_t population = 0;           // particles per SMC stage (0: as many as stage 0 accepted)
  double smc_quantile = 0.5;            // the tolerance of stage t: this quantile of stage t-1's distances
  std::size_t batch = 0;                // candidates simulated per batch (0: the population size)
  std::size_t max_batches = 50;         // per SMC stage; then the stage stops with what it has
  Seed seed = 1;
};

struct Population {
  std::vector<std::vector<double>> parameters;  // [particle][prior], natural scale
  std::vector<double> weights;                  // normalised to sum 1
  std::vector<double> distances;
  std::vector<std::vector<double>> statistics;  // [particle][target]
  double tolerance = 0.0;                       // the largest distance allowed
  std::uint64_t simulations = 0;                // parameter sets simulated in this stage
  bool complete = true;                         // false: max_batches reached before `population` particles
};

struct Result {
  // Stage 0's every draw (the prior sample) with its statistics and distance.
  std::vector<std::vector<double>> prior_parameters;
  std::vector<std::vector<double>> prior_statistics;
  std::vector<double> prior_distances;
  std::vector<Population> stages;  // 0: rejection; 1..: SMC
  [[nodiscard]] const Population& posterior() const { return stages.back(); }
};

// Runs stage 0 and the SMC stages. Throws std::invalid_argument for unusable settings.
Result run(const std::vector<Prior>& priors, const std::vector<Target>& targets, const Settings& settings,
           const Simulator& simulator);

// The prior design of stage 0: `draws` points, [point][prior], natural scale.
std::vector<std::vector<double>> prior_design(const std::vector<Prior>& priors, const Settings& settings);

// Importance weights of SMC particles `x` (kernel scale) given the previous population `previous`
// with weights `previous_weights` and the kernel covariance `covariance` (d x d, row-major):
// w_i = 1 / sum_j W_j N(x_i; x_j, covariance), normalised (the prior is flat on the kernel scale).
std::vector<double> smc_weights(const std::vector<std::vector<double>>& x,
                                const std::vector<std::vector<double>>& previous,
                                const std::vector<double>& previous_weights, const std::vector<double>& covariance);

// The weighted covariance of points [n][d] (weights sum to 1), d x d row-major, divided by
// 1 - sum w^2 (unbiased for frequency-like weights; equal weights give the sample covariance).
std::vector<double> weighted_covariance(const std::vector<std::vector<double>>& x, const std::vector<double>& weights);

// The SMC kernel's covariance on the kernel scale: twice the weighted covariance of the particles `x`
// (Beaumont et al. 2009), each variance at least 1e-12 of its prior's squared width, and only the
// diagonal when the full matrix is not positive definite (fewer particles than parameters + 1, or
// particles on a line).
std::vector<double> kernel_covariance(const std::vector<Prior>& priors, const std::vector<std::vector<double>>& x,
                                      const std::vector<double>& weights);

// The tolerance that keeps the share q of `distances`: the ceil(q n)-th smallest (at least the first).
double keep_quantile(std::vector<double> distances, double q);

}  // namespace mentorsim::experiment::abc
