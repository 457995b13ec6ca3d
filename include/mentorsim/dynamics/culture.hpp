#pragma once
// Unit culture (stage 9). Each unit's psychological safety psi moves toward
//   psi* = psi0 + dyad_weight * G - harm_weight * F + sponsorship_weight * s - imbalance_weight * M,
// clamped to [0, 1],
// by psi += adjustment (psi* - psi); psi0 its week-0 value, G the share of its active members in a
// good (quality >= good_quality) reverse or reciprocal dyad, F the share in a failing dyad (quality
// below poor_quality, any type) or in one that ended for a relationship reason (lack of time, poor
// communication, power imbalance, role ambiguity) within harm_window_weeks; s the leadership sponsorship of the
// program its members take part in (0 when none of them is enrolled), M the power imbalance f
// (dynamics/relationships.hpp) its active members bear as mentors, summed over their dyads and divided
// by the members. Its hierarchy flattening phi moves toward
//   phi* = flattening_max * min(1, R / flattening_share),
// R the share of its active members in a reverse or reciprocal dyad active for sustained_weeks or more,
// by phi += flattening_rate (phi* - phi) when phi* > phi, else flattening_relax (phi* - phi): sustained
// reverse mentoring flattens the unit's hierarchy (the review: it "can assist with the breakdown of the
// traditionally regimented and hierarchical structure of medicine"), and the hierarchy comes back slowly
// once the dyads end. phi scales the hierarchy h in exchange damping and power imbalance. Psi feeds back into power
// distance (exchange damping, power imbalance) and approach anxiety. The review: junior staff can
// help drive a culture where concerns can be raised; reverse mentoring can break down the regimented
// hierarchy; a program needs leadership from all institutions (Figure 1).

#include <string_view>
#include <vector>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

class CultureStage {
 public:
  static constexpr Stage id = Stage::culture;
  static constexpr StageAccess access{
      .reads = {Component::staff, Component::confidence, Component::psych_safety, Component::flattening,
                Component::dyads, Component::dyad_constants, Component::active_dyads, Component::program},
      .writes = {Component::psych_safety, Component::flattening}};
  static constexpr std::string_view summary =
      "each unit's psychological safety `ψ` moves toward its target (good reverse or reciprocal dyads raise it, "
      "failing and failed dyads and power imbalance lower it, sponsorship raises it); its hierarchy flattening `φ` "
      "follows its sustained reverse and reciprocal dyads";
  using Context = StageContext<access>;

  // Keeps each unit's week-0 psychological safety, the base of its target.
  explicit CultureStage(const SimulationState& initial);

  void run(Context& ctx);

 private:
  std::vector<float> psych_safety_initial_;
};

}  // namespace mentorsim
