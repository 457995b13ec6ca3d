#include "plain_rules/plain_rules.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim::plain_rules {
namespace {

// An agent's row as two 4-float vectors (GCC/Clang vector extensions; SSE registers on x86-64):
// lanes 0-3 are clinical, digital, research, teaching; lanes 4-7 leadership, culture, satisfaction and
// the unused lane. Each neighbour's whole state is two aligned loads.
using Quad = float __attribute__((vector_size(16)));
const Quad& low(const AgentRow& row) { return *reinterpret_cast<const Quad*>(row.lane.data()); }
const Quad& high(const AgentRow& row) { return *reinterpret_cast<const Quad*>(row.lane.data() + 4); }
Quad& low(AgentRow& row) { return *reinterpret_cast<Quad*>(row.lane.data()); }
Quad& high(AgentRow& row) { return *reinterpret_cast<Quad*>(row.lane.data() + 4); }

// Agents per block of the weekly pass and of the weekly means: fixed, so the sums do not depend on
// the thread count.
constexpr std::size_t kAgentBlock = 1024;
// Agents per turnover stream and dyads per meeting stream (one Philox block: 128 bits).
constexpr std::uint32_t kTurnoverBlock = 4096;
constexpr std::uint32_t kMeetingBlock = 128;
// Random pairs per stream when building the network.
constexpr std::uint32_t kPairBlock = 4096;
// How many agents ahead the weekly pass prefetches rows, and the size of both row arrays up to
// which it does not (about a core's level-2 cache).
constexpr std::size_t kPrefetchDistance = 8;
constexpr std::size_t kCachedRowBytes = std::size_t{2} << 20;

// Failures before the first success in Bernoulli trials with success probability p, where
// log_q = log(1 - p): floor(log U / log(1 - p)) for U uniform in (0, 1) is exactly geometric, so
// skipping that many trials gives independent Bernoulli(p) trials with one draw per success.
std::uint64_t failures_before_success(Stream& stream, double log_q) {
  const double k = std::floor(std::log(stream.uniform()) / log_q);
  return k < 1e18 ? static_cast<std::uint64_t>(k) : std::uint64_t{1} << 60;
}

void add(StageSums& sums, Stage stage, const AgentRow& row) {
  const auto s = static_cast<std::size_t>(stage);
  for (std::size_t lane = 0; lane < 8; ++lane) sums.lanes[s][lane] += static_cast<double>(row.lane[lane]);
  ++sums.count[s];
}

AgentId unit_count(AgentId n) { return (n + kUnitSize - 1) / kUnitSize; }

// Calls emit(a, b) for the within-unit ties of unit u: each pair a < b of the unit independently
// with probability 8/49, visited in lexicographic order with geometric skips.
template <class Emit>
void within_unit_ties(Seed seed, AgentId n, AgentId unit, Emit&& emit) {
  static const double log_q = std::log1p(-kWithinUnitTieProbability);
  Stream stream(seed, 0, 0, Purpose::network_stubs, unit);
  const AgentId first = unit * kUnitSize;
  const AgentId last = std::min<AgentId>(n, first + kUnitSize);
  std::uint64_t next = failures_before_success(stream, log_q);
  std::uint64_t pair = 0;
  for (AgentId a = first; a < last; ++a) {
    for (AgentId b = a + 1; b < last; ++b, ++pair) {
      if (pair == next) {
        emit(a, b);
        next = pair + 1 + failures_before_success(stream, log_q);
      }
    }
  }
}

CollegialNetwork generate_network(AgentId n, Seed seed) {
  const AgentId units = unit_count(n);
  std::vector<std::uint64_t> offset(static_cast<std::size_t>(units) + 1, 0);
  parallel::for_each(
      units,
      [&](std::size_t u) {
        std::uint64_t count = 0;
        within_unit_ties(seed, n, static_cast<AgentId>(u), [&](AgentId, AgentId) { ++count; });
        offset[u + 1] = count;
      },
      64);
  std::partial_sum(offset.begin(), offset.end(), offset.begin());
  const std::uint64_t within = offset.back();
  std::vector<Tie> ties(within + n);
  parallel::for_each(
      units,
      [&](std::size_t u) {
        std::uint64_t at = offset[u];
        within_unit_ties(seed, n, static_cast<AgentId>(u), [&](AgentId a, AgentId b) {
          ties[at++] = Tie{a, b, 1.0f, 1.0f};
        });
      },
      64);
  // N uniformly random pairs; the network's constructor drops self-loops and merges duplicates.
  const std::uint32_t pair_blocks = (n + kPairBlock - 1) / kPairBlock;
  parallel::for_each(
      pair_blocks,
      [&](std::size_t b) {
        Stream stream(seed, 0, 0, Purpose::network_topup, static_cast<std::uint32_t>(b));
        const std::uint64_t begin = b * std::uint64_t{kPairBlock};
        const std::uint64_t end = std::min<std::uint64_t>(n, begin + kPairBlock);
        for (std::uint64_t k = begin; k < end; ++k) {
          const AgentId u = stream.below(n);
          const AgentId v = stream.below(n);
          ties[within + k] = Tie{u, v, 1.0f, 1.0f};
        }
      },
      1);
  return CollegialNetwork(n, std::move(ties));
}

}  // namespace

