#include "mentorsim/dynamics/relationships.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"
#include "mentorsim/program/teaching.hpp"

namespace mentorsim {

double role_ambiguity(const RelationshipParams& p, const DyadTable& dyads, DyadId d) {
  const DyadType type = dyads.type[d];
  double a = (type == DyadType::reverse || type == DyadType::reciprocal) ? p.role_ambiguity : p.base_ambiguity;
  if (dyads.trained[d]) a *= 1.0 - p.training_effect;
  if (dyads.prepared[d]) a *= 1.0 - p.preparation_effect;
  return a;
}

double power_imbalance(double power_hierarchy, double flattening, double confidence, double psych_safety) {
  if (power_hierarchy == 0.0) return 0.0;
  return std::min(1.0, power_hierarchy * (1.0 - flattening) * (1.0 - confidence) * (1.0 - psych_safety));
}

double power_imbalance(const Population& pop, const StatusParams& status, const DyadTable& dyads, DyadId d) {
  const AgentId mentor = dyads.mentor[d];
  const AgentId mentee = dyads.mentee[d];
  const double h = pop.institutions[pop.institution[mentee]].hierarchy *
                   dyad_power_distance(pop, mentor, mentee, status, dyads.type[d] != DyadType::peer);
  const UnitId u = pop.unit[mentee];
  return power_imbalance(h, pop.flattening[u], pop.confidence[mentor], pop.psych_safety[u]);
}

double poor_communication(const RelationshipParams& params, const DyadTable& dyads, DyadId d) {
  return std::clamp(0.5 - 0.5 * dyads.quality[d] - params.fit_communication * dyads.fit[d], 0.0, 1.0);
}

double success_probability(const RelationshipParams& params, const Population& population, const StatusParams& status,
                           const DyadTable& dyads, DyadId d) {
  return (1.0 - poor_communication(params, dyads, d)) * (1.0 - role_ambiguity(params, dyads, d)) *
         (1.0 - power_imbalance(population, status, dyads, d));
}

double cached_power_imbalance(const DyadConstants& cache, const std::vector<float>& confidence,
                              const std::vector<float>& psych_safety, const std::vector<float>& flattening,
                              const DyadTable& dyads, DyadId d) {
  const UnitId u = cache.mentee_unit[d];
  return power_imbalance(cache.power_hierarchy[d], flattening[u], confidence[dyads.mentor[d]], psych_safety[u]);
}

void RelationshipsStage::run(Context& ctx) {
  using C = Component;
  const Scenario& scenario = ctx.scenario();
  const RelationshipParams& p = ctx.dynamics().relationships;
  DyadTable& dyads = ctx.write<C::dyads>();
  DyadEvents events = ctx.write<C::dyad_events>();
  const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
  const DyadConstants& cache = ctx.read<C::dyad_constants>();
  const std::vector<float>& confidence = ctx.read<C::confidence>();
  const std::vector<float>& psych_safety = ctx.read<C::psych_safety>();
  const std::vector<float>& flattening = ctx.read<C::flattening>();
  // Each dyad's quality, success and failure counts are its own, so dyads are updated in parallel;
  // what is shared (agents' meeting counts) is applied afterwards in dyad order, and the dyads that end
  // are ended together (end_dyads).
  constexpr std::uint8_t kStays = 0xff;
  std::vector<std::uint8_t> ending(active.size(), kStays);
  // The mentor's confidence and the partners' meeting counts are at random places: both passes below
  // prefetch them kAhead dyads ahead.
  constexpr std::size_t kAhead = 16;
  // Three uniforms per dyad and week from its relationship stream, always drawn: success, cause, ending
  // (the first two from the stream's first block, the third from its second; for_each_two_blocks
  // computes the blocks of many dyads together).
  const auto update = [&](std::size_t k, const PhiloxWords& first, const PhiloxWords& second) {
    if (k + kAhead < active.size() && events.met[active[k + kAhead]]) {
      prefetch(&confidence[dyads.mentor[active[k + kAhead]]]);  // read by cached_power_imbalance
    }
    const DyadId d = active[k];
    if (!dyads.active(d)) return;  // ended earlier this week
    const double u_success = block_uniform(first, 0);
    const double u_cause = block_uniform(first, 2);
    const double u_end = block_uniform(second, 0);
    double q = dyads.quality[d];
    const double shortage = 1.0 - cache.mentor_availability[d] * cache.mentee_availability[d];
    if (events.met[d]) {
      ++dyads.meetings[d];
      const double ambiguity = role_ambiguity(p, dyads, d);
      const double imbalance = cached_power_imbalance(cache, confidence, psych_safety, flattening, dyads, d);
      const double communication = poor_communication(p, dyads, d);
      const double p_success = (1.0 - communication) * (1.0 - ambiguity) * (1.0 - imbalance);
      if (u_success < p_success) {
        events.succeeded[d] = 1;
        q += p.success_gain * (1.0 - q);
      } else {
        q -= p.failure_loss * q;
        const std::array<double, kFailureCauses> weights{communication, ambiguity, imbalance};
        const double total = weights[0] + weights[1] + weights[2];
        std::size_t cause = 0;
        if (total > 0.0) {
          double target = u_cause * total;
          while (cause + 1 < kFailureCauses && target >= weights[cause]) target -= weights[cause++];
        }
        ++dyads.failures[d][cause];
      }
    } else {
      q -= p.missed_loss * shortage / cadence_weeks(scenario, dyads, d);
    }
    q = std::clamp(q, 0.0, 1.0);
    dyads.quality[d] = static_cast<float>(q);

    const bool failed_before = dyads.failures[d][0] + dyads.failures[d][1] + dyads.failures[d][2] > 0;
    EndReason reason;
    if (q < p.dissolve_threshold) {
      reason = failed_before ? dyads.dominant_failure(d) : EndReason::lack_of_time;
    } else {
      const double time_hazard = p.time_hazard * shortage;
      const double quality_hazard = p.quality_hazard * (1.0 - q);
      if (u_end < time_hazard) {
        reason = EndReason::lack_of_time;
      } else if (u_end < time_hazard + quality_hazard) {
        reason = dyads.dominant_failure(d);
      } else {
        return;
      }
    }
    ending[k] = static_cast<std::uint8_t>(reason);
  };
  const auto dyad = [&](std::size_t k) { return active[k]; };
  parallel::for_blocks(active.size(), 256, [&](std::size_t begin, std::size_t end) {
    for_each_two_blocks(ctx.random(), ctx.step(), Purpose::relationship, begin, end, dyad, update);
  });
  ProgramState& program = ctx.write<C::program>();
  std::vector<std::uint32_t>& meetings = ctx.write<C::meeting_counts>();
  std::unordered_set<DyadId> counted_circles;
  for (std::size_t k = 0; k < active.size(); ++k) {
    if (k + kAhead < active.size() && events.met[active[k + kAhead]]) {
      prefetch(&meetings[dyads.mentor[active[k + kAhead]]]);
      prefetch(&meetings[dyads.mentee[active[k + kAhead]]]);
    }
    const DyadId d = active[k];
    if (dyads.active(d) && events.met[d]) {
      // A circle meeting counts once for its mentor, however many mentees attend.
      if (dyads.type[d] != DyadType::group || counted_circles.insert(dyads.group[d]).second) {
        ++meetings[dyads.mentor[d]];
        ++dyads.mentor_meetings[d];
      }
      ++meetings[dyads.mentee[d]];
    }
  }
  // The dyads that end this week, ended after the meetings are counted (a dyad's own check above comes
  // before its ending either way).
  const auto ends =
      parallel::indices_where<std::size_t>(active.size(), [&](std::size_t k) { return ending[k] != kStays; });
  std::vector<DyadId> ids(ends.size());
  std::vector<EndReason> reasons(ends.size());
  for (std::size_t j = 0; j < ends.size(); ++j) {
    ids[j] = active[ends[j]];
    reasons[j] = static_cast<EndReason>(ending[ends[j]]);
  }
  end_dyads(dyads, program, ids, ctx.step(), reasons);
}

}  // namespace mentorsim
