#include "common.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <iomanip>
#include <sstream>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/scenario/scenario.hpp"

namespace mentorsim::cli {

void add_scenario_args(CLI::App& command, ScenarioArgs& args) {
  command.add_option("scenario", args.path, "Scenario file (TOML), or a pipe such as /dev/stdin")->required();
  command.add_option("--set", args.sets, "Override a scenario key, e.g. --set network.mean_degree=12 (repeatable)")
      ->type_name("KEY=VALUE");
}

void add_threads_option(CLI::App& command, std::string& text) {
  command
      .add_option("--threads", text,
                  "Worker threads, 0 = all, at most " + std::to_string(kMaxThreads) + " (overrides run.threads)")
      ->type_name("N");
}

std::optional<int> threads_value(const std::string& text) {
  if (text.empty()) return std::nullopt;
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > kMaxThreads) {
    throw UsageError("--threads: must be an integer in [0, " + std::to_string(kMaxThreads) + "], got \"" + text + "\"");
  }
  return value;
}

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

}  // namespace mentorsim::cli
