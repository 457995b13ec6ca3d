#pragma once
// Program outcomes per arm at the end of a replicate (/outcomes in docs/hdf5-schema.md): who was
// reached (coverage, overall, by minority and by network-isolation quartile), how fast, by which kind
// of pairs, how dyads ended, and what changed for the arm's staff.
//
// Every outcome is declared once, in outcome_table(): its name, unit, description, and optionally a
// breakdown over an enumeration (one value per end reason, formation, skill domain or unmatched
// reason, named <name>_<level>) and subgroups (by minority status, by network-isolation quartile).
// The /outcomes datasets, their documentation (docs/hdf5-schema.md) and the sweep engine's list of
// outcomes are all made from it. Adding an outcome: an enumerator of Outcome, its row in
// outcome_table() (src/engine/outcomes.cpp, in enum order: a static_assert checks it), and its
// accumulation in compute_outcomes(); then regenerate the docs (scripts/update-docs).

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/dynamics/state.hpp"

namespace mentorsim {

enum class Outcome : std::uint8_t {
  eligible_mentees,
  enrolled_mentees,
  coverage,
  weeks_to_match,
  dyads,
  meetings_per_dyad,
  complementarity,
  similarity,
  failure_rate,
  end_share,  // by end reason: end_<reason>
  quality,    // by formation: quality_<formation>
  satisfaction_change,
  satisfaction_change_by_formation,  // satisfaction_change_<formation>
  satisfaction_change_staff,         // every active initial staff member of the arm, participant or not
  retention,
  skill_gain,  // by domain: skill_gain_<domain>
  strength_change,
  cross_institution_change,
  unmatched,  // by reason: unmatched_<reason>
  gave_up,
  optimality_gap,
  fit,                      // by formation: fit_<formation>
  rating,                   // by formation: rating_<formation>
  similarity_quality_corr,  // correlation over the arm's dyads
  fit_quality_corr,
  minority_coverage_odds_ratio,
  intent_leaving_phi,
  meeting_quality_correlation,
  considering_leaving_change,
  hierarchy_flattening,
  // Informal mentoring and the share with a mentor (docs/model.md 7.18).
  mentor_share_start,
  mentor_share_program_end,
  mentor_share_end,
  informal_share_end,
  eligible_mentor_share_start,
  eligible_mentor_share_program_end,
  eligible_mentoring_share_start,
  eligible_mentoring_share_program_end,
  mentor_odds_ratio_start,
  satisfaction_change_informal_only,
  satisfaction_change_formal_only,
  skill_gain_informal_only,
  skill_gain_formal_only,
  mentor_hours_per_mentee,
  program_hours_per_mentee,
  hours_per_skill_gain,
  // Mentoring styles of issue 16 (docs/model.md 7.19-7.21).
  cascade_reach,             // by wave: cascade_reach_wave<k>
  cascade_mentors,           // by wave
  cascade_graduate_mentors,  // by wave
  spot_needs,
  spot_consultations,
  spot_held,
  spot_reach,
  spot_experts,
  spot_beyond_contacts,
  spot_unmet_share,
  // Issue 16 outcomes (docs/model.md 7.22): career progression.
  promotion_rate,           // by minority
  promotion_rate_by_stage,  // promotion_rate_<week-0 stage>
  promotion_rate_mentees,
  promoted_share,      // by minority
  weeks_to_promotion,  // by minority
  weeks_to_promotion_by_stage,
  promotion_odds_ratio_mentored,
  // Enthusiasm.
  enthusiasm_change,  // by minority
  enthusiasm_change_mentors,
  enthusiasm_change_mentees,
  enthusiasm_change_staff,
  // Leadership flows.
  leadership_flow_mentor,  // leadership_flow_mentor_<dyad type>
  leadership_flow_mentee,  // leadership_flow_mentee_<dyad type>
  leadership_flow_cross_generational,
  // Research output.
  papers_per_year,
  papers_per_year_participants,
  new_directions_per_year,
  new_directions_per_year_participants,
};
inline constexpr std::size_t kOutcomeCount =
    static_cast<std::size_t>(Outcome::new_directions_per_year_participants) + 1;

// The enumeration an outcome is broken down by: one value (and one /outcomes dataset) per level. `wave`:
// the waves of a cascading program, wave1 .. wave<kMaxCascadeWaves>; `stage` the career stage at week 0.
enum class Breakdown : std::uint8_t { none, end_reason, formation, domain, unmatched_reason, wave, stage, dyad_type };

// Groups of an arm's staff an outcome is also reported for: /outcomes/by_<subgroup>/<name>.
enum class Subgroup : std::uint8_t { minority, isolation };
inline constexpr std::size_t kSubgroupCount = 2;

struct OutcomeInfo {
  Outcome outcome;
  std::string_view name;  // the dataset's name, or with a breakdown the prefix of <name>_<level>
  Breakdown breakdown;
  std::string_view unit;  // "count", "share", "weeks", "meetings", "quality (0-1)", ...
  std::string_view description;
  bool by_minority = false;
  bool by_isolation = false;
};

// One row per outcome, in enum order.
const std::array<OutcomeInfo, kOutcomeCount>& outcome_table();
inline const OutcomeInfo& outcome_info(Outcome o) { return outcome_table()[static_cast<std::size_t>(o)]; }

// The levels of a breakdown, as they appear in dataset names (one level "" for Breakdown::none).
std::span<const std::string_view> breakdown_levels(Breakdown breakdown);
// What a level means when its name does not say it (unmatched reasons), or empty.
std::string_view breakdown_level_meaning(Breakdown breakdown, std::size_t level);
// The subgroup's name in paths ("minority", "isolation") and its number of groups (2 and 4).
std::string_view subgroup_name(Subgroup subgroup);
std::size_t subgroup_size(Subgroup subgroup);
bool reported_by(const OutcomeInfo& info, Subgroup subgroup);

// One dataset of /outcomes: an outcome, or one level of an outcome with a breakdown.
struct OutcomeColumn {
  Outcome outcome;
  std::size_t level;  // index in breakdown_levels (0 without a breakdown)
  std::string name;   // "coverage", "end_leaving", "skill_gain_digital", ...
};
// Every [replicate, arm] dataset of /outcomes, in table order and level order.
const std::vector<OutcomeColumn>& outcome_columns();

// The outcomes of one replicate: a value per arm for each outcome (and level), and per arm and
// group for the outcomes reported by subgroup. NaN where undefined (no eligible mentee, no dyad, an
// arm without a program for program counts).
class Outcomes {
 public:
  explicit Outcomes(std::size_t arms);

