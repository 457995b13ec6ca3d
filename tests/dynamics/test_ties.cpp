// Ties and social capital (src/dynamics/ties.cpp) on tiny worlds with hand-computed answers
// (docs/model.md 7.13).

#include <catch2/catch.hpp>

#include "mentorsim/dynamics/ties.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

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
  TiesStage ties;
  run_stage(ties, state);
  // Decay: 0.6 + 0.1 (0.5 - 0.6) = 0.59; then the bond: 0.59 + 0.1 (1 - 0.59) = 0.631, on both arcs.
  CHECK(state.network.weight(0, 1) == Approx(0.631));
  CHECK(state.network.weight(1, 0) == Approx(0.631));
  CHECK(state.network.weight(1, 2) == Approx(0.4));  // at its routine already
  CHECK(state.new_ties.empty());
}

TEST_CASE("partners without a tie get one of bond_initial at the next merge", "[dynamics][ties]") {
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  state.dyads.succeeded[d] = 1;
  TiesStage ties;
  run_stage(ties, state);
  REQUIRE(state.new_ties.size() == 1);
  CHECK_FALSE(state.network.has_tie(0, 1));  // not before the merge
  std::vector<StageNote> notes;
  auto context = test::context_of<TiesStage>(state, notes);
  ties.merge(context);
  CHECK(state.network.weight(0, 1) == Approx(0.3));
  CHECK(state.new_ties.empty());
}

TEST_CASE("the tie stage merges at the end of every merge_interval weeks", "[dynamics][ties]") {
  const Scenario scenario = tiny_scenario(2, kReverseProgram + std::string("[dynamics.ties]\nmerge_interval = 4\n"));
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  TiesStage ties;
  for (Step week = 0; week < 4; ++week) {
    state.step = week;
    state.dyads.succeeded[d] = week == 1 ? 1 : 0;
    run_stage(ties, state);
    // The bond made in week 1 waits until the end of week 3 ((3 + 1) % 4 == 0).
    CHECK(state.network.has_tie(0, 1) == (week == 3));
  }
}

TEST_CASE("a virtual meeting builds a weaker bond", "[dynamics][ties][virtual]") {
  // bond_gain 0.1, virtual_bond_factor 0.5, no decay, no introductions: an in-person meeting takes the
  // tie from 0.6 to 0.6 + 0.1 (1 - 0.6) = 0.64, a virtual one to 0.6 + 0.05 (0.4) = 0.62 and a blended
  // one (half virtual: factor 0.75) to 0.6 + 0.075 (0.4) = 0.63.
  for (const auto& [mode, expected] : {std::pair{"in_person", 0.64}, {"virtual", 0.62}, {"blended", 0.63}}) {
    const Scenario scenario =
        tiny_scenario(2, std::string("[program]\nkind = \"reverse\"\nstart_week = 0\nmeeting_mode = \"") + mode +
                             "\"\n[dynamics.ties]\nintroduction_probability = 0.0\nvirtual_bond_factor = 0.5\n");
    SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {Tie{0, 1, 0.6f, 0.6f}}, 0.7, 0.2));
    const DyadId d = add_dyad(state, 0, 1, 1.0f);
    state.dyads.succeeded[d] = 1;
    TiesStage ties;
    run_stage(ties, state);
    INFO(mode);
    CHECK(state.network.weight(0, 1) == Approx(expected));
  }
}

TEST_CASE("a virtual meeting makes introductions at virtual_bond_factor times the rate", "[dynamics][ties][virtual]") {
  // introduction_probability 1 and virtual_bond_factor 0.5: each partner introduces with probability
  // 0.5 per successful meeting. Agent 0's colleague 2 and agent 1's colleague 3 can be introduced.
  // 500 weeks (before the first merge at week 519), two partners each: 1,000 trials, 4 SE of a
  // proportion near 0.25 is 0.055 (in person the rate would be 0.5).
  const Scenario scenario = tiny_scenario(
      4,
      "[program]\nkind = \"reverse\"\nstart_week = 0\nmeeting_mode = \"virtual\"\n"
      "[dynamics.ties]\nintroduction_probability = 1.0\nvirtual_bond_factor = 0.5\nmerge_interval = 520\n");
  auto agents = junior_and_senior(1.0f);
  agents.push_back(TinyAgent{});
  agents.push_back(TinyAgent{});
  SimulationState state(
      scenario, 0, tiny_world(agents, {Tie{0, 1, 0.5f, 0.5f}, Tie{0, 2, 0.5f, 0.5f}, Tie{1, 3, 0.5f, 0.5f}}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  TiesStage ties;
  constexpr int kWeeks = 500;
  int introduced = 0;
  int possible = 0;
  for (Step week = 0; week < kWeeks; ++week) {
    state.step = week;
    state.dyads.succeeded[d] = 1;
    state.new_ties.clear();
    run_stage(ties, state);
    // Each partner picks one of the other's two contacts: the partner itself (no tie made) or the
    // other contact; so an introduction is made with probability 0.5 (the rate) * 0.5 (the pick).
    introduced += static_cast<int>(state.new_ties.size());
    possible += 2;
  }
  CHECK(static_cast<double>(introduced) / possible == Approx(0.25).margin(0.055));
}

TEST_CASE("a sponsoring mentor introduces its mentee to a contact at another institution",
          "[dynamics][ties][sponsorship]") {
  // Mentor 0 and mentee 1 at "h"; the mentor knows 2 (at "u") and 3 (at "h"). With
  // sponsor_introduction 1 and no ordinary introductions, a successful meeting ties 1 to 2, the only
  // contact at another institution; without sponsorship nothing.
  for (const bool sponsoring : {true, false}) {
    const Scenario scenario =
        tiny_scenario(4, std::string("[program]\nkind = \"reverse\"\nstart_week = 0\nmentor_sponsorship = ") +
                             (sponsoring ? "true" : "false") +
                             "\n[dynamics.ties]\nintroduction_probability = 0.0\nsponsor_introduction = 1.0\n");
    auto agents = junior_and_senior(1.0f);
    agents.push_back(TinyAgent{});
    agents.push_back(TinyAgent{});
    SimulationState state(
        scenario, 0,
        tiny_world(agents, {Tie{0, 1, 0.5f, 0.5f}, Tie{0, 2, 0.5f, 0.5f}, Tie{0, 3, 0.5f, 0.5f}}, 0.7, 0.2));
    test::move_to_second_institution(state, 2);
    const DyadId d = add_dyad(state, 0, 1, 1.0f);
    state.dyads.succeeded[d] = 1;
    TiesStage ties;
    run_stage(ties, state);
    INFO("sponsoring: " << sponsoring);
    if (sponsoring) {
      REQUIRE(state.new_ties.size() == 1);
      CHECK(state.new_ties[0].a == 1);
      CHECK(state.new_ties[0].b == 2);
      CHECK(state.new_ties[0].weight == Approx(0.2f));
    } else {
      CHECK(state.new_ties.empty());
    }
  }
}
