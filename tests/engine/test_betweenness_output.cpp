// output.betweenness = "auto": exact up to betweenness_exact_max agents, sampled up to
// betweenness_sampled_max, left out above with a warning that says how to ask for it.

#include <catch2/catch.hpp>

#include <algorithm>

#include "mentorsim/engine/runner.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "support/temp_dir.hpp"

using namespace mentorsim;

namespace {

const char* kScenario = R"(
[population]
size = 120
[run]
weeks = 4
replicates = 1
[output]
betweenness = "auto"
betweenness_exact_max = 50
betweenness_sources = 20
)";

RunSummary run_with(const std::vector<std::string>& overrides, const std::filesystem::path& out) {
  const Scenario s = Scenario::parse(kScenario, "auto.toml", overrides);
  RunOptions options;
  options.output_path = out;
  return run_scenario(s, options);
}

bool warned_left_out(const RunSummary& summary) {
  return std::any_of(summary.warnings.begin(), summary.warnings.end(),
                     [](const std::string& w) { return w.find("betweenness left out") != std::string::npos; });
}

}  // namespace

TEST_CASE("auto betweenness: sampled below betweenness_sampled_max, left out above it with a warning", "[output]") {
  test::TempDir dir;
  const Scenario probe = Scenario::parse(kScenario, "auto.toml");
  CHECK(probe.output().betweenness_sampled_max == 200'000);  // the documented default

  const RunSummary kept = run_with({"output.betweenness_sampled_max=10000"}, dir / "kept.h5");
  CHECK_FALSE(warned_left_out(kept));
  io::InputFile kept_file(dir / "kept.h5");
  REQUIRE(kept_file.exists("/agents/final/betweenness"));
  // 120 initial staff (plus any hires) > betweenness_exact_max = 50: sampled from 20 sources.
  CHECK(kept_file.string_attribute("/agents/final/betweenness", "method") == "sampled");

  // The threshold below the population: the field is absent and the run says why and how to get it.
  const RunSummary left = run_with({"output.betweenness_sampled_max=100"}, dir / "left.h5");
  CHECK(warned_left_out(left));
  io::InputFile left_file(dir / "left.h5");
  CHECK_FALSE(left_file.exists("/agents/final/betweenness"));
  CHECK(left_file.exists("/agents/final/degree"));

  // An explicit "sampled" is never left out.
  const RunSummary sampled =
      run_with({"output.betweenness_sampled_max=100", "output.betweenness=\"sampled\""}, dir / "sampled.h5");
  CHECK_FALSE(warned_left_out(sampled));
  CHECK(io::InputFile(dir / "sampled.h5").exists("/agents/final/betweenness"));
}
