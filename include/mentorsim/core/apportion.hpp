#pragma once
// Integer apportionment by the largest remainder method (Hamilton): splits `total` into parts
// proportional to non-negative `weights`, each within 1 of its exact share, summing to `total`.
// Ties between equal remainders go to the lower index, so the result is deterministic.

#include <cstdint>
#include <span>
#include <vector>

namespace mentorsim {

std::vector<std::uint64_t> apportion(std::uint64_t total, std::span<const double> weights);

}  // namespace mentorsim
