#pragma once
// Every scenario key, declared once: its key, type, valid range, default, unit, meaning and source.
//
// The [dynamics.*] groups also say where each value lives in DynamicsSpec, and the scenario reader
// reads them from these declarations (read_dynamics_parameters): adding a dynamics parameter is one
// row here plus the struct member. The other groups describe what their readers in scenario.cpp do;
// tests/scenario/test_parameters.cpp checks every declared key, default and range against the reader
// (and that the reader records no undeclared key). `mentorsim info params` lists the declarations,
// and the parameter tables of docs/model.md are generated from them (scripts/update-docs; a test
// fails when the document and the declarations differ).
//
// Sources cite docs/calibration.md by figure id (C1, C2, ...) or the review the model comes from
// (Clarke et al. 2019), or say "assumption: <why>".

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/scenario/dynamics_spec.hpp"
#include "mentorsim/scenario/reader.hpp"

namespace mentorsim {
class Scenario;
}

namespace mentorsim::scenario {

enum class ValueType : std::uint8_t {
  real,     // a number in `range`
  integer,  // a whole number in [min, max]
  boolean,
  text,    // a string
  choice,  // one name of `allowed`
  list,    // an array (names, ids or weeks; see `allowed`)
  shares,  // a table of shares by name (`allowed`) summing to 1
  file,    // a path to an input file
};

struct Parameter {
  std::string key;  // relative to the group's table; one dot for a sub-table ("annual_rate.student")
  ValueType type = ValueType::real;
  Range range{0.0, 1.0};                           // real
  std::int64_t min = 0;                            // integer
  std::int64_t max = 0;                            // integer
  std::vector<std::string> defaults;               // as the documentation shows them; one per column of the group
  std::vector<std::string> defaults_json;          // each default as /meta/resolved_json records it; "" where it
                                                   // depends on other keys (then `defaults` says how)
  bool recorded = true;                            // false: kept out of /meta/resolved_json (does not change results)
  bool optional = false;                           // absent from /meta/resolved_json unless the scenario gives it
  std::string allowed;                             // choice, list, shares: the allowed values
  std::string rule;                                // a further check beyond the range ("< initial_quality")
  std::string unit;                                // "share", "weeks", "per meeting", ...; "" for none
  std::string meaning;                             // one line
  std::string source;                              // docs/calibration.md id, the review, or "assumption: ..."
  std::function<double(const DynamicsSpec&)> get;  // dynamics parameters: where the reader stores the value
  std::function<void(DynamicsSpec&, double)> set;

  // The valid values as the documentation shows them: "[0, 1]", "1–520", "off, exact, sampled, auto".
  [[nodiscard]] std::string range_text() const;
};

// How the documentation lays a group out.
enum class Layout : std::uint8_t {
  list,     // one row per key: key | default | range | unit | meaning | source
  by_kind,  // one default column per institution kind (hospital, university, research_institute)
  matrix,   // keys <row>.<column> (stage x domain) shown as a matrix of defaults, scalar keys as a list
};

struct ParameterGroup {
  std::string path;   // the table: "dynamics.exchange", "population.institutions[]" (each entry), "" for none
  std::string title;  // one line: what the group is
  Layout layout = Layout::list;
  std::vector<std::string> columns;  // by_kind: the kinds; matrix: the column names (rows come from keys)
  std::vector<Parameter> parameters;
  // Checks between keys of the group, run by the reader after the group's keys are read (dynamics only).
  std::function<void(Reader&, const DynamicsSpec&)> check;

  // The full key of a parameter: "dynamics.exchange.rate".
  [[nodiscard]] std::string full_key(const Parameter& p) const;
};

// Every group, in the order of docs/model.md's tables.
const std::vector<ParameterGroup>& parameter_groups();
// The group with this path, or nullptr.
const ParameterGroup* find_group(std::string_view path);
// The [dynamics.*] groups: these drive the reader.
std::vector<const ParameterGroup*> dynamics_groups();

// Reads every [dynamics.<group>] table of `dynamics` into `spec` from the declarations, with their
// ranges and checks; reports unknown keys. Records every value in the resolved table like any read.
void read_dynamics_parameters(Reader& dynamics, DynamicsSpec& spec);

// The group's table in Markdown, as docs/model.md contains it between its markers.
std::string markdown_table(const ParameterGroup& group);
// The marker lines that enclose a group's generated table in docs/model.md.
std::string markdown_begin_marker(const ParameterGroup& group);
std::string markdown_end_marker();

// resolved_json flattened to key path -> JSON text of the value: "dynamics.exchange.rate" -> "0.2",
// "population.institutions[0].professions.medicine" -> "0.24", "output.agent_fields" -> "[\"id\", ...]"
// (arrays of values are one leaf; arrays of tables are indexed). Throws std::invalid_argument on text
// that is not the JSON resolved_json writes.
std::map<std::string, std::string> flatten_json(std::string_view json);

// The keys the scenario's own text and --set overrides give (not the defaults), as key paths in the
// form of flatten_json ("arms[0].uptake"); a table given as a whole (professions = {...}) counts for
// each of its keys.
std::set<std::string> given_keys(const Scenario& scenario);

// The declared parameter a resolved key path belongs to (array indices ignored; an [[arms]] entry's
// program keys belong to the [program] group; a key inside a shares table to that table), with its
// group; {nullptr, nullptr} for an undeclared key.
struct ParameterMatch {
  const ParameterGroup* group = nullptr;
  const Parameter* parameter = nullptr;
};
ParameterMatch find_parameter(std::string_view key_path);

}  // namespace mentorsim::scenario
