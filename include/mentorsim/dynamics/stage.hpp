#pragma once
// What a stage of the weekly schedule is: a type that owns its scratch state and declares, as data,
// the components it reads and writes. The schedule (engine/schedule.hpp) is a table of such types.
//
//   class MyStage {
//    public:
//     static constexpr Stage id = Stage::my_stage;
//     static constexpr StageAccess access{.reads = {Component::dyads, ...}, .writes = {Component::skills}};
//     static constexpr std::string_view summary = "what it does, one line (docs/model.md 3.1)";
//     using Context = StageContext<access>;
//     explicit MyStage(const SimulationState& initial);  // or default-constructible
//     void run(Context& ctx);
//    private:
//     ...  // scratch the stage alone uses
//   };
//
// Inside run(), ctx.read<Component::x>() gives a read-only view of x, and compiles only if x is
// declared read or written; ctx.write<Component::x>() gives mutable access and compiles only if x is
// declared written. Shared state reaches a stage only through its context.
//
// What the compiler enforces and what a test checks: a stage cannot change a component it does not
// declare it writes, except through a view that covers several components: the Population of
// `staff` holds every per-agent column (its mutable view requires skills, confidence, satisfaction
// and intent_to_leave to be declared too, but not psych_safety), and the DyadTable of `dyads` holds
// the dyad events. Reads are enforced per component except inside those two views: a stage that
// reads `staff` can see every column of the population. tests/engine/test_schedule.cpp checks both
// directions at run time on checksummed components: no stage changes what it does not declare, and
// every declared write happens.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mentorsim/dynamics/components.hpp"
#include "mentorsim/dynamics/state.hpp"

