#pragma once
// Variance-based (Sobol) sensitivity indices from a Saltelli design (design.hpp): for each input i,
// the first-order index S_i (the share of the output variance explained by input i alone) by the
// estimator of Saltelli et al. (2010, Computer Physics Communications 181:259-270, table 2 (b)), and
// the total index ST_i (the share involving input i, interactions included) by Jansen's (1999,
// Computer Physics Communications 117:35-43) estimator:
//   V    = variance of f(A) and f(B) together,
//   S_i  = mean_j f(B)_j (f(AB_i)_j - f(A)_j) / V,
//   ST_i = mean_j (f(A)_j - f(AB_i)_j)^2 / (2 V).
// Confidence intervals are bootstrap percentile intervals over the rows j (every index of a resample
// uses the same rows). Rows with a NaN anywhere are left out.

#include <cstdint>
#include <span>
#include <vector>

#include "mentorsim/core/types.hpp"
#include "mentorsim/experiment/design.hpp"

namespace mentorsim::experiment {

struct SobolIndices {
  std::vector<double> first, first_low, first_high;  // [input]
  std::vector<double> total, total_low, total_high;  // [input]
  double variance = 0.0;                             // V of the output
  std::size_t rows = 0;                              // rows j used (without NaN)
};

struct BootstrapSettings {
  std::uint32_t resamples = 1000;
  double confidence = 0.95;
  Seed seed = 1;
};

// f_a[j], f_b[j] and f_ab[i][j] for rows j of a Saltelli design. With fewer than 2 usable rows, or no
// variance, every index is NaN.
SobolIndices sobol_indices(std::span<const double> f_a, std::span<const double> f_b,
                           const std::vector<std::vector<double>>& f_ab, const BootstrapSettings& bootstrap);

// The same from an output value per point of a Saltelli design (in the design's point order).
SobolIndices sobol_indices(const Design& design, std::span<const double> values, const BootstrapSettings& bootstrap);

}  // namespace mentorsim::experiment
