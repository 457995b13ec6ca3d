#pragma once
// Program outcomes per arm at the end of a replicate (/outcomes in docs/hdf5-schema.md): who was
// reached (coverage, overall, by minority and by network-isolation quartile), how fast, by which kind
// of pairs, how dyads ended, and what changed for the arm's staff.

#include <array>
#include <string_view>
#include <vector>

#include "mentorsim/dynamics/state.hpp"

namespace mentorsim {

// Names of the [replicate, arm] outcomes, in order.
std::vector<std::string> outcome_names();
inline constexpr auto kMinorityOutcomes =
    std::to_array<std::string_view>({"coverage", "weeks_to_match", "retention", "satisfaction_change"});
inline constexpr auto kIsolationOutcomes = std::to_array<std::string_view>({"coverage", "weeks_to_match"});

struct Outcomes {
  std::vector<std::vector<double>> per_arm;                      // [metric][arm]
  std::vector<std::vector<std::array<double, 2>>> by_minority;   // [metric][arm][minority]
  std::vector<std::vector<std::array<double, 4>>> by_isolation;  // [metric][arm][quartile]
};

// The network measures it needs are those of the state's current network (merge ties first).
Outcomes compute_outcomes(const SimulationState& state);

}  // namespace mentorsim
