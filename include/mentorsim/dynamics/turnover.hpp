#pragma once
// Turnover and replacement hires (stage 8b). Each active agent leaves this week with probability
//   h = (1 - (1 - annual_rate[stage])^(1/52)) * I / I0[stage]   (capped at 1),
// I its intent to leave, I0[stage] the mean intent of that stage's staff at week 0: at week 0 each
// stage leaves at its annual rate on average (new-graduate nurse turnover about 17% a year: nursing
// workforce studies), and a program that moves satisfaction moves turnover through intent (18.8% of
// faculty considering leaving: Bonilha et al. 2019). A leaver's dyads end with reason `leaving`.
// Each leaver is replaced the same week by an early-career hire in the same unit, profession and arm
// (the position is refilled), drawn from the early-career priors, who makes Poisson(mean_degree)
// collegial ties (merged at the next tie merge).

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

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
      "staff leave (`left`) by their intent to leave, their dyads end (`leaving`); each leaver's replacement hire is "
      "appended to every per-agent component and makes its first ties";
  using Context = StageContext<access>;

  // Takes the week-0 intent reference of each career stage and the first free external id.
  explicit TurnoverStage(const SimulationState& initial);

  void run(Context& ctx);

  // The weekly leaving probability of agent a.
  [[nodiscard]] double weekly_leaving_probability(const Scenario& scenario, const Population& population,
                                                  AgentId a) const;
  // Mean intent to leave of each career stage's staff at week 0 (baseline_intent for a stage with
  // nobody): the hazard is scaled by intent relative to it, so that at week 0 each stage leaves at
  // its annual rate on average.
  [[nodiscard]] const std::array<double, kStages>& intent_reference() const noexcept { return intent_reference_; }

 private:
  std::array<double, kStages> intent_reference_{};
  std::uint64_t next_external_id_ = 0;  // for hires: above every roster id
  // Block-model tables for hires' first ties, built from the staff of the moment when first needed
  // after a tie merge (the network's vertex count changes at a merge that follows any hire), and
  // reused until the next one.
  std::unique_ptr<const NewcomerTieSampler> sampler_;
  AgentId sampler_vertices_ = 0;  // the network's vertex count when the sampler was built
};

}  // namespace mentorsim
