#include "mentorsim/scenario/scenario.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "mentorsim/core/apportion.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/rng.hpp"
#include "mentorsim/core/toml_document.hpp"
#include "mentorsim/scenario/parameters.hpp"
#include "mentorsim/scenario/reader.hpp"

namespace mentorsim {

using scenario::kNonNegative;
using scenario::kPositive;
using scenario::kUnit;
using scenario::Range;
using scenario::ReadContext;
using scenario::Reader;

namespace {

constexpr Range kOpenUnit{0.0, 1.0, true, true};

// Skill priors (Beta means) by career stage x domain, in Domain order: clinical, digital, research,
// teaching, leadership, culture_wellbeing. Declared with their sources in src/scenario/parameters.cpp
// (a test checks that the two agree). The ordinal pattern is the review's (seniors high clinical,
// leadership, research; early-career high digital and culture/wellbeing); magnitudes are ours.
constexpr std::array<std::array<double, kDomains>, kStages> kSkillMeans = {{
    {0.20, 0.70, 0.15, 0.10, 0.10, 0.60},  // student
    {0.45, 0.70, 0.30, 0.30, 0.25, 0.65},  // early_career
    {0.65, 0.50, 0.45, 0.50, 0.45, 0.50},  // mid_career
    {0.80, 0.35, 0.60, 0.65, 0.70, 0.40},  // senior
}};

// Trait priors by stage: confidence, openness, time budget, workload, satisfaction.
constexpr std::array<TraitPriors, kStages> kTraits = {{
    {0.35, 0.70, 0.60, 0.50, 0.70},  // student
    {0.45, 0.65, 0.55, 0.60, 0.65},  // early_career
    {0.60, 0.60, 0.45, 0.65, 0.65},  // mid_career
    {0.75, 0.50, 0.35, 0.70, 0.65},  // senior
}};

// Every key of a program design except kind (and an arm's name and share).
constexpr auto kProgramDesignKeys = std::to_array<std::string_view>({"institutions",
                                                                     "professions",
                                                                     "mentor_stages",
                                                                     "mentee_stages",
                                                                     "uptake",
                                                                     "mentor_uptake",
                                                                     "strategy",
                                                                     "directory_visibility",
                                                                     "fallback_weeks",
                                                                     "rematch",
                                                                     "rematch_interval_weeks",
                                                                     "cross_institution",
                                                                     "cross_profession",
                                                                     "group_size",
                                                                     "mentor_capacity",
                                                                     "start_week",
                                                                     "duration_weeks",
                                                                     "cadence_weeks",
                                                                     "meeting_mode",
                                                                     "mentor_training",
                                                                     "mentee_preparation",
                                                                     "mentor_sponsorship",
                                                                     "sponsorship",
                                                                     "cascade_waves",
                                                                     "cascade_threshold",
                                                                     "cascade_depth",
                                                                     "mentors_per_mentee",
                                                                     "network_domains",
                                                                     "spot_rate",
                                                                     "spot_min_gap"});

constexpr std::array<std::string_view, 5> kTraitNames = {"confidence", "openness", "time_budget", "workload",
                                                         "satisfaction"};

double& trait_ref(TraitPriors& t, std::size_t i) {
  switch (i) {
    case 0:
      return t.confidence;
    case 1:
      return t.openness;
    case 2:
      return t.time_budget;
    case 3:
      return t.workload;
    default:
      return t.satisfaction;
  }
}

// A scenario is a regular file or a pipe (`mentorsim validate /dev/stdin`, process substitution), of
// at most kMaxScenarioBytes: anything else (a directory, a device such as /dev/zero) is refused before
// it is read, and every read is checked.
std::string read_text_file(const std::filesystem::path& file) {
  const auto fail = [&](const std::string& message) {
    return InputError(Diagnostic{SourceLocation{file.string(), 0, 0}, "", message});
  };
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    throw fail(error == ENOENT ? std::string("cannot open scenario file")
                               : "cannot open scenario file: " + std::generic_category().message(error));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw fail("cannot read scenario file: " + std::generic_category().message(errno));
  if (S_ISDIR(info.st_mode)) throw fail("is a directory, not a scenario file");
  if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode)) {
    throw fail("not a regular file or a pipe; a scenario must be a TOML file");
  }
  if (S_ISREG(info.st_mode) && static_cast<std::uint64_t>(info.st_size) > kMaxScenarioBytes) {
    throw fail("the file has " + std::to_string(info.st_size) + " bytes; a scenario file may have at most " +
               std::to_string(kMaxScenarioBytes) + " bytes (64 MiB)");
  }
  std::string text;
  std::array<char, 65536> buffer{};
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      if (error == EIO)
        throw IoError(file.string() + ": cannot read scenario file: " + std::generic_category().message(error));
      throw fail("cannot read scenario file: " + std::generic_category().message(error));
    }
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > kMaxScenarioBytes) {
      throw fail("more than " + std::to_string(kMaxScenarioBytes) + " bytes; a scenario file may have at most 64 MiB");
    }
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace

std::uint64_t PopulationSpec::total_size() const {
  std::uint64_t total = 0;
  for (const auto& inst : institutions) total += inst.size;
  return total;
}

InstitutionSpec default_institution(InstitutionKind kind) {
  InstitutionSpec spec;
  spec.kind = kind;
  // Profession order: medicine, nursing, physiotherapy, speech_pathology, pharmacy, dentistry,
  // education, research. Stage order: student, early_career, mid_career, senior.
  switch (kind) {
    case InstitutionKind::hospital:
      spec.name = "hospital";
      spec.size = 3000;
      spec.units = 100;
      spec.hierarchy = 0.7;
      spec.psych_safety = 0.45;
      // Nurses per physician about 2.1 (docs/calibration.md C21).
      spec.profession_mix = {0.24, 0.50, 0.06, 0.03, 0.05, 0.02, 0.03, 0.07};
      spec.stage_mix = {0.05, 0.35, 0.35, 0.25};
      spec.joint_share = 0.04;
      break;
    case InstitutionKind::university:
      spec.name = "university";
      spec.size = 800;
      spec.units = 20;
      spec.hierarchy = 0.5;
      spec.psych_safety = 0.55;
      spec.profession_mix = {0.15, 0.15, 0.05, 0.03, 0.04, 0.03, 0.30, 0.25};
      spec.stage_mix = {0.10, 0.30, 0.35, 0.25};
      spec.joint_share = 0.15;
      break;
    case InstitutionKind::research_institute:
      spec.name = "institute";
      spec.size = 300;
      spec.units = 15;
      spec.hierarchy = 0.4;
      spec.psych_safety = 0.6;
      spec.profession_mix = {0.12, 0.05, 0.02, 0.01, 0.05, 0.02, 0.03, 0.70};
      spec.stage_mix = {0.15, 0.35, 0.30, 0.20};
      spec.joint_share = 0.10;
      break;
  }
  spec.minority_share = 0.15;
  return spec;
}

