#pragma once
// The invariants `--check` verifies after every stage: skills, traits and shares in [0, 1]; active
// dyads join two different active agents; no mentor above its capacity and the loads booked right;
// tie strengths in [0, 1] and the same on both arcs. Throws InvariantError naming step, stage,
// entity and value.

#include <string_view>

#include "mentorsim/dynamics/state.hpp"

namespace mentorsim {

// What a stage can change, so that only those invariants are checked after it (the others cannot
// have changed since they were last verified).
enum CheckScope : unsigned { check_agents = 1, check_units = 2, check_dyads = 4, check_network = 8, check_all = 15 };

void check_invariants(const SimulationState& state, std::string_view stage, unsigned scope = check_all);

}  // namespace mentorsim
