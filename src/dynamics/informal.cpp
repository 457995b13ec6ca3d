#include "mentorsim/dynamics/informal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/program/calendar.hpp"
#include "mentorsim/program/pairing/self_identified.hpp"
#include "mentorsim/program/teaching.hpp"

namespace mentorsim {

bool informal_mentee_stage(CareerStage stage) { return stage != CareerStage::senior; }

Step natural_end_weeks(double annual, double u) {
  if (annual <= 0.0) return kNever;
  const double w = weekly_probability(annual);
  if (w >= 1.0) return 1;
  const double weeks = std::ceil(std::log(u) / std::log1p(-w));
  if (!(weeks < static_cast<double>(kNever))) return kNever;
  return std::max<Step>(1, static_cast<Step>(weeks));
}

namespace {

// What one seeker found this week: the mentor who accepted (kNoAgent: none) and the pair's numbers.
struct Proposal {
  AgentId mentor = kNoAgent;
  std::uint32_t order = 0;  // random booking order
  float fit_perceived = 0.0f;
  Step duration = kNever;  // weeks to the natural end
};

}  // namespace

void InformalStage::run(Context& ctx) {
  using C = Component;
  const Population& pop = ctx.read<C::staff>();
  const CollegialNetwork& net = ctx.read<C::network>();
  DyadTable& dyads = ctx.write<C::dyads>();
  ProgramState& program = ctx.write<C::program>();
  const DynamicsSpec& dynamics = ctx.dynamics();
  const InformalParams& p = dynamics.informal;
  const RelationshipParams& rel = dynamics.relationships;
  const Step step = ctx.step();

  // 1. Endings, in dyad order: the mentee reached the mentor's stage (promotion), then natural ends due.
  for (DyadId d : ctx.read<C::active_dyads>()) {
    if (!dyads.active(d) || dyads.formation[d] != Formation::informal) continue;
    if (pop.stage[dyads.mentee[d]] >= pop.stage[dyads.mentor[d]]) {
      end_dyad(dyads, program, d, step, EndReason::outgrown);
    }
  }
  while (!natural_ends_.empty() && natural_ends_.top().first <= step) {
    const DyadId d = natural_ends_.top().second;
    natural_ends_.pop();
    end_dyad(dyads, program, d, step, EndReason::natural_end);  // no-op if it ended otherwise
  }

  // 2. Seeking: eligible staff without any mentor, each with its own stream (word 0 decides whether it
  // seeks this week, so non-seekers cost one word).
  const double seek = step == 0 ? p.initial_seek : p.seek_rate;
  if (seek <= 0.0 || p.capacity == 0) return;
  const auto seek_threshold = static_cast<std::uint64_t>(std::ldexp(std::min(seek, 1.0), 32));
  const std::size_t n = pop.size();
  std::vector<Proposal> found(n);
  const ApproachParams& approach = dynamics.approach;
  const StatusParams& status = dynamics.status;
  const double time_required = dynamics.meetings.time_required;
  const PairingConstraints no_constraints{};
  parallel::for_each(
      n,
      [&](std::size_t i) {
        const auto a = static_cast<AgentId>(i);
        if (!pop.active(a) || !informal_mentee_stage(pop.stage[a])) return;
        if (program.informal_mentee_load[a] > 0 || program.mentee_load[a] > 0) return;
        Stream stream = ctx.random().stream(step, Purpose::informal, a);
        if (stream.next_u32() >= seek_threshold) return;
        const std::uint32_t order = stream.next_u32();
        // Candidates: 1- and 2-hop active contacts at a later stage with a free informal place.
        std::vector<AgentId> seen;
        auto consider = [&](AgentId c) {
          if (c != a && pop.active(c) && pop.stage[c] > pop.stage[a] && program.informal_mentor_load[c] < p.capacity) {
            seen.push_back(c);
          }
        };
        for (AgentId first : net.neighbors(a)) {
          if (!pop.active(first)) continue;
          consider(first);
          for (AgentId second : net.neighbors(first)) consider(second);
        }
        std::sort(seen.begin(), seen.end());
        seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
        std::vector<std::pair<double, AgentId>> ranked;  // (-value, mentor): best first, ties to the lower id
        ranked.reserve(seen.size());
        for (AgentId c : seen) {
          if (!is_feasible(pop, c, a, no_constraints)) continue;
          const double value =
              approach.homophily_weight * similarity(pop, c, a) +
              approach.fit_choice_weight * mentee_perceived_fit(ctx.random(), c, a, approach.fit_noise);
          ranked.emplace_back(-value, c);
        }
        const std::size_t tries = std::min<std::size_t>(ranked.size(), p.approaches);
        std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(tries), ranked.end());
        for (std::size_t k = 0; k < tries; ++k) {
          const AgentId mentor = ranked[k].second;
          const double u_approach = stream.uniform();
          const double u_accept = stream.uniform();
          if (u_approach >= approach_probability(pop, a, mentor, approach, status)) continue;
          const double available = std::min(1.0, pop.time_budget[mentor] / time_required);
          if (u_accept >= available * (1.0 - mentor_reluctance(pop, mentor, a, approach, status))) continue;
          const auto perceived = static_cast<float>(mentee_perceived_fit(ctx.random(), mentor, a, approach.fit_noise));
          found[a] = Proposal{mentor, order, perceived, natural_end_weeks(p.natural_end, stream.uniform())};
          return;
        }
      },
      256);

  // 3. Booking in the seekers' random order: a mentor whose informal places are full turns the rest away.
  std::vector<std::pair<std::uint32_t, AgentId>> booking;
  for (AgentId a = 0; a < n; ++a) {
    if (found[a].mentor != kNoAgent) booking.emplace_back(found[a].order, a);
  }
  std::sort(booking.begin(), booking.end());
  for (const auto& [order, mentee] : booking) {
    const Proposal& f = found[mentee];
    if (program.informal_mentor_load[f.mentor] >= p.capacity) continue;
    NewDyad d;
    d.mentor = f.mentor;
    d.mentee = mentee;
    d.arm = program.arm[mentee];
    d.type = DyadType::traditional;
    d.formation = Formation::informal;
    d.similarity = static_cast<float>(similarity(pop, f.mentor, mentee));
    d.complementarity = static_cast<float>(complementarity(pop, f.mentor, mentee, DyadType::traditional));
    const double fit = pair_fit(ctx.random(), f.mentor, mentee);
    d.fit = static_cast<float>(fit);
    d.fit_perceived = f.fit_perceived;
    d.quality = static_cast<float>(std::clamp(
        rel.initial_quality + rel.similarity_weight * (d.similarity - 0.5) + rel.fit_quality_weight * fit, 0.0, 1.0));
    d.trained = false;
    d.planned_end = kNever;
    const DyadId id = dyads.add(d, step);
    ++program.informal_mentor_load[f.mentor];
    ++program.informal_mentee_load[mentee];
    if (f.duration < kNever - step) natural_ends_.emplace(step + f.duration, id);
  }
}

}  // namespace mentorsim
