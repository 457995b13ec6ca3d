#pragma once
// A small base scenario and helpers to write experiment files beside it, for the experiment tests.

#include <string>

#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace mentorsim::test {

// About 300 staff in two arms (control and a reverse program), 8 weeks: a run takes milliseconds.
inline const char* const kSweepScenario = R"([run]
seed = 31
weeks = 8
replicates = 2

[population]
size = 300

[[arms]]
name = "control"
share = 0.5
kind = "none"

[[arms]]
name = "reverse"
share = 0.5
kind = "reverse"
uptake = 0.6
mentor_uptake = 0.6
mentor_capacity = 2
start_week = 1
duration_weeks = 6
cadence_weeks = 1
)";

// A directory holding base.toml (kSweepScenario) and, when given, exp.toml.
struct ExperimentDir {
  explicit ExperimentDir(const std::string& experiment = "", const std::string& scenario = kSweepScenario) {
    write_file(dir / "base.toml", scenario);
    if (!experiment.empty()) write_file(dir / "exp.toml", experiment);
  }
  [[nodiscard]] std::filesystem::path experiment() const { return dir / "exp.toml"; }
  [[nodiscard]] std::filesystem::path path(const std::string& name) const { return dir / name; }
  TempDir dir;
};

}  // namespace mentorsim::test
