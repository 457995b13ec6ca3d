#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "commands.hpp"
#include "common.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/scenario/parameters.hpp"
#include "mentorsim/scenario/scenario.hpp"

namespace mentorsim::cli {
namespace {

struct InfoParamsArgs {
  std::string scenario;           // empty: the defaults
  std::vector<std::string> sets;  // --set overrides
  bool markdown = false;
  std::string group;     // only this group ("dynamics.exchange"); empty: all
  bool changed = false;  // only the keys the scenario gives
};

using scenario::Parameter;
using scenario::ParameterGroup;
using scenario::ValueType;

std::optional<double> as_number(std::string_view text) {
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string shortest(double value) {
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc{} ? std::string(buffer.data(), end) : std::to_string(value);
}

// A resolved JSON value as a person reads it: strings without quotes, numbers in shortest form.
std::string display(std::string_view json) {
  if (json.size() >= 2 && json.front() == '"') return std::string(json.substr(1, json.size() - 2));
  if (auto number = as_number(json)) return shortest(*number);
  std::string out;
  for (char c : json) {
    if (c != '"') out += c;
  }
  return out;
}

bool same_value(std::string_view a, std::string_view b) {
  const auto x = as_number(a);
  const auto y = as_number(b);
  if (x && y) return *x == *y;
  return a == b;
}

// Whether the scenario text or a --set gives this key, a table containing it, or (for a table of
// shares) any key inside it.
bool is_given(const std::set<std::string>& given, const std::string& key) {
  if (const auto inside = given.lower_bound(key + "."); inside != given.end() && inside->starts_with(key + ".")) {
    return true;
  }
  for (std::string prefix = key;;) {
    if (given.contains(prefix)) return true;
    const auto cut = prefix.find_last_of(".[");
    if (cut == std::string::npos) return false;
    prefix.resize(cut);
  }
}

void print_doc(const Parameter& p) { std::cout << "      " << p.meaning << "\n      source: " << p.source << "\n"; }

std::string range_and_unit(const Parameter& p) {
  std::string out = p.range_text();
  if (!p.unit.empty()) out += (out.empty() ? "" : "; ") + p.unit;
  return out.empty() ? "" : "  (" + out + ")";
}

void print_defaults(const std::vector<const ParameterGroup*>& groups) {
  std::cout << "mentorsim parameters: every scenario key with its default, valid values, unit, meaning and source.\n"
            << "Sources: docs/calibration.md (figures C1, C2, ...), the review (Clarke et al. 2019), or an "
               "assumption.\n";
  for (const ParameterGroup* g : groups) {
    std::cout << "\n[" << g->path << "] " << g->title << "\n";
    for (const Parameter& p : g->parameters) {
      std::string value;
      for (std::size_t i = 0; i < p.defaults.size(); ++i) {
        if (i > 0) value += ", ";
        value += g->columns.size() == p.defaults.size() && g->layout == scenario::Layout::by_kind
                     ? g->columns[i] + ": " + p.defaults[i]
                     : p.defaults[i];
      }
      std::cout << "  " << g->full_key(p) << " = " << value << range_and_unit(p) << "\n";
      print_doc(p);
    }
  }
}

// The values of one declared parameter in a resolved scenario: (key path, display value, default JSON).
struct Value {
  std::size_t table = 0;  // which entry of an array of tables ([[arms]], institutions); 0 otherwise
  const Parameter* parameter = nullptr;
  std::string key;
  std::string shown;
  std::string json;      // "" for shares tables and values not in resolved_json
  std::string fallback;  // the default to compare with, as JSON; "" if none applies
};

std::vector<Value> values_of(const ParameterGroup& g, const Parameter& p, const Scenario& s,
                             const std::map<std::string, std::string>& resolved) {
  std::vector<std::string> tables;  // the tables that hold this group's keys in the resolved scenario
  std::string array = g.path.ends_with("[]") ? g.path.substr(0, g.path.size() - 2) : "";
  if (g.path == "program" && !resolved.contains("program.kind")) {
    if (p.key == "name") return {};  // an arm's name is listed with the [[arms]] keys
    array = "arms";
  }
  if (array.empty()) {
    tables.push_back(g.path);
  } else {
    for (std::size_t i = 0;; ++i) {
      const std::string prefix = array + "[" + std::to_string(i) + "]";
      if (resolved.lower_bound(prefix + ".") == resolved.lower_bound(prefix + "/")) break;
      tables.push_back(prefix);
    }
  }
  std::vector<Value> out;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    const std::string& table = tables[t];
    Value v;
    v.table = t;
    v.parameter = &p;
    v.key = table + "." + p.key;
    if (g.layout == scenario::Layout::by_kind) {
      const auto kind = resolved.find(table + ".kind");
      for (std::size_t k = 0; kind != resolved.end() && k < g.columns.size(); ++k) {
        if (display(kind->second) == g.columns[k]) v.fallback = p.defaults_json.at(k);
      }
    } else if (!p.defaults_json.empty()) {
      v.fallback = p.defaults_json.front();
    }
    if (!p.recorded) {
      if (v.key == "run.threads") v.shown = std::to_string(s.run().threads);
      if (v.key == "output.path") v.shown = s.output().path.string();
      v.fallback.clear();
    } else if (p.type == ValueType::shares) {
      // In the order of the allowed names ("medicine, nursing, ...").
      std::size_t begin = 0;
      while (begin < p.allowed.size()) {
        const auto comma = p.allowed.find(", ", begin);
        const std::string name =
            p.allowed.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
        begin = comma == std::string::npos ? p.allowed.size() : comma + 2;
        if (auto it = resolved.find(v.key + "." + name); it != resolved.end()) {
          v.shown += (v.shown.empty() ? "" : ", ") + name + " " + display(it->second);
        }
      }
    } else if (auto it = resolved.find(v.key); it != resolved.end()) {
      v.json = it->second;
      v.shown = display(it->second);
    } else {
      v.shown = p.optional ? "not given" : "not recorded";
      v.fallback.clear();
    }
    out.push_back(std::move(v));
  }
  return out;
}

void print_scenario(const std::vector<const ParameterGroup*>& groups, const Scenario& s, bool changed_only) {
  const auto resolved = scenario::flatten_json(s.resolved_json());
  const auto given = scenario::given_keys(s);
  std::cout << "mentorsim parameters of " << s.name()
            << ": the value of every key; * marks the keys the scenario or --set gives, and a value that differs "
               "from the default shows the default.\n"
            << "Sources: docs/calibration.md (figures C1, C2, ...), the review (Clarke et al. 2019), or an "
               "assumption.\n";
  for (const ParameterGroup* g : groups) {
    // Entry by entry for arrays of tables (all keys of the first institution, then the second...).
    std::vector<Value> values;
    for (const Parameter& p : g->parameters) {
      for (Value& v : values_of(*g, p, s, resolved)) values.push_back(std::move(v));
    }
    std::stable_sort(values.begin(), values.end(), [](const Value& a, const Value& b) { return a.table < b.table; });
    bool heading = false;
    for (const Value& v : values) {
      const bool mark = is_given(given, v.key);
      if (changed_only && !mark) continue;
      if (!heading) {
        std::cout << "\n[" << g->path << "] " << g->title << "\n";
        heading = true;
      }
      std::cout << (mark ? "* " : "  ") << v.key << " = " << v.shown;
      if (!v.json.empty() && !v.fallback.empty() && !same_value(v.json, v.fallback)) {
        std::cout << "  [default " << display(v.fallback) << "]";
      }
      std::cout << range_and_unit(*v.parameter) << "\n";
      print_doc(*v.parameter);
    }
  }
}

int bad_input(const std::string& message) { throw UsageError(message); }

int info_params_command(const InfoParamsArgs& args);

}  // namespace

// `info params`, registered after `info` (add_info_commands) so that it runs when given.
void add_info_params_commands(CLI::App& app, Commands& commands) {
  CLI::App* info = app.get_subcommand("info");
  static InfoParamsArgs args;
  CLI::App* params = info->add_subcommand(
      "params", "Every scenario key: default (or a scenario's value), range, unit, meaning and source");
  params->add_option("scenario", args.scenario, "Scenario file (TOML); without it, the defaults");
  params->add_option("--set", args.sets, "Override a scenario key, e.g. --set network.mean_degree=12 (repeatable)")
      ->type_name("KEY=VALUE");
  params->add_flag("--markdown", args.markdown, "Print the parameter tables of docs/model.md (defaults)");
  params->add_option("--group", args.group, "Only this group, e.g. dynamics.exchange or population.institutions[]");
  params->add_flag("--changed", args.changed, "Only the keys the scenario or --set gives");
  commands.push_back({params, [] { return info_params_command(args); }});
}

namespace {

int info_params_command(const InfoParamsArgs& args) {
  std::vector<const ParameterGroup*> groups;
  for (const auto& g : scenario::parameter_groups()) {
    if (args.group.empty() || g.path == args.group) groups.push_back(&g);
  }
  if (groups.empty()) {
    std::string known;
    for (const auto& g : scenario::parameter_groups()) known += (known.empty() ? "" : ", ") + g.path;
    return bad_input("--group: unknown parameter group \"" + args.group + "\"; the groups are " + known);
  }
  const bool scenario_given = !args.scenario.empty() || !args.sets.empty();
  if (args.markdown) {
    if (scenario_given) return bad_input("--markdown prints the documented defaults: give no scenario or --set");
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (i > 0) std::cout << "\n";
      std::cout << scenario::markdown_begin_marker(*groups[i]) << "\n"
                << scenario::markdown_table(*groups[i]) << scenario::markdown_end_marker() << "\n";
    }
    return 0;
  }
  if (!scenario_given) {
    if (args.changed) return bad_input("--changed needs a scenario (or --set)");
    print_defaults(groups);
    return 0;
  }
  const Scenario s =
      args.scenario.empty() ? Scenario::parse("", "(defaults)", args.sets) : Scenario::load(args.scenario, args.sets);
  print_scenario(groups, s, args.changed);
  return 0;
}

}  // namespace
}  // namespace mentorsim::cli
