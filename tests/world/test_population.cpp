// The population synthesizer: exact composition, units, ordering, minority and joint appointments,
// line managers, and skills drawn from the stage priors.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numeric>
#include <tuple>
#include <vector>

#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/synthesizer.hpp"

using mentorsim::AgentId;
using mentorsim::CareerStage;
using mentorsim::index_of;
using mentorsim::kNoAgent;
using mentorsim::kNoInstitution;
using mentorsim::kNoUnit;
using mentorsim::kProfessions;
using mentorsim::kStages;
using mentorsim::Population;
using mentorsim::Profession;
using mentorsim::RandomSource;
using mentorsim::Scenario;

namespace {

// Three small institutions. Shares are written in the TOML and, as integers per thousand, in kSpec
// below, from which the test computes its expected counts with exact integer arithmetic.
constexpr const char* kThreeInstitutions = R"(
[[population.institutions]]
name = "A"
kind = "hospital"
size = 101
units = 4
minority_share = 0.15
joint_share = 0.1
professions = { medicine = 0.5, nursing = 0.3, research = 0.2 }
stages = { student = 0.1, early_career = 0.3, mid_career = 0.4, senior = 0.2 }

[[population.institutions]]
name = "B"
kind = "university"
size = 57
units = 3
minority_share = 0.25
joint_share = 0.2
professions = { nursing = 0.6, education = 0.4 }
stages = { student = 0.2, early_career = 0.3, mid_career = 0.3, senior = 0.2 }

[[population.institutions]]
name = "C"
kind = "research_institute"
size = 40
units = 2
minority_share = 0.0
joint_share = 0.5
professions = { research = 1.0 }
stages = { student = 0.25, early_career = 0.25, mid_career = 0.25, senior = 0.25 }
)";

struct InstitutionShares {
  std::uint64_t size;
  std::uint32_t units;
  std::array<std::uint64_t, kProfessions> profession_per_mille;
  std::array<std::uint64_t, kStages> stage_per_mille;
  std::uint64_t minority;  // round(size * minority_share), by hand
  std::uint64_t joint;     // round(size * joint_share), by hand
};

// Profession order: medicine, nursing, physiotherapy, speech_pathology, pharmacy, dentistry,
// education, research. Stage order: student, early_career, mid_career, senior.
const std::array<InstitutionShares, 3> kSpec = {{
    {101, 4, {500, 300, 0, 0, 0, 0, 0, 200}, {100, 300, 400, 200}, 15 /* 15.15 */, 10 /* 10.1 */},
    {57, 3, {0, 600, 0, 0, 0, 0, 400, 0}, {200, 300, 300, 200}, 14 /* 14.25 */, 11 /* 11.4 */},
    {40, 2, {0, 0, 0, 0, 0, 0, 0, 1000}, {250, 250, 250, 250}, 0, 20 /* 20 of 30 non-students */},
}};

// Largest remainder in exact integer arithmetic: floors of total * w / W, then one more to each of
// the largest remainders total * w mod W, ties to the lower index, never to a zero weight.
template <std::size_t N>
std::array<std::uint64_t, N> largest_remainder(std::uint64_t total, const std::array<std::uint64_t, N>& weights) {
  const std::uint64_t sum = std::accumulate(weights.begin(), weights.end(), std::uint64_t{0});
  std::array<std::uint64_t, N> parts{};
  std::array<std::uint64_t, N> remainder{};
  std::uint64_t assigned = 0;
  for (std::size_t i = 0; i < N; ++i) {
    parts[i] = total * weights[i] / sum;
    remainder[i] = total * weights[i] % sum;
    assigned += parts[i];
  }
  std::array<std::size_t, N> order{};
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t k = 0; assigned < total; ++k) {
    if (weights[order[k]] == 0) continue;
    ++parts[order[k]];
    ++assigned;
  }
  return parts;
}

const Scenario& three_institutions() {
  static const Scenario scenario = Scenario::parse(kThreeInstitutions, "test.toml");
  return scenario;
}

const Population& small_population() {
  static const Population population =
      mentorsim::synthesize_population(three_institutions().population(), RandomSource(11, 0));
  return population;
}

// Count of agents per (institution, profession, stage).
std::vector<std::array<std::array<std::uint64_t, kStages>, kProfessions>> composition(const Population& p) {
  std::vector<std::array<std::array<std::uint64_t, kStages>, kProfessions>> out(p.institutions.size());
  for (AgentId a = 0; a < p.size(); ++a) ++out[p.institution[a]][index_of(p.profession[a])][index_of(p.stage[a])];
  return out;
}

}  // namespace

