#include "mentorsim/engine/outcomes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/strings.hpp"
#include "mentorsim/dynamics/enthusiasm.hpp"
#include "mentorsim/dynamics/informal.hpp"
#include "mentorsim/program/pairing/pairing.hpp"

namespace mentorsim {
namespace {

constexpr Step kWeeksPerYear = 52;

using O = Outcome;
using B = Breakdown;
constexpr std::array<OutcomeInfo, kOutcomeCount> kOutcomeTable = {{
    {O::eligible_mentees, "eligible_mentees", B::none, "count",
     "eligible mentees of the arm's initial staff (NaN for an arm without a program)"},
    {O::enrolled_mentees, "enrolled_mentees", B::none, "count",
     "eligible mentees who enrolled (NaN for an arm without a program)"},
    {O::coverage, "coverage", B::none, "share", "share of eligible mentees (initial staff) who got a mentor", true,
     true},
    {O::weeks_to_match, "weeks_to_match", B::none, "weeks",
     "mean weeks from enrolment to first match, over matched mentees", true, true},
    {O::dyads, "dyads", B::none, "count",
     "the arm's dyads over the run, re-matches included (NaN for an arm without a program)"},
    {O::meetings_per_dyad, "meetings_per_dyad", B::none, "meetings",
     "mean meetings held per dyad, over all the arm's dyads (those still running included)"},
    {O::complementarity, "complementarity", B::none, "score (0-1)", "mean complementarity of the arm's dyads"},
    {O::similarity, "similarity", B::none, "score (0-1)", "mean similarity of the arm's dyads"},
    {O::failure_rate, "failure_rate", B::none, "share",
     "share of the arm's dyads (all, those still running included) that ended for a relationship reason: "
     "lack_of_time, poor_communication, power_imbalance or role_ambiguity (leaving and program_end are not "
     "failures)"},
    {O::end_share, "end", B::end_reason, "share",
     "share of the arm's dyads (all) with this end reason (`active`: still running at the end); the shares of an "
     "arm sum to 1"},
    {O::quality, "quality", B::formation, "quality (0-1)", "mean final quality of the arm's dyads of this formation"},
    {O::satisfaction_change, "satisfaction_change", B::none, "satisfaction (0-1)",
     "mean satisfaction change (final - initial) of participants (mentors and mentees), active initial staff", true,
     false},
    {O::satisfaction_change_by_formation, "satisfaction_change", B::formation, "satisfaction (0-1)",
     "the same, for participants whose first dyad as mentee had this formation"},
    {O::satisfaction_change_staff, "satisfaction_change_staff", B::none, "satisfaction (0-1)",
     "mean satisfaction change (final - initial) of all the arm's initial staff still active, participants or not: "
     "defined in control arms too, so that a program arm's change can be set against a control's",
     true, false},
    {O::retention, "retention", B::none, "share", "share of the arm's initial staff still active at the end", true,
     false},
    {O::skill_gain, "skill_gain", B::domain, "skill (0-1)",
     "mean change in this skill of the arm's active initial staff"},
    {O::strength_change, "strength_change", B::none, "tie strength",
     "mean change in the sum of tie strengths of the arm's active initial staff"},
    {O::cross_institution_change, "cross_institution_change", B::none, "ties",
     "mean change in cross-institution ties of the arm's active initial staff"},
    {O::unmatched, "unmatched", B::unmatched_reason, "count",
     "enrolled eligible mentees without a mentor at the end, by the reason of their last matching round"},
    {O::gave_up, "gave_up", B::none, "count",
     "enrolled eligible mentees (initial staff) who searched patience_weeks weeks without a match and gave up "
     "(self-identified and hybrid arms; a hybrid arm still assigns them at its fallback week; NaN for an arm "
     "without a program)"},
    {O::optimality_gap, "optimality_gap", B::none, "relative gap",
     "assigned_optimal: the largest bound, over the arm's matching rounds, on the relative gap to the optimal "
     "total pair value (0 when solved exactly and for the strategies that do not optimise; NaN for an arm that "
     "never matched)"},
    {O::fit, "fit", B::formation, "SD of fit",
     "mean latent fit (standard normal over all potential pairs) of the arm's dyads of this formation"},
    {O::rating, "rating", B::formation, "rating (1-5)",
     "mean final quality of the arm's dyads of this formation on a 1-5 satisfaction scale, 1 + 4 q (Yamada et al. "
     "2014 report 4.0 self-selected vs 3.3 assigned)"},
    {O::similarity_quality_corr, "similarity_quality_corr", B::none, "correlation",
     "Pearson correlation, over the arm's dyads, of similarity with final quality (Eby et al. 2013: 0.38-0.59; NaN "
     "with fewer than 3 dyads or no variation)"},
    {O::fit_quality_corr, "fit_quality_corr", B::none, "correlation",
     "Pearson correlation, over the arm's dyads, of latent fit with final quality (NaN as above)"},
    {O::minority_coverage_odds_ratio, "minority_coverage_odds_ratio", B::none, "odds ratio",
     "odds of having had a mentor (coverage) of minority vs majority eligible mentees (Ramanan et al. 2006: 0.3; "
     "NaN when either group is empty or its coverage is 0 or 1)"},
    {O::intent_leaving_phi, "intent_leaving_phi", B::none, "correlation",
     "phi correlation, over the arm's initial staff, between considering leaving at week 0 (k) and leaving "
     "within 52 weeks (NaN for runs shorter than 52 weeks or without both answers and both fates)"},
    {O::meeting_quality_correlation, "meeting_quality_correlation", B::none, "correlation",
     "Pearson correlation, over the arm's dyads that lasted at least 4 weeks, between meetings held per week "
     "active and final quality (NaN with fewer than 3 such dyads or no spread)"},
    {O::considering_leaving_change, "considering_leaving_change", B::none, "share",
     "change in the share considering leaving (k, final - week 0) of the arm's participants (mentors and mentees) "
     "still active, initial staff (Bonilha et al. 2019 saw 18.8% -> 24.3% after a program)"},
    {O::hierarchy_flattening, "hierarchy_flattening", B::none, "share of hierarchy",
     "mean, over the arm's active initial staff, of their unit's hierarchy flattening phi at the end (the share of "
     "the hierarchy h that sustained reverse and reciprocal mentoring removed; 0 = unchanged)"},
    {O::mentor_share_start, "mentor_share_start", B::none, "share",
     "share of the arm's initial staff below senior with a mentor at week 0 (informal: before any program)", true,
     false},
    {O::mentor_share_program_end, "mentor_share_program_end", B::none, "share",
     "share of the arm's initial staff below senior at week 0, still employed in the program's last week, with a "
     "mentor (informal or formal) in that week (the arm's program, else the first arm's with a program, else the "
     "last simulated week)"},
    {O::mentor_share_end, "mentor_share_end", B::none, "share",
     "share of the arm's staff below senior at the end (hires included) with a mentor (informal or formal) at the "
     "end"},
    {O::informal_share_end, "informal_share_end", B::none, "share",
     "share of the arm's staff below senior at the end (hires included) with an informal mentor at the end"},
    {O::eligible_mentor_share_start, "eligible_mentor_share_start", B::none, "share",
     "share of the program's eligible mentees (initial staff) with a mentor at week 0 (informal; Bonilha et al. "
     "2019: 45.3% before a program; NaN for an arm without a program)"},
    {O::eligible_mentor_share_program_end, "eligible_mentor_share_program_end", B::none, "share",
     "share of the program's eligible mentees (initial staff) still employed in the program's last week with a "
     "mentor (informal or formal) in that week (Bonilha et al. 2019: 67.1% after; NaN without a program)"},
    {O::eligible_mentoring_share_start, "eligible_mentoring_share_start", B::none, "share",
     "share of the program's eligible mentors (initial staff) mentoring someone at week 0 (informal; Bonilha et "
     "al. 2019: 50.3% of full professors before; NaN without a program)"},
    {O::eligible_mentoring_share_program_end, "eligible_mentoring_share_program_end", B::none, "share",
     "share of the program's eligible mentors (initial staff) still employed in the program's last week who mentor "
     "someone (informal or formal) in that week (Bonilha et al. 2019: 68.0% after; NaN without a program)"},
    {O::mentor_odds_ratio_start, "mentor_odds_ratio_start", B::none, "odds ratio",
     "odds of having a mentor at week 0 of minority vs majority initial staff below senior (Ramanan et al. 2006: "
     "0.3; NaN when either group is empty or its share is 0 or 1)"},
    {O::satisfaction_change_informal_only, "satisfaction_change_informal_only", B::none, "satisfaction (0-1)",
     "mean satisfaction change (final - initial) of the arm's initial staff still active whose mentors over the run "
     "were all informal (Ragins & Cotton 1999: informal above formal)"},
    {O::satisfaction_change_formal_only, "satisfaction_change_formal_only", B::none, "satisfaction (0-1)",
     "the same, for those whose mentors over the run were all formal (program dyads)"},
    {O::skill_gain_informal_only, "skill_gain_informal_only", B::none, "skill (0-1)",
     "mean skill change, averaged over the domains, of the arm's initial staff still active whose mentors over the "
     "run were all informal"},
    {O::skill_gain_formal_only, "skill_gain_formal_only", B::none, "skill (0-1)",
     "the same, for those whose mentors over the run were all formal"},
    {O::mentor_hours_per_mentee, "mentor_hours_per_mentee", B::none, "hours",
     "mentors' meeting hours in the arm's program dyads (a circle meeting counted once for its mentor; each "
     "meeting meeting_hours times the dyad's time factor m_d, docs/model.md 7.8), per mentee who had a program "
     "dyad (NaN without one)"},
    {O::program_hours_per_mentee, "program_hours_per_mentee", B::none, "hours",
     "staff hours the arm's program took: mentors' and mentees' meeting hours in its dyads, per mentee who had a "
     "program dyad (NaN without one)"},
    {O::hours_per_skill_gain, "hours_per_skill_gain", B::none, "hours per skill unit",
     "the program's staff hours (as program_hours_per_mentee, not divided) per unit of skill its participants "
     "(mentors and mentees of its dyads) gained: final minus initial skill summed over the six domains, gross of "
     "what informal diffusion gave (NaN without a program dyad or without a positive gain)"},
    {O::cascade_reach, "cascade_reach", B::wave, "count",
     "staff mentored in this wave of the arm's program: mentees with a program dyad formed in the wave (a program "
     "without a cascade has one wave; NaN for later waves and for an arm without a program; docs/model.md 7.19)"},
    {O::cascade_mentors, "cascade_mentors", B::wave, "count",
     "staff who mentored in this wave of the arm's program: mentors with a program dyad formed in the wave (NaN "
     "as cascade_reach)"},
    {O::cascade_graduate_mentors, "cascade_graduate_mentors", B::wave, "count",
     "of the wave's mentors, those who graduated from mentee to mentor in an earlier wave of the cascade (NaN as "
     "cascade_reach)"},
    {O::spot_needs, "spot_needs", B::none, "count",
     "spot mentoring: specific needs the arm's seekers had over the run (NaN for an arm that is not a spot "
     "program; docs/model.md 7.21)"},
    {O::spot_consultations, "spot_consultations", B::none, "count",
     "spot mentoring: consultations asked for and booked with an expert (one-week dyads of type spot)"},
    {O::spot_held, "spot_held", B::none, "count", "spot mentoring: consultations whose meeting took place"},
    {O::spot_reach, "spot_reach", B::none, "count", "spot mentoring: staff who had at least one consultation"},
    {O::spot_experts, "spot_experts", B::none, "count", "spot mentoring: staff consulted at least once as experts"},
    {O::spot_beyond_contacts, "spot_beyond_contacts", B::none, "share",
     "spot mentoring: share of consultations with an expert who was not a direct contact of the seeker (2-hop or "
     "directory; NaN without a consultation)"},
    {O::spot_unmet_share, "spot_unmet_share", B::none, "share",
     "spot mentoring: share of needs for which no expert was found or free (NaN without a need)"},
    // Issue 16 outcomes (docs/model.md 7.22): career progression.
    {O::promotion_rate, "promotion_rate", B::none, "per year",
     "first promotions per person-year at risk: over the arm's initial staff below senior at week 0, promotions "
     "(`promoted`) divided by the years each was at risk, from week 0 to its first promotion, leaving or the end "
     "(NaN with no time at risk)",
     true, false},
    {O::promotion_rate_by_stage, "promotion_rate", B::stage, "per year",
     "the same, for the arm's initial staff of this career stage at week 0 (senior: NaN, nobody is at risk)"},
    {O::promotion_rate_mentees, "promotion_rate_mentees", B::none, "per year",
     "the same, for the arm's initial staff below senior at week 0 who were program mentees (`role` bit 2) at some "
     "time (NaN without one)"},
    {O::promoted_share, "promoted_share", B::none, "share",
     "share of the arm's initial staff below senior at week 0 promoted at least once by the end (those who left "
     "unpromoted count as not promoted)",
     true, false},
    {O::weeks_to_promotion, "weeks_to_promotion", B::none, "weeks",
     "mean weeks from week 0 to the first promotion, over the arm's initial staff promoted during the run (a mean "
     "over the promoted only, so bounded by the run's length: compare arms of equal length, or use "
     "promotion_rate)",
     true, false},
    {O::weeks_to_promotion_by_stage, "weeks_to_promotion", B::stage, "weeks",
     "the same, for those of this career stage at week 0"},
    {O::promotion_odds_ratio_mentored, "promotion_odds_ratio_mentored", B::none, "odds ratio",
     "odds of being promoted by the end of the arm's initial early-career staff who had a mentor at week 0 (a "
     "dyad as mentee, informal or formal, that started in week 0) vs those who had none; those who left "
     "unpromoted are left out (censored) (the model's counterpart of Ramanan et al. 2006's odds ratio 1.8 for "
     "excellent career preparation; NaN when a cell of the 2 x 2 table is empty)"},
    // Enthusiasm.
    {O::enthusiasm_change, "enthusiasm_change", B::none, "enthusiasm (0-1)",
     "mean enthusiasm change (final - week 0) of participants (mentors and mentees), active initial staff", true,
     false},
    {O::enthusiasm_change_mentors, "enthusiasm_change_mentors", B::none, "enthusiasm (0-1)",
     "the same, for those who were mentors (`role` bit 1)"},
    {O::enthusiasm_change_mentees, "enthusiasm_change_mentees", B::none, "enthusiasm (0-1)",
     "the same, for those who were mentees (`role` bit 2)"},
    {O::enthusiasm_change_staff, "enthusiasm_change_staff", B::none, "enthusiasm (0-1)",
     "mean enthusiasm change of all the arm's active initial staff, participants or not (compare arms with it)"},
    // Leadership flows.
    {O::leadership_flow_mentor, "leadership_flow_mentor", B::dyad_type, "skill (0-1)",
     "mean, over the arm's program dyads of this type, of the leadership skill the dyad gave its mentor over its "
     "life: teaching flows from the mentee and learning by mentoring (docs/model.md 7.9, 7.22)"},
    {O::leadership_flow_mentee, "leadership_flow_mentee", B::dyad_type, "skill (0-1)",
     "the same for the leadership skill the dyad gave its mentee"},
    {O::leadership_flow_cross_generational, "leadership_flow_cross_generational", B::none, "skill (0-1)",
     "mean leadership skill the dyad gave its mentor, over the arm's program dyads whose mentor was at an earlier "
     "career stage than its mentee at week 0 or hire (reverse mentoring across generations; NaN without one)"},
    // Research output.
    {O::papers_per_year, "papers_per_year", B::none, "per year",
     "papers the arm's initial staff led, per person-year of employment (week 0 to leaving or the end; docs/model.md "
     "7.22)"},
    {O::papers_per_year_participants, "papers_per_year_participants", B::none, "per year",
     "the same, for the arm's initial staff who were mentors or mentees (`role` not 0)"},
    {O::new_directions_per_year, "new_directions_per_year", B::none, "per year",
     "new research directions (first papers with a coauthor of another home institution or profession) the arm's "
     "initial staff began, per person-year of employment"},
    {O::new_directions_per_year_participants, "new_directions_per_year_participants", B::none, "per year",
     "the same, for the arm's participants"},
}};

constexpr bool table_in_enum_order() {
  for (std::size_t k = 0; k < kOutcomeTable.size(); ++k) {
    if (static_cast<std::size_t>(kOutcomeTable[k].outcome) != k) return false;
    // Subgroups are reported for outcomes without a breakdown only.
    if ((kOutcomeTable[k].by_minority || kOutcomeTable[k].by_isolation) && kOutcomeTable[k].breakdown != B::none) {
      return false;
    }
  }
  return true;
}
static_assert(table_in_enum_order(), "outcome_table() rows follow enum Outcome; subgroups only without breakdown");

// The label of each unmatched reason in outcome names.
constexpr std::string_view unmatched_label(UnmatchedReason reason) {
  switch (reason) {
    case UnmatchedReason::no_feasible_mentor:
      return "infeasible";
    case UnmatchedReason::no_capacity:
      return "no_capacity";
    case UnmatchedReason::not_approached:
      return "not_approached";
    case UnmatchedReason::declined:
      return "declined";
    case UnmatchedReason::lost_to_others:
      return "lost_to_others";
  }
  return "";
}

// What each unmatched reason means, for the documentation.
constexpr std::string_view unmatched_meaning(UnmatchedReason reason) {
  switch (reason) {
    case UnmatchedReason::no_feasible_mentor:
      return "no enrolled mentor of the arm, with a free place or not, met the hard constraints";
    case UnmatchedReason::no_capacity:
      return "feasible mentors existed, but none had a free place for it: full in every week of its search "
             "(self-identified), or taken by the round's other pairs (assigners)";
    case UnmatchedReason::not_approached:
      return "self-identified: a free feasible mentor existed, but it approached nobody in its whole search (none "
             "visible, or it never dared)";
    case UnmatchedReason::declined:
      return "self-identified: it approached at least one mentor, and none it approached would accept it";
    case UnmatchedReason::lost_to_others:
      return "self-identified: a mentor it approached would have accepted it, but filled its places with mentees "
             "it liked better";
  }
  return "";
}

template <class E>
constexpr std::array<std::string_view, enum_count<E>> enum_names() {
  return EnumTraits<E>::names;
}

constexpr std::array<std::string_view, enum_count<UnmatchedReason>> unmatched_labels() {
  std::array<std::string_view, enum_count<UnmatchedReason>> out{};
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = unmatched_label(enum_at<UnmatchedReason>(k));
  return out;
}

constexpr std::array<std::string_view, 1> kNoLevels = {""};
constexpr std::array<std::string_view, kMaxCascadeWaves> kWaves = {"wave1", "wave2", "wave3", "wave4",
                                                                   "wave5", "wave6", "wave7", "wave8"};
constexpr auto kEndReasons = enum_names<EndReason>();
constexpr auto kFormations = enum_names<Formation>();
constexpr auto kDomainNames = enum_names<Domain>();
constexpr auto kUnmatchedLabels = unmatched_labels();
constexpr auto kStageNames = enum_names<CareerStage>();
constexpr auto kDyadTypeNames = enum_names<DyadType>();

// Running mean that is NaN when empty.
struct Mean {
  double sum = 0.0;
  double count = 0.0;
  void add(double x) {
    sum += x;
    count += 1.0;
  }
  [[nodiscard]] double value() const { return count > 0.0 ? sum / count : kNaN; }
};

// Pearson correlation of pairs added one at a time, as a Mean holding the value (empty, so NaN, with
// fewer than 3 pairs or no variation in either variable).
struct Correlation {
  double n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0;
  void add(double x, double y) {
    n += 1.0;
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
  }
  [[nodiscard]] Mean mean() const {
    if (n < 3.0) return Mean{};
    const double vx = sxx - sx * sx / n;
    const double vy = syy - sy * sy / n;
    if (!(vx > 1e-12 * n) || !(vy > 1e-12 * n)) return Mean{};
    return Mean{(sxy - sx * sy / n) / std::sqrt(vx * vy), 1.0};
  }
};

// A Mean for every value of an Outcomes, laid out the same way.
class Accumulator {
 public:
  explicit Accumulator(std::size_t arms) : arms_(arms) {
    for (const OutcomeInfo& info : kOutcomeTable) {
      const auto o = static_cast<std::size_t>(info.outcome);
      means_[o].resize(breakdown_levels(info.breakdown).size() * arms);
      for (std::size_t g = 0; g < kSubgroupCount; ++g) {
        const auto subgroup = static_cast<Subgroup>(g);
        if (reported_by(info, subgroup)) subgroups_[g][o].resize(arms * subgroup_size(subgroup));
      }
    }
  }
  Mean& at(Outcome o, ArmId arm, std::size_t level = 0) {
    return means_[static_cast<std::size_t>(o)][level * arms_ + arm];
  }
  // The per-arm means of one outcome, as a view: accumulators looked up once, not per agent.
  std::span<Mean> arms_of(Outcome o, std::size_t level = 0) {
    return std::span<Mean>(means_[static_cast<std::size_t>(o)]).subspan(level * arms_, arms_);
  }
  Mean& sub(Outcome o, Subgroup s, ArmId arm, std::size_t group) {
    return subgroups_[static_cast<std::size_t>(s)][static_cast<std::size_t>(o)][arm * subgroup_size(s) + group];
  }
  [[nodiscard]] Outcomes result() const {
    Outcomes out(arms_);
    for (const OutcomeInfo& info : kOutcomeTable) {
      const auto o = static_cast<std::size_t>(info.outcome);
      const std::size_t levels = breakdown_levels(info.breakdown).size();
      for (std::size_t level = 0; level < levels; ++level) {
        for (ArmId arm = 0; arm < arms_; ++arm)
          out.value(info.outcome, arm, level) = means_[o][level * arms_ + arm].value();
      }
      for (std::size_t g = 0; g < kSubgroupCount; ++g) {
        const auto subgroup = static_cast<Subgroup>(g);
        if (!reported_by(info, subgroup)) continue;
        for (ArmId arm = 0; arm < arms_; ++arm) {
          for (std::size_t k = 0; k < subgroup_size(subgroup); ++k) {
            out.subgroup(info.outcome, subgroup, arm, k) = subgroups_[g][o][arm * subgroup_size(subgroup) + k].value();
          }
        }
      }
    }
    return out;
  }

