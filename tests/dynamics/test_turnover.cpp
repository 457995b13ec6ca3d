// Turnover and hiring (src/dynamics/turnover.cpp) on tiny worlds with hand-computed answers
// (docs/model.md 7.15).

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>

#include "mentorsim/dynamics/ties.hpp"
#include "mentorsim/dynamics/turnover.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/world/world.hpp"
#include "support/scenario_errors.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

TEST_CASE("a leaver is replaced by a hire of the stationary stage mix and its dyads end", "[dynamics][turnover]") {
  // Agents 0 (junior) and 1 (senior) in a dyad, agent 2 junior, agents 3..99 seniors. Only the senior 1
  // considers leaving: the senior share considering leaving is K = 1/98, and with hazard ratio 1000
  // h = w 1000 / (1 + 999 / 98) with w = 1 - 0.5^(1/52) = 0.0132: 1.18, capped at 1, certain leaving;
  // the other seniors leave with w / (1 + 999 / 98) = 0.0012 each (none does with this seed). Only
  // seniors leave and nobody is promoted, so the stationary hire mix is all senior.
  const Scenario scenario = Scenario::parse(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 100\nunits = 1\n"
      "stages = { early_career = 0.5, senior = 0.5 }\n"
      "[program]\nkind = \"reverse\"\nstart_week = 0\n"
      "[dynamics.turnover]\nbaseline_intent = 0.01\nintent_hazard_ratio = 1000.0\n"
      "[dynamics.turnover.annual_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.0\nsenior = 0.5\n"
      "[dynamics.turnover.promotion_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.0\n",
      "t.toml");
  auto agents = junior_and_senior(1.0f);
  agents[1].satisfaction = 0.65f;
  agents[1].profession = Profession::pharmacy;
  agents.push_back(TinyAgent{});
  TinyAgent senior;
  senior.stage = CareerStage::senior;
  agents.resize(100, senior);
  SimulationState state(scenario, 0, tiny_world(agents, {Tie{0, 1, 0.5f}}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.8f);
  state.step = 3;
  TurnoverStage turnover(state);
  CHECK(turnover.intent_reference()[index_of(CareerStage::senior)] == Approx(0.01));
  std::fill(state.population.considering_leaving.begin(), state.population.considering_leaving.end(), 0);
  state.population.considering_leaving[1] = 1;
  CHECK(turnover.weekly_leaving_probability(scenario, state.population, 1) == 1.0);
  CHECK(turnover.weekly_leaving_probability(scenario, state.population, 0) == 0.0);
  state.meeting_counts[0] = 5;
  run_stage(turnover, state);
  CHECK(state.population.left[1] == 4);  // the first week without them
  CHECK(state.population.active(0));
  CHECK(state.dyads.end_reason[d] == EndReason::leaving);
  CHECK(state.program.mentor_load[0] == 0);
  REQUIRE(state.population.size() == 101);  // one leaver, one hire
  CHECK(turnover.hire_mix(0) == std::array<double, kStages>{0.0, 0.0, 0.0, 1.0});
  CHECK(state.population.stage[100] == CareerStage::senior);
  CHECK(state.population.profession[100] == Profession::pharmacy);
  CHECK(state.population.unit[100] == 0);
  CHECK(state.population.hired[100] == 4);
  CHECK(state.population.external_id[100] == 100);
  // Every per-agent component has the hire's row.
  CHECK(state.program.arm.size() == 101);
  CHECK(state.baseline.satisfaction.size() == 101);
  CHECK(state.baseline.satisfaction[100] == state.population.satisfaction[100]);
  REQUIRE(state.meeting_counts.size() == 101);
  CHECK(state.meeting_counts[0] == 5);
  CHECK(state.meeting_counts[100] == 0);
  TiesStage ties;
  std::vector<StageNote> notes;
  auto context = test::context_of<TiesStage>(state, notes);
  ties.merge(context);
  CHECK(state.network.vertex_count() == 101);
  CHECK_FALSE(state.network.has_tie(0, 1));  // the leaver's ties are gone
}

TEST_CASE("at week 0 each stage leaves at its annual rate on average", "[dynamics][turnover]") {
  // h_i = w_s (1 + (HR - 1) k_i) / (1 + (HR - 1) I0_s) with P(k_i = 1) = I_i at week 0, so the stage
  // mean of the expected hazard I_i h(k = 1) + (1 - I_i) h(k = 0) is w_s exactly (no agent reaches the
  // cap at default parameters): 1 - (1 - annual)^(1/52).
  const Scenario scenario = Scenario::parse("[population]\nsize = 3000\n", "t.toml");
  const RandomSource random(scenario.run().seed, 0);
  SimulationState state(scenario, 0, mentorsim::build_world(scenario, random));
  const TurnoverStage turnover(state);
  Population& pop = state.population;
  const auto& annual = scenario.dynamics().turnover.annual_rate;
  std::array<double, mentorsim::kStages> sum{};
  std::array<double, mentorsim::kStages> count{};
  for (AgentId a = 0; a < state.population.size(); ++a) {
    const std::size_t stage = index_of(state.population.stage[a]);
    const double intent = pop.intent_to_leave[a];
    pop.considering_leaving[a] = 1;
    sum[stage] += intent * turnover.weekly_leaving_probability(scenario, pop, a);
    pop.considering_leaving[a] = 0;
    sum[stage] += (1.0 - intent) * turnover.weekly_leaving_probability(scenario, pop, a);
    count[stage] += 1.0;
  }
  for (std::size_t stage = 0; stage < mentorsim::kStages; ++stage) {
    REQUIRE(count[stage] > 0.0);
    INFO("stage " << stage);
    CHECK(sum[stage] / count[stage] == Approx(1.0 - std::pow(1.0 - annual[stage], 1.0 / 52.0)).epsilon(1e-6));
  }
}

namespace {

// The annual probability whose weekly probability is `weekly`: 1 - (1 - weekly)^52.
double annual_of(double weekly) { return 1.0 - std::pow(1.0 - weekly, 52.0); }

}  // namespace

TEST_CASE("the stationary hire mix is the hand-computed flow balance", "[dynamics][turnover]") {
  // Weekly leaving l = 0.01 at every stage, weekly promotion p = 0.005 (none from senior), stage mix
  // pi = (0.1, 0.3, 0.35, 0.25). Per week and agent H = sum pi l = 0.01 leave; out of stage s flow
  // pi_s (l + (1 - l) p) = pi_s * 0.01495, into it pi_{s-1} (1 - l) p = pi_{s-1} * 0.00495:
  //   student      0.1 * 0.01495                     = 0.001495   -> / H = 0.1495
  //   early_career 0.3 * 0.01495 - 0.1 * 0.00495      = 0.00399    -> 0.399
  //   mid_career   0.35 * 0.01495 - 0.3 * 0.00495     = 0.0037475  -> 0.37475
  //   senior       0.25 * 0.01 - 0.35 * 0.00495       = 0.0007675  -> 0.07675   (sum 1)
  TurnoverParams p;
  p.annual_rate = {annual_of(0.01), annual_of(0.01), annual_of(0.01), annual_of(0.01)};
  p.promotion_rate = {annual_of(0.005), annual_of(0.005), annual_of(0.005), 0.0};
  const auto h = stationary_hire_mix({0.1, 0.3, 0.35, 0.25}, p);
  CHECK(h[0] == Approx(0.1495).epsilon(1e-9));
  CHECK(h[1] == Approx(0.399).epsilon(1e-9));
  CHECK(h[2] == Approx(0.37475).epsilon(1e-9));
  CHECK(h[3] == Approx(0.07675).epsilon(1e-9));
  // With weekly promotion 0.02 the seniors cannot absorb the mid-career promotions:
  // 0.25 * 0.01 - 0.35 * 0.99 * 0.02 = -0.00443 -> -0.443.
  p.promotion_rate = {annual_of(0.02), annual_of(0.02), annual_of(0.02), 0.0};
  CHECK(stationary_hire_mix({0.1, 0.3, 0.35, 0.25}, p)[3] == Approx(-0.443).epsilon(1e-9));
}

TEST_CASE("a scenario whose stage mix no hire mix can keep is rejected, naming the keys", "[dynamics][turnover]") {
  const auto errors = test::scenario_errors(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 100\nunits = 2\n"
      "stages = { early_career = 0.5, mid_career = 0.4, senior = 0.1 }\n"
      "[dynamics.turnover.promotion_rate]\nmid_career = 0.5\n");
  REQUIRE(errors.size() == 1);
  INFO(test::render(errors));
  CHECK(errors[0].key == "dynamics.turnover");
  CHECK(errors[0].message.find("institution \"h\"") != std::string::npos);
  CHECK(errors[0].message.find("senior share") != std::string::npos);
  CHECK(errors[0].message.find("promotion_rate.mid_career") != std::string::npos);
  CHECK(errors[0].message.find("annual_rate.senior") != std::string::npos);
}

TEST_CASE("considering leaving multiplies the leaving hazard by the hazard ratio", "[dynamics][turnover]") {
  // h = w (1 + (HR - 1) k) / (1 + (HR - 1) I0): senior w = 1 - (1 - 0.5)^(1/52), HR = 5, I0 = 0.25
  // (both agents' intent at week 0): k = 0 gives w / 2, k = 1 gives 5 w / 2.
  const Scenario scenario = Scenario::parse(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 2\nunits = 1\n"
      "stages = { senior = 1.0 }\n"
      "[dynamics.turnover]\nbaseline_intent = 0.25\nintent_hazard_ratio = 5.0\n"
      "[dynamics.turnover.annual_rate]\nsenior = 0.5\n",
      "t.toml");
  std::vector<TinyAgent> agents(2);
  for (auto& a : agents) {
    a.stage = CareerStage::senior;
    a.satisfaction = 0.65f;  // the reference: intent = baseline_intent
  }
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  const TurnoverStage turnover(state);
  CHECK(turnover.intent_reference()[index_of(CareerStage::senior)] == Approx(0.25));
  const double w = 1.0 - std::pow(0.5, 1.0 / 52.0);
  state.population.considering_leaving = {0, 1};
  CHECK(turnover.weekly_leaving_probability(scenario, state.population, 0) == Approx(w / 2.0));
  CHECK(turnover.weekly_leaving_probability(scenario, state.population, 1) == Approx(5.0 * w / 2.0));
}

TEST_CASE("considering leaving switches at rates I / P and (1 - I) / P", "[dynamics][turnover]") {
  // 20,000 agents with intent 0.25 (at the reference satisfaction), P = 10 weeks, nobody leaves or is
  // promoted. Starting all at k = 0, after one week a share I / P = 0.025 considers leaving; starting
  // all at k = 1, a share (1 - I) / P = 0.075 stops. Tolerance 4 binomial SEs at n = 20,000.
  const Scenario scenario = Scenario::parse(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 20000\nunits = 1\n"
      "stages = { senior = 1.0 }\n"
      "[dynamics.turnover]\nbaseline_intent = 0.25\nintent_persistence_weeks = 10.0\n"
      "[dynamics.turnover.annual_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.0\nsenior = 0.0\n",
      "t.toml");
  std::vector<TinyAgent> agents(20000);
  for (auto& a : agents) {
    a.stage = CareerStage::senior;
    a.satisfaction = 0.65f;
  }
  for (const std::uint8_t start : {std::uint8_t{0}, std::uint8_t{1}}) {
    SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
    TurnoverStage turnover(state);
    std::fill(state.population.considering_leaving.begin(), state.population.considering_leaving.end(), start);
    run_stage(turnover, state);
    double switched = 0.0;
    for (std::uint8_t k : state.population.considering_leaving) switched += k != start ? 1.0 : 0.0;
    const double expected = start == 0 ? 0.025 : 0.075;
    INFO("start k = " << int{start});
    CHECK(switched / 20000.0 == Approx(expected).margin(4.0 * std::sqrt(expected * (1 - expected) / 20000.0)));
    CHECK(state.population.size() == 20000);
  }
}

TEST_CASE("without a program the stage mix is stationary and each stage leaves at its annual rate",
          "[dynamics][turnover][workforce]") {
  // The default three institutions at 6,000 staff (seed 1, no program) over 520 weeks. Checks:
  // (1) at every year end no stage's share of the active staff is more than 2 percentage points
  //     from its week-0 share (the sampling SD of a share here is about 0.6 points);
  // (2) the realised weekly leaving rate of each stage (leavers / agent-weeks at that stage) is the
  //     scenario's w_s = 1 - (1 - annual)^(1/52) within 4 binomial standard errors;
  // (3) the phi between considering leaving at week 0 and leaving within 52 weeks is 0.38 (Griffeth,
  //     Hom & Gaertner 2000) within 0.06, about 4.5 standard errors (1 / sqrt(6000) = 0.013).
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 1\nweeks = 520\n[population]\nsize = 6000\n[program]\nkind = \"none\"\n", "t.toml");
  Simulation simulation(scenario, 0);
  const auto shares = [&] {
    std::array<double, kStages> count{};
    double total = 0.0;
    const Population& pop = simulation.state().population;
    for (AgentId a = 0; a < pop.size(); ++a) {
      if (!pop.active(a)) continue;
      count[index_of(pop.stage[a])] += 1.0;
      total += 1.0;
    }
    for (double& c : count) c /= total;
    return count;
  };
  const auto initial = shares();
  std::array<double, kStages> exposure{};
  std::array<double, kStages> leavers{};
  double drift = 0.0;
  for (Step week = 0; week < 520; ++week) {
    const Population& pop = simulation.state().population;
    const std::size_t before = pop.size();
    for (AgentId a = 0; a < before; ++a) {
      if (pop.active(a)) exposure[index_of(pop.stage[a])] += 1.0;
    }
    simulation.step();
    for (AgentId a = 0; a < before; ++a) {
      if (pop.left[a] == week + 1) leavers[index_of(pop.stage[a])] += 1.0;  // leavers are not promoted
    }
    if ((week + 1) % 52 == 0) {
      const auto now = shares();
      for (std::size_t s = 0; s < kStages; ++s) {
        INFO("week " << week + 1 << ", stage " << s << ": " << initial[s] << " -> " << now[s]);
        CHECK(std::abs(now[s] - initial[s]) <= 0.02);
        drift = std::max(drift, std::abs(now[s] - initial[s]));
      }
    }
  }
  WARN("largest stage-share drift over 10 years: " << drift);
  const auto& annual = scenario.dynamics().turnover.annual_rate;
  for (std::size_t s = 0; s < kStages; ++s) {
    const double w = 1.0 - std::pow(1.0 - annual[s], 1.0 / 52.0);
    const double realised = leavers[s] / exposure[s];
    INFO("stage " << s << ": realised annual " << 1.0 - std::pow(1.0 - realised, 52.0) << " vs " << annual[s]);
    CHECK(realised == Approx(w).margin(4.0 * std::sqrt(w * (1.0 - w) / exposure[s])));
  }
  const double phi = compute_outcomes(simulation.state()).value(Outcome::intent_leaving_phi, 0);
  WARN("intent-leaving phi: " << phi);
  CHECK(phi == Approx(0.38).margin(0.06));
}

