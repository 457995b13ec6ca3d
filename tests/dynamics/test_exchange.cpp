// Knowledge exchange (src/dynamics/exchange.cpp) on tiny worlds with hand-computed answers
// (docs/model.md section 7.9 gives the equations).

#include <catch2/catch.hpp>

#include "mentorsim/dynamics/exchange.hpp"
#include "mentorsim/program/teaching.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

namespace {
constexpr std::size_t kDigital = index_of(Domain::digital);
}  // namespace

TEST_CASE("a reverse dyad that meets moves the senior's digital skill by the exchange equation",
          "[dynamics][exchange]") {
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.8f);
  state.dyads.met[d] = 1;
  ExchangeStage stage;
  run_stage(stage, state);
  // eta q absorb (s_T - s_L)(1 - s_L) damp = 0.2 * 0.8 * 0.5 * (0.9 - 0.3) * (1 - 0.3) * 1 = 0.0336;
  // the mentor's confidence is 1, so power distance does not damp the upward flow.
  CHECK(state.skills_next.at(1, kDigital) == Approx(0.3 + 0.0336).epsilon(1e-6));
  // Reverse mentoring has no back-flow: the junior's clinical skill is untouched by the senior.
  CHECK(state.skills_next(0, Domain::clinical) == Approx(0.4f));
  // The mentor learns by mentoring: teaching += role_learning q (1 - s) = 0.01 * 0.8 * 0.5 = 0.004.
  CHECK(state.skills_next(0, Domain::teaching) == Approx(0.504).epsilon(1e-6));
  // The week-t skills are only read.
  CHECK(state.population.skills.at(1, kDigital) == 0.3f);
}

TEST_CASE("power distance 0 vs 1 damps the upward flow as the equation says", "[dynamics][exchange]") {
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  auto gain_with_hierarchy = [&](double h) {
    SimulationState state(scenario, 0, tiny_world(junior_and_senior(0.5f), {}, h, 0.2));
    const DyadId d = add_dyad(state, 0, 1, 0.8f);
    state.dyads.met[d] = 1;
    ExchangeStage stage;
    run_stage(stage, state);
    return state.skills_next.at(1, kDigital) - 0.3;
  };
  // damp = 1 - h (1 - c_mentor)(1 - psi) = 1 - 1 * 0.5 * 0.8 = 0.6 at h = 1, and 1 at h = 0.
  CHECK(gain_with_hierarchy(0.0) == Approx(0.0336).epsilon(1e-5));
  CHECK(gain_with_hierarchy(1.0) == Approx(0.0336 * 0.6).epsilon(1e-5));
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(0.5f), {}, 1.0, 0.2));
  CHECK(power_distance_damping(state.population, scenario.dynamics().status, 0, 1) == Approx(0.6));
  CHECK(power_distance_damping(state.population, scenario.dynamics().status, 1, 0) ==
        1.0);  // a senior teacher is not damped
}

TEST_CASE("a reciprocal dyad teaches back with weight back_flow", "[dynamics][exchange]") {
  const Scenario scenario = tiny_scenario(2,
                                          "[program]\nkind = \"reciprocal\"\nstart_week = 0\n"
                                          "[dynamics.exchange]\nback_flow = 0.5\n");
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.8f);
  state.dyads.met[d] = 1;
  ExchangeStage stage;
  run_stage(stage, state);
  // Senior teaches clinical down: 0.2 * 0.5 * q 0.8 * absorb 1 * (0.8 - 0.4) * (1 - 0.4) = 0.0192.
  CHECK(state.skills_next(0, Domain::clinical) == Approx(0.4 + 0.0192).epsilon(1e-6));
  CHECK(state.skills_next.at(1, kDigital) == Approx(0.3336).epsilon(1e-6));
}

