// `calibrate`: approximate Bayesian computation of scenario parameters against the published patterns
// (docs/calibration-abc.md). Every batch of parameter sets runs through the sweep engine, so an
// interrupted calibration continues with --resume.

#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/experiment/calibration.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mpi.hpp"

namespace mentorsim::cli {
namespace {

struct CalibrateFlags {
  std::string file;
  std::string output;
  std::string threads;
  std::string patterns_file;
  std::vector<std::string> sets;
  bool resume = false;
  std::size_t draws = 0;
  std::uint32_t replicates = 0;
  int generations = -1;
};

// Ctrl-C stops after the run in flight (completed runs stay in the batch's journal); a second one ends
// the process at once.
std::atomic<bool> calibrate_stop{false};

extern "C" void request_calibrate_stop(int signal_number) {
  if (calibrate_stop.load()) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
    return;
  }
  calibrate_stop.store(true);
}

int calibrate_command(const CalibrateFlags& flags, bool output_given) {
  if (output_given && flags.output.empty()) throw UsageError("-o/--output: the file name is empty");
  const std::optional<int> threads = threads_value(flags.threads);
  experiment::CalibrationOverrides overrides;
  if (flags.draws > 0) overrides.draws = flags.draws;
  if (flags.replicates > 0) overrides.replicates = flags.replicates;
  if (flags.generations >= 0) overrides.generations = static_cast<std::size_t>(flags.generations);
  // Under MPI every rank runs the same ABC and its shard of each batch (docs/distributed.md).
  std::optional<mpi::Session> session;
  if (mpi::launched()) session.emplace();
  const int rank = session ? session->rank() : 0;
  const int ranks = session ? session->size() : 1;
  // Every rank reads the same files, so a bad one is reported once, by rank 0.
  std::optional<experiment::Calibration> loaded;
  try {
    loaded.emplace(
        experiment::Calibration::load(flags.file, flags.sets, patterns_path(flags.patterns_file), overrides));
  } catch (const Error& e) {
    if (rank != 0) return static_cast<int>(e.exit_code());
    throw;
  }
  const experiment::Calibration& calibration = *loaded;
  if (rank == 0) {
    for (const auto& warning : calibration.experiment->base().warnings()) {
      std::cerr << "mentorsim: warning: " << warning << '\n';
    }
  }
  experiment::CalibrationOptions options;
  options.output = flags.output;
  options.threads = threads;
  options.resume = flags.resume;
  options.stop = &calibrate_stop;
  std::signal(SIGINT, request_calibrate_stop);
  std::signal(SIGTERM, request_calibrate_stop);
  io::install_cleanup_handlers();
  options.rank = static_cast<std::uint32_t>(rank);
  options.ranks = static_cast<std::uint32_t>(ranks);
  if (rank == 0) options.log = &std::cerr;
  if (ranks > 1) {
    options.collective = [&session](int code) { return session->max(code); };
    options.total = [&session](std::uint64_t n) { return session->sum(n); };
  }
  experiment::CalibrationSummary summary;
  int code = 0;
  if (ranks == 1) {
    summary = experiment::run_calibration(calibration, options);
    if (summary.interrupted) code = experiment::kCalibrationInterrupted;
  } else {
    // A failing rank reports its own error; the others learn of it through the collective exit code.
    // An error every rank meets (the sampler's, on the same statistics) is reported by rank 0 alone.
    std::string message;
    try {
      summary = experiment::run_calibration(calibration, options);
      if (summary.interrupted) code = experiment::kCalibrationInterrupted;
    } catch (const experiment::OtherRankFailed& e) {
      code = static_cast<int>(e.exit_code());
    } catch (const Error& e) {
      message = e.what();
      code = static_cast<int>(e.exit_code());
    }
    const bool rank0_failed = session->max(rank == 0 && !message.empty() ? 1 : 0) != 0;
    if (!message.empty() && (rank == 0 || !rank0_failed)) {
      std::istringstream lines(message);
      for (std::string line; std::getline(lines, line);) {
        std::cerr << "mentorsim: error: rank " << rank << ": " << line << '\n';
      }
    }
    code = session->max(code);
  }
  if (code == experiment::kCalibrationInterrupted) {
    if (rank == 0) {
      std::cerr << "mentorsim: calibration interrupted; the completed runs are kept: continue with --resume"
                << (ranks > 1 ? " (the same mpirun command)" : "") << "\n";
    }
    return code;
  }
  if (code != 0) return code;
  if (rank == 0) {
    std::cout << "wrote " << summary.output.string() << ": " << summary.accepted << " accepted parameter sets after "
              << summary.stages << " stage(s), " << summary.simulations << " parameter sets simulated (" << summary.runs
              << " runs" << (ranks > 1 ? " on " + std::to_string(ranks) + " ranks" : "") << ") in "
              << fixed(summary.seconds, 1) << " s\n";
  }
  return 0;
}

}  // namespace

void add_calibrate_commands(CLI::App& app, Commands& commands) {
  static CalibrateFlags flags;
  CLI::App* command = app.add_subcommand(
      "calibrate",
      "Approximate Bayesian computation of scenario parameters against published patterns: rejection over an LHS or "
      "Sobol prior design, then ABC-SMC (HDF5; docs/calibration-abc.md)");
  command->add_option("calibration", flags.file, "Calibration file (TOML)")->required();
  CLI::Option* output = command->add_option("-o,--output", flags.output, "Results file (overrides `output`)");
  add_threads_option(*command, flags.threads);
  command->add_option("--set", flags.sets, "Override a key of the base scenario (repeatable)")->type_name("KEY=VALUE");
  command->add_option("--patterns", flags.patterns_file,
                      "Patterns file when the calibration names none (default: calibration/patterns.toml here, else "
                      "the source tree's)");
  command->add_option("--draws", flags.draws, "Prior draws of stage 0 (overrides draws)")
      ->check(CLI::Range(2, 1 << 20));
  command->add_option("--replicates", flags.replicates, "Runs per parameter set (overrides replicates)")
      ->check(CLI::Range(1, 1000));
  command->add_option("--generations", flags.generations, "SMC stages (overrides [smc] generations; 0: rejection only)")
      ->check(CLI::Range(0, 100));
  command->add_flag("--resume", flags.resume, "Continue an interrupted calibration from its batch files and journals");
  commands.push_back({command, [output] { return calibrate_command(flags, output->count() > 0); }});
}

}  // namespace mentorsim::cli