TEST_CASE("a sponsored mentee is promoted at the hazard ratio with the same draw",
          "[dynamics][turnover][sponsorship]") {
  // Early-career promotion 0.9 a year: weekly p = 1 - 0.1^(1/52); a mentee with a sponsoring mentor
  // has 1 - (1 - p)^2 (sponsorship_promotion_ratio 2). Agent 0 (mid-career, never promoted; the high
  // mid-career and senior leaving rates only keep the hire mix valid) mentors agents 1..200; agents 201..400 are
  // early-career without a mentor. Early-career staff never leave, so each agent's promotion is decided by the third
  // uniform of its turnover stream (leaving, considering, promotion), which the test reads itself.
  const Scenario scenario = Scenario::parse(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 100\nunits = 1\n"
      "stages = { early_career = 0.3, mid_career = 0.4, senior = 0.3 }\n"
      "[program]\nkind = \"traditional\"\nstart_week = 0\nmentor_sponsorship = true\n"
      "[dynamics.turnover]\nsponsorship_promotion_ratio = 2.0\n"
      "[dynamics.turnover.annual_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.99\nsenior = 0.99\n"
      "[dynamics.turnover.promotion_rate]\nstudent = 0.0\nearly_career = 0.9\nmid_career = 0.0\n",
      "t.toml");
  TinyAgent mentor;
  mentor.stage = CareerStage::mid_career;
  std::vector<TinyAgent> agents(401);
  agents[0] = mentor;
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  for (AgentId a = 1; a <= 200; ++a) add_dyad(state, 0, a, 0.8f);
  state.step = 5;
  TurnoverStage turnover(state);
  run_stage(turnover, state);
  const double p = 1.0 - std::pow(0.1, 1.0 / 52.0);
  const double sponsored = 1.0 - std::pow(1.0 - p, 2.0);
  int differ = 0;  // agents the ratio promotes that the plain rate would not
  for (AgentId a = 1; a <= 400; ++a) {
    Stream stream = state.random.stream(5, Purpose::turnover, a);
    stream.uniform();
    stream.uniform();
    const double u = stream.uniform();
    const bool expected = u < (a <= 200 ? sponsored : p);
    INFO("agent " << a << ", u = " << u);
    CHECK((state.population.stage[a] == CareerStage::mid_career) == expected);
    CHECK(state.population.promoted[a] == (expected ? 6 : kNever));  // promoted in week 5: week 6 is the first
    if (a <= 200 && u >= p && u < sponsored) ++differ;
  }
  CHECK(differ > 0);  // the hazard ratio mattered for some mentee (else the test could not fail)
  CHECK(state.population.stage[0] == CareerStage::mid_career);
  CHECK(state.population.promoted[0] == kNever);
}

