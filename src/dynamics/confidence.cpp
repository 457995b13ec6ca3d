#include "mentorsim/dynamics/confidence.hpp"

namespace mentorsim {

void update_confidence(SimulationState& state) {
  const ConfidenceParams& p = state.scenario->dynamics().confidence;
  const DyadTable& dyads = state.dyads;
  auto& c = state.population.confidence;
  for (DyadId d : state.active_dyads) {
    if (!dyads.met[d]) continue;
    const AgentId mentor = dyads.mentor[d];
    const AgentId mentee = dyads.mentee[d];
    if (dyads.succeeded[d]) {
      if (dyads.type[d] == DyadType::reverse || dyads.type[d] == DyadType::reciprocal) {
        c[mentor] += static_cast<float>(p.empowerment * (1.0 - c[mentor]));
      }
      c[mentee] += static_cast<float>(p.mentee_efficacy * (1.0 - c[mentee]));
    } else {
      c[mentor] -= static_cast<float>(p.setback * c[mentor]);
    }
  }
}

}  // namespace mentorsim
