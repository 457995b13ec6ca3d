#pragma once
// The validated, immutable description of one experiment, parsed once from TOML. The engine never
// reads TOML: it reads these typed structs. Every default is documented in docs/model.md with its
// source (docs/calibration.md or the review); the values actually used are in resolved_json().

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/types.hpp"
#include "mentorsim/scenario/dynamics_spec.hpp"
#include "mentorsim/scenario/program_spec.hpp"

namespace mentorsim {

struct BetaPrior {
  double mean = 0.5;
  double concentration = 10.0;  // a + b of the Beta distribution
};

struct RunSettings {
  Seed seed = 1;
  Step weeks = 104;
  Replicate replicates = 1;
  int threads = 0;  // 0 = all hardware threads
};

struct InstitutionSpec {
  std::string name;
  InstitutionKind kind = InstitutionKind::hospital;
  std::uint32_t size = 0;     // staff; 0 when the roster gives them
  std::uint32_t units = 1;    // wards, departments, schools, labs
  double hierarchy = 0.5;     // steepness h in [0, 1]
  double psych_safety = 0.5;  // initial mean psychological safety of its units
  std::array<double, kProfessions> profession_mix{};
  std::array<double, kStages> stage_mix{};
  double minority_share = 0.15;
  double joint_share = 0.0;  // share of staff with a joint appointment at another institution
};

// Personal traits at creation, by career stage (Beta means; one concentration for all).
struct TraitPriors {
  double confidence = 0.5;
  double openness = 0.6;
  double time_budget = 0.5;  // share of the nominal weekly mentoring hour the person can give
  double workload = 0.6;
  double satisfaction = 0.65;
};

struct PopulationSpec {
  std::vector<InstitutionSpec> institutions;
  std::optional<std::filesystem::path> roster;  // CSV roster instead of the synthesizer
  std::array<std::array<double, kDomains>, kStages> skill_means{};
  double skill_concentration = 20.0;
  std::array<TraitPriors, kStages> traits{};
  double trait_concentration = 10.0;
  [[nodiscard]] std::uint64_t total_size() const;
};

// How the weights of an edge list become tie strengths in (0, 1] (docs/roster.md).
enum class EdgeWeightScaling : std::uint8_t {
  as_is,         // weights are strengths already; a weight above 1 is an error
  scale_max,     // w / max w: contact counts or durations, proportionally
  log_scale_max  // ln(1 + w) / ln(1 + max w): heavy-tailed counts or durations, compressed
};
template <>
struct EnumTraits<EdgeWeightScaling> {
  static constexpr std::string_view type_name = "edge weight scaling";
  static constexpr auto names = std::to_array<std::string_view>({"as_is", "scale_max", "log_scale_max"});
};

// The submodels `dynamics.disabled` can switch off for an ablation, named as their weekly stages
// (docs/model.md 7.0). The program's calendar is not among them: `kind = "none"` switches a program off.
enum class Submodel : std::uint8_t {
  meetings,
  exchange,
  diffusion,
  relationships,
  confidence,
  ties,
  satisfaction,
  turnover,
  culture,
  informal,
  enthusiasm,  // issue 16 outcomes
  research     // issue 16 outcomes
};
template <>
struct EnumTraits<Submodel> {
  static constexpr std::string_view type_name = "submodel";
  static constexpr auto names =
      std::to_array<std::string_view>({"meetings", "exchange", "diffusion", "relationships", "confidence", "ties",
                                       "satisfaction", "turnover", "culture", "informal", "enthusiasm", "research"});
};

struct NetworkSpec {
  double mean_degree = 10.0;
  double within_unit = 0.7;                    // share of block-model ties made within the unit
  double same_profession = 10.0;               // odds of a same-profession colleague within each pool
  double cross_institution = 0.05;             // share of block-model ties made with another institution
  double joint_secondary_share = 0.4;          // share of a joint appointee's ties made at the second institution
  double clustering = 0.15;                    // target average local clustering coefficient
  double tie_decay = 0.01;                     // weekly relative decay of tie strength without interaction
  double initial_weight = 0.5;                 // mean initial tie strength in (0, 1]
  std::optional<std::filesystem::path> edges;  // CSV edge list instead of the generator (needs a roster)
  EdgeWeightScaling edge_weight = EdgeWeightScaling::as_is;  // how the edge list's weights are read
};

enum class BetweennessMode : std::uint8_t { off, exact, sampled, automatic };
template <>
struct EnumTraits<BetweennessMode> {
  static constexpr std::string_view type_name = "betweenness mode";
  static constexpr auto names = std::to_array<std::string_view>({"off", "exact", "sampled", "auto"});
};

struct OutputSpec {
  std::filesystem::path path = "results.h5";
  std::vector<std::string> agent_fields;  // subset of kAgentFields, in canonical order
  std::vector<Step> snapshot_weeks;       // extra per-agent snapshots, besides the final one
  Step observe_every = 4;                 // weeks between /timeseries observations
  bool all_replicates = false;            // per-agent and network output for every replicate, not only 0
  bool network = true;                    // write /network/final
  BetweennessMode betweenness = BetweennessMode::automatic;
  std::uint32_t betweenness_sources = 256;     // sampled sources when sampling
  std::uint32_t betweenness_exact_max = 2000;  // automatic: exact up to this many agents
  // automatic: sampled up to this many agents, left out above (with a warning)
  std::uint32_t betweenness_sampled_max = 200'000;
};

// The per-agent fields the output can hold, in the order they are written.
inline constexpr auto kAgentFields = std::to_array<std::string_view>(
    {"id", "external_id", "institution", "unit", "profession", "stage", "minority", "joint_institution", "years", "arm",
     "skills", "skills_initial", "confidence", "confidence_initial", "openness", "time_budget", "workload",
     "satisfaction", "satisfaction_initial", "intent_to_leave", "degree", "degree_initial", "strength",
     "cross_institution_ties", "strength_initial", "cross_institution_ties_initial", "effective_size", "constraint",
     "clustering", "betweenness", "manager", "hired", "left", "role", "eligible", "enrolled", "enrolled_week",
     "matched_week",
     // Issue 16 outcomes.
     "stage_initial", "promoted", "enthusiasm", "enthusiasm_initial", "leadership_from_mentoring", "papers",
     "new_directions"});

// Staff per institution (scenario order), profession and career stage.
using StaffCounts = std::vector<std::array<std::array<std::uint64_t, kStages>, kProfessions>>;

// What the staff mean for the arms: errors (an arm with no eligible mentor or mentee, located at the
// arm's key in the scenario) and warnings (fewer mentor places than mentees who will enrol).
struct EligibilityReport {
  std::vector<Diagnostic> errors;
  std::vector<std::string> warnings;
};

// The most worker threads, for run.threads and --threads alike.
inline constexpr int kMaxThreads = 1024;

// The largest scenario file read (a scenario is a few kilobytes; this only stops a wrong file).
inline constexpr std::uint64_t kMaxScenarioBytes = std::uint64_t{64} << 20;

class Scenario {
 public:
  // Reads and validates a scenario file; `overrides` are "a.b=value" strings (from --set).
  // Throws ScenarioError listing every problem; InputError if the path is not a regular file or a pipe,
  // cannot be opened, or holds more than kMaxScenarioBytes; IoError if reading it fails.
  static Scenario load(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});
  // The same from text; `name` is used in messages (and relative paths resolve against `base_dir`).
  static Scenario parse(std::string_view text, std::string name, const std::vector<std::string>& overrides = {},
                        const std::filesystem::path& base_dir = {});
  // For checks that go on past the scenario (validate also reads the roster): the problems are added to
  // `problems` instead of thrown, and the scenario is returned with the default of every key that had
  // a problem. Still throws when there is no scenario to return (unreadable file, TOML syntax error).
  static Scenario load(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                       std::vector<Diagnostic>& problems);

