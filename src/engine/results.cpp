#include "mentorsim/engine/results.hpp"

#include <cmath>
#include <limits>

#include "mentorsim/io/schema.hpp"

namespace mentorsim {
namespace {

template <class E, class T>
std::vector<T> codes_of(const std::vector<E>& values) {
  std::vector<T> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<T>(values[i]);
  return out;
}

template <class E>
std::vector<std::string> names_of() {
  return {EnumTraits<E>::names.begin(), EnumTraits<E>::names.end()};
}

}  // namespace

std::string replicate_group(Replicate replicate, std::string_view group) {
  if (replicate == 0) return std::string(group);
  return std::string(io::schema::kReplicates) + "/" + std::to_string(replicate) + std::string(group);
}

AgentNetworkMeasures measure_for_output(const CollegialNetwork& network, const Population& population,
                                        const Scenario& scenario, const RandomSource& random) {
  MeasureSelection selection;
  selection.clustering = scenario.wants_agent_field("clustering");
  selection.effective_size = scenario.wants_agent_field("effective_size");
  selection.constraint = scenario.wants_agent_field("constraint");
  AgentNetworkMeasures measures = measure_agents(network, population, selection);
  const OutputSpec& out = scenario.output();
  if (!scenario.wants_agent_field("betweenness")) return measures;
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
  file_.set_attribute("/", "schema_version", io::schema::kSchemaVersion);
  const std::string meta(io::schema::kMeta);
  file_.create_group(meta);
  file_.set_attribute(meta, "mentorsim_version", p.mentorsim_version);
  file_.set_attribute(meta, "git_commit", p.git_commit);
  file_.set_attribute(meta, "scenario_toml", p.scenario_toml);
  file_.set_attribute(meta, "scenario_path", p.scenario_path);
  file_.set_attribute(meta, "overrides", p.overrides);
  file_.set_attribute(meta, "resolved_json", p.resolved_json);
  file_.set_attribute(meta, "seed", p.seed);
  file_.set_attribute(meta, "replicates", p.replicates);
  file_.set_attribute(meta, "threads", p.threads);
  file_.set_attribute(meta, "created_utc", p.created_utc);
  file_.set_attribute(meta, "hostname", p.hostname);
  file_.set_attribute(meta, "dependencies", p.dependencies);
}

void ResultsWriter::write_codes(const Population& population, const std::vector<std::string>& arm_names) {
  const std::string codes(io::schema::kCodes);
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
  file_.write_strings(codes + "/institution", institutions);
  file_.write_strings(codes + "/institution_kind", institution_kinds);
  file_.write_strings(codes + "/unit", units);
  file_.write(codes + "/unit_institution", unit_institution);
  file_.write_strings(codes + "/profession", names_of<Profession>());
  file_.write_strings(codes + "/stage", names_of<CareerStage>());
  file_.write_strings(codes + "/domain", names_of<Domain>());
  file_.write_strings(codes + "/dyad_type", names_of<DyadType>());
  file_.write_strings(codes + "/formation", names_of<Formation>());
  file_.write_strings(codes + "/end_reason", names_of<EndReason>());
  file_.write_strings(codes + "/arm", arm_names);
}

void ResultsWriter::write_agents(const std::string& group, const SimulationState& state,
                                 const AgentNetworkMeasures& m) {
  const Population& pop = state.population;
  const ProgramState& program = state.program;
  file_.create_group(group);
  const std::size_t n = pop.size();
  auto want = [&](std::string_view field) { return scenario_.wants_agent_field(field); };
  auto path = [&](std::string_view field) { return group + "/" + std::string(field); };
  auto steps = [&](const std::vector<Step>& values) {
    std::vector<std::int32_t> out(n);
    for (std::size_t a = 0; a < n; ++a) out[a] = values[a] == kNever ? -1 : values[a];
    return out;
  };
  // Network measures cover the vertices of the last merge; later hires have no ties yet.
  auto padded = [&](auto values, auto fill) {
    values.resize(n, fill);
    return values;
  };
  if (want("id")) {
    std::vector<std::uint32_t> id(n);
    for (std::size_t a = 0; a < n; ++a) id[a] = static_cast<std::uint32_t>(a);
    file_.write(path("id"), id);
  }
  if (want("external_id")) file_.write(path("external_id"), pop.external_id);
  if (want("institution")) file_.write(path("institution"), pop.institution);
  if (want("unit")) file_.write(path("unit"), pop.unit);
  if (want("profession")) file_.write(path("profession"), codes_of<Profession, std::uint8_t>(pop.profession));
  if (want("stage")) file_.write(path("stage"), codes_of<CareerStage, std::uint8_t>(pop.stage));
  if (want("minority")) file_.write(path("minority"), pop.minority);
  if (want("joint_institution")) {
    std::vector<std::int16_t> joint(n);
    for (std::size_t a = 0; a < n; ++a) {
      joint[a] = pop.joint_institution[a] == kNoInstitution ? std::int16_t{-1}
                                                            : static_cast<std::int16_t>(pop.joint_institution[a]);
    }
    file_.write(path("joint_institution"), joint);
  }
  if (want("years")) file_.write(path("years"), pop.years);
  if (want("arm")) file_.write(path("arm"), program.arm);
  if (want("skills")) file_.write(path("skills"), std::span<const float>(pop.skills.data()), {n, kDomains});
  if (want("skills_initial")) {
    file_.write(path("skills_initial"), std::span<const float>(state.baseline.skills.data()), {n, kDomains});
  }
  if (want("confidence")) file_.write(path("confidence"), pop.confidence);
  if (want("confidence_initial")) file_.write(path("confidence_initial"), state.baseline.confidence);
  if (want("openness")) file_.write(path("openness"), pop.openness);
  if (want("time_budget")) file_.write(path("time_budget"), pop.time_budget);
  if (want("workload")) file_.write(path("workload"), pop.workload);
  if (want("satisfaction")) file_.write(path("satisfaction"), pop.satisfaction);
  if (want("satisfaction_initial")) file_.write(path("satisfaction_initial"), state.baseline.satisfaction);
  if (want("intent_to_leave")) file_.write(path("intent_to_leave"), pop.intent_to_leave);
  if (want("degree")) file_.write(path("degree"), padded(m.degree, std::uint32_t{0}));
  if (want("degree_initial")) file_.write(path("degree_initial"), state.baseline.degree);
  if (want("strength")) file_.write(path("strength"), padded(m.strength, 0.0f));
  if (want("cross_institution_ties"))
    file_.write(path("cross_institution_ties"), padded(m.cross_institution_ties, std::uint32_t{0}));
  constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
  if (want("effective_size")) file_.write(path("effective_size"), padded(m.effective_size, kNaN));
  if (want("constraint")) file_.write(path("constraint"), padded(m.constraint, kNaN));
  if (want("clustering")) file_.write(path("clustering"), padded(m.clustering, 0.0f));
  if (want("betweenness") && !m.betweenness.empty()) {
    file_.write(path("betweenness"), padded(m.betweenness, 0.0));
    file_.set_attribute(path("betweenness"), "method",
                        std::string_view(m.betweenness_info.exact ? "exact" : "sampled"));
    file_.set_attribute(path("betweenness"), "sources", static_cast<std::int64_t>(m.betweenness_info.sources));
    file_.set_attribute(path("betweenness"), "mean_standard_error", m.betweenness_info.mean_standard_error);
  }
  if (want("manager")) {
    std::vector<std::int64_t> manager(n);
    for (std::size_t a = 0; a < n; ++a)
      manager[a] = pop.manager[a] == kNoAgent ? -1 : static_cast<std::int64_t>(pop.manager[a]);
    file_.write(path("manager"), manager);
  }
  if (want("hired")) file_.write(path("hired"), pop.hired);
  if (want("left")) file_.write(path("left"), steps(pop.left));
  if (want("role")) file_.write(path("role"), program.role);
  if (want("eligible")) file_.write(path("eligible"), program.eligible);
  if (want("enrolled")) file_.write(path("enrolled"), program.enrolled);
  if (want("enrolled_week")) file_.write(path("enrolled_week"), steps(program.enrolled_week));
  if (want("matched_week")) file_.write(path("matched_week"), steps(program.matched_week));
}

void ResultsWriter::write_network(const std::string& group, const CollegialNetwork& network,
                                  const NetworkGenerationReport& report) {
  file_.create_group(group);
  const auto ties = network.ties();
  std::vector<std::uint32_t> src(ties.size());
  std::vector<std::uint32_t> dst(ties.size());
  std::vector<float> weight(ties.size());
  for (std::size_t k = 0; k < ties.size(); ++k) {
    src[k] = ties[k].a;
    dst[k] = ties[k].b;
    weight[k] = ties[k].weight;
  }
  file_.write(group + "/src", src);
  file_.write(group + "/dst", dst);
  file_.write(group + "/weight", weight);
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