StageSums& StageSums::operator+=(const StageSums& other) {
  for (std::size_t s = 0; s < kStages; ++s) {
    for (std::size_t lane = 0; lane < 8; ++lane) lanes[s][lane] += other.lanes[s][lane];
    count[s] += other.count[s];
  }
  return *this;
}

std::uint64_t early_career_count(std::uint64_t n) { return (4 * n + 5) / 10; }
std::uint64_t mid_count(std::uint64_t n) { return (3 * n + 5) / 10; }

AgentRow initial_agent(Stream& stream, Stage stage) {
  static constexpr std::array<float, kStages> clinical_base{0.1f, 0.3f, 0.6f};
  static constexpr std::array<float, kStages> digital_base{0.6f, 0.3f, 0.1f};
  const auto s = static_cast<std::size_t>(stage);
  AgentRow row;
  row.lane[clinical] = clinical_base[s] + 0.3f * static_cast<float>(stream.uniform());
  row.lane[digital] = digital_base[s] + 0.3f * static_cast<float>(stream.uniform());
  for (int d : {research, teaching, leadership, culture}) {
    row.lane[static_cast<std::size_t>(d)] = static_cast<float>(stream.uniform(0.2, 0.8));
  }
  row.lane[kSatisfactionLane] = static_cast<float>(stream.uniform(0.4, 0.8));
  return row;
}

AgentRow fresh_agent(Seed seed, Step week, AgentId id) {
  Stream stream(seed, 0, week, Purpose::hiring, id);
  return initial_agent(stream, Stage::early_career);
}

World World::generate(AgentId n, Seed seed) {
  const std::uint64_t early = early_career_count(n);
  const std::uint64_t mid = mid_count(n);
  std::vector<Stage> stages(n, Stage::senior);
  std::fill_n(stages.begin(), early, Stage::early_career);
  std::fill_n(stages.begin() + static_cast<std::ptrdiff_t>(early), mid, Stage::mid);
  {
    Stream stream(seed, 0, 0, Purpose::population_layout, 0);
    for (AgentId i = n; i > 1; --i) std::swap(stages[i - 1], stages[stream.below(i)]);
  }
  std::vector<AgentRow> rows(n);
  parallel::for_each(n, [&](std::size_t i) {
    Stream stream(seed, 0, 0, Purpose::population_traits, static_cast<std::uint32_t>(i));
    rows[i] = initial_agent(stream, stages[i]);
  });

  // floor(n_early / 3) distinct early-career agents (a partial Fisher-Yates shuffle of their ids),
  // then for each, in that order, a senior drawn uniformly with replacement.
  std::vector<AgentId> early_ids;
  std::vector<AgentId> senior_ids;
  for (AgentId i = 0; i < n; ++i) {
    if (stages[i] == Stage::early_career) early_ids.push_back(i);
    if (stages[i] == Stage::senior) senior_ids.push_back(i);
  }
  std::vector<Dyad> dyads(senior_ids.empty() ? 0 : early_ids.size() / 3);
  {
    Stream stream(seed, 0, 0, Purpose::pairing, 0);
    for (std::size_t k = 0; k < dyads.size(); ++k) {
      const std::size_t pick = k + stream.below(static_cast<std::uint32_t>(early_ids.size() - k));
      std::swap(early_ids[k], early_ids[pick]);
      dyads[k].junior = early_ids[k];
    }
    for (auto& dyad : dyads) dyad.senior = senior_ids[stream.below(static_cast<std::uint32_t>(senior_ids.size()))];
  }
  return World(std::move(stages), std::move(rows), generate_network(n, seed), std::move(dyads), seed);
}

