#pragma once
// Knowledge exchange in meetings (stage 3). In every meeting held, for each teaching flow of the
// dyad's type (program/teaching.hpp), the learner's skill in domain d grows by
//   ds = eta * w * g * q * absorb_L * max(0, s_T - s_L) * (1 - s_L) * damp,
// eta the exchange rate, w = 1 for the dyad's purpose and back_flow (reciprocal) or
// traditional_back_flow for flows the other way, g = 1 / (1 + group_dilution (k - 1)) in a circle of
// k mentees, q the relationship quality, absorb_L the learner's openness. A flow is damped by the
// teacher's power distance toward the learner:
//   damp = 1 - min(1, h * P(T -> L) * (1 - phi) * (1 - c_T) * (1 - psi)),
// P the dyad power distance (program/teaching.hpp: 1 when the teacher is at an earlier career stage,
// plus profession and minority status; 0 for a senior teacher of the same or higher status), h the
// hierarchy of the learner's institution, phi the hierarchy flattening and psi the psychological
// safety of the learner's unit, c_T the teacher's confidence (the review: mentors' lack of confidence and the power
// imbalance curtail information exchange). Mentors also learn by mentoring: their teaching and leadership grow by
// role_learning * q * (1 - s) per meeting (the review: reverse mentors develop professional and
// leadership skills). All deltas read week-t skills and are added to the week t+1 buffer in dyad order.
// The leadership deltas are also added to the dyad's leadership flows (an outcome, docs/model.md 7.22).
// Default eta = 0.2 gives gains of about half a prior standard deviation over a six-meeting program,
// the size of mentoring's effect on self-efficacy (d about 0.55, Feldman et al. 2010).

#include <string_view>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

// Damping of a flow from `teacher` to `learner` (1 when the teacher feels no power distance).
// count_stage = false for peer dyads (dyad_power_distance).
double power_distance_damping(const Population& population, const StatusParams& status, AgentId teacher,
                              AgentId learner, bool count_stage = true);

class ExchangeStage {
 public:
  static constexpr Stage id = Stage::exchange;
  static constexpr StageAccess access{
      .reads = {Component::staff, Component::skills, Component::confidence, Component::psych_safety,
                Component::flattening, Component::dyads, Component::dyad_events, Component::active_dyads},
      .writes = {Component::skills_next, Component::leadership_flows}};
  static constexpr std::string_view summary =
      "copies week-t skills into the week t+1 buffer and adds the mentoring gains of this week's meetings";
  using Context = StageContext<access>;

  void run(Context& ctx);
  // Switched off (dynamics.disabled = ["exchange"]): next week's skills start as this week's, with
  // no flow through dyads (diffusion then adds its own and swaps them in).
  void run_switched_off(Context& ctx);
};

}  // namespace mentorsim
