// The collegial network generator on a mid-size synthesized population (6000 staff in the baseline
// trio of institutions): degree and clustering reach their targets, the block model's homophily shows,
// results are reproducible and independent of the thread count, an unreachable target is reported,
// and agents who have left get no ties.

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <string>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/network_generator.hpp"
#include "mentorsim/world/network_measures.hpp"
#include "mentorsim/world/synthesizer.hpp"

using mentorsim::AgentId;
using mentorsim::CollegialNetwork;
using mentorsim::NetworkGenerationReport;
using mentorsim::Population;
using mentorsim::RandomSource;
using mentorsim::Scenario;
using mentorsim::Tie;

namespace {

Scenario scenario_with(const std::string& network_table) {
  return Scenario::parse("[population]\nsize = 6000\n[network]\n" + network_table, "test.toml");
}

const Population& population_6000() {
  static const Population population =
      mentorsim::synthesize_population(scenario_with("").population(), RandomSource(17, 0));
  return population;
}

// Ties as bits, so that equality is bitwise also for the strengths.
std::vector<std::uint64_t> tie_bits(const CollegialNetwork& net) {
  std::vector<std::uint64_t> out;
  for (const Tie& t : net.ties()) {
    out.push_back((static_cast<std::uint64_t>(t.a) << 32) | t.b);
    out.push_back(std::bit_cast<std::uint32_t>(t.weight));
  }
  return out;
}

double mean_degree_over_active(const CollegialNetwork& net, const Population& p) {
  return 2.0 * static_cast<double>(net.tie_count()) / static_cast<double>(p.active_count());
}

}  // namespace

TEST_CASE("the generated network reaches the target mean degree and clustering", "[generator]") {
  const Population& p = population_6000();
  REQUIRE(p.size() == 6000u);
  for (const double target : {0.10, 0.20}) {
    CAPTURE(target);
    const Scenario scenario = scenario_with("clustering = " + std::to_string(target) + "\n");
    NetworkGenerationReport report;
    const CollegialNetwork net = mentorsim::generate_network(p, scenario.network(), RandomSource(17, 0), &report);
    // Mean degree within 1% of the target 10, counted here from the ties.
    const double degree = mean_degree_over_active(net, p);
    CHECK(degree == Approx(scenario.network().mean_degree).epsilon(0.01));
    CHECK(report.achieved_mean_degree == Approx(degree).epsilon(1e-12));
    // Average local clustering over everyone within the generator's stated tolerance.
    const double clustering = mentorsim::average_clustering(net);
    CHECK(std::fabs(clustering - target) <= mentorsim::kClusteringTolerance);
    INFO(report.note << " share " << report.closure_share << " calibrated " << report.calibrated_clustering
                     << " rounds " << report.calibration_rounds << " measured " << clustering);
    CHECK(report.clustering_reached);
    CHECK(report.note.empty());
    CHECK(report.target_clustering == target);
  }
}

TEST_CASE("by default, ties follow profession more than institution and stay mostly within units", "[generator]") {
  const Population& p = population_6000();
  const Scenario scenario = scenario_with("");
  const CollegialNetwork net = mentorsim::generate_network(p, scenario.network(), RandomSource(17, 0));
  const auto summary = mentorsim::summarize_network(net, p);
  CHECK(summary.homophily_profession > summary.homophily_institution);
  CHECK(summary.homophily_profession > 0.0);
  // More ties within units than across them.
  CHECK(summary.within_unit_share > 0.5);
}

TEST_CASE("the same seed gives the same ties, bit for bit, with 1 or 2 threads, and another seed does not",
          "[generator]") {
  const Population& p = population_6000();
  const Scenario scenario = scenario_with("");
  mentorsim::parallel::set_threads(1);
  const auto one = tie_bits(mentorsim::generate_network(p, scenario.network(), RandomSource(17, 0)));
  mentorsim::parallel::set_threads(2);
  const auto two = tie_bits(mentorsim::generate_network(p, scenario.network(), RandomSource(17, 0)));
  const auto other = tie_bits(mentorsim::generate_network(p, scenario.network(), RandomSource(18, 0)));
  mentorsim::parallel::set_threads(0);
  CHECK(one == two);
  CHECK(one != other);
}

TEST_CASE("an unreachable clustering target is reported, not silently accepted", "[generator]") {
  // Every block-model tie inside a unit of about 30 people: with mean degree 10 the unit is dense, so
  // clustering is far above 0 even with no triadic closure at all.
  const Population& p = population_6000();
  const Scenario scenario = scenario_with("clustering = 0.0\nwithin_unit = 1.0\ncross_institution = 0.0\n");
  NetworkGenerationReport report;
  const CollegialNetwork net = mentorsim::generate_network(p, scenario.network(), RandomSource(17, 0), &report);
  CHECK_FALSE(report.clustering_reached);
  CHECK_FALSE(report.note.empty());
  CHECK(report.calibrated_clustering > mentorsim::kClusteringTolerance);
  CHECK(report.closure_share == 0.0);
  INFO(report.note);
  CHECK(report.note.find("clustering") != std::string::npos);
  CHECK(mentorsim::average_clustering(net) == Approx(report.calibrated_clustering).epsilon(1e-9));
}

TEST_CASE("no tie touches an agent who has left", "[generator]") {
  Population p = population_6000();
  std::size_t gone = 0;
  for (AgentId a = 0; a < p.size(); a += 7) {
    p.left[a] = 5;
    ++gone;
  }
  REQUIRE(p.active_count() == p.size() - gone);
  const Scenario scenario = scenario_with("");
  NetworkGenerationReport report;
  const CollegialNetwork net = mentorsim::generate_network(p, scenario.network(), RandomSource(17, 0), &report);
  std::size_t touching = 0;
  for (const Tie& t : net.ties()) touching += (!p.active(t.a) || !p.active(t.b)) ? 1 : 0;
  CHECK(touching == 0u);
  // The degree target refers to the agents still there.
  CHECK(mean_degree_over_active(net, p) == Approx(10.0).epsilon(0.01));
  CHECK(report.achieved_mean_degree == Approx(mean_degree_over_active(net, p)).epsilon(1e-12));
}

TEST_CASE("tie strengths lie above 0 and at most 1, with the configured mean and do not depend on who initiated",
          "[generator]") {
  const Population& p = population_6000();
  const Scenario scenario = scenario_with("initial_weight = 0.3\n");
  const CollegialNetwork net = mentorsim::generate_network(p, scenario.network(), RandomSource(17, 0));
  double sum = 0.0;
  for (const Tie& t : net.ties()) {
    REQUIRE(t.weight > 0.0f);
    REQUIRE(t.weight <= 1.0f);
    sum += t.weight;
  }
  // Beta with mean 0.3 and concentration 8: variance 0.3 * 0.7 / 9; five standard errors of the mean.
  const double n = static_cast<double>(net.tie_count());
  CHECK(sum / n == Approx(0.3).margin(5.0 * std::sqrt(0.21 / 9.0 / n)));
  const RandomSource random(17, 0);
  CHECK(mentorsim::initial_tie_weight(random, 10, 20, 0.3) == mentorsim::initial_tie_weight(random, 20, 10, 0.3));
}
