#pragma once
// An experiment file (docs/experiments.md): a base scenario, the arms to compare, a design over any
// scenario keys, replicates, the random-number policy, and what to keep of each run. It is read and
// validated like a scenario (file:line:column, unknown keys with a suggestion, ranges); every design
// point is the base scenario's text plus `--set`-style overrides, so any scenario key can be swept and
// is checked by the scenario reader itself.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/core/types.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/experiment/design.hpp"
#include "mentorsim/patterns/patterns.hpp"
#include "mentorsim/scenario/scenario.hpp"

namespace mentorsim {
namespace experiment {

enum class RandomNumbers : std::uint8_t { common, independent };
enum class Schedule : std::uint8_t { automatic, runs, inside };
enum class PowerAnalysis : std::uint8_t { t_test, mixed_model };
enum class PilotDesign : std::uint8_t { cluster, stepped_wedge };

}  // namespace experiment

template <>
struct EnumTraits<experiment::RandomNumbers> {
  static constexpr std::string_view type_name = "random numbers";
  static constexpr auto names = std::to_array<std::string_view>({"common", "independent"});
};
template <>
struct EnumTraits<experiment::Schedule> {
  static constexpr std::string_view type_name = "schedule";
  static constexpr auto names = std::to_array<std::string_view>({"auto", "runs", "inside"});
};
template <>
struct EnumTraits<experiment::PowerAnalysis> {
  static constexpr std::string_view type_name = "analysis";
  static constexpr auto names = std::to_array<std::string_view>({"t_test", "mixed_model"});
};
template <>
struct EnumTraits<experiment::PilotDesign> {
  static constexpr std::string_view type_name = "pilot design";
  static constexpr auto names = std::to_array<std::string_view>({"cluster", "stepped_wedge"});
};

namespace experiment {

// An arm of the experiment: the base scenario with some keys changed, run separately. Its outcomes are
// those of one of the scenario's own arms (`scenario_arm`).
struct ExperimentArm {
  std::string name;
  std::vector<std::string> overrides;  // "key=value", as --set takes them
  std::string scenario_arm;
  std::size_t scenario_arm_index = 0;
};

// `mentorsim power` settings ([power] in the experiment file; the command line can override them).
struct PowerSettings {
  std::string outcome;
  std::vector<std::uint32_t> units;  // clusters per simulated pilot (both arms together), one size each
  std::uint32_t per_unit = 0;        // staff measured per cluster
  double alpha = 0.05;
  PowerAnalysis analysis = PowerAnalysis::t_test;  // the analysis whose power is the headline
  PilotDesign design = PilotDesign::cluster;
  std::string control_arm;          // scenario arm of the control clusters (default: the arm without a program)
  std::string intervention_arm;     // default: the other arm
  std::vector<CareerStage> stages;  // career stages measured (empty: all staff)
};

// What the command line adds to an experiment file.
struct CommandLine {
  std::vector<std::string> scenario_overrides;  // --set KEY=VALUE for the base scenario
  std::optional<std::uint64_t> samples;         // --samples
  std::optional<Replicate> replicates;          // --replicates
};

// Outcomes a run can keep, made from the declared outcomes (engine/outcomes.hpp: outcome_columns and
// outcome_table): the /outcomes names of a run file, the by-minority ones as "by_minority/<name>" (2
// values per arm) and the by-isolation ones as "by_isolation/<name>" (4).
std::vector<std::string> available_outcomes();
std::size_t outcome_width(std::string_view name);

// Where the values of an outcome name of available_outcomes() come from in Outcomes.
struct OutcomeRef {
  bool known = false;
  Outcome outcome = Outcome::coverage;
  std::size_t level = 0;  // breakdown level (per-arm outcomes)
  bool by_subgroup = false;
  Subgroup subgroup = Subgroup::minority;
};
OutcomeRef find_outcome(std::string_view name);

class Experiment {
 public:
  // Throws ScenarioError listing every problem (of the experiment file or of the base scenario), or
  // InputError when a file cannot be read.
  static Experiment load(const std::filesystem::path& file, const CommandLine& command_line = {});
  // `name` is used in messages; `base_dir` resolves the scenario path.
  static Experiment parse(std::string_view text, std::string name, const std::filesystem::path& base_dir,
                          const CommandLine& command_line = {});

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  [[nodiscard]] const Scenario& base() const noexcept { return *base_; }  // with the --set overrides
  [[nodiscard]] const std::filesystem::path& scenario_path() const noexcept { return scenario_path_; }
  [[nodiscard]] const std::vector<std::string>& scenario_overrides() const noexcept { return scenario_overrides_; }

  [[nodiscard]] const std::vector<Dimension>& dimensions() const noexcept { return dimensions_; }
  [[nodiscard]] const Design& design() const noexcept { return design_; }
  [[nodiscard]] std::size_t points() const noexcept { return design_.points(); }
  // Experiment arms (empty: the scenario's own arms, compared within each run).
  [[nodiscard]] const std::vector<ExperimentArm>& experiment_arms() const noexcept { return arms_; }
  // Separate runs per point and replicate: the experiment arms, or 1.
  [[nodiscard]] std::size_t run_arms() const noexcept { return arms_.empty() ? 1 : arms_.size(); }
  // Arms of the output (/runs [point, replicate, arm]): the experiment arms or the scenario's arms.
  [[nodiscard]] const std::vector<std::string>& arm_names() const noexcept { return arm_names_; }
  [[nodiscard]] std::size_t arms_per_run() const noexcept { return arms_.empty() ? arm_names_.size() : 1; }