 private:
  std::size_t arms_;
  std::array<std::vector<Mean>, kOutcomeCount> means_;
  std::array<std::array<std::vector<Mean>, kOutcomeCount>, kSubgroupCount> subgroups_;
};

// The last week of the arm's program (capped at the last simulated week); for an arm without a program
// that of the first arm with one, and without any program the last simulated week.
Step program_last_week(const Scenario& scenario, ArmId arm) {
  const Step last = scenario.run().weeks > 0 ? scenario.run().weeks - 1 : 0;
  auto of = [&](const ProgramSpec& p) { return std::min<Step>(last, p.end_week() - 1); };
  if (scenario.arms()[arm].program.active()) return of(scenario.arms()[arm].program);
  for (const ArmSpec& other : scenario.arms()) {
    if (other.program.active()) return of(other.program);
  }
  return last;
}

// The share-with-a-mentor outcomes (informal mentoring, docs/model.md 7.18).
void mentor_shares(const SimulationState& state, Accumulator& acc) {
  const Population& pop = state.population;
  const ProgramState& program = state.program;
  const DyadTable& dyads = state.dyads;
  const std::size_t arms = state.scenario->arms().size();
  std::vector<Step> last_week(arms);
  for (ArmId arm = 0; arm < arms; ++arm) last_week[arm] = program_last_week(*state.scenario, arm);
  // Per agent: bit 0 mentee at week 0 (informal), bit 1 mentee in the program's last week, bit 2 mentor at
  // week 0, bit 3 mentor in the program's last week, bit 4 mentee now, bit 5 informal mentee now, bit 6 ever
  // an informal mentee, bit 7 ever a formal mentee.
  std::vector<std::uint8_t> flags(pop.size(), 0);
  auto active_at = [&](DyadId d, Step w) { return dyads.start[d] <= w && dyads.end[d] > w; };
  for (DyadId d = 0; d < dyads.size(); ++d) {
    const AgentId e = dyads.mentee[d];
    const AgentId m = dyads.mentor[d];
    const bool informal = dyads.formation[d] == Formation::informal;
    if (informal && dyads.start[d] == 0) {
      flags[e] |= 1;
      flags[m] |= 4;
    }
    if (active_at(d, last_week[program.arm[e]])) flags[e] |= 2;
    if (active_at(d, last_week[program.arm[m]])) flags[m] |= 8;
    if (dyads.active(d)) flags[e] |= informal ? 0x30 : 0x10;
    flags[e] |= informal ? 0x40 : 0x80;
  }
  for (AgentId a = 0; a < pop.size(); ++a) {
    const ArmId arm = program.arm[a];
    const std::uint8_t f = flags[a];
    auto bit = [&](unsigned b) { return (f >> b) & 1u ? 1.0 : 0.0; };
    if (pop.active(a) && informal_mentee_stage(pop.stage[a])) {
      acc.at(O::mentor_share_end, arm).add(bit(4));
      acc.at(O::informal_share_end, arm).add(bit(5));
    }
    if (pop.hired[a] != 0) continue;
    const bool present_last = pop.left[a] > last_week[arm];
    if (informal_mentee_stage(state.baseline.stage[a])) {
      acc.at(O::mentor_share_start, arm).add(bit(0));
      acc.sub(O::mentor_share_start, Subgroup::minority, arm, pop.minority[a]).add(bit(0));
      if (present_last) acc.at(O::mentor_share_program_end, arm).add(bit(1));
    }
    if (program.eligible[a] & kMenteeRole) {
      acc.at(O::eligible_mentor_share_start, arm).add(bit(0));
      if (present_last) acc.at(O::eligible_mentor_share_program_end, arm).add(bit(1));
    }
    if (program.eligible[a] & kMentorRole) {
      acc.at(O::eligible_mentoring_share_start, arm).add(bit(2));
      if (present_last) acc.at(O::eligible_mentoring_share_program_end, arm).add(bit(3));
    }
    if (!pop.active(a)) continue;
    const bool informal_only = (f & 0xc0) == 0x40;
    const bool formal_only = (f & 0xc0) == 0x80;
    if (!informal_only && !formal_only) continue;
    const double satisfaction = pop.satisfaction[a] - state.baseline.satisfaction[a];
    double skill = 0.0;
    for (std::size_t k = 0; k < kDomains; ++k) skill += pop.skills.at(a, k) - state.baseline.skills.at(a, k);
    skill /= static_cast<double>(kDomains);
    acc.at(informal_only ? O::satisfaction_change_informal_only : O::satisfaction_change_formal_only, arm)
        .add(satisfaction);
    acc.at(informal_only ? O::skill_gain_informal_only : O::skill_gain_formal_only, arm).add(skill);
  }
  for (ArmId arm = 0; arm < arms; ++arm) {
    const double minority_share = acc.sub(O::mentor_share_start, Subgroup::minority, arm, 1).value();
    const double majority_share = acc.sub(O::mentor_share_start, Subgroup::minority, arm, 0).value();
    const auto odds = [](double p) { return p / (1.0 - p); };
    if (minority_share > 0.0 && minority_share < 1.0 && majority_share > 0.0 && majority_share < 1.0) {
      acc.at(O::mentor_odds_ratio_start, arm) = Mean{odds(minority_share) / odds(majority_share), 1.0};
    }
  }
}

// The cost outcomes: meeting hours of each arm's program dyads, per mentee and per unit of skill gained.
void program_costs(const SimulationState& state, Accumulator& acc) {
  const Population& pop = state.population;
  const DyadTable& dyads = state.dyads;
  const std::size_t arms = state.scenario->arms().size();
  const double hours = state.scenario->dynamics().meetings.meeting_hours;
  std::vector<double> mentor_hours(arms, 0.0);
  std::vector<double> mentee_hours(arms, 0.0);
  std::vector<double> mentees(arms, 0.0);
  std::vector<double> gain(arms, 0.0);
  // Each participant (per arm of its dyads) counted once: bit 0 mentee, bit 1 participant.
  std::vector<std::vector<std::uint8_t>> seen(arms);
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (dyads.formation[d] == Formation::informal) continue;
    const ArmId arm = dyads.arm[d];
    const double per_meeting = hours * meeting_time_factor(*state.scenario, pop, dyads, d);
    mentor_hours[arm] += per_meeting * dyads.mentor_meetings[d];
    mentee_hours[arm] += per_meeting * dyads.meetings[d];
    auto& mark = seen[arm];
    if (mark.empty()) mark.assign(pop.size(), 0);
    if (!(mark[dyads.mentee[d]] & 1)) mentees[arm] += 1.0;
    mark[dyads.mentee[d]] |= 1;
    for (AgentId a : {dyads.mentor[d], dyads.mentee[d]}) {
      if (mark[a] & 2) continue;
      mark[a] |= 2;
      for (std::size_t k = 0; k < kDomains; ++k) gain[arm] += pop.skills.at(a, k) - state.baseline.skills.at(a, k);
    }
  }
  for (ArmId arm = 0; arm < arms; ++arm) {
    if (mentees[arm] == 0.0) continue;
    const double total = mentor_hours[arm] + mentee_hours[arm];
    acc.at(O::mentor_hours_per_mentee, arm) = Mean{mentor_hours[arm] / mentees[arm], 1.0};
    acc.at(O::program_hours_per_mentee, arm) = Mean{total / mentees[arm], 1.0};
    if (gain[arm] > 0.0) acc.at(O::hours_per_skill_gain, arm) = Mean{total / gain[arm], 1.0};
  }
}

// Per wave of each arm's program (docs/model.md 7.19): the mentees and mentors of the program dyads formed
// in the wave, and how many of those mentors graduated in an earlier wave. A program without a cascade
// has one wave; later waves and arms without a program stay NaN.
void cascade_reach(const SimulationState& state, Accumulator& acc) {
  const DyadTable& dyads = state.dyads;
  const auto& arms = state.scenario->arms();
  // Agents counted once per arm and wave: bit 0 as mentee, bit 1 as mentor, per (arm, wave) slot.
  std::vector<std::vector<std::uint8_t>> seen(arms.size() * kMaxCascadeWaves);
  std::vector<double> reach(seen.size(), 0.0), mentors(seen.size(), 0.0), graduates(seen.size(), 0.0);
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (dyads.formation[d] == Formation::informal) continue;
    const ArmId arm = dyads.arm[d];
    const std::size_t slot = arm * kMaxCascadeWaves + arms[arm].program.wave_of(dyads.start[d]);
    auto& mark = seen[slot];
    if (mark.empty()) mark.assign(state.population.size(), 0);
    const AgentId mentee = dyads.mentee[d];
    const AgentId mentor = dyads.mentor[d];
    if (!(mark[mentee] & 1)) reach[slot] += 1.0;
    mark[mentee] |= 1;
    if (!(mark[mentor] & 2)) {
      mentors[slot] += 1.0;
      const std::uint8_t generation = state.program.cascade_generation[mentor];
      if (generation != kNoGeneration && generation > 0) graduates[slot] += 1.0;
    }
    mark[mentor] |= 2;
  }
  for (ArmId arm = 0; arm < arms.size(); ++arm) {
    const ProgramSpec& p = arms[arm].program;
    if (!p.active()) continue;
    for (std::uint32_t w = 0; w < p.cascade_waves; ++w) {
      const std::size_t slot = arm * kMaxCascadeWaves + w;
      acc.at(O::cascade_reach, arm, w) = Mean{reach[slot], 1.0};
      acc.at(O::cascade_mentors, arm, w) = Mean{mentors[slot], 1.0};
      acc.at(O::cascade_graduate_mentors, arm, w) = Mean{graduates[slot], 1.0};
    }
  }
}