TEST_CASE("planned_agent_rows reserves the staff and their expected hires", "[dynamics][turnover]") {
  // 100 agents, 50 early-career and 50 senior (no mid-career staff), 5 of each gone. Weekly leaving probabilities
  // w = 1 - (1 - annual)^(1/52): 0.0042820 (annual 0.2) and 0.0020241 (annual 0.1); 52 weeks of
  // 45 w_early + 45 w_senior = 0.28378 leavers a week give 14.756 expected hires, and the plan adds
  // 5 % and four standard deviations: ceil(1.05 * 14.756 + 4 * sqrt(14.756)) = ceil(30.86) = 31 rows.
  const std::string turnover =
      "[dynamics.turnover.annual_rate]\nstudent = 0.0\nearly_career = 0.2\nmid_career = 0.1\nsenior = 0.1\n"
      "[dynamics.turnover.promotion_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.0\n";
  const std::string hospital =
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 100\nunits = 1\n"
      "stages = { early_career = 0.5, senior = 0.5 }\n";
  const Scenario scenario = Scenario::parse("[run]\nweeks = 52\n" + hospital + turnover, "t.toml");
  Population pop;
  pop.resize(100);
  for (AgentId a = 0; a < 100; ++a) {
    pop.stage[a] = a < 50 ? CareerStage::early_career : CareerStage::senior;
    if (a % 50 < 5) pop.left[a] = 1;
  }
  CHECK(planned_agent_rows(scenario, pop) == 131u);
  // What world building reserves before drawing the staff, from the institution's size and stage mix:
  // 52 * 100 * (0.5 * 0.0042820 + 0.5 * 0.0020241) = 16.396 hires, ceil(1.05 * 16.396 + 4 *
  // sqrt(16.396)) = ceil(33.41) = 34.
  CHECK(expected_agent_rows(scenario) == 134u);
  // Without turnover nobody is hired.
  const Scenario off =
      Scenario::parse("[run]\nweeks = 52\n[dynamics]\ndisabled = [\"turnover\"]\n" + hospital + turnover, "t.toml");
  CHECK(planned_agent_rows(off, pop) == 100u);
  CHECK(expected_agent_rows(off) == 100u);
}

