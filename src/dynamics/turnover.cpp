#include "mentorsim/dynamics/turnover.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/dynamics/satisfaction.hpp"
#include "mentorsim/world/network_generator.hpp"
#include "mentorsim/world/synthesizer.hpp"

namespace mentorsim {

namespace {

// The weekly hazard of an agent at its stage's week-0 mean intent: 1 - (1 - annual)^(1/52).
std::array<double, kStages> weekly_base(const TurnoverParams& p) {
  std::array<double, kStages> out{};
  for (std::size_t s = 0; s < kStages; ++s) out[s] = 1.0 - std::pow(1.0 - p.annual_rate[s], 1.0 / 52.0);
  return out;
}

double leaving_probability(double weekly, float intent, double reference) {
  return std::min(1.0, weekly * intent / reference);
}

}  // namespace

TurnoverStage::TurnoverStage(const SimulationState& initial) {
  const Population& population = initial.population;
  const TurnoverParams& turnover = initial.scenario->dynamics().turnover;
  std::array<double, kStages> intent_sum{};
  std::array<double, kStages> staff{};
  for (AgentId a = 0; a < population.size(); ++a) {
    if (!population.active(a)) continue;
    intent_sum[index_of(population.stage[a])] += population.intent_to_leave[a];
    staff[index_of(population.stage[a])] += 1.0;
  }
  for (std::size_t stage = 0; stage < kStages; ++stage) {
    intent_reference_[stage] =
        staff[stage] > 0.0 && intent_sum[stage] > 0.0 ? intent_sum[stage] / staff[stage] : turnover.baseline_intent;
  }
  for (std::uint64_t id : population.external_id) next_external_id_ = std::max(next_external_id_, id + 1);
}

double TurnoverStage::weekly_leaving_probability(const Scenario& scenario, const Population& population,
                                                 AgentId a) const {
  const TurnoverParams& p = scenario.dynamics().turnover;
  const std::size_t stage = index_of(population.stage[a]);
  return leaving_probability(weekly_base(p)[stage], population.intent_to_leave[a], intent_reference_[stage]);
}

void TurnoverStage::run(Context& ctx) {
  using C = Component;
  const Scenario& scenario = ctx.scenario();
  Population& pop = ctx.write<C::staff>();
  DyadTable& dyads = ctx.write<C::dyads>();
  ProgramState& program = ctx.write<C::program>();
  const std::size_t n = pop.size();
  const TurnoverParams& params = ctx.dynamics().turnover;
  const auto weekly = weekly_base(params);
  const Step step = ctx.step();
  std::vector<std::uint8_t> leaving(n, 0);
  parallel::for_each(n, [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    if (!pop.active(a)) return;
    leaving[a] = ctx.random().stream(step, Purpose::turnover, a).uniform() <
                 leaving_probability(weekly[index_of(pop.stage[a])], pop.intent_to_leave[a],
                                     intent_reference_[index_of(pop.stage[a])]);
  });
  const std::vector<AgentId> leavers =
      parallel::indices_where<AgentId>(n, [&](std::size_t a) { return leaving[a] != 0; });
  if (leavers.empty()) return;
  for (AgentId a : leavers) pop.left[a] = step + 1;  // the first week without them
  // Which active dyads lose a member, found in parallel; they end in dyad order.
  const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
  std::vector<std::uint8_t> ends(active.size(), 0);
  parallel::for_each(
      active.size(),
      [&](std::size_t k) {
        const DyadId d = active[k];
        ends[k] = dyads.active(d) && (leaving[dyads.mentor[d]] || leaving[dyads.mentee[d]]);
      },
      4096);
  for (std::size_t k = 0; k < active.size(); ++k) {
    if (ends[k] != 0) end_dyad(dyads, program, active[k], step, EndReason::leaving);
  }
  // Replacement hires, in leaver order.
  const PopulationSpec& spec = scenario.population();
  const double base_logit = intent_base_logit(params);
  std::vector<AgentId> hires;
  hires.reserve(leavers.size());
  for (AgentId leaver : leavers) {
    const AgentId hire = static_cast<AgentId>(pop.size());
    Stream stream = ctx.random().stream(step, Purpose::hiring, hire);
    const InstitutionId inst = pop.institution[leaver];
    const bool minority = stream.uniform() < spec.institutions[inst].minority_share;
    pop.append(inst, pop.unit[leaver], pop.profession[leaver], CareerStage::early_career, minority, step + 1);
    pop.external_id[hire] = next_external_id_++;
    // The leaver's line manager, if still there, manages the hire.
    const AgentId manager = pop.manager[leaver];
    pop.manager[hire] = manager != kNoAgent && pop.active(manager) ? manager : kNoAgent;
    draw_agent_state(pop, hire, spec, stream);
    pop.intent_to_leave[hire] = static_cast<float>(intent_to_leave(params, base_logit, pop.satisfaction[hire]));
    hires.push_back(hire);
  }
  // Every per-agent component gets the hires' rows.
  const std::size_t grown = pop.size();
  const CollegialNetwork& network = ctx.read<C::network>();
  Baseline& baseline = ctx.write<C::baseline>();
  program.resize(grown);
  baseline.skills.resize(grown);
  baseline.confidence.resize(grown, 0.0f);
  baseline.satisfaction.resize(grown, 0.0f);
  baseline.degree.resize(grown, 0);
  baseline.strength.resize(grown, 0.0f);
  baseline.cross_institution_ties.resize(grown, 0);
  ctx.write<C::meeting_counts>().resize(grown, 0);
  for (std::size_t k = 0; k < hires.size(); ++k) {
    const AgentId hire = hires[k];
    program.arm[hire] = program.arm[leavers[k]];
    record_baseline(baseline, pop, network, hire);
  }
  if (!sampler_ || !sampler_->built_for(pop) || sampler_vertices_ != network.vertex_count()) {
    sampler_ = std::make_unique<const NewcomerTieSampler>(pop, scenario.network());
    sampler_vertices_ = network.vertex_count();
  }
  const auto ties = sampler_->ties_for(ctx.random(), step, hires, network, ctx.network_report().closure_share);
  std::vector<Tie>& pending = ctx.write<C::new_ties>();
  pending.insert(pending.end(), ties.begin(), ties.end());
}

}  // namespace mentorsim
