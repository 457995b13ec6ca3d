#pragma once
// Parameters of the weekly submodels ([dynamics.<submodel>] in a scenario). The defaults here are the
// model's defaults: src/scenario/parameters.cpp declares each member's key, range, unit and source
// (docs/calibration.md figure ids C1..C28, or the review) and the reader reads them from there;
// docs/model.md gives each equation.

#include <array>

#include "mentorsim/core/types.hpp"

namespace mentorsim {

struct MeetingParams {
  double time_required = 0.4;  // share of the weekly time budget a meeting needs
  double quality_floor = 0.9;  // meeting probability factor at quality 0 (1 at quality 1)
  // Meeting modes (docs/model.md 7.8): a meeting's time is time_required times
  //   (1 - v) (1 + cross_institution_travel [partners at different institutions]) + v virtual_time_factor,
  // v the share of the dyad's meetings held virtually (in person 0, virtual 1, blended blended_virtual_share).
  double virtual_time_factor = 0.75;      // a virtual meeting's time relative to an in-person one
  double cross_institution_travel = 0.0;  // extra time of an in-person meeting across institutions
  double blended_virtual_share = 0.5;     // share of a blended program's meetings held virtually
  double meeting_hours = 1.0;             // hours of an in-person meeting within one institution (cost outcomes)
};

struct ExchangeParams {
  double rate = 0.2;                   // eta: share of the gap closed per meeting at q = absorb = 1
  double back_flow = 0.8;              // reciprocal: weight of the senior's teaching back
  double traditional_back_flow = 0.1;  // traditional: weight of the junior's teaching up
  double group_dilution = 0.25;        // group: rate / (1 + dilution (k - 1))
  double role_learning = 0.01;         // mentors' own teaching and leadership growth per meeting
};

struct DiffusionParams {
  double rate = 0.002;  // epsilon: weekly informal learning along collegial ties
};

struct RelationshipParams {
  double initial_quality = 0.6;
  double self_identified_bonus = 0.0;  // extra initial quality of self-identified pairs (sensitivity only)
  double similarity_weight = 0.51;     // similarity -> quality (calibrated to P8a; C10: rho 0.38-0.59)
  double fit_quality_weight = 0.1;     // initial quality per SD of latent pair fit
  double fit_communication = 0.1;      // poor-communication share removed per SD of latent pair fit
  double success_gain = 0.12;          // q += gain (1 - q) after a successful meeting
  double failure_loss = 0.091;         // q -= loss q after a failed meeting (calibrated to P7, P8c)
  double missed_loss = 0.071;          // weekly erosion per unit of time shortage when not meeting (calibrated)
  double role_ambiguity = 0.2;         // failure share from unclear roles, reverse and reciprocal dyads
  double base_ambiguity = 0.05;        // ... traditional and group dyads
  double training_effect = 0.6;        // share of role ambiguity removed by mentor training
  double preparation_effect = 0.3;     // share of role ambiguity removed by mentee preparation
  double dissolve_threshold = 0.2;     // a dyad whose quality falls below ends at once
  double time_hazard = 0.03;           // weekly ending hazard per unit of time shortage
  double quality_hazard = 0.003;       // weekly ending hazard per unit of (1 - q)
};

struct ConfidenceParams {
  double empowerment = 0.05;      // reverse/reciprocal mentor after a successful meeting
  double setback = 0.03;          // mentor after a failed meeting
  double mentee_efficacy = 0.12;  // mentee after a successful meeting (calibrated to P9; C14: d ~ 0.55)
  double training_boost = 0.2;    // trained mentors at enrolment: c += boost (1 - c)
};

struct TieParams {
  double bond_gain = 0.1;                 // mentor-mentee tie after a successful meeting
  double bond_initial = 0.3;              // strength of a new mentor-mentee tie
  double introduction_probability = 0.1;  // per partner and successful meeting
  double introduction_weight = 0.2;       // strength of a tie made by introduction
  double sponsor_introduction = 0.2;  // per successful meeting of a sponsoring dyad: a cross-institution introduction
  double virtual_bond_factor = 0.5;   // bond gain and introductions of a virtual meeting, relative to in person
  double drop_threshold = 0.05;       // ties weaker than this are removed at the next merge
  Step merge_interval = 4;            // weeks between merges of new and removed ties
};

struct SatisfactionParams {
  double adjustment = 0.05;         // weekly share of the gap to the target closed
  double quality_weight = 0.17;     // mean quality of one's active dyads (minus 0.5; calibrated to P8d)
  double growth_weight = 0.25;      // cumulative skill gain (sum over domains)
  double empowerment_weight = 0.3;  // confidence gain since week 0
  double adaptation = 0.025;        // weekly share of a skill or confidence gain that becomes the new normal
  double burden_weight = 0.1;       // share of the time budget taken by mentoring
  double workload_reference = 0.6;  // burden scales with workload / workload_reference
  double failure_weight = 0.1;      // a dyad of the agent's that failed recently
  Step failure_window_weeks = 13;   // ... within this many weeks
  double imbalance_weight = 0.1;    // power imbalance a mentor bears in its active dyads (sum, capped at 1)
};

struct TurnoverParams {
  // Annual leaving rates by stage (C20: new-graduate nurses about 17% a year).
  std::array<double, kStages> annual_rate = {0.20, 0.17, 0.10, 0.08};
  double baseline_intent = 0.188;        // share considering leaving at the reference satisfaction (C4)
  double reference_satisfaction = 0.65;  // the baseline mean satisfaction of the priors
  double satisfaction_slope = 5.0;       // logit of intent per unit of satisfaction below the reference
  // Annual promotion rates to the next stage (senior: none). early_career: median 6 years to promotion
  // without leaving (Beasley et al. 2006); the others: assumptions.
  std::array<double, kStages> promotion_rate = {0.25, 0.11, 0.04, 0.0};
  // "Considering leaving" k in {0, 1}: switches 0->1 with weekly probability I / persistence and 1->0
  // with (1 - I) / persistence; the leaving hazard is HR times higher at k = 1.
  double intent_persistence_weeks = 104.0;
  double intent_hazard_ratio = 16.0;
  double sponsorship_promotion_ratio = 1.5;  // promotion hazard ratio of a mentee with a sponsoring mentor
};

// The stage mix of an institution's replacement hires that keeps its stage mix `mix` stationary in
// expectation, per leaver: h_s = (pi_s (l_s + (1 - l_s) p_s) - pi_{s-1} (1 - l_{s-1}) p_{s-1}) / sum_s pi_s l_s,
// l and p the weekly leaving and promotion probabilities. Entries can be negative (then no hire mix
// keeps `mix`: the scenario is rejected); all zero when nobody leaves.
std::array<double, kStages> stationary_hire_mix(const std::array<double, kStages>& mix, const TurnoverParams& params);
// 1 - (1 - annual)^(1/52): the weekly probability of an event with that annual probability.
double weekly_probability(double annual);

struct CultureParams {
  double adjustment = 0.02;         // weekly share of the gap to the target closed
  double dyad_weight = 0.5;         // share of members in good reverse/reciprocal dyads
  double sponsorship_weight = 0.1;  // leadership sponsorship where the program runs
  double good_quality = 0.6;        // a dyad at or above this quality counts as good
  double harm_weight = 0.3;         // share of members in failing or recently failed dyads
  double poor_quality = 0.4;        // an active dyad below this quality is failing
  Step harm_window_weeks = 13;      // a dyad that ended for a relationship reason counts this long
  double imbalance_weight = 0.3;    // mean power imbalance borne by members (as mentors) lowers the target
  // Hierarchy flattening phi of a unit: toward phi* = flattening_max * min(1, R / flattening_share), R the
  // share of its members in a reverse or reciprocal dyad active for at least sustained_weeks; phi rises
  // by flattening_rate (phi* - phi) a week and falls back by flattening_relax (phi* - phi).
  double flattening_max = 0.3;
  double flattening_share = 0.2;
  Step sustained_weeks = 13;
  double flattening_rate = 0.02;
  double flattening_relax = 0.005;
};

// Self-identified pairing: how mentees search, rank and dare approach a mentor. On the logit scale,
// logit P(approach) = logit(approach_base) - power_weight * PD * (1 - psi) - confidence_weight * (1 - c)
//                     + log(minority_odds_ratio) * [minority],   PD the power distance (StatusParams).
struct ApproachParams {
  double approach_base = 0.9;         // P(approach) of a confident peer of the majority
  double power_weight = 3.0;          // logit per unit of power distance x (1 - psi)
  double confidence_weight = 2.0;     // logit per unit of (1 - confidence)
  double reluctance_weight = 0.6;     // a mentor's reluctance per unit of PD(mentor -> mentee) x (1 - psi) x (1 - c)
  double minority_odds_ratio = 0.3;   // C5 (Ramanan et al. 2006): minority residents' odds of a mentor 0.3
  double homophily_weight = 0.5;      // weight of similarity against complementarity when ranking
  double fit_noise = 1.0;             // SD of the error in perceiving a pair's latent fit (fit SD = 1)
  double fit_choice_weight = 0.5;     // weight of perceived fit when ranking (mentee) and liking (mentor)
  std::uint32_t max_candidates = 10;  // candidates a mentee considers at most over its whole search
  std::uint32_t approaches_per_week = 1;  // candidates a searching mentee considers in a week, best first
  std::uint32_t patience_weeks = 8;       // weeks a self-identifying mentee searches before giving up
  std::uint32_t directory_max = 50;       // directory profiles a mentee reads at most
};

// Power distance PD(x -> y) = h * clamp(max(0, stage_y - stage_x) / 3
//   + status_weight * max(0, status_y - status_x) + minority_weight * [x minority, y not], 0, 1):
// career stage, profession status and minority status (Nembhard & Edmondson 2006).
// Inside a dyad (exchange damping, power imbalance) the power distance of x toward y is
//   P(x -> y) = [stage_x < stage_y] + dyad_status_weight * max(0, status_y - status_x)
//               + dyad_minority_weight * [x minority, y not]
// (one career stage up counts 1, as before status entered), scaled by the hierarchy (dynamics/exchange.hpp).
struct StatusParams {
  // Profession status, in Profession order: medicine, nursing, physiotherapy, speech_pathology,
  // pharmacy, dentistry, education, research.
  std::array<double, kProfessions> status = {1.0, 0.4, 0.4, 0.4, 0.6, 0.8, 0.5, 0.6};
  double status_weight = 0.5;         // power distance per unit of profession status gap up
  double minority_weight = 0.2;       // power distance added for a minority member facing a majority member
  double dyad_status_weight = 0.5;    // in a dyad: power distance per unit of status gap up (stage up = 1)
  double dyad_minority_weight = 0.2;  // in a dyad: added for a minority partner facing a majority one
};

// Informal mentoring (docs/model.md 7.18): dyads formed through the collegial network outside any
// program, before and alongside it. Mentees are staff below the senior stage; a mentor is a 1- or 2-hop
// contact at a later career stage with a free informal place.
struct InformalParams {
  double initial_seek = 1.0;     // P(an eligible agent looks for a mentor at week 0)
  double seek_rate = 0.03;       // weekly P(an eligible agent without any mentor looks for one)
  std::uint32_t approaches = 1;  // candidates approached per search, best ranked first
  std::uint32_t capacity = 2;    // informal mentees a mentor takes at most
  double natural_end = 0.2;      // annual hazard that an informal relationship runs its course
  double cadence_weeks = 8.0;    // nominal weeks between informal meetings
};

// Issue 16 outcomes: enthusiasm (docs/model.md 7.22). Weekly
//   E += recovery (reference - E) + min(1, renewal R) (1 - E) - workload_erosion L E - min(1, time_erosion T) E,
// R the quality of this week's successful meetings, T their time as a share of the time budget, L the
// workload over satisfaction.workload_reference. Every value is an assumption (no source measures it).
struct EnthusiasmParams {
  double reference = 0.7;          // E_ref: where enthusiasm recovers to without workload
  double recovery = 0.05;          // weekly share of the gap to reference recovered
  double workload_erosion = 0.02;  // weekly share of E lost at workload = workload_reference
  double renewal = 0.1;            // share of the gap to 1 a successful meeting of quality 1 restores
  double time_erosion = 0.05;      // share of E lost per meeting that takes the whole weekly time budget
};

// Issue 16 outcomes: research output (docs/model.md 7.22). Papers an agent leads a week:
// Poisson((annual_rate / 52) s_research (1 - workload) (1 + collaboration_weight min(1, C / collaboration_reference))).
// Every value is an assumption.
struct ResearchParams {
  double annual_rate = 2.0;              // papers a year at research skill 1, no workload, full collaboration / 2
  double collaboration_weight = 1.0;     // relative rise of the rate with full collaboration ties
  double collaboration_reference = 2.0;  // C (strength x research skill over ties) that gives the full rise
};

struct DynamicsSpec {
  MeetingParams meetings;
  ExchangeParams exchange;
  DiffusionParams diffusion;
  RelationshipParams relationships;
  ConfidenceParams confidence;
  TieParams ties;
  SatisfactionParams satisfaction;
  TurnoverParams turnover;
  CultureParams culture;
  ApproachParams approach;
  StatusParams status;
  InformalParams informal;
  EnthusiasmParams enthusiasm;  // issue 16 outcomes
  ResearchParams research;      // issue 16 outcomes
};

}  // namespace mentorsim
