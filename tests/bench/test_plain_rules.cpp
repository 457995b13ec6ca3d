// The plain-rules reference benchmark (bench/plain_rules/): each weekly rule on tiny worlds worked out
// by hand, the generated world's counts and statistics with fixed seeds and stated tolerances,
// thread-count independence, and the program's command line.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "plain_rules/plain_rules.hpp"

namespace pr = mentorsim::plain_rules;
using mentorsim::AgentId;
using mentorsim::CollegialNetwork;
using mentorsim::Tie;
using pr::Stage;

namespace {

constexpr mentorsim::Seed kPlainRulesSeed = 20240601;
// Single-precision state: a hand-computed value is matched to within a few float roundings.
constexpr double kFloatTolerance = 1e-6;

// Skills in domain order (clinical, digital, research, teaching, leadership, culture), then
// satisfaction.
pr::AgentRow row(std::initializer_list<float> skills, float satisfaction) {
  pr::AgentRow r;
  std::size_t d = 0;
  for (float s : skills) r.lane[d++] = s;
  r.lane[pr::kSatisfactionLane] = satisfaction;
  return r;
}

pr::World tiny(std::vector<Stage> stages, std::vector<pr::AgentRow> rows, std::vector<Tie> ties,
               std::vector<pr::Dyad> dyads) {
  const auto n = static_cast<AgentId>(rows.size());
  return pr::World(std::move(stages), std::move(rows), CollegialNetwork(n, std::move(ties)), std::move(dyads),
                   kPlainRulesSeed);
}

// Decisions with every dyad meeting (or none), and the given leavers.
pr::WeekDecisions decide(const pr::World& world, bool meet, std::vector<AgentId> leavers = {}) {
  pr::WeekDecisions d;
  d.meets.assign((world.dyads().size() + 63) / 64, meet ? ~std::uint64_t{0} : 0);
  d.leavers = std::move(leavers);
  return d;
}

double skill(const pr::World& world, AgentId i, int domain) { return world.agent(i).skill(domain); }
double satisfaction(const pr::World& world, AgentId i) { return world.agent(i).satisfaction(); }

std::vector<pr::WeekRecord> run_weeks(pr::World& world, int weeks) {
  std::vector<pr::WeekRecord> records;
  pr::WeekDecisions decisions;
  for (int week = 1; week <= weeks; ++week) {
    world.draw_decisions(week, decisions);
    records.push_back(world.apply_week(week, decisions));
  }
  return records;
}

}  // namespace

TEST_CASE("plain rules: two tied agents move 1% of the way to each other in one week of diffusion", "[plain_rules]") {
  pr::World world =
      tiny({Stage::mid, Stage::mid},
           {row({0.2f, 0.4f, 0.6f, 0.8f, 0.1f, 0.3f}, 0.5f), row({0.6f, 0.4f, 0.2f, 0.0f, 0.9f, 0.5f}, 0.7f)},
           {Tie{0, 1, 1.0f, 1.0f}}, {});
  world.apply_week(1, decide(world, false));
  // a' = a + 0.01 (b - a), b' = b + 0.01 (a - b)
  const double a[] = {0.204, 0.4, 0.596, 0.792, 0.108, 0.302};
  const double b[] = {0.596, 0.4, 0.204, 0.008, 0.892, 0.498};
  for (int d = 0; d < pr::kDomains; ++d) {
    CHECK(skill(world, 0, d) == Approx(a[d]).margin(kFloatTolerance));
    CHECK(skill(world, 1, d) == Approx(b[d]).margin(kFloatTolerance));
  }
  // Satisfaction drifts: 0.5 + 0.02 (0.6 - 0.5) and 0.7 + 0.02 (0.6 - 0.7).
  CHECK(satisfaction(world, 0) == Approx(0.502).margin(kFloatTolerance));
  CHECK(satisfaction(world, 1) == Approx(0.698).margin(kFloatTolerance));
}