// Issue 16 outcomes (docs/model.md 7.22): career progression of the arm's initial staff below senior.
void career_outcomes(const SimulationState& state, Accumulator& acc) {
  const Population& pop = state.population;
  const ProgramState& program = state.program;
  const DyadTable& dyads = state.dyads;
  const std::size_t arms = state.scenario->arms().size();
  const double weeks_per_year = static_cast<double>(kWeeksPerYear);
  // Whether each agent had a mentor at week 0 (a dyad as mentee that started then): exposure fixed at the
  // start, so that staff who stay unpromoted longer do not have longer to count as mentored.
  std::vector<std::uint8_t> mentored(pop.size(), 0);
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (dyads.start[d] == 0) mentored[dyads.mentee[d]] = 1;
  }
  struct Risk {
    double promotions = 0.0, weeks = 0.0;
    void add(bool promoted, Step at_risk) {
      promotions += promoted ? 1.0 : 0.0;
      weeks += static_cast<double>(at_risk);
    }
    [[nodiscard]] Mean rate(double per_year) const {
      return weeks > 0.0 ? Mean{promotions / weeks * per_year, 1.0} : Mean{};
    }
  };
  std::vector<Risk> all(arms), mentees(arms), by_stage(arms * kStages), by_minority(arms * 2);
  std::vector<std::array<double, 4>> table(arms, std::array<double, 4>{});  // [2 * mentored + promoted]
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (pop.hired[a] != 0) continue;
    const std::size_t stage = index_of(state.baseline.stage[a]);
    if (stage + 1 >= kStages) continue;  // senior: no stage above
    const ArmId arm = program.arm[a];
    const bool promoted = pop.promoted[a] != kNever;
    const Step end = std::min({pop.promoted[a], pop.left[a], state.step});
    all[arm].add(promoted, end);
    by_stage[arm * kStages + stage].add(promoted, end);
    by_minority[arm * 2 + pop.minority[a]].add(promoted, end);
    if (program.role[a] & kMenteeRole) mentees[arm].add(promoted, end);
    acc.at(O::promoted_share, arm).add(promoted ? 1.0 : 0.0);
    acc.sub(O::promoted_share, Subgroup::minority, arm, pop.minority[a]).add(promoted ? 1.0 : 0.0);
    if (promoted) {
      const double weeks = static_cast<double>(pop.promoted[a]);
      acc.at(O::weeks_to_promotion, arm).add(weeks);
      acc.at(O::weeks_to_promotion_by_stage, arm, stage).add(weeks);
      acc.sub(O::weeks_to_promotion, Subgroup::minority, arm, pop.minority[a]).add(weeks);
    }
    if (state.baseline.stage[a] == CareerStage::early_career && (promoted || pop.active(a))) {
      table[arm][2 * mentored[a] + (promoted ? 1 : 0)] += 1.0;
    }
  }
  for (ArmId arm = 0; arm < arms; ++arm) {
    acc.at(O::promotion_rate, arm) = all[arm].rate(weeks_per_year);
    acc.at(O::promotion_rate_mentees, arm) = mentees[arm].rate(weeks_per_year);
    for (std::size_t s = 0; s < kStages; ++s) {
      acc.at(O::promotion_rate_by_stage, arm, s) = by_stage[arm * kStages + s].rate(weeks_per_year);
    }
    for (std::size_t m = 0; m < 2; ++m) {
      acc.sub(O::promotion_rate, Subgroup::minority, arm, m) = by_minority[arm * 2 + m].rate(weeks_per_year);
    }
    const auto& t = table[arm];  // t[0] unmentored, not promoted; t[1] promoted; t[2], t[3] mentored
    if (t[0] > 0.0 && t[1] > 0.0 && t[2] > 0.0 && t[3] > 0.0) {
      acc.at(O::promotion_odds_ratio_mentored, arm) = Mean{(t[3] * t[0]) / (t[2] * t[1]), 1.0};
    }
  }
}

