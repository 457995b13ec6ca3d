#pragma once
// The plain-rules reference model: a deliberately small mentoring model with exact rules, so that
// mentorsim's engine pieces can be timed against any other tool (a NumPy script, Mesa, NetLogo,
// Agents.jl) doing exactly the same work. The rules are written out in docs/performance.md (section
// "Plain-rules reference benchmark"); bench/plain_rules.py is an independent NumPy implementation.
//
// Built from the engine's own pieces: the CSR collegial network (world/network.hpp), the parallel
// loops of core/parallel.hpp and the counter-based streams of core/rng.hpp. Results are bitwise the
// same for any thread count: every agent's new state is computed from start-of-week values by
// whichever thread owns its block, and the weekly means are summed over fixed blocks of agents,
// combined in block order.
//
// Random streams (seed = --seed, replicate 0). Setup uses step 0, week w (1, 2, ...) uses step w:
//   step 0  population_layout  entity 0        stage permutation (Fisher-Yates)
//   step 0  population_traits  entity i        initial skills and satisfaction of agent i
//   step 0  network_stubs      entity u        within-unit ties of unit u (geometric skips)
//   step 0  network_topup      entity b        random pairs 4096 b ... 4096 b + 4095
//   step 0  pairing            entity 0        dyads: juniors, then their seniors
//   step w  meetings           entity b        meeting bits of dyads 128 b ... 128 b + 127
//   step w  turnover           entity b        leavers among agents 4096 b ... 4096 b + 4095
//   step w  hiring             entity i        fresh values of the agent replacing leaver i
//
// Precision: skills and satisfaction are stored and updated in single precision (float); one
// rounding is at most 6e-8 of a value in [0, 1] and a week adds a handful per value, so 104 weeks of
// updates move an agent's value by at most a few times 1e-5 from exact arithmetic, far below the
// Monte Carlo error of any reported mean. The weekly means are summed in double precision.

#include <array>
#include <cstdint>
#include <vector>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/core/types.hpp"
#include "mentorsim/world/network.hpp"

namespace mentorsim::plain_rules {

enum class Stage : std::uint8_t { early_career, mid, senior };
inline constexpr int kStages = 3;

// The six skill domains, in the order of the rules and of every table.
enum SkillDomain : int { clinical, digital, research, teaching, leadership, culture };
inline constexpr int kDomains = 6;

// The rules' constants.
inline constexpr AgentId kUnitSize = 50;
inline constexpr double kWithinUnitTieProbability = 8.0 / 49.0;
inline constexpr double kMeetingProbability = 0.5;
inline constexpr double kLeavingProbability = 0.003;
inline constexpr float kDiffusionRate = 0.01f;
inline constexpr float kLearningRate = 0.05f;
inline constexpr float kMeetingSatisfaction = 0.01f;
inline constexpr float kSatisfactionDrift = 0.02f;
inline constexpr float kSatisfactionBaseline = 0.6f;

// One agent's state in 32 bytes: the six skills in domain order, satisfaction in lane 6, lane 7
// unused (always 0). Two agents per cache line, so the rows of a 50-agent unit are 1.6 kB of
// contiguous memory and a neighbour's whole state is one aligned load.
inline constexpr int kSatisfactionLane = 6;
struct alignas(32) AgentRow {
  std::array<float, 8> lane{};
  [[nodiscard]] float skill(int domain) const { return lane[static_cast<std::size_t>(domain)]; }
  [[nodiscard]] float satisfaction() const { return lane[kSatisfactionLane]; }
};

struct Dyad {
  AgentId junior = 0;  // the early-career member
  AgentId senior = 0;
};

// Exact stage counts: round(0.4 N) early-career and round(0.3 N) mid, rounded to nearest with
// halves up (0.4 N never ends in .5; 0.3 N does when N ends in 5), computed in integers.
[[nodiscard]] std::uint64_t early_career_count(std::uint64_t n);
[[nodiscard]] std::uint64_t mid_count(std::uint64_t n);

// Initial values of an agent of `stage` from `stream`: clinical = base + 0.3 u, digital = base' +
// 0.3 u', research, teaching, leadership, culture uniform(0.2, 0.8), then satisfaction
// uniform(0.4, 0.8), drawn in that order.
[[nodiscard]] AgentRow initial_agent(Stream& stream, Stage stage);
// The fresh early-career agent that replaces leaver `id` at the end of week `week`.
[[nodiscard]] AgentRow fresh_agent(Seed seed, Step week, AgentId id);

// The week's random decisions: which dyads meet (bit d of `meets`; ignored for ended dyads) and who
// leaves (`leavers`, increasing ids).
struct WeekDecisions {
  std::vector<std::uint64_t> meets;
  std::vector<AgentId> leavers;
};

// Step 5's record: mean skill by stage and domain (NaN for a stage with no agents), the number of
// agents of each stage, and the mean satisfaction of all agents, after the week's turnover.
struct WeekRecord {
  std::array<std::array<double, kDomains>, kStages> mean_skill{};
  std::array<std::uint64_t, kStages> stage_count{};
  double mean_satisfaction = 0.0;
};

// Sums of the agents' rows (every lane) and numbers of agents, by stage: step 5 before dividing.
struct StageSums {
  std::array<std::array<double, 8>, kStages> lanes{};
  std::array<std::uint64_t, kStages> count{};
  StageSums& operator+=(const StageSums& other);
};

class World {
 public:
  // The population, network and dyads of the rules for n agents, drawn from `seed` (step 0).
  static World generate(AgentId n, Seed seed);
  // A world given piece by piece (tests): lane 7 of the rows is cleared; dyads' juniors must be
  // distinct and every dyad is alive.
  World(std::vector<Stage> stages, std::vector<AgentRow> rows, CollegialNetwork network, std::vector<Dyad> dyads,
        Seed seed);