  [[nodiscard]] Replicate replicates() const noexcept { return replicates_; }
  [[nodiscard]] Seed seed() const noexcept { return seed_; }
  [[nodiscard]] RandomNumbers random_numbers() const noexcept { return random_numbers_; }
  [[nodiscard]] Schedule schedule() const noexcept { return schedule_; }
  // Whether runs may share their replicate's world when nothing swept touches it (sweep.hpp).
  [[nodiscard]] bool share_worlds() const noexcept { return share_worlds_; }
  [[nodiscard]] const std::vector<std::string>& outcomes() const noexcept { return outcomes_; }
  [[nodiscard]] const std::vector<std::string>& timeseries() const noexcept { return timeseries_; }
  [[nodiscard]] const std::vector<Step>& observed_weeks() const noexcept { return observed_weeks_; }
  // Pairs of output arm indices (first, second): sensitivity of first - second.
  [[nodiscard]] const std::vector<std::pair<std::size_t, std::size_t>>& contrasts() const noexcept {
    return contrasts_;
  }
  [[nodiscard]] std::uint32_t bootstrap() const noexcept { return bootstrap_; }
  [[nodiscard]] double confidence() const noexcept { return confidence_; }
  [[nodiscard]] double max_output_mb() const noexcept { return max_output_mb_; }
  [[nodiscard]] const PowerSettings& power() const noexcept { return power_; }
  // Where the results go (`output`; default: the experiment file's name with .h5, in the working
  // directory). -o overrides it.
  [[nodiscard]] const std::filesystem::path& output() const noexcept { return output_; }

  // Runs of the whole sweep: points x run arms x replicates. Run id = (point x run_arms + arm) x
  // replicates + replicate.
  [[nodiscard]] std::uint64_t runs() const noexcept {
    return static_cast<std::uint64_t>(points()) * run_arms() * replicates_;
  }
  // Values kept per run: for each outcome, arm of the run and breakdown; then for each time series
  // metric, arm and observation.
  [[nodiscard]] std::size_t values_per_run() const;
  // The size of the results file before compression, in bytes (an upper bound on disk).
  [[nodiscard]] double projected_bytes() const;

  // The seed of every replicate of this point and run arm: the base scenario's under common random
  // numbers, otherwise one derived from the experiment seed, the point and the arm.
  [[nodiscard]] Seed run_seed(std::size_t point, std::size_t run_arm) const;
  // The overrides that make the scenario of a point and run arm (after the command line's).
  [[nodiscard]] std::vector<std::string> overrides(std::size_t point, std::size_t run_arm) const;
  // The scenario of a point and run arm. Throws ScenarioError.
  [[nodiscard]] Scenario scenario(std::size_t point, std::size_t run_arm) const;
  // Calibration runs (docs/calibration-abc.md): every run is one replicate of `mentorsim run`, written to
  // a temporary results file beside the output, and keeps the pattern statistics of `patterns` (one value
  // each, NaN when not computable) instead of outcomes and time series. Such runs go one at a time,
  // parallel inside (the HDF5 library is not thread-safe). Needs a single run arm.
  void keep_patterns(std::vector<patterns::Pattern> patterns, std::string patterns_text);
  [[nodiscard]] const std::vector<patterns::Pattern>& patterns() const noexcept { return patterns_; }
  [[nodiscard]] const std::string& patterns_text() const noexcept { return patterns_text_; }
  // Replaces the design (a calibration stage's candidates, point_design()).
  void set_design(Design design);
  // The scenario of replicate `replicate` of a pattern run at a point: run.replicates = 1, and as
  // run.seed the point's seed (replicate 0) or one derived from it and the replicate.
  [[nodiscard]] Scenario pattern_scenario(std::size_t point, Replicate replicate) const;

  // Builds the scenario of every point and arm (in parallel) and checks that each has the arms and
  // observation weeks of the base. Throws ScenarioError naming the first failing point and its values.
  void check_points() const;

 private:
  Experiment() = default;
  friend class ExperimentBuilder;

  std::string name_;
  std::string text_;
  std::filesystem::path scenario_path_;
  std::vector<std::string> scenario_overrides_;
  std::optional<Scenario> base_;
  std::vector<Dimension> dimensions_;
  Design design_;
  std::vector<ExperimentArm> arms_;
  std::vector<std::string> arm_names_;
  Replicate replicates_ = 1;
  Seed seed_ = 1;
  RandomNumbers random_numbers_ = RandomNumbers::common;
  Schedule schedule_ = Schedule::automatic;
  bool share_worlds_ = true;
  std::vector<std::string> outcomes_;
  std::vector<std::string> timeseries_;
  std::vector<Step> observed_weeks_;
  std::vector<std::pair<std::size_t, std::size_t>> contrasts_;
  std::uint32_t bootstrap_ = 1000;
  double confidence_ = 0.95;
  double max_output_mb_ = 1024.0;
  PowerSettings power_;
  std::filesystem::path output_;
  std::vector<patterns::Pattern> patterns_;
  std::string patterns_text_;
};

}  // namespace experiment
}  // namespace mentorsim