  [[nodiscard]] const RunSettings& run() const noexcept { return run_; }
  [[nodiscard]] const PopulationSpec& population() const noexcept { return population_; }
  [[nodiscard]] const NetworkSpec& network() const noexcept { return network_; }
  [[nodiscard]] const OutputSpec& output() const noexcept { return output_; }
  [[nodiscard]] const std::vector<ArmSpec>& arms() const noexcept { return arms_; }
  [[nodiscard]] const DynamicsSpec& dynamics() const noexcept { return dynamics_; }
  // The submodels switched off by dynamics.disabled (ablation), in the order given.
  [[nodiscard]] const std::vector<Submodel>& disabled_submodels() const noexcept { return disabled_submodels_; }
  [[nodiscard]] const RandomisationSpec& randomisation() const noexcept { return randomisation_; }
  // Warnings found while validating (possible, but probably not what was meant).
  [[nodiscard]] const std::vector<std::string>& warnings() const noexcept { return warnings_; }
  // True when some arm runs a program.
  [[nodiscard]] bool has_program() const;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& source_text() const noexcept { return source_text_; }
  [[nodiscard]] const std::vector<std::string>& overrides() const noexcept { return overrides_; }
  // Every parameter after defaults and overrides, as JSON (written to /meta/resolved_json), except
  // run.threads and output.path: they say where and how fast to run, not what, and do not change
  // results.
  [[nodiscard]] const std::string& resolved_json() const noexcept { return resolved_json_; }
  [[nodiscard]] bool wants_agent_field(std::string_view field) const;
  // Checks every program arm against the staff: for a synthesized population this is done when the
  // scenario is read; for a roster, call it with the roster's counts (world/roster.hpp count_staff).
  [[nodiscard]] EligibilityReport check_eligibility(const StaffCounts& staff, bool roster) const;

 private:
  // One arm as written (before a stepped wedge splits it into waves), with where to report problems.
  struct EligibilityRule {
    ArmSpec arm;
    std::string key_path;  // "program" or "arms[k]"
    SourceLocation mentor_at;
    SourceLocation mentee_at;
  };

  friend class ScenarioBuilder;
  Scenario() = default;

  std::string name_;
  std::string source_text_;
  std::vector<std::string> overrides_;
  std::string resolved_json_;
  RunSettings run_;
  PopulationSpec population_;
  NetworkSpec network_;
  OutputSpec output_;
  std::vector<ArmSpec> arms_;
  DynamicsSpec dynamics_;
  std::vector<Submodel> disabled_submodels_;
  RandomisationSpec randomisation_;
  std::vector<std::string> warnings_;
  std::vector<EligibilityRule> eligibility_;
};

// Built-in defaults by institution kind (docs/calibration.md; see docs/model.md).
InstitutionSpec default_institution(InstitutionKind kind);
// The default population when a scenario lists no institutions: the baseline trio.
std::vector<InstitutionSpec> default_institutions();

}  // namespace mentorsim
