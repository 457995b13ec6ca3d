#pragma once
// The experiment commands: `sweep` (designs over scenario keys, resumable, sharded over MPI ranks),
// `merge` (joins the shards of an MPI sweep) and `power` (pilot size). See docs/experiments.md and
// docs/distributed.md.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"

namespace mentorsim::cli {

// The options of the three commands; add_experiment_commands (commands.hpp) registers them. Errors
// (mentorsim::Error) propagate to main, which reports them.
class ExperimentCommands {
 public:
  void add(CLI::App& app, Commands& commands);

 private:
  int sweep();
  int merge();
  int power();

  std::string experiment_;
  std::vector<std::string> sets_;
  std::string output_;
  std::string threads_;
  bool resume_ = false;
  bool force_ = false;
  bool profile_ = false;
  std::uint64_t samples_ = 0;
  std::uint32_t replicates_ = 0;
  std::uint64_t progress_every_ = 0;

  std::vector<std::string> shards_;
  std::string merge_output_;

  std::string power_experiment_;
  std::vector<std::string> power_sets_;
  std::string power_output_;
  std::string power_threads_;
  std::uint32_t power_replicates_ = 0;
  std::string outcome_;
  std::vector<std::uint32_t> units_;
  std::uint32_t per_unit_ = 0;
  std::vector<std::string> stages_;
  std::string analysis_;
};

}  // namespace mentorsim::cli
