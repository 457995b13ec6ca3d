#pragma once
// The invariants `--check` verifies after every stage: skills, traits and shares in [0, 1]; active
// dyads join two different active agents; no mentor above its capacity and the loads booked right;
// tie strengths in [0, 1] and the same on both arcs. Throws InvariantError naming step, stage,
// entity and value.

#include <string_view>

#include "mentorsim/dynamics/components.hpp"
#include "mentorsim/dynamics/state.hpp"

namespace mentorsim {

// Groups of invariants, so that after a stage only those its writes can break are checked (the others
// cannot have changed since they were last verified).
enum CheckScope : unsigned { check_agents = 1, check_units = 2, check_dyads = 4, check_network = 8, check_all = 15 };

// The invariants a stage that writes `writes` can break.
constexpr unsigned check_scope(ComponentSet writes) {
  using C = Component;
  unsigned scope = 0;
  for (C agents : {C::staff, C::skills, C::confidence, C::satisfaction, C::intent_to_leave}) {
    if (writes.contains(agents)) scope |= check_agents;
  }
  if (writes.contains(C::psych_safety)) scope |= check_units;
  if (writes.contains(C::dyads) || writes.contains(C::program)) scope |= check_dyads;
  if (writes.contains(C::network)) scope |= check_network;
  return scope;
}

void check_invariants(const SimulationState& state, std::string_view stage, unsigned scope = check_all);

}  // namespace mentorsim
