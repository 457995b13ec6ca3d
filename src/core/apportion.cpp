#include "mentorsim/core/apportion.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mentorsim {

std::vector<std::uint64_t> apportion(std::uint64_t total, std::span<const double> weights) {
  std::vector<std::uint64_t> parts(weights.size(), 0);
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (weights.empty() || sum <= 0.0) return parts;
  std::vector<double> remainder(weights.size(), 0.0);
  std::uint64_t assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(total) * std::max(0.0, weights[i]) / sum;
    parts[i] = static_cast<std::uint64_t>(std::floor(exact));
    remainder[i] = exact - static_cast<double>(parts[i]);
    assigned += parts[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t k = 0; assigned < total && k < order.size(); ++k) {
    if (weights[order[k]] <= 0.0) continue;
    ++parts[order[k]];
    ++assigned;
  }
  return parts;
}

}  // namespace mentorsim
