#include "commands.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "mentorsim/core/build_info.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/process_memory.hpp"
#include "mentorsim/engine/runner.hpp"
#include "mentorsim/engine/schedule.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/io/provenance.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim::cli {
namespace {

struct ScenarioArgs {
  std::string path;
  std::vector<std::string> sets;
};

void add_scenario_args(CLI::App& command, ScenarioArgs& args) {
  command.add_option("scenario", args.path, "Scenario file (TOML)")->required();
  command.add_option("--set", args.sets, "Override a scenario key, e.g. --set network.mean_degree=12 (repeatable)")
      ->type_name("KEY=VALUE");
}

Scenario load(const ScenarioArgs& args) { return Scenario::load(args.path, args.sets); }

void print_error_lines(const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) std::cerr << "mentorsim: error: " << line << '\n';
}

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

struct RunFlags {
  std::string output;
  int threads = -1;
  bool check = false;
  bool profile = false;
};

int run_command(const ScenarioArgs& args, const RunFlags& flags) {
  const Scenario scenario = load(args);
  io::install_cleanup_handlers();
  RunOptions options;
  options.log = &std::cerr;
  if (!flags.output.empty()) options.output_path = flags.output;
  if (flags.threads >= 0) options.threads = flags.threads;
  options.check = flags.check;
  options.profile = flags.profile;
  options.progress = scenario.run().replicates > 1;
  const RunSummary summary = run_scenario(scenario, options);
  const NetworkSummary& n = summary.network;
  std::cout << "mentorsim " << MENTORSIM_VERSION << ": " << scenario.name() << ", " << summary.replicates
            << " replicate(s), " << scenario.run().weeks << " weeks, " << parallel::threads() << " thread(s)\n"
            << "  agents " << n.agents << ", ties " << n.ties << ", mean degree " << fixed(n.mean_degree, 2)
            << ", clustering " << fixed(n.average_clustering, 3) << "\n"
            << "  wrote " << summary.output.string() << " in " << fixed(summary.elapsed_seconds, 2) << " s\n";
  if (flags.profile) {
    double total = 0.0;
    for (double s : summary.stage_seconds) total += s;
    std::cout << "  time per stage (all replicates):\n";
    for (std::size_t s = 0; s < summary.stage_seconds.size(); ++s) {
      std::cout << "    " << std::left << std::setw(14) << to_string(enum_at<Stage>(s)) << std::right << std::setw(10)
                << fixed(summary.stage_seconds[s], 3) << " s" << std::setw(8)
                << fixed(total > 0 ? 100.0 * summary.stage_seconds[s] / total : 0.0, 1) << " %\n";
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
  const Scenario scenario = load(args);
  for (const auto& warning : scenario.warnings()) std::cerr << "mentorsim: warning: " << warning << '\n';
  const auto& pop = scenario.population();
  std::cout << "ok: " << scenario.name() << " — ";
  if (pop.roster) {
    std::cout << "roster " << pop.roster->string();
  } else {
    std::cout << pop.total_size() << " staff";
  }
  std::cout << " in " << pop.institutions.size() << " institution(s), " << scenario.run().weeks << " weeks, "
            << scenario.run().replicates << " replicate(s), output " << scenario.output().path.string() << '\n';
  return 0;
}

int info_command() {
  std::cout << "mentorsim " << MENTORSIM_VERSION << "\n"
            << "commit        " << MENTORSIM_GIT_COMMIT << "\n"
            << "dependencies  " << io::dependency_versions() << ", " << parallel::runtime_version() << "\n"
            << "threads       " << parallel::hardware_threads() << " available\n"
            << "huge pages    " << huge_pages_status() << "\n";
  return 0;
}

int info_network_command(const ScenarioArgs& args, int threads) {
  const Scenario scenario = load(args);
  parallel::set_threads(threads >= 0 ? threads : scenario.run().threads);
  const RandomSource random(scenario.run().seed, 0);
  const World world = build_world(scenario, random);
  const NetworkSummary s = summarize_network(world.network, world.population);
  const NetworkSpec& spec = scenario.network();
  const auto& report = world.network_report;
  auto row = [](const std::string& name, const std::string& target, const std::string& achieved) {
    std::cout << "  " << std::left << std::setw(42) << name << std::right << std::setw(10) << target << std::setw(12)
              << achieved << '\n';
  };
  std::cout << "collegial network of " << scenario.name() << " (replicate 0, seed " << scenario.run().seed << ")\n";
  row("", "target", "achieved");
  row("agents", "", std::to_string(s.agents));
  row("ties", "", std::to_string(s.ties));
  row("mean degree", fixed(spec.mean_degree, 2), fixed(s.mean_degree, 2));
  row("average local clustering", fixed(spec.clustering, 3), fixed(s.average_clustering, 3));
  row("share of ties within a unit", "", fixed(s.within_unit_share, 3));
  row("share of ties within a profession", "", fixed(s.same_profession_share, 3));
  row("share of ties across institutions", "", fixed(s.cross_institution_share, 3));
  row("profession homophily (log odds, across units)", "", fixed(s.homophily_profession, 2));
  row("institution homophily (log odds, across units)", "", fixed(s.homophily_institution, 2));
  row("components", "", std::to_string(s.components));
  row("largest component share", "", fixed(s.largest_component_share, 3));
  if (!spec.edges) {
    row("triadic closure share (calibrated)", "", fixed(report.closure_share, 3));
    row("calibration rounds", "", std::to_string(report.calibration_rounds));
  }
  if (!report.note.empty()) std::cout << "note: " << report.note << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "mentorsim: agent-based simulation of mentoring programs (traditional, reverse, reciprocal, group)\n"
      "in a connected hospital-university-research institute workforce.\n"
      "Exit codes: 0 ok, 2 bad input, 3 I/O error, 4 internal error.",
      "mentorsim"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("mentorsim ") + MENTORSIM_VERSION + " (" + MENTORSIM_GIT_COMMIT + ")");

  ScenarioArgs run_args;
  RunFlags run_flags;
  CLI::App* run = app.add_subcommand("run", "Run a scenario and write the results (HDF5)");
  add_scenario_args(*run, run_args);
  run->add_option("-o,--output", run_flags.output, "Results file (overrides output.path)");
  run->add_option("--threads", run_flags.threads, "Worker threads, 0 = all (overrides run.threads)")
      ->check(CLI::NonNegativeNumber);
  run->add_flag("--check", run_flags.check,
                "Verify the model's invariants after every stage; stop with the step, stage, entity and value");
  run->add_flag("--profile", run_flags.profile,
                "Print the time spent in each stage of the weekly schedule, and in world building, observation and "
                "closing the file");

  ScenarioArgs validate_args;
  CLI::App* validate = app.add_subcommand("validate", "Check a scenario and report every problem in it");
  add_scenario_args(*validate, validate_args);

  CLI::App* info =
      app.add_subcommand("info", "Version, commit, dependencies and threads; `info network` describes a network");
  ScenarioArgs network_args;
  int network_threads = -1;
  CLI::App* info_network =
      info->add_subcommand("network", "Achieved network degree, clustering, homophily and components vs the targets");
  add_scenario_args(*info_network, network_args);
  info_network->add_option("--threads", network_threads, "Worker threads, 0 = all")->check(CLI::NonNegativeNumber);

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
    if (run->parsed()) return run_command(run_args, run_flags);
    if (validate->parsed()) return validate_command(validate_args);
    if (info_network->parsed()) return info_network_command(network_args, network_threads);
    if (info->parsed()) return info_command();
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
