#include "commands.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/engine/build.hpp"

namespace mentorsim::cli {
namespace {

void print_error_lines(const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) std::cerr << "mentorsim: error: " << line << '\n';
}

// "run, validate or info".
std::string command_names(const CLI::App& app) {
  std::string out;
  const auto subcommands = app.get_subcommands([](const CLI::App*) { return true; });
  for (std::size_t i = 0; i < subcommands.size(); ++i) {
    if (i > 0) out += (i + 1 == subcommands.size()) ? " or " : ", ";
    out += subcommands[i]->get_name();
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "mentorsim: agent-based simulation of mentoring programs (traditional, reverse, reciprocal, group)\n"
      "in a connected hospital-university-research institute workforce.\n"
      "Exit codes: 0 ok, 2 bad input, 3 I/O error, 4 internal error.",
      "mentorsim"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("mentorsim ") + build::version() + " (" + build::git_commit() + ")");

  Commands commands;
  add_run_commands(app, commands);
  add_info_commands(app, commands);
  add_info_params_commands(app, commands);
  add_experiment_commands(app, commands);
  add_patterns_commands(app, commands);
  add_calibrate_commands(app, commands);

  // A first argument that is neither an option nor a command is a misspelt command.
  const auto is_command = [&](const std::string& name) {
    const auto all = app.get_subcommands([](const CLI::App*) { return true; });
    return std::any_of(all.begin(), all.end(), [&](const CLI::App* c) { return c->get_name() == name; });
  };
  if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
    std::cerr << "mentorsim: error: unknown command \"" << argv[1] << "\"; the commands are " << command_names(app)
              << "\n(run `mentorsim --help` for usage)\n";
    return static_cast<int>(ExitCode::bad_input);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "mentorsim: error: " << e.what() << "\n(run `mentorsim --help` for usage)\n";
    return static_cast<int>(ExitCode::bad_input);
  }

  try {
    for (auto it = commands.rbegin(); it != commands.rend(); ++it) {
      if (it->app->parsed()) return it->run();
    }
  } catch (const Error& e) {
    print_error_lines(e.what());
    return static_cast<int>(e.exit_code());
  } catch (const std::bad_alloc&) {
    std::cerr << "mentorsim: error: out of memory\n";
    return static_cast<int>(ExitCode::internal);
  } catch (const std::exception& e) {
    std::cerr << "mentorsim: internal error: " << e.what() << '\n';
    return static_cast<int>(ExitCode::internal);
  }
  return static_cast<int>(ExitCode::internal);
}

}  // namespace mentorsim::cli
