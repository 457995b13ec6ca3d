// Every scenario of the library validates and runs, at reduced size.

#include <catch2/catch.hpp>

#include <filesystem>

#include "mentorsim/engine/runner.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

using namespace mentorsim;

TEST_CASE("every scenario in scenarios/ validates and runs at reduced size", "[scenarios]") {
  const std::filesystem::path dir = mentorsim::test::source_dir() / "scenarios";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 6);
  test::TempDir out;
  for (const auto& file : files) {
    INFO(file.filename().string());
    const Scenario full = Scenario::load(file);
    CHECK(full.run().replicates >= 10);  // the library's own runs are meant for papers
    const Scenario small = Scenario::load(
        file, {"population.size=500", "run.replicates=1", "output.snapshot_weeks=[]", "output.betweenness=\"off\""});
    RunOptions options;
    options.output_path = out / (file.stem().string() + ".h5");
    const RunSummary summary = run_scenario(small, options);
    io::InputFile results(*options.output_path);
    CHECK(results.exists("/timeseries/satisfaction"));
    CHECK(results.read_strings("/codes/arm").size() == small.arms().size());
    if (small.has_program()) CHECK(results.dims("/dyads/mentor")[0] > 0);
  }
}
