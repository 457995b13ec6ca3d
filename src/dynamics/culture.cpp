#include "mentorsim/dynamics/culture.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>

#include "mentorsim/core/fixed_point.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"
#include "mentorsim/dynamics/relationships.hpp"

namespace mentorsim {

namespace {

// Sets `bits` in an agent's flags from any thread.
void mark(std::uint8_t& flags, std::uint8_t bits) {
  std::atomic_ref<std::uint8_t>(flags).fetch_or(bits, std::memory_order_relaxed);
}

}  // namespace

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
  std::vector<std::uint32_t> sustained(units, 0);
  // Power imbalance borne by each unit's members as mentors, in fixed point (core/fixed_point.hpp) so
  // that the sum does not depend on the order dyads are added in. Each slot of the dyad pass adds into
  // its own copy (an atomic addition per dyad on one of a few thousand unit counters made the two
  // threads take the counters' cache lines from each other), and the copies are added up after it.
  std::vector<std::int64_t> imbalance(units, 0);
  std::vector<std::vector<std::int64_t>> imbalance_by_slot(parallel::slots());
  const DyadConstants& constants = ctx.read<C::dyad_constants>();
  const std::vector<float>& confidence = ctx.read<C::confidence>();
  const std::vector<float>& psych_safety = ctx.read<C::psych_safety>();
  const std::vector<float>& flattening_now = ctx.read<C::flattening>();
  // Per agent: bit 0 in a good reverse or reciprocal dyad, bit 1 in a failing dyad (any type) or in
  // one that failed within the harm window, bit 2 in a reverse or reciprocal dyad active for at least
  // sustained_weeks.
  std::vector<std::uint8_t> flags(pop.size(), 0);
  // Flags, counts and maxima do not depend on the order of the updates, so dyads and members are
  // visited in parallel with atomic updates.
  // The mentor's confidence and unit (for the power imbalance) are at random places: prefetched a few
  // dyads ahead.
  for_each_active_dyad_ahead_slotted(
      ctx.read<C::active_dyads>(), dyads,
      [&](DyadId d) {
        if (p.imbalance_weight > 0.0) {
          prefetch(&confidence[dyads.mentor[d]]);
          prefetch(&pop.unit[dyads.mentor[d]]);
        }
      },
      [&](std::size_t slot, DyadId d) {
        const DyadType type = dyads.type[d];
        const bool reverse = type == DyadType::reverse || type == DyadType::reciprocal;
        const float quality = dyads.quality[d];
        // Both partners get the same bits: one atomic OR each, none when no bit applies.
        const std::uint8_t bits = static_cast<std::uint8_t>(
            (reverse && quality >= p.good_quality ? 1 : 0) | (quality < p.poor_quality ? 2 : 0) |
            (reverse && step - dyads.start[d] >= p.sustained_weeks ? 4 : 0));
        if (bits != 0) {
          mark(flags[dyads.mentor[d]], bits);
          mark(flags[dyads.mentee[d]], bits);
        }
        if (p.imbalance_weight > 0.0) {
          const double f = cached_power_imbalance(constants, confidence, psych_safety, flattening_now, dyads, d);
          if (f > 0.0) {
            std::vector<std::int64_t>& mine = imbalance_by_slot[slot];
            if (mine.empty()) mine.assign(units, 0);
            mine[pop.unit[dyads.mentor[d]]] += to_fixed(f);
          }
        }
      },
      4096);
  for (const std::vector<std::int64_t>& part : imbalance_by_slot) {
    if (part.empty()) continue;
    for (UnitId u = 0; u < units; ++u) imbalance[u] += part[u];
  }
  if (p.harm_weight > 0.0 && p.harm_window_weeks > 0) {
    parallel::for_each(
        dyads.size(),
        [&](std::size_t k) {
          const auto d = static_cast<DyadId>(k);
          if (dyads.active(d) || step - dyads.end[d] >= p.harm_window_weeks) return;
          if (!relationship_failure(dyads.end_reason[d])) return;
          mark(flags[dyads.mentor[d]], 2);
          mark(flags[dyads.mentee[d]], 2);
        },
        4096);
  }
  // Members are counted a run of same-unit agents at a time (units are mostly contiguous in agent
  // order; hires join at the end) and each run is added once: integer counts and a maximum, so the
  // totals are those of one addition per agent in any order.
  const std::vector<ArmSpec>& arms = ctx.scenario().arms();
  parallel::for_blocks(pop.size(), 4096, [&](std::size_t begin, std::size_t end) {
    UnitId run_unit = 0;
    std::uint32_t run_members = 0;
    std::uint32_t run_good = 0;
    std::uint32_t run_harmed = 0;
    std::uint32_t run_sustained = 0;
    double run_sponsorship = 0.0;
    const auto flush = [&] {
      if (run_members == 0) return;
      std::atomic_ref<std::uint32_t>(members[run_unit]).fetch_add(run_members, std::memory_order_relaxed);
      if (run_good != 0) std::atomic_ref<std::uint32_t>(good[run_unit]).fetch_add(run_good, std::memory_order_relaxed);
      if (run_harmed != 0) {
        std::atomic_ref<std::uint32_t>(harmed[run_unit]).fetch_add(run_harmed, std::memory_order_relaxed);
      }
      if (run_sustained != 0) {
        std::atomic_ref<std::uint32_t>(sustained[run_unit]).fetch_add(run_sustained, std::memory_order_relaxed);
      }
      if (run_sponsorship > 0.0) {
        std::atomic_ref<double> level(sponsorship[run_unit]);
        double seen = level.load(std::memory_order_relaxed);
        while (seen < run_sponsorship &&
               !level.compare_exchange_weak(seen, run_sponsorship, std::memory_order_relaxed)) {
        }
      }
      run_members = run_good = run_harmed = run_sustained = 0;
      run_sponsorship = 0.0;
    };
    for (std::size_t i = begin; i < end; ++i) {
      const auto a = static_cast<AgentId>(i);
      if (!pop.active(a)) continue;
      const UnitId u = pop.unit[a];
      if (u != run_unit) {
        flush();
        run_unit = u;
      }
      ++run_members;
      run_good += flags[a] & 1;
      run_harmed += (flags[a] >> 1) & 1;
      run_sustained += (flags[a] >> 2) & 1;
      // Sponsorship counts while the member's program runs (its start week to the end of its last wave).
      if (program.enrolled[a] != 0) {
        const ProgramSpec& spec = arms[program.arm[a]].program;
        if (step >= spec.start_week && step < spec.end_week()) {
          run_sponsorship = std::max(run_sponsorship, spec.sponsorship);
        }
      }
    }
    flush();
  });
  std::vector<float>& psi = ctx.write<C::psych_safety>();
  std::vector<float>& phi = ctx.write<C::flattening>();
  for (UnitId u = 0; u < units; ++u) {
    const double n = members[u];
    const double share = n > 0 ? good[u] / n : 0.0;
    const double harm = n > 0 ? harmed[u] / n : 0.0;
    const double borne = n > 0 ? static_cast<double>(imbalance[u]) / kFixedPoint / n : 0.0;
    const double target = std::clamp(psych_safety_initial_[u] + p.dyad_weight * share - p.harm_weight * harm +
                                         p.sponsorship_weight * sponsorship[u] - p.imbalance_weight * borne,
                                     0.0, 1.0);
    psi[u] += static_cast<float>(p.adjustment * (target - psi[u]));
    const double reached =
        n > 0 && p.flattening_share > 0.0 ? std::min(1.0, sustained[u] / n / p.flattening_share) : 0.0;
    const double phi_target = p.flattening_max * reached;
    const double rate = phi_target > phi[u] ? p.flattening_rate : p.flattening_relax;
    phi[u] += static_cast<float>(rate * (phi_target - phi[u]));
  }
}

}  // namespace mentorsim
