#include "mentorsim/dynamics/culture.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {

CultureStage::CultureStage(const SimulationState& initial) : psych_safety_initial_(initial.population.psych_safety) {}

void CultureStage::run(Context& ctx) {
  using C = Component;
  const CultureParams& p = ctx.dynamics().culture;
  const Population& pop = ctx.read<C::staff>();
  const DyadTable& dyads = ctx.read<C::dyads>();
  const ProgramState& program = ctx.read<C::program>();
  const Step step = ctx.step();
  const std::size_t units = pop.units.size();
  std::vector<std::uint32_t> members(units, 0);
  std::vector<std::uint32_t> good(units, 0);
  std::vector<double> sponsorship(units, 0.0);
  std::vector<std::uint32_t> harmed(units, 0);
  // Per agent: bit 0 in a good reverse or reciprocal dyad, bit 1 in a failing dyad (any type) or in
  // one that failed within the harm window.
  std::vector<std::uint8_t> flags(pop.size(), 0);
  // Flags, counts and maxima do not depend on the order of the updates, so dyads and members are
  // visited in parallel with atomic updates.
  for_each_active_dyad(
      ctx.read<C::active_dyads>(), dyads,
      [&](DyadId d) {
        const DyadType type = dyads.type[d];
        if ((type == DyadType::reverse || type == DyadType::reciprocal) && dyads.quality[d] >= p.good_quality) {
          std::atomic_ref<std::uint8_t>(flags[dyads.mentor[d]]).fetch_or(1, std::memory_order_relaxed);
          std::atomic_ref<std::uint8_t>(flags[dyads.mentee[d]]).fetch_or(1, std::memory_order_relaxed);
        }
        if (dyads.quality[d] < p.poor_quality) {
          std::atomic_ref<std::uint8_t>(flags[dyads.mentor[d]]).fetch_or(2, std::memory_order_relaxed);
          std::atomic_ref<std::uint8_t>(flags[dyads.mentee[d]]).fetch_or(2, std::memory_order_relaxed);
        }
      },
      4096);
  if (p.harm_weight > 0.0 && p.harm_window_weeks > 0) {
    parallel::for_each(
        dyads.size(),
        [&](std::size_t k) {
          const auto d = static_cast<DyadId>(k);
          if (dyads.active(d) || step - dyads.end[d] >= p.harm_window_weeks) return;
          if (!relationship_failure(dyads.end_reason[d])) return;
          std::atomic_ref<std::uint8_t>(flags[dyads.mentor[d]]).fetch_or(2, std::memory_order_relaxed);
          std::atomic_ref<std::uint8_t>(flags[dyads.mentee[d]]).fetch_or(2, std::memory_order_relaxed);
        },
        4096);
  }
  parallel::for_each(
      pop.size(),
      [&](std::size_t i) {
        const auto a = static_cast<AgentId>(i);
        if (!pop.active(a)) return;
        const UnitId u = pop.unit[a];
        std::atomic_ref<std::uint32_t>(members[u]).fetch_add(1, std::memory_order_relaxed);
        if (flags[a] & 1) std::atomic_ref<std::uint32_t>(good[u]).fetch_add(1, std::memory_order_relaxed);
        if (flags[a] & 2) std::atomic_ref<std::uint32_t>(harmed[u]).fetch_add(1, std::memory_order_relaxed);
        // Sponsorship counts while the member's program runs (its start week to its end).
        const ProgramSpec& spec = ctx.scenario().arms()[program.arm[a]].program;
        if (program.enrolled[a] != 0 && step >= spec.start_week && step < spec.start_week + spec.duration_weeks) {
          std::atomic_ref<double> level(sponsorship[u]);
          double seen = level.load(std::memory_order_relaxed);
          while (seen < spec.sponsorship &&
                 !level.compare_exchange_weak(seen, spec.sponsorship, std::memory_order_relaxed)) {
          }
        }
      },
      4096);
  std::vector<float>& psi = ctx.write<C::psych_safety>();
  for (UnitId u = 0; u < units; ++u) {
    const double share = members[u] > 0 ? static_cast<double>(good[u]) / members[u] : 0.0;
    const double harm = members[u] > 0 ? static_cast<double>(harmed[u]) / members[u] : 0.0;
    const double target = std::clamp(
        psych_safety_initial_[u] + p.dyad_weight * share - p.harm_weight * harm + p.sponsorship_weight * sponsorship[u],
        0.0, 1.0);
    psi[u] += static_cast<float>(p.adjustment * (target - psi[u]));
  }
}

}  // namespace mentorsim
