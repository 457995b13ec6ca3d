// Pairing strategies on tiny pools with known answers, and properties over many seeds.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include "mentorsim/core/types.hpp"
#include "mentorsim/program/pairing/assigned_optimal.hpp"
#include "mentorsim/program/pairing/assigned_random.hpp"
#include "mentorsim/program/pairing/self_identified.hpp"
#include "mentorsim/program/teaching.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/synthesizer.hpp"
#include "support/text.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;

namespace {

using mentorsim::kNaN;

// Brute force: the best (number assigned, total weight) over every assignment.
std::pair<int, double> brute_force(std::size_t rows, std::size_t columns, const std::vector<double>& w) {
  std::pair<int, double> best{0, 0.0};
  std::vector<char> taken(columns, 0);
  std::function<void(std::size_t, int, double)> go = [&](std::size_t r, int count, double total) {
    if (r == rows) {
      if (count > best.first || (count == best.first && total > best.second + 1e-12)) best = {count, total};
      return;
    }
    go(r + 1, count, total);  // row r unassigned
    for (std::size_t c = 0; c < columns; ++c) {
      if (taken[c] || std::isnan(w[r * columns + c])) continue;
      taken[c] = 1;
      go(r + 1, count + 1, total + w[r * columns + c]);
      taken[c] = 0;
    }
  };
  go(0, 0, 0.0);
  return best;
}

// A small synthesized population with every profession and stage, for strategy properties.
Population small_population(Seed seed, std::uint32_t size = 120) {
  const Scenario s = Scenario::parse("[population]\nsize = " + std::to_string(size) + "\n", "p.toml");
  return synthesize_population(s.population(), RandomSource(seed, 0));
}

PairingInput pool(const Population& pop, const CollegialNetwork& net, Seed seed, DyadType type,
                  PairingConstraints constraints, std::uint32_t capacity = 1) {
  PairingInput in;
  in.population = &pop;
  in.network = &net;
  in.type = type;
  in.constraints = constraints;
  in.random = RandomSource(seed, 0);
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (pop.stage[a] == CareerStage::senior || pop.stage[a] == CareerStage::mid_career) {
      in.mentors.push_back(a);
      in.capacity.push_back(capacity);
    } else {
      in.mentees.push_back(a);
    }
  }
  return in;
}

void check_result(const PairingInput& in, const PairingResult& r) {
  const Population& pop = *in.population;
  std::map<AgentId, std::uint32_t> load;
  std::set<AgentId> seen;
  for (const Pair& p : r.pairs) {
    INFO("mentor " << p.mentor << " mentee " << p.mentee);
    CHECK(is_feasible(pop, p.mentor, p.mentee, in.constraints));
    CHECK(seen.insert(p.mentee).second);  // each mentee at most once
    ++load[p.mentor];
  }
  for (std::size_t m = 0; m < in.mentors.size(); ++m) CHECK(load[in.mentors[m]] <= in.capacity[m]);
  CHECK(r.pairs.size() + r.unmatched.size() == in.mentees.size());
  CHECK(r.reasons.size() == r.unmatched.size());
}

}  // namespace

TEST_CASE("the optimal assignment equals brute force on small random instances", "[pairing][optimal]") {
  for (Seed seed = 1; seed <= 300; ++seed) {
    Stream s(seed, 0, 0, Purpose::pairing, 0);
    const std::size_t rows = 1 + s.below(5);
    const std::size_t columns = 1 + s.below(5);
    std::vector<double> w(rows * columns);
    for (auto& x : w) x = s.bernoulli(0.25) ? kNaN : std::round(s.uniform() * 100.0) / 50.0;
    const auto assignment = max_weight_assignment(rows, columns, w);
    int count = 0;
    double total = 0.0;
    std::set<int> used;
    for (std::size_t r = 0; r < rows; ++r) {
      if (assignment[r] < 0) continue;
      REQUIRE_FALSE(std::isnan(w[r * columns + static_cast<std::size_t>(assignment[r])]));
      REQUIRE(used.insert(assignment[r]).second);
      ++count;
      total += w[r * columns + static_cast<std::size_t>(assignment[r])];
    }
    const auto best = brute_force(rows, columns, w);
    INFO("seed " << seed << ", " << rows << " x " << columns);
    CHECK(count == best.first);
    CHECK(total == Approx(best.second).margin(1e-9));
  }
}

