// Mentoring styles of issue 16 in the program calendar (src/program/calendar.cpp), on tiny worlds whose
// answer is worked out by hand: cascading waves (docs/model.md 7.19) and network mentoring (7.20).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "mentorsim/dynamics/calendar.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/program/teaching.hpp"
#include "support/program_calendar.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;

namespace {

// A two-wave reverse cascade of 4-week waves from week 0 (graduation threshold 0.5, capacity 1):
// juniors 0 and 6 mentor; seniors 1 and 2 enrol in wave 1; agents 3, 4 and 5 are mid-career (not
// eligible: mentee_stages = senior) until they are promoted to senior before wave 2 starts at week 4.
// Agent 1's taught skill (digital, culture) is (0.6 + 0.5) / 2 = 0.55 >= 0.5, agent 2's (0.45 + 0.4) / 2
// = 0.425 < 0.5.
World cascade_world() {
  test::TinyAgent junior;
  junior.stage = CareerStage::early_career;
  junior.skills = {0.4f, 0.9f, 0.5f, 0.5f, 0.5f, 0.9f};
  test::TinyAgent graduate;
  graduate.stage = CareerStage::senior;
  graduate.skills = {0.8f, 0.6f, 0.5f, 0.5f, 0.5f, 0.5f};
  test::TinyAgent weak = graduate;
  weak.skills = {0.8f, 0.45f, 0.5f, 0.5f, 0.5f, 0.4f};
  test::TinyAgent later = graduate;
  later.stage = CareerStage::mid_career;
  return test::tiny_world({junior, graduate, weak, later, later, later, junior}, {}, 0.7, 0.2);
}

// Runs the calendar at week 0, lets the first wave's dyads hold meetings (agent 1's dyad
// `agent1_meetings`, agent 2's two), promotes 3, 4 and 5 and runs the calendar at week 4.
void run_two_waves(SimulationState& state, std::uint32_t agent1_meetings) {
  CalendarStage calendar;
  run_stage(calendar, state);
  REQUIRE(state.dyads.size() == 2);
  for (DyadId d = 0; d < 2; ++d) state.dyads.meetings[d] = state.dyads.mentee[d] == 1 ? agent1_meetings : 2;
  for (AgentId a : {3u, 4u, 5u}) state.population.stage[a] = CareerStage::senior;
  state.step = 4;
  run_stage(calendar, state);
}

constexpr const char* kCascade =
    "[program]\nkind = \"reverse\"\nstart_week = 0\nduration_weeks = 4\ncadence_weeks = 1\nuptake = 1.0\n"
    "mentor_uptake = 1.0\nmentee_stages = [\"senior\"]\ncascade_waves = 2\ncascade_threshold = 0.5\n";

}  // namespace

TEST_CASE("a two-wave cascade: the first wave's mentees who reach the threshold mentor in the second",
          "[program][cascade]") {
  const Scenario scenario = test::tiny_scenario(7, kCascade);
  SimulationState state(scenario, 0, cascade_world());
  run_two_waves(state, 3);
  const DyadTable& dyads = state.dyads;
  // Wave 1's dyads ended at their planned end, week 4.
  for (DyadId d = 0; d < 2; ++d) {
    CHECK(dyads.end[d] == 4);
    CHECK(dyads.end_reason[d] == EndReason::program_end);
  }
  // Agent 1 graduated (generation 1); agent 2, below the threshold, did not.
  CHECK(state.program.cascade_generation[0] == 0);
  CHECK(state.program.cascade_generation[1] == 1);
  CHECK(state.program.cascade_generation[2] == kNoGeneration);
  CHECK((state.program.enrolled[2] & kMentorRole) == 0);
  // Wave 2: mentees 3, 4, 5 (promoted) and three places (0, 6 and the graduate 1, one each): all matched,
  // the graduate mentoring exactly one, every dyad ending with the wave at week 8.
  REQUIRE(dyads.size() == 5);
  std::vector<AgentId> mentees, mentors;
  for (DyadId d = 2; d < 5; ++d) {
    mentees.push_back(dyads.mentee[d]);
    mentors.push_back(dyads.mentor[d]);
    CHECK(dyads.start[d] == 4);
    CHECK(dyads.planned_end[d] == 8);
    CHECK(dyads.type[d] == DyadType::reverse);
  }
  std::sort(mentees.begin(), mentees.end());
  std::sort(mentors.begin(), mentors.end());
  CHECK(mentees == std::vector<AgentId>{3, 4, 5});
  CHECK(mentors == std::vector<AgentId>{0, 1, 6});
  CHECK(state.program.enrolled_week[3] == 4);
  // Agent 2 does not enrol again: one wave per mentee.
  CHECK(state.program.enrolled_week[2] == 0);

  // Reach per wave: 2 then 3 mentees; 2 then 3 mentors, of whom 0 then 1 graduates; no third wave.
  const Outcomes o = compute_outcomes(state);
  using O = Outcome;
  CHECK(o.value(O::cascade_reach, 0, 0) == 2.0);
  CHECK(o.value(O::cascade_reach, 0, 1) == 3.0);
  CHECK(o.value(O::cascade_mentors, 0, 0) == 2.0);
  CHECK(o.value(O::cascade_mentors, 0, 1) == 3.0);
  CHECK(o.value(O::cascade_graduate_mentors, 0, 0) == 0.0);
  CHECK(o.value(O::cascade_graduate_mentors, 0, 1) == 1.0);
  CHECK(std::isnan(o.value(O::cascade_reach, 0, 2)));
}

