#include "mentorsim/experiment/experiment.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/rng.hpp"
#include "mentorsim/core/strings.hpp"
#include "mentorsim/core/toml_document.hpp"
#include "mentorsim/engine/fields.hpp"
#include "mentorsim/engine/observer.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/experiment/power.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/scenario/parameters.hpp"
#include "mentorsim/scenario/reader.hpp"

namespace mentorsim::experiment {

using scenario::Range;
using scenario::ReadContext;
using scenario::Reader;

namespace {

constexpr Range kAnyNumber{-1e300, 1e300};

std::string read_text_file(const std::filesystem::path& file, const std::string& what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(Diagnostic{SourceLocation{file.string(), 0, 0}, "", "cannot open " + what});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(Diagnostic{SourceLocation{file.string(), 0, 0}, "", "cannot read " + what});
  return buffer.str();
}

SourceLocation node_location(const toml::node& node, const std::string& file) {
  const auto& source = node.source();
  return SourceLocation{file, static_cast<int>(source.begin.line), static_cast<int>(source.begin.column)};
}

// A TOML value as the text --set takes ("0.5", "\"hybrid\"", "[1, 2]").
std::string toml_text(const toml::node& node) {
  toml::table holder;
  holder.insert_or_assign("v", node);
  std::ostringstream out;
  out << toml::toml_formatter{holder, toml::format_flags::none};
  std::string text = out.str();
  const auto eq = text.find('=');
  text = text.substr(eq + 1);
  while (!text.empty() && (text.front() == ' ')) text.erase(text.begin());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

// A swept key as --set takes it ("arms.1.uptake") in the form of the parameter declarations'
// resolved key paths ("arms[1].uptake"): a numeric component becomes an index of the one before.
std::string key_path(std::string_view key) {
  std::string out;
  std::size_t start = 0;
  while (start <= key.size()) {
    const std::size_t dot = std::min(key.find('.', start), key.size());
    const std::string_view part = key.substr(start, dot - start);
    const bool index =
        !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (index && !out.empty()) {
      out += "[" + std::string(part) + "]";
    } else {
      if (!out.empty()) out += '.';
      out += part;
    }
    start = dot + 1;
  }
  return out;
}

// Every declared key as a swept key would name it; the entries of an array of tables ("arms[]",
// "population.institutions[]") with the index the user gave, or 0.
std::vector<std::string> declared_keys(std::string_view user_key) {
  std::string index = "0";
  for (std::size_t start = 0; start < user_key.size();) {
    const std::size_t dot = std::min(user_key.find('.', start), user_key.size());
    const std::string_view part = user_key.substr(start, dot - start);
    if (!part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      index = std::string(part);
      break;
    }
    start = dot + 1;
  }
  const auto spelled = [&](std::string key) {
    for (std::size_t at = key.find("[]"); at != std::string::npos; at = key.find("[]")) key.replace(at, 2, "." + index);
    return key;
  };
  std::vector<std::string> keys;
  for (const auto& g : scenario::parameter_groups()) {
    for (const auto& p : g.parameters) {
      keys.push_back(spelled(g.full_key(p)));
      if (g.path == "program") keys.push_back(spelled("arms[]." + p.key));
    }
  }
  return keys;
}

}  // namespace

std::vector<std::string> available_outcomes() {
  std::vector<std::string> names;
  for (const OutcomeColumn& column : outcome_columns()) names.push_back(column.name);
  for (const Subgroup subgroup : {Subgroup::minority, Subgroup::isolation}) {
    for (const OutcomeInfo& info : outcome_table()) {
      if (reported_by(info, subgroup)) {
        names.push_back("by_" + std::string(subgroup_name(subgroup)) + "/" + std::string(info.name));
      }
    }
  }
  return names;
}

OutcomeRef find_outcome(std::string_view name) {
  OutcomeRef ref;
  for (const Subgroup subgroup : {Subgroup::minority, Subgroup::isolation}) {
    const std::string prefix = "by_" + std::string(subgroup_name(subgroup)) + "/";
    if (!name.starts_with(prefix)) continue;
    const std::string_view base = name.substr(prefix.size());
    for (const OutcomeInfo& info : outcome_table()) {
      if (info.name == base && reported_by(info, subgroup)) {
        ref.known = true;
        ref.outcome = info.outcome;
        ref.by_subgroup = true;
        ref.subgroup = subgroup;
      }
    }
    return ref;
  }
  for (const OutcomeColumn& column : outcome_columns()) {
    if (column.name == name) {
      ref.known = true;
      ref.outcome = column.outcome;
      ref.level = column.level;
    }
  }
  return ref;
}

std::size_t outcome_width(std::string_view name) {
  const OutcomeRef ref = find_outcome(name);
  return ref.known && ref.by_subgroup ? subgroup_size(ref.subgroup) : 1;
}

class ExperimentBuilder {
 public:
  ExperimentBuilder(std::string name, std::filesystem::path base_dir, CommandLine command_line)
      : context_(name),
        base_dir_(std::move(base_dir)),
        command_line_(std::move(command_line)) {
    experiment_.name_ = std::move(name);
    experiment_.scenario_overrides_ = command_line_.scenario_overrides;
  }

