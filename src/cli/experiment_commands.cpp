#include "experiment_commands.hpp"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "common.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/experiment/power.hpp"
#include "mentorsim/experiment/progress.hpp"
#include "mentorsim/experiment/sweep.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mpi.hpp"

namespace mentorsim::cli {
namespace {

using experiment::Experiment;

// Ctrl-C (or SIGTERM from a batch system) asks the command to stop after the runs in flight; a second
// one ends the process at once (completed runs are in the journal either way).
std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int signal_number) {
  if (stop_requested.load()) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
    return;
  }
  stop_requested.store(true);
}

void install_stop_handlers() {
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  std::signal(SIGHUP, request_stop);
  std::signal(SIGXFSZ, SIG_IGN);
}

constexpr int kInterrupted = 130;  // 128 + SIGINT, as shells report a Ctrl-C

// Mean milliseconds per run of each part, and the results file (sweep --profile).
void print_profile(const experiment::SweepSummary& s) {
  const double n = s.completed > 0 ? static_cast<double>(s.completed) : 1.0;
  const double total = s.parse_seconds + s.run_times.build + s.run_times.weeks + s.run_times.finish + s.journal_seconds;
  const std::pair<const char*, double> parts[] = {{"scenario (parse, validate)", s.parse_seconds},
                                                  {"world and program state", s.run_times.build},
                                                  {"weeks (schedule, observation)", s.run_times.weeks},
                                                  {"last tie merge, outcomes", s.run_times.finish},
                                                  {"journal (write, fdatasync)", s.journal_seconds}};
  std::cout << "  time per run, mean over " << s.completed << " runs (task time, not wall time):\n";
  for (const auto& [name, seconds] : parts) {
    std::cout << "    " << std::left << std::setw(32) << name << std::right << std::setw(9)
              << fixed(1000.0 * seconds / n, 2) << " ms" << std::setw(8)
              << fixed(total > 0 ? 100.0 * seconds / total : 0.0, 1) << " %\n";
  }
  std::cout << "  results file (sensitivity indices included): " << fixed(s.write_seconds, 3) << " s\n";
}

}  // namespace

void add_experiment_commands(CLI::App& app, Commands& commands) {
  static ExperimentCommands experiment_commands;
  experiment_commands.add(app, commands);
}

void ExperimentCommands::add(CLI::App& app, Commands& commands) {
  CLI::App* sweep_ =
      app.add_subcommand("sweep", "Run an experiment: a design over scenario keys, replicates and arms (HDF5)");
  sweep_->add_option("experiment", experiment_, "Experiment file (TOML, docs/experiments.md)")->required();
  sweep_->add_option("-o,--output", output_, "Results file (overrides the experiment's output)");
  add_threads_option(*sweep_, threads_);
  sweep_->add_option("--set", sets_, "Override a key of the base scenario at every point (repeatable)")
      ->type_name("KEY=VALUE");
  sweep_->add_flag("--resume", resume_, "Continue an interrupted sweep from its journal, skipping completed runs");
  sweep_->add_flag("--force", force_, "Allow results larger than the experiment's max_output_mb");
  sweep_->add_flag("--profile", profile_,
                   "Print where the time of a run goes (scenario, world, weeks, outcomes, journal) and the time "
                   "of the results file");
  sweep_->add_option("--samples", samples_, "Points of an lhs design, base samples of a sobol design (overrides)")
      ->check(CLI::PositiveNumber);
  sweep_->add_option("--replicates", replicates_, "Replicates per point and arm (overrides)")
      ->check(CLI::PositiveNumber);
  sweep_
      ->add_option("--progress-every", progress_every_,
                   "Without a terminal: a progress line every N runs (default: about 5 %; also every 10 s)")
      ->check(CLI::PositiveNumber);

  commands.push_back({sweep_, [this] { return sweep(); }});

  CLI::App* merge_ =
      app.add_subcommand("merge", "Join the shards of a sweep run on several MPI ranks into one results file");
  merge_->add_option("shards", shards_, "Shard files (<output>.<rank>-of-<ranks>.journal)")->required();
  merge_->add_option("-o,--output", merge_output_, "Results file")->required();

  commands.push_back({merge_, [this] { return merge(); }});

  CLI::App* power_ = app.add_subcommand("power", "Power of a cluster-randomised pilot at each size (HDF5)");
  power_->add_option("experiment", power_experiment_, "Experiment file (TOML) naming the base scenario")->required();
  power_->add_option("--outcome", outcome_, "Per-person outcome measured at the end (overrides [power] outcome)");
  power_->add_option("--units", units_, "Clusters per pilot, both arms together, e.g. 8,16,32 (overrides)")
      ->delimiter(',');
  power_->add_option("--per-unit", per_unit_, "Staff measured per cluster (overrides [power] per_unit)")
      ->check(CLI::PositiveNumber);
  power_->add_option("--stages", stages_, "Career stages measured, e.g. senior,mid_career (overrides)")->delimiter(',');
  power_->add_option("--analysis", analysis_, "Headline analysis: t_test (default) or mixed_model");
  power_->add_option("--replicates", power_replicates_, "Simulated pilots per size (overrides replicates)")
      ->check(CLI::PositiveNumber);
  power_->add_option("-o,--output", power_output_, "Results file (overrides the experiment's output)");
  add_threads_option(*power_, power_threads_);
  power_->add_option("--set", power_sets_, "Override a key of the base scenario (repeatable)")->type_name("KEY=VALUE");
  commands.push_back({power_, [this] { return power(); }});
}