World::World(std::vector<Stage> stages, std::vector<AgentRow> rows, CollegialNetwork network, std::vector<Dyad> dyads,
             Seed seed)
    : seed_(seed),
      stages_(std::move(stages)),
      rows_(std::move(rows)),
      next_(rows_.size()),
      network_(std::move(network)),
      dyads_(std::move(dyads)) {
  const std::size_t n = rows_.size();
  if (stages_.size() != n || network_.vertex_count() != n) {
    throw std::invalid_argument("plain rules: stages, rows and network must have one entry per agent");
  }
  if (dyads_.size() > kDyadMask) throw std::invalid_argument("plain rules: too many dyads");
  for (auto& row : rows_) row.lane[7] = 0.0f;
  dyad_start_.assign(n + 1, 0);
  std::vector<bool> is_junior(n, false);
  for (const auto& dyad : dyads_) {
    if (dyad.junior >= n || dyad.senior >= n || dyad.junior == dyad.senior || is_junior[dyad.junior]) {
      throw std::invalid_argument("plain rules: a dyad needs two agents, and juniors must be distinct");
    }
    is_junior[dyad.junior] = true;
    ++dyad_start_[dyad.junior + 1];
    ++dyad_start_[dyad.senior + 1];
  }
  std::partial_sum(dyad_start_.begin(), dyad_start_.end(), dyad_start_.begin());
  dyad_entries_.resize(dyad_start_.back());
  {
    std::vector<std::uint32_t> cursor(dyad_start_.begin(), dyad_start_.end() - 1);
    for (std::uint32_t d = 0; d < dyads_.size(); ++d) {
      dyad_entries_[cursor[dyads_[d].junior]++] = DyadEntry{d, dyads_[d].senior};
      dyad_entries_[cursor[dyads_[d].senior]++] = DyadEntry{d | ~kDyadMask, dyads_[d].junior};
    }
  }
  const std::size_t words = (dyads_.size() + 63) / 64;
  alive_.assign(words, ~std::uint64_t{0});
  if (dyads_.size() % 64 != 0) alive_.back() = (std::uint64_t{1} << (dyads_.size() % 64)) - 1;
  meeting_.assign(words, 0);
  dyads_remaining_ = dyads_.size();
  block_sums_.resize((n + kAgentBlock - 1) / kAgentBlock);
}

void World::draw_decisions(Step week, WeekDecisions& out) const {
  const std::size_t dyad_count = dyads_.size();
  out.meets.assign((dyad_count + 63) / 64, 0);
  const std::uint32_t meeting_blocks = static_cast<std::uint32_t>((dyad_count + kMeetingBlock - 1) / kMeetingBlock);
  static_assert(kMeetingProbability == 0.5, "one random bit per dyad is a meeting with probability 1/2");
  for (std::uint32_t b = 0; b < meeting_blocks; ++b) {
    Stream stream(seed_, 0, week, Purpose::meetings, b);
    for (std::size_t w = 0; w < 2 && 2 * b + w < out.meets.size(); ++w) {
      const std::uint64_t low = stream.next_u32();
      const std::uint64_t high = stream.next_u32();
      out.meets[2 * b + w] = low | (high << 32);
    }
  }
  out.leavers.clear();
  static const double log_q = std::log1p(-kLeavingProbability);
  const std::uint64_t n = size();
  for (std::uint64_t begin = 0; begin < n; begin += kTurnoverBlock) {
    Stream stream(seed_, 0, week, Purpose::turnover, static_cast<std::uint32_t>(begin / kTurnoverBlock));
    const std::uint64_t length = std::min<std::uint64_t>(kTurnoverBlock, n - begin);
    for (std::uint64_t at = failures_before_success(stream, log_q); at < length;
         at += 1 + failures_before_success(stream, log_q)) {
      out.leavers.push_back(static_cast<AgentId>(begin + at));
    }
  }
}