  Experiment build(std::string_view text) {
    experiment_.text_ = std::string(text);
    toml::table document = parse_toml_document<ScenarioError>(text, context_.file());
    current_table_ = &document;
    toml::table resolved;
    Reader root(context_, &document, "", resolved, SourceLocation{context_.file(), 1, 1});
    read_top(root);
    read_arms(root);
    read_dimensions(root);
    read_power(root.table("power"));
    root.finish();
    if (!context_.ok()) throw ScenarioError(context_.take_errors());

    load_base(root);
    finish_top();
    check_arms();
    check_dimensions();
    if (!context_.ok()) throw ScenarioError(context_.take_errors());
    make_design();
    check_outputs();
    if (!context_.ok()) throw ScenarioError(context_.take_errors());
    return std::move(experiment_);
  }

 private:
  struct DimensionSource {
    SourceLocation key;
    std::vector<SourceLocation> levels;  // grid values
    SourceLocation min, max;
  };

  void read_top(Reader& root) {
    if (!root.has("scenario")) root.error_here("missing required key \"scenario\" (the base scenario file)");
    scenario_text_path_ = root.string("scenario", "");
    scenario_location_ = root.location_of("scenario");
    experiment_.design_.kind = root.enumeration<DesignKind>("design", DesignKind::grid);
    design_location_ = root.location_of("design");
    samples_ = root.optional_integer("samples", 1, 1 << 24);
    samples_location_ = root.location_of("samples");
    if (experiment_.design_.kind == DesignKind::posterior) {
      if (!root.has("posterior")) {
        root.error("design", "a posterior design needs posterior = \"FILE.h5\" (the output of mentorsim calibrate)");
      }
      posterior_path_ = root.string("posterior", "");
      posterior_location_ = root.location_of("posterior");
    } else {
      root.allow("posterior");
      if (root.has("posterior")) root.error("posterior", "is for design = \"posterior\"");
    }
    if (command_line_.samples) samples_ = static_cast<std::int64_t>(*command_line_.samples);
    replicates_ = root.optional_integer("replicates", 1, kMaxReplicates - 1);
    if (command_line_.replicates) replicates_ = *command_line_.replicates;
    seed_ = root.optional_integer("seed", 0, std::numeric_limits<std::int64_t>::max());
    experiment_.random_numbers_ = root.enumeration<RandomNumbers>("random_numbers", RandomNumbers::common);
    experiment_.schedule_ = root.enumeration<Schedule>("schedule", Schedule::automatic);
    experiment_.share_worlds_ = root.boolean("share_worlds", true);
    experiment_.outcomes_ = root.strings("outcomes", available_outcomes(), available_outcomes());
    if (experiment_.outcomes_.empty()) root.error("outcomes", "at least one outcome is needed");
    const std::vector<std::string>& metrics = timeseries_names();
    experiment_.timeseries_ = root.strings("timeseries", {}, metrics);
    experiment_.bootstrap_ = static_cast<std::uint32_t>(root.integer("bootstrap", 1000, 0, 100000));
    experiment_.confidence_ = root.number("confidence", 0.95, Range{0.0, 1.0, true, true});
    experiment_.max_output_mb_ = root.number("max_output_mb", 1024.0, scenario::kPositive);
    const std::string default_output = std::filesystem::path(context_.file()).stem().string() + ".h5";
    experiment_.output_ = root.string("output", default_output);
    if (experiment_.output_.empty()) root.error("output", "must not be empty");
    // Contrasts: [["a", "b"], ...], checked against the arm names once they are known.
    root.allow("contrasts");
    if (root.has("contrasts")) {
      const toml::node* node = current_table_->get("contrasts");
      const toml::array* list = node != nullptr ? node->as_array() : nullptr;
      bool ok = list != nullptr;
      if (ok) {
        for (std::size_t i = 0; i < list->size(); ++i) {
          const toml::array* pair = list->get(i)->as_array();
          if (pair == nullptr || pair->size() != 2 || !pair->get(0)->is_string() || !pair->get(1)->is_string()) {
            context_.error(node_location(*list->get(i), context_.file()), "contrasts[" + std::to_string(i) + "]",
                           "expected a pair of arm names, e.g. [\"self_identified\", \"assigned\"]");
            continue;
          }
          contrasts_.push_back({pair->get(0)->value<std::string>().value_or(""),
                                pair->get(1)->value<std::string>().value_or(""),
                                node_location(*list->get(i), context_.file())});
        }
      } else {
        root.error("contrasts", "expected an array of pairs of arm names, e.g. [[\"self_identified\", \"assigned\"]]");
      }
    }
  }

