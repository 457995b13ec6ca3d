// Relationship quality and failure (src/dynamics/relationships.cpp) on tiny worlds with
// hand-computed answers (docs/model.md 7.11).

#include <catch2/catch.hpp>

#include <cmath>

#include "mentorsim/dynamics/relationships.hpp"
#include "mentorsim/program/teaching.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

TEST_CASE("a dyad whose quality falls below the threshold ends with its failure cause", "[dynamics][relationships]") {
  // Role ambiguity 1 makes every meeting fail; at q = 1 poor communication weighs 0 and the mentor's
  // confidence 1 removes power imbalance, so the only cause is role ambiguity.
  const Scenario scenario = tiny_scenario(2,
                                          "[program]\nkind = \"reverse\"\nstart_week = 0\n"
                                          "[dynamics.relationships]\nrole_ambiguity = 1.0\nfailure_loss = 0.85\n");
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  state.dyads.met[d] = 1;
  CHECK(success_probability(scenario.dynamics().relationships, state.population, scenario.dynamics().status,
                            state.dyads, d) == 0.0);
  RelationshipsStage stage;
  run_stage(stage, state);
  CHECK(state.dyads.quality[d] == Approx(0.15));  // 1 - 0.85 * 1
  CHECK_FALSE(state.dyads.active(d));
  CHECK(state.dyads.end_reason[d] == EndReason::role_ambiguity);
  CHECK(state.dyads.end[d] == 0);
  CHECK(state.program.mentor_load[0] == 0);
  CHECK(state.program.mentee_load[1] == 0);
  // The meeting was held and counted for both partners.
  CHECK(state.dyads.meetings[d] == 1);
  CHECK(state.meeting_counts[0] == 1);
  CHECK(state.meeting_counts[1] == 1);
}

TEST_CASE("a dyad that never meets for lack of time erodes and ends for lack of time", "[dynamics][relationships]") {
  const Scenario scenario = tiny_scenario(2,
                                          "[program]\nkind = \"reverse\"\nstart_week = 0\ncadence_weeks = 1\n"
                                          "[dynamics.relationships]\nmissed_loss = 0.5\ntime_hazard = 0.0\n"
                                          "quality_hazard = 0.0\n");
  auto agents = junior_and_senior(1.0f);
  agents[1].time_budget = 0.1f;  // availability 0.25: shortage 1 - 0.25 = 0.75
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.5f);
  state.dyads.met[d] = 0;
  RelationshipsStage stage;
  run_stage(stage, state);
  CHECK(state.dyads.quality[d] == Approx(0.5 - 0.5 * 0.75));  // missed_loss * shortage / cadence
  CHECK_FALSE(state.dyads.active(d));
  CHECK(state.dyads.end_reason[d] == EndReason::lack_of_time);
  CHECK(state.meeting_counts[0] == 0);
}

TEST_CASE("role ambiguity and power imbalance follow their equations", "[dynamics][relationships]") {
  const Scenario scenario = tiny_scenario(2,
                                          "[program]\nkind = \"reverse\"\nstart_week = 0\nmentor_training = true\n"
                                          "[dynamics.relationships]\nrole_ambiguity = 0.4\ntraining_effect = 0.5\n");
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(0.5f), {}, 0.8, 0.25));
  const DyadId d = add_dyad(state, 0, 1, 0.6f);
  const RelationshipParams& p = scenario.dynamics().relationships;
  CHECK(role_ambiguity(p, state.dyads, d) == Approx(0.4 * 0.5));  // a trained mentor halves it
  // The trained mentor's first dyad raised its confidence: c = 0.5 + 0.2 (1 - 0.5) = 0.6.
  // h (1 - c_mentor)(1 - psi) = 0.8 * 0.4 * 0.75 = 0.24, the junior mentoring the senior.
  CHECK(power_imbalance(state.population, scenario.dynamics().status, state.dyads, d) == Approx(0.24));
  // (1/2 + q/2)(1 - a)(1 - f) = 0.8 * 0.8 * 0.76 = 0.4864
  CHECK(success_probability(p, state.population, scenario.dynamics().status, state.dyads, d) == Approx(0.4864));
}

