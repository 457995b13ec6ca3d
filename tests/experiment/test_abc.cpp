// The ABC core (experiment/abc.hpp) on its own, with pluggable simulators: the distance and the SMC
// weights on numbers computed by hand, and the posterior of a normal mean with a known variance under a
// uniform prior (a truncated normal, known in closed form) recovered by rejection and by ABC-SMC.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numeric>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/experiment/abc.hpp"

using namespace mentorsim;
using namespace mentorsim::experiment;

namespace {

// The toy model: the mean of n = 25 draws from N(mu, 1), i.e. mu + 0.2 z; the observed mean is 1.0.
constexpr double kObserved = 1.0;
constexpr double kSe = 0.2;

abc::Simulator toy_simulator() {
  return [](const std::vector<std::vector<double>>& parameters, std::size_t stage, std::size_t batch) {
    std::vector<std::vector<double>> out;
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      Stream stream(977, static_cast<Replicate>(stage), static_cast<Step>(batch), Purpose::meetings,
                    static_cast<std::uint32_t>(i));
      out.push_back({parameters[i][0] + kSe * stream.normal()});
    }
    return out;
  };
}

double phi(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI); }
double Phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// The posterior of mu under a uniform prior on [lo, hi]: N(observed, se^2) truncated to [lo, hi].
struct Truncated {
  double mean, sd;
};
Truncated truncated_normal(double mu, double sigma, double lo, double hi) {
  const double a = (lo - mu) / sigma;
  const double b = (hi - mu) / sigma;
  const double z = Phi(b) - Phi(a);
  const double ratio = (phi(a) - phi(b)) / z;
  const double var = sigma * sigma * (1.0 + (a * phi(a) - b * phi(b)) / z - ratio * ratio);
  return {mu + sigma * ratio, std::sqrt(var)};
}

struct Moments {
  double mean, sd;
};
Moments weighted_moments(const abc::Population& p) {
  double mean = 0.0;
  for (std::size_t i = 0; i < p.weights.size(); ++i) mean += p.weights[i] * p.parameters[i][0];
  double var = 0.0;
  for (std::size_t i = 0; i < p.weights.size(); ++i) {
    var += p.weights[i] * (p.parameters[i][0] - mean) * (p.parameters[i][0] - mean);
  }
  return {mean, std::sqrt(var)};
}

}  // namespace

TEST_CASE("abc distance: squared standardised deviations from the target midpoints, computed by hand", "[abc]") {
  const std::vector<abc::Target> targets{{"P5", 0.3, 0.3, 0.2}, {"P8a", 0.38, 0.59, 0.1}};
  // P5: (0.5 - 0.3) / 0.2 = 1; P8a: the midpoint 0.485 gives 0.
  CHECK(abc::distance({0.5, 0.485}, targets) == Approx(1.0).epsilon(1e-12));
  // P8a at the edge of its accepted interval (0.59 + 0.1): (0.69 - 0.485) / 0.205 = 1.
  CHECK(abc::distance({0.3, 0.69}, targets) == Approx(1.0).epsilon(1e-12));
  // Both: 2^2 + ((0.38 - 0.485) / 0.205)^2.
  CHECK(abc::distance({0.7, 0.38}, targets) == Approx(4.0 + std::pow(0.105 / 0.205, 2)).epsilon(1e-12));
  CHECK(std::isinf(abc::distance({std::numeric_limits<double>::quiet_NaN(), 0.5}, targets)));
  CHECK_THROWS(abc::distance({0.5}, targets));
}

TEST_CASE("abc keep_quantile: the ceil(q n)-th smallest distance", "[abc]") {
  CHECK(abc::keep_quantile({5, 1, 4, 2, 3}, 0.4) == 2.0);   // ceil(2) = 2nd
  CHECK(abc::keep_quantile({5, 1, 4, 2, 3}, 0.5) == 3.0);   // ceil(2.5) = 3rd
  CHECK(abc::keep_quantile({5, 1, 4, 2, 3}, 0.01) == 1.0);  // at least one
  CHECK(abc::keep_quantile({5, 1, 4, 2, 3}, 1.0) == 5.0);
}

