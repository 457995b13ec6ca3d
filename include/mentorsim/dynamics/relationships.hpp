#pragma once
// Relationship quality and failure (stage 5), for each active dyad in id order.
// A meeting held succeeds with probability
//   p_success = (1 - m) * (1 - a) * (1 - f),   m = clamp(1/2 - q/2 - fit_communication * fit, 0, 1),
// m the poor-communication share (lower for a pair of good latent fit, see program/pairing/pairing.hpp),
// a the role ambiguity (role_ambiguity for reverse and reciprocal dyads, base_ambiguity otherwise,
// times 1 - training_effect when the mentor was trained) and f the power imbalance
// min(1, h * P * (1 - phi) * (1 - c_mentor) * (1 - psi)), P the dyad power distance of the mentor
// toward the mentee (program/teaching.hpp: 1 when the mentor is at an earlier career stage, plus
// profession and minority status), h the hierarchy of the mentee's institution, phi and psi the
// hierarchy flattening and psychological safety of the mentee's unit. Success: q += success_gain (1 - q). Failure: q -=
// failure_loss q, and one cause is counted, drawn with weights m poor communication, a role ambiguity, f power
// imbalance (Straus et al. 2013's causes of failed mentoring; the review's drawbacks). A week without a meeting erodes
// q by missed_loss * (1 - a_mentor a_mentee) / cadence. Endings: q below dissolve_threshold ends the dyad at once, for
// its most frequent failure cause (lack_of_time if it never failed); otherwise it ends with weekly probability
// time_hazard * (1 - a_mentor a_mentee) for lack_of_time, or quality_hazard * (1 - q) for its most
// frequent failure cause. Quality starts (program/calendar) at
//   initial_quality + similarity_weight (similarity - 1/2) + fit_quality_weight * fit
//   [+ self_identified_bonus, default 0]:
// similarity and fit drive quality; whether self-identified pairs end up better than assigned ones
// (satisfaction 4.0 vs 3.3 of 5, Yamada et al. 2014) is a check, not an input.

#include <string_view>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

// Role ambiguity and power imbalance of dyad d (the failure shares above).
double role_ambiguity(const RelationshipParams& params, const DyadTable& dyads, DyadId d);
// f from its parts: H = h * P (DyadConstants::power_hierarchy), phi, c_mentor, psi.
double power_imbalance(double power_hierarchy, double flattening, double confidence, double psych_safety);
double power_imbalance(const Population& population, const StatusParams& status, const DyadTable& dyads, DyadId d);
// f of dyad d from the dyad constants (the same value, fewer reads of agents).
double cached_power_imbalance(const DyadConstants& cache, const std::vector<float>& confidence,
                              const std::vector<float>& psych_safety, const std::vector<float>& flattening,
                              const DyadTable& dyads, DyadId d);
// Poor-communication share m of dyad d (the first failure share above).
double poor_communication(const RelationshipParams& params, const DyadTable& dyads, DyadId d);
double success_probability(const RelationshipParams& params, const Population& population, const StatusParams& status,
                           const DyadTable& dyads, DyadId d);

class RelationshipsStage {
 public:
  static constexpr Stage id = Stage::relationships;
  static constexpr StageAccess access{
      .reads = {Component::confidence, Component::psych_safety, Component::flattening, Component::dyads,
                Component::dyad_events, Component::dyad_constants, Component::active_dyads},
      .writes = {Component::dyads, Component::dyad_events, Component::program, Component::meeting_counts}};
  static constexpr std::string_view summary =
      "each meeting succeeds or fails (`succeeded`, failure causes), quality `q` moves, partners' meetings are "
      "counted, dyads that fail or run out of time end";
  using Context = StageContext<access>;

  void run(Context& ctx);
};

}  // namespace mentorsim
