#pragma once
// `mentorsim sweep`: every run of an experiment (design points x arms x replicates), many small runs
// in parallel (one run per task, its own loops serial) or large runs one after another (parallel
// inside), committed to the journal as they finish (journal.hpp), then the results file (the sweep
// layout of docs/hdf5-schema.md), written atomically. Results do not depend on the schedule, the
// thread count or the number of MPI ranks: each run is a pure function of its scenario and replicate,
// and the file is built from the runs in run order.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <vector>

#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/experiment/journal.hpp"
#include "mentorsim/experiment/run.hpp"

namespace mentorsim::experiment {

struct SweepOptions {
  std::filesystem::path output;
  std::optional<int> threads;               // instead of the base scenario's run.threads (0 = all)
  bool resume = false;                      // continue the journal beside the output
  bool force = false;                       // allow an output larger than max_output_mb
  std::ostream* log = nullptr;              // progress and messages; nullptr = quiet
  bool terminal = false;                    // progress as a bar redrawn in place
  std::uint64_t progress_every = 0;         // without a terminal: a line every this many runs (0 = about 5 %)
  std::uint32_t rank = 0;                   // this process's shard (MPI rank) ...
  std::uint32_t ranks = 1;                  // ... of this many: runs with id % ranks == rank
  const std::atomic<bool>* stop = nullptr;  // set (by a signal handler) to stop after the runs in flight
  std::uint64_t stop_after = 0;             // tests: behave as if stopped after this many new runs (0 = never)
};

struct SweepSummary {
  std::uint64_t runs = 0;         // of this shard
  std::uint64_t resumed = 0;      // found done in the journal
  std::uint64_t completed = 0;    // run by this process
  bool interrupted = false;       // stopped early: the journal keeps the completed runs
  bool runs_in_parallel = false;  // the schedule used: runs across threads (or one run parallel inside)
  // Worlds built once per replicate and shared by the runs that need them (0: every run builds its own;
  // docs/experiments.md says when they are shared).
  std::uint64_t worlds_built = 0;
  double seconds = 0.0;
  std::filesystem::path journal;
  // Summed over this process's runs (seconds of the tasks, not wall time).
  double parse_seconds = 0.0;    // building each run's scenario
  RunTimes run_times;            // world building, weeks, outcomes
  double journal_seconds = 0.0;  // committing the runs (write + fdatasync)
  double write_seconds = 0.0;    // the results file (sensitivity indices included)
};

// Runs this process's share of the sweep. Throws ScenarioError/InputError (exit 2) for bad input,
// IoError (exit 3) for files. With ranks == 1 and not interrupted, writes the results file and removes
// the journal; with ranks > 1 it leaves a finished shard (merge_shards joins them).
SweepSummary run_sweep(const Experiment& experiment, const SweepOptions& options);

// Joins finished shards (journals) into the results file; returns the number of runs. Corrupt,
// truncated or unfinished shards are IoError; shards of different experiments, missing runs or runs
// that disagree are InputError. Nothing is written unless every run is present.
std::uint64_t merge_shards(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& output);

// The results file of a sweep from its manifest and the values of every run (run-major).
void write_sweep_file(const Manifest& manifest, const std::vector<double>& values, const std::filesystem::path& output,
                      double elapsed_seconds);

// "1.2 GB", "35 MB", "512 kB".
std::string format_bytes(double bytes);

}  // namespace mentorsim::experiment