TEST_CASE("peers teach each other every domain whoever is the mentor and feel no power distance from stage",
          "[dynamics][exchange][peer]") {
  // Two early-career peers: A (clinical 0.8, digital 0.2), B (clinical 0.4, digital 0.6), openness 1,
  // quality 1, rate 0.2, role_learning 0. One meeting: B's clinical gains 0.2 (0.8 - 0.4)(1 - 0.4) =
  // 0.048, A's digital 0.2 (0.6 - 0.2)(1 - 0.2) = 0.064; the other domains are equal (0.5): no flow.
  const Scenario scenario =
      tiny_scenario(2, "[program]\nkind = \"peer\"\nstart_week = 0\n[dynamics.exchange]\nrole_learning = 0.0\n");
  TinyAgent a;
  a.skills = {0.8f, 0.2f, 0.5f, 0.5f, 0.5f, 0.5f};
  a.confidence = 0.0f;
  TinyAgent b;
  b.skills = {0.4f, 0.6f, 0.5f, 0.5f, 0.5f, 0.5f};
  b.confidence = 0.0f;
  for (const bool a_mentors : {true, false}) {
    for (const bool promoted : {false, true}) {
      INFO("A mentors: " << a_mentors << ", the mentee promoted to senior: " << promoted);
      SimulationState state(scenario, 0, tiny_world({a, b}, {}, 0.7, 0.2));
      const DyadId d = a_mentors ? add_dyad(state, 0, 1, 1.0f) : add_dyad(state, 1, 0, 1.0f);
      CHECK(state.dyads.type[d] == DyadType::peer);
      // A promotion after formation: a reverse flow would now be damped by 1 - 0.7 (1 - 0)(1 - 0.2) =
      // 0.44 (the teacher's confidence is 0); a peer flow is not.
      if (promoted) state.population.stage[state.dyads.mentee[d]] = CareerStage::senior;
      state.dyads.met[d] = 1;
      ExchangeStage stage;
      run_stage(stage, state);
      CHECK(state.skills_next(1, Domain::clinical) == Approx(0.448).epsilon(1e-6));
      CHECK(state.skills_next(0, Domain::digital) == Approx(0.264).epsilon(1e-6));
      CHECK(state.skills_next(0, Domain::clinical) == Approx(0.8f));
      CHECK(state.skills_next(1, Domain::digital) == Approx(0.6f));
      CHECK(state.skills_next(0, Domain::research) == Approx(0.5f));
    }
  }
}