  // Draws week `week`'s decisions from the streams into `out` (its storage is reused).
  void draw_decisions(Step week, WeekDecisions& out) const;
  // Applies steps 1-5 of week `week` with the given decisions and returns step 5's record.
  WeekRecord apply_week(Step week, const WeekDecisions& decisions);

  [[nodiscard]] AgentId size() const noexcept { return static_cast<AgentId>(rows_.size()); }
  [[nodiscard]] const AgentRow& agent(AgentId i) const noexcept { return rows_[i]; }
  [[nodiscard]] Stage stage(AgentId i) const noexcept { return stages_[i]; }
  [[nodiscard]] const CollegialNetwork& network() const noexcept { return network_; }
  [[nodiscard]] const std::vector<Dyad>& dyads() const noexcept { return dyads_; }
  [[nodiscard]] bool dyad_alive(std::size_t d) const noexcept { return ((alive_[d / 64] >> (d % 64)) & 1u) != 0; }
  [[nodiscard]] std::size_t dyads_remaining() const noexcept { return dyads_remaining_; }
  // Step 5's record of the current state (the same as apply_week returns after a week).
  [[nodiscard]] WeekRecord record() const;

 private:
  static WeekRecord to_record(const StageSums& total);

  Seed seed_;
  std::vector<Stage> stages_;
  std::vector<AgentRow> rows_;  // start-of-week state
  std::vector<AgentRow> next_;  // the week's new state, swapped with rows_ at the end of the week
  CollegialNetwork network_;
  std::vector<Dyad> dyads_;
  // The dyads of each agent (as junior or as senior), CSR: dyad_entries_[dyad_start_[i] ..
  // dyad_start_[i + 1]), each with the partner's id, so the weekly pass reads them in agent order.
  struct DyadEntry {
    std::uint32_t dyad;  // the dyad's index, with the top bit set when the agent is its senior
    AgentId partner;
  };
  static constexpr std::uint32_t kDyadMask = 0x7fffffffu;
  std::vector<std::uint32_t> dyad_start_;
  std::vector<DyadEntry> dyad_entries_;
  std::vector<std::uint64_t> alive_;    // bit d: dyad d has not ended
  std::vector<std::uint64_t> meeting_;  // this week: alive and meets
  std::size_t dyads_remaining_ = 0;
  std::vector<StageSums> block_sums_;  // the weekly pass's sums, one per block of agents
};

}  // namespace mentorsim::plain_rules