namespace mentorsim {

// The stages of the weekly schedule, in the order they run (engine/schedule.hpp checks it).
enum class Stage : std::uint8_t {
  informal,
  calendar,
  meetings,
  exchange,
  diffusion,
  relationships,
  confidence,
  ties,
  satisfaction,
  turnover,
  culture,
  enthusiasm,  // issue 16 outcomes
  research     // issue 16 outcomes
};
template <>
struct EnumTraits<Stage> {
  static constexpr std::string_view type_name = "stage";
  static constexpr auto names = std::to_array<std::string_view>(
      {"informal", "calendar", "meetings", "exchange", "diffusion", "relationships", "confidence", "ties",
       "satisfaction", "turnover", "culture", "enthusiasm", "research"});
};
inline constexpr std::size_t kStageCount = enum_count<Stage>;

// What a stage reads (the components its result depends on, those it updates in place included) and
// what it writes (the components it changes). A context lets a stage read what it writes.
struct StageAccess {
  ComponentSet reads;
  ComponentSet writes;
  [[nodiscard]] constexpr bool can_read(Component c) const { return reads.contains(c) || writes.contains(c); }
  [[nodiscard]] constexpr bool can_write(Component c) const { return writes.contains(c); }
};

// A message a stage reports for the run's warnings (e.g. mentees without a feasible mentor).
struct StageNote {
  Stage stage;
  Step step;
  std::string message;
};

// How a context reaches each component of SimulationState. `implied`: the components a mutable view
// of this one can also change, which a stage must declare too (a writable Population can append rows
// to every per-agent column).
template <Component C>
struct ComponentAccess;

// The two dyad-event columns of DyadTable, writable without the rest of the table.
struct DyadEvents {
  std::vector<std::uint8_t>& met;
  std::vector<std::uint8_t>& succeeded;
};
struct DyadEventsView {
  const std::vector<std::uint8_t>& met;
  const std::vector<std::uint8_t>& succeeded;
};

#define MENTORSIM_COMPONENT_MEMBER(C, member, ...)                                 \
  template <>                                                                      \
  struct ComponentAccess<Component::C> {                                           \
    static constexpr ComponentSet implied{__VA_ARGS__};                            \
    static auto& get(SimulationState& s) noexcept { return s.member; }             \
    static const auto& get(const SimulationState& s) noexcept { return s.member; } \
  };

MENTORSIM_COMPONENT_MEMBER(staff, population, Component::skills, Component::confidence, Component::satisfaction,
                           Component::intent_to_leave)
MENTORSIM_COMPONENT_MEMBER(skills, population.skills)
MENTORSIM_COMPONENT_MEMBER(skills_next, skills_next)
MENTORSIM_COMPONENT_MEMBER(confidence, population.confidence)
MENTORSIM_COMPONENT_MEMBER(satisfaction, population.satisfaction)
MENTORSIM_COMPONENT_MEMBER(intent_to_leave, population.intent_to_leave)
MENTORSIM_COMPONENT_MEMBER(psych_safety, population.psych_safety)
MENTORSIM_COMPONENT_MEMBER(flattening, population.flattening)
MENTORSIM_COMPONENT_MEMBER(network, network)
MENTORSIM_COMPONENT_MEMBER(new_ties, new_ties)
MENTORSIM_COMPONENT_MEMBER(dyads, dyads)
MENTORSIM_COMPONENT_MEMBER(dyad_constants, dyad_constants)
MENTORSIM_COMPONENT_MEMBER(active_dyads, active_dyads)
MENTORSIM_COMPONENT_MEMBER(program, program)
MENTORSIM_COMPONENT_MEMBER(baseline, baseline)
MENTORSIM_COMPONENT_MEMBER(meeting_counts, meeting_counts)
MENTORSIM_COMPONENT_MEMBER(matching_log, matching_log)
MENTORSIM_COMPONENT_MEMBER(enthusiasm, enthusiasm)
MENTORSIM_COMPONENT_MEMBER(leadership_flows, leadership_flows)
MENTORSIM_COMPONENT_MEMBER(research, research)
#undef MENTORSIM_COMPONENT_MEMBER

template <>
struct ComponentAccess<Component::dyad_events> {
  static constexpr ComponentSet implied{};
  static DyadEvents get(SimulationState& s) noexcept { return {s.dyads.met, s.dyads.succeeded}; }
  static DyadEventsView get(const SimulationState& s) noexcept { return {s.dyads.met, s.dyads.succeeded}; }
};

// What a stage sees of the state: the context (scenario, random source, week) and the components it
// declares, mutable only where it declares a write.
template <StageAccess Access>
class StageContext {
 public:
  StageContext(SimulationState& state, Stage stage, std::vector<StageNote>& notes) noexcept
      : state_(&state),
        stage_(stage),
        notes_(&notes) {}

  static constexpr StageAccess access = Access;

  [[nodiscard]] const Scenario& scenario() const noexcept { return *state_->scenario; }
  [[nodiscard]] const DynamicsSpec& dynamics() const noexcept { return state_->scenario->dynamics(); }
  [[nodiscard]] const RandomSource& random() const noexcept { return state_->random; }
  [[nodiscard]] Step step() const noexcept { return state_->step; }
  [[nodiscard]] const NetworkGenerationReport& network_report() const noexcept { return state_->network_report; }

  template <Component C>
  requires(Access.can_read(C)) [[nodiscard]] decltype(auto) read() const noexcept {
    return ComponentAccess<C>::get(std::as_const(*state_));
  }

  template <Component C>
  requires(Access.can_write(C) && Access.writes.contains_all(ComponentAccess<C>::implied)) [[nodiscard]] decltype(auto)
      write() noexcept {
    return ComponentAccess<C>::get(*state_);
  }

  // Reports a message for the run's warnings.
  void note(std::string message) { notes_->push_back(StageNote{stage_, state_->step, std::move(message)}); }

 private:
  SimulationState* state_;
  Stage stage_;
  std::vector<StageNote>* notes_;
};

// Runs one stage on a state outside a Simulation (tests, benchmarks): builds its context and calls it.
template <class S>
void run_stage(S& stage, SimulationState& state, std::vector<StageNote>* notes = nullptr) {
  std::vector<StageNote> ignored;
  typename S::Context context(state, S::id, notes != nullptr ? *notes : ignored);
  stage.run(context);
}

}  // namespace mentorsim