  void read_arms(Reader& root) {
    auto tables = root.tables("arms");
    if (!tables) return;
    if (tables->empty()) root.error("arms", "at least one arm is needed (or leave [[arms]] out)");
    std::set<std::string> names;
    for (auto& r : *tables) {
      ExperimentArm arm;
      if (!r.has("name")) r.error_here("missing required key \"name\"");
      arm.name = r.string("name", "");
      if (!arm.name.empty() && !names.insert(arm.name).second) {
        r.error("name", "arm name \"" + arm.name + "\" is used twice");
      }
      if (arm.name.find('/') != std::string::npos) r.error("name", "an arm name may not contain \"/\"");
      arm.overrides = r.strings("set", {}, {});
      for (const auto& o : arm.overrides) {
        if (o.find('=') == std::string::npos || o.front() == '=') {
          r.error("set", "\"" + o + "\" is not KEY=VALUE (e.g. \"arms.1.strategy=hybrid\")");
        }
      }
      arm.scenario_arm = r.string("arm", "");
      arm_sources_.push_back({r.location(), r.location_of("set"), r.location_of("arm"), r.key_path("set"),
                              r.key_path("arm"), r.has("arm")});
      r.finish();
      experiment_.arms_.push_back(std::move(arm));
    }
  }

  void read_dimensions(Reader& root) {
    auto tables = root.tables("dimensions");
    const DesignKind kind = experiment_.design_.kind;
    if (kind == DesignKind::posterior) {
      if (tables) root.error("dimensions", "a posterior design takes its parameters from the calibration file");
      return;
    }
    if (!tables) {
      if (kind != DesignKind::grid)
        root.error_here("a " + std::string(to_string(kind)) + " design needs [[dimensions]]");
      return;
    }
    std::set<std::string> keys;
    const toml::array* raw = current_table_ != nullptr ? current_table_->get_as<toml::array>("dimensions") : nullptr;
    for (std::size_t index = 0; index < tables->size(); ++index) {
      Reader& r = (*tables)[index];
      const toml::table* raw_table = raw != nullptr ? raw->get(index)->as_table() : nullptr;
      Dimension d;
      DimensionSource source;
      if (!r.has("key")) r.error_here("missing required key \"key\" (a scenario key, e.g. \"network.mean_degree\")");
      d.key = r.string("key", "");
      source.key = r.location_of("key");
      if (!d.key.empty() && !keys.insert(d.key).second) r.error("key", "\"" + d.key + "\" is swept twice");
      if (d.key.find('=') != std::string::npos) r.error("key", "a key, without \"=\" and a value");
      d.integer = r.boolean("integer", false);
      if (kind == DesignKind::grid) {
        read_grid_dimension(r, raw_table, d, source);
      } else {
        read_random_dimension(r, d, source);
      }
      r.finish();
      dimension_paths_.push_back(r.path());
      experiment_.dimensions_.push_back(std::move(d));
      dimension_sources_.push_back(std::move(source));
    }
  }

  void read_grid_dimension(Reader& r, const toml::table* raw, Dimension& d, DimensionSource& source) {
    for (const char* key : {"distribution", "mode", "mean", "sd", "alpha", "beta"}) {
      if (r.has(key)) r.error(key, "is for lhs and sobol designs; a grid lists values, or min, max and count");
      r.allow(key);
    }
    r.allow("values");
    if (r.has("values")) {
      for (const char* key : {"min", "max", "count", "scale"}) {
        if (r.has(key)) r.error(key, "cannot be combined with values");
        r.allow(key);
      }
      const toml::array* values = raw != nullptr ? raw->get_as<toml::array>("values") : nullptr;
      if (values == nullptr) {
        r.error("values", "expected an array of values, e.g. [8, 10, 12]");
        return;
      }
      if (values->empty()) r.error("values", "is empty: a grid dimension needs at least one value");
      for (std::size_t i = 0; i < values->size(); ++i) {
        const toml::node& v = *values->get(i);
        std::string text = toml_text(v);
        double number = kNaN;
        if (auto f = v.value_exact<double>()) number = *f;
        if (auto n = v.value_exact<std::int64_t>()) number = static_cast<double>(*n);
        if (auto b = v.value_exact<bool>()) number = *b ? 1.0 : 0.0;
        if (d.integer && !std::isnan(number)) {
          number = std::round(number);
          text = toml_number(number, true);
        }
        if (std::find(d.levels.begin(), d.levels.end(), text) != d.levels.end()) {
          context_.error(node_location(v, context_.file()), r.key_path("values") + "[" + std::to_string(i) + "]",
                         text + " is listed twice");
        }
        d.levels.push_back(text);
        d.level_numbers.push_back(number);
        source.levels.push_back(node_location(v, context_.file()));
      }
      return;
    }
    if (!r.has("min") || !r.has("max") || !r.has("count")) {
      r.error_here("a grid dimension needs values = [...], or min, max and count");
      for (const char* key : {"min", "max", "count", "scale"}) r.allow(key);
      return;
    }
    d.min = r.number("min", 0.0, kAnyNumber);
    d.max = r.number("max", 1.0, kAnyNumber);
    source.min = r.location_of("min");
    source.max = r.location_of("max");
    const auto count = static_cast<std::size_t>(r.integer("count", 2, 1, 100000));
    const std::string scale = r.string("scale", "linear");
    if (scale != "linear" && scale != "log") r.error("scale", "expected \"linear\" or \"log\", got \"" + scale + "\"");
    if (!check_range(r, d.min, d.max, count > 1)) return;
    if (scale == "log" && d.min <= 0.0) {
      r.error("min", "a log scale needs min > 0, got " + format_number(d.min));
      return;
    }
    for (std::size_t i = 0; i < count; ++i) {
      const double t = count == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(count - 1);
      double value = scale == "log" ? std::exp(std::log(d.min) + t * (std::log(d.max) - std::log(d.min)))
                                    : d.min + t * (d.max - d.min);
      if (i + 1 == count) value = d.max;
      if (i == 0) value = d.min;
      if (d.integer) value = std::round(value);
      const std::string text = toml_number(value, d.integer);
      if (std::find(d.levels.begin(), d.levels.end(), text) != d.levels.end()) {
        r.error("count", "rounded to integers, " + std::to_string(count) + " levels between " + format_number(d.min) +
                             " and " + format_number(d.max) + " repeat a value");
        return;
      }
      d.levels.push_back(text);
      d.level_numbers.push_back(value);
      source.levels.push_back(r.location_of("count"));
    }
  }

