// Designs: the grid enumerates every combination exactly once, a Latin hypercube puts one point in each
// stratum of every dimension, the Sobol sequence matches independently published values, and the
// Saltelli matrices are built as A, B and A with one column from B.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "mentorsim/experiment/design.hpp"

using namespace mentorsim;
using namespace mentorsim::experiment;

namespace {

Dimension grid_dimension(std::string key, std::vector<std::string> levels) {
  Dimension d;
  d.key = std::move(key);
  for (const auto& l : levels) {
    d.levels.push_back(l);
    char* end = nullptr;
    const double v = std::strtod(l.c_str(), &end);
    d.level_numbers.push_back(*end == '\0' ? v : std::nan(""));
  }
  return d;
}

Dimension range(std::string key, double min, double max, Distribution distribution = Distribution::uniform) {
  Dimension d;
  d.key = std::move(key);
  d.min = min;
  d.max = max;
  d.distribution = distribution;
  return d;
}

}  // namespace

TEST_CASE("a grid enumerates every combination of levels once, the last dimension fastest", "[experiment][design]") {
  const Design design =
      grid_design({grid_dimension("a.x", {"1", "2", "3"}), grid_dimension("b.y", {"\"p\"", "\"q\""})});
  REQUIRE(design.points() == 6);
  const std::vector<std::string> expected = {"a.x=1", "b.y=\"p\"", "a.x=1", "b.y=\"q\"", "a.x=2", "b.y=\"p\"",
                                             "a.x=2", "b.y=\"q\"", "a.x=3", "b.y=\"p\"", "a.x=3", "b.y=\"q\""};
  std::vector<std::string> got;
  std::set<std::vector<std::string>> distinct;
  for (std::size_t p = 0; p < design.points(); ++p) {
    const auto o = design.overrides(p);
    got.insert(got.end(), o.begin(), o.end());
    distinct.insert(o);
  }
  CHECK(got == expected);
  CHECK(distinct.size() == 6);
  CHECK(design.number[0] == std::vector<double>{1, 1, 2, 2, 3, 3});
  CHECK(std::isnan(design.number[1][0]));  // strings are not numbers
}

TEST_CASE("a grid without dimensions has one point", "[experiment][design]") {
  const Design design = grid_design({});
  CHECK(design.points() == 1);
  CHECK(design.overrides(0).empty());
}

TEST_CASE("a Latin hypercube has exactly one point in each stratum of every dimension", "[experiment][design]") {
  for (std::size_t n : {1u, 7u, 50u}) {
    const auto points = latin_hypercube(4, n, 42);
    REQUIRE(points.size() == n);
    for (std::size_t k = 0; k < 4; ++k) {
      std::vector<std::size_t> strata;
      for (const auto& p : points) {
        REQUIRE(p[k] > 0.0);
        REQUIRE(p[k] < 1.0);
        strata.push_back(static_cast<std::size_t>(std::floor(p[k] * static_cast<double>(n))));
      }
      std::sort(strata.begin(), strata.end());
      for (std::size_t s = 0; s < n; ++s) CHECK(strata[s] == s);
    }
  }
}

TEST_CASE("a Latin hypercube depends only on its seed", "[experiment][design]") {
  CHECK(latin_hypercube(3, 20, 5) == latin_hypercube(3, 20, 5));
  CHECK(latin_hypercube(3, 20, 5) != latin_hypercube(3, 20, 6));
  // The dimensions are permuted independently (not the same permutation in every column).
  const auto p = latin_hypercube(2, 20, 5);
  bool differ = false;
  for (const auto& x : p) differ |= std::floor(x[0] * 20) != std::floor(x[1] * 20);
  CHECK(differ);
}

TEST_CASE("LHS values fall one per equal-probability stratum of the distribution", "[experiment][design]") {
  Dimension log = range("a.b", 0.01, 1.0, Distribution::log_uniform);
  const Design design = lhs_design({log}, 10, 3);
  std::vector<int> strata;
  for (double v : design.number[0]) {
    // The log-uniform distribution function: F(x) = log(x / min) / log(max / min).
    const double f = std::log(v / 0.01) / std::log(1.0 / 0.01);
    strata.push_back(static_cast<int>(std::floor(f * 10)));
  }
  std::sort(strata.begin(), strata.end());
  for (int s = 0; s < 10; ++s) CHECK(strata[static_cast<std::size_t>(s)] == s);
}