std::vector<InstitutionSpec> default_institutions() {
  return {default_institution(InstitutionKind::hospital), default_institution(InstitutionKind::university),
          default_institution(InstitutionKind::research_institute)};
}

std::vector<CareerStage> default_mentor_stages(ProgramKind kind) {
  switch (kind) {
    case ProgramKind::reverse:
    case ProgramKind::reciprocal:
      return {CareerStage::early_career};
    case ProgramKind::traditional:
      return {CareerStage::mid_career, CareerStage::senior};
    case ProgramKind::group:
      return {CareerStage::senior};
    case ProgramKind::peer:
    case ProgramKind::spot:
      return {CareerStage::student, CareerStage::early_career, CareerStage::mid_career, CareerStage::senior};
    case ProgramKind::none:
      break;
  }
  return {};
}

std::vector<CareerStage> default_mentee_stages(ProgramKind kind) {
  switch (kind) {
    case ProgramKind::reverse:
    case ProgramKind::reciprocal:
      return {CareerStage::mid_career, CareerStage::senior};
    case ProgramKind::traditional:
    case ProgramKind::group:
      return {CareerStage::student, CareerStage::early_career};
    case ProgramKind::peer:
    case ProgramKind::spot:
      return {CareerStage::student, CareerStage::early_career, CareerStage::mid_career, CareerStage::senior};
    case ProgramKind::none:
      break;
  }
  return {};
}

bool Scenario::has_program() const {
  return std::any_of(arms_.begin(), arms_.end(), [](const ArmSpec& a) { return a.program.active(); });
}

EligibilityReport Scenario::check_eligibility(const StaffCounts& staff, bool roster) const {
  EligibilityReport report;
  const std::string where = roster ? " in the roster" : "";
  for (const EligibilityRule& rule : eligibility_) {
    const ProgramSpec& p = rule.arm.program;
    const std::string label = "arm \"" + rule.arm.name + "\"";
    std::uint64_t mentors = 0, mentees = 0;
    for (std::size_t i = 0; i < staff.size() && i < population_.institutions.size(); ++i) {
      if (!p.institutions.empty() && std::find(p.institutions.begin(), p.institutions.end(),
                                               population_.institutions[i].name) == p.institutions.end()) {
        continue;
      }
      for (std::size_t prof = 0; prof < kProfessions; ++prof) {
        if (!p.professions.empty() &&
            std::find(p.professions.begin(), p.professions.end(), enum_at<Profession>(prof)) == p.professions.end()) {
          continue;
        }
        for (CareerStage st : p.mentor_stages) mentors += staff[i][prof][index_of(st)];
        for (CareerStage st : p.mentee_stages) mentees += staff[i][prof][index_of(st)];
      }
    }
    if (mentors == 0) {
      report.errors.push_back(Diagnostic{rule.mentor_at, rule.key_path + ".mentor_stages",
                                         label + ": no staff" + where +
                                             " are eligible as mentors (check institutions, professions and "
                                             "mentor_stages)"});
    }
    if (mentees == 0) {
      report.errors.push_back(Diagnostic{rule.mentee_at, rule.key_path + ".mentee_stages",
                                         label + ": no staff" + where +
                                             " are eligible as mentees (check institutions, professions and "
                                             "mentee_stages)"});
    }
    // The arm's share of the staff (or of the units) is its share of each cell, on average.
    const double places = static_cast<double>(mentors) * rule.arm.share * p.mentor_uptake * p.mentor_capacity;
    // A network mentee needs mentors_per_mentee places; a spot program books its places week by week.
    const double seekers = static_cast<double>(mentees) * rule.arm.share * p.uptake * p.mentors_per_mentee;
    if (mentors > 0 && mentees > 0 && places < seekers && p.kind != ProgramKind::spot) {
      report.warnings.push_back(label + ": about " + std::to_string(static_cast<long long>(seekers)) +
                                " mentees will enrol for about " + std::to_string(static_cast<long long>(places)) +
                                " mentor places; the rest stay unmatched (no_capacity)");
    }
  }
  return report;
}

bool Scenario::wants_agent_field(std::string_view field) const {
  return std::find(output_.agent_fields.begin(), output_.agent_fields.end(), field) != output_.agent_fields.end();
}

class ScenarioBuilder {
 public:
  ScenarioBuilder(std::string name, std::filesystem::path base_dir) : context_(name), base_dir_(std::move(base_dir)) {
    scenario_.name_ = std::move(name);
  }

  Scenario build(std::string_view text, const std::vector<std::string>& overrides,
                 std::vector<Diagnostic>* problems = nullptr) {
    scenario_.source_text_ = std::string(text);
    scenario_.overrides_ = overrides;
    toml::table document = parse_toml_document<ScenarioError>(text, context_.file());
    apply_overrides(document, overrides);

    toml::table resolved;
    Reader root(context_, &document, "", resolved, SourceLocation{context_.file(), 1, 1});
    read_run(root.table("run"));
    read_population(root.table("population"));
    read_network(root.table("network"));
    read_output(root.table("output"));
    read_program(root);
    read_dynamics(root.table("dynamics"));
    root.finish();
    if (!context_.ok()) {
      if (problems == nullptr) throw ScenarioError(context_.take_errors());
      for (auto& d : context_.take_errors()) problems->push_back(std::move(d));
    }

    write_derived_sizes(resolved);
    // Where the results go and how many threads compute them do not change the results: they stay
    // out of the provenance so that runs differing only in those are bitwise identical.
    if (toml::table* run = resolved["run"].as_table()) run->erase("threads");
    if (toml::table* output = resolved["output"].as_table()) output->erase("path");
    std::ostringstream json;
    json << toml::json_formatter{resolved};
    scenario_.resolved_json_ = json.str();
    return std::move(scenario_);
  }