  // min < max; with `strict` false, min == max is allowed.
  bool check_range(Reader& r, double min, double max, bool strict = true) {
    if (min > max) {
      r.error("max", "inverted range: max " + format_number(max) + " is below min " + format_number(min));
      return false;
    }
    if (strict && min == max) {
      r.error("max", "empty range: min and max are both " + format_number(min));
      return false;
    }
    return true;
  }

  void read_random_dimension(Reader& r, Dimension& d, DimensionSource& source) {
    r.allow("values");
    if (r.has("values")) {
      r.error("values", "lists levels of a grid; a " + std::string(to_string(experiment_.design_.kind)) +
                            " design samples a range: give min and max (and a distribution)");
    }
    for (const char* key : {"count", "scale"}) {
      if (r.has(key)) r.error(key, "is for grid designs");
      r.allow(key);
    }
    d.distribution = r.enumeration<Distribution>("distribution", Distribution::uniform);
    source.min = r.location_of("min");
    source.max = r.location_of("max");
    switch (d.distribution) {
      case Distribution::uniform:
      case Distribution::log_uniform:
      case Distribution::triangular:
        for (const char* key : {"min", "max"}) {
          if (!r.has(key)) r.error_here("missing required key \"" + std::string(key) + "\"");
        }
        d.min = r.number("min", 0.0, kAnyNumber);
        d.max = r.number("max", 1.0, kAnyNumber);
        if (!check_range(r, d.min, d.max)) break;
        if (d.distribution == Distribution::log_uniform && d.min <= 0.0) {
          r.error("min", "a log_uniform range needs min > 0, got " + format_number(d.min));
        }
        if (d.distribution == Distribution::triangular) {
          if (!r.has("mode")) r.error_here("missing required key \"mode\" (the most likely value)");
          d.mode = r.number("mode", d.min, kAnyNumber);
          if (d.mode < d.min || d.mode > d.max) {
            r.error("mode", "must be in [min, max] = [" + format_number(d.min) + ", " + format_number(d.max) +
                                "], got " + format_number(d.mode));
          }
        }
        break;
      case Distribution::normal:
        if (!r.has("mean")) r.error_here("missing required key \"mean\"");
        if (!r.has("sd")) r.error_here("missing required key \"sd\"");
        d.mean = r.number("mean", 0.0, kAnyNumber);
        d.sd = r.number("sd", 1.0, scenario::kPositive);
        if (r.has("min") != r.has("max")) r.error_here("a truncated normal needs both min and max");
        d.truncated = r.has("min") && r.has("max");
        d.min = r.number("min", -1e300, kAnyNumber);
        d.max = r.number("max", 1e300, kAnyNumber);
        if (d.truncated) check_range(r, d.min, d.max);
        break;
      case Distribution::beta:
        if (!r.has("alpha")) r.error_here("missing required key \"alpha\"");
        if (!r.has("beta")) r.error_here("missing required key \"beta\"");
        d.alpha = r.number("alpha", 1.0, scenario::kPositive);
        d.beta = r.number("beta", 1.0, scenario::kPositive);
        d.min = r.number("min", 0.0, kAnyNumber);
        d.max = r.number("max", 1.0, kAnyNumber);
        check_range(r, d.min, d.max);
        break;
    }
    for (const char* key : {"min", "max", "mode", "mean", "sd", "alpha", "beta"}) {
      if (r.has(key) && !uses(d.distribution, key)) {
        r.error(key, "is not a parameter of the " + std::string(to_string(d.distribution)) + " distribution");
      }
      r.allow(key);
    }
  }

  static bool uses(Distribution distribution, std::string_view key) {
    switch (distribution) {
      case Distribution::uniform:
      case Distribution::log_uniform:
        return key == "min" || key == "max";
      case Distribution::triangular:
        return key == "min" || key == "max" || key == "mode";
      case Distribution::normal:
        return key == "mean" || key == "sd" || key == "min" || key == "max";
      case Distribution::beta:
        return key == "alpha" || key == "beta" || key == "min" || key == "max";
    }
    return false;
  }

