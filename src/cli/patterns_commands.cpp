// `patterns`: the published patterns of calibration/patterns.toml checked on a scenario's run or on an
// existing results file (docs/model.md section 1.2). Prints the table, adds /patterns to the results
// file (atomically, as `run` writes) and writes the same table as CSV.

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "common.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/engine/runner.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/patterns/patterns.hpp"
#include "mentorsim/scenario/scenario.hpp"

namespace mentorsim::cli {
namespace {

struct PatternsFlags {
  std::string output;
  std::string threads;
  std::string patterns_file;
  bool check = false;
};

bool is_hdf5(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char signature[8] = {};
  in.read(signature, sizeof signature);
  return in.gcount() == 8 && std::string_view(signature, 8) == std::string_view("\x89HDF\r\n\x1a\n", 8);
}

bool has_extension(const std::filesystem::path& path, std::string_view extension) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == extension;
}

// Writes text to `target` through a temporary file beside it, renamed into place when complete.
void write_text_file(const std::filesystem::path& target, const std::string& text) {
  const std::filesystem::path where = io::check_output_target(target);
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path temporary =
      where.parent_path() /
      ("." + where.filename().string() + ".partial-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::error_code ec;
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::filesystem::remove(temporary, ec);
      throw IoError("cannot write " + target.string());
    }
  }
  std::filesystem::rename(temporary, where, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw IoError("cannot move the finished table to " + target.string());
  }
}

int patterns_command(const ScenarioArgs& args, const PatternsFlags& flags, bool output_given) {
  if (output_given && flags.output.empty()) throw UsageError("-o/--output: the file name is empty");
  const std::optional<int> threads = threads_value(flags.threads);
  // Read the patterns first: a bad patterns file stops before any simulation.
  const std::filesystem::path table_path = patterns_path(flags.patterns_file);
  const std::vector<patterns::Pattern> list = patterns::load_patterns(table_path);

  std::error_code ec;
  if (!std::filesystem::exists(args.path, ec)) throw IoError("cannot read " + args.path + ": no such file");
  const bool results_input = is_hdf5(args.path);
  if (results_input && !args.sets.empty()) {
    throw UsageError("--set: " + args.path + " is a results file; --set changes a scenario before it runs");
  }
  if (results_input && threads) {
    throw UsageError("--threads: " + args.path + " is a results file; --threads applies to running a scenario");
  }
  const bool csv_output = output_given && has_extension(flags.output, ".csv");
  std::optional<Scenario> scenario;
  if (!results_input) {
    // Per-agent and network statistics need every replicate's agents for a CI over replicates.
    std::vector<std::string> sets = args.sets;
    const bool chosen = std::any_of(sets.begin(), sets.end(),
                                    [](const std::string& s) { return s.starts_with("output.all_replicates"); });
    if (!chosen) sets.insert(sets.begin(), "output.all_replicates=true");
    std::vector<Diagnostic> problems;
    scenario.emplace(Scenario::load(args.path, sets, problems));
    if (!problems.empty()) throw InputError(std::move(problems));
  }
  // Where the results with /patterns go, and the CSV.
  std::filesystem::path results_path;
  if (output_given && !csv_output) {
    results_path = flags.output;
  } else {
    results_path = results_input ? std::filesystem::path(args.path) : scenario->output().path;
  }
  std::filesystem::path csv_path = results_path;
  if (csv_output) {
    csv_path = flags.output;
  } else {
    csv_path.replace_extension(".patterns.csv");
  }
  (void)io::check_output_target(results_path);
  (void)io::check_output_target(csv_path);
  if (std::filesystem::equivalent(csv_path, args.path, ec) ||
      (!results_input && std::filesystem::equivalent(results_path, args.path, ec))) {
    throw IoError("cannot write " + (csv_output ? csv_path : results_path).string() +
                  ": it is the scenario file, an input of this run");
  }

  io::install_cleanup_handlers();
  std::filesystem::path source = args.path;
  if (!results_input) {
    RunOptions options;
    options.log = &std::cerr;
    options.output_path = results_path;
    if (threads) options.threads = *threads;
    options.progress = scenario->run().replicates > 1;
    const RunSummary summary = run_scenario(*scenario, options);
    source = summary.output;
  }
  std::vector<patterns::PatternResult> results;
  {
    const io::InputFile input(source);
    results = patterns::evaluate(list, input);
  }
  std::cout << "patterns of " << table_path.string() << " on " << source.string() << "\n"
            << "(achieved: mean over replicates, 95% CI mean +- t(0.975, R-1) SD/sqrt(R), R replicates used; pass: "
               "mean within target +- tolerance)\n";
  patterns::print_table(std::cout, results);
  {
    io::OutputFile out(results_path, source);
    patterns::write_hdf5(out, results, table_path.string());
    out.commit();
  }
  write_text_file(csv_path, patterns::csv_text(results));
  std::cout << "wrote /patterns to " << results_path.string() << " and " << csv_path.string() << '\n';
  if (flags.check) {
    int failed = 0;
    for (const auto& r : results) {
      if (r.pattern.reproduced && r.verdict != patterns::Verdict::pass) {
        std::cerr << "mentorsim: check failed: " << r.pattern.id << " (" << r.pattern.name
                  << ") is documented as reproduced but is " << patterns::to_string(r.verdict) << '\n';
        ++failed;
      }
    }
    if (failed > 0) return 1;
  }
  return 0;
}

}  // namespace

std::filesystem::path patterns_path(const std::string& given) {
  if (!given.empty()) return given;
  const std::filesystem::path local = "calibration/patterns.toml";
  std::error_code ec;
  if (std::filesystem::is_regular_file(local, ec)) return local;
  return std::filesystem::path(MENTORSIM_PATTERNS_FILE);
}

void add_patterns_commands(CLI::App& app, Commands& commands) {
  static ScenarioArgs args;
  static PatternsFlags flags;
  CLI::App* command = app.add_subcommand(
      "patterns",
      "Check the published patterns (calibration/patterns.toml) on a scenario's run or a results file: print the "
      "table, add /patterns to the results and write it as CSV");
  command->add_option("input", args.path, "Scenario file (TOML, run first) or results file (HDF5)")->required();
  command->add_option("--set", args.sets, "Override a scenario key (repeatable; scenarios only)")
      ->type_name("KEY=VALUE");
  CLI::Option* output = command->add_option(
      "-o,--output", flags.output,
      "FILE.csv: the table's CSV; any other name: the results file to write (with /patterns; the CSV goes beside it "
      "as NAME.patterns.csv). Default: the input results file, or the scenario's output.path");
  add_threads_option(*command, flags.threads);
  command->add_option("--patterns", flags.patterns_file,
                      "Patterns file (default: calibration/patterns.toml here, else the source tree's)");
  command->add_flag("--check", flags.check,
                    "Exit with status 1 when a pattern documented as reproduced misses its target or cannot be "
                    "computed");
  commands.push_back({command, [output] { return patterns_command(args, flags, output->count() > 0); }});
}

}  // namespace mentorsim::cli
