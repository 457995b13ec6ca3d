#include "mentorsim/engine/invariants.hpp"

#include <cmath>
#include <sstream>

#include "mentorsim/core/errors.hpp"

namespace mentorsim {
namespace {

std::string number(double value) {
  std::ostringstream out;
  out.precision(9);
  out << value;
  return out.str();
}

bool in_unit(double x) { return std::isfinite(x) && x >= 0.0 && x <= 1.0; }

}  // namespace

void check_invariants(const SimulationState& state, std::string_view stage) {
  const Population& pop = state.population;
  const std::string where(stage);
  auto fail = [&](const std::string& entity, const std::string& detail) {
    throw InvariantError(state.step, where, entity, detail);
  };
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (!pop.active(a)) continue;
    for (std::size_t d = 0; d < kDomains; ++d) {
      if (!in_unit(pop.skills.at(a, d))) {
        fail("agent " + std::to_string(a), "skill " + std::string(to_string(enum_at<Domain>(d))) + " = " +
                                               number(pop.skills.at(a, d)) + " is outside [0, 1]");
      }
    }
    const std::pair<const char*, float> traits[] = {{"confidence", pop.confidence[a]},
                                                    {"satisfaction", pop.satisfaction[a]},
                                                    {"intent_to_leave", pop.intent_to_leave[a]},
                                                    {"openness", pop.openness[a]},
                                                    {"time_budget", pop.time_budget[a]}};
    for (const auto& [name, value] : traits) {
      if (!in_unit(value)) fail("agent " + std::to_string(a), std::string(name) + " = " + number(value) + " is outside [0, 1]");
    }
  }
  for (UnitId u = 0; u < pop.psych_safety.size(); ++u) {
    if (!in_unit(pop.psych_safety[u])) fail("unit " + std::to_string(u), "psych_safety = " + number(pop.psych_safety[u]));
  }
  const DyadTable& dyads = state.dyads;
  std::vector<std::uint32_t> load(pop.size(), 0);
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (!dyads.active(d)) continue;
    const AgentId m = dyads.mentor[d];
    const AgentId e = dyads.mentee[d];
    const std::string entity = "dyad " + std::to_string(d);
    if (m == e) fail(entity, "mentor and mentee are the same agent " + std::to_string(m));
    if (!pop.active(m)) fail(entity, "mentor " + std::to_string(m) + " has left (week " + std::to_string(pop.left[m]) + ")");
    if (!pop.active(e)) fail(entity, "mentee " + std::to_string(e) + " has left (week " + std::to_string(pop.left[e]) + ")");
    if (!in_unit(dyads.quality[d])) fail(entity, "quality = " + number(dyads.quality[d]));
    ++load[m];
  }
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (load[a] == 0 && state.program.mentor_load[a] == 0) continue;
    if (load[a] != state.program.mentor_load[a]) {
      fail("agent " + std::to_string(a), "mentor load booked " + std::to_string(state.program.mentor_load[a]) +
                                             " but mentors " + std::to_string(load[a]) + " active dyads");
    }
    const std::uint32_t capacity = state.scenario->arms()[state.program.arm[a]].program.mentor_capacity;
    if (load[a] > capacity) {
      fail("agent " + std::to_string(a), "mentors " + std::to_string(load[a]) + " dyads, capacity " + std::to_string(capacity));
    }
  }
  const CollegialNetwork& net = state.network;
  for (AgentId u = 0; u < net.vertex_count(); ++u) {
    const auto row = net.neighbors(u);
    const auto w = net.weights(u);
    for (std::size_t k = 0; k < row.size(); ++k) {
      const std::string entity = "tie " + std::to_string(u) + "-" + std::to_string(row[k]);
      if (!in_unit(w[k])) fail(entity, "strength = " + number(w[k]));
      const float back = net.weight(row[k], u);
      if (back != w[k]) fail(entity, "strength " + number(w[k]) + " one way, " + number(back) + " the other");
    }
  }
}

}  // namespace mentorsim
