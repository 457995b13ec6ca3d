// Informal mentoring (src/dynamics/informal.cpp) on tiny worlds with hand-computed answers, and its
// statistical properties with fixed seeds (docs/model.md 7.18).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "mentorsim/dynamics/informal.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/program/pairing/pairing.hpp"
#include "mentorsim/program/pairing/self_identified.hpp"
#include "mentorsim/program/teaching.hpp"
#include "mentorsim/world/world.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

namespace {

// Every seeker seeks, dares and is accepted, and ranks its candidates by id (no similarity or fit in
// the ranking): approach probability 1 - 1e-12, reluctance 0, availability 1 (time budget 1).
std::string certain_informal(int capacity, double seek_rate) {
  return "[dynamics.approach]\napproach_base = 0.999999999999\npower_weight = 0.0\nconfidence_weight = 0.0\n"
         "reluctance_weight = 0.0\nhomophily_weight = 0.0\nfit_choice_weight = 0.0\n"
         "[dynamics.informal]\ninitial_seek = 1.0\nseek_rate = " +
         std::to_string(seek_rate) + "\ncapacity = " + std::to_string(capacity) + "\n";
}

TinyAgent staff_at(CareerStage stage) {
  TinyAgent a;
  a.stage = stage;
  return a;
}

// Seniors 0 and 1, early-career 2..5, students 6 and 7. Ties 0-2, 0-3, 1-4, 6-7, 7-1. Candidates
// (1- and 2-hop contacts at a later stage): 2 -> {0}; 3 -> {0}; 4 -> {1}; 5 -> {} (no ties);
// 7 -> {1, 4}; 6 -> {1} (via 7; 7 is a student like 6). By id, 2 and 3 ask 0, and 4, 6 and 7 ask 1.
// Seniors have no one at a later stage and do not seek; 0 and 1 are each other's 2-hop contacts but
// at the same stage.
std::vector<TinyAgent> eight_staff() {
  return {staff_at(CareerStage::senior),       staff_at(CareerStage::senior),       staff_at(CareerStage::early_career),
          staff_at(CareerStage::early_career), staff_at(CareerStage::early_career), staff_at(CareerStage::early_career),
          staff_at(CareerStage::student),      staff_at(CareerStage::student)};
}
std::vector<Tie> eight_staff_ties() {
  return {Tie{0, 2, 0.5f}, Tie{0, 3, 0.5f}, Tie{1, 4, 0.5f}, Tie{6, 7, 0.5f}, Tie{7, 1, 0.5f}};
}

std::size_t informal_dyads(const DyadTable& dyads) {
  std::size_t n = 0;
  for (DyadId d = 0; d < dyads.size(); ++d) n += dyads.formation[d] == Formation::informal && dyads.active(d);
  return n;
}

// The week-0 search as docs/model.md 7.18 states it, ranking every candidate by its exact value (as the
// stage did before it bounded the values): (mentee, mentor) of each seeker's accepted proposal. With
// initial_seek 1 every eligible agent seeks.
std::set<std::pair<AgentId, AgentId>> informal_proposals_ranking_all(const SimulationState& state) {
  const Population& pop = state.population;
  const CollegialNetwork& net = state.network;
  const DynamicsSpec& dynamics = state.scenario->dynamics();
  const ApproachParams& approach = dynamics.approach;
  const InformalParams& p = dynamics.informal;
  std::set<std::pair<AgentId, AgentId>> out;
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (!pop.active(a) || pop.stage[a] == CareerStage::senior) continue;
    if (state.program.informal_mentee_load[a] > 0 || state.program.mentee_load[a] > 0) continue;
    Stream stream = state.random.stream(0, Purpose::informal, a);
    stream.next_u32();  // whether it seeks (always, at initial_seek 1)
    stream.next_u32();  // its booking order
    std::set<AgentId> contacts;
    auto add = [&](AgentId c) {
      if (c != a && pop.active(c) && pop.stage[c] > pop.stage[a] &&
          state.program.informal_mentor_load[c] < p.capacity) {
        contacts.insert(c);
      }
    };
    for (AgentId first : net.neighbors(a)) {
      if (!pop.active(first)) continue;
      add(first);
      for (AgentId second : net.neighbors(first)) add(second);
    }
    std::vector<std::pair<double, AgentId>> ranked;
    for (AgentId c : contacts) {
      if (!is_feasible(pop, c, a, PairingConstraints{})) continue;
      ranked.emplace_back(-(approach.homophily_weight * similarity(pop, c, a) +
                            approach.fit_choice_weight * mentee_perceived_fit(state.random, c, a, approach.fit_noise)),
                          c);
    }
    std::sort(ranked.begin(), ranked.end());
    const std::size_t tries = std::min<std::size_t>(ranked.size(), p.approaches);
    for (std::size_t k = 0; k < tries; ++k) {
      const AgentId mentor = ranked[k].second;
      const double u_approach = stream.uniform();
      const double u_accept = stream.uniform();
      if (u_approach >= approach_probability(pop, a, mentor, approach, dynamics.status)) continue;
      const double available = std::min(1.0, pop.time_budget[mentor] / dynamics.meetings.time_required);
      if (u_accept >= available * (1.0 - mentor_reluctance(pop, mentor, a, approach, dynamics.status))) continue;
      out.emplace(a, mentor);
      break;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("with certain seeking and capacity c, each mentor takes min(c, askers) informal mentees",
          "[dynamics][informal]") {
  // Mentor 0 is asked by 2 and 3, mentor 1 by 4, 6 and 7 (see eight_staff()). Capacity 1: 1 + 1 = 2 dyads;
  // capacity 2: 2 + 2 = 4; capacity 3: 2 + 3 = 5. Agent 5 has no contact and stays without a mentor.
  for (const auto& [capacity, expected] : std::vector<std::pair<int, std::size_t>>{{1, 2}, {2, 4}, {3, 5}}) {
    const Scenario scenario = tiny_scenario(8, certain_informal(capacity, 0.0));
    SimulationState state(scenario, 0, tiny_world(eight_staff(), eight_staff_ties(), 0.7, 0.5));
    InformalStage stage;
    run_stage(stage, state);
    const DyadTable& dyads = state.dyads;
    CHECK(informal_dyads(dyads) == expected);
    std::set<AgentId> mentees;
    for (DyadId d = 0; d < dyads.size(); ++d) {
      const AgentId m = dyads.mentor[d];
      const AgentId e = dyads.mentee[d];
      CHECK(mentees.insert(e).second);  // one informal mentor each
      CHECK(((m == 0 && (e == 2 || e == 3)) || (m == 1 && (e == 4 || e == 6 || e == 7))));
      CHECK(dyads.formation[d] == Formation::informal);
      CHECK(dyads.type[d] == DyadType::traditional);
      CHECK(dyads.planned_end[d] == kNever);
      CHECK(dyads.start[d] == 0);
      CHECK(dyads.trained[d] == 0);
      // Initial quality as for program pairs: 0.6 + 0.51 (similarity - 0.5) + 0.1 fit.
      CHECK(dyads.quality[d] ==
            Approx(std::clamp(0.6 + 0.51 * (dyads.similarity[d] - 0.5) + 0.1 * dyads.fit[d], 0.0, 1.0)).epsilon(1e-6));
    }
    CHECK(mentees.count(5) == 0);
    CHECK(state.program.informal_mentor_load[0] == std::min(capacity, 2));
    CHECK(state.program.informal_mentor_load[1] == std::min(capacity, 3));
    // The program's own books are untouched: informal dyads neither fill program places nor count as matches.
    for (AgentId a = 0; a < 8; ++a) {
      CHECK(state.program.mentor_load[a] == 0);
      CHECK(state.program.mentee_load[a] == 0);
      CHECK(state.program.matched_week[a] == kNever);
    }
  }
}

TEST_CASE("nobody seeks with initial_seek 0 or capacity 0, and a turned-away seeker finds no free mentor later",
          "[dynamics][informal]") {
  {
    const Scenario scenario = tiny_scenario(8, "[dynamics.informal]\ninitial_seek = 0.0\nseek_rate = 0.0\n");
    SimulationState state(scenario, 0, tiny_world(eight_staff(), eight_staff_ties(), 0.7, 0.5));
    InformalStage stage;
    run_stage(stage, state);
    CHECK(state.dyads.size() == 0);
  }
  {
    const Scenario scenario = tiny_scenario(8, certain_informal(0, 1.0));
    SimulationState state(scenario, 0, tiny_world(eight_staff(), eight_staff_ties(), 0.7, 0.5));
    InformalStage stage;
    run_stage(stage, state);
    CHECK(state.dyads.size() == 0);
  }
  // Capacity 1, weekly seeking certain: week 0 forms 2 dyads (0 and 1 full). At week 1 the seekers left
  // over (one of 2/3, two of 4/6/7) see only full seniors, except 7, which also sees the early-career 4
  // (its 2-hop contact via 1, with a free informal place whether or not 4 has a mentor itself): week 1
  // forms the dyad 4 -> 7 exactly when 7 was turned away at week 0, and no other.
  const Scenario scenario = tiny_scenario(8, certain_informal(1, 1.0));
  SimulationState state(scenario, 0, tiny_world(eight_staff(), eight_staff_ties(), 0.7, 0.5));
  InformalStage stage;
  run_stage(stage, state);
  REQUIRE(informal_dyads(state.dyads) == 2);
  const bool seven_free = state.program.informal_mentee_load[7] == 0;
  state.active_dyads = state.dyads.active_ids();
  state.step = 1;
  run_stage(stage, state);
  CHECK(informal_dyads(state.dyads) == (seven_free ? 3u : 2u));
  if (seven_free) CHECK(state.dyads.mentor.back() == 4);
}

TEST_CASE("an informal dyad ends when its mentee is promoted to the mentor's stage", "[dynamics][informal]") {
  const Scenario scenario = tiny_scenario(8, certain_informal(2, 0.0));
  SimulationState state(scenario, 0, tiny_world(eight_staff(), eight_staff_ties(), 0.7, 0.5));
  InformalStage stage;
  run_stage(stage, state);
  REQUIRE(state.program.informal_mentee_load[2] == 1);
  state.active_dyads = state.dyads.active_ids();
  state.population.stage[2] = CareerStage::senior;  // promoted twice: now at its mentor's stage
  state.step = 1;
  run_stage(stage, state);
  DyadId d = 0;
  while (state.dyads.mentee[d] != 2) ++d;
  CHECK(state.dyads.end_reason[d] == EndReason::outgrown);
  CHECK(state.dyads.end[d] == 1);
  CHECK(state.program.informal_mentee_load[2] == 0);
  CHECK(state.program.informal_mentor_load[0] == 1);  // 3 stays
}

TEST_CASE("natural_end_weeks is geometric with the weekly probability of the annual hazard", "[dynamics][informal]") {
  // annual 0.5: w = 1 - 0.5^(1/52) = 0.013240; ceil(ln u / ln(1 - w)).
  const double w = 1.0 - std::pow(0.5, 1.0 / 52.0);
  CHECK(natural_end_weeks(0.0, 0.3) == kNever);
  CHECK(natural_end_weeks(0.5, 0.999999) == 1);
  CHECK(natural_end_weeks(0.5, 0.5) == 52);  // ln 0.5 / ln(0.5^(1/52)) = 52 exactly (up to rounding: 52)
  CHECK(natural_end_weeks(0.5, 0.25) == 104);
  // Mean 1/w = 75.5 weeks, SD sqrt(1 - w)/w = 75.0: over n = 20,000 draws the SE is 0.53; 4 SE = 2.1 weeks.
  Stream stream(11, 0, 0, Purpose::informal, 0);
  double sum = 0.0;
  const int n = 20000;
  for (int k = 0; k < n; ++k) sum += natural_end_weeks(0.5, stream.uniform());
  CHECK(std::abs(sum / n - 1.0 / w) < 2.1);
}

TEST_CASE("the natural-end hazard ends half of the informal dyads within a year at an annual rate of 0.5",
          "[dynamics][informal]") {
  // 2,000 disjoint pairs (senior 2k, early-career 2k + 1, tied): week 0 forms the 2,000 dyads (certain
  // seeking and acceptance); only the informal stage runs (no relationship dynamics, no turnover), and
  // nobody seeks again (seek_rate 0). A dyad formed at week 0 has ended by week 52 with probability
  // 1 - (1 - w)^52 = 0.5 exactly. Binomial SE at n = 2,000: 0.0112; tolerance 4 SE = 0.045.
  const std::size_t pairs = 2000;
  std::vector<TinyAgent> agents;
  std::vector<Tie> ties;
  for (std::size_t k = 0; k < pairs; ++k) {
    agents.push_back(staff_at(CareerStage::senior));
    agents.push_back(staff_at(CareerStage::early_career));
    ties.push_back(Tie{static_cast<AgentId>(2 * k), static_cast<AgentId>(2 * k + 1), 0.5f});
  }
  const Scenario scenario = tiny_scenario(2 * pairs, certain_informal(1, 0.0) + "natural_end = 0.5\n");
  SimulationState state(scenario, 0, tiny_world(agents, ties, 0.7, 0.5));
  InformalStage stage;
  for (Step week = 0; week <= 52; ++week) {
    state.step = week;
    run_stage(stage, state);
    state.active_dyads = state.dyads.active_ids();
    if (week == 0) REQUIRE(informal_dyads(state.dyads) == pairs);
  }
  double ended = 0.0;
  for (DyadId d = 0; d < state.dyads.size(); ++d) {
    if (!state.dyads.active(d)) {
      CHECK(state.dyads.end_reason[d] == EndReason::natural_end);
      ended += 1.0;
    }
  }
  CHECK(std::abs(ended / pairs - 0.5) < 0.045);
  for (AgentId a = 0; a < 2 * pairs; ++a) {
    CHECK(state.program.informal_mentor_load[a] + state.program.informal_mentee_load[a] <= 1);
  }
}

TEST_CASE("without a program about half of the staff below senior have a mentor, and the share is stationary",
          "[dynamics][informal][workforce]") {
  // The default three institutions at 4,000 staff (seed 1, no program) over 104 weeks, every default of
  // [dynamics.informal]. Checks: (1) after week 0 the share of active staff below senior with a mentor is
  // within [0.45, 0.55] (C1 54 %, C2 45.3 %); (2) at every 13th week after that it is within 0.04 of its
  // week-0 value (about 3,000 staff below senior: the sampling SD of a share is about 0.009, so 0.04 is
  // about 4.4 SD; a drift of the mechanism beyond that fails); (3) minority staff have lower odds of a
  // mentor at week 0 (outcome mentor_odds_ratio_start below 1: the approach odds ratio 0.3 acts on each
  // search).
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 1\nweeks = 104\n[population]\nsize = 4000\n[program]\nkind = \"none\"\n", "t.toml");
  Simulation simulation(scenario, 0);
  const auto share = [&] {
    const SimulationState& state = simulation.state();
    const Population& pop = state.population;
    std::vector<std::uint8_t> mentored(pop.size(), 0);
    for (DyadId d = 0; d < state.dyads.size(); ++d) {
      if (state.dyads.active(d)) mentored[state.dyads.mentee[d]] = 1;
    }
    double n = 0.0, with = 0.0;
    for (AgentId a = 0; a < pop.size(); ++a) {
      if (!pop.active(a) || pop.stage[a] == CareerStage::senior) continue;
      n += 1.0;
      with += mentored[a];
    }
    return with / n;
  };
  simulation.step();
  const double start = share();
  INFO("share with a mentor after week 0: " << start);
  CHECK(start >= 0.45);
  CHECK(start <= 0.55);
  for (Step week = 1; week < 104; ++week) {
    simulation.step();
    if ((week + 1) % 13 == 0) {
      INFO("week " << week << ": share " << share());
      CHECK(std::abs(share() - start) < 0.04);
    }
  }
  simulation.finish();
  const Outcomes outcomes = compute_outcomes(simulation.state());
  CHECK(outcomes.value(Outcome::mentor_share_start, 0) == Approx(start).margin(0.02));
  CHECK(outcomes.value(Outcome::mentor_odds_ratio_start, 0) < 1.0);
}

TEST_CASE("informal_perceived_fit_bound is above the perceived fit of every pair", "[dynamics][informal]") {
  // The bound reads the streams mentee_perceived_fit draws from; if they ever differ, it stops being a
  // bound somewhere in these 90,000 pairs (each a fresh pair of normals) and the search could miss its
  // best candidate.
  const RandomSource random(11, 0);
  for (const double noise : {0.0, 1.0, 2.5}) {
    std::size_t below = 0;
    for (AgentId mentor = 0; mentor < 300; ++mentor) {
      for (AgentId mentee = 0; mentee < 300; ++mentee) {
        const double bound = informal_perceived_fit_bound(random, mentor, mentee, noise);
        below += bound < mentee_perceived_fit(random, mentor, mentee, noise) ? 1 : 0;
      }
    }
    INFO("fit_noise " << noise);
    CHECK(below == 0);
  }
}

TEST_CASE("the bounded informal search makes the proposals of ranking every candidate", "[dynamics][informal]") {
  // 1,500 staff of the default institutions at week 0, every eligible agent seeking (initial_seek 1), three
  // approaches per search with an even approach probability for a confident majority peer, and places for
  // everyone (capacity 1000), so every accepted proposal becomes a dyad. The reference ranks every
  // candidate exactly; the stage computes exact values only where a bound can still win.
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 5\n[population]\nsize = 1500\n[program]\nkind = \"none\"\n"
      "[dynamics.approach]\napproach_base = 0.5\n"
      "[dynamics.informal]\ninitial_seek = 1.0\napproaches = 3\ncapacity = 1000\n",
      "t.toml");
  const RandomSource random(scenario.run().seed, 0);
  SimulationState state(scenario, 0, build_world(scenario, random));
  const auto expected = informal_proposals_ranking_all(state);
  InformalStage stage;
  run_stage(stage, state);
  std::set<std::pair<AgentId, AgentId>> formed;
  for (DyadId d = 0; d < state.dyads.size(); ++d) {
    if (state.dyads.formation[d] == Formation::informal) formed.emplace(state.dyads.mentee[d], state.dyads.mentor[d]);
  }
  // Enough pairs that a wrong choice would show (about half of the ~1,000 staff below senior).
  CHECK(expected.size() > 300);
  CHECK(formed == expected);
}

TEST_CASE("the informal search forms the same dyads with 1 or 2 or 4 threads", "[dynamics][informal][determinism]") {
  // The search runs in parallel blocks of seekers with per-thread marks; the dyads it forms (who with
  // whom, in which order, with what perceived fit) must not depend on the thread count. 1,500 staff,
  // three approaches per search, week 0 (every eligible agent seeks), then one weekly round.
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 9\n[population]\nsize = 1500\n[program]\nkind = \"none\"\n"
      "[dynamics.approach]\napproach_base = 0.5\n[dynamics.informal]\napproaches = 3\nseek_rate = 0.5\n",
      "t.toml");
  const int previous = parallel::threads();
  std::vector<std::vector<float>> runs;
  for (const int threads : {1, 2, 4}) {
    parallel::set_threads(threads);
    const RandomSource random(scenario.run().seed, 0);
    SimulationState state(scenario, 0, build_world(scenario, random));
    InformalStage stage;
    run_stage(stage, state);
    state.step = 1;
    run_stage(stage, state);
    std::vector<float> out;
    for (DyadId d = 0; d < state.dyads.size(); ++d) {
      out.push_back(static_cast<float>(state.dyads.mentor[d]));
      out.push_back(static_cast<float>(state.dyads.mentee[d]));
      out.push_back(static_cast<float>(state.dyads.start[d]));
      out.push_back(state.dyads.fit_perceived[d]);
    }
    runs.push_back(std::move(out));
  }
  parallel::set_threads(previous);
  CHECK(runs[0].size() > 4 * 300);
  CHECK(runs[0] == runs[1]);
  CHECK(runs[0] == runs[2]);
}
