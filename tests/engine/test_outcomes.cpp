// Program outcomes (src/engine/outcomes.cpp): the table, the dataset names it makes, and the values
// on a hand-built tiny world.

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/program/pairing/pairing.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;

TEST_CASE("the outcome table makes the documented /outcomes names, each once", "[engine][outcomes]") {
  // The names are a contract with analysis/ and docs/hdf5-schema.md.
  std::vector<std::string> expected = {"eligible_mentees",
                                       "enrolled_mentees",
                                       "coverage",
                                       "weeks_to_match",
                                       "dyads",
                                       "meetings_per_dyad",
                                       "complementarity",
                                       "similarity",
                                       "failure_rate",
                                       "end_active",
                                       "end_lack_of_time",
                                       "end_poor_communication",
                                       "end_power_imbalance",
                                       "end_role_ambiguity",
                                       "end_leaving",
                                       "end_program_end",
                                       "end_natural_end",
                                       "end_outgrown",
                                       "quality_assigned",
                                       "quality_self_identified",
                                       "quality_hybrid_fallback",
                                       "quality_informal",
                                       "satisfaction_change",
                                       "satisfaction_change_assigned",
                                       "satisfaction_change_self_identified",
                                       "satisfaction_change_hybrid_fallback",
                                       "satisfaction_change_informal",
                                       "satisfaction_change_staff",
                                       "retention",
                                       "skill_gain_clinical",
                                       "skill_gain_digital",
                                       "skill_gain_research",
                                       "skill_gain_teaching",
                                       "skill_gain_leadership",
                                       "skill_gain_culture_wellbeing",
                                       "strength_change",
                                       "cross_institution_change",
                                       "unmatched_infeasible",
                                       "unmatched_no_capacity",
                                       "unmatched_not_approached",
                                       "unmatched_declined",
                                       "unmatched_lost_to_others",
                                       "gave_up",
                                       "optimality_gap",
                                       "fit_assigned",
                                       "fit_self_identified",
                                       "fit_hybrid_fallback",
                                       "fit_informal",
                                       "rating_assigned",
                                       "rating_self_identified",
                                       "rating_hybrid_fallback",
                                       "rating_informal",
                                       "similarity_quality_corr",
                                       "fit_quality_corr",
                                       "minority_coverage_odds_ratio",
                                       "intent_leaving_phi",
                                       "meeting_quality_correlation",
                                       "considering_leaving_change",
                                       "hierarchy_flattening",
                                       "mentor_share_start",
                                       "mentor_share_program_end",
                                       "mentor_share_end",
                                       "informal_share_end",
                                       "eligible_mentor_share_start",
                                       "eligible_mentor_share_program_end",
                                       "eligible_mentoring_share_start",
                                       "eligible_mentoring_share_program_end",
                                       "mentor_odds_ratio_start",
                                       "satisfaction_change_informal_only",
                                       "satisfaction_change_formal_only",
                                       "skill_gain_informal_only",
                                       "skill_gain_formal_only",
                                       "mentor_hours_per_mentee",
                                       "program_hours_per_mentee",
                                       "hours_per_skill_gain"};
  // The per-wave outcomes of a cascade (docs/model.md 7.19): wave1 .. wave8.
  for (const char* name : {"cascade_reach", "cascade_mentors", "cascade_graduate_mentors"}) {
    for (int wave = 1; wave <= 8; ++wave) expected.push_back(std::string(name) + "_wave" + std::to_string(wave));
  }
  // Spot mentoring (docs/model.md 7.21).
  for (const char* name : {"spot_needs", "spot_consultations", "spot_held", "spot_reach", "spot_experts",
                           "spot_beyond_contacts", "spot_unmet_share"}) {
    expected.emplace_back(name);
  }
  // Issue 16 outcomes (docs/model.md 7.22-7.25).
  for (const char* name : {"promotion_rate",
                           "promotion_rate_student",
                           "promotion_rate_early_career",
                           "promotion_rate_mid_career",
                           "promotion_rate_senior",
                           "promotion_rate_mentees",
                           "promoted_share",
                           "weeks_to_promotion",
                           "weeks_to_promotion_student",
                           "weeks_to_promotion_early_career",
                           "weeks_to_promotion_mid_career",
                           "weeks_to_promotion_senior",
                           "promotion_odds_ratio_mentored",
                           "enthusiasm_change",
                           "enthusiasm_change_mentors",
                           "enthusiasm_change_mentees",
                           "enthusiasm_change_staff",
                           "leadership_flow_mentor_traditional",
                           "leadership_flow_mentor_reverse",
                           "leadership_flow_mentor_reciprocal",
                           "leadership_flow_mentor_group",
                           "leadership_flow_mentor_peer",
                           "leadership_flow_mentor_spot",
                           "leadership_flow_mentee_traditional",
                           "leadership_flow_mentee_reverse",
                           "leadership_flow_mentee_reciprocal",
                           "leadership_flow_mentee_group",
                           "leadership_flow_mentee_peer",
                           "leadership_flow_mentee_spot",
                           "leadership_flow_cross_generational",
                           "papers_per_year",
                           "papers_per_year_participants",
                           "new_directions_per_year",
                           "new_directions_per_year_participants"}) {
    expected.emplace_back(name);
  }
  std::vector<std::string> names;
  for (const OutcomeColumn& c : outcome_columns()) names.push_back(c.name);
  CHECK(names == expected);
  for (const OutcomeInfo& info : outcome_table()) {
    CHECK_FALSE(info.unit.empty());
    CHECK_FALSE(info.description.empty());
  }
  // The unmatched outcomes follow UnmatchedReason by value, whatever the order of the enumerators.
  const auto levels = breakdown_levels(Breakdown::unmatched_reason);
  CHECK(levels[index_of(UnmatchedReason::no_feasible_mentor)] == "infeasible");
  CHECK(levels[index_of(UnmatchedReason::declined)] == "declined");
  // Subgroups: by minority and by isolation quartile.
  std::set<std::string_view> minority;
  std::set<std::string_view> isolation;
  for (const OutcomeInfo& info : outcome_table()) {
    if (reported_by(info, Subgroup::minority)) minority.insert(info.name);
    if (reported_by(info, Subgroup::isolation)) isolation.insert(info.name);
  }
  CHECK(minority == std::set<std::string_view>{"coverage", "weeks_to_match", "retention", "satisfaction_change",
                                               "satisfaction_change_staff", "mentor_share_start", "promotion_rate",
                                               "promoted_share", "weeks_to_promotion", "enthusiasm_change"});
  CHECK(isolation == std::set<std::string_view>{"coverage", "weeks_to_match"});
}

