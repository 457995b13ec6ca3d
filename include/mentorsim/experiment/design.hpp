#pragma once
// The designs of a sweep (docs/experiments.md): which value each scenario key takes at each design
// point. A grid enumerates every combination of listed levels; a Latin hypercube puts exactly one
// point in each of n equal-probability strata of every dimension; a Saltelli design (for Sobol
// sensitivity indices) evaluates matrices A, B and AB_i (A with column i from B) built from a Sobol
// low-discrepancy sequence. Random draws (LHS) come from counter-based streams keyed by the
// experiment seed, so a design depends only on the experiment file and its seed.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/core/types.hpp"

namespace mentorsim {
namespace experiment {

enum class DesignKind : std::uint8_t { grid, lhs, sobol, posterior };
enum class Distribution : std::uint8_t { uniform, log_uniform, triangular, normal, beta };

}  // namespace experiment

template <>
struct EnumTraits<experiment::DesignKind> {
  static constexpr std::string_view type_name = "design";
  static constexpr auto names = std::to_array<std::string_view>({"grid", "lhs", "sobol", "posterior"});
};
template <>
struct EnumTraits<experiment::Distribution> {
  static constexpr std::string_view type_name = "distribution";
  static constexpr auto names =
      std::to_array<std::string_view>({"uniform", "log_uniform", "triangular", "normal", "beta"});
};

namespace experiment {

// One swept scenario key.
struct Dimension {
  std::string key;  // a scenario key path as --set takes it, e.g. "dynamics.exchange.rate" or "arms.1.uptake"
  // Grid: the levels as TOML value text ("0.5", "true", "\"hybrid\"") and as numbers (NaN if not one).
  std::vector<std::string> levels;
  std::vector<double> level_numbers;
  // Latin hypercube and Sobol: the distribution the unit interval is mapped through.
  Distribution distribution = Distribution::uniform;
  double min = 0.0;
  double max = 1.0;
  double mode = 0.5;       // triangular
  double mean = 0.0;       // normal
  double sd = 1.0;         // normal
  double alpha = 1.0;      // beta
  double beta = 1.0;       // beta
  bool truncated = false;  // normal: truncated to [min, max]
  bool integer = false;    // values rounded to the nearest integer and written as TOML integers

  // The value at probability u in (0, 1) (the inverse of the distribution function, then rounding).
  [[nodiscard]] double quantile(double u) const;
};

struct Design {
  DesignKind kind = DesignKind::grid;
  std::vector<std::string> keys;
  std::vector<std::vector<std::string>> text;  // [dimension][point]: the TOML value given to the key
  std::vector<std::vector<double>> number;     // [dimension][point]: the value as a number, NaN if not one
  // Saltelli designs: each point's matrix (0 = A, 1 = B, 2 + i = AB_i) and row j in [0, base_samples).
  std::vector<std::uint8_t> saltelli_matrix;
  std::vector<std::uint32_t> saltelli_row;
  std::size_t base_samples = 0;
  std::size_t point_count = 0;  // a grid without dimensions has one point and no columns

  [[nodiscard]] std::size_t points() const noexcept { return point_count; }
  // The design point as --set overrides, "key=value", in dimension order.
  [[nodiscard]] std::vector<std::string> overrides(std::size_t point) const;
};

// Given points (a posterior sample, or the candidates of a calibration stage): values[point][key].
Design point_design(const std::vector<std::string>& keys, const std::vector<std::vector<double>>& values);
// Every combination of the dimensions' levels; the first dimension varies slowest.
Design grid_design(const std::vector<Dimension>& dimensions);
// `samples` points, one per stratum of every dimension (strata of probability 1/samples).
Design lhs_design(const std::vector<Dimension>& dimensions, std::size_t samples, Seed seed);
// N = base_samples rows of A, B and every AB_i: N (d + 2) points, grouped by row: A_j, B_j, AB_j^1..AB_j^d.
// A is columns 1..d and B columns d+1..2d of a 2d-dimensional Sobol sequence, from its second point on
// (the first is the origin, where inverse distribution functions are infinite).
Design saltelli_design(const std::vector<Dimension>& dimensions, std::size_t base_samples);

// Points `first` .. `first + count - 1` of the Sobol sequence in `dimensions` dimensions (Boost's
// generator: Joe and Kuo 2008 direction numbers, Gray-code order), [point][dimension] in [0, 1).
std::vector<std::vector<double>> sobol_points(std::size_t dimensions, std::size_t first, std::size_t count);
// A Latin hypercube in the unit cube: [point][dimension], point p of dimension k in stratum
// perm_k(p) at a uniform position inside it. Permutations and positions come from streams keyed by `seed`.
std::vector<std::vector<double>> latin_hypercube(std::size_t dimensions, std::size_t samples, Seed seed);

// A number as TOML text that parses back to exactly the same double ("0.1", "1e-05", "3.0"), or as an
// integer literal.
std::string toml_number(double value, bool integer);

// A 64-bit key derived from `seed` and a purpose tag, for the experiment's own random streams (never
// equal to a model seed except by a 2^-64 accident). Tags: 1 design, 2 bootstrap, 3 independent seeds,
// 4 power-analysis sampling.
Seed derived_key(Seed seed, std::uint64_t tag) noexcept;

}  // namespace experiment
}  // namespace mentorsim