TEST_CASE("a cascade of depth 0 or a mentee who never met graduates nobody", "[program][cascade]") {
  // Depth 0: the original mentors run the second wave alone, two places for three mentees.
  const Scenario shallow = test::tiny_scenario(7, std::string(kCascade) + "cascade_depth = 0\n");
  SimulationState state(shallow, 0, cascade_world());
  run_two_waves(state, 3);
  CHECK(state.program.cascade_generation[1] == kNoGeneration);
  CHECK(state.dyads.size() == 4);
  const Outcomes o = compute_outcomes(state);
  CHECK(o.value(Outcome::cascade_reach, 0, 1) == 2.0);
  CHECK(o.value(Outcome::cascade_graduate_mentors, 0, 1) == 0.0);
  CHECK(o.value(Outcome::unmatched, 0, index_of(UnmatchedReason::no_capacity)) == 1.0);
  // A dyad that never met does not graduate its mentee, whatever its skill.
  const Scenario scenario = test::tiny_scenario(7, kCascade);
  SimulationState idle(scenario, 0, cascade_world());
  run_two_waves(idle, 0);
  CHECK(idle.program.cascade_generation[1] == kNoGeneration);
  CHECK(idle.dyads.size() == 4);
}

namespace {

// A reverse network program (two mentors per mentee) from week 1 in which nobody is anxious or
// reluctant and perceived fit plays no part: a self-identifying mentee ranks its candidates by
// complementarity on the domains it seeks (equal similarity otherwise; ties to the lower pool index)
// and approaches one a week.
Scenario network_scenario(const std::string& program) {
  return test::tiny_scenario(
      3,
      "[program]\nkind = \"reverse\"\nstart_week = 1\nduration_weeks = 10\nuptake = 1.0\nmentor_uptake = 1.0\n"
      "mentors_per_mentee = 2\ndirectory_visibility = 0.0\n" +
          program +
          "[dynamics.approach]\napproach_base = 0.999999999\npower_weight = 0.0\nconfidence_weight = 0.0\n"
          "reluctance_weight = 0.0\nfit_choice_weight = 0.0\napproaches_per_week = 1\n");
}

// Junior 0 strong in digital, junior 1 strong in culture/wellbeing, senior 2 weak in both (tied to both).
std::vector<test::TinyAgent> network_agents() {
  test::TinyAgent digital;
  digital.skills = {0.4f, 0.9f, 0.5f, 0.5f, 0.5f, 0.5f};
  digital.confidence = 1.0f;
  test::TinyAgent culture = digital;
  culture.skills = {0.4f, 0.5f, 0.5f, 0.5f, 0.5f, 0.9f};
  test::TinyAgent senior;
  senior.stage = CareerStage::senior;
  senior.skills = {0.8f, 0.3f, 0.5f, 0.5f, 0.5f, 0.3f};
  senior.confidence = 1.0f;
  return {digital, culture, senior};
}

World network_world() { return test::tiny_world(network_agents(), {Tie{0, 2, 0.5f}, Tie{1, 2, 0.5f}}, 0.7, 0.2); }

constexpr std::uint8_t kDigitalBit = domain_bit(Domain::digital);
constexpr std::uint8_t kCultureBit = domain_bit(Domain::culture_wellbeing);

}  // namespace

