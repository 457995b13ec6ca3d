#include "mentorsim/dynamics/confidence.hpp"

namespace mentorsim {

void ConfidenceStage::run(Context& ctx) {
  using C = Component;
  const ConfidenceParams& p = ctx.dynamics().confidence;
  const DyadTable& dyads = ctx.read<C::dyads>();
  const DyadEventsView events = ctx.read<C::dyad_events>();
  std::vector<float>& c = ctx.write<C::confidence>();
  for (DyadId d : ctx.read<C::active_dyads>()) {
    if (!events.met[d]) continue;
    const AgentId mentor = dyads.mentor[d];
    const AgentId mentee = dyads.mentee[d];
    if (events.succeeded[d]) {
      if (dyads.type[d] == DyadType::reverse || dyads.type[d] == DyadType::reciprocal) {
        c[mentor] += static_cast<float>(p.empowerment * (1.0 - c[mentor]));
      }
      c[mentee] += static_cast<float>(p.mentee_efficacy * (1.0 - c[mentee]));
      // Peers learn from each other: the partner in the mentor role gains as a mentee does.
      if (dyads.type[d] == DyadType::peer) c[mentor] += static_cast<float>(p.mentee_efficacy * (1.0 - c[mentor]));
    } else {
      c[mentor] -= static_cast<float>(p.setback * c[mentor]);
    }
  }
}

}  // namespace mentorsim
