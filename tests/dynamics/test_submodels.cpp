// Each submodel on a tiny world with a hand-computed answer (docs/model.md gives the equations).

#include <catch2/catch.hpp>

#include <array>
#include <cmath>

#include "mentorsim/dynamics/confidence.hpp"
#include "mentorsim/dynamics/culture.hpp"
#include "mentorsim/dynamics/diffusion.hpp"
#include "mentorsim/dynamics/exchange.hpp"
#include "mentorsim/dynamics/meetings.hpp"
#include "mentorsim/dynamics/relationships.hpp"
#include "mentorsim/dynamics/satisfaction.hpp"
#include "mentorsim/dynamics/ties.hpp"
#include "mentorsim/dynamics/turnover.hpp"
#include "mentorsim/program/calendar.hpp"
#include "mentorsim/world/world.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

namespace {

constexpr std::size_t kDigital = index_of(Domain::digital);

// A junior mentor (agent 0) and a senior mentee (agent 1) in one unit.
std::vector<TinyAgent> junior_and_senior(float mentor_confidence) {
  TinyAgent junior;
  junior.stage = CareerStage::early_career;
  junior.skills = {0.4f, 0.9f, 0.5f, 0.5f, 0.5f, 0.5f};
  junior.confidence = mentor_confidence;
  TinyAgent senior;
  senior.stage = CareerStage::senior;
  senior.skills = {0.8f, 0.3f, 0.5f, 0.5f, 0.5f, 0.5f};
  senior.openness = 0.5f;
  return {junior, senior};
}

DyadId add_dyad(SimulationState& state, AgentId mentor, AgentId mentee, float quality) {
  ProgramWorld world{state.population, state.network, state.dyads, state.program};
  const DyadId d = form_dyad(world, *state.scenario, mentor, mentee, 0, Formation::assigned, kNoDyad, state.step);
  state.dyads.quality[d] = quality;
  state.active_dyads = state.dyads.active_ids();
  return d;
}

const char* const kReverse = "[program]\nkind = \"reverse\"\nstart_week = 0\n";

}  // namespace

TEST_CASE("a reverse dyad that meets moves the senior's digital skill by the exchange equation",
          "[dynamics][exchange]") {
  const Scenario scenario = tiny_scenario(2, kReverse);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.8f);
  state.dyads.met[d] = 1;
  exchange_knowledge(state);
  // eta q absorb (s_T - s_L)(1 - s_L) damp = 0.2 * 0.8 * 0.5 * (0.9 - 0.3) * (1 - 0.3) * 1 = 0.0336;
  // the mentor's confidence is 1, so power distance does not damp the upward flow.
  CHECK(state.skills_next.at(1, kDigital) == Approx(0.3 + 0.0336).epsilon(1e-6));
  // Reverse mentoring has no back-flow: the junior's clinical skill is untouched by the senior.
  CHECK(state.skills_next(0, Domain::clinical) == Approx(0.4f));
  // The mentor learns by mentoring: teaching += role_learning q (1 - s) = 0.01 * 0.8 * 0.5 = 0.004.
  CHECK(state.skills_next(0, Domain::teaching) == Approx(0.504).epsilon(1e-6));
}

TEST_CASE("power distance 0 vs 1 damps the upward flow as the equation says", "[dynamics][exchange]") {
  const Scenario scenario = tiny_scenario(2, kReverse);
  auto gain_with_hierarchy = [&](double h) {
    SimulationState state(scenario, 0, tiny_world(junior_and_senior(0.5f), {}, h, 0.2));
    const DyadId d = add_dyad(state, 0, 1, 0.8f);
    state.dyads.met[d] = 1;
    exchange_knowledge(state);
    return state.skills_next.at(1, kDigital) - 0.3;
  };
  // damp = 1 - h (1 - c_mentor)(1 - psi) = 1 - 1 * 0.5 * 0.8 = 0.6 at h = 1, and 1 at h = 0.
  CHECK(gain_with_hierarchy(0.0) == Approx(0.0336).epsilon(1e-5));
  CHECK(gain_with_hierarchy(1.0) == Approx(0.0336 * 0.6).epsilon(1e-5));
}

