#include "mentorsim/engine/results.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "mentorsim/engine/fields.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/io/schema.hpp"

namespace mentorsim {
namespace {

template <class E>
std::vector<std::string> names_of() {
  return {EnumTraits<E>::names.begin(), EnumTraits<E>::names.end()};
}

// A per-agent field, checked against the field table at compile time.
consteval std::string_view agent_field(std::string_view name) {
  for (std::string_view field : kAgentFields) {
    if (field == name) return name;
  }
  throw "not a per-agent field of kAgentFields";
}

}  // namespace

bool betweenness_left_out(const Scenario& scenario, std::size_t agents) {
  const OutputSpec& out = scenario.output();
  return scenario.wants_agent_field(agent_field("betweenness")) && out.betweenness == BetweennessMode::automatic &&
         agents > out.betweenness_sampled_max;
}

AgentNetworkMeasures measure_for_output(const CollegialNetwork& network, const Population& population,
                                        const Scenario& scenario, const RandomSource& random) {
  MeasureSelection selection;
  selection.clustering = scenario.wants_agent_field(agent_field("clustering"));
  selection.effective_size = scenario.wants_agent_field(agent_field("effective_size"));
  selection.constraint = scenario.wants_agent_field(agent_field("constraint"));
  AgentNetworkMeasures measures = measure_agents(network, population, selection);
  const OutputSpec& out = scenario.output();
  if (!scenario.wants_agent_field(agent_field("betweenness"))) return measures;
  const std::size_t n = network.vertex_count();
  switch (out.betweenness) {
    case BetweennessMode::off:
      return measures;
    case BetweennessMode::exact:
      measures.betweenness_info = betweenness_exact(network);
      break;
    case BetweennessMode::sampled:
      measures.betweenness_info = betweenness_sampled(network, out.betweenness_sources, random);
      break;
    case BetweennessMode::automatic:
      if (betweenness_left_out(scenario, n)) return measures;
      measures.betweenness_info = n <= out.betweenness_exact_max
                                      ? betweenness_exact(network)
                                      : betweenness_sampled(network, out.betweenness_sources, random);
      break;
  }
  measures.betweenness = measures.betweenness_info.value;
  return measures;
}

ResultsWriter::ResultsWriter(const Scenario& scenario, const std::filesystem::path& path)
    : scenario_(scenario),
      file_(path) {}

void ResultsWriter::write_provenance(const io::Provenance& p) {
  file_.set_attribute(io::schema::kRoot, "schema_version", io::schema::kSchemaVersion);
  const std::string meta(io::schema::kMeta);
  file_.create_group(meta);
  file_.set_attribute(meta, "mentorsim_version", p.mentorsim_version);
  file_.set_attribute(meta, "git_commit", p.git_commit);
  file_.set_attribute(meta, "scenario_toml", p.scenario_toml);
  file_.set_attribute(meta, "scenario_path", p.scenario_path);
  file_.set_attribute(meta, "overrides", p.overrides);
  file_.set_attribute(meta, "resolved_json", p.resolved_json);
  // The ablation, stated on its own (it is also in scenario_toml and resolved_json): a JSON array of
  // the switched-off submodels in schedule order, "[]" when every submodel ran.
  std::string disabled = "[";
  for (std::string_view name : disabled_stage_names(scenario_)) {
    if (disabled.size() > 1) disabled += ", ";
    disabled += '"';
    disabled += name;
    disabled += '"';
  }
  file_.set_attribute(meta, "disabled_submodels", disabled + "]");
  file_.set_attribute(meta, "seed", p.seed);
  file_.set_attribute(meta, "replicates", p.replicates);
  file_.set_attribute(meta, "threads", p.threads);
  file_.set_attribute(meta, "created_utc", p.created_utc);
  file_.set_attribute(meta, "hostname", p.hostname);
  file_.set_attribute(meta, "dependencies", p.dependencies);
  file_.set_attribute(meta, "compiler", p.compiler);
  file_.set_attribute(meta, "compile_flags", p.compile_flags);
  file_.set_attribute(meta, "build_type", p.build_type);
}

void ResultsWriter::write_codes(const Population& population, const std::vector<std::string>& arm_names) {
  using io::schema::codes_table;
  std::vector<std::string> institutions;
  std::vector<std::string> institution_kinds;
  for (const auto& inst : population.institutions) {
    institutions.push_back(inst.name);
    institution_kinds.emplace_back(to_string(inst.kind));
  }
  std::vector<std::string> units;
  std::vector<std::uint16_t> unit_institution;
  for (const auto& u : population.units) {
    units.push_back(u.code);
    unit_institution.push_back(u.institution);
  }
  // In the order of code_tables() (engine/fields.hpp), which documents each one.
  file_.write_strings(codes_table("institution"), institutions);
  file_.write_strings(codes_table("institution_kind"), institution_kinds);
  file_.write_strings(codes_table("unit"), units);
  file_.write(codes_table("unit_institution"), unit_institution);
  file_.write_strings(codes_table("profession"), names_of<Profession>());
  file_.write_strings(codes_table("stage"), names_of<CareerStage>());
  file_.write_strings(codes_table("domain"), names_of<Domain>());
  file_.write_strings(codes_table("dyad_type"), names_of<DyadType>());
  file_.write_strings(codes_table("formation"), names_of<Formation>());
  file_.write_strings(codes_table("end_reason"), names_of<EndReason>());
  file_.write_strings(codes_table("arm"), arm_names);
  for (const CodeTable& table : code_tables()) label(codes_table(table.info.name), table.info);
}

void ResultsWriter::label(const std::string& path, const FieldInfo& info) {
  if (!info.codes.empty()) {
    file_.set_attribute(path, io::schema::kCodesAttribute, io::schema::codes_table(info.codes));
  }
  if (!info.columns.empty()) {
    file_.set_attribute(path, io::schema::kColumnsAttribute, io::schema::codes_table(info.columns));
  }
}

void ResultsWriter::write_agents(const std::string& group, const SimulationState& state, const DyadTable& dyads,
                                 const AgentNetworkMeasures& measures) {
  file_.create_group(group);
  const AgentSnapshot snapshot{state, dyads, measures};
  for (const AgentField& field : agent_fields()) {
    if (!scenario_.wants_agent_field(field.info.name)) continue;
    const std::string path = group + "/" + std::string(field.info.name);
    if (field.write(file_, path, snapshot)) label(path, field.info);
  }
}

void ResultsWriter::write_dyads(const DyadRecords& records) {
  const std::string group(io::schema::kDyads);
  file_.create_group(group);
  for (const DyadField& field : dyad_fields()) {
    const std::string path = group + "/" + std::string(field.info.name);
    field.write(file_, path, records);
    label(path, field.info);
  }
}

void ResultsWriter::write_network(const std::string& group, const CollegialNetwork& network,
                                  const NetworkGenerationReport& report) {
  file_.create_group(group);
  // The ties in the order of CollegialNetwork::ties() (each once, a < b, sorted), one column at a
  // time and each column made a piece at a time as it is compressed: the run's state and the file
  // being built are in memory too, and a whole column is 4 bytes a tie (26 MB at 1M staff).
  const std::vector<std::uint64_t> offset = network.tie_offsets();
  const std::span<const float> weights = network.arc_weights();
  const auto column = [&](const char* name, auto value) {
    using T = decltype(value(AgentId{}, AgentId{}, std::uint64_t{}));
    file_.write_generated(group + name, io::element_type_of<T>(), {offset.back()},
                          [&](std::uint64_t begin, std::uint64_t count, void* out) {
                            T* piece = static_cast<T*>(out);
                            network.for_each_tie_in(offset, begin, begin + count,
                                                    [&](std::uint64_t k, AgentId a, AgentId b, std::uint64_t arc) {
                                                      piece[k - begin] = value(a, b, arc);
                                                    });
                          });
  };
  column("/src", [](AgentId a, AgentId, std::uint64_t) { return std::uint32_t{a}; });
  column("/dst", [](AgentId, AgentId b, std::uint64_t) { return std::uint32_t{b}; });
  column("/weight", [&](AgentId, AgentId, std::uint64_t arc) { return weights[arc]; });
  file_.set_attribute(group, "target_mean_degree", report.target_mean_degree);
  file_.set_attribute(group, "achieved_mean_degree", report.achieved_mean_degree);
  file_.set_attribute(group, "target_clustering", report.target_clustering);
  file_.set_attribute(group, "calibrated_clustering", report.calibrated_clustering);
  file_.set_attribute(group, "closure_share", report.closure_share);
  file_.set_attribute(group, "calibration_rounds", static_cast<std::int64_t>(report.calibration_rounds));
  file_.set_attribute(group, "note", report.note);
}

void ResultsWriter::commit(double elapsed_seconds) {
  file_.set_attribute(io::schema::kMeta, "elapsed_seconds", elapsed_seconds);
  file_.commit();
}

}  // namespace mentorsim
