#include "mentorsim/dynamics/enthusiasm.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "mentorsim/core/ordered_updates.hpp"
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
  const auto circle_meetings = parallel::indices_where<std::size_t>(
      active.size(), [&](std::size_t k) { return events.met[active[k]] && dyads.type[active[k]] == DyadType::group; });
  for (std::size_t k : circle_meetings) ++attended[dyads.group[active[k]]];
  // Each meeting's shares are computed in parallel (blocks of dyads in order, each listing its partners'
  // shares in dyad order, the mentor's before the mentee's), then added to the partners' sums so that
  // each agent gets its shares in that order (OrderedUpdates): the same values added in the same order
  // as one serial pass.
  struct Share {
    AgentId agent;
    bool succeeded;
    double time;     // share * time / the agent's time budget
    double renewal;  // the mentor's share * quality, the mentee's quality, if it succeeded; else 0
  };
  constexpr std::size_t kGrain = 1024;
  OrderedUpdates<Share> shares((active.size() + kGrain - 1) / kGrain, n);
  parallel::for_blocks(active.size(), kGrain, [&](std::size_t begin, std::size_t end) {
    std::vector<Share> out;
    for (std::size_t k = begin; k < end; ++k) {
      const DyadId d = active[k];
      if (!events.met[d]) continue;
      const double share = dyads.type[d] == DyadType::group ? 1.0 / attended.at(dyads.group[d]) : 1.0;
      const double time = time_required * meeting_time_factor(scenario, pop, dyads, d);
      const AgentId mentor = dyads.mentor[d];
      const AgentId mentee = dyads.mentee[d];
      const bool succeeded = events.succeeded[d] != 0;
      out.push_back(Share{mentor, succeeded,
                          share * time / std::max(1e-3, static_cast<double>(pop.time_budget[mentor])),
                          succeeded ? share * dyads.quality[d] : 0.0});
      out.push_back(Share{mentee, succeeded, time / std::max(1e-3, static_cast<double>(pop.time_budget[mentee])),
                          succeeded ? dyads.quality[d] : 0.0});
    }
    shares.set_block(begin / kGrain, out, [](const Share& s) { return s.agent; });
  });
  shares.apply(
      [&](const Share& s) {
        prefetch(&time_[s.agent]);
        prefetch(&renewal_[s.agent]);
      },
      [&](const Share& s) {
        time_[s.agent] += s.time;
        if (s.succeeded) renewal_[s.agent] += s.renewal;
      });
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