TEST_CASE("staff counts per institution x profession x stage are the largest-remainder split of the shares",
          "[population]") {
  const Population& p = small_population();
  REQUIRE(p.size() == 101u + 57u + 40u);
  const auto counts = composition(p);
  for (std::size_t i = 0; i < kSpec.size(); ++i) {
    CAPTURE(i);
    const auto per_profession = largest_remainder(kSpec[i].size, kSpec[i].profession_per_mille);
    for (std::size_t prof = 0; prof < kProfessions; ++prof) {
      CAPTURE(prof);
      const auto per_stage = largest_remainder(per_profession[prof], kSpec[i].stage_per_mille);
      for (std::size_t s = 0; s < kStages; ++s) CHECK(counts[i][prof][s] == per_stage[s]);
    }
  }
  // The same numbers by hand, for the cases where rounding decides:
  // A: 101 x (0.5, 0.3, 0.2) = 50.5, 30.3, 20.2 -> 51 medicine, 30 nursing, 20 research.
  //    medicine 51 x (0.1, 0.3, 0.4, 0.2) = 5.1, 15.3, 20.4, 10.2 -> 5, 15, 21, 10.
  const auto medicine = index_of(Profession::medicine);
  CHECK(counts[0][medicine] == std::array<std::uint64_t, kStages>{5, 15, 21, 10});
  // B: 57 x (0.6, 0.4) = 34.2, 22.8 -> 34 nursing, 23 education.
  //    nursing 34 x (0.2, 0.3, 0.3, 0.2) = 6.8, 10.2, 10.2, 6.8 -> 7, 10, 10, 7.
  //    education 23 x ... = 4.6, 6.9, 6.9, 4.6: three left over go to both 0.9s and then the tied 0.6
  //    of the lower index (student): 5, 7, 7, 4.
  CHECK(counts[1][index_of(Profession::nursing)] == std::array<std::uint64_t, kStages>{7, 10, 10, 7});
  CHECK(counts[1][index_of(Profession::education)] == std::array<std::uint64_t, kStages>{5, 7, 7, 4});
  CHECK(counts[2][index_of(Profession::research)] == std::array<std::uint64_t, kStages>{10, 10, 10, 10});
}

TEST_CASE("units of an institution differ in size by at most one and belong to it", "[population]") {
  const Population& p = small_population();
  REQUIRE(p.institutions.size() == 3u);
  REQUIRE(p.units.size() == 4u + 3u + 2u);
  std::vector<std::uint64_t> size(p.units.size(), 0);
  for (AgentId a = 0; a < p.size(); ++a) {
    ++size[p.unit[a]];
    CHECK(p.units[p.unit[a]].institution == p.institution[a]);
  }
  // 101 over 4 units: 26, 25, 25, 25; 57 over 3: 19 each; 40 over 2: 20 each.
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& info = p.institutions[i];
    CHECK(info.unit_count == kSpec[i].units);
    const auto first = size.begin() + info.first_unit;
    const auto last = first + info.unit_count;
    CHECK(*std::max_element(first, last) - *std::min_element(first, last) <= 1u);
    CHECK(std::accumulate(first, last, std::uint64_t{0}) == kSpec[i].size);
  }
  std::vector<std::uint64_t> sorted_a(size.begin(), size.begin() + 4);
  std::sort(sorted_a.begin(), sorted_a.end());
  CHECK(sorted_a == std::vector<std::uint64_t>{25, 25, 25, 26});
}

TEST_CASE("agent ids are ordered by institution, unit, profession and stage", "[population]") {
  const Population& p = small_population();
  for (AgentId a = 0; a < p.size(); ++a) CHECK(p.external_id[a] == a);
  auto key = [&](AgentId a) { return std::make_tuple(p.institution[a], p.unit[a], p.profession[a], p.stage[a]); };
  for (AgentId a = 1; a < p.size(); ++a) CHECK(key(a - 1) <= key(a));
}

TEST_CASE("each institution has round(n x minority_share) minority staff", "[population]") {
  const Population& p = small_population();
  std::vector<std::uint64_t> minority(3, 0);
  for (AgentId a = 0; a < p.size(); ++a) minority[p.institution[a]] += p.minority[a];
  CHECK(minority == std::vector<std::uint64_t>{kSpec[0].minority, kSpec[1].minority, kSpec[2].minority});
}

