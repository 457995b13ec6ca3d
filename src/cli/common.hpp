#pragma once
// Helpers shared by the subcommands: the scenario arguments, thread counts, number formatting.

#include <optional>
#include <string>
#include <vector>

#include "mentorsim/core/errors.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace mentorsim::cli {

// A command line that cannot be used (exit 2), reported as one line.
class UsageError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ExitCode exit_code() const noexcept override { return ExitCode::bad_input; }
};

struct ScenarioArgs {
  std::string path;
  std::vector<std::string> sets;
};

// The scenario positional argument and the repeatable --set option.
void add_scenario_args(CLI::App& command, ScenarioArgs& args);

// --threads N, checked as run.threads is: an integer in [0, 1024] (0 = all hardware threads).
void add_threads_option(CLI::App& command, std::string& text);
// The value of a --threads option (nullopt when not given); throws UsageError when it is not valid.
std::optional<int> threads_value(const std::string& text);

std::string fixed(double value, int digits);

}  // namespace mentorsim::cli