TEST_CASE("a run's hires extend the per-agent arrays in place", "[dynamics][turnover]") {
  // The default workforce at 3,000 staff over 104 weeks hires several hundred staff. The arrays are
  // reserved at the start (expected_agent_rows for the population's columns, when the staff are drawn;
  // planned_agent_rows for the rest), so none of them moves: hires do not copy the state.
  const Scenario scenario = Scenario::parse("[run]\nseed = 3\nweeks = 104\n[population]\nsize = 3000\n", "t.toml");
  Simulation simulation(scenario, 0);
  const SimulationState& state = simulation.state();
  const std::size_t planned = planned_agent_rows(scenario, state.population);
  CHECK(state.population.capacity() == std::max(planned, expected_agent_rows(scenario)));
  const auto* institution = state.population.institution.data();
  const auto* skills = state.population.skills.data().data();
  const auto* arm = state.program.arm.data();
  const auto* baseline = state.baseline.stage.data();
  const auto* meetings = state.meeting_counts.data();
  for (Step week = 0; week < 104; ++week) simulation.step();
  INFO("staff rows at the end: " << state.population.size() << " of " << planned << " planned");
  CHECK(state.population.size() > 3300u);
  CHECK(state.population.size() <= planned);
  CHECK(state.population.institution.data() == institution);
  CHECK(state.population.skills.data().data() == skills);
  CHECK(state.program.arm.data() == arm);
  CHECK(state.baseline.stage.data() == baseline);
  CHECK(state.meeting_counts.data() == meetings);
}
