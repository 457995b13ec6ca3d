#include "mentorsim/dynamics/culture.hpp"

#include <algorithm>

namespace mentorsim {

void update_culture(SimulationState& state) {
  const CultureParams& p = state.scenario->dynamics().culture;
  Population& pop = state.population;
  const std::size_t units = pop.units.size();
  std::vector<std::uint32_t> members(units, 0);
  std::vector<std::uint32_t> good(units, 0);
  std::vector<double> sponsorship(units, 0.0);
  std::vector<std::uint8_t> in_good_dyad(pop.size(), 0);
  for (DyadId d : state.active_dyads) {
    if (!state.dyads.active(d)) continue;
    const DyadType type = state.dyads.type[d];
    if ((type == DyadType::reverse || type == DyadType::reciprocal) && state.dyads.quality[d] >= p.good_quality) {
      in_good_dyad[state.dyads.mentor[d]] = 1;
      in_good_dyad[state.dyads.mentee[d]] = 1;
    }
  }
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (!pop.active(a)) continue;
    const UnitId u = pop.unit[a];
    ++members[u];
    good[u] += in_good_dyad[a];
    // Sponsorship counts while the member's program runs (its start week to its end).
    const ProgramSpec& program = state.scenario->arms()[state.program.arm[a]].program;
    if (state.program.enrolled[a] != 0 && state.step >= program.start_week &&
        state.step < program.start_week + program.duration_weeks) {
      sponsorship[u] = std::max(sponsorship[u], program.sponsorship);
    }
  }
  for (UnitId u = 0; u < units; ++u) {
    const double share = members[u] > 0 ? static_cast<double>(good[u]) / members[u] : 0.0;
    const double target =
        std::clamp(state.psych_safety_initial[u] + p.dyad_weight * share + p.sponsorship_weight * sponsorship[u], 0.0, 1.0);
    pop.psych_safety[u] += static_cast<float>(p.adjustment * (target - pop.psych_safety[u]));
  }
}

}  // namespace mentorsim