TEST_CASE("a reciprocal dyad teaches back with weight back_flow", "[dynamics][exchange]") {
  const Scenario scenario = tiny_scenario(2,
                                          "[program]\nkind = \"reciprocal\"\nstart_week = 0\n"
                                          "[dynamics.exchange]\nback_flow = 0.5\n");
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.8f);
  state.dyads.met[d] = 1;
  exchange_knowledge(state);
  // Senior teaches clinical down: 0.2 * 0.5 * q 0.8 * absorb 1 * (0.8 - 0.4) * (1 - 0.4) = 0.0192.
  CHECK(state.skills_next(0, Domain::clinical) == Approx(0.4 + 0.0192).epsilon(1e-6));
  CHECK(state.skills_next.at(1, kDigital) == Approx(0.3336).epsilon(1e-6));
}

TEST_CASE("the meeting probability follows cadence, availability and quality", "[dynamics][meetings]") {
  const Scenario scenario = tiny_scenario(2, "[program]\nkind = \"reverse\"\nstart_week = 0\ncadence_weeks = 4\n");
  auto agents = junior_and_senior(1.0f);
  agents[1].time_budget = 0.2f;  // half of the 0.4 a meeting needs
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.6f);
  // (1/4) * 1 * 0.5 * (0.5 + 0.5 * 0.6) = 0.1
  CHECK(meeting_probability(state, d) == Approx(0.1));

  const Scenario weekly = tiny_scenario(2, "[program]\nkind = \"reverse\"\nstart_week = 0\ncadence_weeks = 1\n");
  SimulationState sure(weekly, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId e = add_dyad(sure, 0, 1, 1.0f);
  CHECK(meeting_probability(sure, e) == 1.0);
  hold_meetings(sure);
  CHECK(sure.dyads.met[e] == 1);
}

TEST_CASE("a dyad whose quality falls below the threshold ends with its failure cause", "[dynamics][relationships]") {
  // Role ambiguity 1 makes every meeting fail; at q = 1 poor communication weighs 0 and the mentor's
  // confidence 1 removes power imbalance, so the only cause is role ambiguity.
  const Scenario scenario = tiny_scenario(2,
                                          "[program]\nkind = \"reverse\"\nstart_week = 0\n"
                                          "[dynamics.relationships]\nrole_ambiguity = 1.0\nfailure_loss = 0.85\n");
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  state.dyads.met[d] = 1;
  CHECK(success_probability(state, d) == 0.0);
  update_relationships(state);
  CHECK(state.dyads.quality[d] == Approx(0.15));  // 1 - 0.85 * 1
  CHECK_FALSE(state.dyads.active(d));
  CHECK(state.dyads.end_reason[d] == EndReason::role_ambiguity);
  CHECK(state.dyads.end[d] == 0);
  CHECK(state.program.mentor_load[0] == 0);
  CHECK(state.program.mentee_load[1] == 0);
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
  update_relationships(state);
  CHECK(state.dyads.quality[d] == Approx(0.5 - 0.5 * 0.75));  // missed_loss * shortage / cadence
  CHECK_FALSE(state.dyads.active(d));
  CHECK(state.dyads.end_reason[d] == EndReason::lack_of_time);
}

TEST_CASE("a successful meeting raises quality and the partners' confidence", "[dynamics][relationships][confidence]") {
  const Scenario scenario = tiny_scenario(2,
                                          "[program]\nkind = \"reverse\"\nstart_week = 0\n"
                                          "[dynamics.relationships]\nrole_ambiguity = 0.0\n");
  auto agents = junior_and_senior(0.5f);
  agents[1].confidence = 0.6f;
  // Hierarchy 0: no power imbalance; q = 1: p_success = 1.
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.0, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  state.dyads.met[d] = 1;
  update_relationships(state);
  CHECK(state.dyads.succeeded[d] == 1);
  CHECK(state.dyads.quality[d] == 1.0f);
  CHECK(state.dyads.meetings[d] == 1);
  update_confidence(state);
  CHECK(state.population.confidence[0] == Approx(0.5 + 0.05 * 0.5));  // empowerment of the reverse mentor
  CHECK(state.population.confidence[1] == Approx(0.6 + 0.02 * 0.4));  // the mentee's self-efficacy
}