TEST_CASE("plain rules: diffusion on a chain uses start-of-week values for every agent (Jacobi)", "[plain_rules]") {
  // 0 - 1 - 2 with clinical 0.2, 0.8, 0.2. Jacobi: agent 1 moves towards (0.2 + 0.2) / 2 = 0.2, giving
  // 0.794; updating agent 0 first and using its new value would give 0.79403.
  pr::World world =
      tiny({Stage::mid, Stage::mid, Stage::mid}, {row({0.2f}, 0.6f), row({0.8f}, 0.6f), row({0.2f}, 0.6f)},
           {Tie{0, 1, 1.0f, 1.0f}, Tie{1, 2, 1.0f, 1.0f}}, {});
  world.apply_week(1, decide(world, false));
  CHECK(skill(world, 0, pr::clinical) == Approx(0.206).margin(kFloatTolerance));
  CHECK(skill(world, 1, pr::clinical) == Approx(0.794).margin(kFloatTolerance));
  CHECK(skill(world, 2, pr::clinical) == Approx(0.206).margin(kFloatTolerance));
  CHECK(satisfaction(world, 1) == Approx(0.6).margin(kFloatTolerance));
}

TEST_CASE("plain rules: an agent without neighbours keeps its skills", "[plain_rules]") {
  pr::World world = tiny({Stage::senior}, {row({0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 0.4f)}, {}, {});
  world.apply_week(1, decide(world, false));
  for (int d = 0; d < pr::kDomains; ++d) CHECK(skill(world, 0, d) == Approx(0.1 * (d + 1)).margin(kFloatTolerance));
  CHECK(satisfaction(world, 0) == Approx(0.404).margin(kFloatTolerance));
}

TEST_CASE("plain rules: a meeting dyad moves the skills and satisfaction the formula says", "[plain_rules]") {
  // Junior 0 and senior 1, no ties.
  auto make = [] {
    return tiny({Stage::early_career, Stage::senior},
                {row({0.3f, 0.9f, 0.5f, 0.5f, 0.2f, 0.7f}, 0.5f), row({0.8f, 0.3f, 0.5f, 0.5f, 0.1f, 0.4f}, 0.7f)}, {},
                {pr::Dyad{0, 1}});
  };
  SECTION("meeting") {
    pr::World world = make();
    world.apply_week(1, decide(world, true));
    // Junior: clinical 0.3 + 0.05 (0.8 - 0.3)(1 - 0.3) = 0.3175; leadership: the senior is behind
    // (0.1 < 0.2), so no gain; digital and culture are the senior's domains: unchanged.
    CHECK(skill(world, 0, pr::clinical) == Approx(0.3175).margin(kFloatTolerance));
    CHECK(skill(world, 0, pr::leadership) == Approx(0.2).margin(kFloatTolerance));
    CHECK(skill(world, 0, pr::digital) == Approx(0.9).margin(kFloatTolerance));
    CHECK(skill(world, 0, pr::culture) == Approx(0.7).margin(kFloatTolerance));
    // Senior: digital 0.3 + 0.05 (0.9 - 0.3)(1 - 0.3) = 0.321; culture 0.4 + 0.05 (0.7 - 0.4)(0.6) = 0.409;
    // clinical unchanged.
    CHECK(skill(world, 1, pr::digital) == Approx(0.321).margin(kFloatTolerance));
    CHECK(skill(world, 1, pr::culture) == Approx(0.409).margin(kFloatTolerance));
    CHECK(skill(world, 1, pr::clinical) == Approx(0.8).margin(kFloatTolerance));
    for (AgentId i : {0u, 1u}) {
      CHECK(skill(world, i, pr::research) == Approx(0.5).margin(kFloatTolerance));
      CHECK(skill(world, i, pr::teaching) == Approx(0.5).margin(kFloatTolerance));
    }
    // Satisfaction: 0.5 + 0.01 (1 - 0.5) + 0.02 (0.6 - 0.5) = 0.507; 0.7 + 0.003 - 0.002 = 0.701.
    CHECK(satisfaction(world, 0) == Approx(0.507).margin(kFloatTolerance));
    CHECK(satisfaction(world, 1) == Approx(0.701).margin(kFloatTolerance));
    CHECK(world.dyad_alive(0));
  }
  SECTION("not meeting: only the satisfaction drift") {
    pr::World world = make();
    world.apply_week(1, decide(world, false));
    CHECK(skill(world, 0, pr::clinical) == Approx(0.3).margin(kFloatTolerance));
    CHECK(skill(world, 1, pr::digital) == Approx(0.3).margin(kFloatTolerance));
    CHECK(satisfaction(world, 0) == Approx(0.502).margin(kFloatTolerance));
    CHECK(satisfaction(world, 1) == Approx(0.698).margin(kFloatTolerance));
  }
}

TEST_CASE("plain rules: diffusion and mentoring increments are both computed from start-of-week values and added",
          "[plain_rules]") {
  // The dyad's two members are also tied: junior clinical 0.3 + 0.01 (0.8 - 0.3) + 0.0175 = 0.3225;
  // senior digital 0.3 + 0.01 (0.9 - 0.3) + 0.021 = 0.327.
  pr::World world =
      tiny({Stage::early_career, Stage::senior},
           {row({0.3f, 0.9f, 0.5f, 0.5f, 0.2f, 0.7f}, 0.5f), row({0.8f, 0.3f, 0.5f, 0.5f, 0.1f, 0.4f}, 0.7f)},
           {Tie{0, 1, 1.0f, 1.0f}}, {pr::Dyad{0, 1}});
  world.apply_week(1, decide(world, true));
  CHECK(skill(world, 0, pr::clinical) == Approx(0.3225).margin(kFloatTolerance));
  CHECK(skill(world, 1, pr::digital) == Approx(0.327).margin(kFloatTolerance));
  // Leadership: diffusion only, 0.2 + 0.01 (0.1 - 0.2) = 0.199 (the senior is behind: no mentoring gain).
  CHECK(skill(world, 0, pr::leadership) == Approx(0.199).margin(kFloatTolerance));
}

TEST_CASE("plain rules: a senior with two meeting juniors gets the sum of both gains from start-of-week values",
          "[plain_rules]") {
  // Senior 0 (digital 0.3), juniors 1 (digital 0.9) and 2 (digital 0.5). Gains 0.05 (0.6)(0.7) = 0.021
  // and 0.05 (0.2)(0.7) = 0.007: digital 0.328. Applying them one after the other would give 0.327077.
  auto make = [] {
    return tiny({Stage::senior, Stage::early_career, Stage::early_career},
                {row({0.8f, 0.3f, 0.5f, 0.5f, 0.5f, 0.5f}, 0.7f), row({0.3f, 0.9f, 0.5f, 0.5f, 0.5f, 0.5f}, 0.5f),
                 row({0.3f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, 0.5f)},
                {}, {pr::Dyad{1, 0}, pr::Dyad{2, 0}});
  };
  SECTION("both meet") {
    pr::World world = make();
    world.apply_week(1, decide(world, true));
    CHECK(skill(world, 0, pr::digital) == Approx(0.328).margin(kFloatTolerance));
    // Satisfaction: 0.7 + 2 x 0.01 (1 - 0.7) + 0.02 (0.6 - 0.7) = 0.704.
    CHECK(satisfaction(world, 0) == Approx(0.704).margin(kFloatTolerance));
    // Each junior: clinical 0.3 + 0.05 (0.5)(0.7) = 0.3175.
    CHECK(skill(world, 1, pr::clinical) == Approx(0.3175).margin(kFloatTolerance));
    CHECK(skill(world, 2, pr::clinical) == Approx(0.3175).margin(kFloatTolerance));
  }
  SECTION("only the second meets") {
    pr::World world = make();
    pr::WeekDecisions d = decide(world, false);
    d.meets[0] = 0b10;
    world.apply_week(1, d);
    CHECK(skill(world, 0, pr::digital) == Approx(0.307).margin(kFloatTolerance));
    CHECK(satisfaction(world, 0) == Approx(0.701).margin(kFloatTolerance));
    CHECK(skill(world, 1, pr::clinical) == Approx(0.3).margin(kFloatTolerance));
    CHECK(skill(world, 2, pr::clinical) == Approx(0.3175).margin(kFloatTolerance));
  }
}

TEST_CASE("plain rules: a leaver is replaced in place by a fresh early-career agent and its dyads end",
          "[plain_rules]") {
  // Junior 0 and senior 1 (dyad 0), junior 2 and senior 3 (dyad 1); agent 4 (mid) tied to the senior 1.
  auto make = [] {
    return tiny({Stage::early_career, Stage::senior, Stage::early_career, Stage::senior, Stage::mid},
                {row({0.3f, 0.9f, 0.5f, 0.5f, 0.2f, 0.7f}, 0.5f), row({0.8f, 0.3f, 0.5f, 0.5f, 0.1f, 0.4f}, 0.7f),
                 row({0.3f, 0.9f, 0.5f, 0.5f, 0.2f, 0.7f}, 0.5f), row({0.8f, 0.3f, 0.5f, 0.5f, 0.1f, 0.4f}, 0.7f),
                 row({0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, 0.6f)},
                {Tie{1, 4, 1.0f, 1.0f}}, {pr::Dyad{0, 1}, pr::Dyad{2, 3}});
  };
  SECTION("the senior leaves") {
    pr::World world = make();
    world.apply_week(3, decide(world, true, {1}));
    // The leaver's row is the fresh draw of week 3 for its id, overwriting the week's update.
    const pr::AgentRow fresh = pr::fresh_agent(kPlainRulesSeed, 3, 1);
    CHECK(std::memcmp(&world.agent(1), &fresh, sizeof fresh) == 0);
    CHECK(world.stage(1) == Stage::early_career);
    CHECK(fresh.skill(pr::clinical) >= 0.1f);
    CHECK(fresh.skill(pr::clinical) <= 0.1f + 0.3f);
    CHECK(fresh.skill(pr::digital) >= 0.6f);
    CHECK(fresh.skill(pr::digital) <= 0.6f + 0.3f);
    for (int d : {pr::research, pr::teaching, pr::leadership, pr::culture}) {
      CHECK(fresh.skill(d) >= 0.2f);
      CHECK(fresh.skill(d) <= 0.8f);
    }
    CHECK(fresh.satisfaction() >= 0.4f);
    CHECK(fresh.satisfaction() <= 0.8f);
    // Another week or another id draws other values.
    CHECK(pr::fresh_agent(kPlainRulesSeed, 4, 1).skill(pr::research) != fresh.skill(pr::research));
    CHECK(pr::fresh_agent(kPlainRulesSeed, 3, 2).skill(pr::research) != fresh.skill(pr::research));
    // The junior kept this week's gain from the leaver's start-of-week values; the dyad has ended.
    CHECK(skill(world, 0, pr::clinical) == Approx(0.3175).margin(kFloatTolerance));
    CHECK_FALSE(world.dyad_alive(0));
    CHECK(world.dyad_alive(1));
    CHECK(world.dyads_remaining() == 1);
    // Same place, same ties.
    REQUIRE(world.network().neighbors(1).size() == 1);
    CHECK(world.network().neighbors(1)[0] == 4);
    // Agent 4 diffused towards the senior's start-of-week values, not the fresh ones: 0.5 + 0.01 (0.8 - 0.5).
    CHECK(skill(world, 4, pr::clinical) == Approx(0.503).margin(kFloatTolerance));
    // Next week the ended dyad does not meet even when told to: the junior has no ties, so only drift.
    world.apply_week(4, decide(world, true));
    CHECK(skill(world, 0, pr::clinical) == Approx(0.3175).margin(kFloatTolerance));
    CHECK(skill(world, 2, pr::clinical) == Approx(0.3175 + 0.05 * (0.8 - 0.3175) * (1 - 0.3175)).margin(1e-5));
  }
  SECTION("the junior leaves") {
    pr::World world = make();
    world.apply_week(3, decide(world, true, {2}));
    CHECK(world.stage(2) == Stage::early_career);
    const pr::AgentRow fresh = pr::fresh_agent(kPlainRulesSeed, 3, 2);
    CHECK(std::memcmp(&world.agent(2), &fresh, sizeof fresh) == 0);
    CHECK(world.dyad_alive(0));
    CHECK_FALSE(world.dyad_alive(1));
    // The senior kept the gain: digital 0.321.
    CHECK(skill(world, 3, pr::digital) == Approx(0.321).margin(kFloatTolerance));
  }
}

TEST_CASE("plain rules: step 5 records mean skill by stage and mean satisfaction after turnover", "[plain_rules]") {
  // No ties, no dyads: skills stay; agent 2 (senior) leaves and becomes early-career.
  pr::World world =
      tiny({Stage::early_career, Stage::early_career, Stage::senior},
           {row({0.2f, 0.6f, 0.5f, 0.5f, 0.5f, 0.5f}, 0.5f), row({0.4f, 0.8f, 0.5f, 0.5f, 0.5f, 0.5f}, 0.5f),
            row({0.9f, 0.1f, 0.5f, 0.5f, 0.5f, 0.5f}, 0.5f)},
           {}, {});
  const pr::WeekRecord before = world.record();
  CHECK(before.mean_skill[0][pr::clinical] == Approx(0.3).margin(kFloatTolerance));
  CHECK(before.mean_skill[2][pr::digital] == Approx(0.1).margin(kFloatTolerance));
  CHECK(std::isnan(before.mean_skill[1][pr::clinical]));  // no mid-career agents
  CHECK(before.stage_count == std::array<std::uint64_t, 3>{2, 0, 1});
  const pr::WeekRecord after = world.apply_week(1, decide(world, false, {2}));
  const pr::AgentRow fresh = pr::fresh_agent(kPlainRulesSeed, 1, 2);
  CHECK(after.stage_count == std::array<std::uint64_t, 3>{3, 0, 0});
  CHECK(after.mean_skill[0][pr::clinical] ==
        Approx((0.2 + 0.4 + fresh.skill(pr::clinical)) / 3).margin(kFloatTolerance));
  CHECK(std::isnan(after.mean_skill[2][pr::digital]));
  // Satisfaction 0.5 drifts to 0.502 for the two stayers.
  CHECK(after.mean_satisfaction == Approx((0.502 + 0.502 + fresh.satisfaction()) / 3).margin(kFloatTolerance));
  const pr::WeekRecord again = world.record();
  CHECK(again.mean_satisfaction == after.mean_satisfaction);
  CHECK(again.mean_skill[0] == after.mean_skill[0]);
}

TEST_CASE("plain rules: apply_week refuses decisions that do not fit the world", "[plain_rules]") {
  pr::World world = tiny({Stage::early_career, Stage::senior, Stage::mid},
                         {row({0.5f}, 0.5f), row({0.5f}, 0.5f), row({0.5f}, 0.5f)}, {}, {pr::Dyad{0, 1}});
  CHECK_THROWS_AS(world.apply_week(1, decide(world, false, {2, 1})), std::invalid_argument);
  CHECK_THROWS_AS(world.apply_week(1, decide(world, false, {1, 1})), std::invalid_argument);
  CHECK_THROWS_AS(world.apply_week(1, decide(world, false, {3})), std::invalid_argument);
  pr::WeekDecisions no_bits;
  CHECK_THROWS_AS(world.apply_week(1, no_bits), std::invalid_argument);
  CHECK_THROWS_AS(tiny({Stage::early_career, Stage::senior}, {row({0.5f}, 0.5f), row({0.5f}, 0.5f)}, {},
                       {pr::Dyad{0, 1}, pr::Dyad{0, 1}}),
                  std::invalid_argument);
}

TEST_CASE("plain rules: the population has exactly round(0.4 N) early-career and round(0.3 N) mid agents",
          "[plain_rules]") {
  // (N, early, mid), rounded by hand; 0.3 x 15 = 4.5 rounds up to 5.
  const std::vector<std::array<AgentId, 3>> cases{{1, 0, 0},        {2, 1, 1},           {7, 3, 2},          {15, 6, 5},
                                                  {1001, 400, 300}, {20000, 8000, 6000}, {12345, 4938, 3704}};
  for (const auto& [n, early, mid] : cases) {
    CAPTURE(n);
    const pr::World world = pr::World::generate(n, kPlainRulesSeed);
    std::array<AgentId, 3> count{};
    for (AgentId i = 0; i < n; ++i) ++count[static_cast<std::size_t>(world.stage(i))];
    CHECK(count[0] == early);
    CHECK(count[1] == mid);
    CHECK(count[2] == n - early - mid);
    // floor(n_early / 3) dyads of distinct early-career juniors, each with a senior.
    CHECK(world.dyads().size() == (n - early - mid > 0 ? early / 3 : 0));
    std::set<AgentId> juniors;
    for (const auto& dyad : world.dyads()) {
      juniors.insert(dyad.junior);
      CHECK(world.stage(dyad.junior) == Stage::early_career);
      CHECK(world.stage(dyad.senior) == Stage::senior);
    }
    CHECK(juniors.size() == world.dyads().size());
  }
}

TEST_CASE("plain rules: initial skills and satisfaction lie in the ranges of the agent's stage", "[plain_rules]") {
  const pr::World world = pr::World::generate(3000, kPlainRulesSeed);
  const float clinical_base[] = {0.1f, 0.3f, 0.6f};
  const float digital_base[] = {0.6f, 0.3f, 0.1f};
  double mean_research = 0.0;
  for (AgentId i = 0; i < world.size(); ++i) {
    const auto s = static_cast<std::size_t>(world.stage(i));
    const pr::AgentRow& a = world.agent(i);
    CHECK((a.skill(pr::clinical) >= clinical_base[s] && a.skill(pr::clinical) <= clinical_base[s] + 0.3f));
    CHECK((a.skill(pr::digital) >= digital_base[s] && a.skill(pr::digital) <= digital_base[s] + 0.3f));
    CHECK((a.satisfaction() >= 0.4f && a.satisfaction() <= 0.8f));
    mean_research += a.skill(pr::research) / world.size();
  }
  // Uniform(0.2, 0.8): mean 0.5, SE of the mean 0.6 / sqrt(12 x 3000) = 0.0032; 4 SE.
  CHECK(mean_research == Approx(0.5).margin(0.013));
}

TEST_CASE("plain rules: the network has mean degree about 10, 8/49 of within-unit pairs tied", "[plain_rules]") {
  // N = 20,000: 400 full units of 1,225 pairs. Within-unit ties ~ Binomial(490,000, 8/49): mean
  // 80,000, SD 258; plus 20,000 random pairs, of which about 9 are self-loops or duplicates. Mean degree
  // 2 x 99,991 / 20,000 = 9.999 with SD 2 x 258 / 20,000 = 0.026: tolerance 0.1 (about 4 SD).
  const AgentId n = 20000;
  const pr::World world = pr::World::generate(n, kPlainRulesSeed);
  const auto& network = world.network();
  const double mean_degree = 2.0 * static_cast<double>(network.tie_count()) / n;
  CHECK(mean_degree == Approx(9.999).margin(0.1));
  std::uint64_t within = 0;
  for (const Tie& tie : network.ties()) within += tie.a / pr::kUnitSize == tie.b / pr::kUnitSize ? 1 : 0;
  // Share of within-unit pairs tied: 8/49 = 0.16327, SE sqrt(p (1 - p) / 490,000) = 0.00053; the random
  // pairs add about 50 within-unit ties (1/400 of them), 0.0001. Tolerance 0.0025 (about 4.5 SE).
  CHECK(static_cast<double>(within) / (400.0 * 1225.0) == Approx(8.0 / 49.0).margin(0.0025));
  // Every weight is 1.
  const auto weights = network.arc_weights();
  CHECK(std::all_of(weights.begin(), weights.end(), [](float w) { return w == 1.0f; }));
}

TEST_CASE("plain rules: turnover and meetings draw at the stated rates", "[plain_rules]") {
  // 30,000 agents x 104 weeks: leavers ~ Binomial(3,120,000, 0.003), mean 9,360, SD 96.6: tolerance
  // 400 (about 4 SD). Meeting bits of the 4,000 dyads over 104 weeks: 416,000 fair bits, mean 208,000,
  // SD 322: tolerance 1,300 (about 4 SD).
  const pr::World world = pr::World::generate(30000, kPlainRulesSeed);
  REQUIRE(world.dyads().size() == 4000);
  pr::WeekDecisions d;
  std::uint64_t leavers = 0;
  std::uint64_t meets = 0;
  for (int week = 1; week <= 104; ++week) {
    world.draw_decisions(week, d);
    leavers += d.leavers.size();
    CHECK(std::is_sorted(d.leavers.begin(), d.leavers.end()));
    for (std::size_t k = 0; k < world.dyads().size(); ++k) meets += (d.meets[k / 64] >> (k % 64)) & 1u;
  }
  CHECK(static_cast<double>(leavers) == Approx(9360.0).margin(400.0));
  CHECK(static_cast<double>(meets) == Approx(208000.0).margin(1300.0));
}

TEST_CASE("plain rules: the fraction of dyads surviving 104 weeks is (1 - 0.003)^208 within Monte Carlo error",
          "[plain_rules]") {
  // Each dyad survives if neither member leaves in 104 weeks: probability q^2 with q = 0.997^104 =
  // 0.7316, so q^2 = 0.997^208 = 0.5353. Binomial SE over D = 4,000 dyads: sqrt(0.5353 x 0.4647 / 4000)
  // = 0.0079. Dyads sharing a senior are correlated (covariance q^3 (1 - q) = 0.105 per ordered pair);
  // the sum of k(k - 1) over seniors (k = a senior's dyads) inflates the variance, computed below.
  // Tolerance: 3 x the SE so inflated.
  pr::World world = pr::World::generate(30000, kPlainRulesSeed);
  const double dyads = static_cast<double>(world.dyads().size());
  std::vector<int> per_senior(world.size(), 0);
  for (const auto& dyad : world.dyads()) ++per_senior[dyad.senior];
  double pairs_sharing = 0.0;
  for (int k : per_senior) pairs_sharing += static_cast<double>(k) * (k - 1);
  const double q = std::pow(0.997, 104);
  const double p = q * q;
  const double se = std::sqrt(dyads * p * (1 - p) + pairs_sharing * q * q * q * (1 - q)) / dyads;
  run_weeks(world, 104);
  const double surviving = static_cast<double>(world.dyads_remaining()) / dyads;
  CAPTURE(surviving, se);
  CHECK(p == Approx(0.5353).margin(1e-4));
  CHECK(surviving == Approx(p).margin(3 * se));
  std::size_t alive = 0;
  for (std::size_t k = 0; k < world.dyads().size(); ++k) alive += world.dyad_alive(k) ? 1 : 0;
  CHECK(alive == world.dyads_remaining());
}

TEST_CASE("plain rules: results are bitwise identical for 1 and 2 threads", "[plain_rules][determinism]") {
  auto run = [](int threads) {
    mentorsim::parallel::set_threads(threads);
    pr::World world = pr::World::generate(20000, kPlainRulesSeed);
    auto records = run_weeks(world, 12);
    return std::pair{std::move(world), std::move(records)};
  };
  const auto [one, one_records] = run(1);
  const auto [two, two_records] = run(2);
  mentorsim::parallel::set_threads(0);
  REQUIRE(one.size() == two.size());
  CHECK(std::memcmp(&one.agent(0), &two.agent(0), sizeof(pr::AgentRow) * one.size()) == 0);
  bool same_stages = true;
  for (AgentId i = 0; i < one.size(); ++i) same_stages = same_stages && one.stage(i) == two.stage(i);
  CHECK(same_stages);
  CHECK(one.network().ties() == two.network().ties());
  CHECK(one.dyads_remaining() == two.dyads_remaining());
  REQUIRE(one_records.size() == two_records.size());
  for (std::size_t w = 0; w < one_records.size(); ++w) {
    CHECK(std::memcmp(&one_records[w].mean_skill, &two_records[w].mean_skill, sizeof one_records[w].mean_skill) == 0);
    CHECK(one_records[w].mean_satisfaction == two_records[w].mean_satisfaction);
    CHECK(one_records[w].stage_count == two_records[w].stage_count);
  }
}