TEST_CASE("abc weighted covariance: equal weights give the sample covariance", "[abc]") {
  const std::vector<std::vector<double>> x{{0.0, 1.0}, {2.0, 5.0}};
  const auto cov = abc::weighted_covariance(x, {0.5, 0.5});
  // Sample variances 2 and 8, covariance (-1)(-2) + (1)(2) = 4.
  CHECK(cov[0] == Approx(2.0));
  CHECK(cov[1] == Approx(4.0));
  CHECK(cov[2] == Approx(4.0));
  CHECK(cov[3] == Approx(8.0));
}

TEST_CASE("abc kernel covariance: twice the weighted covariance or its diagonal when singular", "[abc]") {
  const std::vector<abc::Prior> priors{{"a", false, 0.0, 10.0}, {"b", false, 0.0, 10.0}, {"c", false, 0.0, 10.0}};
  // Four particles in general position: twice the sample covariance, off-diagonals kept.
  const std::vector<std::vector<double>> x{{0, 0, 0}, {2, 0, 1}, {0, 2, 1}, {0, 0, 2}};
  const auto full = abc::kernel_covariance(priors, x, {0.25, 0.25, 0.25, 0.25});
  const auto sample = abc::weighted_covariance(x, {0.25, 0.25, 0.25, 0.25});
  for (std::size_t i = 0; i < 9; ++i) CHECK(full[i] == Approx(2.0 * sample[i]));
  CHECK(full[1] == Approx(2.0 * (-1.0 / 3.0)));  // cov(a, b) = (sum ab - 4 mean_a mean_b) / 3 = -1/3
  // Two particles in three dimensions: rank 1, so only the diagonal (variances 2 x 2, 2 x 2, 2 x 0.5;
  // the sample variance of {0, 2} is 2 and of {0, 1} is 0.5).
  const auto two = abc::kernel_covariance(priors, {{0, 0, 0}, {2, 2, 1}}, {0.5, 0.5});
  CHECK(two == std::vector<double>{4.0, 0, 0, 0, 4.0, 0, 0, 0, 1.0});
}

TEST_CASE("abc SMC with fewer particles than parameters + 1 moves them with a diagonal kernel", "[abc]") {
  // Stage 0 keeps 2 of 4 draws of a 3-parameter prior; the SMC stage used to stop on a singular kernel.
  const std::vector<abc::Prior> priors{{"mu", false, 0.0, 1.2}, {"u", false, 0.0, 1.0}, {"v", false, 0.0, 1.0}};
  abc::Settings settings;
  settings.draws = 4;
  settings.quantile = 0.5;
  settings.generations = 1;
  settings.seed = 3;
  const abc::Result result = abc::run(priors, {{"mean", kObserved, kObserved, 1.0}}, settings, toy_simulator());
  REQUIRE(result.stages.size() == 2);
  CHECK(result.stages[0].parameters.size() == 2);
  CHECK_FALSE(result.stages[1].parameters.empty());
}

TEST_CASE("abc SMC weights: 1 / sum_j W_j K(x_i | x_j) on a two-particle case", "[abc]") {
  // Previous particles 0 and 1 with weights 0.25 and 0.75, kernel variance 1: new particles at 0 and 1.
  const double e = std::exp(-0.5);
  const double s0 = 0.25 + 0.75 * e;  // at 0: the first parent at distance 0, the second at distance 1
  const double s1 = 0.25 * e + 0.75;
  const double w0 = (1.0 / s0) / (1.0 / s0 + 1.0 / s1);
  const auto w = abc::smc_weights({{0.0}, {1.0}}, {{0.0}, {1.0}}, {0.25, 0.75}, {1.0});
  REQUIRE(w.size() == 2);
  CHECK(w[0] == Approx(w0).epsilon(1e-12));
  CHECK(w[1] == Approx(1.0 - w0).epsilon(1e-12));
  CHECK(w[0] == Approx(0.561230).epsilon(1e-5));  // 1.418644 / (1.418644 + 1.109099)
  // A new particle far from the heavy parent gets the larger weight (it was unlikely to be proposed).
  CHECK(w[0] > w[1]);
}

TEST_CASE("abc priors: log-uniform draws are uniform on the log scale", "[abc]") {
  abc::Prior p{"k", true, 0.01, 100.0};
  CHECK(p.quantile(0.5) == Approx(1.0));
  CHECK(p.quantile(0.25) == Approx(0.1));
  CHECK(p.from_kernel(p.to_kernel(3.0)) == Approx(3.0));
  abc::Prior u{"k", false, 2.0, 4.0};
  CHECK(u.quantile(0.25) == Approx(2.5));
}