TEST_CASE("informal diffusion pulls an agent toward a more skilled colleague", "[dynamics][diffusion]") {
  const Scenario scenario = Scenario::parse(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 2\nunits = 1\n"
      "[dynamics.diffusion]\nrate = 0.1\n",
      "t.toml");
  TinyAgent low;
  low.skills = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f};
  TinyAgent high;
  high.skills = {0.6f, 0.6f, 0.6f, 0.6f, 0.6f, 0.6f};
  SimulationState state(scenario, 0, tiny_world({low, high}, {Tie{0, 1, 1.0f}}, 0.5, 0.5));
  exchange_knowledge(state);  // copies week-t skills into the next buffer
  diffuse_informally(state);
  // epsilon absorb (w / W)(s_j - s_i)(1 - s_i) = 0.1 * 1 * 1 * 0.4 * 0.8 = 0.032; nothing flows down.
  CHECK(state.population.skills(0, Domain::digital) == Approx(0.232));
  CHECK(state.population.skills(1, Domain::digital) == Approx(0.6f));
}

TEST_CASE("ties decay toward their routine strength and mentoring bonds them", "[dynamics][ties]") {
  const Scenario scenario =
      tiny_scenario(3,
                    "[program]\nkind = \"reverse\"\nstart_week = 0\n"
                    "[network]\ntie_decay = 0.1\n[dynamics.ties]\nintroduction_probability = 0.0\n");
  auto agents = junior_and_senior(1.0f);
  agents.push_back(TinyAgent{});
  // 0-1 at strength 0.6 with routine 0.5; 1-2 at its routine 0.4.
  SimulationState state(scenario, 0, tiny_world(agents, {Tie{0, 1, 0.6f, 0.5f}, Tie{1, 2, 0.4f}}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  state.dyads.succeeded[d] = 1;
  update_ties(state);
  // Decay: 0.6 + 0.1 (0.5 - 0.6) = 0.59; then the bond: 0.59 + 0.1 (1 - 0.59) = 0.631, on both arcs.
  CHECK(state.network.weight(0, 1) == Approx(0.631));
  CHECK(state.network.weight(1, 0) == Approx(0.631));
  CHECK(state.network.weight(1, 2) == Approx(0.4));  // at its routine already
  // Partners without a tie get one of bond_initial at the next merge.
  const Scenario fresh = tiny_scenario(2, "[program]\nkind = \"reverse\"\nstart_week = 0\n");
  SimulationState strangers(fresh, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId e = add_dyad(strangers, 0, 1, 1.0f);
  strangers.dyads.succeeded[e] = 1;
  update_ties(strangers);
  REQUIRE(strangers.pending_ties.size() == 1);
  merge_ties(strangers);
  CHECK(strangers.network.weight(0, 1) == Approx(0.3));
}

TEST_CASE("satisfaction stays at baseline without a program and rises in a good dyad", "[dynamics][satisfaction]") {
  const Scenario scenario = tiny_scenario(2, kReverse);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  update_satisfaction(state);
  CHECK(state.population.satisfaction[0] == Approx(0.65f));
  add_dyad(state, 0, 1, 0.9f);
  update_satisfaction(state);
  // Target = 0.65 + 0.3 (0.9 - 0.5) - 0.1 min(1, (0.4 / 4) / 1) = 0.76; S += 0.05 (0.76 - 0.65).
  CHECK(state.population.satisfaction[0] == Approx(0.65 + 0.05 * 0.11).epsilon(1e-5));
  // Intent to leave at the reference satisfaction is the baseline intent.
  CHECK(intent_to_leave(scenario.dynamics().turnover, 0.65) == Approx(0.188));
}

TEST_CASE("a leaver is replaced by an early-career hire and its dyads end", "[dynamics][turnover]") {
  // Everyone starts at the reference satisfaction (intent = baseline_intent = 0.01, the week-0 mean of
  // every stage); the senior's intent then rises to 1, 100 times that mean: certain leaving.
  const Scenario scenario = Scenario::parse(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 3\nunits = 1\n"
      "stages = { early_career = 0.5, senior = 0.5 }\n"
      "[program]\nkind = \"reverse\"\nstart_week = 0\n"
      "[dynamics.turnover]\nbaseline_intent = 0.01\nsatisfaction_slope = 100.0\n"
      "[dynamics.turnover.annual_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.0\nsenior = 0.5\n",
      "t.toml");
  auto agents = junior_and_senior(1.0f);
  agents[1].satisfaction = 0.65f;
  agents[1].profession = Profession::pharmacy;
  agents.push_back(TinyAgent{});
  SimulationState state(scenario, 0, tiny_world(agents, {Tie{0, 1, 0.5f}}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.8f);
  state.step = 3;
  CHECK(state.intent_reference[index_of(CareerStage::senior)] == Approx(0.01));
  state.population.intent_to_leave[1] = 1.0f;
  CHECK(weekly_leaving_probability(state, 1) == 1.0);
  CHECK(weekly_leaving_probability(state, 0) == 0.0);
  turnover_and_hiring(state);
  CHECK(state.population.left[1] == 4);  // the first week without them
  CHECK(state.population.active(0));
  CHECK(state.dyads.end_reason[d] == EndReason::leaving);
  CHECK(state.program.mentor_load[0] == 0);
  REQUIRE(state.population.size() == 4);
  CHECK(state.population.stage[3] == CareerStage::early_career);
  CHECK(state.population.profession[3] == Profession::pharmacy);
  CHECK(state.population.unit[3] == 0);
  CHECK(state.population.hired[3] == 4);
  CHECK(state.population.external_id[3] == 3);
  merge_ties(state);
  CHECK(state.network.vertex_count() == 4);
  CHECK_FALSE(state.network.has_tie(0, 1));  // the leaver's ties are gone
}

TEST_CASE("unit culture moves toward more safety with good reverse dyads and sponsorship", "[dynamics][culture]") {
  const Scenario scenario = tiny_scenario(2, "[program]\nkind = \"reverse\"\nstart_week = 0\nsponsorship = 0.5\n");
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  add_dyad(state, 0, 1, 0.9f);
  state.program.enrolled[0] = kMentorRole;
  update_culture(state);
  // Target = 0.2 + 0.5 * (2 of 2 members in a good dyad) + 0.1 * 0.5 = 0.75; psi += 0.02 (0.75 - 0.2).
  CHECK(state.population.psych_safety[0] == Approx(0.2 + 0.02 * 0.55).epsilon(1e-5));
}

TEST_CASE("at week 0 each stage leaves at its annual rate on average", "[dynamics][turnover]") {
  // h_i = w_stage * I_i / mean(I of the stage), so the stage mean of h is w_stage exactly (no agent
  // reaches the cap at default parameters): 1 - (1 - annual)^(1/52).
  const Scenario scenario = Scenario::parse("[population]\nsize = 3000\n", "t.toml");
  const RandomSource random(scenario.run().seed, 0);
  SimulationState state(scenario, 0, mentorsim::build_world(scenario, random));
  const auto& annual = scenario.dynamics().turnover.annual_rate;
  std::array<double, mentorsim::kStages> sum{};
  std::array<double, mentorsim::kStages> count{};
  for (AgentId a = 0; a < state.population.size(); ++a) {
    const std::size_t stage = index_of(state.population.stage[a]);
    sum[stage] += weekly_leaving_probability(state, a);
    count[stage] += 1.0;
  }
  for (std::size_t stage = 0; stage < mentorsim::kStages; ++stage) {
    REQUIRE(count[stage] > 0.0);
    INFO("stage " << stage);
    CHECK(sum[stage] / count[stage] == Approx(1.0 - std::pow(1.0 - annual[stage], 1.0 / 52.0)).epsilon(1e-6));
  }
}
