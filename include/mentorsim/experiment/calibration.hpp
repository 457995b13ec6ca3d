#pragma once
// `mentorsim calibrate` (docs/calibration-abc.md): pattern-oriented calibration by approximate Bayesian
// computation. A calibration file names a base scenario, the parameters to calibrate with their priors,
// the patterns (ids of calibration/patterns.toml) and the sampler's settings; every batch of parameter
// sets is run by the sweep engine (one journal per batch, so a calibration resumes where it stopped),
// each run keeping the pattern statistics; the ABC core (abc.hpp) accepts and moves the particles.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "mentorsim/experiment/abc.hpp"
#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/patterns/patterns.hpp"

namespace mentorsim::experiment {

// Command-line overrides of a calibration file's settings (to try a calibration small).
struct CalibrationOverrides {
  std::optional<std::size_t> draws;
  std::optional<Replicate> replicates;
  std::optional<std::size_t> generations;
  [[nodiscard]] std::string text() const;  // "--draws 20 --replicates 1", empty when none
};

struct Calibration {
  std::string name;  // the calibration file's path as given
  std::string text;  // its full text
  std::filesystem::path patterns_file;
  std::string patterns_text;
  std::vector<abc::Prior> priors;
  std::vector<patterns::Pattern> patterns;  // in the calibration file's order
  std::vector<abc::Target> targets;         // one per pattern
  abc::Settings settings;
  Replicate replicates = 1;
  Replicate median_replicates = 1;  // runs at the posterior median for the pattern table
  std::filesystem::path output;
  std::optional<Experiment> experiment;         // the base experiment of every batch (its design is replaced)
  std::optional<Experiment> median_experiment;  // the same with median_replicates
  std::string overrides;                        // CalibrationOverrides::text()

  // Reads and checks a calibration file: every problem with file:line:column and key (ScenarioError),
  // the base scenario with `sets` applied. `default_patterns` is used when the file names no
  // patterns_file.
  static Calibration load(const std::filesystem::path& file, const std::vector<std::string>& sets,
                          const std::filesystem::path& default_patterns, const CalibrationOverrides& overrides = {});
};

struct CalibrationOptions {
  std::filesystem::path output;  // empty: the calibration file's `output`
  std::optional<int> threads;
  bool resume = false;
  std::ostream* log = nullptr;
  const std::atomic<bool>* stop = nullptr;
  std::uint64_t stop_after = 0;  // tests: every batch's sweep behaves as if stopped after this many runs (0 = never)
  // MPI (docs/distributed.md): every rank runs the same ABC (it is deterministic given the runs' pattern
  // statistics); each batch's sweep is split among the ranks, rank 0 merges the shards into the batch
  // file that every rank then reads, and only rank 0 writes the results file. `collective(code)` is a
  // barrier that returns the largest code of all ranks (0 = fine, kCalibrationInterrupted, or an
  // error's exit code); `total(n)` returns the sum over the ranks. Both are required when ranks > 1.
  std::uint32_t rank = 0;
  std::uint32_t ranks = 1;
  std::function<int(int)> collective;
  std::function<std::uint64_t(std::uint64_t)> total;
};

// The code a rank gives `collective` when its part of a batch was interrupted (128 + SIGINT).
inline constexpr int kCalibrationInterrupted = 130;

// Thrown on the ranks that did not fail when another rank of an MPI calibration failed (that rank
// reports its own error); carries the other rank's exit code.
class OtherRankFailed : public Error {
 public:
  explicit OtherRankFailed(int code) : Error("another rank failed"), code_(code) {}
  [[nodiscard]] ExitCode exit_code() const noexcept override { return static_cast<ExitCode>(code_); }

 private:
  int code_;
};

struct CalibrationSummary {
  std::filesystem::path output;
  std::uint64_t simulations = 0;  // parameter sets simulated (each `replicates` runs), median excluded
  std::uint64_t runs = 0;         // model runs, median included
  std::size_t stages = 0;         // rejection + completed SMC stages
  std::size_t accepted = 0;       // particles of the posterior
  double seconds = 0.0;
  bool interrupted = false;
};

// Runs the calibration and writes its results file (docs/hdf5-schema.md, calibration files): nothing
// is written unless it completes. Each batch's sweep file and journal stay beside the output until the
// end (`--resume` reuses them) and are removed once the results file is written.
CalibrationSummary run_calibration(const Calibration& calibration, const CalibrationOptions& options);

// The weighted median of values (weights sum to 1): the smallest value whose cumulative weight is >= 1/2.
double weighted_median(const std::vector<double>& values, const std::vector<double>& weights);

}  // namespace mentorsim::experiment
