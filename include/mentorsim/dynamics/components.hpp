#pragma once
// The shared state of a replicate as named components. Each stage of the weekly schedule declares,
// as data, which components it reads and which it writes (dynamics/stage.hpp); the compiler gives a
// stage mutable access only to what it declares, a test checks that it changes nothing else, and
// docs/model.md section 3.1 is generated from the declarations. What only one stage uses (its
// scratch buffers, samplers, references) is not a component: the stage owns it.
//
// Adding a component: an enumerator here, its row in component_table(), its member in
// SimulationState (dynamics/state.hpp), its ComponentAccess specialisation (dynamics/stage.hpp) and
// its case in checksum() (src/dynamics/state.cpp; the switch has no default, so a missing case warns).

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "mentorsim/core/types.hpp"

namespace mentorsim {

enum class Component : std::uint8_t {
  staff,             // Population: who is employed, fixed attributes (unit, profession, stage, traits)
  skills,            // Population::skills, week t
  skills_next,       // the week t+1 skills buffer
  confidence,        // Population::confidence
  satisfaction,      // Population::satisfaction
  intent_to_leave,   // Population::intent_to_leave
  psych_safety,      // Population::psych_safety, per unit
  flattening,        // Population::flattening, per unit: how far sustained reverse mentoring flattened the hierarchy
  network,           // the collegial network: ties and their strengths
  new_ties,          // ties made since the last tie merge
  dyads,             // DyadTable: every dyad, its partners, quality, meetings, failures and end
  dyad_events,       // DyadTable::met and ::succeeded: this week's meetings and their success
  dyad_constants,    // per-dyad values fixed for a dyad's life, for the dyad loops
  active_dyads,      // the dyads active when this week's calendar has run
  program,           // ProgramState: arm, eligibility, enrolment, roles, mentor and mentee loads
  baseline,          // each agent's state at week 0 or at hire
  meeting_counts,    // meetings attended per agent since week 0
  matching_log,      // what each matching round did
  enthusiasm,        // issue 16 outcomes: enthusiasm E per agent (docs/model.md 7.22)
  leadership_flows,  // issue 16 outcomes: leadership skill each dyad gave its mentor and its mentee
  research,          // issue 16 outcomes: papers and new research directions per agent
};

template <>
struct EnumTraits<Component> {
  static constexpr std::string_view type_name = "component";
  static constexpr auto names = std::to_array<std::string_view>(
      {"staff",      "skills",   "skills_next",    "confidence",   "satisfaction", "intent_to_leave",  "psych_safety",
       "flattening", "network",  "new_ties",       "dyads",        "dyad_events",  "dyad_constants",   "active_dyads",
       "program",    "baseline", "meeting_counts", "matching_log", "enthusiasm",   "leadership_flows", "research"});
};
inline constexpr std::size_t kComponentCount = enum_count<Component>;

struct ComponentInfo {
  Component component;
  std::string_view holds;  // what the component holds, one line (docs/model.md section 3.1)
};

// One row per component, in enum order (checked at compile time in src/dynamics/state.cpp).
const std::array<ComponentInfo, kComponentCount>& component_table();

// A set of components, usable as a template argument (StageContext).
struct ComponentSet {
  std::uint32_t bits = 0;

  constexpr ComponentSet() = default;
  constexpr ComponentSet(std::initializer_list<Component> components) {
    for (Component c : components) bits |= bit(c);
  }
  [[nodiscard]] constexpr bool contains(Component c) const { return (bits & bit(c)) != 0; }
  [[nodiscard]] constexpr bool contains_all(ComponentSet other) const { return (bits & other.bits) == other.bits; }
  [[nodiscard]] constexpr bool empty() const { return bits == 0; }
  friend constexpr ComponentSet operator|(ComponentSet a, ComponentSet b) {
    ComponentSet out;
    out.bits = a.bits | b.bits;
    return out;
  }
  friend constexpr bool operator==(ComponentSet, ComponentSet) = default;
  static constexpr std::uint32_t bit(Component c) { return std::uint32_t{1} << static_cast<unsigned>(c); }
};
static_assert(kComponentCount <= 32, "ComponentSet holds 32 components");

}  // namespace mentorsim
