#pragma once
// Hand-built worlds of a few agents in one unit of one institution, for submodel tests whose answer
// can be worked out on paper. Every trait is set explicitly; nothing is drawn.

#include <array>
#include <string>
#include <vector>

#include "mentorsim/dynamics/stage.hpp"
#include "mentorsim/dynamics/state.hpp"
#include "mentorsim/program/calendar.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim::test {

struct TinyAgent {
  CareerStage stage = CareerStage::early_career;
  Profession profession = Profession::medicine;
  std::array<float, kDomains> skills{0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
  float confidence = 0.5f;
  float openness = 1.0f;
  float time_budget = 1.0f;
  float workload = 0.6f;  // the default workload_reference: the burden is the time share
  float satisfaction = 0.65f;
  bool minority = false;
  AgentId manager = kNoAgent;
};

// One institution named "h" (hierarchy h) with one unit of psychological safety psi.
inline World tiny_world(const std::vector<TinyAgent>& agents, std::vector<Tie> ties, double hierarchy, double psi) {
  World world;
  Population& pop = world.population;
  pop.institutions.push_back(InstitutionInfo{"h", InstitutionKind::hospital, hierarchy, 0, 1});
  pop.units.push_back(UnitInfo{0, "h/0"});
  pop.psych_safety.push_back(static_cast<float>(psi));
  pop.flattening.push_back(0.0f);
  pop.resize(agents.size());
  for (AgentId a = 0; a < agents.size(); ++a) {
    const TinyAgent& t = agents[a];
    pop.external_id[a] = a;
    pop.institution[a] = 0;
    pop.unit[a] = 0;
    pop.profession[a] = t.profession;
    pop.stage[a] = t.stage;
    pop.minority[a] = t.minority ? 1 : 0;
    pop.manager[a] = t.manager;
    for (std::size_t d = 0; d < kDomains; ++d) pop.skills.at(a, d) = t.skills[d];
    pop.confidence[a] = t.confidence;
    pop.openness[a] = t.openness;
    pop.time_budget[a] = t.time_budget;
    pop.workload[a] = t.workload;
    pop.satisfaction[a] = t.satisfaction;
  }
  world.network = CollegialNetwork(static_cast<AgentId>(agents.size()), std::move(ties));
  return world;
}

// A scenario for a tiny world of `size` staff in institution "h": no diffusion, no turnover, plus
// the extra TOML given (program, dynamics overrides).
inline Scenario tiny_scenario(std::size_t size, const std::string& extra) {
  const std::string text =
      "[run]\nseed = 7\nweeks = 20\n"
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = " +
      std::to_string(size) +
      "\nunits = 1\nprofessions = { medicine = 1.0 }\n"
      "stages = { early_career = 0.5, senior = 0.5 }\n"
      "[dynamics.diffusion]\nrate = 0.0\n"
      "[dynamics.turnover.annual_rate]\nstudent = 0.0\nearly_career = 0.0\n"
      "mid_career = 0.0\nsenior = 0.0\n"
      "[dynamics.turnover.promotion_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.0\n" +
      extra;
  return Scenario::parse(text, "tiny.toml");
}

// A junior mentor (agent 0: digital 0.9, clinical 0.4) and a senior mentee (agent 1: digital 0.3,
// clinical 0.8, openness 0.5) in one unit.
inline std::vector<TinyAgent> junior_and_senior(float mentor_confidence) {
  TinyAgent junior;
  junior.stage = CareerStage::early_career;
  junior.skills = {0.4f, 0.9f, 0.5f, 0.5f, 0.5f, 0.5f};
  junior.confidence = mentor_confidence;
  TinyAgent senior;
  senior.stage = CareerStage::senior;
  senior.skills = {0.8f, 0.3f, 0.5f, 0.5f, 0.5f, 0.5f};
  senior.openness = 0.5f;
  return {junior, senior};
}

// A reverse program that starts at week 0.
inline constexpr const char* kReverseProgram = "[program]\nkind = \"reverse\"\nstart_week = 0\n";

// Forms an assigned dyad of arm 0 at the state's week with the given quality, as the calendar stage
// would: the dyad constants are extended and the list of active dyads refreshed.
inline DyadId add_dyad(SimulationState& state, AgentId mentor, AgentId mentee, float quality) {
  ProgramWorld world{state.population, state.population.confidence, state.network, state.dyads, state.program};
  const DyadId d = form_dyad(world, *state.scenario, mentor, mentee, 0, Formation::assigned, kNoDyad, state.step);
  state.dyads.quality[d] = quality;
  state.dyad_constants.extend(state.dyads, state.population, *state.scenario);
  state.active_dyads = state.dyads.active_ids();
  return d;
}

// Moves agent `a` of a tiny world to a second institution "u" (its own unit), so that its dyads with
// agents of "h" meet across institutions.
inline void move_to_second_institution(SimulationState& state, AgentId a) {
  Population& pop = state.population;
  if (pop.institutions.size() < 2) {
    pop.institutions.push_back(InstitutionInfo{"u", InstitutionKind::university, 0.5, 1, 1});
    pop.units.push_back(UnitInfo{1, "u/0"});
    pop.psych_safety.push_back(0.5f);
    pop.flattening.push_back(0.0f);  // every per-unit state gets the new unit
  }
  pop.institution[a] = 1;
  pop.unit[a] = 1;
}

// A stage's context on a hand-built state, for calling a stage's other entry points (TiesStage::merge).
template <class S>
typename S::Context context_of(SimulationState& state, std::vector<StageNote>& notes) {
  return typename S::Context(state, S::id, notes);
}

}  // namespace mentorsim::test
