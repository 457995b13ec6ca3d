// Pilot power: the analyses computed by hand on tiny data, and whole power runs whose answer is known
// (a zero effect rejects at about alpha, a large one nearly always).

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "experiment_fixture.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/experiment/power.hpp"
#include "mentorsim/io/hdf5_file.hpp"

using namespace mentorsim;
using namespace mentorsim::experiment;
using mentorsim::test::ExperimentDir;

TEST_CASE("the cluster-level t-test on hand-computed means", "[experiment][power]") {
  // Intervention means 3, 5 (mean 4); control 1, 2, 3 (mean 2). Pooled SS = 2 + 2 = 4 on 3 df,
  // se = sqrt(4/3 (1/2 + 1/3)) = sqrt(10/9); t = 1.897; two-sided p = 0.15403 (scipy.stats.t.sf(t, 3) * 2).
  const TTest t = cluster_t_test({3, 5}, {1, 2, 3});
  CHECK(t.estimate == 2.0);
  CHECK(t.df == 3.0);
  CHECK(t.se == Approx(std::sqrt(10.0 / 9.0)));
  CHECK(t.p == Approx(0.15403090300093614).epsilon(1e-9));
}

TEST_CASE("REML equals the ANOVA estimates on a balanced design", "[experiment][power]") {
  // With n staff in each of K clusters and treatment constant within clusters, REML gives (when the
  // between-cluster mean square exceeds the within one) sigma_e^2 = MSW, sigma_u^2 = (MSB - MSW) / n,
  // the difference of arm means as the effect, and se^2 = MSB / n (1/K1 + 1/K0), where MSB is the mean
  // square of cluster means about their arm means (K - 2 df) times n. (Searle, Casella and McCulloch
  // 1992, Variance Components, section 3.7.)
  const std::vector<std::vector<double>> clusters = {{1.0, 2.0, 1.5}, {3.0, 2.5, 4.0}, {0.0, 1.0, 0.5},
                                                     {5.0, 4.0, 6.0}, {4.5, 5.5, 3.0}, {2.0, 3.5, 3.0}};
  const std::vector<double> arm = {0, 0, 0, 1, 1, 1};
  std::vector<std::uint32_t> cluster;
  std::vector<double> treated, y;
  for (std::uint32_t c = 0; c < clusters.size(); ++c) {
    for (double v : clusters[c]) {
      cluster.push_back(c);
      treated.push_back(arm[c]);
      y.push_back(v);
    }
  }
  const double n = 3.0;
  std::vector<double> means;
  double ssw = 0.0;
  for (const auto& c : clusters) {
    const double m = (c[0] + c[1] + c[2]) / n;
    means.push_back(m);
    for (double v : c) ssw += (v - m) * (v - m);
  }
  const double msw = ssw / (18.0 - 6.0);
  const double m0 = (means[0] + means[1] + means[2]) / 3.0;
  const double m1 = (means[3] + means[4] + means[5]) / 3.0;
  double ssb = 0.0;
  for (std::size_t c = 0; c < 6; ++c) ssb += n * std::pow(means[c] - (arm[c] > 0 ? m1 : m0), 2);
  const double msb = ssb / (6.0 - 2.0);
  REQUIRE(msb > msw);
  const MixedModel fit = random_intercept_reml(cluster, treated, y);
  CHECK(fit.estimate == Approx(m1 - m0).epsilon(1e-9));
  CHECK(fit.intercept == Approx(m0).epsilon(1e-9));
  CHECK(fit.residual_variance == Approx(msw).epsilon(1e-6));
  CHECK(fit.cluster_variance == Approx((msb - msw) / n).epsilon(1e-5));
  CHECK(fit.se == Approx(std::sqrt(msb / n * (1.0 / 3 + 1.0 / 3))).epsilon(1e-6));
  CHECK(fit.df == 4.0);
  // On a balanced design the mixed model's test is the cluster-level t-test.
  const TTest t = cluster_t_test({means[3], means[4], means[5]}, {means[0], means[1], means[2]});
  CHECK(fit.p == Approx(t.p).epsilon(1e-6));
}