TEST_CASE("the scenario layer's taught domains are the teaching flows'", "[program][network]") {
  for (std::size_t k = 1; k < enum_count<ProgramKind>; ++k) {
    const auto kind = enum_at<ProgramKind>(k);
    INFO(to_string(kind));
    CHECK(mentor_domain_mask(kind) == taught_domains(dyad_type_of(kind)));
  }
  CHECK(domain_set_name(kDigitalBit | kCultureBit) == "digital+culture_wellbeing");
}

TEST_CASE("assigned network mentoring gives a mentee one mentor per domain set and never the same twice",
          "[program][network]") {
  // The default split of a reverse program's two domains: ["digital", "culture_wellbeing"]. Two
  // mentors of one place each: the first round gives the mentee one of them for digital, the second
  // the other for culture/wellbeing, both at the start week.
  const Scenario scenario = network_scenario("");
  REQUIRE(scenario.arms()[0].program.network_domains == std::vector<std::uint8_t>{kDigitalBit, kCultureBit});
  test::ProgramCalendar c(network_world(), scenario);
  c.run(3);
  REQUIRE(c.dyads.size() == 2);
  CHECK(c.rounds[1].size() == 2);  // two rounds at the start week
  CHECK(c.dyads.mentee[0] == 2);
  CHECK(c.dyads.mentee[1] == 2);
  CHECK(c.dyads.mentor[0] != c.dyads.mentor[1]);
  CHECK(c.dyads.domains[0] == kDigitalBit);
  CHECK(c.dyads.domains[1] == kCultureBit);
  CHECK(c.dyads.start[1] == 1);
  CHECK(c.program.network_found[2] == 2);
  CHECK(c.program.mentee_load[2] == 2);
  // One mentor with two places: the second round may not give the mentee the same mentor again.
  const Scenario one = network_scenario("mentor_capacity = 2\nmentee_stages = [\"senior\"]\n");
  World world = network_world();
  world.population.stage[1] = CareerStage::mid_career;  // agent 1 is neither a mentor nor a mentee
  test::ProgramCalendar single(std::move(world), one);
  single.run(3);
  REQUIRE(single.dyads.size() == 1);
  CHECK(single.dyads.mentor[0] == 0);
  CHECK(single.program.network_found[2] == 1);
}

TEST_CASE("a self-identifying network mentee finds the mentor of each domain set in turn", "[program][network]") {
  // Week 1 (start): it seeks its digital mentor and ranks junior 0 first (complementarity on digital
  // 0.6 * 0.7 = 0.42 against 0.2 * 0.7 = 0.14), approaches and is accepted. Week 2: it seeks its
  // culture/wellbeing mentor; junior 0, whom it has, is not a candidate, junior 1 is. Week 3: no search.
  const Scenario scenario = network_scenario("strategy = \"self_identified\"\n");
  test::ProgramCalendar c(network_world(), scenario);
  c.run(4);
  REQUIRE(c.dyads.size() == 2);
  CHECK(c.dyads.mentor[0] == 0);
  CHECK(c.dyads.domains[0] == kDigitalBit);
  CHECK(c.dyads.start[0] == 1);
  CHECK(c.dyads.formation[0] == Formation::self_identified);
  CHECK(c.dyads.mentor[1] == 1);
  CHECK(c.dyads.domains[1] == kCultureBit);
  CHECK(c.dyads.start[1] == 2);
  CHECK(c.program.matched_week[2] == 1);
  CHECK(c.rounds[3].empty());
  CHECK(c.program.considered.empty());
  // Seeking culture/wellbeing first ranks junior 1 first.
  const Scenario reversed =
      network_scenario("strategy = \"self_identified\"\nnetwork_domains = [\"culture_wellbeing\", \"digital\"]\n");
  test::ProgramCalendar r(network_world(), reversed);
  r.run(2);
  REQUIRE(r.dyads.size() == 1);
  CHECK(r.dyads.mentor[0] == 1);
  CHECK(r.dyads.domains[0] == kCultureBit);
}