// Enthusiasm of the arm's active initial staff: final minus week 0 (the rest value, docs/model.md 7.22).
void enthusiasm_outcomes(const SimulationState& state, Accumulator& acc) {
  const Population& pop = state.population;
  const ProgramState& program = state.program;
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (pop.hired[a] != 0 || !pop.active(a)) continue;
    const ArmId arm = program.arm[a];
    const double change = enthusiasm_of(state, a) - enthusiasm_rest(state.scenario->dynamics(), pop.workload[a]);
    acc.at(O::enthusiasm_change_staff, arm).add(change);
    if (program.role[a] == 0) continue;
    acc.at(O::enthusiasm_change, arm).add(change);
    acc.sub(O::enthusiasm_change, Subgroup::minority, arm, pop.minority[a]).add(change);
    if (program.role[a] & kMentorRole) acc.at(O::enthusiasm_change_mentors, arm).add(change);
    if (program.role[a] & kMenteeRole) acc.at(O::enthusiasm_change_mentees, arm).add(change);
  }
}

// Leadership each program dyad gave its mentor and its mentee (docs/model.md 7.22).
void leadership_outcomes(const SimulationState& state, Accumulator& acc) {
  const DyadTable& dyads = state.dyads;
  const LeadershipFlows& flows = state.leadership_flows;
  const auto& stage = state.baseline.stage;
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (dyads.formation[d] == Formation::informal) continue;
    const ArmId arm = dyads.arm[d];
    const double to_mentor = d < flows.to_mentor.size() ? flows.to_mentor[d] : 0.0;
    const double to_mentee = d < flows.to_mentee.size() ? flows.to_mentee[d] : 0.0;
    acc.at(O::leadership_flow_mentor, arm, index_of(dyads.type[d])).add(to_mentor);
    acc.at(O::leadership_flow_mentee, arm, index_of(dyads.type[d])).add(to_mentee);
    if (index_of(stage[dyads.mentor[d]]) < index_of(stage[dyads.mentee[d]])) {
      acc.at(O::leadership_flow_cross_generational, arm).add(to_mentor);
    }
  }
}