TEST_CASE("assigned_optimal on a tiny pool picks the most complementary pairs", "[pairing][optimal]") {
  // Two senior mentees lacking digital skill, two junior mentors with 0.9 and 0.5 digital skill:
  // reverse complementarity favours giving the stronger mentor to the needier mentee.
  Population pop;
  pop.institutions.push_back(InstitutionInfo{"h", InstitutionKind::hospital, 0.5, 0, 1});
  pop.units.push_back(UnitInfo{0, "h/0"});
  pop.psych_safety.push_back(0.5f);
  pop.flattening.push_back(0.0f);
  pop.resize(4);
  const float digital[] = {0.9f, 0.5f, 0.1f, 0.45f};
  for (AgentId a = 0; a < 4; ++a) {
    pop.stage[a] = a < 2 ? CareerStage::early_career : CareerStage::senior;
    for (std::size_t d = 0; d < kDomains; ++d) pop.skills.at(a, d) = 0.5f;
    pop.skills(a, Domain::digital) = digital[a];
  }
  const CollegialNetwork net(4, {});
  PairingInput in;
  in.population = &pop;
  in.network = &net;
  in.type = DyadType::reverse;
  in.mentees = {2, 3};
  in.mentors = {0, 1};
  in.capacity = {1, 1};
  const PairingResult r = AssignedOptimalPairing{}.pair(in);
  REQUIRE(r.pairs.size() == 2);
  CHECK(r.exact);
  // Values (mean over digital and culture; culture gaps are 0): mentee 2 gets (0.9-0.1)(0.9)/2 = 0.36
  // from mentor 0 or (0.4)(0.9)/2 = 0.18 from mentor 1; mentee 3 gets (0.45)(0.55)/2 = 0.12375 from
  // mentor 0 or (0.05)(0.55)/2 = 0.01375 from mentor 1. Best total: 0.36 + 0.01375 = 0.37375.
  for (const Pair& p : r.pairs) CHECK(p.mentor == (p.mentee == 2 ? 0u : 1u));
  CHECK(r.objective == Approx(0.37375));
}

TEST_CASE("no strategy ever violates a constraint or a capacity", "[pairing][constraints]") {
  const std::vector<PairingConstraints> constraint_sets = {{ConstraintLevel::allowed, ConstraintLevel::allowed},
                                                           {ConstraintLevel::required, ConstraintLevel::allowed},
                                                           {ConstraintLevel::allowed, ConstraintLevel::required},
                                                           {ConstraintLevel::required, ConstraintLevel::required},
                                                           {ConstraintLevel::preferred, ConstraintLevel::preferred}};
  const AssignedRandomPairing random_strategy;
  const AssignedOptimalPairing optimal_strategy;
  const SelfIdentifiedPairing self_strategy;
  const std::vector<const PairingStrategyBase*> strategies = {&random_strategy, &optimal_strategy, &self_strategy};
  for (Seed seed = 1; seed <= 6; ++seed) {
    const Population pop = small_population(seed);
    std::vector<Tie> ties;
    for (AgentId a = 0; a + 1 < pop.size(); ++a) ties.push_back(Tie{a, a + 1, 0.5f});
    const CollegialNetwork net(static_cast<AgentId>(pop.size()), ties);
    for (const auto& constraints : constraint_sets) {
      for (const auto* strategy : strategies) {
        PairingInput in = pool(pop, net, seed, DyadType::traditional, constraints, 1 + seed % 3);
        in.directory_visibility = 0.5;
        check_result(in, strategy->pair(in));
      }
    }
  }
}

TEST_CASE("line managers are never paired with their reports", "[pairing][constraints]") {
  const Population pop = small_population(3);
  const CollegialNetwork net(static_cast<AgentId>(pop.size()), {});
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (pop.manager[a] != kNoAgent) CHECK_FALSE(is_feasible(pop, pop.manager[a], a, PairingConstraints{}));
  }
}