 private:
  void apply_overrides(toml::table& document, const std::vector<std::string>& overrides) {
    for (const auto& text : overrides) {
      const std::string where = "--set " + text;
      const auto eq = text.find('=');
      if (eq == std::string::npos || eq == 0) {
        context_.error(SourceLocation{where, 0, 0}, "", "expected key=value, e.g. --set run.seed=7");
        continue;
      }
      const std::string key = text.substr(0, eq);
      const std::string value = text.substr(eq + 1);
      if (value.find_first_of("\n\r") != std::string::npos) {
        context_.error(SourceLocation{where, 0, 0}, key, "the value must be on one line (it holds a line break)");
        continue;
      }
      std::vector<std::string> parts;
      for (std::size_t begin = 0;;) {
        const auto dot = key.find('.', begin);
        parts.push_back(key.substr(begin, dot - begin));
        if (dot == std::string::npos) break;
        begin = dot + 1;
      }
      if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
        context_.error(SourceLocation{where, 0, 0}, key, "empty key component");
        continue;
      }
      // The value is TOML (7, 0.5, true, "x", [1, 2]); a bare word is taken as a string.
      toml::table snippet;
      try {
        snippet = toml::parse("value = " + value, where);
      } catch (const toml::parse_error&) {
        snippet = toml::table{};
      }
      if (snippet.size() != 1 || !snippet.contains("value")) {
        snippet = toml::table{};
        snippet.insert_or_assign("value", value);
      }
      toml::node* cursor = &document;
      bool ok = true;
      for (std::size_t i = 0; i + 1 < parts.size() && ok; ++i) {
        if (toml::table* table = cursor->as_table()) {
          if (!table->contains(parts[i])) table->insert_or_assign(parts[i], toml::table{});
          cursor = table->get(parts[i]);
        } else if (toml::array* array = cursor->as_array()) {
          char* end = nullptr;
          const unsigned long index = std::strtoul(parts[i].c_str(), &end, 10);
          if (*end != '\0' || index >= array->size()) {
            context_.error(SourceLocation{where, 0, 0}, key,
                           "\"" + parts[i] + "\" is not an index of this array (it has " +
                               std::to_string(array->size()) + " elements)");
            ok = false;
          } else {
            cursor = array->get(index);
          }
        } else {
          context_.error(SourceLocation{where, 0, 0}, key, "\"" + parts[i] + "\" is a value, not a table");
          ok = false;
        }
      }
      if (!ok) continue;
      toml::table* target = cursor->as_table();
      if (target == nullptr) {
        context_.error(SourceLocation{where, 0, 0}, key, "cannot set a key inside a value that is not a table");
        continue;
      }
      target->insert_or_assign(parts.back(), *snippet.get("value"));
      context_.mark_override(key_for_location(parts), where);
    }
  }

  // Overrides name array elements as "a.0.b"; readers name them "a[0].b".
  static std::string key_for_location(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
      if (!p.empty() && std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        out += "[" + p + "]";
      } else {
        if (!out.empty()) out += '.';
        out += p;
      }
    }
    return out;
  }

  void read_run(Reader r) {
    RunSettings& run = scenario_.run_;
    run.seed = static_cast<Seed>(r.integer("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
    run.weeks = static_cast<Step>(r.integer("weeks", 104, 0, 52 * 100));
    run.replicates = static_cast<Replicate>(r.integer("replicates", 1, 1, kMaxReplicates - 1));
    run.threads = static_cast<int>(r.integer("threads", 0, 0, kMaxThreads));
    r.finish();
  }

  std::filesystem::path input_path(Reader& r, std::string_view key, const std::string& value) {
    std::filesystem::path path(value);
    if (path.is_relative()) {
      // Paths written in the file are relative to the file; paths given with --set to the shell.
      const bool from_command_line = r.location_of(key).file.starts_with("--set ");
      if (!from_command_line && !base_dir_.empty()) path = base_dir_ / path;
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      r.error(key, "file \"" + path.string() + "\" does not exist or is not a regular file");
    }
    return path;
  }

  InstitutionSpec read_institution(Reader& r, const InstitutionSpec* implicit, bool roster,
                                   std::size_t institution_index, double minority_default) {
    InstitutionSpec spec;
    if (implicit != nullptr) {
      spec = *implicit;
      spec.name = r.string("name", implicit->name);
      spec.kind = r.enumeration<InstitutionKind>("kind", implicit->kind);
    } else {
      if (!r.has("name")) r.error_here("missing required key \"name\"");
      if (!r.has("kind")) r.error_here("missing required key \"kind\" (hospital, university or research_institute)");
      const std::string name = r.string("name", "");
      spec = default_institution(r.enumeration<InstitutionKind>("kind", InstitutionKind::hospital));
      spec.name = name;
    }
    if (roster) {
      if (r.has("size")) r.error("size", "cannot be given with population.roster: the roster fixes the staff");
      if (r.has("units")) r.error("units", "cannot be given with population.roster: the roster names the units");
      r.allow("size");
      r.allow("units");
      spec.size = 0;
      spec.units = 0;
    } else {
      spec.size = static_cast<std::uint32_t>(r.integer("size", spec.size, 1, 200'000'000));
      spec.units = static_cast<std::uint32_t>(r.integer("units", spec.units, 1, 10'000'000));
      if (spec.units > spec.size) {
        r.error("units", "an institution of " + std::to_string(spec.size) + " staff cannot have " +
                             std::to_string(spec.units) + " units");
      }
    }
    spec.hierarchy = r.number("hierarchy", spec.hierarchy, kUnit);
    spec.psych_safety = r.number("psych_safety", spec.psych_safety, kUnit);
    spec.profession_mix = r.shares<Profession>("professions", spec.profession_mix);
    spec.stage_mix = r.shares<CareerStage>("stages", spec.stage_mix);
    spec.minority_share = r.number("minority_share", minority_default, kUnit);
    if (!r.has("joint_share")) implicit_joint_share_.push_back(institution_index);
    spec.joint_share = r.number("joint_share", spec.joint_share, kUnit);
    const double non_students = 1.0 - spec.stage_mix[index_of(CareerStage::student)];
    if (spec.joint_share > non_students + 1e-9) {
      r.error("joint_share", "only non-students hold joint appointments: at most " + std::to_string(non_students) +
                                 " of this institution's staff, got " + std::to_string(spec.joint_share));
    }
    r.finish();
    return spec;
  }

  void read_population(Reader p) {
    PopulationSpec& pop = scenario_.population_;
    const auto size = p.optional_integer("size", 1, 200'000'000);
    if (auto roster = p.optional_string("roster")) pop.roster = input_path(p, "roster", *roster);
    if (pop.roster && size) {
      p.error("size", "cannot be combined with population.roster: the roster fixes the staff");
    }
    const double minority_default = p.number("minority_share", 0.15, kUnit);

    if (auto tables = p.tables("institutions")) {
      if (tables->empty()) p.error("institutions", "at least one institution is needed");
      for (auto& r : *tables) {
        pop.institutions.push_back(
            read_institution(r, nullptr, pop.roster.has_value(), pop.institutions.size(), minority_default));
      }
    } else {
      // No institutions listed: the baseline trio, recorded in resolved_json like any other value.
      toml::table implicit_doc;
      toml::array list;
      for (std::size_t i = 0; i < 3; ++i) list.push_back(toml::table{});
      implicit_doc.insert_or_assign("institutions", std::move(list));
      Reader holder(context_, &implicit_doc, p.path(), resolved_population_dummy_, p.location());
      auto readers = holder.tables("institutions");
      const auto defaults = default_institutions();
      std::vector<InstitutionSpec> specs;
      for (std::size_t i = 0; i < defaults.size(); ++i) {
        specs.push_back(read_institution((*readers)[i], &defaults[i], pop.roster.has_value(), i, minority_default));
      }
      pop.institutions = std::move(specs);
      p.allow("institutions");
      implicit_institutions_ = true;
    }

    std::set<std::string> names;
    for (std::size_t i = 0; i < pop.institutions.size(); ++i) {
      const auto& name = pop.institutions[i].name;
      if (name.empty()) continue;  // already reported as missing
      if (!names.insert(name).second) {
        p.error("institutions", "institution name \"" + name + "\" is used twice");
      }
    }
    // The kind's default joint share only applies when there is another institution to share staff with.
    if (pop.institutions.size() < 2) {
      for (std::size_t i : implicit_joint_share_) pop.institutions[i].joint_share = 0.0;
    }
    for (const auto& inst : pop.institutions) {
      if (inst.joint_share > 0.0 && pop.institutions.size() < 2) {
        p.error("institutions", "institution \"" + inst.name +
                                    "\" has joint_share > 0 but there is no other institution to share staff with");
      }
    }
    if (pop.institutions.size() > 1000) p.error("institutions", "at most 1000 institutions are supported");

    // population.size scales institution sizes, and their unit counts, in proportion.
    if (size && !pop.institutions.empty() && context_.ok()) {
      std::vector<double> weights;
      for (const auto& inst : pop.institutions) weights.push_back(static_cast<double>(inst.size));
      const auto scaled = apportion(static_cast<std::uint64_t>(*size), weights);
      for (std::size_t i = 0; i < pop.institutions.size(); ++i) {
        auto& inst = pop.institutions[i];
        if (scaled[i] == 0) {
          p.error("size", "population.size " + std::to_string(*size) + " is too small: institution \"" + inst.name +
                              "\" would have no staff");
          continue;
        }
        const double ratio = static_cast<double>(scaled[i]) / static_cast<double>(inst.size);
        inst.units = static_cast<std::uint32_t>(
            std::clamp<double>(std::round(inst.units * ratio), 1.0, static_cast<double>(scaled[i])));
        inst.size = static_cast<std::uint32_t>(scaled[i]);
      }
    }

    Reader skills = p.table("skills");
    pop.skill_concentration = skills.number("concentration", 20.0, Range{0.0, 1e6, true, false});
    for (std::size_t s = 0; s < kStages; ++s) {
      Reader stage = skills.table(to_string(enum_at<CareerStage>(s)));
      for (std::size_t d = 0; d < kDomains; ++d) {
        pop.skill_means[s][d] = stage.number(to_string(enum_at<Domain>(d)), kSkillMeans[s][d], kOpenUnit);
      }
      stage.finish();
    }
    skills.finish();

    Reader traits = p.table("traits");
    pop.trait_concentration = traits.number("concentration", 10.0, Range{0.0, 1e6, true, false});
    for (std::size_t s = 0; s < kStages; ++s) {
      Reader stage = traits.table(to_string(enum_at<CareerStage>(s)));
      TraitPriors priors = kTraits[s];
      for (std::size_t t = 0; t < kTraitNames.size(); ++t) {
        trait_ref(priors, t) = stage.number(kTraitNames[t], trait_ref(priors, t), kOpenUnit);
      }
      pop.traits[s] = priors;
      stage.finish();
    }
    traits.finish();
    p.finish();
  }

  void read_network(Reader r) {
    NetworkSpec& net = scenario_.network_;
    net.mean_degree = r.number("mean_degree", net.mean_degree, Range{0.0, 500.0, true, false});
    net.within_unit = r.number("within_unit", net.within_unit, kUnit);
    net.same_profession = r.number("same_profession", net.same_profession, Range{0.0, 1e6, true, false});
    net.cross_institution = r.number("cross_institution", net.cross_institution, kUnit);
    if (net.within_unit + net.cross_institution > 1.0 + 1e-12) {
      r.error("cross_institution", "within_unit + cross_institution must not exceed 1 (they are shares of ties), got " +
                                       std::to_string(net.within_unit + net.cross_institution));
    }
    net.joint_secondary_share = r.number("joint_secondary_share", net.joint_secondary_share, kUnit);
    net.clustering = r.number("clustering", net.clustering, Range{0.0, 0.5});
    net.tie_decay = r.number("tie_decay", net.tie_decay, Range{0.0, 1.0, false, true});
    net.initial_weight = r.number("initial_weight", net.initial_weight, Range{0.0, 1.0, true, false});
    if (auto edges = r.optional_string("edges")) {
      net.edges = input_path(r, "edges", *edges);
      if (!scenario_.population_.roster) {
        r.error("edges", "an edge list needs population.roster: its ids are roster ids");
      }
    }
    // Read (and recorded in resolved_json) only with an edge list: it means nothing without one.
    if (net.edges) {
      net.edge_weight = r.enumeration<EdgeWeightScaling>("edge_weight", net.edge_weight);
    } else if (r.has("edge_weight")) {
      r.error("edge_weight", "applies to an edge list only (network.edges)");
      r.allow("edge_weight");
    } else {
      r.allow("edge_weight");
    }
    r.finish();
  }

  void read_output(Reader r) {
    OutputSpec& out = scenario_.output_;
    out.path = r.string("path", out.path.string());
    if (out.path.empty()) r.error("path", "must not be empty");
    std::vector<std::string> all(kAgentFields.begin(), kAgentFields.end());
    auto fields = r.strings("agent_fields", all, all);
    // Canonical order, whatever order the user wrote.
    for (const auto& f : all) {
      if (std::find(fields.begin(), fields.end(), f) != fields.end()) out.agent_fields.push_back(f);
    }
    // A run shortened with --set run.weeks drops the file's later snapshot weeks, with a warning; in a
    // file (or when the weeks come from --set too) a week after the end is an error.
    const Step weeks_total = scenario_.run_.weeks;
    const bool shortened = context_.overridden("run.weeks") && !context_.overridden(r.key_path("snapshot_weeks"));
    auto weeks = r.integers("snapshot_weeks", {}, 0, shortened ? 52 * 100 : weeks_total);
    if (shortened) {
      std::vector<std::int64_t> kept;
      std::string dropped;
      for (auto w : weeks) {
        if (w <= weeks_total) {
          kept.push_back(w);
        } else {
          dropped += (dropped.empty() ? "" : ", ") + std::to_string(w);
        }
      }
      if (!dropped.empty()) {
        scenario_.warnings_.push_back("output.snapshot_weeks: week(s) " + dropped + " come after the end of the run (" +
                                      "run.weeks = " + std::to_string(weeks_total) + " from --set) and are left out");
        weeks = std::move(kept);
        r.record_integers("snapshot_weeks", weeks);
      }
    }
    std::set<std::int64_t> unique(weeks.begin(), weeks.end());
    if (unique.size() != weeks.size()) r.error("snapshot_weeks", "a week is listed twice");
    for (auto w : unique) out.snapshot_weeks.push_back(static_cast<Step>(w));
    out.observe_every = static_cast<Step>(r.integer("observe_every", out.observe_every, 1, 5200));
    out.all_replicates = r.boolean("all_replicates", out.all_replicates);
    out.network = r.boolean("network", out.network);
    out.betweenness = r.enumeration<BetweennessMode>("betweenness", out.betweenness);
    out.betweenness_sources =
        static_cast<std::uint32_t>(r.integer("betweenness_sources", out.betweenness_sources, 1, 1'000'000));
    out.betweenness_exact_max =
        static_cast<std::uint32_t>(r.integer("betweenness_exact_max", out.betweenness_exact_max, 0, 1'000'000));
    out.betweenness_sampled_max =
        static_cast<std::uint32_t>(r.integer("betweenness_sampled_max", out.betweenness_sampled_max, 0, 200'000'000));
    r.finish();
  }

  // The program design of one arm. `name` is the arm's name; the caller reads share where it applies.
  ProgramSpec read_program_spec(Reader& r) {
    ProgramSpec p;
    p.kind = r.enumeration<ProgramKind>("kind", p.kind);
    std::vector<std::string> names;
    for (const auto& inst : scenario_.population_.institutions) names.push_back(inst.name);
    p.institutions = r.strings("institutions", {}, names);
    p.professions = r.enumerations<Profession>("professions", {});
    p.mentor_stages = r.enumerations<CareerStage>("mentor_stages", default_mentor_stages(p.kind));
    p.mentee_stages = r.enumerations<CareerStage>("mentee_stages", default_mentee_stages(p.kind));
    p.uptake = r.number("uptake", p.uptake, kUnit);
    p.mentor_uptake = r.number("mentor_uptake", p.uptake, kUnit);
    p.strategy = r.enumeration<PairingStrategy>("strategy", p.strategy);
    p.directory_visibility = r.number("directory_visibility", p.directory_visibility, kUnit);
    p.fallback_weeks = static_cast<Step>(r.integer("fallback_weeks", p.fallback_weeks, 1, 520));
    p.rematch = r.boolean("rematch", p.rematch);
    p.rematch_interval_weeks = static_cast<Step>(r.integer("rematch_interval_weeks", p.rematch_interval_weeks, 1, 520));
    p.cross_institution = r.enumeration<ConstraintLevel>("cross_institution", p.cross_institution);
    p.cross_profession = r.enumeration<ConstraintLevel>("cross_profession", p.cross_profession);
    p.group_size = static_cast<std::uint32_t>(r.integer("group_size", p.group_size, 2, 50));
    const std::int64_t capacity_default = p.kind == ProgramKind::group ? p.group_size : 1;
    p.mentor_capacity = static_cast<std::uint32_t>(r.integer("mentor_capacity", capacity_default, 1, 50));
    p.start_week = static_cast<Step>(r.integer("start_week", p.start_week, 0, 5200));
    p.duration_weeks = static_cast<Step>(r.integer("duration_weeks", p.duration_weeks, 1, 5200));
    // A spot consultation is one meeting in the week it is asked for (docs/model.md 7.21).
    const Step cadence_default = p.kind == ProgramKind::spot ? 1 : p.cadence_weeks;
    p.cadence_weeks = static_cast<Step>(r.integer("cadence_weeks", cadence_default, 1, 520));
    p.meeting_mode = r.enumeration<MeetingMode>("meeting_mode", p.meeting_mode);
    p.mentor_training = r.boolean("mentor_training", p.mentor_training);
    p.mentee_preparation = r.boolean("mentee_preparation", p.mentee_preparation);
    p.mentor_sponsorship = r.boolean("mentor_sponsorship", p.mentor_sponsorship);
    p.sponsorship = r.number("sponsorship", p.sponsorship, kUnit);
    p.cascade_waves = static_cast<std::uint32_t>(r.integer("cascade_waves", p.cascade_waves, 1, kMaxCascadeWaves));
    p.cascade_threshold = r.number("cascade_threshold", p.cascade_threshold, kUnit);
    p.cascade_depth =
        static_cast<std::uint32_t>(r.integer("cascade_depth", p.cascade_waves - 1, 0, kMaxCascadeWaves - 1));
    p.mentors_per_mentee =
        static_cast<std::uint32_t>(r.integer("mentors_per_mentee", p.mentors_per_mentee, 1, kMaxNetworkMentors));
    read_network_domains(r, p);
    p.spot_rate = r.number("spot_rate", p.spot_rate, kUnit);
    p.spot_min_gap = r.number("spot_min_gap", p.spot_min_gap, kUnit);
    if (!p.active()) {
      // Design keys on an arm without a program would be silently ignored: refuse them, as group_size
      // is refused on an arm that is not group mentoring.
      for (std::string_view key : kProgramDesignKeys) {
        if (r.has(key)) {
          r.error(key, "has no effect: this arm runs no program (kind = \"none\"" +
                           std::string(r.has("kind") ? ")" : ", the default)") + "; remove the key or set kind");
        }
      }
    }
    if (p.active()) {
      if (p.mentor_stages.empty()) r.error("mentor_stages", "a program needs at least one mentor stage");
      if (p.mentee_stages.empty()) r.error("mentee_stages", "a program needs at least one mentee stage");
      if (p.kind == ProgramKind::group && p.mentor_capacity != p.group_size && r.has("mentor_capacity")) {
        r.error("mentor_capacity",
                "group mentoring gives each mentor one circle of group_size mentees; "
                "set group_size instead");
      }
      if (p.kind == ProgramKind::peer && r.has("mentor_uptake")) {
        r.error("mentor_uptake",
                "peer mentoring enrols by uptake alone (half of the enrolled peers take the mentor role, half "
                "the mentee role); remove mentor_uptake");
      }
      if (p.kind != ProgramKind::group && r.has("group_size")) {
        r.error("group_size", "group_size applies to group mentoring only (kind = \"group\")");
      }
      if (p.start_week >= scenario_.run_.weeks && scenario_.run_.weeks > 0) {
        r.error("start_week", "the program starts at week " + std::to_string(p.start_week) +
                                  ", after the run ends (run.weeks = " + std::to_string(scenario_.run_.weeks) + ")");
      }
      if (p.strategy == PairingStrategy::hybrid && p.fallback_weeks >= p.duration_weeks) {
        r.error("fallback_weeks",
                "the assigned fallback after " + std::to_string(p.fallback_weeks) +
                    " weeks comes after the program ends (duration_weeks = " + std::to_string(p.duration_weeks) + ")");
      }
      if (p.cadence_weeks > p.duration_weeks) {
        r.error("cadence_weeks", "meetings every " + std::to_string(p.cadence_weeks) + " weeks do not fit in " +
                                     std::to_string(p.duration_weeks) + " weeks of program");
      }
      check_cascade(r, p);
      check_network(r, p);
      check_spot(r, p);
    }
    return p;
  }

  // network_domains: one "domain+domain" string per network mentor (docs/model.md 7.20). Default: the
  // domains the kind's mentors teach, in Domain order, dealt into mentors_per_mentee consecutive blocks
  // as even as possible. Sets p.network_domains only for a network (mentors_per_mentee > 1).
  void read_network_domains(Reader& r, ProgramSpec& p) {
    const std::uint8_t taught = mentor_domain_mask(p.kind);
    std::vector<Domain> domains;
    for (std::size_t d = 0; d < kDomains; ++d) {
      if (taught & (1u << d)) domains.push_back(enum_at<Domain>(d));
    }
    std::vector<std::string> fallback;
    const std::size_t m = p.mentors_per_mentee;
    if (m <= domains.size()) {
      for (std::size_t j = 0; j < m; ++j) {
        std::string set;
        for (std::size_t k = j * domains.size() / m; k < (j + 1) * domains.size() / m; ++k) {
          if (!set.empty()) set += '+';
          set += to_string(domains[k]);
        }
        fallback.push_back(set);
      }
    }
    const std::vector<std::string> sets = r.strings("network_domains", fallback, {});
    if (!p.network()) return;
    std::uint8_t seen = 0;
    for (const std::string& text : sets) {
      std::uint8_t mask = 0;
      for (std::size_t begin = 0; begin <= text.size();) {
        const std::size_t plus = std::min(text.find('+', begin), text.size());
        const std::string name = text.substr(begin, plus - begin);
        begin = plus + 1;
        const auto domain = parse<Domain>(name);
        if (!domain) {
          r.error("network_domains", "unknown skill domain \"" + name + "\" in \"" + text + "\" (" +
                                         allowed_names<Domain>() + ", joined by +)");
          continue;
        }
        const auto bit = static_cast<std::uint8_t>(1u << index_of(*domain));
        if (!(taught & bit)) {
          r.error("network_domains", "\"" + name + "\" is not a domain a " + std::string(to_string(p.kind)) +
                                         " mentor teaches (" + domain_list(taught) + ")");
        } else if (seen & bit) {
          r.error("network_domains",
                  "\"" + name + "\" is in two domain sets: each network mentor teaches domains of its own");
        }
        mask |= bit;
        seen |= bit;
      }
      p.network_domains.push_back(mask);
    }
    if (sets.size() != m && m <= domains.size()) {
      r.error("network_domains", "gives " + std::to_string(sets.size()) + " domain sets for " + std::to_string(m) +
                                     " mentors per mentee (one set each)");
    }
  }

  static std::string domain_list(std::uint8_t mask) {
    std::string out;
    for (std::size_t d = 0; d < kDomains; ++d) {
      if (!(mask & (1u << d))) continue;
      if (!out.empty()) out += ", ";
      out += to_string(enum_at<Domain>(d));
    }
    return out;
  }

  // The network keys of an active program (docs/model.md 7.20).
  void check_network(Reader& r, const ProgramSpec& p) {
    if (!p.network()) {
      if (r.has("network_domains")) {
        r.error("network_domains", "applies to network mentoring only (mentors_per_mentee > 1)");
      }
      return;
    }
    const std::uint8_t taught = mentor_domain_mask(p.kind);
    const std::size_t domains = static_cast<std::size_t>(std::popcount(taught));
    if (p.kind == ProgramKind::group || p.kind == ProgramKind::peer || p.kind == ProgramKind::spot) {
      r.error("mentors_per_mentee", "network mentoring gives a mentee one-to-one mentors by domain; " +
                                        std::string(to_string(p.kind)) +
                                        " programs cannot have several mentors per mentee");
    } else if (p.mentors_per_mentee > domains) {
      r.error("mentors_per_mentee", std::string(to_string(p.kind)) + " mentors teach " + std::to_string(domains) +
                                        " domains (" + domain_list(taught) + "): at most " + std::to_string(domains) +
                                        " mentors per mentee, got " + std::to_string(p.mentors_per_mentee));
    }
  }

  // The spot keys of an active program, and the keys a spot program has no use for (docs/model.md 7.21).
  void check_spot(Reader& r, const ProgramSpec& p) {
    if (p.kind != ProgramKind::spot) {
      for (std::string_view key : {"spot_rate", "spot_min_gap"}) {
        if (r.has(key)) r.error(key, "applies to spot mentoring only (kind = \"spot\")");
      }
      return;
    }
    const auto refuse = [&](std::string_view key, const std::string& why) {
      if (r.has(key)) r.error(key, "has no effect in spot mentoring: " + why);
    };
    refuse("strategy", "each seeker asks the expert it finds, no pairing strategy forms the consultations");
    refuse("cadence_weeks", "a consultation is one meeting in the week it is asked for");
    refuse("rematch", "a consultation is not re-matched");
    refuse("fallback_weeks", "there is no hybrid fallback");
  }

  // The cascade keys of an active program (docs/model.md 7.19).
  void check_cascade(Reader& r, const ProgramSpec& p) {
    if (!p.cascading()) {
      for (std::string_view key : {"cascade_threshold", "cascade_depth"}) {
        if (r.has(key)) r.error(key, "applies to cascading programs only (cascade_waves > 1)");
      }
      return;
    }
    if (p.kind == ProgramKind::peer) {
      r.error("cascade_waves",
              "a peer program cannot cascade: peers teach each other, so there is no mentor role to graduate to");
    } else if (p.kind == ProgramKind::spot) {
      r.error("cascade_waves", "a spot program cannot cascade: a one-off consultation has no wave to graduate from");
    }
    if (p.cascade_depth > p.cascade_waves - 1) {
      r.error("cascade_depth", "a cascade of " + std::to_string(p.cascade_waves) + " waves has at most " +
                                   std::to_string(p.cascade_waves - 1) + " generations of graduate mentors, got " +
                                   std::to_string(p.cascade_depth));
    }
    const Step last_wave = p.start_week + static_cast<Step>(p.cascade_waves - 1) * p.duration_weeks;
    if (scenario_.run_.weeks > 0 && last_wave >= scenario_.run_.weeks) {
      r.error("cascade_waves", "the last of " + std::to_string(p.cascade_waves) + " waves of " +
                                   std::to_string(p.duration_weeks) + " weeks starts at week " +
                                   std::to_string(last_wave) +
                                   ", after the run ends (run.weeks = " + std::to_string(scenario_.run_.weeks) + ")");
    }
  }

  // Staff of each institution x profession x stage the synthesizer will create, for the static checks
  // of eligibility; nullopt for a roster (unknown until it is read: see Scenario::check_eligibility).
  std::optional<StaffCounts> synthesized_staff() const {
    const PopulationSpec& pop = scenario_.population_;
    if (pop.roster) return std::nullopt;
    StaffCounts staff(pop.institutions.size());
    for (std::size_t i = 0; i < pop.institutions.size(); ++i) {
      const auto& inst = pop.institutions[i];
      const auto per_profession = apportion(inst.size, inst.profession_mix);
      for (std::size_t prof = 0; prof < kProfessions; ++prof) {
        const auto per_stage = apportion(per_profession[prof], inst.stage_mix);
        for (std::size_t st = 0; st < kStages; ++st) staff[i][prof][st] = per_stage[st];
      }
    }
    return staff;
  }

  void check_arm(Reader& r, const ArmSpec& arm) {
    const ProgramSpec& p = arm.program;
    if (!p.active()) return;
    const std::string label = "arm \"" + arm.name + "\"";
    scenario_.eligibility_.push_back(
        Scenario::EligibilityRule{arm, r.path(), r.location_of("mentor_stages"), r.location_of("mentee_stages")});
    const std::size_t institutions =
        p.institutions.empty() ? scenario_.population_.institutions.size() : p.institutions.size();
    if (p.cross_institution == ConstraintLevel::required && institutions < 2) {
      r.error("cross_institution", label +
                                       ": a mentor from another institution is required, but only one "
                                       "institution takes part");
    }
    const std::size_t profession_count = p.professions.empty() ? kProfessions : p.professions.size();
    if (p.cross_profession == ConstraintLevel::required && profession_count < 2) {
      r.error("cross_profession", label +
                                      ": a mentor from another profession is required, but only one "
                                      "profession takes part");
    }
  }

  // Eligibility of every arm against the synthesized staff, once all arms are read.
  void check_synthesized_eligibility() {
    const auto staff = synthesized_staff();
    if (!staff) return;
    EligibilityReport report = scenario_.check_eligibility(*staff, false);
    for (auto& e : report.errors) context_.error(std::move(e.where), std::move(e.key), std::move(e.message));
    for (auto& w : report.warnings) scenario_.warnings_.push_back(std::move(w));
  }

  void read_program(Reader& root) {
    if (root.has("program") && root.has("arms")) {
      root.error("program",
                 "give either [program] (one design) or [[arms]] (several), not both; to change one arm from the "
                 "command line, use --set arms.<index>.<key>=<value> (the first arm is 0)");
    }
    std::vector<ArmSpec> arms;
    if (auto tables = root.tables("arms")) {
      root.allow("program");  // reported above when given too
      if (tables->empty()) root.error("arms", "at least one arm is needed");
      const bool any_share =
          std::any_of(tables->begin(), tables->end(), [](const Reader& t) { return t.has("share"); });
      double total = 0.0;
      std::set<std::string> names;
      for (auto& r : *tables) {
        ArmSpec arm;
        if (!r.has("name")) r.error_here("missing required key \"name\"");
        arm.name = r.string("name", "arm" + std::to_string(arms.size()));
        if (!names.insert(arm.name).second) r.error("name", "arm name \"" + arm.name + "\" is used twice");
        if (any_share && !r.has("share")) r.error_here("missing key \"share\" (give every arm a share, or none)");
        arm.share = r.number("share", 1.0 / static_cast<double>(tables->size()), kUnit);
        total += arm.share;
        arm.program = read_program_spec(r);
        r.finish();
        arms.push_back(std::move(arm));
      }
      if (!tables->empty() && std::fabs(total - 1.0) > 1e-6) {
        root.error("arms", "arm shares must sum to 1, got " + std::to_string(total));
      }
      for (std::size_t k = 0; k < arms.size(); ++k) check_arm((*tables)[k], arms[k]);
    } else {
      Reader r = root.table("program");
      ArmSpec arm;
      arm.program = read_program_spec(r);
      arm.name = r.string("name", arm.program.active() ? "program" : "control");
      r.finish();
      check_arm(r, arm);
      arms.push_back(std::move(arm));
      root.allow("arms");
    }

    Reader z = root.table("randomisation");
    RandomisationSpec& rz = scenario_.randomisation_;
    rz.method = z.enumeration<RandomisationMethod>("method", rz.method);
    rz.waves = static_cast<std::uint32_t>(z.integer("waves", 0, 0, 100));
    rz.wave_interval_weeks = static_cast<Step>(z.integer("wave_interval_weeks", rz.wave_interval_weeks, 1, 520));
    if (rz.waves > 0) {
      if (z.has("method") && rz.method != RandomisationMethod::cluster) {
        z.error("method", "a stepped wedge randomises units to waves: method must be \"cluster\"");
      }
      rz.method = RandomisationMethod::cluster;
      if (arms.size() != 1 || !arms.front().program.active()) {
        z.error("waves", "a stepped wedge needs exactly one arm, with a program; its units are randomised to waves");
      } else {
        const ArmSpec base = arms.front();
        arms.clear();
        for (std::uint32_t k = 0; k < rz.waves; ++k) {
          ArmSpec wave = base;
          wave.name = base.name + "_wave" + std::to_string(k + 1);
          wave.share = 1.0 / rz.waves;
          wave.program.start_week = base.program.start_week + static_cast<Step>(k) * rz.wave_interval_weeks;
          if (wave.program.start_week >= scenario_.run_.weeks) {
            z.error("waves", "wave " + std::to_string(k + 1) + " would start at week " +
                                 std::to_string(wave.program.start_week) +
                                 ", after the run ends (run.weeks = " + std::to_string(scenario_.run_.weeks) + ")");
            break;
          }
          arms.push_back(std::move(wave));
        }
      }
    }
    z.finish();
    scenario_.arms_ = std::move(arms);
    check_synthesized_eligibility();
  }

  // Every [dynamics.*] key, range and check is declared in src/scenario/parameters.cpp.
  void read_dynamics(Reader d) {
    scenario_.disabled_submodels_ = d.enumerations<Submodel>("disabled", {});
    scenario::read_dynamics_parameters(d, scenario_.dynamics_);
    check_hire_mix(d);
    d.finish();
  }

  // Promotions and leaving must leave room for hires at every stage: a negative share of the hire mix
  // that keeps an institution's stage mix stationary means no hiring can (the stage empties into the
  // next faster than it leaves). A roster's stage mix is known only at run time (the turnover stage
  // hires no one into such a stage and says so).
  void check_hire_mix(Reader& d) {
    if (scenario_.population_.roster) return;
    const TurnoverParams& turnover = scenario_.dynamics_.turnover;
    for (const InstitutionSpec& inst : scenario_.population_.institutions) {
      const auto hires = stationary_hire_mix(inst.stage_mix, turnover);
      for (std::size_t s = 0; s < kStages; ++s) {
        if (hires[s] >= -1e-12) continue;
        const std::string stage(to_string(enum_at<CareerStage>(s)));
        const std::string previous = s > 0 ? std::string(to_string(enum_at<CareerStage>(s - 1))) : stage;
        std::string message("institution \"");
        for (const std::string& part :
             {inst.name, std::string("\": no hire mix keeps its "), stage,
              std::string(" share stationary: promotions from "), previous, std::string(" (promotion_rate."), previous,
              std::string(") exceed what "), stage, std::string(" staff lose (annual_rate."), stage}) {
          message += part;
        }
        if (s + 1 < kStages) message.append(", promotion_rate.").append(stage);
        message.append("); lower promotion_rate.").append(previous).append(" or change the institution's stages");
        d.error("turnover", std::move(message));
        break;
      }
    }
  }

  // population.size may have rescaled institutions: record the sizes the run really uses.
  void write_derived_sizes(toml::table& resolved) {
    toml::table* population = resolved["population"].as_table();
    if (population == nullptr) return;
    if (implicit_institutions_) {
      // The implicit institutions were mirrored into a side table; move them into the real mirror.
      if (toml::node* list = resolved_population_dummy_.get("institutions")) {
        population->insert_or_assign("institutions", std::move(*list->as_array()));
      }
    }
    toml::array* list = population->get_as<toml::array>("institutions");
    if (list == nullptr) return;
    const auto& specs = scenario_.population_.institutions;
    for (std::size_t i = 0; i < list->size() && i < specs.size(); ++i) {
      if (toml::table* t = list->get(i)->as_table(); t != nullptr && !scenario_.population_.roster) {
        t->insert_or_assign("size", static_cast<std::int64_t>(specs[i].size));
        t->insert_or_assign("units", static_cast<std::int64_t>(specs[i].units));
      }
    }
  }

  ReadContext context_;
  std::filesystem::path base_dir_;
  Scenario scenario_;
  toml::table resolved_population_dummy_;
  bool implicit_institutions_ = false;
  std::vector<std::size_t> implicit_joint_share_;  // institutions whose joint_share is the kind's default
};

Scenario Scenario::parse(std::string_view text, std::string name, const std::vector<std::string>& overrides,
                         const std::filesystem::path& base_dir) {
  ScenarioBuilder builder(std::move(name), base_dir);
  return builder.build(text, overrides);
}

Scenario Scenario::load(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  const std::string text = read_text_file(file);
  return parse(text, file.string(), overrides, file.parent_path());
}

Scenario Scenario::load(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                        std::vector<Diagnostic>& problems) {
  const std::string text = read_text_file(file);
  ScenarioBuilder builder(file.string(), file.parent_path());
  return builder.build(text, overrides, &problems);
}

}  // namespace mentorsim
