// `run` and `validate`: both check everything `run` would reject before simulating (the scenario, a
// roster and edge list, the arms' eligibility against the roster's staff) and report it all at once.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "common.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/rng.hpp"
#include "mentorsim/engine/build.hpp"
#include "mentorsim/engine/runner.hpp"
#include "mentorsim/engine/schedule.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/experiment/progress.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/roster.hpp"

namespace mentorsim::cli {
namespace {

bool any_key(const std::vector<Diagnostic>& problems, std::initializer_list<std::string_view> sections) {
  for (const auto& d : problems) {
    for (std::string_view section : sections) {
      if (d.key == section || d.key.starts_with(std::string(section) + ".") ||
          d.key.starts_with(std::string(section) + "[")) {
        return true;
      }
    }
  }
  return false;
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec) && !ec;
}

// The input of the run that `output` would overwrite (scenario, roster, edge list), or empty.
std::string input_at(const std::filesystem::path& output, const ScenarioArgs& args, const Scenario& scenario) {
  if (same_file(output, args.path)) return "the scenario file";
  if (const auto& roster = scenario.population().roster; roster && same_file(output, *roster)) {
    return "the roster (population.roster)";
  }
  if (const auto& edges = scenario.network().edges; edges && same_file(output, *edges)) {
    return "the edge list (network.edges)";
  }
  return "";
}

// The scenario, checked as far as `run` checks before simulating. Throws InputError listing every
// problem: the scenario's (in file order), then the roster's and the edge list's, then the arms whose
// roster staff include no eligible mentor or mentee; with check_output_path, an output.path that is
// one of these inputs. Warnings beyond the scenario's go to `warnings`.
Scenario load_checked(const ScenarioArgs& args, std::vector<std::string>& warnings, bool check_output_path) {
  std::vector<Diagnostic> problems;
  Scenario scenario = Scenario::load(args.path, args.sets, problems);
  if (check_output_path) {
    const std::filesystem::path& output = scenario.output().path;
    if (const std::string input = input_at(output, args, scenario); !input.empty()) {
      problems.push_back(Diagnostic{SourceLocation{args.path, 0, 0}, "output.path",
                                    "\"" + output.string() + "\" is " + input + ", an input of this run"});
    }
  }
  if (const auto& roster = scenario.population().roster) {
    if (any_key(problems, {"population", "network.edges", "network.edge_weight"})) {
      // The roster is read against the institutions; with those in doubt its errors would mislead.
      if (!any_key(problems, {"population.roster"})) {
        problems.push_back(Diagnostic{SourceLocation{roster->string(), 0, 0}, "",
                                      "not checked yet: fix the problems of the scenario's population first"});
      }
    } else {
      try {
        const RosterInputs inputs = load_roster_inputs(scenario, RandomSource(scenario.run().seed, 0));
        if (!any_key(problems, {"program", "arms", "randomisation"})) {
          EligibilityReport report = scenario.check_eligibility(
              count_staff(inputs.population, scenario.population().institutions.size()), true);
          for (auto& e : report.errors) problems.push_back(std::move(e));
          for (auto& w : report.warnings) warnings.push_back(std::move(w));
        }
      } catch (const InputError& e) {
        problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return scenario;
}

struct RunFlags {
  std::string output;
  std::string threads;
  bool check = false;
  bool profile = false;
};

int run_command(const ScenarioArgs& args, const RunFlags& flags, bool output_given) {
  if (output_given && flags.output.empty()) {
    throw UsageError("-o/--output: the results file name is empty");
  }
  const std::optional<int> threads = threads_value(flags.threads);
  std::vector<std::string> warnings;
  const Scenario scenario = load_checked(args, warnings, false);
  const std::filesystem::path output = output_given ? std::filesystem::path(flags.output) : scenario.output().path;
  if (const std::string input = input_at(output, args, scenario); !input.empty()) {
    throw IoError("cannot write " + output.string() + ": it is " + input +
                  ", an input of this run; choose another results file");
  }
  for (const auto& warning : warnings) std::cerr << "warning: " << warning << '\n';
  io::install_cleanup_handlers();
  RunOptions options;
  options.log = &std::cerr;
  options.output_path = output;
  if (threads) options.threads = *threads;
  options.check = flags.check;
  options.profile = flags.profile;
  // Weeks done over all replicates: a bar on a terminal, otherwise a line per replicate or every 10 s.
  experiment::Progress progress(std::cerr, experiment::stderr_is_terminal(),
                                std::uint64_t{scenario.run().replicates} * scenario.run().weeks, "weeks", 0,
                                static_cast<std::uint64_t>(scenario.run().weeks));
  options.on_week = [&progress] { progress.advance(); };
  const RunSummary summary = run_scenario(scenario, options);
  progress.finish();
  const NetworkSummary& n = summary.network;
  std::cout << "mentorsim " << build::version() << ": " << scenario.name() << ", " << summary.replicates
            << " replicate(s), " << scenario.run().weeks << " weeks, " << parallel::threads() << " thread(s)\n"
            << "  agents " << n.agents << ", ties " << n.ties << ", mean degree " << fixed(n.mean_degree, 2)
            << ", clustering " << fixed(n.average_clustering, 3) << "\n"
            << "  wrote " << summary.output.string() << " in " << fixed(summary.elapsed_seconds, 2) << " s\n";
  const std::vector<std::string_view> disabled = disabled_stage_names(scenario);
  if (!disabled.empty()) {
    std::cout << "  switched off (dynamics.disabled):";
    for (std::size_t k = 0; k < disabled.size(); ++k) std::cout << (k == 0 ? " " : ", ") << disabled[k];
    std::cout << "\n";
  }
  if (flags.profile) {
    double total = 0.0;
    for (double s : summary.stage_seconds) total += s;
    const std::array<bool, kStageCount> enabled = enabled_stages(scenario);
    std::cout << "  time per stage (all replicates):\n";
    for (std::size_t s = 0; s < summary.stage_seconds.size(); ++s) {
      std::cout << "    " << std::left << std::setw(14) << to_string(enum_at<Stage>(s)) << std::right << std::setw(10)
                << fixed(summary.stage_seconds[s], 3) << " s" << std::setw(8)
                << fixed(total > 0 ? 100.0 * summary.stage_seconds[s] / total : 0.0, 1) << " %"
                << (enabled[s] ? "" : "  (switched off)") << "\n";
    }
    std::cout << "  outside the weekly schedule:\n";
    const std::pair<const char*, double> phases[] = {{"build world", summary.build_seconds},
                                                     {"observe", summary.observe_seconds},
                                                     {"finish file", summary.finish_seconds}};
    for (const auto& [name, seconds] : phases) {
      std::cout << "    " << std::left << std::setw(14) << name << std::right << std::setw(10) << fixed(seconds, 3)
                << " s\n";
    }
  }
  return 0;
}

int validate_command(const ScenarioArgs& args) {
  std::vector<std::string> warnings;
  const Scenario scenario = load_checked(args, warnings, true);
  const std::filesystem::path output = scenario.output().path;
  try {
    (void)io::check_output_target(output);
  } catch (const IoError& e) {
    warnings.push_back(std::string(e.what()) + " (run would stop; -o chooses another file)");
  }
  for (const auto& warning : scenario.warnings()) std::cerr << "mentorsim: warning: " << warning << '\n';
  for (const auto& warning : warnings) std::cerr << "mentorsim: warning: " << warning << '\n';
  const auto& pop = scenario.population();
  std::cout << "ok: " << scenario.name() << " — ";
  if (pop.roster) {
    std::cout << "roster " << pop.roster->string();
    if (const auto& edges = scenario.network().edges) std::cout << ", edge list " << edges->string();
  } else {
    std::cout << pop.total_size() << " staff";
  }
  std::cout << " in " << pop.institutions.size() << " institution(s), " << scenario.run().weeks << " weeks, "
            << scenario.run().replicates << " replicate(s), output " << output.string() << '\n';
  return 0;
}

}  // namespace

void add_run_commands(CLI::App& app, Commands& commands) {
  static ScenarioArgs run_args;
  static RunFlags run_flags;
  CLI::App* run = app.add_subcommand("run", "Run a scenario and write the results (HDF5)");
  add_scenario_args(*run, run_args);
  CLI::Option* output = run->add_option("-o,--output", run_flags.output,
                                        "Results file (overrides output.path); replaced only when the run completes");
  add_threads_option(*run, run_flags.threads);
  run->add_flag("--check", run_flags.check,
                "Verify the model's invariants after every stage; stop with the step, stage, entity and value");
  run->add_flag("--profile", run_flags.profile,
                "Print the time spent in each stage of the weekly schedule, and in world building, observation and "
                "closing the file");
  commands.push_back({run, [output] { return run_command(run_args, run_flags, output->count() > 0); }});

  static ScenarioArgs validate_args;
  CLI::App* validate = app.add_subcommand(
      "validate", "Check a scenario, its roster and edge list, and report every problem `run` would report");
  add_scenario_args(*validate, validate_args);
  commands.push_back({validate, [] { return validate_command(validate_args); }});
}

}  // namespace mentorsim::cli
