#include "mentorsim/dynamics/meetings.hpp"

#include <algorithm>
#include <unordered_map>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {
namespace {

double quality_factor(const SimulationState& state, double quality) {
  const double floor = state.scenario->dynamics().meetings.quality_floor;
  return floor + (1.0 - floor) * quality;
}

}  // namespace

double meeting_probability(const SimulationState& state, DyadId d) {
  const double cadence = state.program_of_dyad(d).cadence_weeks;
  const auto& cache = state.dyad_cache;
  const bool cached = d < cache.mentor_availability.size();
  const double a_mentor = cached ? cache.mentor_availability[d] : availability(state, state.dyads.mentor[d]);
  const double a_mentee = cached ? cache.mentee_availability[d] : availability(state, state.dyads.mentee[d]);
  const double p = a_mentor * a_mentee * quality_factor(state, state.dyads.quality[d]) / cadence;
  return std::min(1.0, p);
}

void hold_meetings(SimulationState& state) {
  state.cache_dyads();
  DyadTable& dyads = state.dyads;
  std::fill(dyads.met.begin(), dyads.met.end(), std::uint8_t{0});
  std::fill(dyads.succeeded.begin(), dyads.succeeded.end(), std::uint8_t{0});
  // Circles: mean quality of their active dyads, and whether the circle meets.
  std::unordered_map<DyadId, std::pair<double, int>> circle_quality;
  for (DyadId d : state.active_dyads) {
    if (dyads.type[d] != DyadType::group) continue;
    auto& [sum, count] = circle_quality[dyads.group[d]];
    sum += dyads.quality[d];
    ++count;
  }
  std::unordered_map<DyadId, bool> circle_meets;
  for (const auto& [group, totals] : circle_quality) {
    const DyadId first = group;  // the circle's first dyad: same mentor and arm as the others
    const double cadence = state.program_of_dyad(first).cadence_weeks;
    const double p = std::min(
        1.0, availability(state, dyads.mentor[first]) * quality_factor(state, totals.first / totals.second) / cadence);
    circle_meets[group] = state.random.stream(state.step, Purpose::meetings, group).uniform() < p;
  }
  parallel::for_each(state.active_dyads.size(), [&](std::size_t k) {
    const DyadId d = state.active_dyads[k];
    Stream stream = state.random.stream(state.step, Purpose::meetings, d);
    if (dyads.type[d] == DyadType::group) {
      // The circle's own draw used the first dyad's stream word 0; attendance uses word 1.
      stream.uniform();
      dyads.met[d] = circle_meets.at(dyads.group[d]) && stream.uniform() < state.dyad_cache.mentee_availability[d];
    } else {
      dyads.met[d] = stream.uniform() < meeting_probability(state, d);
    }
  });
}

}  // namespace mentorsim