TEST_CASE("the Sobol sequence matches Joe and Kuo's direction numbers", "[experiment][design]") {
  // Reference: the unscrambled Sobol sequence of SciPy 1.10 (scipy.stats.qmc.Sobol(d, scramble=False)),
  // an implementation independent of Boost's built from the same new-joe-kuo-6.21201 direction numbers
  // (Joe and Kuo 2008, SIAM J. Sci. Comput. 30:2635-2654), in Gray-code order. Values x 1024.
  const auto first = sobol_points(4, 0, 8);
  const double expected[8][4] = {{0, 0, 0, 0},         {512, 512, 512, 512}, {768, 256, 256, 256},
                                 {256, 768, 768, 768}, {384, 384, 640, 896}, {896, 896, 128, 384},
                                 {640, 128, 896, 640}, {128, 640, 384, 128}};
  for (std::size_t i = 0; i < 8; ++i) {
    for (std::size_t k = 0; k < 4; ++k) CHECK(first[i][k] * 1024 == expected[i][k]);
  }
  const auto later = sobol_points(10, 0, 1024);
  const double p100[10] = {424, 264, 792, 744, 904, 760, 24, 488, 648, 712};
  const double p1000[10] = {225, 99, 531, 693, 287, 929, 47, 921, 513, 71};
  const double p1023[10] = {1, 771, 627, 149, 191, 449, 143, 633, 353, 871};
  for (std::size_t k = 0; k < 10; ++k) {
    CHECK(later[100][k] * 1024 == p100[k]);
    CHECK(later[1000][k] * 1024 == p1000[k]);
    CHECK(later[1023][k] * 1024 == p1023[k]);
  }
  // Starting later in the sequence gives the same points.
  CHECK(sobol_points(10, 1000, 1)[0] == later[1000]);
}

TEST_CASE("a Saltelli design holds A, B and A with column i from B, row by row", "[experiment][design]") {
  const std::vector<Dimension> dims = {range("a.x", 0, 1), range("a.y", 10, 20), range("a.z", -1, 1)};
  const std::size_t n = 8;
  const Design design = saltelli_design(dims, n);
  REQUIRE(design.points() == n * 5);
  const auto unit = sobol_points(6, 1, n);  // the origin is skipped
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t a = j * 5;
    const std::size_t b = a + 1;
    CHECK(design.saltelli_matrix[a] == 0);
    CHECK(design.saltelli_matrix[b] == 1);
    CHECK(design.saltelli_row[a] == j);
    for (std::size_t k = 0; k < 3; ++k) {
      CHECK(design.number[k][a] == Approx(dims[k].min + unit[j][k] * (dims[k].max - dims[k].min)));
      CHECK(design.number[k][b] == Approx(dims[k].min + unit[j][3 + k] * (dims[k].max - dims[k].min)));
    }
    for (std::size_t i = 0; i < 3; ++i) {
      const std::size_t ab = a + 2 + i;
      CHECK(design.saltelli_matrix[ab] == 2 + i);
      for (std::size_t k = 0; k < 3; ++k) CHECK(design.number[k][ab] == design.number[k][k == i ? b : a]);
    }
  }
}

TEST_CASE("distributions map the unit interval through their inverse distribution functions", "[experiment][design]") {
  Dimension d = range("a.b", 1.0, 100.0, Distribution::log_uniform);
  CHECK(d.quantile(0.5) == Approx(10.0));
  d = range("a.b", 0.0, 4.0, Distribution::triangular);
  d.mode = 1.0;
  CHECK(d.quantile(0.25) == Approx(1.0));                       // F(mode) = (mode - min) / (max - min)
  CHECK(d.quantile(0.5) == Approx(4.0 - std::sqrt(0.5 * 12)));  // max - sqrt((1 - u)(max - min)(max - mode))
  d = range("a.b", 0.0, 1.0, Distribution::normal);
  d.mean = 0.5;
  d.sd = 10.0;
  d.truncated = true;
  CHECK(d.quantile(1e-9) >= 0.0);
  CHECK(d.quantile(1 - 1e-9) <= 1.0);
  CHECK(d.quantile(0.5) == Approx(0.5));
  d.truncated = false;
  d.sd = 2.0;
  CHECK(d.quantile(0.975) == Approx(0.5 + 1.959964 * 2.0).epsilon(1e-6));
  d = range("a.b", 10.0, 20.0, Distribution::beta);
  d.alpha = 2.0;
  d.beta = 2.0;
  CHECK(d.quantile(0.5) == Approx(15.0));  // symmetric
  d = range("a.b", 0.0, 10.0);
  d.integer = true;
  CHECK(d.quantile(0.26) == 3.0);
}

TEST_CASE("numbers become TOML text that reads back as the same double", "[experiment][design]") {
  for (double v : {0.1, 1e-5, 3.0, 1.0 / 3.0, 1e300, -2.5, 123456789.0}) {
    const std::string text = toml_number(v, false);
    CHECK(std::strtod(text.c_str(), nullptr) == v);
    CHECK(text.find_first_of(".e") != std::string::npos);  // a TOML float, never an integer literal
  }
  CHECK(toml_number(2.6, true) == "3");
  CHECK(toml_number(-2.5, true) == "-3");
}
