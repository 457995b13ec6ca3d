#include "mentorsim/dynamics/satisfaction.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <utility>

#include "mentorsim/core/fixed_point.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"
#include "mentorsim/dynamics/relationships.hpp"

namespace mentorsim {

namespace {

// The per-agent sums over dyads are in fixed point (core/fixed_point.hpp), so the dyads are summed in
// parallel.
template <typename T>
void add(T& sum, T x) {
  std::atomic_ref<T>(sum).fetch_add(x, std::memory_order_relaxed);
}

}  // namespace

double intent_base_logit(const TurnoverParams& params) {
  return std::log(params.baseline_intent / (1.0 - params.baseline_intent));
}

double intent_to_leave(const TurnoverParams& params, double base_logit, double satisfaction) {
  const double logit = base_logit + params.satisfaction_slope * (params.reference_satisfaction - satisfaction);
  return 1.0 / (1.0 + std::exp(-logit));
}

double intent_to_leave(const TurnoverParams& params, double satisfaction) {
  return intent_to_leave(params, intent_base_logit(params), satisfaction);
}

void SatisfactionStage::run(Context& ctx) {
  using C = Component;
  const Scenario& scenario = ctx.scenario();
  const SatisfactionParams& p = ctx.dynamics().satisfaction;
  const TurnoverParams& turnover = ctx.dynamics().turnover;
  const double base_logit = intent_base_logit(turnover);
  const double time_required = ctx.dynamics().meetings.time_required;
  const Population& pop = ctx.read<C::staff>();
  const SkillMatrix& skills = ctx.read<C::skills>();
  const std::vector<float>& confidence = ctx.read<C::confidence>();
  const Baseline& baseline = ctx.read<C::baseline>();
  const DyadTable& dyads = ctx.read<C::dyads>();
  const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
  const DyadConstants& constants = ctx.read<C::dyad_constants>();
  const std::vector<float>& psych_safety = ctx.read<C::psych_safety>();
  const std::vector<float>& flattening = ctx.read<C::flattening>();
  std::vector<float>& satisfaction = ctx.write<C::satisfaction>();
  std::vector<float>& intent = ctx.write<C::intent_to_leave>();
  const std::size_t n = pop.size();
  // Sum of the quality of each agent's active dyads, the time they take and their count, in the
  // stage's per-agent buffer (all zero between calls: only the entries used are cleared afterwards).
  auto& sums = sums_;
  reserve_rows(sums, n, pop.capacity());
  if (sums.size() < n) sums.resize(n);
  const auto circles = circle_sizes(active, dyads);
  // Partners of a dyad that ended for a relationship reason within the failure window.
  auto& failed = failed_;
  reserve_rows(failed, n, pop.capacity());
  failed.assign(n, 0);
  const Step step = ctx.step();
  if (p.failure_weight > 0.0 && p.failure_window_weeks > 0) {
    parallel::for_each(
        dyads.size(),
        [&](std::size_t k) {
          const auto d = static_cast<DyadId>(k);
          if (dyads.active(d) || step - dyads.end[d] >= p.failure_window_weeks) return;
          if (!relationship_failure(dyads.end_reason[d])) return;
          std::atomic_ref<std::uint8_t>(failed[dyads.mentor[d]]).store(1, std::memory_order_relaxed);
          std::atomic_ref<std::uint8_t>(failed[dyads.mentee[d]]).store(1, std::memory_order_relaxed);
        },
        4096);
  }
  // Adds each active dyad's quality, time and imbalance to its partners' sums (only informal dyads
  // when `informal_only`: the anchor of the first run).
  const auto accumulate = [&](bool informal_only) {
    for_each_active_dyad_ahead(
        active, dyads,
        [&](DyadId d) {
          prefetch(&sums[dyads.mentor[d]]);
          prefetch(&sums[dyads.mentee[d]]);
          prefetch(&confidence[dyads.mentor[d]]);  // cached_power_imbalance reads the mentor's confidence
        },
        [&](DyadId d) {
          if (informal_only && dyads.formation[d] != Formation::informal) return;
          const double per_week =
              time_required * meeting_time_factor(scenario, pop, dyads, d) / cadence_weeks(scenario, dyads, d);
          // A circle meets as one: its mentor's time is shared among the circle's mentees.
          const double mentor_share = dyads.type[d] == DyadType::group ? 1.0 / circles.at(dyads.group[d]) : 1.0;
          // Quality is in [0, 1], so its fixed-point value is not negative.
          const std::uint64_t quality_count =
              (static_cast<std::uint64_t>(to_fixed(dyads.quality[d])) << DyadSums::kCountBits) + 1;
          DyadSums& mentor = sums[dyads.mentor[d]];
          DyadSums& mentee = sums[dyads.mentee[d]];
          add(mentor.quality_count, quality_count);
          add(mentee.quality_count, quality_count);
          add(mentor.time, to_fixed(per_week * mentor_share));
          add(mentee.time, to_fixed(per_week));
          if (p.imbalance_weight > 0.0) {
            const double f = cached_power_imbalance(constants, confidence, psych_safety, flattening, dyads, d);
            if (f > 0.0) add(mentor.imbalance, to_fixed(f));
          }
        },
        1024);
  };
  // What an agent's active dyads add to its target: quality, less burden and imbalance.
  const auto add_dyad_terms = [&](double& target, const DyadSums& mine, AgentId a) {
    if (mine.count() == 0) return;
    const double mean_quality = static_cast<double>(mine.quality()) / kFixedPoint / static_cast<double>(mine.count());
    target += p.quality_weight * (mean_quality - 0.5);
    const double budget = std::max(1e-3f, pop.time_budget[a]);
    const double load = pop.workload[a] / p.workload_reference;
    target -= p.burden_weight * std::min(1.0, static_cast<double>(mine.time) / kFixedPoint / budget * load);
    target -= p.imbalance_weight * std::min(1.0, static_cast<double>(mine.imbalance) / kFixedPoint);
  };
  // The first run: the informal dyads that exist now predate the run (they formed at week 0 from the
  // staff's standing relationships), and each agent's drawn S0 already holds them. The anchor takes
  // their terms out of the target, so that they start no rise of their own.
  if (!anchored_) {
    anchored_ = true;
    accumulate(true);
    anchor_.resize(n);
    parallel::for_each(n, [&](std::size_t i) {
      const auto a = static_cast<AgentId>(i);
      DyadSums mine;
      if (sums[a].quality_count != 0) mine = std::exchange(sums[a], DyadSums{});  // left all zero
      double terms = 0.0;
      add_dyad_terms(terms, mine, a);
      anchor_[a] = static_cast<float>(baseline.satisfaction[a] - terms);
    });
  }
  accumulate(false);
  if (growth_reference_.size() < n) {
    reserve_rows(growth_reference_, n, pop.capacity());
    reserve_rows(confidence_reference_, n, pop.capacity());
    growth_reference_.resize(n, 0.0f);
    confidence_reference_.resize(n, 0.0f);
  }
  parallel::for_each(n, [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    DyadSums mine;
    if (sums[a].quality_count != 0) mine = std::exchange(sums[a], DyadSums{});  // left all zero
    if (!pop.active(a)) return;
    double growth = 0.0;
    for (std::size_t d = 0; d < kDomains; ++d) growth += skills.at(a, d) - baseline.skills.at(a, d);
    const double empowerment = confidence[a] - baseline.confidence[a];
    const double anchor = a < anchor_.size() ? anchor_[a] : baseline.satisfaction[a];
    double target = anchor + p.growth_weight * (growth - growth_reference_[a]) +
                    p.empowerment_weight * (empowerment - confidence_reference_[a]);
    add_dyad_terms(target, mine, a);
    if (failed[a] != 0) target -= p.failure_weight;
    target = std::clamp(target, 0.0, 1.0);
    satisfaction[a] += static_cast<float>(p.adjustment * (target - satisfaction[a]));
    intent[a] = static_cast<float>(intent_to_leave(turnover, base_logit, satisfaction[a]));
    // The gains become the new normal, by the share `adaptation` a week.
    growth_reference_[a] += static_cast<float>(p.adaptation * (growth - growth_reference_[a]));
    confidence_reference_[a] += static_cast<float>(p.adaptation * (empowerment - confidence_reference_[a]));
  });
}

}  // namespace mentorsim