WeekRecord World::apply_week(Step week, const WeekDecisions& decisions) {
  const std::size_t n = rows_.size();
  if (decisions.meets.size() != alive_.size()) throw std::invalid_argument("plain rules: one meeting bit per dyad");
  if (!std::is_sorted(decisions.leavers.begin(), decisions.leavers.end()) ||
      (!decisions.leavers.empty() && decisions.leavers.back() >= n) ||
      std::adjacent_find(decisions.leavers.begin(), decisions.leavers.end()) != decisions.leavers.end()) {
    throw std::invalid_argument("plain rules: leavers must be distinct agents in increasing order");
  }
  for (std::size_t w = 0; w < alive_.size(); ++w) meeting_[w] = decisions.meets[w] & alive_[w];

  const auto& graph = network_.graph();
  const std::uint64_t* row_start = graph.m_forward.m_rowstart.data();
  const AgentId* column = graph.m_forward.m_column.data();
  const AgentRow* now = rows_.data();
  AgentRow* next = next_.data();
  const std::vector<AgentId>& leavers = decisions.leavers;
  const std::uint64_t* meeting = meeting_.data();
  auto meets = [meeting](std::uint32_t d) { return ((meeting[d / 64] >> (d % 64)) & 1u) != 0; };
  // Below this size the rows fit in the core's own cache and prefetching only costs instructions
  // (measured: at 10,000 agents prefetching took twice the time, at 100,000 it saved 12 %).
  const bool prefetch = n * sizeof(AgentRow) * 2 > kCachedRowBytes;
  // Diffusion moves the six skills; lanes 6 (satisfaction) and 7 are left to the code below.
  const Quad rate_low = {kDiffusionRate, kDiffusionRate, kDiffusionRate, kDiffusionRate};
  const Quad rate_high = {kDiffusionRate, kDiffusionRate, 0.0f, 0.0f};

  // One pass over the agents, in fixed blocks: steps 1-3 from start-of-week rows (rows_) into
  // next_, step 4 for the block's leavers, and step 5's sums of the block.
  parallel::for_blocks(block_sums_.size(), 1, [&](std::size_t first_block, std::size_t end_block) {
    for (std::size_t block = first_block; block < end_block; ++block) {
      const std::size_t begin = block * kAgentBlock;
      const std::size_t end = std::min(n, begin + kAgentBlock);
      auto leaver = std::lower_bound(leavers.begin(), leavers.end(), static_cast<AgentId>(begin));
      StageSums sums;
      for (std::size_t i = begin; i < end; ++i) {
        // The rows an agent a little ahead will read: its neighbours' (those across units are far
        // away in memory) and its meeting partners'. Prefetching every neighbour costs fewer
        // instructions than testing which are far.
        if (const std::size_t ahead = i + kPrefetchDistance; prefetch && ahead < n) {
          for (std::uint64_t k = row_start[ahead]; k < row_start[ahead + 1]; ++k) __builtin_prefetch(now + column[k]);
          for (std::uint32_t k = dyad_start_[ahead]; k < dyad_start_[ahead + 1]; ++k) {
            if (meets(dyad_entries_[k].dyad & kDyadMask)) __builtin_prefetch(now + dyad_entries_[k].partner);
          }
        }
        const AgentRow& old = now[i];
        AgentRow& updated = next[i];
        // 1. Diffusion towards the neighbours' mean.
        const std::uint64_t first_tie = row_start[i];
        const std::uint64_t end_tie = row_start[i + 1];
        if (end_tie > first_tie) {
          Quad sum_low = {};
          Quad sum_high = {};
          for (std::uint64_t k = first_tie; k < end_tie; ++k) {
            sum_low += low(now[column[k]]);
            sum_high += high(now[column[k]]);
          }
          const float inverse_degree = 1.0f / static_cast<float>(end_tie - first_tie);
          low(updated) = low(old) + rate_low * (sum_low * inverse_degree - low(old));
          high(updated) = high(old) + rate_high * (sum_high * inverse_degree - high(old));
        } else {
          updated = old;
        }
        // 2. Meetings of the agent's dyads, each gain from start-of-week values.
        const float satisfaction = old.satisfaction();
        float satisfaction_gain = 0.0f;
        for (std::uint32_t k = dyad_start_[i]; k < dyad_start_[i + 1]; ++k) {
          const DyadEntry entry = dyad_entries_[k];
          if (!meets(entry.dyad & kDyadMask)) continue;
          const AgentRow& partner = now[entry.partner];
          const bool as_senior = (entry.dyad & ~kDyadMask) != 0;
          for (int domain : as_senior ? std::array{digital, culture} : std::array{clinical, leadership}) {
            const float own = old.skill(domain);
            updated.lane[static_cast<std::size_t>(domain)] +=
                kLearningRate * std::max(0.0f, partner.skill(domain) - own) * (1.0f - own);
          }
          satisfaction_gain += kMeetingSatisfaction * (1.0f - satisfaction);
        }
        // 3. Satisfaction drift.
        updated.lane[kSatisfactionLane] =
            satisfaction + satisfaction_gain + kSatisfactionDrift * (kSatisfactionBaseline - satisfaction);
        // 4. A leaver is replaced in place by a fresh early-career agent.
        if (leaver != leavers.end() && *leaver == i) {
          updated = fresh_agent(seed_, week, static_cast<AgentId>(i));
          stages_[i] = Stage::early_career;
          ++leaver;
        }
        // 5. The block's sums by stage.
        add(sums, stages_[i], updated);
      }
      block_sums_[block] = sums;
    }
  });

  // Every dyad of a leaver ends.
  for (AgentId leaver : leavers) {
    for (std::uint32_t k = dyad_start_[leaver]; k < dyad_start_[leaver + 1]; ++k) {
      const std::uint32_t d = dyad_entries_[k].dyad & kDyadMask;
      const std::uint64_t bit = std::uint64_t{1} << (d % 64);
      if ((alive_[d / 64] & bit) != 0) {
        alive_[d / 64] &= ~bit;
        --dyads_remaining_;
      }
    }
  }
  rows_.swap(next_);
  // The blocks' sums folded in block order, as in record().
  StageSums total;
  for (const auto& sums : block_sums_) total += sums;
  return to_record(total);
}

WeekRecord World::record() const {
  const std::size_t n = rows_.size();
  const StageSums total = parallel::deterministic_reduce(
      n, StageSums{},
      [&](std::size_t begin, std::size_t end) {
        StageSums sums;
        for (std::size_t i = begin; i < end; ++i) add(sums, stages_[i], rows_[i]);
        return sums;
      },
      [](StageSums acc, const StageSums& block) {
        acc += block;
        return acc;
      },
      kAgentBlock);
  return to_record(total);
}

WeekRecord World::to_record(const StageSums& total) {
  WeekRecord record;
  double satisfaction = 0.0;
  std::uint64_t agents = 0;
  for (std::size_t s = 0; s < kStages; ++s) {
    const double count = static_cast<double>(total.count[s]);
    for (std::size_t d = 0; d < kDomains; ++d) {
      record.mean_skill[s][d] = total.count[s] > 0 ? total.lanes[s][d] / count : std::nan("");
    }
    record.stage_count[s] = total.count[s];
    satisfaction += total.lanes[s][kSatisfactionLane];
    agents += total.count[s];
  }
  record.mean_satisfaction = agents > 0 ? satisfaction / static_cast<double>(agents) : std::nan("");
  return record;
}

}  // namespace mentorsim::plain_rules