  void read_power(Reader r) {
    PowerSettings& p = experiment_.power_;
    const auto outcomes = power_outcomes();
    if (r.has("outcome")) {
      p.outcome = r.string("outcome", "");
      if (std::find(outcomes.begin(), outcomes.end(), p.outcome) == outcomes.end()) {
        std::string message = "\"" + p.outcome + "\" is not a per-person outcome (" + join(outcomes, ", ") + ")";
        if (auto guess = scenario::closest(p.outcome, outcomes); !guess.empty()) {
          message += "; did you mean \"" + guess + "\"?";
        }
        r.error("outcome", message);
      }
    } else {
      r.allow("outcome");
    }
    for (auto u : r.integers("units", {}, 2, 100000)) p.units.push_back(static_cast<std::uint32_t>(u));
    p.per_unit = static_cast<std::uint32_t>(r.integer("per_unit", 0, 0, 1000000));
    p.alpha = r.number("alpha", 0.05, Range{0.0, 1.0, true, true});
    p.analysis = r.enumeration<PowerAnalysis>("analysis", PowerAnalysis::t_test);
    p.design = r.enumeration<PilotDesign>("design", PilotDesign::cluster);
    p.control_arm = r.string("control_arm", "");
    p.intervention_arm = r.string("intervention_arm", "");
    p.stages = r.enumerations<CareerStage>("stages", {});
    r.finish();
  }

  void load_base(Reader& root) {
    std::filesystem::path path(scenario_text_path_);
    if (path.is_relative() && !base_dir_.empty()) path = base_dir_ / path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      context_.error(scenario_location_, "scenario",
                     "file \"" + path.string() + "\" does not exist or is not a regular file");
      throw ScenarioError(context_.take_errors());
    }
    (void)root;
    experiment_.scenario_path_ = path;
    // The scenario's problems name the scenario file; ours are reported first.
    experiment_.base_ = Scenario::load(path, command_line_.scenario_overrides);
  }

  void finish_top() {
    const Scenario& base = *experiment_.base_;
    experiment_.replicates_ = replicates_ ? static_cast<Replicate>(*replicates_) : base.run().replicates;
    experiment_.seed_ = seed_ ? static_cast<Seed>(*seed_) : base.run().seed;
    if (!experiment_.timeseries_.empty()) {
      experiment_.observed_weeks_ = mentorsim::observed_weeks(base.run().weeks, base.output().observe_every);
    }
  }

  // Builds the base scenario with `extra` overrides; every problem is recorded at `where` (`key` of
  // the experiment file) and the result is nullopt.
  std::optional<Scenario> probe(const std::vector<std::string>& extra, const SourceLocation& where,
                                const std::string& key) {
    const Scenario& base = *experiment_.base_;
    std::vector<std::string> all = command_line_.scenario_overrides;
    all.insert(all.end(), extra.begin(), extra.end());
    try {
      return Scenario::parse(base.source_text(), base.name(), all, experiment_.scenario_path_.parent_path());
    } catch (const ScenarioError& e) {
      for (const auto& d : e.diagnostics()) {
        const bool ours =
            std::any_of(extra.begin(), extra.end(), [&](const std::string& o) { return d.where.file == "--set " + o; });
        const std::string message =
            ours ? (d.key.empty() ? "" : d.key + ": ") + d.message : "with " + join(extra, ", ") + ": " + d.to_string();
        context_.error(where, key, message);
      }
      return std::nullopt;
    }
  }

  void check_arms() {
    const Scenario& base = *experiment_.base_;
    if (experiment_.arms_.empty()) {
      for (const auto& arm : base.arms()) experiment_.arm_names_.push_back(arm.name);
      return;
    }
    for (std::size_t i = 0; i < experiment_.arms_.size(); ++i) {
      ExperimentArm& arm = experiment_.arms_[i];
      const ArmSource& source = arm_sources_[i];
      experiment_.arm_names_.push_back(arm.name);
      auto scenario = probe(arm.overrides, source.set, source.set_key);
      if (!scenario) continue;
      std::vector<std::string> names;
      for (const auto& a : scenario->arms()) names.push_back(a.name);
      if (!source.has_arm) {
        if (names.size() == 1) {
          arm.scenario_arm = names.front();
        } else {
          context_.error(source.table, "arms[" + std::to_string(i) + "]",
                         "the scenario has " + std::to_string(names.size()) + " arms (" + join(names, ", ") +
                             "): say whose outcomes to keep with arm = \"...\"");
          continue;
        }
      }
      auto it = std::find(names.begin(), names.end(), arm.scenario_arm);
      if (it == names.end()) {
        std::string message = "the scenario has no arm \"" + arm.scenario_arm + "\" (it has " + join(names, ", ") + ")";
        if (auto guess = scenario::closest(arm.scenario_arm, names); !guess.empty()) {
          message += "; did you mean \"" + guess + "\"?";
        }
        context_.error(source.arm, source.arm_key, message);
        continue;
      }
      arm.scenario_arm_index = static_cast<std::size_t>(it - names.begin());
    }
  }

