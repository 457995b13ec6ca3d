#pragma once
// Runs every replicate of a scenario and writes the results file (docs/hdf5-schema.md).

#include <array>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "mentorsim/dynamics/stage.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/network_measures.hpp"

namespace mentorsim {

struct RunOptions {
  std::ostream* log = nullptr;                       // progress and warnings; nullptr = quiet
  std::optional<std::filesystem::path> output_path;  // instead of output.path
  std::optional<int> threads;                        // instead of run.threads (0 = all)
  bool check = false;             // verify invariants after every stage (InvariantError on a violation)
  bool profile = false;           // time every stage (RunSummary::stage_seconds, /meta stage_seconds)
  bool progress = false;          // a line on `log` per finished replicate
  std::function<void()> on_week;  // called after every simulated week (progress displays); empty = none
  bool durable = true;            // false: the results file is not fsynced (scratch files, io::OutputFile::set_durable)
};

struct RunSummary {
  std::filesystem::path output;
  double elapsed_seconds = 0.0;
  Replicate replicates = 0;
  NetworkSummary network;  // replicate 0, at the end
  std::vector<std::string> warnings;
  std::array<double, kStageCount> stage_seconds{};  // summed over replicates, when profiling
  // Outside the weekly schedule, summed over replicates, when profiling: building each replicate's
  // world and program state; observing (time series, snapshots, end-of-replicate datasets); closing
  // the file (outcomes, compression of the last chunks, commit).
  double build_seconds = 0.0;
  double observe_seconds = 0.0;
  double finish_seconds = 0.0;
};

RunSummary run_scenario(const Scenario& scenario, const RunOptions& options = {});

}  // namespace mentorsim
