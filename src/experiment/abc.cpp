#include "mentorsim/experiment/abc.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "mentorsim/core/rng.hpp"

namespace mentorsim::experiment::abc {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Stream keys of the sampler, derived from the seed (design.hpp: derived_key): 20 for the Latin
// hypercube of stage 0, 100 + t for the candidates of SMC stage t.
constexpr std::uint64_t kDesignTag = 20;
constexpr std::uint64_t kStageTag = 100;
constexpr int kMaxAttempts = 100000;

// Cholesky factor L (lower, row-major) of a symmetric positive definite d x d matrix; empty when a
// pivot is not above 1e-10 of its diagonal entry (singular, or so close that rounding decides).
std::vector<double> try_cholesky(const std::vector<double>& a, std::size_t d) {
  std::vector<double> l(d * d, 0.0);
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      double sum = a[i * d + j];
      for (std::size_t k = 0; k < j; ++k) sum -= l[i * d + k] * l[j * d + k];
      if (i == j) {
        if (!(sum > 1e-10 * a[i * d + i])) return {};
        l[i * d + i] = std::sqrt(sum);
      } else {
        l[i * d + j] = sum / l[j * d + j];
      }
    }
  }
  return l;
}

std::vector<double> cholesky(const std::vector<double>& a, std::size_t d) {
  std::vector<double> l = try_cholesky(a, d);
  if (l.empty() && d > 0) throw std::invalid_argument("abc: the kernel covariance is not positive definite");
  return l;
}

// |L^-1 v|^2 (forward substitution).
double mahalanobis(const std::vector<double>& l, std::size_t d, const std::vector<double>& v) {
  std::vector<double> y(d);
  double q = 0.0;
  for (std::size_t i = 0; i < d; ++i) {
    double sum = v[i];
    for (std::size_t k = 0; k < i; ++k) sum -= l[i * d + k] * y[k];
    y[i] = sum / l[i * d + i];
    q += y[i] * y[i];
  }
  return q;
}

std::vector<double> to_kernel(const std::vector<Prior>& priors, const std::vector<double>& theta) {
  std::vector<double> x(priors.size());
  for (std::size_t k = 0; k < priors.size(); ++k) x[k] = priors[k].to_kernel(theta[k]);
  return x;
}

}  // namespace

double Prior::quantile(double u) const {
  if (log_scale) return std::exp(std::log(min) + u * (std::log(max) - std::log(min)));
  return min + u * (max - min);
}

double Prior::to_kernel(double value) const { return log_scale ? std::log(value) : value; }

double Prior::from_kernel(double x) const { return log_scale ? std::exp(x) : x; }

double distance(const std::vector<double>& statistics, const std::vector<Target>& targets) {
  if (statistics.size() != targets.size()) throw std::invalid_argument("abc::distance: one statistic per target");
  double sum = 0.0;
  for (std::size_t k = 0; k < targets.size(); ++k) {
    if (std::isnan(statistics[k])) return kInfinity;
    const double z = (statistics[k] - targets[k].midpoint()) / targets[k].scale();
    sum += z * z;
  }
  return sum;
}

double keep_quantile(std::vector<double> distances, double q) {
  if (distances.empty()) throw std::invalid_argument("abc::keep_quantile: no distances");
  std::sort(distances.begin(), distances.end());
  const auto n = static_cast<double>(distances.size());
  std::size_t k = static_cast<std::size_t>(std::ceil(q * n - 1e-9));
  k = std::clamp<std::size_t>(k, 1, distances.size());
  return distances[k - 1];
}

std::vector<double> weighted_covariance(const std::vector<std::vector<double>>& x, const std::vector<double>& weights) {
  const std::size_t d = x.empty() ? 0 : x.front().size();
  std::vector<double> mean(d, 0.0);
  double sum_sq = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t k = 0; k < d; ++k) mean[k] += weights[i] * x[i][k];
    sum_sq += weights[i] * weights[i];
  }
  std::vector<double> cov(d * d, 0.0);
  const double denominator = 1.0 - sum_sq;
  if (!(denominator > 0.0)) return cov;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t a = 0; a < d; ++a) {
      for (std::size_t b = 0; b < d; ++b) cov[a * d + b] += weights[i] * (x[i][a] - mean[a]) * (x[i][b] - mean[b]);
    }
  }
  for (double& c : cov) c /= denominator;
  return cov;
}

