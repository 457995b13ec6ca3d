#pragma once
// The results file of one `mentorsim run`: provenance, code tables, per-agent snapshots and the
// collegial network, in the layout of docs/hdf5-schema.md. Written atomically (io::OutputFile).

#include <filesystem>
#include <string>
#include <vector>

#include "mentorsim/dynamics/state.hpp"
#include "mentorsim/engine/fields.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/io/provenance.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/network_generator.hpp"
#include "mentorsim/world/network_measures.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim {

class ResultsWriter {
 public:
  // Opens the temporary output at once, so an unwritable path fails before any simulation.
  ResultsWriter(const Scenario& scenario, const std::filesystem::path& path);

  io::OutputFile& file() noexcept { return file_; }

  void write_provenance(const io::Provenance& provenance);
  // /codes: the names behind every integer code (institutions and units from this population).
  void write_codes(const Population& population, const std::vector<std::string>& arm_names);
  // Per-agent fields chosen in [output] under `group` (e.g. "/agents/final"), from agent_fields().
  // The per-agent fields; `dyads` is the state's dyad table, or the one taken over from it at the end.
  void write_agents(const std::string& group, const SimulationState& state, const DyadTable& dyads,
                    const AgentNetworkMeasures& measures);
  // /dyads: every dyad of every replicate, from dyad_fields().
  void write_dyads(const DyadRecords& dyads);
  // Every tie once (src < dst) with its strength, and the generator's report as attributes.
  void write_network(const std::string& group, const CollegialNetwork& network, const NetworkGenerationReport& report);
  // Timing attributes, then the atomic rename.
  void commit(double elapsed_seconds);

 private:
  // The `codes` and `columns` attributes a field declares.
  void label(const std::string& path, const FieldInfo& info);

  const Scenario& scenario_;
  io::OutputFile file_;
};

// Whether output.betweenness = "auto" leaves betweenness out of a snapshot of `agents` agents
// (more than output.betweenness_sampled_max); only when the betweenness field is wanted at all.
[[nodiscard]] bool betweenness_left_out(const Scenario& scenario, std::size_t agents);

// Network measures per agent, with betweenness as [output] asks.
AgentNetworkMeasures measure_for_output(const CollegialNetwork& network, const Population& population,
                                        const Scenario& scenario, const RandomSource& random);

}  // namespace mentorsim
