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

class Checker {
 public:
  Checker(const SimulationState& state, std::string_view stage) : state_(state), stage_(stage) {}

  [[noreturn]] void fail(const std::string& entity, const std::string& detail) const {
    throw InvariantError(state_.step, stage_, entity, detail);
  }

  void agents() const {
    const Population& pop = state_.population;
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
        if (!in_unit(value)) {
          fail("agent " + std::to_string(a), std::string(name) + " = " + number(value) + " is outside [0, 1]");
        }
      }
    }
  }

  void units() const {
    const auto& psi = state_.population.psych_safety;
    for (UnitId u = 0; u < psi.size(); ++u) {
      if (!in_unit(psi[u]))
        fail("unit " + std::to_string(u), "psych_safety = " + number(psi[u]) + " is outside [0, 1]");
    }
  }

  void dyads() const {
    const Population& pop = state_.population;
    const DyadTable& dyads = state_.dyads;
    std::vector<std::uint32_t> load(pop.size(), 0);
    std::vector<std::uint32_t> informal_load(pop.size(), 0);
    std::vector<std::uint32_t> informal_mentees(pop.size(), 0);
    for (DyadId d = 0; d < dyads.size(); ++d) {
      if (!dyads.active(d)) continue;
      const AgentId m = dyads.mentor[d];
      const AgentId e = dyads.mentee[d];
      const std::string entity = "dyad " + std::to_string(d);
      if (m == e) fail(entity, "mentor and mentee are the same agent " + std::to_string(m));
      if (!pop.active(m)) fail(entity, "mentor " + std::to_string(m) + " left in week " + std::to_string(pop.left[m]));
      if (!pop.active(e)) fail(entity, "mentee " + std::to_string(e) + " left in week " + std::to_string(pop.left[e]));
      if (!in_unit(dyads.quality[d])) fail(entity, "quality = " + number(dyads.quality[d]) + " is outside [0, 1]");
      if (dyads.formation[d] == Formation::informal) {
        ++informal_load[m];
        ++informal_mentees[e];
      } else {
        ++load[m];
      }
    }
    const std::uint32_t informal_capacity = state_.scenario->dynamics().informal.capacity;
    for (AgentId a = 0; a < pop.size(); ++a) {
      if (informal_load[a] != state_.program.informal_mentor_load[a] ||
          informal_mentees[a] != state_.program.informal_mentee_load[a]) {
        fail("agent " + std::to_string(a),
             "informal loads booked " + std::to_string(state_.program.informal_mentor_load[a]) + "/" +
                 std::to_string(state_.program.informal_mentee_load[a]) +
                 " but active informal dyads as mentor/mentee " + std::to_string(informal_load[a]) + "/" +
                 std::to_string(informal_mentees[a]));
      }
      if (informal_load[a] > informal_capacity || informal_mentees[a] > 1) {
        fail("agent " + std::to_string(a), "mentors " + std::to_string(informal_load[a]) +
                                               " informal dyads (capacity " + std::to_string(informal_capacity) +
                                               "), is mentee in " + std::to_string(informal_mentees[a]));
      }
    }
    for (AgentId a = 0; a < pop.size(); ++a) {
      if (load[a] == 0 && state_.program.mentor_load[a] == 0) continue;
      if (load[a] != state_.program.mentor_load[a]) {
        fail("agent " + std::to_string(a), "mentor load booked " + std::to_string(state_.program.mentor_load[a]) +
                                               " but mentors " + std::to_string(load[a]) + " active dyads");
      }
      const std::uint32_t capacity = state_.scenario->arms()[state_.program.arm[a]].program.mentor_capacity;
      if (load[a] > capacity) {
        fail("agent " + std::to_string(a),
             "mentors " + std::to_string(load[a]) + " dyads, capacity " + std::to_string(capacity));
      }
    }
  }

  void network() const {
    const CollegialNetwork& net = state_.network;
    for (AgentId u = 0; u < net.vertex_count(); ++u) {
      const auto row = net.neighbors(u);
      const auto w = net.weights(u);
      for (std::size_t k = 0; k < row.size(); ++k) {
        if (!in_unit(w[k]))
          fail("tie " + std::to_string(u) + "-" + std::to_string(row[k]), "strength = " + number(w[k]));
        const float back = net.weight(row[k], u);
        if (back != w[k]) {
          fail("tie " + std::to_string(u) + "-" + std::to_string(row[k]),
               "strength " + number(w[k]) + " one way, " + number(back) + " the other");
        }
      }
    }
  }

 private:
  const SimulationState& state_;
  std::string stage_;
};

}  // namespace

void check_invariants(const SimulationState& state, std::string_view stage, unsigned scope) {
  const Checker checker(state, stage);
  if (scope & check_agents) checker.agents();
  if (scope & check_units) checker.units();
  if (scope & check_dyads) checker.dyads();
  if (scope & check_network) checker.network();
}

}  // namespace mentorsim