TEST_CASE("preferred cross-institution pairs win when available", "[pairing][constraints]") {
  const Population pop = small_population(9, 400);
  const CollegialNetwork net(static_cast<AgentId>(pop.size()), {});
  PairingInput in = pool(pop, net, 9, DyadType::traditional, {ConstraintLevel::preferred, ConstraintLevel::allowed});
  in.mentees.resize(10);  // few mentees, plenty of mentors from every institution
  const AssignedRandomPairing random_strategy;
  const AssignedOptimalPairing optimal_strategy;
  for (const PairingStrategyBase* strategy : {static_cast<const PairingStrategyBase*>(&random_strategy),
                                              static_cast<const PairingStrategyBase*>(&optimal_strategy)}) {
    const PairingResult r = strategy->pair(in);
    REQUIRE(r.pairs.size() == 10);
    for (const Pair& p : r.pairs) CHECK(pop.institution[p.mentor] != pop.institution[p.mentee]);
  }
}

TEST_CASE("the self-identified matching has no blocking pair", "[pairing][self]") {
  for (Seed seed = 1; seed <= 60; ++seed) {
    const Population pop = small_population(seed, 80);
    std::vector<Tie> ties;
    Stream s(seed, 0, 0, Purpose::network_stubs, 0);
    for (int k = 0; k < 300; ++k) ties.push_back(Tie{s.below(80), s.below(80), 0.5f});
    const CollegialNetwork net(80, ties);
    PairingInput in = pool(pop, net, seed, seed % 2 ? DyadType::traditional : DyadType::reverse, {},
                           1 + static_cast<std::uint32_t>(seed % 2));
    in.directory_visibility = 0.2;
    const auto market = build_self_identified_market(in);
    const auto matching = deferred_acceptance(market);
    INFO("seed " << seed);
    CHECK_FALSE(has_blocking_pair(market, matching));
  }
}

TEST_CASE("the blocking-pair check finds a blocking pair when there is one", "[pairing][self]") {
  // Mentee 0 proposes to mentor 0 first, and mentor 0 would accept it and has a free place.
  SelfIdentifiedMarket market;
  market.mentors = {10, 11};
  market.capacity = {1, 1};
  market.proposals = {{0, 1}};
  market.acceptable = {{0, 1}};
  market.mentor_score = {{0.5, 0.5}};
  CHECK(has_blocking_pair(market, {1}));  // matched to its second choice while the first has room
  CHECK_FALSE(has_blocking_pair(market, {0}));
  CHECK(deferred_acceptance(market) == std::vector<int>{0});
}

TEST_CASE("an isolated mentee with no 2-hop candidates stays unmatched", "[pairing][self]") {
  const Population pop = small_population(4);
  // Everyone is tied in a chain except the first mentee.
  PairingInput probe = pool(pop, CollegialNetwork(static_cast<AgentId>(pop.size()), {}), 4, DyadType::traditional, {});
  const AgentId isolated = probe.mentees.front();
  std::vector<Tie> ties;
  for (AgentId a = 0; a + 1 < pop.size(); ++a) {
    if (a != isolated && a + 1 != isolated) ties.push_back(Tie{a, a + 1, 0.5f});
  }
  const CollegialNetwork net(static_cast<AgentId>(pop.size()), ties);
  PairingInput in = pool(pop, net, 4, DyadType::traditional, {});
  in.directory_visibility = 0.0;
  const PairingResult r = SelfIdentifiedPairing{}.pair(in);
  const auto it = std::find(r.unmatched.begin(), r.unmatched.end(), isolated);
  REQUIRE(it != r.unmatched.end());
  CHECK(r.reasons[static_cast<std::size_t>(it - r.unmatched.begin())] == UnmatchedReason::not_approached);
  for (const Pair& p : r.pairs) CHECK(p.formation == Formation::self_identified);
}

