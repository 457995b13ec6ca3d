#pragma once
// The mentorsim command line: parse with CLI11, call the library, report. Every error a user can
// cause ends here as one line per problem on stderr and an exit code (docs/reliability.md):
//   0 ok, 2 bad input, 3 I/O error, 4 internal error.
//
// Each group of subcommands lives in its own file and registers itself with one function, called
// from main() in commands.cpp: add a group by writing `void add_<group>_commands(CLI::App&, Commands&)`
// and one line in main().

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace mentorsim::cli {

int main(int argc, char** argv);

// A subcommand and what runs when it was given; the last registered parsed command runs (so register
// a nested subcommand after its parent).
struct Command {
  CLI::App* app;
  std::function<int()> run;
};
using Commands = std::vector<Command>;

void add_run_commands(CLI::App& app, Commands& commands);          // run, validate (run_commands.cpp)
void add_info_commands(CLI::App& app, Commands& commands);         // info, info network (info_commands.cpp)
void add_info_params_commands(CLI::App& app, Commands& commands);  // info params (info_params.cpp)
void add_experiment_commands(CLI::App& app, Commands& commands);   // sweep, merge, power (experiment_commands.cpp)
void add_patterns_commands(CLI::App& app, Commands& commands);     // patterns (patterns_commands.cpp)
void add_calibrate_commands(CLI::App& app, Commands& commands);    // calibrate (calibrate_commands.cpp)

// The patterns file: `given`, else calibration/patterns.toml under the current directory, else the one
// of the source tree this program was built from (patterns_commands.cpp).
std::filesystem::path patterns_path(const std::string& given);

}  // namespace mentorsim::cli
