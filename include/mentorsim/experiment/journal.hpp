#pragma once
// The journal of a sweep: completed runs, committed one by one as they finish, beside the output
// file. It starts with a header that describes the experiment completely (the Manifest: the texts of
// the experiment and scenario files, the design, the arms, what each run keeps), then holds one record
// per completed run (run id, values, checksum), each written with one write() as the run finishes: the
// kernel has it then, so a process killed at any moment (kill -9, Ctrl-C, the OOM killer) loses no
// completed run and leaves at most one torn record at the end, which a resume drops. Records reach the
// disk itself (fdatasync) at least every `sync_interval` seconds and at the end, so a machine crash or
// power loss loses at most that much work; a flush per run would serialise the threads on the disk
// (tens of milliseconds each on a busy file system). A finished journal ends with an end record; the journal of one MPI
// rank is its shard, and `mentorsim merge` joins shards. The final results file is made from the journal alone.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mentorsim/experiment/design.hpp"

namespace mentorsim::experiment {

class Experiment;

// Everything the results file needs besides the runs' values.
struct Manifest {
  std::string mentorsim_version;
  std::string git_commit;
  std::string experiment_path;
  std::string experiment_toml;
  std::string scenario_path;
  std::string scenario_toml;
  std::vector<std::string> overrides;  // --set for the base scenario
  std::string resolved_json;           // the base scenario's parameters (with the overrides)
  std::string dependencies;
  std::string design_kind;
  std::string random_numbers;
  std::uint64_t seed = 0;
  std::uint64_t replicates = 0;
  std::uint32_t bootstrap = 0;
  double confidence = 0.95;
  Design design;
  std::vector<std::string> arm_names;  // output arms
  std::uint64_t run_arms = 1;
  std::uint64_t arms_per_run = 1;
  std::vector<std::string> outcomes;
  std::vector<std::uint64_t> widths;
  std::vector<std::string> metrics;
  std::vector<std::int32_t> observed_weeks;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> contrasts;
  std::uint64_t values_per_run = 0;
  // Pattern statistics kept per run (calibration runs, experiment.hpp), after the outcomes and time
  // series: the pattern ids and the text of their patterns file.
  std::vector<std::string> patterns;
  std::string patterns_toml;

  [[nodiscard]] std::uint64_t points() const { return design.points(); }
  [[nodiscard]] std::uint64_t runs() const { return points() * run_arms * replicates; }

  [[nodiscard]] std::vector<std::uint8_t> serialise() const;
  // Throws std::runtime_error on malformed bytes.
  static Manifest deserialise(std::span<const std::uint8_t> bytes);
};

Manifest make_manifest(const Experiment& experiment);
// The first way two manifests differ, in words ("the experiment file's text"), or nullopt if they
// describe the same sweep.
std::optional<std::string> manifest_difference(const Manifest& a, const Manifest& b);

struct CompletedRun {
  std::uint64_t run = 0;
  std::vector<double> values;
};

class Journal {
 public:
  // Creates a new journal at `path` for the shard `rank` of `ranks` (fails with IoError if the file
  // exists or cannot be written) and commits its header.
  static Journal create(const std::filesystem::path& path, const Manifest& manifest, std::uint32_t rank,
                        std::uint32_t ranks);
  // Continues the journal at `path`: its manifest must equal `manifest` (InputError naming the first
  // difference otherwise) and its shard must be `rank` of `ranks`; its complete records are appended
  // to `completed`, a torn last record is cut off.
  static Journal resume(const std::filesystem::path& path, const Manifest& manifest, std::uint32_t rank,
                        std::uint32_t ranks, std::vector<CompletedRun>& completed);
  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  Journal(const Journal&) = delete;
  ~Journal();

  // Appends one run's values (one write()), and flushes the journal to disk when the last flush is
  // older than the sync interval. Thread-safe.
  void append(std::uint64_t run, std::span<const double> values);
  // Flushes everything appended so far to disk.
  void sync();
  // Appends the end record (the shard is complete) and flushes.
  void finish(std::uint64_t records);
  // Seconds between flushes to disk (0: after every record). Default 1.
  void set_sync_interval(double seconds) noexcept { sync_interval_ = seconds; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  Journal(std::filesystem::path path, int fd, std::uint64_t values_per_run);
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t values_per_run_ = 0;
  double sync_interval_ = 1.0;
  struct Locks {
    std::mutex write;
    std::mutex sync;
    std::chrono::steady_clock::time_point last_sync = std::chrono::steady_clock::now();
  };
  std::unique_ptr<Locks> locks_ = std::make_unique<Locks>();
};

struct JournalContents {
  Manifest manifest;
  std::uint32_t rank = 0;
  std::uint32_t ranks = 1;
  std::vector<CompletedRun> runs;
  bool complete = false;  // ends with an end record
};

// Reads a journal or shard. With `require_complete`, a torn or missing end is an error. Throws
// IoError ("file: ...") for an unreadable, truncated or corrupt file.
JournalContents read_journal(const std::filesystem::path& path, bool require_complete);

// Where the journal of `output` lives for shard `rank` of `ranks`: "<output>.journal", or
// "<output>.<rank>-of-<ranks>.journal" under MPI.
std::filesystem::path journal_path(const std::filesystem::path& output, std::uint32_t rank, std::uint32_t ranks);

}  // namespace mentorsim::experiment