// Spot mentoring per spot arm (docs/model.md 7.21): needs, consultations and who they reached, from the
// spot dyads and the seekers' counters.
void spot_outcomes(const SimulationState& state, Accumulator& acc) {
  const auto& arms = state.scenario->arms();
  const DyadTable& dyads = state.dyads;
  const ProgramState& program = state.program;
  const std::size_t n = state.population.size();
  std::vector<double> needs(arms.size(), 0.0), unmet(arms.size(), 0.0), far(arms.size(), 0.0);
  for (AgentId a = 0; a < n; ++a) {
    needs[program.arm[a]] += program.spot_needs[a];
    unmet[program.arm[a]] += program.spot_unmet[a];
    far[program.arm[a]] += program.spot_far[a];
  }
  std::vector<double> consultations(arms.size(), 0.0), held(arms.size(), 0.0), reach(arms.size(), 0.0),
      experts(arms.size(), 0.0);
  std::vector<std::uint8_t> seen(n, 0);  // bit 0 seeker, bit 1 expert (agents stay in one arm)
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (dyads.type[d] != DyadType::spot) continue;
    const ArmId arm = dyads.arm[d];
    consultations[arm] += 1.0;
    if (dyads.meetings[d] > 0) held[arm] += 1.0;
    if (!(seen[dyads.mentee[d]] & 1)) reach[arm] += 1.0;
    seen[dyads.mentee[d]] |= 1;
    if (!(seen[dyads.mentor[d]] & 2)) experts[arm] += 1.0;
    seen[dyads.mentor[d]] |= 2;
  }
  for (ArmId arm = 0; arm < arms.size(); ++arm) {
    if (arms[arm].program.kind != ProgramKind::spot) continue;
    acc.at(O::spot_needs, arm) = Mean{needs[arm], 1.0};
    acc.at(O::spot_consultations, arm) = Mean{consultations[arm], 1.0};
    acc.at(O::spot_held, arm) = Mean{held[arm], 1.0};
    acc.at(O::spot_reach, arm) = Mean{reach[arm], 1.0};
    acc.at(O::spot_experts, arm) = Mean{experts[arm], 1.0};
    if (consultations[arm] > 0.0) acc.at(O::spot_beyond_contacts, arm) = Mean{far[arm] / consultations[arm], 1.0};
    if (needs[arm] > 0.0) acc.at(O::spot_unmet_share, arm) = Mean{unmet[arm] / needs[arm], 1.0};
  }
}

