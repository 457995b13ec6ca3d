// Confidence (src/dynamics/confidence.cpp) on tiny worlds with hand-computed answers (docs/model.md 7.12).

#include <catch2/catch.hpp>

#include "mentorsim/dynamics/confidence.hpp"
#include "mentorsim/dynamics/relationships.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

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
  RelationshipsStage relationships;
  run_stage(relationships, state);
  CHECK(state.dyads.succeeded[d] == 1);
  CHECK(state.dyads.quality[d] == 1.0f);
  CHECK(state.dyads.meetings[d] == 1);
  ConfidenceStage confidence;
  run_stage(confidence, state);
  CHECK(state.population.confidence[0] == Approx(0.5 + 0.05 * 0.5));  // empowerment of the reverse mentor
  CHECK(state.population.confidence[1] ==
        Approx(0.6 + 0.12 * 0.4));  // the mentee's self-efficacy (mentee_efficacy 0.12)
}

TEST_CASE("a failed meeting costs the mentor confidence and leaves the mentee's", "[dynamics][confidence]") {
  const Scenario scenario = tiny_scenario(2, kReverseProgram + std::string("[dynamics.confidence]\nsetback = 0.1\n"));
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(0.5f), {}, 0.0, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  state.dyads.met[d] = 1;
  state.dyads.succeeded[d] = 0;
  ConfidenceStage stage;
  run_stage(stage, state);
  CHECK(state.population.confidence[0] == Approx(0.5 - 0.1 * 0.5));  // c -= setback c
  CHECK(state.population.confidence[1] == 0.5f);
}

TEST_CASE("a successful peer meeting raises both peers' confidence as a mentee's", "[dynamics][confidence][peer]") {
  // mentee_efficacy 0.12 for both partners: 0.5 + 0.12 * 0.5 = 0.56 (no empowerment for peers).
  const Scenario scenario = tiny_scenario(2, "[program]\nkind = \"peer\"\nstart_week = 0\n");
  TinyAgent peer;
  peer.confidence = 0.5f;
  SimulationState state(scenario, 0, tiny_world({peer, peer}, {}, 0.0, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  state.dyads.met[d] = 1;
  state.dyads.succeeded[d] = 1;
  ConfidenceStage confidence;
  run_stage(confidence, state);
  CHECK(state.population.confidence[0] == Approx(0.56));
  CHECK(state.population.confidence[1] == Approx(0.56));
}