TEST_CASE("REML puts the cluster variance at zero when clusters vary less than chance", "[experiment][power]") {
  // Identical cluster means: the between mean square is 0 < MSW, so sigma_u^2 = 0 (the boundary).
  const std::vector<std::uint32_t> cluster = {0, 0, 1, 1, 2, 2, 3, 3};
  const std::vector<double> treated = {0, 0, 0, 0, 1, 1, 1, 1};
  const std::vector<double> y = {1, 3, 3, 1, 2, 4, 4, 2};
  const MixedModel fit = random_intercept_reml(cluster, treated, y);
  CHECK(fit.cluster_variance == 0.0);
  CHECK(fit.icc == 0.0);
  CHECK(fit.estimate == Approx(1.0));
  // sigma_e^2 = residual SS / (N - 2) = 8 / 6 with the cluster term at zero, on N - 2 df.
  CHECK(fit.residual_variance == Approx(8.0 / 6.0));
  CHECK(fit.df == 6.0);
}

TEST_CASE("the Wilson interval", "[experiment][power]") {
  // 0 of 10: (0, 0.2775); 5 of 10: 0.5 +- 0.2366 (Wilson 1927; e.g. Brown, Cai and DasGupta 2001).
  auto [lo, hi] = wilson_interval(0, 10);
  CHECK(lo == 0.0);
  CHECK(hi == Approx(0.2775).epsilon(1e-3));
  std::tie(lo, hi) = wilson_interval(5, 10);
  CHECK(lo == Approx(0.2366).epsilon(1e-3));
  CHECK(hi == Approx(0.7634).epsilon(1e-3));
}

namespace {

// A cluster-randomised workforce of about 900 staff in about 30 units.
std::string pilot_scenario(const std::string& intervention) {
  return R"([run]
seed = 8
weeks = 12
replicates = 1

[population]
size = 900

[randomisation]
method = "cluster"

[[arms]]
name = "control"
share = 0.5
kind = "none"

[[arms]]
name = "program"
share = 0.5
)" + intervention;
}

PowerSummary power(ExperimentDir& dir, const std::string& experiment, const std::string& out) {
  test::write_file(dir.experiment(), experiment);
  const Experiment e = Experiment::load(dir.experiment());
  PowerOptions o;
  o.output = dir.path(out);
  o.threads = 2;
  return run_power(e, e.power(), o);
}

}  // namespace

TEST_CASE("a zero effect rejects at about alpha", "[experiment][power]") {
  // Both arms without a program: the true effect is exactly zero, and the t-test should reject in
  // about 5 % of 400 simulated pilots: within 3 Monte Carlo standard errors, sqrt(0.05 0.95 / 400) = 0.011.
  ExperimentDir dir("", pilot_scenario("kind = \"none\"\n"));
  const auto s = power(dir, R"(scenario = "base.toml"
replicates = 400
[power]
outcome = "satisfaction_change"
units = [8]
per_unit = 8
control_arm = "control"
intervention_arm = "program"
)",
                       "null.h5");
  CHECK(s.true_effect == Approx(0.0).margin(0.002));
  CHECK(s.power[0] == Approx(0.05).margin(3 * 0.011));
  io::InputFile f(dir.path("null.h5"));
  CHECK(f.string_attribute("/", "kind") == "power");
  CHECK(f.dims("/power/t_test/p") == std::vector<std::uint64_t>{1, 400});
  const auto mixed = f.read<double>("/power/mixed_model/power");
  CHECK(mixed[0] == Approx(0.05).margin(3 * 0.011));
  CHECK(f.dims("/power/example/units_8/y") == std::vector<std::uint64_t>{64});
}