// Papers and new research directions of the arm's initial staff per person-year (docs/model.md 7.22).
void research_outcomes(const SimulationState& state, Accumulator& acc) {
  const Population& pop = state.population;
  const ProgramState& program = state.program;
  const ResearchOutput& research = state.research;
  const std::size_t arms = state.scenario->arms().size();
  struct Totals {
    double papers = 0.0, directions = 0.0, weeks = 0.0;
  };
  std::vector<Totals> all(arms), participants(arms);
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (pop.hired[a] != 0) continue;
    const ArmId arm = program.arm[a];
    const double weeks = static_cast<double>(std::min(pop.left[a], state.step));
    const double papers = a < research.papers.size() ? research.papers[a] : 0.0;
    const double directions = a < research.new_directions.size() ? research.new_directions[a] : 0.0;
    for (Totals* t : {&all[arm], program.role[a] != 0 ? &participants[arm] : nullptr}) {
      if (t == nullptr) continue;
      t->papers += papers;
      t->directions += directions;
      t->weeks += weeks;
    }
  }
  const auto per_year = [](double count, double weeks) {
    return weeks > 0.0 ? Mean{count / weeks * static_cast<double>(kWeeksPerYear), 1.0} : Mean{};
  };
  for (ArmId arm = 0; arm < arms; ++arm) {
    acc.at(O::papers_per_year, arm) = per_year(all[arm].papers, all[arm].weeks);
    acc.at(O::new_directions_per_year, arm) = per_year(all[arm].directions, all[arm].weeks);
    acc.at(O::papers_per_year_participants, arm) = per_year(participants[arm].papers, participants[arm].weeks);
    acc.at(O::new_directions_per_year_participants, arm) =
        per_year(participants[arm].directions, participants[arm].weeks);
  }
}

}  // namespace

const std::array<OutcomeInfo, kOutcomeCount>& outcome_table() { return kOutcomeTable; }

std::span<const std::string_view> breakdown_levels(Breakdown breakdown) {
  switch (breakdown) {
    case B::none:
      return kNoLevels;
    case B::end_reason:
      return kEndReasons;
    case B::formation:
      return kFormations;
    case B::domain:
      return kDomainNames;
    case B::unmatched_reason:
      return kUnmatchedLabels;
    case B::wave:
      return kWaves;
    case B::stage:
      return kStageNames;
    case B::dyad_type:
      return kDyadTypeNames;
  }
  return kNoLevels;
}

std::string_view breakdown_level_meaning(Breakdown breakdown, std::size_t level) {
  if (breakdown != B::unmatched_reason || level >= enum_count<UnmatchedReason>) return {};
  return unmatched_meaning(enum_at<UnmatchedReason>(level));
}

std::string_view subgroup_name(Subgroup subgroup) { return subgroup == Subgroup::minority ? "minority" : "isolation"; }

std::size_t subgroup_size(Subgroup subgroup) { return subgroup == Subgroup::minority ? 2 : 4; }