namespace {

// Four agents for the network assigners: juniors 0 (digital 0.9, culture/wellbeing 0.5) and 1 (digital
// 0.5, culture 0.9) mentor; senior 2 (digital 0.3, culture 0.3) is a mentee; agent 3 is given by the test.
// A reverse dyad's complementarity on one domain is (s_mentor - s_mentee) * (1 - s_mentee).
World network_world_with(const test::TinyAgent& fourth) {
  std::vector<test::TinyAgent> agents = network_agents();
  agents.push_back(fourth);
  return test::tiny_world(agents, {Tie{0, 2, 0.5f}, Tie{1, 2, 0.5f}}, 0.7, 0.2);
}

Scenario network_scenario_of_four(const std::string& program) {
  return test::tiny_scenario(
      4,
      "[program]\nkind = \"reverse\"\nstart_week = 1\nduration_weeks = 10\nuptake = 1.0\nmentor_uptake = 1.0\n"
      "mentors_per_mentee = 2\nmentor_stages = [\"early_career\"]\nmentee_stages = [\"senior\"]\n" +
          program);
}

// The dyad of `mentee` for `domains`, or kNoDyad.
DyadId network_dyad(const DyadTable& dyads, AgentId mentee, std::uint8_t domains) {
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (dyads.mentee[d] == mentee && dyads.domains[d] == domains) return d;
  }
  return kNoDyad;
}

}  // namespace

TEST_CASE("assigned_optimal gives a network mentee the best mentor for each domain set in turn", "[program][network]") {
  // Junior 3 is strong in both (0.95). Round 1 (digital): values 0.65 * 0.7 = 0.455 (agent 3), 0.6 * 0.7
  // = 0.42 (agent 0), 0.2 * 0.7 = 0.14 (agent 1): agent 3. Round 2 (culture/wellbeing): agent 3 has a free
  // place (capacity 2) and would be best again (0.455), but the mentee has it; agent 1 (0.42) beats
  // agent 0 (0.14).
  test::TinyAgent both;
  both.skills = {0.4f, 0.95f, 0.5f, 0.5f, 0.5f, 0.95f};
  const Scenario scenario = network_scenario_of_four("strategy = \"assigned_optimal\"\nmentor_capacity = 2\n");
  test::ProgramCalendar c(network_world_with(both), scenario);
  c.run(3);
  REQUIRE(c.dyads.size() == 2);
  CHECK(c.rounds[1].size() == 2);
  CHECK(c.dyads.mentor[0] == 3);
  CHECK(c.dyads.domains[0] == kDigitalBit);
  CHECK(c.dyads.mentor[1] == 1);
  CHECK(c.dyads.domains[1] == kCultureBit);
  CHECK(c.dyads.formation[1] == Formation::assigned);
  CHECK(c.program.network_found[2] == 2);
}

TEST_CASE("assigned_optimal network rounds: the first domain set takes the places before the second",
          "[program][network]") {
  // Seniors 2 (digital 0.3) and 3 (digital 0.1) both seek digital first; capacity 1, two mentors. The
  // first round maximises the pairs (both) and then the value: 0 -> 3 and 1 -> 2 give 0.8 * 0.9 + 0.2 *
  // 0.7 = 0.86 against 0 -> 2 and 1 -> 3: 0.42 + 0.4 * 0.9 = 0.78. No place is left for the second round.
  test::TinyAgent weaker;
  weaker.stage = CareerStage::senior;
  weaker.skills = {0.8f, 0.1f, 0.5f, 0.5f, 0.5f, 0.3f};
  const Scenario scenario = network_scenario_of_four("strategy = \"assigned_optimal\"\nmentor_capacity = 1\n");
  test::ProgramCalendar c(network_world_with(weaker), scenario);
  c.run(2);
  REQUIRE(c.dyads.size() == 2);
  const DyadId of2 = network_dyad(c.dyads, 2, kDigitalBit);
  const DyadId of3 = network_dyad(c.dyads, 3, kDigitalBit);
  REQUIRE(of2 != kNoDyad);
  REQUIRE(of3 != kNoDyad);
  CHECK(c.dyads.mentor[of2] == 1);
  CHECK(c.dyads.mentor[of3] == 0);
  REQUIRE(c.rounds[1].size() == 2);
  CHECK(c.rounds[1][1].mentees == 2);
  CHECK(c.rounds[1][1].pairs == 0);
  CHECK(c.program.network_found[2] == 1);
  CHECK(c.program.network_found[3] == 1);
}