std::vector<double> smc_weights(const std::vector<std::vector<double>>& x,
                                const std::vector<std::vector<double>>& previous,
                                const std::vector<double>& previous_weights, const std::vector<double>& covariance) {
  const std::size_t d = x.empty() ? 0 : x.front().size();
  const std::vector<double> l = cholesky(covariance, d);
  std::vector<double> w(x.size(), 0.0);
  std::vector<double> v(d);
  for (std::size_t i = 0; i < x.size(); ++i) {
    double kernel_sum = 0.0;  // the kernel's normalising constant is common to every term and cancels
    for (std::size_t j = 0; j < previous.size(); ++j) {
      for (std::size_t k = 0; k < d; ++k) v[k] = x[i][k] - previous[j][k];
      kernel_sum += previous_weights[j] * std::exp(-0.5 * mahalanobis(l, d, v));
    }
    w[i] = kernel_sum > 0.0 ? 1.0 / kernel_sum : 0.0;
  }
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  if (!(total > 0.0)) throw std::invalid_argument("abc: every SMC weight is zero");
  for (double& value : w) value /= total;
  return w;
}

std::vector<std::vector<double>> prior_design(const std::vector<Prior>& priors, const Settings& settings) {
  std::vector<std::vector<double>> unit;
  if (settings.design == DesignKind::lhs) {
    unit = latin_hypercube(priors.size(), settings.draws, derived_key(settings.seed, kDesignTag));
  } else if (settings.design == DesignKind::sobol) {
    unit = sobol_points(priors.size(), 1, settings.draws);  // from the second point: the first is the origin
  } else {
    throw std::invalid_argument("abc: the prior design is lhs or sobol");
  }
  std::vector<std::vector<double>> out(unit.size(), std::vector<double>(priors.size()));
  for (std::size_t p = 0; p < unit.size(); ++p) {
    for (std::size_t k = 0; k < priors.size(); ++k) out[p][k] = priors[k].quantile(unit[p][k]);
  }
  return out;
}