  // The swept key must be a declared scenario parameter (scenario/parameters.hpp), and a numeric
  // range or grid inside the declared range of a real or integer parameter: one message at the key
  // (unknown, with the closest declared key) or at the offending end or value. False after an error.
  bool check_declared(const Dimension& d, const DimensionSource& source, const std::string& path) {
    const scenario::ParameterMatch match = scenario::find_parameter(key_path(d.key));
    if (match.parameter == nullptr) {
      std::string message = "\"" + d.key + "\" is not a scenario key (mentorsim info params lists them)";
      if (auto guess = scenario::closest(d.key, declared_keys(d.key)); !guess.empty()) {
        message += "; did you mean \"" + guess + "\"?";
      }
      context_.error(source.key, path + ".key", message);
      return false;
    }
    const scenario::Parameter& p = *match.parameter;
    if (p.type != scenario::ValueType::real && p.type != scenario::ValueType::integer) return true;
    const scenario::Range range = p.type == scenario::ValueType::real
                                      ? p.range
                                      : scenario::Range{static_cast<double>(p.min), static_cast<double>(p.max)};
    const auto outside = [&](double value, const SourceLocation& where, const std::string& key) {
      if (std::isnan(value) || range.contains(value)) return false;
      context_.error(where, key,
                     format_number(value) + " is outside the range of " + d.key + ", " + p.range_text() +
                         (p.unit.empty() ? "" : " (" + p.unit + ")"));
      return true;
    };
    if (experiment_.design_.kind == DesignKind::grid) {
      for (std::size_t i = 0; i < d.level_numbers.size(); ++i) {
        const bool listed = i < source.levels.size();
        if (outside(d.level_numbers[i], listed ? source.levels[i] : source.key,
                    path + (listed ? ".values[" + std::to_string(i) + "]" : ".key"))) {
          return false;
        }
      }
      return true;
    }
    const bool bounded = d.distribution != Distribution::normal || d.truncated;
    if (!bounded) return true;  // an unbounded normal: the probes at its far tails say more
    if (outside(d.quantile(0.0), source.min, path + ".min")) return false;
    return !outside(d.quantile(1.0), source.max, path + ".max");
  }

  void check_dimensions() {
    for (std::size_t k = 0; k < experiment_.dimensions_.size(); ++k) {
      const Dimension& d = experiment_.dimensions_[k];
      const DimensionSource& source = dimension_sources_[k];
      const std::string path = dimension_paths_[k];
      if (d.key.empty()) continue;
      if (!check_declared(d, source, path)) continue;
      bool conflict = false;
      for (const auto& o : command_line_.scenario_overrides) {
        if (o.starts_with(d.key + "=")) {
          context_.error(source.key, path + ".key", "\"" + d.key + "\" is swept here and also set by --set " + o);
          conflict = true;
        }
      }
      for (const auto& arm : experiment_.arms_) {
        for (const auto& o : arm.overrides) {
          if (o.starts_with(d.key + "=")) {
            context_.error(source.key, path + ".key",
                           "\"" + d.key + "\" is swept here and also set by arm \"" + arm.name + "\"");
            conflict = true;
          }
        }
      }
      if (conflict) continue;
      if (experiment_.design_.kind == DesignKind::grid) {
        for (std::size_t i = 0; i < d.levels.size(); ++i) {
          const bool listed = i < source.levels.size();
          if (!probe({d.key + "=" + d.levels[i]}, listed ? source.levels[i] : source.key,
                     path + (listed ? ".values[" + std::to_string(i) + "]" : ".key"))) {
            break;  // one message per dimension is enough (an unknown key fails every level)
          }
        }
        continue;
      }
      // Ranges: the ends (rounded as the points will be); an unbounded normal at 1e-6 from its tails.
      const bool bounded = d.distribution != Distribution::normal || d.truncated;
      const double lo = bounded ? d.quantile(0.0) : d.quantile(1e-6);
      const double hi = bounded ? d.quantile(1.0) : d.quantile(1.0 - 1e-6);
      if (!probe({d.key + "=" + toml_number(lo, d.integer)}, bounded ? source.min : source.key,
                 path + (bounded ? ".min" : ".key"))) {
        continue;
      }
      probe({d.key + "=" + toml_number(hi, d.integer)}, bounded ? source.max : source.key,
            path + (bounded ? ".max" : ".key"));
    }
  }

  void make_design() {
    Design& design = experiment_.design_;
    const auto& dims = experiment_.dimensions_;
    switch (design.kind) {
      case DesignKind::grid:
        if (samples_)
          context_.error(samples_location_, "samples", "is not used by a grid design (it lists its points)");
        design = grid_design(dims);
        break;
      case DesignKind::lhs:
      case DesignKind::sobol:
        if (!samples_) {
          context_.error(
              design_location_, "samples",
              "a " + std::string(to_string(design.kind)) + " design needs samples = N (" +
                  (design.kind == DesignKind::lhs ? "points" : "base samples; points = N x (dimensions + 2)") + ")");
          return;
        }
        design = design.kind == DesignKind::lhs
                     ? lhs_design(dims, static_cast<std::size_t>(*samples_), experiment_.seed_)
                     : saltelli_design(dims, static_cast<std::size_t>(*samples_));
        break;
      case DesignKind::posterior:
        make_posterior_design();
        break;
    }
  }