  [[nodiscard]] std::size_t arms() const noexcept { return arms_; }
  [[nodiscard]] double value(Outcome outcome, ArmId arm, std::size_t level = 0) const;
  double& value(Outcome outcome, ArmId arm, std::size_t level = 0);
  // The values of every arm of one column, arm order.
  [[nodiscard]] std::span<const double> column(Outcome outcome, std::size_t level = 0) const;
  // By subgroup: group 0/1 = not minority / minority; isolation quartile 0 (most isolated) .. 3.
  [[nodiscard]] double subgroup(Outcome outcome, Subgroup subgroup, ArmId arm, std::size_t group) const;
  double& subgroup(Outcome outcome, Subgroup subgroup, ArmId arm, std::size_t group);
  // The values of every arm and group of one outcome by subgroup, [arm][group] flattened.
  [[nodiscard]] std::span<const double> subgroup_values(Outcome outcome, Subgroup subgroup) const;

 private:
  std::size_t arms_;
  std::array<std::vector<double>, kOutcomeCount> values_;                                 // [level * arms + arm]
  std::array<std::array<std::vector<double>, kOutcomeCount>, kSubgroupCount> subgroups_;  // [arm * groups + group]
};

// The network measures it needs are those of the state's current network (Simulation::finish first).
Outcomes compute_outcomes(const SimulationState& state);

}  // namespace mentorsim