TEST_CASE("a pair's latent fit lowers its poor-communication share", "[dynamics][relationships][fit]") {
  const Scenario scenario = tiny_scenario(2, std::string(kReverseProgram) +
                                                 "[dynamics.relationships]\nfit_communication = 0.1\n"
                                                 "role_ambiguity = 0.0\n");
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.6f);
  const RelationshipParams& p = scenario.dynamics().relationships;
  // m = clamp(1/2 - q/2 - 0.1 fit, 0, 1): 0.2 at fit 0, 0.1 at fit 1, 0.35 at fit -1.5, 0 at fit 3.
  CHECK(poor_communication(p, state.dyads, d) == Approx(0.2));
  state.dyads.fit[d] = 1.0f;
  CHECK(poor_communication(p, state.dyads, d) == Approx(0.1));
  // No ambiguity, no imbalance (mentor confidence 1): success is 1 - m.
  CHECK(success_probability(p, state.population, scenario.dynamics().status, state.dyads, d) == Approx(0.9));
  state.dyads.fit[d] = -1.5f;
  CHECK(poor_communication(p, state.dyads, d) == Approx(0.35));
  state.dyads.fit[d] = 3.0f;
  CHECK(poor_communication(p, state.dyads, d) == 0.0);
}

TEST_CASE("a new dyad's quality starts from similarity and latent fit", "[dynamics][relationships][fit]") {
  const Scenario scenario =
      tiny_scenario(2, std::string(kReverseProgram) +
                           "[dynamics.relationships]\ninitial_quality = 0.6\nsimilarity_weight = 0.3\n"
                           "fit_quality_weight = 0.1\nself_identified_bonus = 0.05\n");
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  ProgramWorld world{state.population, state.population.confidence, state.network, state.dyads, state.program};
  const double sim = similarity(state.population, 0, 1);
  // q0 = 0.6 + 0.3 (s - 1/2) + 0.1 fit [+ 0.05 self-identified]
  const DyadId assigned = form_dyad(world, scenario, 0, 1, 0, Formation::assigned, kNoDyad, 0, 1.5);
  CHECK(state.dyads.quality[assigned] == Approx(0.6 + 0.3 * (sim - 0.5) + 0.15));
  CHECK(state.dyads.fit[assigned] == 1.5f);
  CHECK(std::isnan(state.dyads.fit_perceived[assigned]));
  const DyadId chosen = form_dyad(world, scenario, 0, 1, 0, Formation::self_identified, kNoDyad, 0, -2.0, 0.5f);
  CHECK(state.dyads.quality[chosen] == Approx(0.6 + 0.3 * (sim - 0.5) - 0.2 + 0.05));
  CHECK(state.dyads.fit_perceived[chosen] == 0.5f);
}

