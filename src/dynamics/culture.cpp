#include "mentorsim/dynamics/culture.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {

void update_culture(SimulationState& state) {
  const CultureParams& p = state.scenario->dynamics().culture;
  Population& pop = state.population;
  const std::size_t units = pop.units.size();
  std::vector<std::uint32_t> members(units, 0);
  std::vector<std::uint32_t> good(units, 0);
  std::vector<double> sponsorship(units, 0.0);
  std::vector<std::uint8_t> in_good_dyad(pop.size(), 0);
  // Flags, counts and maxima do not depend on the order of the updates, so dyads and members are
  // visited in parallel with atomic updates.
  for_each_active_dyad(
      state,
      [&](DyadId d) {
        const DyadType type = state.dyads.type[d];
        if ((type == DyadType::reverse || type == DyadType::reciprocal) && state.dyads.quality[d] >= p.good_quality) {
          std::atomic_ref<std::uint8_t>(in_good_dyad[state.dyads.mentor[d]]).store(1, std::memory_order_relaxed);
          std::atomic_ref<std::uint8_t>(in_good_dyad[state.dyads.mentee[d]]).store(1, std::memory_order_relaxed);
        }
      },
      4096);
  parallel::for_each(
      pop.size(),
      [&](std::size_t i) {
        const auto a = static_cast<AgentId>(i);
        if (!pop.active(a)) return;
        const UnitId u = pop.unit[a];
        std::atomic_ref<std::uint32_t>(members[u]).fetch_add(1, std::memory_order_relaxed);
        if (in_good_dyad[a] != 0) std::atomic_ref<std::uint32_t>(good[u]).fetch_add(1, std::memory_order_relaxed);
        // Sponsorship counts while the member's program runs (its start week to its end).
        const ProgramSpec& program = state.scenario->arms()[state.program.arm[a]].program;
        if (state.program.enrolled[a] != 0 && state.step >= program.start_week &&
            state.step < program.start_week + program.duration_weeks) {
          std::atomic_ref<double> level(sponsorship[u]);
          double seen = level.load(std::memory_order_relaxed);
          while (seen < program.sponsorship &&
                 !level.compare_exchange_weak(seen, program.sponsorship, std::memory_order_relaxed)) {
          }
        }
      },
      4096);
  for (UnitId u = 0; u < units; ++u) {
    const double share = members[u] > 0 ? static_cast<double>(good[u]) / members[u] : 0.0;
    const double target = std::clamp(
        state.psych_safety_initial[u] + p.dyad_weight * share + p.sponsorship_weight * sponsorship[u], 0.0, 1.0);
    pop.psych_safety[u] += static_cast<float>(p.adjustment * (target - pop.psych_safety[u]));
  }
}

}  // namespace mentorsim
