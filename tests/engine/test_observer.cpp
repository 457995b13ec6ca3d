// The Observer (src/engine/observer.cpp): meetings per observation from the cumulative counts.

#include <catch2/catch.hpp>

#include <numeric>

#include "mentorsim/engine/runner.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "support/temp_dir.hpp"

using namespace mentorsim;

TEST_CASE("the meetings of all observations add up to every meeting held, in each replicate", "[engine][observer]") {
  // No turnover, so every partner of every meeting is active at every observation.
  test::TempDir dir;
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 8\nweeks = 21\nreplicates = 2\n[population]\nsize = 500\n"
      "[program]\nkind = \"reverse\"\nuptake = 0.9\nmentor_uptake = 0.9\nstart_week = 1\ncadence_weeks = 1\n"
      "[dynamics.turnover.annual_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.0\nsenior = 0.0\n"
      "[output]\nobserve_every = 4\n",
      "t.toml");
  RunOptions options;
  options.output_path = dir / "meetings.h5";
  run_scenario(scenario, options);
  io::InputFile in(dir / "meetings.h5");
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