TEST_CASE("a hybrid network mentee keeps its self-found mentor and is assigned the other domain set",
          "[program][network]") {
  // Week 1 (self-identified phase): it seeks digital, ranks junior 0 first (0.42 against 0.14) and is
  // accepted. Week 2 (the assigned phase, fallback_weeks = 1): it still lacks culture/wellbeing; junior 0
  // has a free place (capacity 2) but the mentee has it, so the assigner gives junior 1.
  const Scenario scenario = network_scenario("strategy = \"hybrid\"\nfallback_weeks = 1\nmentor_capacity = 2\n");
  test::ProgramCalendar c(network_world(), scenario);
  c.run(4);
  REQUIRE(c.dyads.size() == 2);
  CHECK(c.dyads.mentor[0] == 0);
  CHECK(c.dyads.domains[0] == kDigitalBit);
  CHECK(c.dyads.formation[0] == Formation::self_identified);
  CHECK(c.dyads.active(0));
  CHECK(c.dyads.mentor[1] == 1);
  CHECK(c.dyads.domains[1] == kCultureBit);
  CHECK(c.dyads.formation[1] == Formation::hybrid_fallback);
  CHECK(c.dyads.start[1] == 2);
  CHECK(c.program.network_found[2] == 2);
  CHECK(c.program.mentee_load[2] == 2);
}

TEST_CASE("a network dyad that ends early is replaced for its domain set only", "[program][network]") {
  // Junior 3 has 0.6 in both. Week 1 (assigned_optimal, capacity 1): digital to junior 0 (0.42 against
  // 0.21 and 0.14), culture/wellbeing to junior 1 (0.42 against 0.21). Week 2: junior 1 leaves and its
  // dyad ends; the re-matching round of week 2 (interval 1) seeks culture/wellbeing again and junior 3,
  // the only free mentor, takes it. The digital dyad runs on; nothing else is formed.
  test::TinyAgent middle;
  middle.skills = {0.4f, 0.6f, 0.5f, 0.5f, 0.5f, 0.6f};
  for (const bool rematch : {true, false}) {
    INFO("rematch " << rematch);
    const Scenario scenario = network_scenario_of_four(
        std::string("strategy = \"assigned_optimal\"\n") +
        "mentor_capacity = 1\nrematch_interval_weeks = 1\nrematch = " + (rematch ? "true" : "false") + "\n");
    test::ProgramCalendar c(network_world_with(middle), scenario);
    c.run(2);
    REQUIRE(c.dyads.size() == 2);
    REQUIRE(c.dyads.mentor[0] == 0);
    REQUIRE(c.dyads.mentor[1] == 1);
    REQUIRE(c.dyads.domains[1] == kCultureBit);
    c.world.population.left[1] = 2;
    end_dyad(c.dyads, c.program, 1, 2, EndReason::leaving);
    c.run(3);
    CHECK(c.dyads.active(0));
    CHECK(c.program.network_found[2] == 2);
    if (!rematch) {
      CHECK(c.dyads.size() == 2);  // without re-matching the slot stays empty
      CHECK(c.program.mentee_load[2] == 1);
      continue;
    }
    REQUIRE(c.dyads.size() == 3);
    CHECK(c.dyads.mentor[2] == 3);
    CHECK(c.dyads.domains[2] == kCultureBit);
    CHECK(c.dyads.start[2] == 2);
    CHECK(c.program.mentee_load[2] == 2);
    REQUIRE(c.rounds[2].size() == 1);
    CHECK(c.rounds[2][0].mentees == 1);
    CHECK(c.rounds[2][0].pairs == 1);
    CHECK(c.rounds[3].empty());
  }
}

namespace {

// A spot program from week 0 in which every early-career seeker has a need every week (spot_rate 1).
Scenario spot_scenario(const std::string& program) {
  return test::tiny_scenario(6,
                             "[program]\nkind = \"spot\"\nstart_week = 0\nduration_weeks = 10\nuptake = 1.0\n"
                             "mentee_stages = [\"early_career\"]\nmentor_stages = [\"senior\"]\nspot_rate = 1.0\n"
                             "spot_min_gap = 0.1\n" +
                                 program);
}

// Seekers 0 and 1 and 5 (early career) lack only digital skill (0.2; every other domain 1, so every need
// is digital). Seniors 2 (digital 0.9) and 3 (0.95) are experts, senior 4 (0.25) is not (0.25 < 0.2 +
// 0.1). Ties: 0-2, 2-3, 1-3, 0-4; seeker 5 has none.
World spot_world() {
  test::TinyAgent seeker;
  seeker.skills = {1.0f, 0.2f, 1.0f, 1.0f, 1.0f, 1.0f};
  test::TinyAgent expert;
  expert.stage = CareerStage::senior;
  expert.skills = {1.0f, 0.9f, 1.0f, 1.0f, 1.0f, 1.0f};
  test::TinyAgent best = expert;
  best.skills[index_of(Domain::digital)] = 0.95f;
  test::TinyAgent weak = expert;
  weak.skills[index_of(Domain::digital)] = 0.25f;
  return test::tiny_world({seeker, seeker, expert, best, weak, seeker},
                          {Tie{0, 2, 0.5f}, Tie{2, 3, 0.5f}, Tie{1, 3, 0.5f}, Tie{0, 4, 0.5f}}, 0.7, 0.2);
}

}  // namespace

