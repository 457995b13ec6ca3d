#include "mentorsim/dynamics/turnover.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/dynamics/satisfaction.hpp"
#include "mentorsim/world/network_generator.hpp"
#include "mentorsim/world/synthesizer.hpp"

namespace mentorsim {

namespace {

struct WeeklyRates {
  std::array<double, kStages> leave{};    // w_s / (1 + (HR - 1) I0_s): the hazard at k = 0
  std::array<double, kStages> promote{};  // weekly promotion probability
  double ratio = 1.0;                     // HR
  double switch_rate = 0.0;               // 1 / intent_persistence_weeks
};

WeeklyRates weekly_rates(const TurnoverParams& p, const std::array<double, kStages>& reference) {
  WeeklyRates r;
  r.ratio = p.intent_hazard_ratio;
  r.switch_rate = 1.0 / p.intent_persistence_weeks;
  for (std::size_t s = 0; s < kStages; ++s) {
    r.leave[s] = weekly_probability(p.annual_rate[s]) / (1.0 + (p.intent_hazard_ratio - 1.0) * reference[s]);
    r.promote[s] = s + 1 < kStages ? weekly_probability(p.promotion_rate[s]) : 0.0;
  }
  return r;
}

// The stage of a hire: the first stage whose cumulative hire share exceeds u (early career if the
// institution hires nobody, which happens only when nobody leaves it).
CareerStage hire_stage(const std::array<double, kStages>& mix, double u) {
  double cumulative = 0.0;
  for (std::size_t s = 0; s < kStages; ++s) {
    cumulative += mix[s];
    if (mix[s] > 0.0 && u < cumulative) return enum_at<CareerStage>(s);
  }
  for (std::size_t s = kStages; s-- > 0;) {
    if (mix[s] > 0.0) return enum_at<CareerStage>(s);  // rounding: u above the last cumulative share
  }
  return CareerStage::early_career;
}

double leaving_probability(const WeeklyRates& r, std::size_t stage, std::uint8_t considering) {
  return std::min(1.0, r.leave[stage] * (considering != 0 ? r.ratio : 1.0));
}

}  // namespace

TurnoverStage::TurnoverStage(const SimulationState& initial) {
  const Population& population = initial.population;
  const TurnoverParams& turnover = initial.scenario->dynamics().turnover;
  std::array<double, kStages> intent_sum{};
  std::array<double, kStages> staff{};
  std::vector<std::array<double, kStages>> mix(population.institutions.size());
  for (AgentId a = 0; a < population.size(); ++a) {
    if (!population.active(a)) continue;
    const std::size_t s = index_of(population.stage[a]);
    intent_sum[s] += population.intent_to_leave[a];
    staff[s] += 1.0;
    mix[population.institution[a]][s] += 1.0;
  }
  for (std::size_t stage = 0; stage < kStages; ++stage) {
    intent_reference_[stage] =
        staff[stage] > 0.0 && intent_sum[stage] > 0.0 ? intent_sum[stage] / staff[stage] : turnover.baseline_intent;
  }
  current_share_ = intent_reference_;
  hire_mix_.resize(mix.size());
  for (std::size_t i = 0; i < mix.size(); ++i) {
    double total = 0.0;
    for (double x : mix[i]) total += x;
    if (total <= 0.0) continue;
    for (double& x : mix[i]) x /= total;
    auto hires = stationary_hire_mix(mix[i], turnover);
    double kept = 0.0;
    bool clamped = false;
    for (double& h : hires) {
      if (h < 0.0) {
        clamped = clamped || h < -1e-9;
        h = 0.0;
      }
      kept += h;
    }
    if (clamped) clamped_.push_back(static_cast<InstitutionId>(i));
    for (double& h : hires) h = kept > 0.0 ? h / kept : 0.0;
    hire_mix_[i] = hires;
  }
  for (std::uint64_t id : population.external_id) next_external_id_ = std::max(next_external_id_, id + 1);
}

double TurnoverStage::weekly_leaving_probability(const Scenario& scenario, const Population& population,
                                                 AgentId a) const {
  const WeeklyRates rates = weekly_rates(scenario.dynamics().turnover, current_share_);
  return leaving_probability(rates, index_of(population.stage[a]), population.considering_leaving[a]);
}

void TurnoverStage::run(Context& ctx) {
  using C = Component;
  const Scenario& scenario = ctx.scenario();
  Population& pop = ctx.write<C::staff>();
  DyadTable& dyads = ctx.write<C::dyads>();
  ProgramState& program = ctx.write<C::program>();
  const std::size_t n = pop.size();
  const TurnoverParams& params = ctx.dynamics().turnover;
  // The normaliser: each stage's current share considering leaving, so that the stage leaves at its
  // annual rate this week in expectation (staff considering leaving leave faster, which depletes them:
  // a fixed week-0 share would let realised turnover fall below the annual rates).
  // Counted in parallel blocks: integer counts, so the totals do not depend on the blocks.
  struct StageCounts {
    std::array<std::uint64_t, kStages> considering{};
    std::array<std::uint64_t, kStages> staff{};
  };
  const StageCounts counts = parallel::deterministic_reduce(
      n, StageCounts{},
      [&](std::size_t begin, std::size_t end) {
        StageCounts block;
        for (std::size_t i = begin; i < end; ++i) {
          const auto a = static_cast<AgentId>(i);
          if (!pop.active(a)) continue;
          const std::size_t s = index_of(pop.stage[a]);
          ++block.staff[s];
          block.considering[s] += pop.considering_leaving[a];
        }
        return block;
      },
      [](StageCounts total, const StageCounts& block) {
        for (std::size_t s = 0; s < kStages; ++s) {
          total.staff[s] += block.staff[s];
          total.considering[s] += block.considering[s];
        }
        return total;
      },
      16384);
  for (std::size_t s = 0; s < kStages; ++s) {
    current_share_[s] =
        counts.staff[s] > 0 ? static_cast<double>(counts.considering[s]) / counts.staff[s] : intent_reference_[s];
  }
  const WeeklyRates rates = weekly_rates(params, current_share_);
  const Step step = ctx.step();
  if (!noted_) {
    noted_ = true;
    for (InstitutionId i : clamped_) {
      std::string message("institution \"");
      message += pop.institutions[i].name;
      message +=
          "\": no hire mix keeps its week-0 stage mix stationary at these promotion and leaving rates; hires are "
          "drawn from the mix with the negative shares set to 0, so its stage mix drifts";
      ctx.note(std::move(message));
    }
  }
  // Mentees of an active dyad whose program's mentors sponsor them (mentor_sponsorship): their weekly
  // promotion probability p becomes 1 - (1 - p)^ratio (a hazard ratio; the same draw decides it).
  // Found in parallel (every writer stores the same value); left empty when no arm sponsors.
  std::vector<std::uint8_t> sponsored;
  const auto& arms = scenario.arms();
  if (std::any_of(arms.begin(), arms.end(), [](const ArmSpec& arm) { return arm.program.mentor_sponsorship; })) {
    sponsored.assign(n, 0);
    const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
    parallel::for_each(
        active.size(),
        [&](std::size_t k) {
          const DyadId d = active[k];
          if (!dyads.active(d) || dyads.formation[d] == Formation::informal) return;
          if (!program_of(scenario, dyads, d).mentor_sponsorship) return;
          std::atomic_ref<std::uint8_t>(sponsored[dyads.mentee[d]]).store(1, std::memory_order_relaxed);
        },
        4096);
  }
  // Leaving by the state at the start of the week; stayers then update whether they consider leaving
  // and may be promoted. Each agent writes only its own entries.
  // Each agent draws from its own turnover stream: the leaving and intent uniforms are the words of its
  // first block, the promotion uniform the first two words of its second (for_each_two_blocks computes
  // the blocks of many agents together; the words are those of the agent's Stream).
  std::vector<std::uint8_t> leaving(n, 0);
  const auto agent = [](std::size_t i) { return static_cast<AgentId>(i); };
  parallel::for_blocks(n, 1024, [&](std::size_t begin, std::size_t end) {
    for_each_two_blocks(ctx.random(), step, Purpose::turnover, begin, end, agent,
                        [&](std::size_t i, const PhiloxWords& first, const PhiloxWords& second) {
                          const auto a = static_cast<AgentId>(i);
                          if (!pop.active(a)) return;
                          const std::size_t stage = index_of(pop.stage[a]);
                          if (block_uniform(first, 0) < leaving_probability(rates, stage, pop.considering_leaving[a])) {
                            leaving[a] = 1;
                            return;
                          }
                          const double intent = pop.intent_to_leave[a];
                          const double u = block_uniform(first, 2);
                          if (pop.considering_leaving[a] == 0) {
                            if (u < rates.switch_rate * intent) pop.considering_leaving[a] = 1;
                          } else if (u < rates.switch_rate * (1.0 - intent)) {
                            pop.considering_leaving[a] = 0;
                          }
                          double promote = rates.promote[stage];
                          if (!sponsored.empty() && sponsored[a] != 0) {
                            promote = 1.0 - std::pow(1.0 - promote, params.sponsorship_promotion_ratio);
                          }
                          if (promote > 0.0 && block_uniform(second, 0) < promote) {
                            pop.stage[a] = enum_at<CareerStage>(stage + 1);
                            if (pop.promoted[a] == kNever)
                              pop.promoted[a] = step + 1;  // the first week at the new stage
                          }
                        });
  });
  const std::vector<AgentId> leavers =
      parallel::indices_where<AgentId>(n, [&](std::size_t a) { return leaving[a] != 0; });
  if (leavers.empty()) return;
  for (AgentId a : leavers) pop.left[a] = step + 1;  // the first week without them
  // Which active dyads lose a member, found in parallel; they end in dyad order.
  const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
  std::vector<DyadId> ends;
  for (std::size_t k : parallel::indices_where<std::size_t>(active.size(), [&](std::size_t k) {
         const DyadId d = active[k];
         return dyads.active(d) && (leaving[dyads.mentor[d]] || leaving[dyads.mentee[d]]);
       })) {
    ends.push_back(active[k]);
  }
  end_dyads(dyads, program, ends, step, EndReason::leaving);
  // Replacement hires, in leaver order.
  const PopulationSpec& spec = scenario.population();
  const double base_logit = intent_base_logit(params);
  // Rows are appended in leaver order, each hire drawing its minority value and stage from its own
  // stream; the rest of its state, drawn next from the same stream, is its own row, so it is drawn in
  // parallel.
  std::vector<AgentId> hires;
  std::vector<Stream> streams;
  hires.reserve(leavers.size());
  streams.reserve(leavers.size());
  for (AgentId leaver : leavers) {
    const AgentId hire = static_cast<AgentId>(pop.size());
    Stream stream = ctx.random().stream(step, Purpose::hiring, hire);
    const InstitutionId inst = pop.institution[leaver];
    const bool minority = stream.uniform() < spec.institutions[inst].minority_share;
    pop.append(inst, pop.unit[leaver], pop.profession[leaver], hire_stage(hire_mix_[inst], stream.uniform()), minority,
               step + 1);
    pop.external_id[hire] = next_external_id_++;
    // The leaver's line manager, if still there, manages the hire.
    const AgentId manager = pop.manager[leaver];
    pop.manager[hire] = manager != kNoAgent && pop.active(manager) ? manager : kNoAgent;
    hires.push_back(hire);
    streams.push_back(stream);
  }
  parallel::for_each(
      hires.size(),
      [&](std::size_t k) {
        const AgentId hire = hires[k];
        Stream& stream = streams[k];
        draw_agent_state(pop, hire, spec, stream);
        pop.intent_to_leave[hire] = static_cast<float>(intent_to_leave(params, base_logit, pop.satisfaction[hire]));
        pop.considering_leaving[hire] = stream.uniform() < pop.intent_to_leave[hire] ? 1 : 0;
      },
      64);
  // Every per-agent component gets the hires' rows.
  const std::size_t grown = pop.size();
  const CollegialNetwork& network = ctx.read<C::network>();
  Baseline& baseline = ctx.write<C::baseline>();
  program.resize(grown);
  baseline.resize(grown);
  ctx.write<C::meeting_counts>().resize(grown, 0);
  parallel::for_each(
      hires.size(),
      [&](std::size_t k) {
        const AgentId hire = hires[k];
        program.arm[hire] = program.arm[leavers[k]];
        record_baseline(baseline, pop, network, hire);
      },
      256);
  if (!sampler_ || !sampler_->built_for(pop) || sampler_vertices_ != network.vertex_count()) {
    sampler_ = std::make_unique<const NewcomerTieSampler>(pop, scenario.network());
    sampler_vertices_ = network.vertex_count();
  }
  const auto ties = sampler_->ties_for(ctx.random(), step, hires, network, ctx.network_report().closure_share);
  std::vector<Tie>& pending = ctx.write<C::new_ties>();
  pending.insert(pending.end(), ties.begin(), ties.end());
}

}  // namespace mentorsim
