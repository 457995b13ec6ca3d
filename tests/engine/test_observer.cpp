// The Observer (src/engine/observer.cpp): meetings per observation from the cumulative counts.

#include <catch2/catch.hpp>

#include <numeric>
#include <stdexcept>

#include "mentorsim/engine/fields.hpp"
#include "mentorsim/engine/observer.hpp"
#include "mentorsim/engine/runner.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "support/temp_dir.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;

namespace {
// Runs the scenario given as TOML text into `path` and opens the results file.
io::InputFile run_into(const std::string& toml, const std::filesystem::path& path) {
  RunOptions options;
  options.output_path = path;
  run_scenario(Scenario::parse(toml, "t.toml"), options);
  return io::InputFile(path);
}
}  // namespace

TEST_CASE("the meetings of all observations add up to every meeting held, in each replicate", "[engine][observer]") {
  // No turnover, so every partner of every meeting is active at every observation.
  test::TempDir dir;
  io::InputFile in = run_into(
      "[run]\nseed = 8\nweeks = 21\nreplicates = 2\n[population]\nsize = 500\n"
      "[program]\nkind = \"reverse\"\nuptake = 0.9\nmentor_uptake = 0.9\nstart_week = 1\ncadence_weeks = 1\n"
      "[dynamics.turnover.annual_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.0\nsenior = 0.0\n"
      "[output]\nobserve_every = 4\n",
      dir / "meetings.h5");
  const auto dims = in.dims("/timeseries/meetings");  // [R, O, G]
  const auto meetings = in.read<double>("/timeseries/meetings");
  const auto n = in.read<double>("/timeseries/n");
  const auto dyad_meetings = in.read<std::uint32_t>("/dyads/meetings");
  const auto dyad_replicate = in.read<std::uint32_t>("/dyads/replicate");
  REQUIRE(dims[1] == 7);  // weeks 0, 4, ..., 20 and 21
  for (std::uint32_t r = 0; r < dims[0]; ++r) {
    double observed = 0.0;
    for (std::size_t o = 0; o < dims[1]; ++o) {
      for (std::size_t g = 0; g < dims[2]; ++g) {
        const std::size_t k = (r * dims[1] + o) * dims[2] + g;
        if (n[k] > 0) observed += meetings[k] * n[k];
      }
    }
    double held = 0.0;
    for (std::size_t d = 0; d < dyad_meetings.size(); ++d) held += dyad_replicate[d] == r ? dyad_meetings[d] : 0;
    INFO("replicate " << r);
    REQUIRE(held > 0);
    // Means times counts: exact up to the rounding of the means.
    CHECK(observed == Approx(2.0 * held).epsilon(1e-9));
  }
}

TEST_CASE("the issue 16 series are the hand-computed means over active agents", "[engine][observer][issue16]") {
  // Three agents in one group; agent 2 has left. Agent 0 was promoted (week 5), agent 1 not: promoted 1/2.
  // Enthusiasm 0.2 and 0.4: mean 0.3. Papers 1 and 2: mean 1.5 (agent 2's 6 papers and 0.6 are not counted).
  const Scenario scenario = test::tiny_scenario(3, "");
  SimulationState state(scenario, 0, test::tiny_world(std::vector<test::TinyAgent>(3), {}, 0.7, 0.2));
  state.population.promoted[0] = 5;
  state.population.left[2] = 3;
  state.step = 10;
  state.enthusiasm = {0.2f, 0.4f, 0.6f};
  state.research.resize(3);
  state.research.papers = {1, 2, 6};
  const auto means = metric_means(state, 4, {}, 1, [](AgentId) { return std::size_t{0}; });
  CHECK(means[metric_column(Metric::promoted)][0] == Approx(0.5));
  CHECK(means[metric_column(Metric::enthusiasm)][0] == Approx(0.3));
  CHECK(means[metric_column(Metric::papers)][0] == Approx(1.5));
}

TEST_CASE("cross-institution ties are counted by hand, staff numbered by institution or not", "[engine][observer]") {
  // Six agents, ties 0-1, 0-2, 1-3, 2-5, 3-4, 4-5, 0-5. The series counts, per active agent, its active
  // contacts at another institution; the observer reads a contact's institution only past the longest
  // prefix of ids whose institutions do not decrease, so both a sorted and an unsorted numbering are
  // checked, with and without agent 3 (it leaves: it and its ties are no longer counted).
  const Scenario scenario = test::tiny_scenario(6, "");
  const std::vector<Tie> ties{{0, 1, 0.5f}, {0, 2, 0.5f}, {1, 3, 0.5f}, {2, 5, 0.5f},
                              {3, 4, 0.5f}, {4, 5, 0.5f}, {0, 5, 0.5f}};
  struct Case {
    std::vector<InstitutionId> institution;
    double all;            // mean over the six agents
    double without_three;  // mean over the five others, agent 3 gone
  };
  // Sorted: cross ties per agent 2, 1, 2, 2, 1, 2 (10/6); without agent 3: 2, 0, 2, -, 0, 2 (6/5).
  // Unsorted (only ids 0-1 in order): 1, 2, 0, 2, 2, 1 (8/6); without agent 3: 1, 1, 0, -, 1, 1 (4/5).
  const std::vector<Case> cases{{{0, 0, 1, 1, 2, 2}, 10.0 / 6.0, 6.0 / 5.0},
                                {{0, 1, 0, 2, 1, 0}, 8.0 / 6.0, 4.0 / 5.0}};
  for (const Case& c : cases) {
    SimulationState state(scenario, 0, test::tiny_world(std::vector<test::TinyAgent>(6), ties, 0.7, 0.2));
    Population& pop = state.population;
    pop.institutions.resize(3, pop.institutions[0]);
    pop.institution = c.institution;
    state.step = 10;
    const auto cross = [&] {
      return metric_means(state, 4, {}, 1,
                          [](AgentId) { return std::size_t{0}; })[metric_column(Metric::cross_institution_ties)][0];
    };
    INFO("institutions " << c.institution[1] << c.institution[2] << c.institution[3]);
    CHECK(cross() == Approx(c.all).epsilon(1e-12));
    pop.left[3] = 3;
    CHECK(cross() == Approx(c.without_three).epsilon(1e-12));
  }
}

