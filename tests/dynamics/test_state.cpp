// The shared state (src/dynamics/state.cpp) and the stage contexts (dynamics/stage.hpp).

#include <catch2/catch.hpp>

#include <set>
#include <type_traits>

#include "mentorsim/dynamics/stage.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

namespace {

// Whether a context type lets a stage read or write component C (the requires-clauses, tested
// without instantiating a failing call).
template <class Context, Component C>
concept Readable = requires(const Context& c) {
  c.template read<C>();
};
template <class Context, Component C>
concept Writable = requires(Context& c) {
  c.template write<C>();
};

constexpr StageAccess kConfidenceOnly{.reads = {Component::dyads}, .writes = {Component::confidence}};
using ConfidenceContext = StageContext<kConfidenceOnly>;
constexpr StageAccess kAppendsAgents{.reads = {},
                                     .writes = {Component::staff, Component::skills, Component::confidence,
                                                Component::satisfaction, Component::intent_to_leave}};
constexpr StageAccess kStaffAlone{.reads = {}, .writes = {Component::staff}};

}  // namespace

TEST_CASE("a stage context gives mutable access only to the components its stage writes", "[dynamics][state]") {
  STATIC_REQUIRE(Writable<ConfidenceContext, Component::confidence>);
  STATIC_REQUIRE(Readable<ConfidenceContext, Component::confidence>);  // what it writes it may read
  STATIC_REQUIRE(Readable<ConfidenceContext, Component::dyads>);
  STATIC_REQUIRE_FALSE(Writable<ConfidenceContext, Component::dyads>);
  STATIC_REQUIRE_FALSE(Readable<ConfidenceContext, Component::network>);
  STATIC_REQUIRE_FALSE(Writable<ConfidenceContext, Component::network>);
  // A read-only view is const.
  STATIC_REQUIRE(
      std::is_same_v<decltype(std::declval<const ConfidenceContext&>().read<Component::dyads>()), const DyadTable&>);
  // A writable population can append rows to every per-agent column: its stage must declare them.
  STATIC_REQUIRE(Writable<StageContext<kAppendsAgents>, Component::staff>);
  STATIC_REQUIRE_FALSE(Writable<StageContext<kStaffAlone>, Component::staff>);
}

TEST_CASE("the component table describes every component once, in enum order", "[dynamics][state]") {
  const auto& table = component_table();
  REQUIRE(table.size() == kComponentCount);
  std::set<std::string_view> names;
  for (std::size_t k = 0; k < table.size(); ++k) {
    CHECK(index_of(table[k].component) == k);
    CHECK_FALSE(table[k].holds.empty());
    names.insert(to_string(table[k].component));
  }
  CHECK(names.size() == kComponentCount);
}

TEST_CASE("a component's checksum changes when its contents change, and only then", "[dynamics][state]") {
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {Tie{0, 1, 0.5f}}, 0.7, 0.2));
  add_dyad(state, 0, 1, 0.5f);
  std::array<std::uint64_t, kComponentCount> before{};
  for (std::size_t c = 0; c < kComponentCount; ++c) before[c] = checksum(state, enum_at<Component>(c));
  // One change in each of a few components moves exactly that component's checksum.
  auto changed = [&] {
    std::set<Component> out;
    for (std::size_t c = 0; c < kComponentCount; ++c) {
      if (checksum(state, enum_at<Component>(c)) != before[c]) out.insert(enum_at<Component>(c));
    }
    return out;
  };
  state.population.confidence[1] = 0.25f;
  state.dyads.met[0] = 1;
  state.network.weights(0)[0] = 0.75f;
  state.meeting_counts[1] = 3;
  CHECK(changed() == std::set<Component>{Component::confidence, Component::dyad_events, Component::network,
                                         Component::meeting_counts});
}