TEST_CASE("joint appointments go to non-students, in another institution, in round(n x joint_share)", "[population]") {
  const Population& p = small_population();
  std::vector<std::uint64_t> joint(3, 0);
  for (AgentId a = 0; a < p.size(); ++a) {
    if (p.joint_institution[a] == kNoInstitution) {
      CHECK(p.joint_unit[a] == kNoUnit);
      continue;
    }
    ++joint[p.institution[a]];
    CHECK(p.stage[a] != CareerStage::student);
    CHECK(p.joint_institution[a] != p.institution[a]);
    REQUIRE(p.joint_unit[a] < p.units.size());
    CHECK(p.units[p.joint_unit[a]].institution == p.joint_institution[a]);
  }
  CHECK(joint == std::vector<std::uint64_t>{kSpec[0].joint, kSpec[1].joint, kSpec[2].joint});
}

TEST_CASE("managers are seniors of the same unit, of the same profession when the unit has one", "[population]") {
  const Population& p = small_population();
  // Seniors per unit and per (unit, profession).
  std::vector<int> seniors(p.units.size(), 0);
  std::vector<int> seniors_of(p.units.size() * kProfessions, 0);
  for (AgentId a = 0; a < p.size(); ++a) {
    if (p.stage[a] != CareerStage::senior) continue;
    ++seniors[p.unit[a]];
    ++seniors_of[p.unit[a] * kProfessions + index_of(p.profession[a])];
  }
  std::size_t managed = 0;
  for (AgentId a = 0; a < p.size(); ++a) {
    CAPTURE(a);
    if (p.stage[a] == CareerStage::senior || seniors[p.unit[a]] == 0) {
      CHECK(p.manager[a] == kNoAgent);
      continue;
    }
    REQUIRE(p.manager[a] < p.size());
    const AgentId m = p.manager[a];
    ++managed;
    CHECK(p.stage[m] == CareerStage::senior);
    CHECK(p.unit[m] == p.unit[a]);
    if (seniors_of[p.unit[a] * kProfessions + index_of(p.profession[a])] > 0) CHECK(p.profession[m] == p.profession[a]);
  }
  CHECK(managed > 0u);
}

TEST_CASE("assign_managers on a hand-built unit: own-profession senior first, any senior otherwise", "[population]") {
  // Unit 0: senior nurse 0, senior doctor 1, junior nurse 2, junior doctor 3, junior pharmacist 4,
  //         senior nurse 5 who has left. Unit 1: junior nurse 6, with no senior at all.
  Population p;
  p.resize(7);
  p.units = {{0, "u0"}, {0, "u1"}};
  p.institutions.resize(1);
  p.institutions[0].unit_count = 2;
  const std::array<Profession, 7> professions{Profession::nursing,  Profession::medicine, Profession::nursing,
                                              Profession::medicine, Profession::pharmacy, Profession::nursing,
                                              Profession::nursing};
  const std::array<CareerStage, 7> stages{CareerStage::senior,      CareerStage::senior,  CareerStage::early_career,
                                          CareerStage::mid_career,  CareerStage::student, CareerStage::senior,
                                          CareerStage::early_career};
  for (AgentId a = 0; a < 7; ++a) {
    p.unit[a] = a == 6 ? 1 : 0;
    p.profession[a] = professions[a];
    p.stage[a] = stages[a];
  }
  p.left[5] = 3;
  for (mentorsim::Seed seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    mentorsim::assign_managers(p, RandomSource(seed, 0));
    CHECK(p.manager[0] == kNoAgent);
    CHECK(p.manager[1] == kNoAgent);
    CHECK(p.manager[2] == 0u);  // the only active senior nurse; 5 has left
    CHECK(p.manager[3] == 1u);
    CHECK((p.manager[4] == 0u || p.manager[4] == 1u));  // no senior pharmacist: any senior of the unit
    CHECK(p.manager[6] == kNoAgent);
  }
}