bool reported_by(const OutcomeInfo& info, Subgroup subgroup) {
  return subgroup == Subgroup::minority ? info.by_minority : info.by_isolation;
}

const std::vector<OutcomeColumn>& outcome_columns() {
  static const std::vector<OutcomeColumn> columns = [] {
    std::vector<OutcomeColumn> out;
    for (const OutcomeInfo& info : kOutcomeTable) {
      const auto levels = breakdown_levels(info.breakdown);
      for (std::size_t level = 0; level < levels.size(); ++level) {
        std::string name(info.name);
        if (info.breakdown != B::none) name += cat("_", levels[level]);
        out.push_back(OutcomeColumn{info.outcome, level, std::move(name)});
      }
    }
    return out;
  }();
  return columns;
}

Outcomes::Outcomes(std::size_t arms) : arms_(arms) {
  for (const OutcomeInfo& info : kOutcomeTable) {
    const auto o = static_cast<std::size_t>(info.outcome);
    values_[o].assign(breakdown_levels(info.breakdown).size() * arms, kNaN);
    for (std::size_t g = 0; g < kSubgroupCount; ++g) {
      const auto subgroup = static_cast<Subgroup>(g);
      if (reported_by(info, subgroup)) subgroups_[g][o].assign(arms * subgroup_size(subgroup), kNaN);
    }
  }
}

double Outcomes::value(Outcome outcome, ArmId arm, std::size_t level) const {
  return values_[static_cast<std::size_t>(outcome)].at(level * arms_ + arm);
}

double& Outcomes::value(Outcome outcome, ArmId arm, std::size_t level) {
  return values_[static_cast<std::size_t>(outcome)].at(level * arms_ + arm);
}

std::span<const double> Outcomes::column(Outcome outcome, std::size_t level) const {
  return std::span<const double>(values_[static_cast<std::size_t>(outcome)]).subspan(level * arms_, arms_);
}

double Outcomes::subgroup(Outcome outcome, Subgroup s, ArmId arm, std::size_t group) const {
  return subgroups_[static_cast<std::size_t>(s)][static_cast<std::size_t>(outcome)].at(arm * subgroup_size(s) + group);
}

double& Outcomes::subgroup(Outcome outcome, Subgroup s, ArmId arm, std::size_t group) {
  return subgroups_[static_cast<std::size_t>(s)][static_cast<std::size_t>(outcome)].at(arm * subgroup_size(s) + group);
}

std::span<const double> Outcomes::subgroup_values(Outcome outcome, Subgroup s) const {
  return subgroups_[static_cast<std::size_t>(s)][static_cast<std::size_t>(outcome)];
}