TEST_CASE("outcomes on a tiny world are the hand-counted shares, means and counts", "[engine][outcomes]") {
  // Agent 0 mentors; agents 1 (minority), 2 and 3 are eligible, enrolled mentees. Dyad 0 (0 -> 1) forms
  // at week 0 and ends for poor communication at week 3; dyad 1 (0 -> 2) forms at week 2 and is still
  // running; agent 3 stayed unmatched for want of a feasible mentor, and has left.
  const Scenario scenario = test::tiny_scenario(4, test::kReverseProgram);
  auto agents = test::junior_and_senior(1.0f);
  agents[1].minority = true;
  agents.push_back(agents[1]);
  agents.push_back(agents[1]);
  agents[2].minority = false;
  agents[3].minority = false;
  SimulationState state(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  for (AgentId a = 1; a <= 3; ++a) {
    state.program.eligible[a] = kMenteeRole;
    state.program.enrolled[a] = kMenteeRole;
    state.program.enrolled_week[a] = 0;
  }
  state.program.eligible[0] = kMentorRole;
  state.program.enrolled[0] = kMentorRole;
  const DyadId first = test::add_dyad(state, 0, 1, 0.4f);
  state.step = 2;
  const DyadId second = test::add_dyad(state, 0, 2, 0.8f);
  end_dyad(state.dyads, state.program, first, 3, EndReason::poor_communication);
  state.program.unmatched_reason[3] = static_cast<std::uint8_t>(UnmatchedReason::no_feasible_mentor);
  state.population.left[3] = 5;
  state.dyads.meetings[first] = 2;
  state.dyads.meetings[second] = 5;
  state.population.satisfaction[1] = 0.75f;  // +0.1 for a participant
  state.population.skills(2, Domain::digital) += 0.25f;
  state.population.flattening[0] = 0.125f;  // the one unit's hierarchy flattening

  const Outcomes o = compute_outcomes(state);
  REQUIRE(o.arms() == 1);
  using O = Outcome;
  CHECK(o.value(O::eligible_mentees, 0) == 3.0);
  CHECK(o.value(O::enrolled_mentees, 0) == 3.0);
  CHECK(o.value(O::coverage, 0) == Approx(2.0 / 3.0));
  CHECK(o.subgroup(O::coverage, Subgroup::minority, 0, 0) == Approx(0.5));  // agents 2 and 3
  CHECK(o.subgroup(O::coverage, Subgroup::minority, 0, 1) == 1.0);          // agent 1
  CHECK(o.value(O::weeks_to_match, 0) == Approx(1.0));                      // (0 + 2) / 2
  CHECK(o.value(O::dyads, 0) == 2.0);
  CHECK(o.value(O::meetings_per_dyad, 0) == Approx(3.5));
  CHECK(o.value(O::failure_rate, 0) == Approx(0.5));
  CHECK(o.value(O::end_share, 0, index_of(EndReason::poor_communication)) == Approx(0.5));
  CHECK(o.value(O::end_share, 0, index_of(EndReason::active)) == Approx(0.5));
  CHECK(o.value(O::end_share, 0, index_of(EndReason::leaving)) == 0.0);
  CHECK(o.value(O::quality, 0, index_of(Formation::assigned)) == Approx(0.6));
  CHECK(std::isnan(o.value(O::quality, 0, index_of(Formation::self_identified))));
  CHECK(o.value(O::unmatched, 0, index_of(UnmatchedReason::no_feasible_mentor)) == 1.0);
  CHECK(o.value(O::unmatched, 0, index_of(UnmatchedReason::no_capacity)) == 0.0);
  CHECK(o.value(O::retention, 0) == Approx(0.75));
  CHECK(o.subgroup(O::retention, Subgroup::minority, 0, 0) == Approx(2.0 / 3.0));  // 0, 2 stay; 3 left
  // Participants still active: 0 (mentor, +0), 1 (+0.1), 2 (+0): a mean of 0.1 / 3.
  CHECK(o.value(O::satisfaction_change, 0) == Approx(0.1 / 3.0).epsilon(1e-6));
  // All the arm's active initial staff (here the same three), and by minority: agent 1 (+0.1) alone is
  // a minority member; agents 0 and 2 changed by 0.
  CHECK(o.value(O::satisfaction_change_staff, 0) == Approx(0.1 / 3.0).epsilon(1e-6));
  CHECK(o.subgroup(O::satisfaction_change_staff, Subgroup::minority, 0, 1) == Approx(0.1).epsilon(1e-6));
  CHECK(o.subgroup(O::satisfaction_change_staff, Subgroup::minority, 0, 0) == 0.0);
  // Skill gain over the active initial staff 0, 1, 2.
  CHECK(o.value(O::skill_gain, 0, index_of(Domain::digital)) == Approx(0.25 / 3.0).epsilon(1e-6));
  CHECK(std::isnan(o.value(O::optimality_gap, 0)));  // no matching round logged
  // Minority coverage 1 (agent 1): odds infinite, so the odds ratio is NaN.
  CHECK(std::isnan(o.value(O::minority_coverage_odds_ratio, 0)));
  // Nobody's considering-leaving answer changed.
  CHECK(o.value(O::considering_leaving_change, 0) == 0.0);
  // Every active initial member (0, 1, 2) is in the one unit: the mean flattening is its 0.125.
  CHECK(o.value(O::hierarchy_flattening, 0) == Approx(0.125));
}

TEST_CASE("the meeting-quality correlation and the intent-leaving phi are the hand-computed ones",
          "[engine][outcomes]") {
  // Meetings: three dyads of 8 weeks at week 8 (x = meetings / 8 = 0.25, 0.5, 0.75; final quality
  // 0.2, 0.6, 0.7) and one of 2 weeks (left out: under 4 weeks). Pearson r by hand: mean x 0.5,
  // mean y 0.5, Sxy = (-0.25)(-0.3) + 0 + (0.25)(0.2) = 0.125, Sxx = 0.125, Syy = 0.09 + 0.01 + 0.04
  // = 0.14: r = 0.125 / sqrt(0.125 * 0.14) = 0.9449.
  const Scenario scenario = test::tiny_scenario(5, test::kReverseProgram);
  std::vector<test::TinyAgent> agents(5);
  agents[0].stage = CareerStage::early_career;
  for (std::size_t a = 1; a < 5; ++a) agents[a].stage = CareerStage::senior;
  SimulationState state(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  const std::array<float, 3> quality = {0.2f, 0.6f, 0.7f};
  for (AgentId m = 1; m <= 3; ++m) {
    const DyadId d = test::add_dyad(state, 0, m, quality[m - 1]);
    state.dyads.meetings[d] = 2 * m;
  }
  state.step = 6;
  const DyadId brief = test::add_dyad(state, 0, 4, 0.9f);
  state.dyads.meetings[brief] = 2;
  state.step = 8;
  const Outcomes o = compute_outcomes(state);
  CHECK(o.value(Outcome::meeting_quality_correlation, 0) == Approx(0.125 / std::sqrt(0.125 * 0.14)));
  // The phi needs a run of at least 52 weeks (this one has 20).
  CHECK(std::isnan(o.value(Outcome::intent_leaving_phi, 0)));
}

TEST_CASE("the intent-leaving phi is the 2 x 2 table's", "[engine][outcomes]") {
  // Four initial staff: considering leaving at week 0 (k) 1, 1, 0, 0; left within 52 weeks: yes, no,
  // no, no (one left at week 60: not within the year). Table: n11 = 1, n10 = 1, n01 = 0, n00 = 2:
  // phi = (1 * 2 - 1 * 0) / sqrt(2 * 2 * 1 * 3) = 2 / sqrt(12) = 0.5774.
  const Scenario scenario = Scenario::parse(
      "[run]\nweeks = 104\n[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 4\nunits = 1\n"
      "stages = { early_career = 1.0 }\n[dynamics.turnover.promotion_rate]\nearly_career = 0.0\n",
      "t.toml");
  SimulationState state(scenario, 0, test::tiny_world(std::vector<test::TinyAgent>(4), {}, 0.7, 0.2));
  state.baseline.considering_leaving = {1, 1, 0, 0};
  state.population.left[0] = 30;
  state.population.left[2] = 60;
  state.step = 104;
  const Outcomes o = compute_outcomes(state);
  CHECK(o.value(Outcome::intent_leaving_phi, 0) == Approx(2.0 / std::sqrt(12.0)));
}

TEST_CASE("fit, rating and the quality correlations on a tiny world", "[engine][outcomes][fit]") {
  // Mentor 0 and three mentees. Dyads with (similarity, fit, final quality):
  // (0.2, -1, 0.3), (0.5, 0, 0.5), (0.8, 2, 0.4); the last self-identified.
  const Scenario scenario = test::tiny_scenario(4, test::kReverseProgram);
  auto agents = test::junior_and_senior(1.0f);
  agents.push_back(agents[1]);
  agents.push_back(agents[1]);
  SimulationState state(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  const std::array<float, 3> sim{0.2f, 0.5f, 0.8f}, fit{-1.0f, 0.0f, 2.0f}, q{0.3f, 0.5f, 0.4f};
  for (AgentId k = 0; k < 3; ++k) {
    const DyadId d = test::add_dyad(state, 0, k + 1, q[k]);
    state.dyads.similarity[d] = sim[k];
    state.dyads.fit[d] = fit[k];
  }
  state.dyads.formation[2] = Formation::self_identified;
  const Outcomes o = compute_outcomes(state);
  using O = Outcome;
  CHECK(o.value(O::fit, 0, index_of(Formation::assigned)) == Approx(-0.5));
  CHECK(o.value(O::fit, 0, index_of(Formation::self_identified)) == Approx(2.0));
  CHECK(o.value(O::rating, 0, index_of(Formation::assigned)) == Approx(1.0 + 4.0 * 0.4));  // mean q 0.4
  CHECK(o.value(O::rating, 0, index_of(Formation::self_identified)) == Approx(2.6));
  // similarity vs quality: deviations (-0.3, 0, 0.3) and (-0.1, 0.1, 0):
  // sum dx dy = (-0.3)(-0.1) + 0 (0.1) + 0.3 (0) = 0.03; sum dx^2 = 0.18; sum dy^2 = 0.02:
  // r = 0.03 / sqrt(0.0036) = 0.5.
  CHECK(o.value(O::similarity_quality_corr, 0) == Approx(0.5).epsilon(1e-5));
  // fit vs quality: fit deviations (-4/3, -1/3, 5/3): sum dx dy = 0.1333 - 0.0333 + 0 = 0.1;
  // sum dx^2 = (16 + 1 + 25) / 9 = 14/3: r = 0.1 / sqrt(14/3 * 0.02) = 0.3273.
  CHECK(o.value(O::fit_quality_corr, 0) == Approx(0.1 / std::sqrt(14.0 / 3.0 * 0.02)).epsilon(1e-5));
}

TEST_CASE("a correlation over fewer than three dyads is NaN", "[engine][outcomes][fit]") {
  const Scenario scenario = test::tiny_scenario(2, test::kReverseProgram);
  SimulationState state(scenario, 0, test::tiny_world(test::junior_and_senior(1.0f), {}, 0.7, 0.2));
  test::add_dyad(state, 0, 1, 0.5f);
  const Outcomes o = compute_outcomes(state);
  CHECK(std::isnan(o.value(Outcome::similarity_quality_corr, 0)));
}

TEST_CASE(
    "the share-with-a-mentor outcomes count informal and formal mentors at week 0, the program's last week "
    "and the end",
    "[engine][outcomes][informal]") {
  // Six initial staff of one arm with a reverse program starting at week 2 for 10 weeks (last week 11),
  // run 20 weeks: 0 senior; 1, 2, 3, 4 early career (1 minority); 5 mid career. Program eligibility as
  // enrolment would set it: 0 and 5 eligible mentees, 1 and 2 eligible mentors.
  // Dyads (mentor -> mentee, formation, start, end):
  //   a: 0 -> 1 informal, weeks 0 .. still active;   b: 5 -> 2 informal, 0 .. ended at 5 (natural end);
  //   c: 1 -> 0 assigned, 2 .. 12 (program end);      d: 0 -> 3 informal, 8 .. active;
  //   e: 2 -> 5 assigned, 2 .. 12.
  // Staff below senior at week 0: 1..5. With a mentor at week 0 (informal dyads started at week 0): 1, 2:
  // mentor_share_start = 2/5 = 0.4; minority (1) 1/1 and majority (2..5) 1/4: odds ratio undefined (share 1).
  // In week 11: mentees with an active dyad: 1 (a), 0 (c), 3 (d), 5 (e); among 1..5: 1, 3, 5 -> 3/5.
  // At the end (week 20): active dyads a, d: mentees 1, 3 -> 2/5 (mentor_share_end, informal_share_end).
  // Eligible mentees 0, 5: at week 0 neither had a mentor -> 0; in week 11 both -> 1.
  // Eligible mentors 1, 2: mentoring at week 0: 2? no, 2 is a mentee; 1 is a mentee: 0 -> 0; week 11:
  // 1 (c) and 2 (e) -> 1.
  // Informal only: 1 (a), 2 (b), 3 (d); formal only: 0 (c), 5 (e). Satisfaction changes set below:
  // informal only (0.1 + 0.2 + 0.3) / 3 = 0.2; formal only (-0.1 + 0.1) / 2 = 0.
  const Scenario scenario = Scenario::parse(
      "[run]\nweeks = 20\n[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 6\n"
      "units = 1\nstages = { early_career = 0.5, senior = 0.5 }\n"
      "[program]\nkind = \"reverse\"\nstart_week = 2\nduration_weeks = 10\n"
      "[dynamics.turnover.promotion_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.0\n",
      "t.toml");
  std::vector<test::TinyAgent> agents(6);
  agents[0].stage = CareerStage::senior;
  agents[5].stage = CareerStage::mid_career;
  agents[1].minority = true;
  SimulationState state(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  state.program.eligible = {kMenteeRole, kMentorRole, kMentorRole, 0, 0, kMenteeRole};
  auto add = [&](AgentId mentor, AgentId mentee, Formation formation, Step start, Step end, EndReason reason) {
    NewDyad d;
    d.mentor = mentor;
    d.mentee = mentee;
    d.formation = formation;
    const DyadId id = state.dyads.add(d, start);
    if (end != kNever) state.dyads.finish(id, end, reason);
  };
  add(0, 1, Formation::informal, 0, kNever, EndReason::active);
  add(5, 2, Formation::informal, 0, 5, EndReason::natural_end);
  add(1, 0, Formation::assigned, 2, 12, EndReason::program_end);
  add(0, 3, Formation::informal, 8, kNever, EndReason::active);
  add(2, 5, Formation::assigned, 2, 12, EndReason::program_end);
  const std::array<float, 6> change{-0.1f, 0.1f, 0.2f, 0.3f, 0.0f, 0.1f};
  for (AgentId a = 0; a < 6; ++a) state.population.satisfaction[a] = state.baseline.satisfaction[a] + change[a];
  state.step = 20;
  const Outcomes o = compute_outcomes(state);
  using O = Outcome;
  CHECK(o.value(O::mentor_share_start, 0) == Approx(0.4));
  CHECK(o.subgroup(O::mentor_share_start, Subgroup::minority, 0, 1) == Approx(1.0));
  CHECK(o.subgroup(O::mentor_share_start, Subgroup::minority, 0, 0) == Approx(0.25));
  CHECK(std::isnan(o.value(O::mentor_odds_ratio_start, 0)));
  CHECK(o.value(O::mentor_share_program_end, 0) == Approx(0.6));
  CHECK(o.value(O::mentor_share_end, 0) == Approx(0.4));
  CHECK(o.value(O::informal_share_end, 0) == Approx(0.4));
  CHECK(o.value(O::eligible_mentor_share_start, 0) == Approx(0.0));
  CHECK(o.value(O::eligible_mentor_share_program_end, 0) == Approx(1.0));
  CHECK(o.value(O::eligible_mentoring_share_start, 0) == Approx(0.0));
  CHECK(o.value(O::eligible_mentoring_share_program_end, 0) == Approx(1.0));
  CHECK(o.value(O::satisfaction_change_informal_only, 0) == Approx(0.2));
  CHECK(o.value(O::satisfaction_change_formal_only, 0) == Approx(0.0).margin(1e-7));
  // Program dyad outcomes leave the informal dyads out: 2 program dyads, both ended at the program's end.
  CHECK(o.value(O::dyads, 0) == 2.0);
  CHECK(o.value(O::end_share, 0, index_of(EndReason::program_end)) == Approx(1.0));
  CHECK(o.value(O::quality, 0, index_of(Formation::informal)) == Approx(0.5));
}

TEST_CASE("the cost outcomes are the hand-counted meeting hours per mentee and per unit of skill gained",
          "[engine][outcomes][cost]") {
  // A blended reverse program: meeting_hours 1.5, half the meetings virtual at half the time, in-person
  // meetings across institutions twice as long (travel 1). Agent 0 mentors agent 1 (same institution:
  // m = 0.5 * 1 + 0.5 * 0.5 = 0.75, 1.125 hours a meeting) and agent 2 (another institution: m = 0.5 * 2 +
  // 0.5 * 0.5 = 1.25, 1.875 hours a meeting). Dyad 0 met 4 times, dyad 1 twice.
  const Scenario scenario = test::tiny_scenario(
      3,
      "[program]\nkind = \"reverse\"\nstart_week = 0\nmeeting_mode = \"blended\"\n"
      "[dynamics.meetings]\nmeeting_hours = 1.5\nvirtual_time_factor = 0.5\ncross_institution_travel = 1.0\n"
      "blended_virtual_share = 0.5\n");
  auto agents = test::junior_and_senior(1.0f);
  agents.push_back(agents[1]);
  SimulationState state(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  test::move_to_second_institution(state, 2);
  const DyadId near = test::add_dyad(state, 0, 1, 0.5f);
  const DyadId far = test::add_dyad(state, 0, 2, 0.5f);
  state.dyads.meetings[near] = state.dyads.mentor_meetings[near] = 4;
  state.dyads.meetings[far] = state.dyads.mentor_meetings[far] = 2;
  // Skill gains of the participants: 0.25 + 0.05 + 0.2 = 0.5.
  state.population.skills(1, Domain::digital) += 0.25f;
  state.population.skills(2, Domain::clinical) += 0.05f;
  state.population.skills(0, Domain::teaching) += 0.2f;
  const Outcomes o = compute_outcomes(state);
  using O = Outcome;
  // Mentor: 4 * 1.125 + 2 * 1.875 = 8.25 hours over 2 mentees; the mentees as many: 16.5 in all.
  CHECK(o.value(O::mentor_hours_per_mentee, 0) == Approx(4.125));
  CHECK(o.value(O::program_hours_per_mentee, 0) == Approx(8.25));
  CHECK(o.value(O::hours_per_skill_gain, 0) == Approx(16.5 / 0.5).epsilon(1e-5));

  // Without a program dyad the costs are NaN.
  SimulationState idle(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  const Outcomes none = compute_outcomes(idle);
  CHECK(std::isnan(none.value(O::mentor_hours_per_mentee, 0)));
  CHECK(std::isnan(none.value(O::hours_per_skill_gain, 0)));
}

TEST_CASE("the career outcomes are the hand-counted promotion rates and shares and weeks and odds ratio",
          "[engine][outcomes][career]") {
  // 52 weeks. Agent 0 (senior) mentors; the others are initial staff below senior at week 0:
  //   agent  stage         promoted  left  mentored (a dyad as mentee from week 0)                 at risk
  //   1      early_career  26        -     yes (dyad from week 0)                                 26
  //   2      early_career  -         -     no: its dyad starts at week 10                          52
  //   3      early_career  -         13    no                                                     13
  //   4      student       13        -     no (minority)                                          13
  //   5      early_career  -         -     no                                                     52
  //   6      early_career  39        -     no: its dyad starts at week 40                          39
  //   7      early_career  -         -     yes (dyad from week 0)                                 52
  // Promotions 3 over 247 weeks at risk: 3 / 247 * 52 a year. Early career: 2 over 234 weeks = 4/9 a
  // year; student: 1 over 13 weeks = 4 a year. Program mentees 1, 2, 6, 7: 2 over 169 weeks = 8/13.
  // Odds ratio over the early-career staff who did not leave unpromoted (1, 2, 5, 6, 7): mentored at week 0
  // 1 promoted (1) and 1 not (7); not mentored 1 promoted (6) and 2 not (2, 5): (1 * 2) / (1 * 1) = 2.
  const Scenario scenario = test::tiny_scenario(8, test::kReverseProgram);
  std::vector<test::TinyAgent> agents(8);
  agents[0].stage = CareerStage::senior;
  agents[4].stage = CareerStage::student;
  agents[4].minority = true;
  SimulationState state(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  Population& pop = state.population;
  test::add_dyad(state, 0, 1, 0.5f);
  test::add_dyad(state, 0, 7, 0.5f);
  state.step = 10;
  test::add_dyad(state, 0, 2, 0.5f);
  state.step = 40;
  test::add_dyad(state, 0, 6, 0.5f);
  state.step = 52;
  pop.promoted[1] = 26;
  pop.promoted[4] = 13;
  pop.promoted[6] = 39;
  pop.left[3] = 13;
  for (AgentId a : {1u, 6u}) pop.stage[a] = CareerStage::mid_career;
  pop.stage[4] = CareerStage::early_career;

  const Outcomes o = compute_outcomes(state);
  using O = Outcome;
  CHECK(o.value(O::promotion_rate, 0) == Approx(3.0 / 247.0 * 52.0));
  CHECK(o.value(O::promotion_rate_by_stage, 0, index_of(CareerStage::early_career)) == Approx(4.0 / 9.0));
  CHECK(o.value(O::promotion_rate_by_stage, 0, index_of(CareerStage::student)) == Approx(4.0));
  CHECK(std::isnan(o.value(O::promotion_rate_by_stage, 0, index_of(CareerStage::mid_career))));  // nobody
  CHECK(std::isnan(o.value(O::promotion_rate_by_stage, 0, index_of(CareerStage::senior))));
  CHECK(o.value(O::promotion_rate_mentees, 0) == Approx(8.0 / 13.0));
  CHECK(o.subgroup(O::promotion_rate, Subgroup::minority, 0, 1) == Approx(4.0));
  CHECK(o.subgroup(O::promotion_rate, Subgroup::minority, 0, 0) == Approx(4.0 / 9.0));
  CHECK(o.value(O::promoted_share, 0) == Approx(3.0 / 7.0));
  CHECK(o.subgroup(O::promoted_share, Subgroup::minority, 0, 1) == 1.0);
  CHECK(o.value(O::weeks_to_promotion, 0) == Approx(26.0));  // (26 + 13 + 39) / 3
  CHECK(o.value(O::weeks_to_promotion_by_stage, 0, index_of(CareerStage::early_career)) == Approx(32.5));
  CHECK(o.value(O::weeks_to_promotion_by_stage, 0, index_of(CareerStage::student)) == Approx(13.0));
  CHECK(o.value(O::promotion_odds_ratio_mentored, 0) == Approx(2.0));

  // Without a promoted unmentored agent a cell of the table is empty: the odds ratio is NaN.
  pop.promoted[6] = kNever;
  CHECK(std::isnan(compute_outcomes(state).value(O::promotion_odds_ratio_mentored, 0)));
}

TEST_CASE("enthusiasm and leadership flow and research outcomes are the hand-computed means and rates",
          "[engine][outcomes][issue16]") {
  // Agent 0 (early career) mentors agent 1 (senior) in a reverse dyad; 2 (early career) and 3 (senior) do
  // not take part, and 3 left at week 26. 52 weeks. Every workload is 0.6, so every rest enthusiasm is
  // 0.05 * 0.7 / (0.05 + 0.02) = 0.5 (defaults).
  const Scenario scenario = test::tiny_scenario(4, test::kReverseProgram);
  auto agents = test::junior_and_senior(0.5f);
  agents.push_back(agents[0]);
  agents.push_back(agents[1]);
  SimulationState state(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  const DyadId d = test::add_dyad(state, 0, 1, 0.5f);
  REQUIRE(state.dyads.type[d] == DyadType::reverse);
  state.step = 52;
  state.population.left[3] = 26;
  state.enthusiasm = {0.7f, 0.55f, 0.4f, 0.9f};
  state.leadership_flows.to_mentor = {0.03f};
  state.leadership_flows.to_mentee = {0.01f};
  state.research.papers = {2, 1, 0, 3};
  state.research.new_directions = {1, 0, 0, 1};
  const Outcomes o = compute_outcomes(state);
  using O = Outcome;
  // Enthusiasm change of active initial staff: 0 +0.2 (mentor), 1 +0.05 (mentee), 2 -0.1; 3 has left.
  CHECK(o.value(O::enthusiasm_change, 0) == Approx(0.125).epsilon(1e-5));
  CHECK(o.value(O::enthusiasm_change_mentors, 0) == Approx(0.2).epsilon(1e-5));
  CHECK(o.value(O::enthusiasm_change_mentees, 0) == Approx(0.05).epsilon(1e-4));
  CHECK(o.value(O::enthusiasm_change_staff, 0) == Approx(0.05).epsilon(1e-4));
  // Leadership: the one reverse dyad gave its mentor 0.03 and its mentee 0.01; the mentor is at an earlier
  // stage than its mentee, so it is also the cross-generational mean.
  CHECK(o.value(O::leadership_flow_mentor, 0, index_of(DyadType::reverse)) == Approx(0.03));
  CHECK(o.value(O::leadership_flow_mentee, 0, index_of(DyadType::reverse)) == Approx(0.01));
  CHECK(std::isnan(o.value(O::leadership_flow_mentor, 0, index_of(DyadType::traditional))));
  CHECK(o.value(O::leadership_flow_cross_generational, 0) == Approx(0.03));
  // Research: 6 papers and 2 new directions over 52 + 52 + 52 + 26 = 182 weeks; participants 0 and 1: 3
  // papers and 1 direction over 104 weeks.
  CHECK(o.value(O::papers_per_year, 0) == Approx(6.0 / 182.0 * 52.0));
  CHECK(o.value(O::new_directions_per_year, 0) == Approx(2.0 / 182.0 * 52.0));
  CHECK(o.value(O::papers_per_year_participants, 0) == Approx(1.5));
  CHECK(o.value(O::new_directions_per_year_participants, 0) == Approx(0.5));
}