TEST_CASE("skills lie in (0, 1) with stage means near the priors, on a large population", "[population]") {
  const Scenario scenario = Scenario::parse("[population]\nsize = 20500\n", "test.toml");
  const auto& spec = scenario.population();
  const Population p = mentorsim::synthesize_population(spec, RandomSource(3, 0));
  REQUIRE(p.size() == 20500u);
  std::array<std::array<double, mentorsim::kDomains>, kStages> sum{};
  std::array<double, kStages> confidence{};
  std::array<std::size_t, kStages> count{};
  for (AgentId a = 0; a < p.size(); ++a) {
    const auto s = index_of(p.stage[a]);
    ++count[s];
    confidence[s] += p.confidence[a];
    for (std::size_t d = 0; d < mentorsim::kDomains; ++d) {
      const float x = p.skills.at(a, d);
      REQUIRE(x > 0.0f);
      REQUIRE(x < 1.0f);
      sum[s][d] += x;
    }
  }
  // Beta with mean m and concentration c has variance m(1 - m)/(c + 1); the mean of N draws is
  // within 5 standard errors sqrt(m(1 - m) / ((c + 1) N)).
  for (std::size_t s = 0; s < kStages; ++s) {
    CAPTURE(s, count[s]);
    REQUIRE(count[s] > 500u);
    const double n = static_cast<double>(count[s]);
    for (std::size_t d = 0; d < mentorsim::kDomains; ++d) {
      CAPTURE(d);
      const double m = spec.skill_means[s][d];
      const double se = std::sqrt(m * (1.0 - m) / ((spec.skill_concentration + 1.0) * n));
      CHECK(sum[s][d] / n == Approx(m).margin(5.0 * se));
    }
    const double m = spec.traits[s].confidence;
    CHECK(confidence[s] / n ==
          Approx(m).margin(5.0 * std::sqrt(m * (1.0 - m) / ((spec.trait_concentration + 1.0) * n))));
  }

  // Joint appointees choose the other institution in proportion to its size. Hospital (15000 staff,
  // joint 4%: 600) splits between university 4000 and institute 1500: expected 436.4 and 163.6.
  // University (4000, 15%: 600) between hospital 15000 and institute 1500: 545.5 and 54.5.
  // Chi-square with 1 df below its 0.1% point 10.83 for each.
  std::array<std::array<double, 3>, 3> partners{};
  for (AgentId a = 0; a < p.size(); ++a) {
    if (p.joint_institution[a] != kNoInstitution) partners[p.institution[a]][p.joint_institution[a]] += 1.0;
  }
  REQUIRE(spec.institutions[0].size == 15000u);
  REQUIRE(spec.institutions[1].size == 4000u);
  REQUIRE(spec.institutions[2].size == 1500u);
  CHECK(partners[0][1] + partners[0][2] == 600.0);
  CHECK(partners[1][0] + partners[1][2] == 600.0);
  auto chi2 = [](double o1, double o2, double e1, double e2) {
    return (o1 - e1) * (o1 - e1) / e1 + (o2 - e2) * (o2 - e2) / e2;
  };
  CHECK(chi2(partners[0][1], partners[0][2], 600.0 * 4000 / 5500, 600.0 * 1500 / 5500) < 10.83);
  CHECK(chi2(partners[1][0], partners[1][2], 600.0 * 15000 / 16500, 600.0 * 1500 / 16500) < 10.83);
}

TEST_CASE("the same seed gives the same population and another seed a different one", "[population]") {
  const auto& spec = three_institutions().population();
  const Population a = mentorsim::synthesize_population(spec, RandomSource(11, 0));
  const Population b = mentorsim::synthesize_population(spec, RandomSource(11, 0));
  const Population c = mentorsim::synthesize_population(spec, RandomSource(12, 0));
  auto skill_bits = [](const Population& p) {
    std::vector<std::uint32_t> out;
    for (float x : p.skills.data()) out.push_back(std::bit_cast<std::uint32_t>(x));
    return out;
  };
  CHECK(a.unit == b.unit);
  CHECK(a.profession == b.profession);
  CHECK(a.stage == b.stage);
  CHECK(a.minority == b.minority);
  CHECK(a.joint_unit == b.joint_unit);
  CHECK(a.manager == b.manager);
  CHECK(a.psych_safety == b.psych_safety);
  CHECK(skill_bits(a) == skill_bits(b));
  CHECK(a.confidence == b.confidence);
  CHECK(a.years == b.years);
  // Another seed: the composition is fixed by the spec, the draws are not.
  CHECK(composition(a) == composition(c));
  CHECK(a.minority != c.minority);
  CHECK(skill_bits(a) != skill_bits(c));
}