TEST_CASE("a peer pair has no power imbalance even after a promotion and base role ambiguity",
          "[dynamics][relationships][peer]") {
  // Hierarchy 1, mentor confidence 0, psi 0.2: a mentor below its mentee would give f = 0.8.
  const Scenario scenario = tiny_scenario(2, "[program]\nkind = \"peer\"\nstart_week = 0\n");
  TinyAgent peer;
  peer.confidence = 0.0f;
  SimulationState state(scenario, 0, tiny_world({peer, peer}, {}, 1.0, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  state.population.stage[1] = CareerStage::senior;
  CHECK(power_imbalance(state.population, scenario.dynamics().status, state.dyads, d) == 0.0);
  CHECK(state.dyad_constants.power_hierarchy[d] == 0.0);
  // q = 1, fit 0 (communication failure 0): p_success = 1 - base_ambiguity = 0.95.
  state.dyads.fit[d] = 0.0f;
  CHECK(success_probability(scenario.dynamics().relationships, state.population, scenario.dynamics().status,
                            state.dyads, d) == Approx(0.95));
}

TEST_CASE("a circle meeting counts once in its mentor's meetings and in mentor_meetings",
          "[dynamics][relationships][cost]") {
  // A circle of two dyads (mentor 0, mentees 1 and 2) that both attend this week's meeting.
  const Scenario scenario = tiny_scenario(3, "[program]\nkind = \"group\"\nstart_week = 0\n");
  TinyAgent senior;
  senior.stage = CareerStage::senior;
  SimulationState state(scenario, 0, tiny_world({senior, TinyAgent{}, TinyAgent{}}, {}, 0.0, 0.5));
  const DyadId first = add_dyad(state, 0, 1, 1.0f);
  const DyadId second = add_dyad(state, 0, 2, 1.0f);
  state.dyads.group[second] = first;
  state.dyads.met[first] = state.dyads.met[second] = 1;
  RelationshipsStage relationships;
  run_stage(relationships, state);
  CHECK(state.dyads.meetings[first] == 1);
  CHECK(state.dyads.meetings[second] == 1);
  CHECK(state.dyads.mentor_meetings[first] == 1);
  CHECK(state.dyads.mentor_meetings[second] == 0);
  CHECK(state.meeting_counts[0] == 1);
}

TEST_CASE("mentee preparation removes preparation_effect of the role ambiguity left", "[dynamics][relationships]") {
  // Reverse role ambiguity 0.2, training_effect 0.6, preparation_effect 0.3: prepared 0.2 * 0.7 = 0.14;
  // trained and prepared 0.2 * 0.4 * 0.7 = 0.056.
  for (const auto& [keys, expected] : {std::pair{"mentee_preparation = true\n", 0.14},
                                       {"mentee_preparation = true\nmentor_training = true\n", 0.056},
                                       {"", 0.2}}) {
    const Scenario scenario =
        tiny_scenario(2, std::string("[program]\nkind = \"reverse\"\nstart_week = 0\n") + keys +
                             "[dynamics.relationships]\nrole_ambiguity = 0.2\ntraining_effect = 0.6\n"
                             "preparation_effect = 0.3\n");
    SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
    const DyadId d = add_dyad(state, 0, 1, 1.0f);
    INFO(keys);
    CHECK(role_ambiguity(scenario.dynamics().relationships, state.dyads, d) == Approx(expected));
  }
}

TEST_CASE("profession and minority status add to a dyad's power imbalance", "[dynamics][relationships][status]") {
  // Defaults: status medicine 1.0 and nursing 0.4, dyad_status_weight 0.5, dyad_minority_weight 0.2.
  const Scenario scenario = tiny_scenario(4, kReverseProgram);
  const StatusParams& status = scenario.dynamics().status;
  std::vector<TinyAgent> agents(4);
  agents[0].stage = CareerStage::senior;  // a senior minority nurse mentoring ...
  agents[0].profession = Profession::nursing;
  agents[0].minority = true;
  agents[1].stage = CareerStage::senior;        // ... a senior physician of the majority
  agents[2].stage = CareerStage::early_career;  // a junior nurse mentoring a senior physician
  agents[2].profession = Profession::nursing;
  agents[3].stage = CareerStage::senior;
  for (TinyAgent& a : agents) a.confidence = 0.5f;
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.8, 0.25));
  // P = 0 (same stage) + 0.5 (1.0 - 0.4) + 0.2 = 0.5; junior nurse: 1 + 0.3 = 1.3. The reverse is 0.
  CHECK(dyad_power_distance(state.population, 0, 1, status) == Approx(0.5));
  CHECK(dyad_power_distance(state.population, 2, 3, status) == Approx(1.3));
  CHECK(dyad_power_distance(state.population, 1, 0, status) == 0.0);
  const DyadId peer = add_dyad(state, 0, 1, 0.6f);
  const DyadId junior = add_dyad(state, 2, 3, 0.6f);
  const DyadId downward = add_dyad(state, 1, 0, 0.6f);
  // f = h P (1 - phi)(1 - c_mentor)(1 - psi) = 0.8 * 0.5 * 1 * 0.5 * 0.75 = 0.15; junior: 0.8 * 1.3 * 0.375 = 0.39.
  CHECK(power_imbalance(state.population, status, state.dyads, peer) == Approx(0.15));
  CHECK(power_imbalance(state.population, status, state.dyads, junior) == Approx(0.39));
  CHECK(power_imbalance(state.population, status, state.dyads, downward) == 0.0);
  // The dyad constants hold h P, and the cached value is the same.
  CHECK(state.dyad_constants.power_hierarchy[junior] == Approx(0.8 * 1.3));
  const Population& pop = state.population;
  CHECK(cached_power_imbalance(state.dyad_constants, pop.confidence, pop.psych_safety, pop.flattening, state.dyads,
                               junior) == Approx(0.39));
  // A unit whose hierarchy was flattened by a quarter: f = 0.39 * 0.75 = 0.2925.
  state.population.flattening[0] = 0.25f;
  CHECK(power_imbalance(state.population, status, state.dyads, junior) == Approx(0.2925));
  CHECK(cached_power_imbalance(state.dyad_constants, pop.confidence, pop.psych_safety, pop.flattening, state.dyads,
                               junior) == Approx(0.2925));
  // With both dyad weights 0 only career stage counts, as before status entered.
  const Scenario stage_only = tiny_scenario(
      4, std::string(kReverseProgram) + "[dynamics.status]\ndyad_status_weight = 0.0\ndyad_minority_weight = 0.0\n");
  CHECK(dyad_power_distance(state.population, 0, 1, stage_only.dynamics().status) == 0.0);
  CHECK(dyad_power_distance(state.population, 2, 3, stage_only.dynamics().status) == 1.0);
}

