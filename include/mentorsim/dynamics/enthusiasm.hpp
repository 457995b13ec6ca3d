#pragma once
// Enthusiasm (engagement), the last stage of each week (docs/model.md 7.22). Each active agent's
// enthusiasm E in [0, 1] is renewed by its mentoring meetings and eroded by burden:
//   E += kappa (E_ref - E) + min(1, rho R) (1 - E) - epsilon L E - min(1, tau T) E,   clamped to [0, 1],
// kappa = recovery, E_ref = reference, rho = renewal, epsilon = workload_erosion, tau = time_erosion;
// R the sum, over this week's successful meetings of its dyads (both partners; a circle's mentor counts
// 1/k of each of the circle's k dyads that met), of the dyad's quality q; T the time those meetings took
// (met, successful or not) as a share of its weekly time budget, time_required m_d / max(0.001, budget),
// m_d the meeting's time factor (7.8); L = workload / workload_reference (satisfaction's reference).
// Without meetings E stays at its rest value E0 = kappa E_ref / (kappa + epsilon L), which is also its
// value at week 0 and at hire, so a control arm's enthusiasm does not move. It is a state distinct from
// satisfaction (7.14): satisfaction tracks a target set by quality, growth and burden; enthusiasm is a
// resource that each good meeting renews and each week's workload and program time drain (the review's
// "renewed enthusiasm" of mentors; the job demands-resources view of engagement, Bakker & Demerouti 2007).
// Nothing else reads it: it is an outcome, so adding it changes no other result. It draws no random numbers.

#include <string_view>
#include <vector>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

// E0: the rest value of an agent with this workload (week 0, hires, and staff who never meet).
double enthusiasm_rest(const DynamicsSpec& dynamics, double workload);
// Agent a's enthusiasm: its state entry, or its rest value for a row the stage has not seen yet (a hire
// of this week read before the stage ran).
double enthusiasm_of(const SimulationState& state, AgentId a);

class EnthusiasmStage {
 public:
  static constexpr Stage id = Stage::enthusiasm;
  static constexpr StageAccess access{
      .reads = {Component::staff, Component::dyads, Component::dyad_events, Component::active_dyads},
      .writes = {Component::enthusiasm}};
  static constexpr std::string_view summary =
      "enthusiasm `E` of each active agent: renewed by this week's successful meetings, eroded by workload and by "
      "the time its meetings took; hires start at their rest value";
  using Context = StageContext<access>;

  void run(Context& ctx);

  // Frees the per-agent buffers (the run is over: Simulation::finish).
  void release_scratch() {
    std::vector<double>().swap(renewal_);
    std::vector<double>().swap(time_);
  }
  [[nodiscard]] std::size_t scratch_bytes() const noexcept {
    return (renewal_.capacity() + time_.capacity()) * sizeof(double);
  }

 private:
  std::vector<double> renewal_;  // per agent, this week's R (cleared after use)
  std::vector<double> time_;     // per agent, this week's T
};

}  // namespace mentorsim