Result run(const std::vector<Prior>& priors, const std::vector<Target>& targets, const Settings& settings,
           const Simulator& simulator) {
  if (priors.empty()) throw std::invalid_argument("abc: no parameters to calibrate");
  if (targets.empty()) throw std::invalid_argument("abc: no targets");
  if (settings.draws == 0) throw std::invalid_argument("abc: draws must be positive");
  for (const auto& t : targets) {
    if (!(t.scale() > 0.0)) throw std::invalid_argument("abc: target " + t.id + " has a zero-width interval");
  }
  const std::size_t d = priors.size();
  Result result;

  // Stage 0: rejection over the prior design.
  result.prior_parameters = prior_design(priors, settings);
  result.prior_statistics = simulator(result.prior_parameters, 0, 0);
  if (result.prior_statistics.size() != result.prior_parameters.size())
    throw std::invalid_argument("abc: the simulator returned the wrong number of results");
  for (const auto& s : result.prior_statistics) result.prior_distances.push_back(distance(s, targets));
  Population first;
  first.simulations = result.prior_parameters.size();
  first.tolerance = settings.tolerance ? *settings.tolerance : keep_quantile(result.prior_distances, settings.quantile);
  for (std::size_t p = 0; p < result.prior_parameters.size(); ++p) {
    if (result.prior_distances[p] <= first.tolerance && std::isfinite(result.prior_distances[p])) {
      first.parameters.push_back(result.prior_parameters[p]);
      first.distances.push_back(result.prior_distances[p]);
      first.statistics.push_back(result.prior_statistics[p]);
    }
  }
  if (first.parameters.empty()) {
    throw std::invalid_argument(
        "abc: no prior draw was accepted (every distance is above the tolerance or not "
        "computable)");
  }
  first.weights.assign(first.parameters.size(), 1.0 / static_cast<double>(first.parameters.size()));
  result.stages.push_back(std::move(first));

  const std::size_t population = settings.population > 0 ? settings.population : result.stages[0].parameters.size();
  const std::size_t batch = settings.batch > 0 ? settings.batch : population;
  for (std::size_t stage = 1; stage <= settings.generations; ++stage) {
    const Population& previous = result.stages.back();
    if (previous.parameters.size() < 2) break;  // no covariance to move particles with
    std::vector<std::vector<double>> x_previous;
    for (const auto& theta : previous.parameters) x_previous.push_back(to_kernel(priors, theta));
    const std::vector<double> covariance = kernel_covariance(priors, x_previous, previous.weights);
    const std::vector<double> l = cholesky(covariance, d);
    Population next;
    next.tolerance = keep_quantile(previous.distances, settings.smc_quantile);
    const Seed key = derived_key(settings.seed, kStageTag + stage);
    std::vector<std::vector<double>> accepted_x;
    std::size_t b = 0;
    for (; b < settings.max_batches && next.parameters.size() < population; ++b) {
      std::vector<std::vector<double>> candidates(batch, std::vector<double>(d));
      for (std::size_t i = 0; i < batch; ++i) {
        Stream stream(key, 0, 0, Purpose::population_layout, static_cast<std::uint32_t>(b * batch + i));
        bool inside = false;
        for (int attempt = 0; attempt < kMaxAttempts && !inside; ++attempt) {
          const std::size_t parent = stream.categorical(previous.weights);
          std::vector<double> z(d);
          for (double& value : z) value = stream.normal();
          inside = true;
          for (std::size_t k = 0; k < d; ++k) {
            double x = x_previous[parent][k];
            for (std::size_t m = 0; m <= k; ++m) x += l[k * d + m] * z[m];
            candidates[i][k] = priors[k].from_kernel(x);
            if (!priors[k].in_support(candidates[i][k])) inside = false;
          }
        }
        if (!inside) throw std::invalid_argument("abc: no candidate inside the prior after many attempts");
      }
      const auto statistics = simulator(candidates, stage, b);
      if (statistics.size() != candidates.size())
        throw std::invalid_argument("abc: the simulator returned the wrong number of results");
      next.simulations += candidates.size();
      for (std::size_t i = 0; i < batch && next.parameters.size() < population; ++i) {
        const double dist = distance(statistics[i], targets);
        if (!(dist <= next.tolerance)) continue;
        next.parameters.push_back(candidates[i]);
        next.distances.push_back(dist);
        next.statistics.push_back(statistics[i]);
        accepted_x.push_back(to_kernel(priors, candidates[i]));
      }
    }
    next.complete = next.parameters.size() == population;
    if (next.parameters.empty()) break;  // nothing within the tolerance: the previous stage is the result
    next.weights = smc_weights(accepted_x, x_previous, previous.weights, covariance);
    result.stages.push_back(std::move(next));
    if (!result.stages.back().complete) break;
  }
  return result;
}

std::vector<double> kernel_covariance(const std::vector<Prior>& priors, const std::vector<std::vector<double>>& x,
                                      const std::vector<double>& weights) {
  const std::size_t d = priors.size();
  std::vector<double> covariance = weighted_covariance(x, weights);
  covariance.resize(d * d, 0.0);
  for (double& c : covariance) c *= 2.0;  // twice the weighted covariance (Beaumont et al. 2009)
  for (std::size_t k = 0; k < d; ++k) {
    // A parameter on which every particle agrees: a kernel a millionth of its prior range wide.
    const double width = priors[k].to_kernel(priors[k].max) - priors[k].to_kernel(priors[k].min);
    covariance[k * d + k] = std::max(covariance[k * d + k], 1e-12 * width * width);
  }
  if (try_cholesky(covariance, d).empty()) {
    // Fewer particles than parameters + 1, or particles on a line: the correlations are undefined, so
    // the kernel moves each parameter independently (the diagonal, positive by the floors above).
    for (std::size_t a = 0; a < d; ++a) {
      for (std::size_t b = 0; b < d; ++b) {
        if (a != b) covariance[a * d + b] = 0.0;
      }
    }
  }
  return covariance;
}

}  // namespace mentorsim::experiment::abc