  // The posterior sample of a calibration file (docs/calibration-abc.md): every accepted parameter set
  // when they are equally weighted, or `samples` drawn with replacement by weight (from a stream keyed
  // by the experiment seed).
  void make_posterior_design() {
    std::filesystem::path path(posterior_path_);
    if (path.is_relative() && !base_dir_.empty()) path = base_dir_ / path;
    std::vector<std::string> keys;
    std::vector<double> parameters;
    std::vector<double> weights;
    try {
      const io::InputFile file(path);
      if (!file.exists("/posterior/parameters") || !file.exists("/posterior/weights") ||
          !file.exists("/posterior/keys")) {
        context_.error(posterior_location_, "posterior",
                       path.string() + " is not the output of mentorsim calibrate (no /posterior)");
        return;
      }
      keys = file.read_strings("/posterior/keys");
      parameters = file.read<double>("/posterior/parameters");
      weights = file.read<double>("/posterior/weights");
    } catch (const Error& e) {
      context_.error(posterior_location_, "posterior", "cannot read " + path.string() + ": " + e.what());
      return;
    }
    const std::size_t d = keys.size();
    const std::size_t n = weights.size();
    if (d == 0 || n == 0 || parameters.size() != n * d) {
      context_.error(posterior_location_, "posterior", path.string() + ": /posterior is empty or inconsistent");
      return;
    }
    std::vector<std::vector<double>> points;
    if (samples_) {
      Stream stream(derived_key(experiment_.seed_, 5), 0, 0, Purpose::population_layout, 0);
      for (std::int64_t i = 0; i < *samples_; ++i) {
        const std::size_t j = stream.categorical(weights);
        points.emplace_back(parameters.begin() + static_cast<std::ptrdiff_t>(j * d),
                            parameters.begin() + static_cast<std::ptrdiff_t>((j + 1) * d));
      }
    } else {
      if (std::any_of(weights.begin(), weights.end(), [&](double w) { return w != weights.front(); })) {
        context_.error(
            posterior_location_, "posterior",
            path.string() + " holds a weighted sample (an SMC stage): give samples = N to draw N points by weight");
        return;
      }
      for (std::size_t j = 0; j < n; ++j) {
        points.emplace_back(parameters.begin() + static_cast<std::ptrdiff_t>(j * d),
                            parameters.begin() + static_cast<std::ptrdiff_t>((j + 1) * d));
      }
    }
    for (const auto& key : keys) {
      Dimension dimension;
      dimension.key = key;
      experiment_.dimensions_.push_back(std::move(dimension));
    }
    experiment_.design_ = point_design(keys, points);
  }

  void check_outputs() {
    const auto& names = experiment_.arm_names_;
    for (const auto& c : contrasts_) {
      std::size_t index[2] = {0, 0};
      bool ok = true;
      for (int side = 0; side < 2; ++side) {
        const std::string& name = side == 0 ? c.first : c.second;
        auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end()) {
          std::string message = "no arm \"" + name + "\" (arms: " + join(names, ", ") + ")";
          if (auto guess = scenario::closest(name, names); !guess.empty())
            message += "; did you mean \"" + guess + "\"?";
          context_.error(c.where, "contrasts", message);
          ok = false;
          continue;
        }
        index[side] = static_cast<std::size_t>(it - names.begin());
      }
      if (ok && index[0] == index[1]) context_.error(c.where, "contrasts", "an arm contrasted with itself");
      if (ok) experiment_.contrasts_.emplace_back(index[0], index[1]);
    }
    if (!experiment_.contrasts_.empty() && experiment_.design_.kind != DesignKind::sobol) {
      // Contrasts shape only the sensitivity indices, which only a sobol design has.
      context_.error(contrasts_.front().where, "contrasts", "contrasts are for sobol designs (sensitivity indices)");
    }
  }

  struct ArmSource {
    SourceLocation table;
    SourceLocation set;
    SourceLocation arm;
    std::string set_key;
    std::string arm_key;
    bool has_arm = false;
  };
  struct ContrastSource {
    std::string first;
    std::string second;
    SourceLocation where;
  };

  ReadContext context_;
  std::filesystem::path base_dir_;
  CommandLine command_line_;
  Experiment experiment_;
  const toml::table* current_table_ = nullptr;
  std::string scenario_text_path_;
  SourceLocation scenario_location_;
  SourceLocation design_location_;
  SourceLocation samples_location_;
  std::string posterior_path_;
  SourceLocation posterior_location_;
  std::optional<std::int64_t> samples_;
  std::optional<std::int64_t> replicates_;
  std::optional<std::int64_t> seed_;
  std::vector<ArmSource> arm_sources_;
  std::vector<DimensionSource> dimension_sources_;
  std::vector<std::string> dimension_paths_;
  std::vector<ContrastSource> contrasts_;
};

Experiment Experiment::parse(std::string_view text, std::string name, const std::filesystem::path& base_dir,
                             const CommandLine& command_line) {
  ExperimentBuilder builder(std::move(name), base_dir, command_line);
  return builder.build(text);
}

Experiment Experiment::load(const std::filesystem::path& file, const CommandLine& command_line) {
  const std::string text = read_text_file(file, "experiment file");
  return parse(text, file.string(), file.parent_path(), command_line);
}