TEST_CASE("a large effect gives power near 1, and power grows with the pilot", "[experiment][power]") {
  // Everyone eligible enrols in a reverse program with fast learning: seniors' digital skills rise far
  // more in program units than in control units.
  ExperimentDir dir("", pilot_scenario(R"(kind = "reverse"
uptake = 1.0
mentor_uptake = 1.0
start_week = 1
duration_weeks = 10
cadence_weeks = 1
mentor_training = true

[dynamics.exchange]
rate = 0.6
)"));
  const auto s = power(dir, R"(scenario = "base.toml"
replicates = 40
[power]
outcome = "skill_gain_digital"
units = [4, 16]
per_unit = 5
stages = ["senior"]
)",
                       "large.h5");
  CHECK(s.true_effect > 0.02);
  CHECK(s.power[1] >= 0.95);
  CHECK(s.power[1] >= s.power[0]);
  io::InputFile f(dir.path("large.h5"));
  const auto bias = f.read<double>("/power/t_test/bias");
  const auto sd = f.read<double>("/power/t_test/estimate_sd");
  // Unbiased within Monte Carlo error (4 standard errors of the mean estimate).
  CHECK(std::fabs(bias[1]) < 4 * sd[1] / std::sqrt(40.0));
}

TEST_CASE("power settings the scenario cannot satisfy are one-line errors", "[experiment][power]") {
  ExperimentDir dir("", pilot_scenario("kind = \"none\"\n"));
  const std::string base =
      "scenario = \"base.toml\"\nreplicates = 2\n[power]\noutcome = \"retention\"\n"
      "control_arm = \"control\"\nintervention_arm = \"program\"\n";
  CHECK_THROWS_WITH(power(dir, base + "units = [5]\nper_unit = 4\n", "x.h5"),
                    Catch::Contains("power.units: a pilot needs an even number of clusters, at least 4"));
  CHECK_THROWS_WITH(power(dir, base + "units = [400]\nper_unit = 4\n", "x.h5"),
                    Catch::Contains("a pilot of 400 needs 200 of each"));
  CHECK_THROWS_WITH(power(dir, base + "units = [4]\nper_unit = 1\n", "x.h5"),
                    Catch::Contains("power.per_unit: at least 2 staff per cluster"));
  CHECK_FALSE(std::filesystem::exists(dir.path("x.h5")));
  test::write_file(dir.path("base.toml"), test::kSweepScenario);  // individually randomised
  CHECK_THROWS_WITH(power(dir, base + "units = [4]\nper_unit = 4\n", "x.h5"),
                    Catch::Contains("randomises individuals; a cluster pilot needs randomisation.method"));
}

TEST_CASE("too few staff measured at the end is one error before any progress line", "[experiment][power]") {
  // Every unit has about 30 initial staff, so 12 per cluster passes the check on the workforce; only
  // seniors are measured, a few per unit, so replicate 0 already has too few clusters at the end.
  ExperimentDir dir("", pilot_scenario("kind = \"none\"\n"));
  test::write_file(dir.experiment(),
                   "scenario = \"base.toml\"\nreplicates = 3\n[power]\noutcome = \"retention\"\n"
                   "units = [4]\nper_unit = 12\nstages = [\"senior\"]\n"
                   "control_arm = \"control\"\nintervention_arm = \"program\"\n");
  const Experiment e = Experiment::load(dir.experiment());
  std::ostringstream log;
  PowerOptions o;
  o.output = dir.path("stages.h5");
  o.threads = 2;
  o.log = &log;
  CHECK_THROWS_WITH(run_power(e, e.power(), o),
                    Catch::Contains("power.units: replicate 0 has") &&
                        Catch::Contains("measured staff of the given stages at the end; a pilot of 4 needs 2 of each"));
  CHECK(log.str().empty());  // nothing printed before the error: no header, no progress line
  CHECK_FALSE(std::filesystem::exists(dir.path("stages.h5")));
}