int ExperimentCommands::sweep() {
  const std::optional<int> threads = threads_value(threads_);
  experiment::CommandLine command_line;
  command_line.scenario_overrides = sets_;
  if (samples_ > 0) command_line.samples = samples_;
  if (replicates_ > 0) command_line.replicates = replicates_;
  const Experiment experiment = Experiment::load(experiment_, command_line);
  for (const auto& warning : experiment.base().warnings()) std::cerr << "mentorsim: warning: " << warning << '\n';

  experiment::SweepOptions options;
  options.output = output_.empty() ? experiment.output() : std::filesystem::path(output_);
  options.threads = threads;
  options.resume = resume_;
  options.force = force_;
  options.progress_every = progress_every_;
  options.stop = &stop_requested;
  install_stop_handlers();

  std::optional<mpi::Session> session;
  if (mpi::launched()) session.emplace();
  const int rank = session ? session->rank() : 0;
  const int ranks = session ? session->size() : 1;
  options.rank = static_cast<std::uint32_t>(rank);
  options.ranks = static_cast<std::uint32_t>(ranks);
  if (rank == 0) {
    options.log = &std::cerr;
    options.terminal = experiment::stderr_is_terminal();
  }

  if (ranks == 1) {
    const auto summary = experiment::run_sweep(experiment, options);
    if (summary.interrupted) {
      std::cerr << "mentorsim: interrupted: " << summary.resumed + summary.completed << " of " << summary.runs
                << " runs are kept in " << summary.journal.string() << "; continue with --resume\n";
      return kInterrupted;
    }
    std::cout << "mentorsim sweep: " << experiment.name() << ", " << summary.runs << " runs (" << summary.resumed
              << " resumed) in " << fixed(summary.seconds, 2) << " s\n"
              << "  wrote " << options.output.string() << '\n';
    if (profile_) print_profile(summary);
    return 0;
  }

  // Under MPI every rank runs its shard; rank 0 merges once every rank has finished. A failing rank
  // reports its own error; the others learn of it through the collective exit code.
  int code = 0;
  experiment::SweepSummary summary;
  try {
    summary = experiment::run_sweep(experiment, options);
    if (summary.interrupted) code = kInterrupted;
  } catch (const Error& e) {
    std::istringstream lines(e.what());
    for (std::string line; std::getline(lines, line);) {
      std::cerr << "mentorsim: error: rank " << rank << ": " << line << '\n';
    }
    code = static_cast<int>(e.exit_code());
  }
  const int worst = session->max(code);
  if (worst != 0) {
    if (rank == 0 && worst == kInterrupted) {
      std::cerr << "mentorsim: interrupted: the completed runs are kept in the shards beside "
                << options.output.string() << "; continue with the same mpirun command and --resume\n";
    }
    return worst;
  }
  if (rank == 0) {
    std::vector<std::filesystem::path> shards;
    for (int r = 0; r < ranks; ++r) {
      shards.push_back(
          experiment::journal_path(options.output, static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(ranks)));
    }
    io::install_cleanup_handlers();
    const std::uint64_t runs = experiment::merge_shards(shards, options.output);
    std::error_code ec;
    for (const auto& shard : shards) std::filesystem::remove(shard, ec);
    std::cout << "mentorsim sweep: " << experiment.name() << ", " << runs << " runs on " << ranks << " ranks in "
              << fixed(summary.seconds, 2) << " s\n"
              << "  wrote " << options.output.string() << '\n';
    if (profile_) print_profile(summary);
  }
  return 0;
}

