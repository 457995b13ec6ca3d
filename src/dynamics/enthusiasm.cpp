#include "mentorsim/dynamics/enthusiasm.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"

namespace mentorsim {

double enthusiasm_rest(const DynamicsSpec& dynamics, double workload) {
  const EnthusiasmParams& p = dynamics.enthusiasm;
  const double load = workload / dynamics.satisfaction.workload_reference;
  const double denominator = p.recovery + p.workload_erosion * load;
  return denominator > 0.0 ? p.recovery * p.reference / denominator : p.reference;
}

double enthusiasm_of(const SimulationState& state, AgentId a) {
  if (a < state.enthusiasm.size()) return state.enthusiasm[a];
  return enthusiasm_rest(state.scenario->dynamics(), state.population.workload[a]);
}

void EnthusiasmStage::run(Context& ctx) {
  using C = Component;
  const Scenario& scenario = ctx.scenario();
  const DynamicsSpec& dynamics = ctx.dynamics();
  const EnthusiasmParams& p = dynamics.enthusiasm;
  const Population& pop = ctx.read<C::staff>();
  const DyadTable& dyads = ctx.read<C::dyads>();
  const DyadEventsView events = ctx.read<C::dyad_events>();
  const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
  std::vector<float>& enthusiasm = ctx.write<C::enthusiasm>();
  const std::size_t n = pop.size();
  // Hires since the last week start at their rest value.
  for (auto a = static_cast<AgentId>(enthusiasm.size()); a < n; ++a) {
    enthusiasm.push_back(static_cast<float>(enthusiasm_rest(dynamics, pop.workload[a])));
  }
  reserve_rows(renewal_, n, pop.capacity());
  reserve_rows(time_, n, pop.capacity());
  renewal_.resize(n, 0.0);
  time_.resize(n, 0.0);
  // This week's meetings, in dyad order (one thread: the sums do not depend on the thread count).
  const double time_required = dynamics.meetings.time_required;
  // A circle meeting counts once for its mentor: each of the k dyads of the circle that met gives it 1/k.
  // (Counted over the dyads that met, some of which may have ended since.)
  std::unordered_map<DyadId, int> attended;
  for (DyadId d : active) {
    if (events.met[d] && dyads.type[d] == DyadType::group) ++attended[dyads.group[d]];
  }
  // Each meeting's shares are computed in parallel (blocks of dyads in order, each listing its meetings
  // in dyad order), then added to the partners' sums in dyad order on one thread, prefetching the sums
  // of the meetings a few places ahead: the same values added in the same order as one serial pass.
  struct Meeting {
    AgentId mentor;
    AgentId mentee;
    double mentor_time;  // share * time / mentor's time budget
    double mentee_time;
    double mentor_renewal;  // share * quality if it succeeded, else 0
    double mentee_renewal;
    bool succeeded;
  };
  constexpr std::size_t kGrain = 1024;
  std::vector<std::vector<Meeting>> meetings((active.size() + kGrain - 1) / kGrain);
  parallel::for_blocks(active.size(), kGrain, [&](std::size_t begin, std::size_t end) {
    std::vector<Meeting>& out = meetings[begin / kGrain];
    for (std::size_t k = begin; k < end; ++k) {
      const DyadId d = active[k];
      if (!events.met[d]) continue;
      const double share = dyads.type[d] == DyadType::group ? 1.0 / attended.at(dyads.group[d]) : 1.0;
      const double time = time_required * meeting_time_factor(scenario, pop, dyads, d);
      const AgentId mentor = dyads.mentor[d];
      const AgentId mentee = dyads.mentee[d];
      const bool succeeded = events.succeeded[d] != 0;
      out.push_back(Meeting{mentor, mentee, share * time / std::max(1e-3, static_cast<double>(pop.time_budget[mentor])),
                            time / std::max(1e-3, static_cast<double>(pop.time_budget[mentee])),
                            succeeded ? share * dyads.quality[d] : 0.0, succeeded ? dyads.quality[d] : 0.0, succeeded});
    }
  });
  constexpr std::size_t kAhead = 16;
  for (const std::vector<Meeting>& block : meetings) {
    for (std::size_t k = 0; k < block.size(); ++k) {
      if (k + kAhead < block.size()) {
        prefetch(&time_[block[k + kAhead].mentor]);
        prefetch(&time_[block[k + kAhead].mentee]);
        prefetch(&renewal_[block[k + kAhead].mentor]);
        prefetch(&renewal_[block[k + kAhead].mentee]);
      }
      const Meeting& m = block[k];
      time_[m.mentor] += m.mentor_time;
      time_[m.mentee] += m.mentee_time;
      if (m.succeeded) {
        renewal_[m.mentor] += m.mentor_renewal;
        renewal_[m.mentee] += m.mentee_renewal;
      }
    }
  }
  const double reference = dynamics.satisfaction.workload_reference;
  parallel::for_each(n, [&](std::size_t i) {
    const double renewal = std::exchange(renewal_[i], 0.0);
    const double time = std::exchange(time_[i], 0.0);
    const auto a = static_cast<AgentId>(i);
    if (!pop.active(a)) return;
    const double e = enthusiasm[a];
    const double load = pop.workload[a] / reference;
    const double next = e + p.recovery * (p.reference - e) + std::min(1.0, p.renewal * renewal) * (1.0 - e) -
                        p.workload_erosion * load * e - std::min(1.0, p.time_erosion * time) * e;
    enthusiasm[a] = static_cast<float>(std::clamp(next, 0.0, 1.0));
  });
}

}  // namespace mentorsim