Outcomes compute_outcomes(const SimulationState& state) {
  const Population& pop = state.population;
  const ProgramState& program = state.program;
  const DyadTable& dyads = state.dyads;
  const std::size_t arms = state.scenario->arms().size();
  Accumulator acc(arms);
  constexpr auto minority = Subgroup::minority;
  constexpr auto isolation = Subgroup::isolation;

  // The per-arm accumulators of the outcomes updated per agent or dyad, looked up once.
  const auto coverage = acc.arms_of(O::coverage);
  const auto weeks_to_match = acc.arms_of(O::weeks_to_match);
  const auto meetings_per_dyad = acc.arms_of(O::meetings_per_dyad);
  const auto complementarity = acc.arms_of(O::complementarity);
  const auto similarity = acc.arms_of(O::similarity);
  const auto failure_rate = acc.arms_of(O::failure_rate);
  const auto retention = acc.arms_of(O::retention);
  const auto strength_change = acc.arms_of(O::strength_change);
  const auto cross_change = acc.arms_of(O::cross_institution_change);
  const auto satisfaction_change = acc.arms_of(O::satisfaction_change);

  // Current strength and cross-institution ties of every agent.
  std::vector<double> strength(pop.size(), 0.0);
  std::vector<double> cross(pop.size(), 0.0);
  parallel::for_each(pop.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    const auto row = state.network.neighbors(a);
    const auto w = state.network.weights(a);
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (!pop.active(row[k])) continue;
      strength[a] += w[k];
      cross[a] += pop.institution[row[k]] != pop.institution[a] ? 1.0 : 0.0;
    }
  });
  // Formation of each mentee's first dyad.
  std::vector<int> first_formation(pop.size(), -1);
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (dyads.formation[d] == Formation::informal) continue;
    if (first_formation[dyads.mentee[d]] < 0) first_formation[dyads.mentee[d]] = static_cast<int>(dyads.formation[d]);
  }

  // Isolation quartiles among each arm's eligible initial-staff mentees, by week-0 degree.
  std::vector<std::vector<AgentId>> eligible(arms);
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (pop.hired[a] == 0 && (program.eligible[a] & kMenteeRole)) eligible[program.arm[a]].push_back(a);
  }
  std::vector<std::uint8_t> quartile(pop.size(), 0);
  for (auto& list : eligible) {
    std::vector<AgentId> sorted = list;
    std::sort(sorted.begin(), sorted.end(), [&](AgentId x, AgentId y) {
      return state.baseline.degree[x] != state.baseline.degree[y] ? state.baseline.degree[x] < state.baseline.degree[y]
                                                                  : x < y;
    });
    for (std::size_t k = 0; k < sorted.size(); ++k)
      quartile[sorted[k]] = static_cast<std::uint8_t>(subgroup_size(isolation) * k / sorted.size());
  }

  for (ArmId arm = 0; arm < arms; ++arm) {
    const bool runs = state.scenario->arms()[arm].program.active();
    for (AgentId a : eligible[arm]) {
      const bool matched = program.matched_week[a] != kNever;
      const int m = pop.minority[a];
      coverage[arm].add(matched ? 1.0 : 0.0);
      acc.sub(O::coverage, minority, arm, m).add(matched ? 1.0 : 0.0);
      acc.sub(O::coverage, isolation, arm, quartile[a]).add(matched ? 1.0 : 0.0);
      if (matched && program.enrolled_week[a] != kNever) {
        const double weeks = program.matched_week[a] - program.enrolled_week[a];
        weeks_to_match[arm].add(weeks);
        acc.sub(O::weeks_to_match, minority, arm, m).add(weeks);
        acc.sub(O::weeks_to_match, isolation, arm, quartile[a]).add(weeks);
      }
    }
    if (runs) {
      acc.at(O::eligible_mentees, arm) = Mean{static_cast<double>(eligible[arm].size()), 1.0};
      double enrolled = 0.0;
      std::array<double, enum_count<UnmatchedReason>> unmatched{};
      for (AgentId a : eligible[arm]) {
        if (!(program.enrolled[a] & kMenteeRole)) continue;
        enrolled += 1.0;
        if (program.matched_week[a] == kNever && program.unmatched_reason[a] != kNotUnmatched) {
          unmatched[program.unmatched_reason[a]] += 1.0;
        }
      }
      acc.at(O::enrolled_mentees, arm) = Mean{enrolled, 1.0};
      double gave_up = 0.0;
      for (AgentId a : eligible[arm]) {
        if ((program.enrolled[a] & kMenteeRole) && (program.search[a] & kSearchGaveUp)) gave_up += 1.0;
      }
      acc.at(O::gave_up, arm) = Mean{gave_up, 1.0};
      for (std::size_t r = 0; r < unmatched.size(); ++r) acc.at(O::unmatched, arm, r) = Mean{unmatched[r], 1.0};
    }
  }

  for (ArmId arm = 0; arm < arms; ++arm) {
    const double minority_share = acc.sub(O::coverage, minority, arm, 1).value();
    const double majority_share = acc.sub(O::coverage, minority, arm, 0).value();
    const auto odds = [](double p) { return p / (1.0 - p); };
    if (minority_share > 0.0 && minority_share < 1.0 && majority_share > 0.0 && majority_share < 1.0) {
      acc.at(O::minority_coverage_odds_ratio, arm) = Mean{odds(minority_share) / odds(majority_share), 1.0};
    }
  }

  // Dyads.
  std::vector<double> dyad_count(arms, 0.0);
  std::vector<Correlation> similarity_quality(arms);
  std::vector<Correlation> fit_quality(arms);
  for (DyadId d = 0; d < dyads.size(); ++d) {
    const ArmId arm = dyads.arm[d];
    // Informal dyads have their own level of the by-formation outcomes; the rest describe program dyads.
    acc.at(O::quality, arm, index_of(dyads.formation[d])).add(dyads.quality[d]);
    acc.at(O::rating, arm, index_of(dyads.formation[d])).add(1.0 + 4.0 * dyads.quality[d]);
    acc.at(O::fit, arm, index_of(dyads.formation[d])).add(dyads.fit[d]);
    if (dyads.formation[d] == Formation::informal) continue;
    dyad_count[arm] += 1.0;
    meetings_per_dyad[arm].add(dyads.meetings[d]);
    complementarity[arm].add(dyads.complementarity[d]);
    similarity[arm].add(dyads.similarity[d]);
    const EndReason reason = dyads.end_reason[d];
    failure_rate[arm].add(relationship_failure(reason) ? 1.0 : 0.0);
    for (std::size_t r = 0; r < enum_count<EndReason>; ++r) {
      acc.at(O::end_share, arm, r).add(r == index_of(reason) ? 1.0 : 0.0);
    }
    similarity_quality[arm].add(dyads.similarity[d], dyads.quality[d]);
    fit_quality[arm].add(dyads.fit[d], dyads.quality[d]);
  }
  for (ArmId arm = 0; arm < arms; ++arm) {
    acc.at(O::similarity_quality_corr, arm) = similarity_quality[arm].mean();
    acc.at(O::fit_quality_corr, arm) = fit_quality[arm].mean();
  }
  for (ArmId arm = 0; arm < arms; ++arm) {
    if (state.scenario->arms()[arm].program.active()) acc.at(O::dyads, arm) = Mean{dyad_count[arm], 1.0};
  }
  // Meeting frequency and final quality over dyads of at least 4 weeks: sums for Pearson's r.
  {
    struct Moments {
      double n = 0, x = 0, y = 0, xx = 0, yy = 0, xy = 0;
    };
    std::vector<Moments> m(arms);
    for (DyadId d = 0; d < dyads.size(); ++d) {
      if (dyads.formation[d] == Formation::informal) continue;
      const Step weeks = (dyads.active(d) ? state.step : dyads.end[d]) - dyads.start[d];
      if (weeks < 4) continue;
      const double x = static_cast<double>(dyads.meetings[d]) / weeks;
      const double y = dyads.quality[d];
      Moments& s = m[dyads.arm[d]];
      s.n += 1.0;
      s.x += x;
      s.y += y;
      s.xx += x * x;
      s.yy += y * y;
      s.xy += x * y;
    }
    for (ArmId arm = 0; arm < arms; ++arm) {
      const Moments& s = m[arm];
      if (s.n < 3.0) continue;
      const double sxx = s.xx - s.x * s.x / s.n;
      const double syy = s.yy - s.y * s.y / s.n;
      const double sxy = s.xy - s.x * s.y / s.n;
      if (sxx > 1e-12 && syy > 1e-12)
        acc.at(O::meeting_quality_correlation, arm) = Mean{sxy / std::sqrt(sxx * syy), 1.0};
    }
  }

  // The arm's initial staff: retention, and changes of those still active.
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (pop.hired[a] != 0) continue;
    const ArmId arm = program.arm[a];
    const bool active = pop.active(a);
    retention[arm].add(active ? 1.0 : 0.0);
    acc.sub(O::retention, minority, arm, pop.minority[a]).add(active ? 1.0 : 0.0);
    if (!active) continue;
    acc.at(O::hierarchy_flattening, arm).add(pop.flattening[pop.unit[a]]);
    for (std::size_t d = 0; d < kDomains; ++d) {
      acc.at(O::skill_gain, arm, d).add(pop.skills.at(a, d) - state.baseline.skills.at(a, d));
    }
    strength_change[arm].add(strength[a] - state.baseline.strength[a]);
    cross_change[arm].add(cross[a] - state.baseline.cross_institution_ties[a]);
    const double change = pop.satisfaction[a] - state.baseline.satisfaction[a];
    acc.at(O::satisfaction_change_staff, arm).add(change);
    acc.sub(O::satisfaction_change_staff, minority, arm, pop.minority[a]).add(change);
    if (program.role[a] != 0) {
      satisfaction_change[arm].add(change);
      acc.at(O::considering_leaving_change, arm)
          .add(static_cast<double>(pop.considering_leaving[a]) - state.baseline.considering_leaving[a]);
      acc.sub(O::satisfaction_change, minority, arm, pop.minority[a]).add(change);
      if (first_formation[a] >= 0) {
        acc.at(O::satisfaction_change_by_formation, arm, static_cast<std::size_t>(first_formation[a])).add(change);
      }
    }
  }
  // Considering leaving at week 0 and leaving within a year: the 2 x 2 table of each arm.
  if (state.scenario->run().weeks >= kWeeksPerYear) {
    std::vector<std::array<double, 4>> table(arms, std::array<double, 4>{});
    for (AgentId a = 0; a < pop.size(); ++a) {
      if (pop.hired[a] != 0) continue;
      const bool left = pop.left[a] != kNever && pop.left[a] <= kWeeksPerYear;
      table[program.arm[a]][2 * state.baseline.considering_leaving[a] + (left ? 1 : 0)] += 1.0;
    }
    for (ArmId arm = 0; arm < arms; ++arm) {
      const auto& t = table[arm];  // t[2k + left]
      const double denominator = (t[0] + t[1]) * (t[2] + t[3]) * (t[0] + t[2]) * (t[1] + t[3]);
      if (denominator > 0.0) {
        acc.at(O::intent_leaving_phi, arm) = Mean{(t[3] * t[0] - t[2] * t[1]) / std::sqrt(denominator), 1.0};
      }
    }
  }
  mentor_shares(state, acc);
  program_costs(state, acc);
  cascade_reach(state, acc);
  spot_outcomes(state, acc);
  career_outcomes(state, acc);
  enthusiasm_outcomes(state, acc);
  leadership_outcomes(state, acc);
  research_outcomes(state, acc);
  for (const MatchingRecord& record : state.matching_log) {
    Mean& gap = acc.at(O::optimality_gap, record.arm);
    gap = Mean{std::max(gap.count > 0.0 ? gap.value() : 0.0, record.optimality_gap), 1.0};
  }
  return acc.result();
}

}  // namespace mentorsim
