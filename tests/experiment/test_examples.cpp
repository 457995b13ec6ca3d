// Every example in experiments/ validates and runs, at reduced size.

#include <catch2/catch.hpp>

#include <filesystem>

#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/experiment/power.hpp"
#include "mentorsim/experiment/sweep.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

using namespace mentorsim;
using namespace mentorsim::experiment;

TEST_CASE("every experiment in experiments/ validates and runs at reduced size", "[experiment][examples]") {
  const std::filesystem::path dir = mentorsim::test::source_dir() / "experiments";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 3);
  test::TempDir out;
  for (const auto& file : files) {
    INFO(file.filename().string());
    const Experiment full = Experiment::load(file);
    CHECK(full.replicates() >= 4);
    CommandLine small;
    small.scenario_overrides = {"population.size=600", "run.weeks=12", "output.betweenness=\"off\""};
    small.replicates = 2;
    if (full.design().kind != DesignKind::grid) small.samples = 2;
    const Experiment e = Experiment::load(file, small);
    if (!full.power().outcome.empty()) {
      PowerSettings settings = e.power();
      settings.units = {4};
      settings.per_unit = 3;
      PowerOptions options;
      options.output = out / (file.stem().string() + ".h5");
      options.threads = 2;
      const auto summary = run_power(e, settings, options);
      CHECK(summary.power.size() == 1);
      continue;
    }
    SweepOptions options;
    options.output = out / (file.stem().string() + ".h5");
    options.threads = 2;
    const auto summary = run_sweep(e, options);
    CHECK(summary.runs == e.runs());
    io::InputFile results(options.output);
    CHECK(results.exists("/runs/coverage"));
    if (e.design().kind == DesignKind::sobol) CHECK(results.exists("/sensitivity/coverage/first"));
  }
}
