#pragma once
// The output fields of the results file, each declared once with its HDF5 type, shape, unit,
// description, code table and the function that writes it: per-agent fields (/agents/final and the
// snapshots), per-dyad fields (/dyads), time-series metrics (/timeseries) and code tables (/codes).
// The writers (engine/results.cpp, engine/observer.cpp) and the tables of docs/hdf5-schema.md are
// made from these tables (a test checks the document against them and against a written file).
//
// Adding a field: a row in the table below that holds its kind (src/engine/fields.cpp), with its
// writer; a per-agent field's name must also be added, at the same place, to kAgentFields
// (scenario/scenario.hpp: `output.agent_fields` accepts it), which a static_assert checks. Then
// regenerate the docs (scripts/update-docs).

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/dynamics/state.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/world/network_measures.hpp"

namespace mentorsim {

// What every field declares for the file and its documentation.
struct FieldInfo {
  std::string_view name;
  std::string_view type;                   // HDF5 type as documented: uint8 .. int64, float32, float64, string
  std::string_view shape;                  // e.g. "[N]", "[N, 6]", "[D]"
  std::string_view unit;                   // "–" when the value is a code, an id or a flag
  std::string_view description;            // one line
  std::string_view codes = {};             // the /codes table naming its values ("stage"), or empty
  std::string_view columns = {};           // the /codes table naming its columns ("domain"), or empty
  std::string_view extra_attributes = {};  // further attributes it carries, comma-separated
};

// --- Per-agent fields ----------------------------------------------------------------------------

// What a per-agent writer reads: the state, the dyad table (the state's own during the run; at its
// end the table the observer has taken over) and the network measures of the snapshot.
struct AgentSnapshot {
  const SimulationState& state;
  const DyadTable& dyads;
  const AgentNetworkMeasures& measures;
};

struct AgentField {
  FieldInfo info;
  // Writes the field as dataset `path`; returns false if there is nothing to write (betweenness when
  // not computed).
  bool (*write)(io::OutputFile& file, const std::string& path, const AgentSnapshot& snapshot);
};

// Every per-agent field, in the order of kAgentFields.
std::span<const AgentField> agent_fields();

// --- Per-dyad fields -----------------------------------------------------------------------------

// Every dyad of every replicate: one table per replicate, in replicate order, with the replicate of
// each table. A group id in a table is already offset by the dyads of the tables before it, so that
// it indexes the joined dyads.
struct DyadRecords {
  std::span<const DyadTable> tables;
  std::span<const Replicate> replicate;  // per table
};

struct DyadField {
  FieldInfo info;
  void (*write)(io::OutputFile& file, const std::string& path, const DyadRecords& records);
};

std::span<const DyadField> dyad_fields();

// --- Time series ---------------------------------------------------------------------------------

// The metrics of /timeseries. A metric by domain is one dataset per skill domain, skill_<domain>.
enum class Metric : std::uint8_t {
  n,
  n_initial,
  retained,
  leavers,
  hires,
  skill,
  confidence,
  satisfaction,
  intent_to_leave,
  psych_safety,
  degree,
  strength,
  cross_institution_ties,
  in_mentoring,
  mentoring_as_mentor,
  mentoring_as_mentee,
  meetings,
  // Issue 16 outcomes (docs/model.md 7.22).
  promoted,
  enthusiasm,
  papers,
};
inline constexpr std::size_t kMetricCount = static_cast<std::size_t>(Metric::papers) + 1;

// How a group's value is made from the sums over its agents.
enum class Aggregate : std::uint8_t {
  count,             // the sum itself
  share_of_initial,  // the sum over the group's initial staff divided by their number
  mean,              // the sum over active agents divided by their number (NaN for none)
};

struct MetricInfo {
  Metric metric;
  std::string_view name;  // or the prefix of <name>_<domain>
  bool by_domain;
  Aggregate aggregate;
  std::string_view unit;
  std::string_view description;
};

const std::array<MetricInfo, kMetricCount>& metric_table();

// The column (and /timeseries dataset) of a metric and domain: metrics in table order, a metric by
// domain taking kDomains columns.
constexpr std::size_t metric_column(Metric metric, std::size_t domain = 0) {
  const auto m = static_cast<std::size_t>(metric);
  const std::size_t skill = static_cast<std::size_t>(Metric::skill);
  return m <= skill ? m + domain : m + kDomains - 1;
}
inline constexpr std::size_t kMetricColumns = metric_column(Metric::papers) + 1;

// The dataset name of each column, in column order.
const std::vector<std::string>& timeseries_names();

// --- Code tables ---------------------------------------------------------------------------------

// What /codes/<name> holds; `values` names the dataset it is indexed by.
struct CodeTable {
  FieldInfo info;
};
std::span<const CodeTable> code_tables();

// --- Documentation -------------------------------------------------------------------------------

// Markdown rows (with header) for docs/hdf5-schema.md: one row per dataset, with its full path.
std::string agent_fields_markdown();
std::string dyad_fields_markdown();
std::string timeseries_markdown();
std::string outcomes_markdown();
std::string codes_markdown();

}  // namespace mentorsim