int ExperimentCommands::merge() {
  std::vector<std::filesystem::path> shards(shards_.begin(), shards_.end());
  io::install_cleanup_handlers();
  const std::uint64_t runs = experiment::merge_shards(shards, merge_output_);
  std::cout << "mentorsim merge: " << shards.size() << " shard(s), " << runs << " runs\n"
            << "  wrote " << merge_output_ << '\n';
  return 0;
}

int ExperimentCommands::power() {
  const std::optional<int> threads = threads_value(power_threads_);
  experiment::CommandLine command_line;
  command_line.scenario_overrides = power_sets_;
  if (power_replicates_ > 0) command_line.replicates = power_replicates_;
  const Experiment experiment = Experiment::load(power_experiment_, command_line);
  for (const auto& warning : experiment.base().warnings()) std::cerr << "mentorsim: warning: " << warning << '\n';
  experiment::PowerSettings settings = experiment.power();
  if (!outcome_.empty()) settings.outcome = outcome_;
  if (!units_.empty()) settings.units = units_;
  if (per_unit_ > 0) settings.per_unit = per_unit_;
  if (!stages_.empty()) {
    settings.stages.clear();
    for (const auto& s : stages_) {
      const auto stage = parse<CareerStage>(s);
      if (!stage) {
        throw InputError(Diagnostic{SourceLocation{"--stages", 0, 0}, "",
                                    "unknown career stage \"" + s + "\"; expected " + allowed_names<CareerStage>()});
      }
      settings.stages.push_back(*stage);
    }
  }
  if (!analysis_.empty()) {
    const auto analysis = parse<experiment::PowerAnalysis>(analysis_);
    if (!analysis) {
      throw InputError(Diagnostic{SourceLocation{"--analysis", 0, 0}, "",
                                  "unknown analysis \"" + analysis_ + "\"; expected t_test or mixed_model"});
    }
    settings.analysis = *analysis;
  }
  experiment::PowerOptions options;
  options.output = power_output_.empty() ? experiment.output() : std::filesystem::path(power_output_);
  options.threads = threads;
  options.log = &std::cerr;
  options.terminal = experiment::stderr_is_terminal();
  options.stop = &stop_requested;
  install_stop_handlers();
  const auto summary = experiment::run_power(experiment, settings, options);
  if (summary.interrupted) {
    std::cerr << "mentorsim: interrupted: nothing written\n";
    return kInterrupted;
  }
  std::cout << "mentorsim power: " << experiment.name() << ", outcome " << settings.outcome << ", " << summary.trials
            << " simulated pilots per size, true effect " << fixed(summary.true_effect, 4) << "\n";
  for (std::size_t i = 0; i < summary.units.size(); ++i) {
    std::cout << "  " << summary.units[i] << " clusters x " << settings.per_unit << ": power "
              << fixed(summary.power[i], 3) << " (" << to_string(settings.analysis) << ")\n";
  }
  std::cout << "  wrote " << options.output.string() << '\n';
  return 0;
}

}  // namespace mentorsim::cli