std::size_t Experiment::values_per_run() const {
  std::size_t width = 0;
  for (const auto& o : outcomes_) width += outcome_width(o);
  return arms_per_run() * (width + timeseries_.size() * observed_weeks_.size()) + patterns_.size();
}

void Experiment::keep_patterns(std::vector<patterns::Pattern> patterns, std::string patterns_text) {
  if (run_arms() != 1) throw std::logic_error("keep_patterns: pattern runs need a single run arm");
  patterns_ = std::move(patterns);
  patterns_text_ = std::move(patterns_text);
  outcomes_.clear();
  timeseries_.clear();
  contrasts_.clear();
}

void Experiment::set_design(Design design) {
  dimensions_.clear();
  for (const auto& key : design.keys) {
    Dimension d;
    d.key = key;
    dimensions_.push_back(std::move(d));
  }
  design_ = std::move(design);
}

Scenario Experiment::pattern_scenario(std::size_t point, Replicate replicate) const {
  Seed seed = run_seed(point, 0);
  if (replicate > 0) seed = derived_key(seed, 200 + static_cast<std::uint64_t>(replicate)) >> 1;
  std::vector<std::string> sets = overrides(point, 0);
  sets.push_back("run.replicates=1");
  sets.push_back("run.seed=" + std::to_string(seed));
  return Scenario::parse(base_->source_text(), base_->name(), sets, scenario_path_.parent_path());
}

double Experiment::projected_bytes() const {
  const double values = static_cast<double>(runs()) * static_cast<double>(values_per_run());
  const double design = static_cast<double>(points()) * static_cast<double>(dimensions_.size() + 2);
  return 8.0 * (values + design);
}

Seed Experiment::run_seed(std::size_t point, std::size_t run_arm) const {
  if (random_numbers_ == RandomNumbers::common) return base_->run().seed;
  Stream stream(derived_key(seed_, 3), 0, static_cast<Step>(point), Purpose::population_layout,
                static_cast<std::uint32_t>(run_arm));
  const std::uint64_t high = stream.next_u32();
  const std::uint64_t low = stream.next_u32();
  return ((high << 32) | low) >> 1;  // run.seed takes values up to 2^63 - 1
}

std::vector<std::string> Experiment::overrides(std::size_t point, std::size_t run_arm) const {
  std::vector<std::string> out = scenario_overrides_;
  if (!arms_.empty()) out.insert(out.end(), arms_[run_arm].overrides.begin(), arms_[run_arm].overrides.end());
  const auto point_overrides = design_.overrides(point);
  out.insert(out.end(), point_overrides.begin(), point_overrides.end());
  if (random_numbers_ == RandomNumbers::independent) {
    out.push_back("run.seed=" + std::to_string(run_seed(point, run_arm)));
  }
  return out;
}

Scenario Experiment::scenario(std::size_t point, std::size_t run_arm) const {
  return Scenario::parse(base_->source_text(), base_->name(), overrides(point, run_arm), scenario_path_.parent_path());
}

void Experiment::check_points() const {
  const std::size_t total = points() * run_arms();
  std::mutex mutex;
  std::size_t first_bad = total;
  std::string first_message;
  const Scenario& base = *base_;
  parallel::for_each(
      total,
      [&](std::size_t i) {
        const std::size_t point = i / run_arms();
        const std::size_t arm = i % run_arms();
        std::string message;
        try {
          const Scenario s = scenario(point, arm);
          if (arms_.empty()) {
            bool same = s.arms().size() == base.arms().size();
            for (std::size_t a = 0; same && a < s.arms().size(); ++a) same = s.arms()[a].name == base.arms()[a].name;
            if (!same)
              message = "the design changes the scenario's arms; a sweep compares the same arms at every point";
          } else {
            const std::size_t index = arms_[arm].scenario_arm_index;
            if (index >= s.arms().size() || s.arms()[index].name != arms_[arm].scenario_arm) {
              message = "the design changes the scenario's arms (arm \"" + arms_[arm].scenario_arm + "\" moved)";
            }
          }
          if (message.empty() && !timeseries_.empty() &&
              mentorsim::observed_weeks(s.run().weeks, s.output().observe_every) != observed_weeks_) {
            message =
                "the design changes the observed weeks (run.weeks or output.observe_every), so time series "
                "cannot be kept";
          }
        } catch (const ScenarioError& e) {
          std::vector<std::string> lines;
          for (const auto& d : e.diagnostics()) lines.push_back(d.to_string());
          message = join(lines, "; ");
        }
        if (message.empty()) return;
        const std::lock_guard lock(mutex);
        if (i < first_bad) {
          first_bad = i;
          first_message = std::move(message);
        }
      },
      1);
  if (first_bad == total) return;
  const std::size_t point = first_bad / run_arms();
  const std::size_t arm = first_bad % run_arms();
  std::string where = "design point " + std::to_string(point);
  const auto point_overrides = design_.overrides(point);
  if (!point_overrides.empty()) where += " (" + join(point_overrides, ", ") + ")";
  if (!arms_.empty()) where += ", arm \"" + arms_[arm].name + "\"";
  throw ScenarioError({Diagnostic{SourceLocation{name_, 0, 0}, "", where + ": " + first_message}});
}

}  // namespace mentorsim::experiment