TEST_CASE("spot mentoring: a seeker asks the most skilled 2-hop colleague for one meeting on its need",
          "[program][spot]") {
  // No directory (mentor_uptake 0). Seeker 0 ranks 3 (0.95, 2-hop via 2) above 2 (0.9, a direct
  // contact); seeker 1 ranks 3 (direct) above 2 (2-hop via 3); senior 4 is below the gap. Each expert has
  // one place: the seeker booked first gets 3, the other 2. Seeker 5 has nobody: an unmet need.
  const Scenario scenario = spot_scenario("mentor_uptake = 0.0\n");
  test::ProgramCalendar c(spot_world(), scenario);
  c.run(1);
  REQUIRE(c.dyads.size() == 2);
  std::map<AgentId, AgentId> expert_of;
  for (DyadId d = 0; d < 2; ++d) {
    expert_of[c.dyads.mentee[d]] = c.dyads.mentor[d];
    CHECK(c.dyads.type[d] == DyadType::spot);
    CHECK(c.dyads.domains[d] == kDigitalBit);
    CHECK(c.dyads.planned_end[d] == 1);
  }
  REQUIRE(expert_of.size() == 2);
  const bool zero_first = expert_of.at(0) == 3;
  CHECK(expert_of.at(zero_first ? 1 : 0) == 2);
  // 0 with 3 and 1 with 2 are both 2-hop consultations; 0 with 2 and 1 with 3 both direct.
  CHECK(c.program.spot_far[0] + c.program.spot_far[1] == (zero_first ? 2 : 0));
  CHECK(c.program.spot_needs[5] == 1);
  CHECK(c.program.spot_unmet[5] == 1);
  // The next week the consultations end (program_end) and the seekers ask again.
  c.run(1);
  CHECK(c.dyads.end[0] == 1);
  CHECK(c.dyads.end_reason[0] == EndReason::program_end);
  CHECK(c.dyads.size() == 4);
}

TEST_CASE("spot mentoring through a directory reaches seekers without contacts", "[program][spot]") {
  // Every senior enrols in the directory (mentor_uptake 1), all seen (directory_visibility 1). Seeker 5
  // has no ties: it asks 3 (0.95) from the directory; 4 is below the gap. Capacity 3: all three seekers
  // ask 3 (the best everyone sees), so no need is unmet.
  const Scenario scenario = spot_scenario("mentor_uptake = 1.0\ndirectory_visibility = 1.0\nmentor_capacity = 3\n");
  SimulationState state(scenario, 0, spot_world());
  CalendarStage calendar;
  run_stage(calendar, state);
  REQUIRE(state.dyads.size() == 3);
  for (DyadId d = 0; d < 3; ++d) CHECK(state.dyads.mentor[d] == 3);
  // Outcomes: 3 needs, 3 consultations (none held yet), 3 seekers reached by 1 expert; seeker 1's expert
  // is a direct contact, 0's and 5's are not: 2 of 3 beyond contacts.
  const Outcomes o = compute_outcomes(state);
  CHECK(o.value(Outcome::spot_needs, 0) == 3.0);
  CHECK(o.value(Outcome::spot_consultations, 0) == 3.0);
  CHECK(o.value(Outcome::spot_held, 0) == 0.0);
  CHECK(o.value(Outcome::spot_reach, 0) == 3.0);
  CHECK(o.value(Outcome::spot_experts, 0) == 1.0);
  CHECK(o.value(Outcome::spot_beyond_contacts, 0) == Approx(2.0 / 3.0));
  CHECK(o.value(Outcome::spot_unmet_share, 0) == 0.0);
  // Not a spot program: NaN.
  const Scenario other = test::tiny_scenario(7, kCascade);
  SimulationState idle(other, 0, spot_world());
  CHECK(std::isnan(compute_outcomes(idle).value(Outcome::spot_needs, 0)));
}
