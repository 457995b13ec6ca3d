// `info` (version, commit, dependencies, threads) and `info network` (achieved network vs targets).

#include <CLI/CLI.hpp>

#include <iomanip>
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/process_memory.hpp"
#include "mentorsim/core/rng.hpp"
#include "mentorsim/engine/build.hpp"
#include "mentorsim/io/provenance.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/network_measures.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim::cli {
namespace {

int info_command() {
  std::cout << "mentorsim " << build::version() << "\n"
            << "commit        " << build::git_commit() << "\n"
            << "dependencies  " << io::dependency_versions() << ", " << parallel::runtime_version() << "\n"
            << "threads       " << parallel::hardware_threads() << " available\n"
            << "huge pages    " << huge_pages_status() << "\n";
  return 0;
}

int info_network_command(const ScenarioArgs& args, const std::string& threads_text) {
  const std::optional<int> threads = threads_value(threads_text);
  const Scenario scenario = Scenario::load(args.path, args.sets);
  parallel::set_threads(threads.value_or(scenario.run().threads));
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

void add_info_commands(CLI::App& app, Commands& commands) {
  CLI::App* info =
      app.add_subcommand("info", "Version, commit, dependencies and threads; `info network` describes a network");
  commands.push_back({info, [] { return info_command(); }});

  static ScenarioArgs network_args;
  static std::string network_threads;
  CLI::App* network =
      info->add_subcommand("network", "Achieved network degree, clustering, homophily and components vs the targets");
  add_scenario_args(*network, network_args);
  add_threads_option(*network, network_threads);
  commands.push_back({network, [] { return info_network_command(network_args, network_threads); }});
}

}  // namespace mentorsim::cli
