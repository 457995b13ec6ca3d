#pragma once
// Turnover, promotion and replacement hires (stage 8b; docs/model.md 7.15).
//
// Considering leaving: each agent is in state k = 1 (considering leaving: the answer to a survey
// question) or k = 0. Each week an agent with k = 0 starts considering with probability I / P and one
// with k = 1 stops with probability (1 - I) / P, I its intent to leave and P =
// intent_persistence_weeks; so P(k = 1) tends to I and the state persists about P weeks. At week 0 and
// at hire, k is drawn with P(k = 1) = I.
//
// Leaving: each active agent of stage s leaves this week with probability
//   h = w_s (1 + (HR - 1) k) / (1 + (HR - 1) K_s),   w_s = 1 - (1 - annual_rate[s])^(1/52),
// HR = intent_hazard_ratio, K_s the share of stage s's active staff considering leaving at the start
// of the week (before the first week: the stage's mean intent at week 0): each stage leaves at its
// annual rate in expectation every week, staff considering leaving leave HR times as often (HR is set
// so that considering leaving at week 0 and leaving within a year correlate about 0.38: Griffeth, Hom
// & Gaertner 2000), and a program that moves satisfaction moves leaving through I and k. A leaver's
// dyads end with reason `leaving`.
//
// Promotion: an agent who stays is promoted to the next stage with probability
// 1 - (1 - promotion_rate[s])^(1/52) (Beasley et al. 2006: median 6 years from assistant to associate
// professor). It keeps its skills, traits, dyads, program roles and eligibility.
//
// Hires: each leaver is replaced the same week in the same unit, profession and arm (the position is
// refilled), at a stage drawn from its institution's stationary hire mix (stationary_hire_mix of the
// institution's week-0 stage mix: the expected stage mix does not drift), with skills and traits from
// that stage's priors; the hire makes Poisson(mean_degree) collegial ties (merged at the next tie
// merge).

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

class TurnoverStage {
 public:
  static constexpr Stage id = Stage::turnover;
  static constexpr StageAccess access{
      .reads = {Component::staff, Component::intent_to_leave, Component::network, Component::dyads,
                Component::active_dyads, Component::program},
      .writes = {Component::staff, Component::skills, Component::confidence, Component::satisfaction,
                 Component::intent_to_leave, Component::dyads, Component::program, Component::baseline,
                 Component::meeting_counts, Component::new_ties}};
  static constexpr std::string_view summary =
      "staff who consider leaving (`k`, switching with intent `I`) leave more often (`left`), their dyads end "
      "(`leaving`); stayers may be promoted a stage; each leaver's replacement hire, at a stage drawn from the "
      "stationary hire mix, is appended to every per-agent component and makes its first ties";
  using Context = StageContext<access>;

  // Takes the week-0 intent reference and stage mix of each institution, and the first free external id.
  explicit TurnoverStage(const SimulationState& initial);

  void run(Context& ctx);

  // The weekly leaving probability of agent a (by its stage and whether it considers leaving).
  [[nodiscard]] double weekly_leaving_probability(const Scenario& scenario, const Population& population,
                                                  AgentId a) const;
  // Mean intent to leave of each career stage's staff at week 0 (baseline_intent for a stage with
  // nobody): the expected share considering leaving, which the hazard is normalised by until the first
  // week runs (from then on, by the current share).
  [[nodiscard]] const std::array<double, kStages>& intent_reference() const noexcept { return intent_reference_; }
  // The stage mix of institution i's hires (shares summing to 1; negative shares of a roster's mix are
  // set to 0 and the rest rescaled).
  [[nodiscard]] const std::array<double, kStages>& hire_mix(InstitutionId i) const { return hire_mix_.at(i); }

 private:
  std::array<double, kStages> intent_reference_{};
  std::array<double, kStages> current_share_{};        // share considering leaving per stage, this week
  std::vector<std::array<double, kStages>> hire_mix_;  // per institution
  std::vector<InstitutionId> clamped_;                 // institutions whose mix had a negative share
  bool noted_ = false;
  std::uint64_t next_external_id_ = 0;  // for hires: above every roster id
  // Block-model tables for hires' first ties, built from the staff of the moment when first needed
  // after a tie merge (the network's vertex count changes at a merge that follows any hire), and
  // reused until the next one.
  std::unique_ptr<const NewcomerTieSampler> sampler_;
  AgentId sampler_vertices_ = 0;  // the network's vertex count when the sampler was built
};

}  // namespace mentorsim