TEST_CASE("/dyads joins the replicates' dyad tables in order, with group ids into the joined rows",
          "[engine][observer]") {
  test::TempDir dir;
  const std::string toml =
      "[run]\nseed = 3\nweeks = 10\nreplicates = 2\n[population]\nsize = 300\n"
      "[program]\nkind = \"reverse\"\nuptake = 0.9\nmentor_uptake = 0.9\nstart_week = 1\n";
  io::InputFile in = run_into(toml, dir / "dyads.h5");
  const Scenario scenario = Scenario::parse(toml, "t.toml");
  const auto mentor = in.read<std::uint32_t>("/dyads/mentor");
  const auto group = in.read<std::uint32_t>("/dyads/group");
  const auto quality = in.read<float>("/dyads/quality");
  const auto quality_initial = in.read<float>("/dyads/quality_initial");
  const auto end = in.read<std::int32_t>("/dyads/end");
  const auto replicate = in.read<std::uint32_t>("/dyads/replicate");
  // The same runs, replicate by replicate, with the tables read directly.
  std::size_t row = 0;
  for (Replicate r = 0; r < 2; ++r) {
    Simulation simulation(scenario, r);
    simulation.run_until(10);
    simulation.finish();
    const DyadTable dyads = simulation.release_dyads();
    CHECK(simulation.state().dyads.size() == 0u);
    REQUIRE(dyads.size() > 0u);
    for (DyadId d = 0; d < dyads.size(); ++d, ++row) {
      REQUIRE(row < mentor.size());
      INFO("replicate " << r << ", dyad " << d);
      CHECK(replicate[row] == r);
      CHECK(mentor[row] == dyads.mentor[d]);
      CHECK(group[row] == row);  // one-to-one dyads: each its own group, numbered in the joined rows
      CHECK(quality[row] == dyads.quality[d]);
      CHECK(quality_initial[row] == dyads.quality_initial[d]);
      CHECK(end[row] == (dyads.end[d] == kNever ? -1 : dyads.end[d]));
    }
  }
  CHECK(row == mentor.size());
}

TEST_CASE("finish frees the stages' buffers and the state no output reads, then hands over dyads and network",
          "[engine][simulation]") {
  // After 4 weeks the informal search, satisfaction and enthusiasm hold per-agent buffers for the 100
  // staff (at least 4 + 1 + 32 + 1 + 16 bytes an agent); the run's end frees them.
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 3\nweeks = 4\n[population]\nsize = 100\n[program]\nkind = \"reverse\"\nstart_week = 0\n",
      "t.toml");
  Simulation simulation(scenario, 0);
  simulation.run_until(4);
  CHECK(simulation.scratch_bytes() >= 100u * (4 + 1 + 32 + 1 + 16));
  CHECK_THROWS_AS(simulation.release_dyads(), std::logic_error);
  CHECK_THROWS_AS(simulation.release_network(), std::logic_error);
  const std::size_t rows = simulation.state().dyads.size();
  REQUIRE(simulation.state().skills_next.capacity() >= 100u);
  REQUIRE(simulation.state().dyad_constants.size() == rows);
  simulation.finish();
  CHECK(simulation.scratch_bytes() == 0u);
  // The state no output reads goes too: next week's skills, the dyads' constants, the new-tie list.
  CHECK(simulation.state().skills_next.capacity() == 0u);
  CHECK(simulation.state().dyad_constants.mentor_availability.capacity() == 0u);
  CHECK(simulation.state().dyad_constants.power_hierarchy.capacity() == 0u);
  CHECK(simulation.state().dyad_constants.mentee_unit.capacity() == 0u);
  CHECK(simulation.state().new_ties.capacity() == 0u);
  CHECK(simulation.release_dyads().size() == rows);
  const std::vector<Tie> ties = simulation.state().network.ties();
  REQUIRE_FALSE(ties.empty());
  const CollegialNetwork network = simulation.release_network();
  CHECK(network.ties() == ties);
  CHECK(simulation.state().network.vertex_count() == 0u);
  CHECK_THROWS_AS(simulation.step(), std::logic_error);
}