TEST_CASE("both peers learn by mentoring", "[dynamics][exchange][peer]") {
  // Equal skills (no flow): each partner's teaching and leadership += role_learning q (1 - s) =
  // 0.01 * 0.8 * 0.5 = 0.004.
  const Scenario scenario = tiny_scenario(2, "[program]\nkind = \"peer\"\nstart_week = 0\n");
  SimulationState state(scenario, 0, tiny_world({TinyAgent{}, TinyAgent{}}, {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.8f);
  state.dyads.met[d] = 1;
  ExchangeStage stage;
  run_stage(stage, state);
  for (AgentId x : {0u, 1u}) {
    CHECK(state.skills_next(x, Domain::teaching) == Approx(0.504).epsilon(1e-6));
    CHECK(state.skills_next(x, Domain::leadership) == Approx(0.504).epsilon(1e-6));
    CHECK(state.skills_next(x, Domain::clinical) == Approx(0.5f));
  }
}

TEST_CASE("profession status and minority status damp a flow between partners of the same stage",
          "[dynamics][exchange][status]") {
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  auto gain = [&](bool minority, float flattening) {
    // The junior_and_senior pair made peers: a senior nurse (digital 0.9, confidence 0.5) teaches a
    // senior physician (digital 0.3, openness 0.5); h = 1, psi = 0.2.
    auto agents = junior_and_senior(0.5f);
    agents[0].stage = CareerStage::senior;
    agents[0].profession = Profession::nursing;
    agents[0].minority = minority;
    SimulationState state(scenario, 0, tiny_world(agents, {}, 1.0, 0.2));
    state.population.flattening[0] = flattening;
    const DyadId d = add_dyad(state, 0, 1, 0.8f);
    state.dyads.met[d] = 1;
    ExchangeStage stage;
    run_stage(stage, state);
    return state.skills_next.at(1, kDigital) - 0.3;
  };
  // P = 0.5 (1.0 - 0.4) = 0.3: damp = 1 - 1 * 0.3 * (1 - 0.5)(1 - 0.2) = 0.88; undamped gain 0.0336.
  CHECK(gain(false, 0.0f) == Approx(0.0336 * 0.88).epsilon(1e-5));
  // A minority nurse: P = 0.3 + 0.2 = 0.5, damp = 1 - 0.5 * 0.4 = 0.8.
  CHECK(gain(true, 0.0f) == Approx(0.0336 * 0.8).epsilon(1e-5));
  // A unit whose hierarchy was halved: damp = 1 - 0.5 * 0.5 * 0.4 = 0.9.
  CHECK(gain(true, 0.5f) == Approx(0.0336 * 0.9).epsilon(1e-5));
}

TEST_CASE("a network mentee with two mentors receives each mentor's domain only", "[dynamics][exchange][network]") {
  // Juniors 0 and 2 (digital and culture/wellbeing 0.9, confidence 1: no damping) both mentor senior 1
  // (digital 0.3, culture/wellbeing 0.4, openness 0.5), junior 0 for digital, junior 2 for
  // culture/wellbeing (docs/model.md 7.20); both dyads meet at quality 0.8.
  //   digital from junior 0 only:  0.2 * 0.8 * 0.5 * (0.9 - 0.3) * (1 - 0.3) = 0.0336
  //   culture from junior 2 only:  0.2 * 0.8 * 0.5 * (0.9 - 0.4) * (1 - 0.4) = 0.024
  // Without the split each dyad would teach both: twice as much of each.
  const Scenario scenario = tiny_scenario(3, kReverseProgram);
  auto agents = junior_and_senior(1.0f);
  agents[0].skills[index_of(Domain::culture_wellbeing)] = 0.9f;
  agents[1].skills[index_of(Domain::culture_wellbeing)] = 0.4f;
  agents.push_back(agents[0]);
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  const DyadId digital = add_dyad(state, 0, 1, 0.8f);
  const DyadId culture = add_dyad(state, 2, 1, 0.8f);
  state.dyads.domains[digital] = domain_bit(Domain::digital);
  state.dyads.domains[culture] = domain_bit(Domain::culture_wellbeing);
  state.dyads.met[digital] = 1;
  state.dyads.met[culture] = 1;
  ExchangeStage stage;
  run_stage(stage, state);
  CHECK(state.skills_next.at(1, kDigital) == Approx(0.3 + 0.0336).epsilon(1e-6));
  CHECK(state.skills_next(1, Domain::culture_wellbeing) == Approx(0.4 + 0.024).epsilon(1e-6));
  // Both mentors learn by mentoring: teaching += 0.01 * 0.8 * 0.5 = 0.004 each.
  CHECK(state.skills_next(0, Domain::teaching) == Approx(0.504).epsilon(1e-6));
  CHECK(state.skills_next(2, Domain::teaching) == Approx(0.504).epsilon(1e-6));
}

TEST_CASE("the exchange stage books each dyad's leadership deltas to its mentor and its mentee",
          "[dynamics][exchange][leadership]") {
  // A traditional dyad: the senior (agent 1, leadership 0.9) mentors the junior (agent 0, leadership 0.5,
  // openness 1), quality 0.8. The mentee's leadership flow: eta q absorb (s_T - s_L)(1 - s_L) damp = 0.2 * 0.8
  // * 1 * 0.4 * 0.5 * 1 = 0.032 (a senior teacher is not damped); the mentor learns leadership by mentoring:
  // role_learning q (1 - s) = 0.01 * 0.8 * 0.1 = 0.0008.
  const Scenario scenario = tiny_scenario(2, "[program]\nkind = \"traditional\"\nstart_week = 0\n");
  auto agents = junior_and_senior(1.0f);
  agents[1].skills[index_of(Domain::leadership)] = 0.9f;
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 1, 0, 0.8f);
  state.dyads.met[d] = 1;
  ExchangeStage stage;
  run_stage(stage, state);
  REQUIRE(state.leadership_flows.to_mentee.size() == 1);
  CHECK(state.leadership_flows.to_mentee[d] == Approx(0.032).epsilon(1e-5));
  CHECK(state.leadership_flows.to_mentor[d] == Approx(0.0008).epsilon(1e-4));
  // The booked flows are the skill changes themselves.
  CHECK(state.skills_next(0, Domain::leadership) - 0.5f == Approx(state.leadership_flows.to_mentee[d]).margin(1e-6));
  CHECK(state.skills_next(1, Domain::leadership) - 0.9f == Approx(state.leadership_flows.to_mentor[d]).margin(1e-6));
  // A second week adds to the account.
  run_stage(stage, state);
  CHECK(state.leadership_flows.to_mentee[d] == Approx(0.064).epsilon(1e-5));
}
