#pragma once
// The invariants `--check` verifies after every stage: skills, traits and shares in [0, 1]; active
// dyads join two different active agents; no mentor above its capacity and the loads booked right;
// tie strengths in [0, 1] and the same on both arcs. Throws InvariantError naming step, stage,
// entity and value.

#include <string_view>

#include "mentorsim/dynamics/state.hpp"

namespace mentorsim {

void check_invariants(const SimulationState& state, std::string_view stage);

}  // namespace mentorsim
