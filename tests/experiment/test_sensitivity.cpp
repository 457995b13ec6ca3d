// Sobol indices: the Ishigami function's analytic first-order and total indices are recovered, and the
// estimators behave as documented on hand-made inputs.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <numbers>

#include "mentorsim/experiment/design.hpp"
#include "mentorsim/experiment/sensitivity.hpp"

using namespace mentorsim;
using namespace mentorsim::experiment;

TEST_CASE("Saltelli indices of the Ishigami function are within 0.02 of the analytic values", "[experiment][sobol]") {
  // Ishigami and Homma (1990): f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi), a = 7, b = 0.1.
  // Analytic partial variances (e.g. Saltelli et al. 2008, Global Sensitivity Analysis: The Primer):
  // V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0, V13 = b^2 pi^8 (1/18 - 1/50), V = V1 + V2 + V13.
  constexpr double a = 7.0;
  constexpr double b = 0.1;
  const double pi = std::numbers::pi;
  const double v1 = 0.5 * std::pow(1.0 + b * std::pow(pi, 4) / 5.0, 2);
  const double v2 = a * a / 8.0;
  const double v13 = b * b * std::pow(pi, 8) * (1.0 / 18.0 - 1.0 / 50.0);
  const double v = v1 + v2 + v13;
  const double first[3] = {v1 / v, v2 / v, 0.0};
  const double total[3] = {(v1 + v13) / v, v2 / v, v13 / v};

  std::vector<Dimension> dims(3);
  for (std::size_t k = 0; k < 3; ++k) {
    dims[k].key = std::array{"x1", "x2", "x3"}[k];
    dims[k].min = -pi;
    dims[k].max = pi;
  }
  // 2^13 base samples: the estimators' quasi-Monte Carlo error is then about 0.005 (Saltelli et al.
  // 2010, figures 2-3), so 0.02 leaves room without hiding a wrong estimator (a swapped A/B or a
  // missing factor 2 in the total index moves them by 0.1 or more).
  const Design design = saltelli_design(dims, 8192);
  std::vector<double> y(design.points());
  for (std::size_t p = 0; p < design.points(); ++p) {
    const double x1 = design.number[0][p], x2 = design.number[1][p], x3 = design.number[2][p];
    y[p] = std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
  }
  const SobolIndices s = sobol_indices(design, y, BootstrapSettings{200, 0.95, 7});
  REQUIRE(s.rows == 8192);
  CHECK(s.variance == Approx(v).epsilon(0.02));
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("input " << i + 1);
    CHECK(s.first[i] == Approx(first[i]).margin(0.02));
    CHECK(s.total[i] == Approx(total[i]).margin(0.02));
    // The bootstrap intervals bracket the estimates and are narrow at this size.
    CHECK(s.first_low[i] <= s.first[i]);
    CHECK(s.first[i] <= s.first_high[i]);
    CHECK(s.total_low[i] <= s.total[i]);
    CHECK(s.total[i] <= s.total_high[i]);
    CHECK(s.first_high[i] - s.first_low[i] < 0.1);
    CHECK(s.total_high[i] - s.total_low[i] < 0.1);
  }
}

TEST_CASE("an additive function has first-order equal to total indices, in proportion to the variances",
          "[experiment][sobol]") {
  // f = x1 + 2 x2 with x ~ U(0, 1): V1 = 1/12, V2 = 4/12, no interaction, so S = ST = (0.2, 0.8).
  std::vector<Dimension> dims(2);
  dims[0].key = "x1";
  dims[1].key = "x2";
  const Design design = saltelli_design(dims, 4096);
  std::vector<double> y(design.points());
  for (std::size_t p = 0; p < design.points(); ++p) y[p] = design.number[0][p] + 2 * design.number[1][p];
  const SobolIndices s = sobol_indices(design, y, BootstrapSettings{0, 0.95, 1});
  CHECK(s.first[0] == Approx(0.2).margin(0.01));
  CHECK(s.first[1] == Approx(0.8).margin(0.01));
  CHECK(s.total[0] == Approx(0.2).margin(0.01));
  CHECK(s.total[1] == Approx(0.8).margin(0.01));
  CHECK(std::isnan(s.first_low[0]));  // no bootstrap asked for
}

TEST_CASE("the estimators on two rows computed by hand", "[experiment][sobol]") {
  // f(A) = (1, 3), f(B) = (2, 4), f(AB_1) = (2, 3): mean of all four 2.5, V = (2.25+0.25+0.25+2.25)/4 = 1.25.
  // S_1 = mean(f(B) (f(AB) - f(A))) / V = ((2 * 1) + (4 * 0)) / 2 / 1.25 = 0.8.
  // ST_1 = mean((f(A) - f(AB))^2) / (2 V) = ((1 + 0) / 2) / 2.5 = 0.2.
  const std::vector<double> fa = {1, 3};
  const std::vector<double> fb = {2, 4};
  const SobolIndices s = sobol_indices(fa, fb, {{2, 3}}, BootstrapSettings{0, 0.95, 1});
  CHECK(s.variance == Approx(1.25));
  CHECK(s.first[0] == Approx(0.8));
  CHECK(s.total[0] == Approx(0.2));
}

TEST_CASE("rows with a NaN are left out, and too few rows give NaN indices", "[experiment][sobol]") {
  const double nan = std::nan("");
  const std::vector<double> fa = {1, nan, 3};
  const std::vector<double> fb = {2, 5, 4};
  const SobolIndices s = sobol_indices(fa, fb, {{2, 7, 3}}, BootstrapSettings{50, 0.95, 1});
  CHECK(s.rows == 2);
  CHECK(s.first[0] == Approx(0.8));  // the two rows of the previous case
  const SobolIndices few =
      sobol_indices(std::vector<double>{1.0}, std::vector<double>{2.0}, {{3.0}}, BootstrapSettings{10, 0.95, 1});
  CHECK(std::isnan(few.first[0]));
  CHECK(std::isnan(few.total_high[0]));
}

TEST_CASE("bootstrap intervals depend only on the seed", "[experiment][sobol]") {
  std::vector<Dimension> dims(2);
  const Design design = saltelli_design(dims, 64);
  std::vector<double> y(design.points());
  for (std::size_t p = 0; p < design.points(); ++p) y[p] = design.number[0][p] * design.number[1][p];
  const auto x = sobol_indices(design, y, BootstrapSettings{100, 0.9, 3});
  const auto z = sobol_indices(design, y, BootstrapSettings{100, 0.9, 3});
  const auto w = sobol_indices(design, y, BootstrapSettings{100, 0.9, 4});
  CHECK(x.first_low == z.first_low);
  CHECK(x.total_high == z.total_high);
  CHECK(x.first_low != w.first_low);
}