TEST_CASE("a mentee with no feasible mentor is unmatched with that reason", "[pairing][constraints]") {
  // One institution: a required cross-institution mentor cannot exist.
  const Scenario s = Scenario::parse(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 60\nunits = 2\n", "p.toml");
  const Population pop = synthesize_population(s.population(), RandomSource(1, 0));
  const CollegialNetwork net(static_cast<AgentId>(pop.size()), {});
  const AssignedRandomPairing random_strategy;
  const AssignedOptimalPairing optimal_strategy;
  const SelfIdentifiedPairing self_strategy;
  for (const PairingStrategyBase* strategy : {static_cast<const PairingStrategyBase*>(&random_strategy),
                                              static_cast<const PairingStrategyBase*>(&optimal_strategy),
                                              static_cast<const PairingStrategyBase*>(&self_strategy)}) {
    PairingInput in = pool(pop, net, 1, DyadType::traditional, {ConstraintLevel::required, ConstraintLevel::allowed});
    const PairingResult r = strategy->pair(in);
    CHECK(r.pairs.empty());
    CHECK(r.unmatched.size() == in.mentees.size());
    for (auto reason : r.reasons) CHECK(reason == UnmatchedReason::no_feasible_mentor);
  }
}

namespace {

// h 0.8, psi 0.25: agent 0 an early-career nurse (confidence 0.5), agent 1 a mid-career physician
// (confidence 0.5), agent 2 a senior physician.
Population status_pair() {
  Population pop;
  pop.institutions.push_back(InstitutionInfo{"h", InstitutionKind::hospital, 0.8, 0, 1});
  pop.units.push_back(UnitInfo{0, "h/0"});
  pop.psych_safety.push_back(0.25f);
  pop.flattening.push_back(0.0f);
  pop.resize(3);
  pop.stage[0] = CareerStage::early_career;
  pop.profession[0] = Profession::nursing;
  pop.stage[1] = CareerStage::mid_career;
  pop.profession[1] = Profession::medicine;
  pop.stage[2] = CareerStage::senior;
  pop.profession[2] = Profession::medicine;
  pop.confidence[0] = 0.5f;
  pop.confidence[1] = 0.5f;
  return pop;
}

}  // namespace

TEST_CASE("power distance adds stage, profession status and minority status", "[pairing][status]") {
  Population pop = status_pair();
  const StatusParams s;  // nursing 0.4, medicine 1.0, status_weight 0.5, minority_weight 0.2
  // nurse -> physician one stage up: 0.8 (1/3 + 0.5 * 0.6) = 0.50667
  CHECK(power_distance(pop, 0, 1, s) == Approx(0.8 * (1.0 / 3.0 + 0.3)));
  // Downward in stage and status: none.
  CHECK(power_distance(pop, 1, 0, s) == 0.0);
  // Same profession, one stage up: stage only, 0.8 / 3.
  CHECK(power_distance(pop, 1, 2, s) == Approx(0.8 / 3.0));
  // A minority nurse facing a majority physician: + 0.2 -> 0.8 (1/3 + 0.3 + 0.2) = 0.66667
  pop.minority[0] = 1;
  CHECK(power_distance(pop, 0, 1, s) == Approx(0.8 * (1.0 / 3.0 + 0.5)));
  // Two stages up plus status and minority exceed 1: clamped, PD = h = 0.8.
  CHECK(power_distance(pop, 0, 2, s) == Approx(0.8));
}

TEST_CASE("approach probability follows its odds-scale equation", "[pairing][self][status]") {
  Population pop = status_pair();
  const ApproachParams p;  // base 0.9, power 3, confidence 2, minority odds ratio 0.3
  const StatusParams s;
  // logit = ln 9 - 3 * 0.50667 * 0.75 - 2 * 0.5 = 2.19722 - 1.14 - 1 = 0.05722 -> p = 0.51430
  CHECK(approach_probability(pop, 0, 1, p, s) == Approx(0.514302).epsilon(1e-5));
  // A confident physician approaching a nurse feels no distance: p = approach_base.
  pop.confidence[1] = 1.0f;
  CHECK(approach_probability(pop, 1, 0, p, s) == Approx(0.9));
  // Minority: at equal power distance (status minority_weight 0) the odds are exactly 0.3 times.
  StatusParams no_minority_distance = s;
  no_minority_distance.minority_weight = 0.0;
  const double majority = approach_probability(pop, 0, 1, p, no_minority_distance);
  pop.minority[0] = 1;
  const double minority = approach_probability(pop, 0, 1, p, no_minority_distance);
  CHECK((minority / (1 - minority)) / (majority / (1 - majority)) == Approx(0.3));
  // With the minority power distance as well: logit = 2.19722 - 3 * 0.66667 * 0.75 - 1 + ln 0.3
  // = -1.50675 -> p = 1 / (1 + e^1.50675) = 1 / 5.51203 = 0.18142.
  CHECK(approach_probability(pop, 0, 1, p, s) == Approx(0.181421).epsilon(1e-4));
}

TEST_CASE("a junior mentor's reluctance follows its equation", "[pairing][self][status]") {
  Population pop = status_pair();
  const ApproachParams p;  // reluctance_weight 0.6
  const StatusParams s;
  // The nurse (confidence 0.5) asked by the senior physician: PD = 0.8 * min(1, 2/3 + 0.3) = 0.77333;
  // R = 0.6 * 0.77333 * (1 - 0.25) * (1 - 0.5) = 0.174
  CHECK(mentor_reluctance(pop, 0, 2, p, s) == Approx(0.174));
  CHECK(mentor_reluctance(pop, 2, 0, p, s) == 0.0);
}

// --- latent pair fit ---------------------------------------------------------------------------------

namespace {

// A mentee (agent 0, early career) tied to five senior mentors (agents 1-5) with identical skills,
// so that complementarity, similarity and preferences are the same for every mentor: only fit can
// tell them apart. Nobody is anxious, reluctant or short of time: every approach is made and accepted.
struct FitPool {
  World world;
  PairingInput input;
  explicit FitPool(Seed fit_seed, double noise) {
    std::vector<test::TinyAgent> agents(6);
    for (std::size_t k = 1; k < agents.size(); ++k) agents[k].stage = CareerStage::senior;
    std::vector<Tie> ties;
    for (AgentId m = 1; m <= 5; ++m) ties.push_back(Tie{0, m, 0.5f});
    world = test::tiny_world(agents, ties, 0.5, 0.5);
    input.population = &world.population;
    input.network = &world.network;
    input.type = DyadType::traditional;
    input.mentees = {0};
    input.mentors = {1, 2, 3, 4, 5};
    input.capacity = {1, 1, 1, 1, 1};
    input.random = RandomSource(3, 0);
    input.fit_random = RandomSource(fit_seed, 0);
    input.directory_visibility = 0.0;
    input.approach.approach_base = 1.0 - 1e-12;  // approaches are certain (p within 1e-12 of 1)
    input.approach.power_weight = 0.0;
    input.approach.confidence_weight = 0.0;
    input.approach.reluctance_weight = 0.0;
    input.approach.fit_noise = noise;
  }
};

}  // namespace

TEST_CASE("pair fit is a fixed standard normal per pair, the same whatever asks", "[pairing][fit]") {
  const RandomSource random(5, 2);
  // The same pair gives the same fit every time; the two directions are different pairs.
  CHECK(pair_fit(random, 3, 7) == pair_fit(RandomSource(5, 2), 3, 7));
  CHECK(pair_fit(random, 3, 7) != pair_fit(random, 7, 3));
  // Perception without noise is the fit itself; with noise, mentee and mentor err differently.
  CHECK(mentee_perceived_fit(random, 3, 7, 0.0) == pair_fit(random, 3, 7));
  CHECK(mentee_perceived_fit(random, 3, 7, 1.0) != mentor_perceived_fit(random, 3, 7, 1.0));
  // Over 20,000 pairs: mean 0 and SD 1 (4 SE: 0.028 for the mean, about 0.02 for the SD); with noise
  // 1 the perception correlates with the fit at 1/sqrt(2) = 0.707 (SE about 0.004; tolerance 0.02).
  double n = 0, s = 0, ss = 0, sp = 0, spp = 0, sfp = 0;
  for (AgentId e = 0; e < 200; ++e) {
    for (AgentId m = 0; m < 100; ++m) {
      const double f = pair_fit(random, m, e);
      const double p = mentee_perceived_fit(random, m, e, 1.0);
      n += 1;
      s += f;
      ss += f * f;
      sp += p;
      spp += p * p;
      sfp += f * p;
    }
  }
  const double mean = s / n;
  const double var = ss / n - mean * mean;
  CHECK(std::abs(mean) < 0.028);
  CHECK(std::sqrt(var) == Approx(1.0).margin(0.02));
  const double pmean = sp / n;
  const double corr = (sfp / n - mean * pmean) / std::sqrt(var * (spp / n - pmean * pmean));
  CHECK(corr == Approx(1.0 / std::sqrt(2.0)).margin(0.02));
}

TEST_CASE("assigners never read pair fit", "[pairing][fit]") {
  // Changing the fit source (another seed) changes every pair's fit but must not change whom the
  // assigners pair.
  const Population pop = small_population(8);
  const CollegialNetwork net(static_cast<AgentId>(pop.size()), {});
  const AssignedRandomPairing random_strategy;
  const AssignedOptimalPairing optimal_strategy;
  for (const PairingStrategyBase* strategy : {static_cast<const PairingStrategyBase*>(&random_strategy),
                                              static_cast<const PairingStrategyBase*>(&optimal_strategy)}) {
    PairingInput a = pool(pop, net, 8, DyadType::reverse, {});
    PairingInput b = a;
    a.fit_random = RandomSource(1, 0);
    b.fit_random = RandomSource(2, 0);
    const PairingResult ra = strategy->pair(a);
    const PairingResult rb = strategy->pair(b);
    REQUIRE(ra.pairs.size() == rb.pairs.size());
    REQUIRE_FALSE(ra.pairs.empty());
    for (std::size_t k = 0; k < ra.pairs.size(); ++k) {
      CHECK(ra.pairs[k].mentor == rb.pairs[k].mentor);
      CHECK(ra.pairs[k].mentee == rb.pairs[k].mentee);
      CHECK(std::isnan(ra.pairs[k].fit_perceived));
    }
  }
}

TEST_CASE("a self-identifying mentee with perfect insight picks the best-fitting mentor", "[pairing][fit]") {
  // fit_noise 0: of five otherwise identical mentors, the mentee ranks them by fit and every approach
  // is accepted, so it ends with the mentor of highest fit, whatever the seed.
  for (Seed seed = 1; seed <= 50; ++seed) {
    FitPool p(seed, 0.0);
    const PairingResult r = SelfIdentifiedPairing{}.pair(p.input);
    REQUIRE(r.pairs.size() == 1);
    AgentId best = 1;
    for (AgentId m = 2; m <= 5; ++m) {
      if (pair_fit(p.input.fit_random, m, 0) > pair_fit(p.input.fit_random, best, 0)) best = m;
    }
    INFO("seed " << seed);
    CHECK(r.pairs[0].mentor == best);
    CHECK(r.pairs[0].fit_perceived == Approx(pair_fit(p.input.fit_random, best, 0)));
  }
}

TEST_CASE("the self-selectors' advantage in fit shrinks with perception noise", "[pairing][fit]") {
  // The mentee picks the highest perceived fit of five: its true fit is on average
  // E[max of 5 standard normals] = 1.1630 times the correlation of perception with fit,
  // 1 / sqrt(1 + noise^2): 1.1630 (noise 0), 0.8224 (noise 1), 0.0012 (noise 1000). Over 2,000
  // seeds the SE of the mean is at most 1/sqrt(2000) = 0.022; the tolerance is 4 SE = 0.09.
  auto mean_fit = [](double noise) {
    double sum = 0.0;
    for (Seed seed = 1; seed <= 2000; ++seed) {
      FitPool p(seed, noise);
      const PairingResult r = SelfIdentifiedPairing{}.pair(p.input);
      sum += pair_fit(p.input.fit_random, r.pairs.at(0).mentor, 0);
    }
    return sum / 2000.0;
  };
  CHECK(mean_fit(0.0) == Approx(1.1630).margin(0.09));
  CHECK(mean_fit(1.0) == Approx(0.8224).margin(0.09));
  CHECK(mean_fit(1000.0) == Approx(0.0012).margin(0.09));
}

// --- search over weeks and the unmatched reasons ---------------------------------------------------

TEST_CASE("the unmatched reason follows its priority order", "[pairing][search]") {
  CHECK(unmatched_reason(false, kSearchFreeFeasible | kSearchApproached | kSearchAcceptable) ==
        UnmatchedReason::no_feasible_mentor);
  CHECK(unmatched_reason(true, 0) == UnmatchedReason::no_capacity);
  CHECK(unmatched_reason(true, kSearchApproached | kSearchAcceptable) == UnmatchedReason::no_capacity);
  CHECK(unmatched_reason(true, kSearchFreeFeasible | kSearchApproached | kSearchAcceptable) ==
        UnmatchedReason::lost_to_others);
  CHECK(unmatched_reason(true, kSearchFreeFeasible | kSearchApproached) == UnmatchedReason::declined);
  CHECK(unmatched_reason(true, kSearchFreeFeasible) == UnmatchedReason::not_approached);
  CHECK(unmatched_reason(true, kSearchFreeFeasible | kSearchGaveUp) == UnmatchedReason::not_approached);
}

TEST_CASE("a searching mentee considers approaches_per_week new candidates a week, best first", "[pairing][search]") {
  // Five otherwise identical mentors ranked by fit (fit_noise 0); every approach is made and accepted.
  FitPool p(11, 0.0);
  std::vector<AgentId> by_fit = {1, 2, 3, 4, 5};
  std::sort(by_fit.begin(), by_fit.end(), [&](AgentId x, AgentId y) {
    return pair_fit(p.input.fit_random, x, 0) > pair_fit(p.input.fit_random, y, 0);
  });
  p.input.approach.approaches_per_week = 1;
  // Week by week, having considered the w best: it considers (and gets) the (w + 1)-th best.
  std::vector<AgentId> considered;
  for (std::size_t week = 0; week < 5; ++week) {
    p.input.considered = {considered};
    p.input.search = {0};
    const PairingResult r = SelfIdentifiedPairing{}.pair(p.input);
    REQUIRE(r.pairs.size() == 1);
    CHECK(r.pairs[0].mentor == by_fit[week]);
    considered.push_back(by_fit[week]);
    CHECK(r.considered.at(0) == considered);
    CHECK(r.search.at(0) == (kSearchFreeFeasible | kSearchApproached | kSearchAcceptable));
  }
  // Two a week: having considered the best, it considers the second and third and takes the second.
  p.input.approach.approaches_per_week = 2;
  p.input.considered = {{by_fit[0]}};
  CHECK(SelfIdentifiedPairing{}.pair(p.input).pairs.at(0).mentor == by_fit[1]);
  // max_candidates bounds the whole search: 3 considered of at most 3, nobody is approached.
  p.input.approach.max_candidates = 3;
  p.input.considered = {{by_fit[0], by_fit[1], by_fit[2]}};
  // What it met in earlier weeks decides the reason of a week in which it approaches nobody.
  for (const auto& [history, reason] : std::vector<std::pair<std::uint8_t, UnmatchedReason>>{
           {0, UnmatchedReason::not_approached},
           {kSearchApproached, UnmatchedReason::declined},
           {kSearchApproached | kSearchAcceptable, UnmatchedReason::lost_to_others}}) {
    p.input.search = {history};
    const PairingResult r = SelfIdentifiedPairing{}.pair(p.input);
    CHECK(r.pairs.empty());
    REQUIRE(r.reasons.size() == 1);
    CHECK(r.reasons[0] == reason);
    CHECK(r.search.at(0) == (history | kSearchFreeFeasible));
  }
}

TEST_CASE("unmatched reasons of one round: lost to others, declined, no capacity", "[pairing][search]") {
  // Mentees 0 and 1 (identical) both tied to mentor 2 (one place); nobody is anxious or reluctant, and
  // the mentor likes both equally (no fit in the liking), so it keeps the lower index, mentee 0.
  std::vector<test::TinyAgent> agents(3);
  agents[2].stage = CareerStage::senior;
  World world = test::tiny_world(agents, {Tie{0, 2, 0.5f}, Tie{1, 2, 0.5f}}, 0.5, 0.5);
  PairingInput in;
  in.population = &world.population;
  in.network = &world.network;
  in.mentees = {0, 1};
  in.mentors = {2};
  in.capacity = {1};
  in.directory_visibility = 0.0;
  in.approach.approach_base = 1.0 - 1e-12;
  in.approach.power_weight = 0.0;
  in.approach.confidence_weight = 0.0;
  in.approach.reluctance_weight = 0.0;
  in.approach.fit_choice_weight = 0.0;
  SECTION("the mentor takes one; the other is lost to others") {
    const PairingResult r = SelfIdentifiedPairing{}.pair(in);
    REQUIRE(r.pairs.size() == 1);
    CHECK(r.pairs[0].mentee == 0);
    CHECK(r.unmatched == std::vector<AgentId>{1});
    CHECK(r.reasons == std::vector<UnmatchedReason>{UnmatchedReason::lost_to_others});
  }
  SECTION("a mentor without time declines both") {
    world.population.time_budget[2] = 0.0f;  // availability 0: never accepts
    const PairingResult r = SelfIdentifiedPairing{}.pair(in);
    CHECK(r.pairs.empty());
    CHECK(r.reasons == std::vector<UnmatchedReason>{UnmatchedReason::declined, UnmatchedReason::declined});
  }
  SECTION("mentees who never dare approach") {
    in.approach.approach_base = 1e-12;
    const PairingResult r = SelfIdentifiedPairing{}.pair(in);
    CHECK(r.pairs.empty());
    CHECK(r.reasons == std::vector<UnmatchedReason>{UnmatchedReason::not_approached, UnmatchedReason::not_approached});
  }
  SECTION("the only feasible mentor is full: no capacity, for every strategy") {
    in.mentors = {};
    in.capacity = {};
    in.pool = {2};
    const AssignedRandomPairing random_strategy;
    const AssignedOptimalPairing optimal_strategy;
    const SelfIdentifiedPairing self_strategy;
    for (const PairingStrategyBase* strategy : {static_cast<const PairingStrategyBase*>(&random_strategy),
                                                static_cast<const PairingStrategyBase*>(&optimal_strategy),
                                                static_cast<const PairingStrategyBase*>(&self_strategy)}) {
      const PairingResult r = strategy->pair(in);
      CHECK(r.pairs.empty());
      CHECK(r.reasons == std::vector<UnmatchedReason>{UnmatchedReason::no_capacity, UnmatchedReason::no_capacity});
    }
  }
}

TEST_CASE("the feasibility index answers as a scan of the pool, same-stage constraints included",
          "[pairing][constraints][feasibility]") {
  // Every agent against pools of random subsets (a tenth to all of 120 staff), for every combination of
  // required constraints and same_stage, with line managers present: the index's O(1) answer (counts by
  // stage, institution and profession) equals a brute-force scan with is_feasible.
  const Population pop = small_population(23);
  for (std::uint32_t seed = 0; seed < 6; ++seed) {
    std::vector<AgentId> mentors;
    Stream stream(99, 0, 0, Purpose::pairing, seed);
    const double share = 0.02 + 0.18 * seed;
    for (AgentId a = 0; a < pop.size(); ++a) {
      if (stream.uniform() < share) mentors.push_back(a);
    }
    for (ConstraintLevel institution : {ConstraintLevel::allowed, ConstraintLevel::required}) {
      for (ConstraintLevel profession : {ConstraintLevel::allowed, ConstraintLevel::required}) {
        for (bool same_stage : {false, true}) {
          const PairingConstraints c{institution, profession, same_stage};
          const FeasibilityIndex index(pop, mentors, c);
          for (AgentId e = 0; e < pop.size(); ++e) {
            const bool scan =
                std::any_of(mentors.begin(), mentors.end(), [&](AgentId m) { return is_feasible(pop, m, e, c); });
            INFO("seed " << seed << " mentee " << e << " same_stage " << same_stage);
            CHECK(index.any_feasible(e) == scan);
          }
        }
      }
    }
  }
}
