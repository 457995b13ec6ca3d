#include "mentorsim/experiment/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mentorsim/core/rng.hpp"

namespace mentorsim::experiment {
namespace {

struct Estimate {
  std::vector<double> first;
  std::vector<double> total;
  double variance = kNaN;
};

// The estimators over the rows listed in `rows` (repeats allowed: a bootstrap resample).
Estimate estimate(const std::vector<double>& a, const std::vector<double>& b,
                  const std::vector<std::vector<double>>& ab, const std::vector<std::uint32_t>& rows) {
  const std::size_t d = ab.size();
  Estimate out;
  out.first.assign(d, kNaN);
  out.total.assign(d, kNaN);
  const auto n = static_cast<double>(rows.size());
  if (rows.size() < 2) return out;
  double mean = 0.0;
  for (std::uint32_t j : rows) mean += a[j] + b[j];
  mean /= 2.0 * n;
  double variance = 0.0;
  for (std::uint32_t j : rows) variance += (a[j] - mean) * (a[j] - mean) + (b[j] - mean) * (b[j] - mean);
  variance /= 2.0 * n;
  out.variance = variance;
  if (!(variance > 0.0)) return out;
  for (std::size_t i = 0; i < d; ++i) {
    double first = 0.0;
    double total = 0.0;
    for (std::uint32_t j : rows) {
      first += b[j] * (ab[i][j] - a[j]);
      total += (a[j] - ab[i][j]) * (a[j] - ab[i][j]);
    }
    out.first[i] = first / n / variance;
    out.total[i] = total / (2.0 * n) / variance;
  }
  return out;
}

// Linear interpolation between order statistics (the default of R and numpy), NaN values dropped.
double percentile(std::vector<double> values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double h = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace

SobolIndices sobol_indices(std::span<const double> f_a, std::span<const double> f_b,
                           const std::vector<std::vector<double>>& f_ab, const BootstrapSettings& bootstrap) {
  const std::size_t d = f_ab.size();
  // Keep the rows without NaN, compacted.
  std::vector<double> a, b;
  std::vector<std::vector<double>> ab(d);
  for (std::size_t j = 0; j < f_a.size(); ++j) {
    bool ok = !std::isnan(f_a[j]) && !std::isnan(f_b[j]);
    for (std::size_t i = 0; i < d && ok; ++i) ok = !std::isnan(f_ab[i][j]);
    if (!ok) continue;
    a.push_back(f_a[j]);
    b.push_back(f_b[j]);
    for (std::size_t i = 0; i < d; ++i) ab[i].push_back(f_ab[i][j]);
  }
  const std::size_t n = a.size();
  std::vector<std::uint32_t> rows(n);
  for (std::size_t j = 0; j < n; ++j) rows[j] = static_cast<std::uint32_t>(j);
  const Estimate point = estimate(a, b, ab, rows);

  SobolIndices out;
  out.rows = n;
  out.variance = point.variance;
  out.first = point.first;
  out.total = point.total;
  out.first_low.assign(d, kNaN);
  out.first_high.assign(d, kNaN);
  out.total_low.assign(d, kNaN);
  out.total_high.assign(d, kNaN);
  if (n < 2 || bootstrap.resamples == 0) return out;

  std::vector<std::vector<double>> first(d, std::vector<double>(bootstrap.resamples));
  std::vector<std::vector<double>> total(d, std::vector<double>(bootstrap.resamples));
  const Seed key = derived_key(bootstrap.seed, 2);
  std::vector<std::uint32_t> resample(n);
  for (std::uint32_t r = 0; r < bootstrap.resamples; ++r) {
    Stream stream(key, 0, static_cast<Step>(r), Purpose::population_layout, 0);
    for (auto& j : resample) j = stream.below(static_cast<std::uint32_t>(n));
    const Estimate e = estimate(a, b, ab, resample);
    for (std::size_t i = 0; i < d; ++i) {
      first[i][r] = e.first[i];
      total[i][r] = e.total[i];
    }
  }
  const double lo = (1.0 - bootstrap.confidence) / 2.0;
  const double hi = 1.0 - lo;
  for (std::size_t i = 0; i < d; ++i) {
    out.first_low[i] = percentile(first[i], lo);
    out.first_high[i] = percentile(first[i], hi);
    out.total_low[i] = percentile(total[i], lo);
    out.total_high[i] = percentile(total[i], hi);
  }
  return out;
}

SobolIndices sobol_indices(const Design& design, std::span<const double> values, const BootstrapSettings& bootstrap) {
  const std::size_t d = design.keys.size();
  const std::size_t n = design.base_samples;
  std::vector<double> a(n, kNaN), b(n, kNaN);
  std::vector<std::vector<double>> ab(d, std::vector<double>(n, kNaN));
  for (std::size_t p = 0; p < design.points(); ++p) {
    const std::size_t j = design.saltelli_row[p];
    const std::size_t m = design.saltelli_matrix[p];
    if (m == 0) {
      a[j] = values[p];
    } else if (m == 1) {
      b[j] = values[p];
    } else {
      ab[m - 2][j] = values[p];
    }
  }
  return sobol_indices(a, b, ab, bootstrap);
}

}  // namespace mentorsim::experiment
