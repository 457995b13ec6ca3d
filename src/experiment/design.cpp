#include "mentorsim/experiment/design.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/random/sobol.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "mentorsim/core/rng.hpp"

namespace mentorsim::experiment {
namespace {

// Design streams use this purpose under a key of their own (derived_key), so they cannot coincide with
// the model's streams whatever the purpose.
constexpr Purpose kDesignPurpose = Purpose::population_layout;

Design empty_design(DesignKind kind, const std::vector<Dimension>& dimensions, std::size_t points) {
  Design design;
  design.kind = kind;
  design.point_count = points;
  for (const auto& d : dimensions) design.keys.push_back(d.key);
  design.text.assign(dimensions.size(), std::vector<std::string>(points));
  design.number.assign(dimensions.size(), std::vector<double>(points, kNaN));
  return design;
}

void set_value(Design& design, const Dimension& dimension, std::size_t k, std::size_t point, double u) {
  const double value = dimension.quantile(u);
  design.number[k][point] = value;
  design.text[k][point] = toml_number(value, dimension.integer);
}

}  // namespace

double Dimension::quantile(double u) const {
  double x = kNaN;
  switch (distribution) {
    case Distribution::uniform:
      x = min + u * (max - min);
      break;
    case Distribution::log_uniform:
      x = std::exp(std::log(min) + u * (std::log(max) - std::log(min)));
      break;
    case Distribution::triangular: {
      const double width = max - min;
      const double left = (mode - min) / width;
      x = u < left ? min + std::sqrt(u * width * (mode - min)) : max - std::sqrt((1.0 - u) * width * (max - mode));
      break;
    }
    case Distribution::normal: {
      const boost::math::normal_distribution<double> normal(mean, sd);
      double p = u;
      if (truncated) {
        const double lo = boost::math::cdf(normal, min);
        const double hi = boost::math::cdf(normal, max);
        p = lo + u * (hi - lo);
      }
      x = boost::math::quantile(normal, p);
      if (truncated) x = std::clamp(x, min, max);
      break;
    }
    case Distribution::beta:
      x = min + (max - min) * boost::math::ibeta_inv(alpha, beta, u);
      break;
  }
  return integer ? std::round(x) : x;
}

std::vector<std::string> Design::overrides(std::size_t point) const {
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) out.push_back(keys[k] + "=" + text[k][point]);
  return out;
}

Design grid_design(const std::vector<Dimension>& dimensions) {
  std::size_t points = 1;
  for (const auto& d : dimensions) points *= d.levels.size();
  if (dimensions.empty()) points = 1;
  Design design = empty_design(DesignKind::grid, dimensions, points);
  for (std::size_t p = 0; p < points; ++p) {
    // Mixed radix with the last dimension varying fastest.
    std::size_t rest = p;
    for (std::size_t k = dimensions.size(); k-- > 0;) {
      const std::size_t levels = dimensions[k].levels.size();
      const std::size_t level = rest % levels;
      rest /= levels;
      design.text[k][p] = dimensions[k].levels[level];
      design.number[k][p] = dimensions[k].level_numbers[level];
    }
  }
  return design;
}

std::vector<std::vector<double>> latin_hypercube(std::size_t dimensions, std::size_t samples, Seed seed) {
  std::vector<std::vector<double>> points(samples, std::vector<double>(dimensions));
  const Seed key = derived_key(seed, 1);
  std::vector<std::uint32_t> stratum(samples);
  for (std::size_t k = 0; k < dimensions; ++k) {
    std::iota(stratum.begin(), stratum.end(), 0u);
    Stream shuffle(key, 0, 0, kDesignPurpose, static_cast<std::uint32_t>(k));
    for (std::size_t i = samples; i > 1; --i) {  // Fisher-Yates
      const std::uint32_t j = shuffle.below(static_cast<std::uint32_t>(i));
      std::swap(stratum[i - 1], stratum[j]);
    }
    Stream position(key, 0, 1, kDesignPurpose, static_cast<std::uint32_t>(k));
    for (std::size_t p = 0; p < samples; ++p) {
      points[p][k] = (static_cast<double>(stratum[p]) + position.uniform()) / static_cast<double>(samples);
    }
  }
  return points;
}

Design lhs_design(const std::vector<Dimension>& dimensions, std::size_t samples, Seed seed) {
  Design design = empty_design(DesignKind::lhs, dimensions, samples);
  const auto unit = latin_hypercube(dimensions.size(), samples, seed);
  for (std::size_t p = 0; p < samples; ++p) {
    for (std::size_t k = 0; k < dimensions.size(); ++k) set_value(design, dimensions[k], k, p, unit[p][k]);
  }
  return design;
}

std::vector<std::vector<double>> sobol_points(std::size_t dimensions, std::size_t first, std::size_t count) {
  std::vector<std::vector<double>> points(count, std::vector<double>(dimensions, 0.0));
  if (count == 0) return points;
  // Boost's generator starts after the origin: its point i is point i + 1 of the sequence.
  const std::size_t skip_origin = first == 0 ? 1 : 0;
  boost::random::sobol generator(dimensions);
  generator.seed(first + skip_origin - 1);
  for (std::size_t i = skip_origin; i < count; ++i) {
    for (auto& x : points[i]) x = static_cast<double>(generator()) * 0x1.0p-64;
  }
  return points;
}

Design saltelli_design(const std::vector<Dimension>& dimensions, std::size_t base_samples) {
  const std::size_t d = dimensions.size();
  const std::size_t per_row = d + 2;
  Design design = empty_design(DesignKind::sobol, dimensions, base_samples * per_row);
  design.base_samples = base_samples;
  design.saltelli_matrix.resize(base_samples * per_row);
  design.saltelli_row.resize(base_samples * per_row);
  const auto unit = sobol_points(2 * d, 1, base_samples);
  for (std::size_t j = 0; j < base_samples; ++j) {
    for (std::size_t m = 0; m < per_row; ++m) {
      const std::size_t p = j * per_row + m;
      design.saltelli_matrix[p] = static_cast<std::uint8_t>(m);
      design.saltelli_row[p] = static_cast<std::uint32_t>(j);
      for (std::size_t k = 0; k < d; ++k) {
        // A: columns 0..d-1; B: columns d..2d-1; AB_i: A with column i taken from B.
        const bool from_b = m == 1 || (m >= 2 && m - 2 == k);
        set_value(design, dimensions[k], k, p, unit[j][from_b ? d + k : k]);
      }
    }
  }
  return design;
}

std::string toml_number(double value, bool integer) {
  if (integer && std::isfinite(value)) return std::to_string(static_cast<long long>(std::llround(value)));
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".eni") == std::string::npos) text += ".0";
  return text;
}

Design point_design(const std::vector<std::string>& keys, const std::vector<std::vector<double>>& values) {
  Design design;
  design.kind = DesignKind::posterior;
  design.keys = keys;
  design.point_count = values.size();
  design.text.assign(keys.size(), {});
  design.number.assign(keys.size(), {});
  for (const auto& point : values) {
    for (std::size_t k = 0; k < keys.size(); ++k) {
      design.number[k].push_back(point.at(k));
      design.text[k].push_back(toml_number(point[k], false));
    }
  }
  return design;
}

Seed derived_key(Seed seed, std::uint64_t tag) noexcept {
  // SplitMix64's finaliser (Steele, Lea and Flood 2014) over the seed and the tag.
  std::uint64_t z = seed ^ (tag * 0x9E3779B97F4A7C15ull);
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace mentorsim::experiment