TEST_CASE("abc recovers the posterior of a normal mean (uniform prior, known variance)", "[abc]") {
  // Prior mu ~ U(0, 1.2); observed mean 1.0 with standard error 0.2: the posterior is N(1, 0.2^2)
  // truncated to [0, 1.2], mean 0.94248 and sd 0.15870 (scipy.stats.truncnorm gives the same; the
  // prior's upper bound matters: without it the posterior would be N(1, 0.2^2)).
  const Truncated exact = truncated_normal(kObserved, kSe, 0.0, 1.2);
  CHECK(exact.mean == Approx(0.94248).margin(1e-4));
  CHECK(exact.sd == Approx(0.15870).margin(1e-4));
  const std::vector<abc::Prior> priors{{"mu", false, 0.0, 1.2}};
  const std::vector<abc::Target> targets{{"mean", kObserved, kObserved, 1.0}};  // distance (s - 1)^2

  abc::Settings settings;
  settings.design = DesignKind::lhs;
  settings.draws = 40000;
  settings.quantile = 0.02;  // 800 accepted, |s - 1| < about 0.03
  settings.seed = 11;

  SECTION("rejection") {
    const abc::Result result = abc::run(priors, targets, settings, toy_simulator());
    REQUIRE(result.stages.size() == 1);
    const auto& post = result.posterior();
    CHECK(post.parameters.size() == 800);
    const Moments m = weighted_moments(post);
    // Monte Carlo error of the mean: 0.16 / sqrt(800) = 0.006; the tolerance is 4 of them.
    CHECK(m.mean == Approx(exact.mean).margin(0.025));
    CHECK(m.sd == Approx(exact.sd).margin(0.02));
  }
  SECTION("SMC from a coarse rejection") {
    settings.draws = 2000;
    settings.quantile = 0.5;   // 1000 particles, |s - 1| up to about 0.35: far too wide on its own
    settings.generations = 4;  // tolerances halve each stage (smc_quantile 0.5)
    settings.population = 1000;
    const abc::Result result = abc::run(priors, targets, settings, toy_simulator());
    REQUIRE(result.stages.size() == 5);
    const Moments coarse = weighted_moments(result.stages[0]);
    CHECK(coarse.sd > exact.sd + 0.03);  // the coarse stage is visibly too wide ...
    for (std::size_t s = 1; s < result.stages.size(); ++s) {
      CHECK(result.stages[s].tolerance < result.stages[s - 1].tolerance);
      CHECK(result.stages[s].complete);
      CHECK(std::accumulate(result.stages[s].weights.begin(), result.stages[s].weights.end(), 0.0) ==
            Approx(1.0).epsilon(1e-12));
    }
    const Moments m = weighted_moments(result.posterior());  // ... the last one is not
    CHECK(m.mean == Approx(exact.mean).margin(0.025));
    CHECK(m.sd == Approx(exact.sd).margin(0.02));
  }
  SECTION("same seed, same result; another seed, another sample") {
    settings.draws = 500;
    settings.quantile = 0.2;
    settings.generations = 2;
    const abc::Result a = abc::run(priors, targets, settings, toy_simulator());
    const abc::Result b = abc::run(priors, targets, settings, toy_simulator());
    CHECK(a.posterior().parameters == b.posterior().parameters);
    CHECK(a.posterior().weights == b.posterior().weights);
    settings.seed = 12;
    const abc::Result c = abc::run(priors, targets, settings, toy_simulator());
    CHECK(a.posterior().parameters != c.posterior().parameters);
  }
}

TEST_CASE("abc refuses unusable settings", "[abc]") {
  const std::vector<abc::Prior> priors{{"mu", false, 0.0, 1.0}};
  abc::Settings settings;
  settings.draws = 10;
  CHECK_THROWS_WITH(abc::run(priors, {{"x", 1.0, 1.0, 0.0}}, settings, toy_simulator()), Catch::Contains("zero-width"));
  settings.tolerance = -1.0;  // nothing can be accepted
  CHECK_THROWS_WITH(abc::run(priors, {{"x", 1.0, 1.0, 1.0}}, settings, toy_simulator()),
                    Catch::Contains("no prior draw was accepted"));
}
