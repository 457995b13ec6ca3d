#include "mentorsim/dynamics/exchange.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"
#include "mentorsim/program/teaching.hpp"

namespace mentorsim {

double power_distance_damping(const Population& pop, const StatusParams& status, AgentId teacher, AgentId learner,
                              bool count_stage) {
  const double power = dyad_power_distance(pop, teacher, learner, status, count_stage);
  if (power == 0.0) return 1.0;
  const double h = pop.institutions[pop.institution[learner]].hierarchy;
  const UnitId u = pop.unit[learner];
  const double psi = pop.psych_safety[u];
  return 1.0 - std::min(1.0, h * power * (1.0 - pop.flattening[u]) * (1.0 - pop.confidence[teacher]) * (1.0 - psi));
}

namespace {

// Next week's skills start as this week's (sized for the hires since last week).
void start_next_week(const Population& pop, const SkillMatrix& skills, SkillMatrix& next) {
  if (next.agents() < pop.size()) next.resize(pop.size());
  const auto from = skills.data();
  const auto to = next.data();
  parallel::for_blocks(from.size(), 1 << 16, [&](std::size_t begin, std::size_t end) {
    std::copy(from.begin() + static_cast<std::ptrdiff_t>(begin), from.begin() + static_cast<std::ptrdiff_t>(end),
              to.begin() + static_cast<std::ptrdiff_t>(begin));
  });
}

}  // namespace

void ExchangeStage::run_switched_off(Context& ctx) {
  using C = Component;
  start_next_week(ctx.read<C::staff>(), ctx.read<C::skills>(), ctx.write<C::skills_next>());
}

void ExchangeStage::run(Context& ctx) {
  using C = Component;
  const Population& pop = ctx.read<C::staff>();
  const ExchangeParams& params = ctx.dynamics().exchange;
  const StatusParams& status = ctx.dynamics().status;
  const SkillMatrix& skills = ctx.read<C::skills>();
  SkillMatrix& next = ctx.write<C::skills_next>();
  start_next_week(pop, skills, next);
  const DyadTable& dyads = ctx.read<C::dyads>();
  const DyadEventsView events = ctx.read<C::dyad_events>();
  const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
  const auto circle_size = circle_sizes(active, dyads);
  std::vector<DyadId> met;
  for (DyadId d : active) {
    if (events.met[d]) met.push_back(d);
  }
  // Each dyad's increments are computed in parallel from this week's skills, a block of met dyads at a
  // time into the block's own list, then added to next week's skills in dyad order, so the sums do not
  // depend on the thread count.
  struct Increment {
    AgentId agent;
    Domain domain;
    float delta;
    std::uint32_t place;  // the dyad's place in `met`
  };
  constexpr std::size_t kBlock = 512;
  std::vector<std::vector<Increment>> blocks((met.size() + kBlock - 1) / kBlock);
  // The partners' skill rows are read at random places: those of the dyad kRowAhead places ahead are
  // prefetched.
  constexpr std::size_t kRowAhead = 8;
  parallel::for_blocks(met.size(), kBlock, [&](std::size_t begin, std::size_t end) {
    std::vector<Increment>& out = blocks[begin / kBlock];
    out.reserve(6 * (end - begin));
    for (std::size_t k = begin; k < end; ++k) {
      if (k + kRowAhead < met.size()) {
        const DyadId ahead = met[k + kRowAhead];
        skills.prefetch_row(dyads.mentor[ahead]);
        skills.prefetch_row(dyads.mentee[ahead]);
      }
      const DyadId d = met[k];
      const auto place = static_cast<std::uint32_t>(k);
      const AgentId mentor = dyads.mentor[d];
      const AgentId mentee = dyads.mentee[d];
      const double q = dyads.quality[d];
      double group_factor = 1.0;
      if (dyads.type[d] == DyadType::group) {
        group_factor = 1.0 / (1.0 + params.group_dilution * (circle_size.at(dyads.group[d]) - 1));
      }
      for (const TeachingFlow& flow : teaching_flows(dyads.type[d])) {
        if (!flow_runs(flow, dyads.domains[d])) continue;  // a network mentor teaches its own domains (7.20)
        const AgentId teacher = flow.mentor_teaches ? mentor : mentee;
        const AgentId learner = flow.mentor_teaches ? mentee : mentor;
        double weight = 1.0;
        if (!flow.primary) {
          weight = dyads.type[d] == DyadType::reciprocal ? params.back_flow : params.traditional_back_flow;
        }
        const double s_teacher = skills(teacher, flow.domain);
        const double s_learner = skills(learner, flow.domain);
        const double gap = std::max(0.0, s_teacher - s_learner);
        if (gap <= 0.0 || weight <= 0.0) continue;
        // Peers (same stage at formation) feel no power distance from stage, even after a promotion;
        // profession and minority status still count.
        const double damping = power_distance_damping(pop, status, teacher, learner, dyads.type[d] != DyadType::peer);
        const double delta =
            params.rate * weight * group_factor * q * pop.openness[learner] * gap * (1.0 - s_learner) * damping;
        out.push_back(Increment{learner, flow.domain, static_cast<float>(delta), place});
      }
      // Learning by mentoring: the mentor's teaching and leadership; a circle meeting is one session
      // for its mentor, shared among the circle's mentees.
      const double sessions = dyads.type[d] == DyadType::group ? 1.0 / circle_size.at(dyads.group[d]) : 1.0;
      for (Domain domain : {Domain::teaching, Domain::leadership}) {
        const double s = skills(mentor, domain);
        out.push_back(
            Increment{mentor, domain, static_cast<float>(params.role_learning * sessions * q * (1.0 - s)), place});
      }
      if (dyads.type[d] == DyadType::peer) {  // symmetric: the mentee mentors too
        for (Domain domain : {Domain::teaching, Domain::leadership}) {
          const double s = skills(mentee, domain);
          out.push_back(Increment{mentee, domain, static_cast<float>(params.role_learning * q * (1.0 - s)), place});
        }
      }
    }
  });
  // Added in order on one thread; the rows they add to are at random places, so each is prefetched
  // kApplyAhead increments before it is needed (within its block).
  constexpr std::size_t kApplyAhead = 16;
  for (const std::vector<Increment>& block : blocks) {
    for (std::size_t i = 0; i < block.size(); ++i) {
      if (i + kApplyAhead < block.size()) prefetch(&next(block[i + kApplyAhead].agent, block[i + kApplyAhead].domain));
      const Increment& inc = block[i];
      next(inc.agent, inc.domain) += inc.delta;
    }
  }
  // Issue 16 outcomes: the leadership each dyad gave its partners (docs/model.md 7.22). A dyad's
  // increments all lie in one block, so the blocks are summed in parallel.
  LeadershipFlows& flows = ctx.write<C::leadership_flows>();
  flows.to_mentor.resize(dyads.size(), 0.0f);
  flows.to_mentee.resize(dyads.size(), 0.0f);
  parallel::for_each(
      blocks.size(),
      [&](std::size_t b) {
        for (const Increment& inc : blocks[b]) {
          if (inc.domain != Domain::leadership) continue;
          const DyadId d = met[inc.place];
          (inc.agent == dyads.mentor[d] ? flows.to_mentor : flows.to_mentee)[d] += inc.delta;
        }
      },
      1);
}

}  // namespace mentorsim
