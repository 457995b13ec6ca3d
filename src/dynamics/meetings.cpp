#include "mentorsim/dynamics/meetings.hpp"

#include <algorithm>
#include <unordered_map>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {
namespace {

double quality_factor(const Scenario& scenario, double quality) {
  const double floor = scenario.dynamics().meetings.quality_floor;
  return floor + (1.0 - floor) * quality;
}

}  // namespace

double meeting_probability(const Scenario& scenario, const DyadTable& dyads, const DyadConstants& constants, DyadId d) {
  const double cadence = cadence_weeks(scenario, dyads, d);
  const double a_mentor = constants.mentor_availability[d];
  const double a_mentee = constants.mentee_availability[d];
  const double p = a_mentor * a_mentee * quality_factor(scenario, dyads.quality[d]) / cadence;
  return std::min(1.0, p);
}

void MeetingsStage::run(Context& ctx) {
  using C = Component;
  const Scenario& scenario = ctx.scenario();
  const DyadTable& dyads = ctx.read<C::dyads>();
  const DyadConstants& constants = ctx.read<C::dyad_constants>();
  const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
  DyadEvents events = ctx.write<C::dyad_events>();
  std::fill(events.met.begin(), events.met.end(), std::uint8_t{0});
  std::fill(events.succeeded.begin(), events.succeeded.end(), std::uint8_t{0});
  // Circles: mean quality of their active dyads, and whether the circle meets.
  std::unordered_map<DyadId, std::pair<double, int>> circle_quality;
  for (DyadId d : active) {
    if (dyads.type[d] != DyadType::group) continue;
    auto& [sum, count] = circle_quality[dyads.group[d]];
    sum += dyads.quality[d];
    ++count;
  }
  std::unordered_map<DyadId, bool> circle_meets;
  for (const auto& [group, totals] : circle_quality) {
    const DyadId first = group;  // the circle's first dyad: same mentor and arm as the others
    const double cadence = cadence_weeks(scenario, dyads, first);
    const double p = std::min(
        1.0, constants.mentor_availability[first] * quality_factor(scenario, totals.first / totals.second) / cadence);
    circle_meets[group] = ctx.random().stream(ctx.step(), Purpose::meetings, group).uniform() < p;
  }
  // Each dyad's stream; their first blocks are computed together (for_each_stream), the draws the same.
  const auto dyad = [&](std::size_t k) { return active[k]; };
  parallel::for_blocks(active.size(), 1024, [&](std::size_t begin, std::size_t end) {
    for_each_stream(ctx.random(), ctx.step(), Purpose::meetings, begin, end, dyad, [&](std::size_t k, Stream& stream) {
      const DyadId d = active[k];
      if (dyads.type[d] == DyadType::group) {
        // The circle's own draw used the first dyad's stream word 0; attendance uses word 1.
        stream.uniform();
        events.met[d] = circle_meets.at(dyads.group[d]) && stream.uniform() < constants.mentee_availability[d];
      } else {
        events.met[d] = stream.uniform() < meeting_probability(scenario, dyads, constants, d);
      }
    });
  });
}

}  // namespace mentorsim