TEST_CASE("at the default gains a meeting raises an untrained reverse pair's quality on average below an imbalance",
          "[dynamics][relationships][meetings]") {
  // Eby et al. 2013: interaction frequency and relationship quality, rho 0.25. A junior mentor and a
  // senior mentee, h = 0.7, psi = 0.5, q = 0.6, fit 0, untrained: m = 1/2 - 0.6/2 = 0.2, a = 0.2, and
  // E[dq | meeting] = p * 0.12 * (1 - 0.6) - (1 - p) * 0.091 * 0.6 (calibrated failure_loss 0.091) is
  // positive when p > 0.0546 / 0.1026 = 0.53216, i.e. power imbalance f < 1 - 0.53216 / 0.64 = 0.1685.
  // Mentor confidence 0.6: f = 0.7 * 1 * 0.5 * 0.4 = 0.14, p = 0.8 * 0.8 * 0.86 = 0.5504,
  // E = 0.0264192 - 0.4496 * 0.0546 = 0.00187104 > 0.
  // Mentor confidence 0.5: f = 0.175, p = 0.528, E = 0.025344 - 0.472 * 0.0546 = -0.0004272 < 0 (it was
  // +0.002688 with failure_loss 0.08 before the calibration, and -0.021336 with the gains 0.1 and 0.15).
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  const RelationshipParams& p = scenario.dynamics().relationships;
  {
    SimulationState unequal(scenario, 0, tiny_world(junior_and_senior(0.5f), {}, 0.7, 0.5));
    const DyadId d = add_dyad(unequal, 0, 1, 0.6f);
    unequal.dyads.fit[d] = 0.0f;
    const double success = success_probability(p, unequal.population, scenario.dynamics().status, unequal.dyads, d);
    REQUIRE(success == Approx(0.528));
    CHECK(success * p.success_gain * (1.0 - 0.6) - (1.0 - success) * p.failure_loss * 0.6 == Approx(-0.0004272));
  }
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(0.6f), {}, 0.7, 0.5));
  const DyadId d = add_dyad(state, 0, 1, 0.6f);
  state.dyads.fit[d] = 0.0f;
  const double success = success_probability(p, state.population, scenario.dynamics().status, state.dyads, d);
  REQUIRE(success == Approx(0.5504));
  const double expected = success * p.success_gain * (1.0 - 0.6) - (1.0 - success) * p.failure_loss * 0.6;
  CHECK(expected == Approx(0.00187104));
  // The stage moves q by exactly one of the two steps.
  state.dyads.met[d] = 1;
  RelationshipsStage stage;
  run_stage(stage, state);
  const double q = state.dyads.quality[d];
  const bool up = q == Approx(0.6 + 0.12 * 0.4);
  const bool down = q == Approx(0.6 - 0.091 * 0.6);
  CHECK(up != down);
  CHECK(up == (state.dyads.succeeded[d] == 1));
}
