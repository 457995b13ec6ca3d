#include "mentorsim/world/network_generator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <utility>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/world/network_measures.hpp"

namespace mentorsim {
namespace {

constexpr int kMaxCalibrationRounds = 8;
constexpr int kMaxRejections = 64;
constexpr int kTopUpRounds = 32;
// Initiated ties aim a little below the target so that merging duplicates never overshoots it and the
// top-up (block-model ties) only adds.
constexpr double kInitiationShare = 0.97;

// Six kinds of colleague relative to an anchor (institution I, unit U, profession P).
enum Pool : std::size_t {
  same_unit_same_prof,
  same_unit_other_prof,
  same_inst_same_prof,   // other unit
  same_inst_other_prof,  // other unit
  other_inst_same_prof,
  other_inst_other_prof,
  pool_count
};

// Index arrays for drawing a uniform colleague from any pool in O(1) expected time.
class BlockSampler {
 public:
  BlockSampler(const Population& population, const NetworkSpec& spec) : population_(population), spec_(spec) {
    const std::size_t cells = population.units.size() * kProfessions;
    // unit_order: by (unit, profession); prof_order: by (profession, unit); by agent id within a cell.
    // Units of an institution are contiguous, so institution ranges are contiguous in both orders.
    const ActiveMask active(population);
    bucket_agents(
        cells, [&](AgentId a) { return active(a) ? unit_cell(population.unit[a], population.profession[a]) : cells; },
        unit_start_, unit_order_);
    bucket_agents(
        cells, [&](AgentId a) { return active(a) ? prof_cell(population.profession[a], population.unit[a]) : cells; },
        prof_start_, prof_order_);
    active_ = unit_order_.size();
  }

  [[nodiscard]] std::size_t active() const noexcept { return active_; }

  struct Anchor {
    UnitId unit;
    InstitutionId institution;
    Profession profession;
    bool member;  // the initiator belongs to this unit (false for a joint appointee's second unit)
    std::array<double, pool_count> weight;
  };

  [[nodiscard]] Anchor anchor(UnitId u, Profession p, bool member) const {
    const InstitutionId i = population_.units[u].institution;
    const double n_up = static_cast<double>(unit_range(u, p).size());
    const double n_u = static_cast<double>(unit_range(u).size());
    const double n_ip = static_cast<double>(prof_inst_range(p, i).size());
    const double n_i = static_cast<double>(inst_range(i).size());
    const double n_p = static_cast<double>(prof_range(p).size());
    const double n = static_cast<double>(active_);
    // Scale-free propensities: shares of block-model ties within the unit, in other units of the
    // institution and in other institutions; within each pool the same profession has odds
    // same_profession. An empty pool's share goes to the others (the draw renormalises).
    const double share_unit = spec_.within_unit;
    const double share_cross = spec_.cross_institution;
    const double share_inst = std::max(0.0, 1.0 - share_unit - share_cross);
    const double sp = spec_.same_profession;
    Anchor out{u, i, p, member, {}};
    const double unit_same = std::max(0.0, n_up - (member ? 1.0 : 0.0)) * sp;
    const double unit_other = n_u - n_up;
    const double inst_same = (n_ip - n_up) * sp;
    const double inst_other = n_i - n_u - n_ip + n_up;
    const double cross_same = (n_p - n_ip) * sp;
    const double cross_other = n - n_i - n_p + n_ip;
    auto split = [&](double share, double same, double other, Pool same_pool, Pool other_pool) {
      const double total = same + other;
      if (total <= 0.0) return;
      out.weight[same_pool] = share * same / total;
      out.weight[other_pool] = share * other / total;
    };
    split(share_unit, unit_same, unit_other, same_unit_same_prof, same_unit_other_prof);
    split(share_inst, inst_same, inst_other, same_inst_same_prof, same_inst_other_prof);
    split(share_cross, cross_same, cross_other, other_inst_same_prof, other_inst_other_prof);
    return out;
  }

  // A colleague of `self` from one pool of the anchor, uniformly; kNoAgent after too many rejections.
  AgentId draw(const Anchor& anchor, AgentId self, Stream& stream) const {
    const std::size_t pool = stream.categorical(anchor.weight);
    for (int attempt = 0; attempt < kMaxRejections; ++attempt) {
      const AgentId candidate = draw_from(pool, anchor, stream);
      if (candidate != self) return candidate;
    }
    return kNoAgent;
  }

  // The agent's anchors: its home unit, and its second unit if it has a joint appointment.
  void anchors_of(AgentId a, std::vector<Anchor>& out) const {
    out.clear();
    out.push_back(anchor(population_.unit[a], population_.profession[a], true));
    if (population_.joint_unit[a] != kNoUnit) {
      out.push_back(anchor(population_.joint_unit[a], population_.profession[a], false));
    }
  }

  AgentId draw_for(AgentId a, const std::vector<Anchor>& anchors, Stream& stream) const {
    std::size_t which = 0;
    if (anchors.size() > 1 && stream.bernoulli(spec_.joint_secondary_share)) which = 1;
    const Anchor& chosen = anchors[which];
    double total = 0.0;
    for (double w : chosen.weight) total += w;
    if (total <= 0.0) return kNoAgent;
    return draw(chosen, a, stream);
  }

 private:
  struct Range {
    std::uint64_t begin;
    std::uint64_t end;
    [[nodiscard]] std::uint64_t size() const noexcept { return end - begin; }
  };

  [[nodiscard]] std::size_t unit_cell(UnitId u, Profession p) const noexcept { return u * kProfessions + index_of(p); }
  [[nodiscard]] std::size_t prof_cell(Profession p, UnitId u) const noexcept {
    return index_of(p) * population_.units.size() + u;
  }
  [[nodiscard]] Range unit_range(UnitId u, Profession p) const {
    return {unit_start_[unit_cell(u, p)], unit_start_[unit_cell(u, p) + 1]};
  }
  [[nodiscard]] Range unit_range(UnitId u) const {
    return {unit_start_[u * kProfessions], unit_start_[(u + 1) * kProfessions]};
  }
  [[nodiscard]] Range inst_range(InstitutionId i) const {
    const auto& info = population_.institutions[i];
    return {unit_start_[info.first_unit * kProfessions],
            unit_start_[(info.first_unit + info.unit_count) * kProfessions]};
  }
  [[nodiscard]] Range prof_range(Profession p) const {
    const std::size_t units = population_.units.size();
    return {prof_start_[index_of(p) * units], prof_start_[(index_of(p) + 1) * units]};
  }
  [[nodiscard]] Range prof_inst_range(Profession p, InstitutionId i) const {
    const auto& info = population_.institutions[i];
    return {prof_start_[prof_cell(p, info.first_unit)], prof_start_[prof_cell(p, info.first_unit + info.unit_count)]};
  }
  [[nodiscard]] Range prof_unit_range(Profession p, UnitId u) const {
    return {prof_start_[prof_cell(p, u)], prof_start_[prof_cell(p, u) + 1]};
  }

  // Uniform over outer \ inner, where inner is a contiguous sub-range of outer.
  static std::uint64_t draw_excluding(Range outer, Range inner, Stream& stream) {
    const std::uint64_t span = outer.size() - inner.size();
    std::uint64_t k = outer.begin + stream.below(static_cast<std::uint32_t>(span));
    if (k >= inner.begin) k += inner.size();
    return k;
  }

  AgentId draw_from(std::size_t pool, const Anchor& anchor, Stream& stream) const {
    const UnitId u = anchor.unit;
    const Profession p = anchor.profession;
    const InstitutionId i = anchor.institution;
    switch (pool) {
      case same_unit_same_prof: {
        const Range r = unit_range(u, p);
        return unit_order_[r.begin + stream.below(static_cast<std::uint32_t>(r.size()))];
      }
      case same_unit_other_prof:
        return unit_order_[draw_excluding(unit_range(u), unit_range(u, p), stream)];
      case same_inst_same_prof:
        return prof_order_[draw_excluding(prof_inst_range(p, i), prof_unit_range(p, u), stream)];
      case same_inst_other_prof:
        return rejecting_profession(inst_range(i), unit_range(u), p, stream);
      case other_inst_same_prof:
        return prof_order_[draw_excluding(prof_range(p), prof_inst_range(p, i), stream)];
      default:
        return rejecting_profession(Range{0, active_}, inst_range(i), p, stream);
    }
  }

  AgentId rejecting_profession(Range outer, Range inner, Profession p, Stream& stream) const {
    for (int attempt = 0; attempt < kMaxRejections; ++attempt) {
      const AgentId candidate = unit_order_[draw_excluding(outer, inner, stream)];
      if (population_.profession[candidate] != p) return candidate;
    }
    return kNoAgent;
  }

  // Stable counting sort of the agents into `cells` cells (cell_of(a) == cells: left out), in parallel
  // over a fixed number of contiguous blocks of ids: each block counts its agents per cell, the
  // counts give each (cell, block) its offset, and each block writes its agents in id order. The
  // result is the serial counting sort's, whatever the thread count.
  template <class CellOf>
  void bucket_agents(std::size_t cells, CellOf&& cell_of, std::vector<std::uint64_t>& start,
                     std::vector<AgentId>& order) const {
    const std::size_t n = population_.size();
    constexpr std::size_t kBlocks = 8;
    const std::size_t per_block = (n + kBlocks - 1) / kBlocks;
    std::vector<std::uint64_t> next(kBlocks * cells, 0);  // [block][cell]: counts, then write positions
    auto each_in_block = [&](std::size_t b, auto&& body) {
      const std::size_t end = std::min(n, (b + 1) * per_block);
      for (std::size_t i = b * per_block; i < end; ++i) {
        const auto a = static_cast<AgentId>(i);
        const std::size_t cell = cell_of(a);
        if (cell < cells) body(a, next[b * cells + cell]);
      }
    };
    parallel::for_each(
        kBlocks, [&](std::size_t b) { each_in_block(b, [](AgentId, std::uint64_t& count) { ++count; }); }, 1);
    start.assign(cells + 1, 0);
    std::uint64_t total = 0;
    for (std::size_t c = 0; c < cells; ++c) {
      start[c] = total;
      for (std::size_t b = 0; b < kBlocks; ++b) total += std::exchange(next[b * cells + c], total);
    }
    start[cells] = total;
    order.resize(total);
    parallel::for_each(
        kBlocks, [&](std::size_t b) { each_in_block(b, [&](AgentId a, std::uint64_t& at) { order[at++] = a; }); }, 1);
  }

  const Population& population_;
  const NetworkSpec& spec_;
  std::vector<std::uint64_t> unit_start_;
  std::vector<std::uint64_t> prof_start_;
  std::vector<AgentId> unit_order_;
  std::vector<AgentId> prof_order_;
  std::size_t active_ = 0;
};

// Each active agent writes its initiated ties into its own slice (offsets from a prefix sum), so the
// result does not depend on the thread count.
template <class CountFn, class MakeFn>
std::vector<Tie> initiate(std::size_t n, CountFn&& count_of, MakeFn&& make) {
  std::vector<std::uint64_t> offset(n + 1, 0);
  parallel::for_each(n, [&](std::size_t a) { offset[a + 1] = count_of(static_cast<AgentId>(a)); });
  std::partial_sum(offset.begin(), offset.end(), offset.begin());
  std::vector<Tie> ties(offset.back(), Tie{0, 0, 0.0f});
  parallel::for_each(
      n, [&](std::size_t a) { make(static_cast<AgentId>(a), ties.data() + offset[a], offset[a + 1] - offset[a]); });
  std::erase_if(ties, [](const Tie& t) { return t.a == t.b; });  // failed draws are self-ties
  return ties;
}

class Generator {
 public:
  Generator(const Population& population, const NetworkSpec& spec, const RandomSource& random)
      : population_(population),
        spec_(spec),
        random_(random),
        sampler_(population, spec) {}

  CollegialNetwork build(double closure_share) {
    const std::size_t n = population_.size();
    const double half_degree = spec_.mean_degree / 2.0 * kInitiationShare;
    const double block_mean = (1.0 - closure_share) * half_degree;
    const double closure_mean = closure_share * half_degree;

    std::vector<Tie> block = initiate(
        n,
        [&](AgentId a) -> std::uint64_t {
          if (!population_.active(a)) return 0;
          Stream stream = random_.stream(0, Purpose::network_stubs, a);
          return stream.poisson(block_mean);
        },
        [&](AgentId a, Tie* out, std::uint64_t count) {
          if (count == 0) return;
          Stream stream = random_.stream(0, Purpose::network_stubs, a);
          stream.poisson(block_mean);
          std::vector<BlockSampler::Anchor> anchors;
          sampler_.anchors_of(a, anchors);
          for (std::uint64_t k = 0; k < count; ++k) out[k] = make_tie(a, sampler_.draw_for(a, anchors, stream));
        });
    CollegialNetwork network(static_cast<AgentId>(n), std::move(block));

    if (closure_mean > 0.0) {
      std::vector<Tie> closure = initiate(
          n,
          [&](AgentId a) -> std::uint64_t {
            if (!population_.active(a)) return 0;
            Stream stream = random_.stream(0, Purpose::network_closure, a);
            return stream.poisson(closure_mean);
          },
          [&](AgentId a, Tie* out, std::uint64_t count) {
            if (count == 0) return;
            Stream stream = random_.stream(0, Purpose::network_closure, a);
            stream.poisson(closure_mean);
            const auto mine = network.neighbors(a);
            std::vector<BlockSampler::Anchor> anchors;
            for (std::uint64_t k = 0; k < count; ++k) {
              AgentId partner = kNoAgent;
              if (!mine.empty()) {
                const AgentId via = mine[stream.below(static_cast<std::uint32_t>(mine.size()))];
                const auto theirs = network.neighbors(via);
                partner = theirs[stream.below(static_cast<std::uint32_t>(theirs.size()))];
              } else {
                // Nobody to close a triangle through: make a block-model tie instead.
                if (anchors.empty()) sampler_.anchors_of(a, anchors);
                partner = sampler_.draw_for(a, anchors, stream);
              }
              out[k] = make_tie(a, partner);
            }
          });
      // The same network as one built from the block and closure ties together, from the block
      // network's sorted rows.
      add_ties(network, std::move(closure));
    }
    return top_up(std::move(network));
  }

 private:
  // The network with `added` merged in and nothing dropped: exactly the network the constructor builds
  // from all the ties (CollegialNetwork::merged), in arrays of the merged size.
  static void add_ties(CollegialNetwork& network, std::vector<Tie> added) {
    network = network.merged(
        network.vertex_count(), [](AgentId, AgentId, float, float) { return true; }, std::move(added));
  }

  Tie make_tie(AgentId a, AgentId b) const {
    if (b == kNoAgent || b == a) return Tie{a, a, 0.0f};
    return Tie{a, b, 1.0f};  // strength is drawn once per final tie (assign_weights)
  }

  // Adds block-model ties from random initiators until the tie count reaches the target.
  CollegialNetwork top_up(CollegialNetwork network) {
    const std::size_t active = sampler_.active();
    const auto target = static_cast<std::uint64_t>(std::llround(spec_.mean_degree * static_cast<double>(active) / 2.0));
    if (active < 2) return network;
    std::vector<AgentId> active_ids;
    active_ids.reserve(active);
    for (AgentId a = 0; a < population_.size(); ++a) {
      if (population_.active(a)) active_ids.push_back(a);
    }
    // New distinct ties are collected against the current graph (binary search) and among
    // themselves (sorted), round after round, and merged in one rebuild.
    const std::uint64_t have = network.tie_count();
    // Each new tie as the key (a << 32) | b with a < b, sorted: distinct keys are distinct ties.
    std::vector<unsigned long long> extra;
    for (int round = 0; round < kTopUpRounds && have + extra.size() < target; ++round) {
      const std::uint64_t missing = target - have - extra.size();
      std::vector<unsigned long long> drawn(missing);
      parallel::for_each(missing, [&](std::size_t k) {
        Stream stream = random_.stream(round, Purpose::network_topup, static_cast<std::uint32_t>(k));
        const AgentId a = active_ids[stream.below(static_cast<std::uint32_t>(active_ids.size()))];
        std::vector<BlockSampler::Anchor> anchors;
        sampler_.anchors_of(a, anchors);
        Tie t = make_tie(a, sampler_.draw_for(a, anchors, stream));
        if (t.a > t.b) std::swap(t.a, t.b);
        // A failed draw or a tie the graph has already: key 0 (a = b = 0), dropped below.
        drawn[k] = t.a == t.b || network.has_tie(t.a, t.b) ? 0ULL : (static_cast<unsigned long long>(t.a) << 32) | t.b;
      });
      std::erase(drawn, 0ULL);
      extra.insert(extra.end(), drawn.begin(), drawn.end());
      parallel::sort_u64(extra);
      extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
    }
    if (have + extra.size() > target) extra.resize(target - have);
    if (extra.empty()) return network;
    std::vector<Tie> added(extra.size());
    parallel::for_each(extra.size(), [&](std::size_t k) {
      added[k] = make_tie(static_cast<AgentId>(extra[k] >> 32), static_cast<AgentId>(extra[k] & 0xffffffffULL));
    });
    extra.clear();
    extra.shrink_to_fit();
    add_ties(network, std::move(added));
    return network;
  }

  const Population& population_;
  const NetworkSpec& spec_;
  const RandomSource& random_;
  BlockSampler sampler_;
};

std::vector<AgentId> clustering_sample(const Population& population) {
  std::vector<AgentId> active;
  for (AgentId a = 0; a < population.size(); ++a) {
    if (population.active(a)) active.push_back(a);
  }
  if (active.size() <= kClusteringSample) return active;
  // Systematic sample over ids ordered by (institution, unit, profession): stratified by all three.
  std::vector<AgentId> sample(kClusteringSample);
  for (std::size_t k = 0; k < kClusteringSample; ++k) sample[k] = active[k * active.size() / kClusteringSample];
  return sample;
}

}  // namespace

float initial_tie_weight(const RandomSource& random, AgentId a, AgentId b, double mean) {
  if (a > b) std::swap(a, b);
  Stream stream = random.stream(static_cast<Step>(b), Purpose::network_weights, a);
  return static_cast<float>(std::max(1e-3, stream.beta_mean(std::clamp(mean, 0.01, 0.99), 8.0)));
}

class NewcomerTieSampler::Tables : public BlockSampler {
 public:
  using BlockSampler::BlockSampler;
};

NewcomerTieSampler::NewcomerTieSampler(const Population& population, const NetworkSpec& spec)
    : population_(&population),
      spec_(&spec),
      tables_(std::make_unique<Tables>(population, spec)) {}

NewcomerTieSampler::~NewcomerTieSampler() = default;

std::vector<Tie> NewcomerTieSampler::ties_for(const RandomSource& random, Step step, std::span<const AgentId> newcomers,
                                              const CollegialNetwork& network, double closure_share) const {
  const Population& population = *population_;
  const NetworkSpec& spec = *spec_;
  const BlockSampler& sampler = *tables_;
  // Each newcomer draws from its own stream into its own list, in parallel; the lists are joined in
  // newcomer order.
  std::vector<std::vector<Tie>> made(newcomers.size());
  parallel::for_each(
      newcomers.size(),
      [&](std::size_t k) {
        const AgentId a = newcomers[k];
        std::vector<Tie>& out = made[k];
        std::vector<BlockSampler::Anchor> anchors;
        std::vector<AgentId> partners;
        Stream stream = random.stream(step, Purpose::network_stubs, a);
        const std::uint32_t wanted = stream.poisson(spec.mean_degree);
        sampler.anchors_of(a, anchors);
        // Distinct partners: repeated draws of the same colleague are drawn again (bounded attempts).
        for (std::uint32_t attempt = 0; partners.size() < wanted && attempt < 4 * wanted + 8; ++attempt) {
          AgentId b = kNoAgent;
          if (!partners.empty() && stream.uniform() < closure_share) {
            // Triadic closure through a contact already made.
            const auto row = network.neighbors(partners[stream.below(static_cast<std::uint32_t>(partners.size()))]);
            if (!row.empty()) b = row[stream.below(static_cast<std::uint32_t>(row.size()))];
          } else {
            b = sampler.draw_for(a, anchors, stream);
          }
          if (b == kNoAgent || b == a || !population.active(b)) continue;
          if (std::find(partners.begin(), partners.end(), b) != partners.end()) continue;
          partners.push_back(b);
          out.push_back(Tie{a, b, initial_tie_weight(random, a, b, spec.initial_weight)});
        }
      },
      16);
  std::size_t total = 0;
  for (const auto& list : made) total += list.size();
  std::vector<Tie> out;
  out.reserve(total);
  for (const auto& list : made) out.insert(out.end(), list.begin(), list.end());
  return out;
}

std::vector<Tie> newcomer_ties(const Population& population, const NetworkSpec& spec, const RandomSource& random,
                               Step step, std::span<const AgentId> newcomers, const CollegialNetwork& network,
                               double closure_share) {
  if (newcomers.empty()) return {};
  return NewcomerTieSampler(population, spec).ties_for(random, step, newcomers, network, closure_share);
}

namespace {

struct Calibration {
  CollegialNetwork network;
  double share = 0.0;
  double clustering = 0.0;
  int rounds = 0;
  bool reached = false;
  std::string note;
};

// Secant iterations on the closure share, starting at `share`; every round uses the same random
// numbers, so clustering is a smooth increasing function of the share and few rounds are needed.
// Stops when the clustering is within `stop_within` of the target.
Calibration calibrate(const Population& population, const NetworkSpec& spec, const RandomSource& random, double share,
                      double stop_within) {
  Generator generator(population, spec, random);
  const auto sample = clustering_sample(population);
  const double target = spec.clustering;
  double lo = 0.0;
  double hi = 0.95;
  Calibration best;
  double best_error = 1e9;
  double previous_share = -1.0;
  double previous_clustering = 0.0;
  int rounds = 0;
  bool reached = false;
  std::string note;
  for (; rounds < kMaxCalibrationRounds; ++rounds) {
    CollegialNetwork network = generator.build(share);
    const double clustering = average_clustering(network, sample);
    const double error = clustering - target;
    if (std::fabs(error) < best_error) {
      best_error = std::fabs(error);
      best.network = std::move(network);
      best.share = share;
      best.clustering = clustering;
    }
    if (std::fabs(error) <= stop_within) {
      reached = true;
      ++rounds;
      break;
    }
    if (error < 0.0)
      lo = share;
    else
      hi = share;
    if (error > 0.0 && share <= 0.0) {
      note = "clustering without any triadic closure is already " + std::to_string(clustering) +
             "; lower network.within_unit or raise network.mean_degree to reach " + std::to_string(target);
      ++rounds;
      break;
    }
    if (error < 0.0 && share >= 0.95) {
      note = "clustering with 95% triadic closure is only " + std::to_string(clustering) +
             "; raise network.within_unit or lower network.mean_degree to reach " + std::to_string(target);
      ++rounds;
      break;
    }
    double next = 0.5 * (lo + hi);
    if (previous_share >= 0.0 && clustering != previous_clustering) {
      const double secant = share - error * (share - previous_share) / (clustering - previous_clustering);
      if (secant > lo && secant < hi) next = secant;
    }
    if (rounds == 0 && error > 0.0 && share > 0.0) next = 0.0;  // try the lower bound early when over target
    previous_share = share;
    previous_clustering = clustering;
    share = next;
  }
  // Within the stated tolerance is reached, also when the search stopped at a bound of the share.
  if (!reached && best_error <= kClusteringTolerance) {
    reached = true;
    note.clear();
  }
  if (!reached && note.empty()) {
    note = "clustering calibration stopped at " + std::to_string(best.clustering) + " after " + std::to_string(rounds) +
           " rounds (target " + std::to_string(target) + ")";
  }
  best.rounds = rounds;
  best.reached = reached;
  best.note = note;
  return best;
}

// Whole units drawn at random until about `target` active staff: a smaller population with the same
// local structure (unit sizes, profession mix, tie shares) on which to calibrate the closure share.
Population unit_subsample(const Population& population, const RandomSource& random, std::size_t target) {
  const std::size_t units = population.units.size();
  std::vector<std::uint32_t> members(units, 0);
  for (AgentId a = 0; a < population.size(); ++a) members[population.unit[a]] += population.active(a) ? 1 : 0;
  std::vector<std::pair<std::uint64_t, UnitId>> order(units);
  for (UnitId u = 0; u < units; ++u) {
    order[u] = {(static_cast<std::uint64_t>(random.stream(0, Purpose::network_calibration, u).next_u32()) << 32) | u,
                u};
  }
  std::sort(order.begin(), order.end());
  std::vector<std::uint8_t> chosen(units, 0);
  std::size_t taken = 0;
  for (const auto& [key, u] : order) {
    if (taken >= target) break;
    chosen[u] = 1;
    taken += members[u];
  }
  // Units keep their institution grouping when renumbered in id order.
  Population sample;
  std::vector<UnitId> new_unit(units, kNoUnit);
  sample.institutions = population.institutions;
  for (auto& inst : sample.institutions) inst.unit_count = 0;
  for (UnitId u = 0; u < units; ++u) {
    if (!chosen[u]) continue;
    new_unit[u] = static_cast<UnitId>(sample.units.size());
    sample.units.push_back(population.units[u]);
    sample.psych_safety.push_back(population.psych_safety[u]);
    sample.flattening.push_back(population.flattening[u]);
  }
  for (const auto& unit : sample.units) ++sample.institutions[unit.institution].unit_count;
  UnitId next = 0;
  for (auto& inst : sample.institutions) {
    inst.first_unit = next;
    next += inst.unit_count;
  }
  for (AgentId a = 0; a < population.size(); ++a) {
    if (!population.active(a) || !chosen[population.unit[a]]) continue;
    const AgentId b = sample.append(population.institution[a], new_unit[population.unit[a]], population.profession[a],
                                    population.stage[a], population.minority[a] != 0, 0);
    if (population.joint_unit[a] != kNoUnit && chosen[population.joint_unit[a]]) {
      sample.joint_institution[b] = population.joint_institution[a];
      sample.joint_unit[b] = new_unit[population.joint_unit[a]];
    }
  }
  return sample;
}

}  // namespace

CollegialNetwork generate_network(const Population& population, const NetworkSpec& spec, const RandomSource& random,
                                  NetworkGenerationReport* report) {
  std::size_t active = 0;
  for (AgentId a = 0; a < population.size(); ++a) active += population.active(a) ? 1 : 0;
  double start = 0.3;
  int sample_rounds = 0;
  if (active > 2 * kCalibrationAgents) {
    // Calibrate on a subsample of whole units, then build the full network from its share.
    const Calibration small = calibrate(unit_subsample(population, random, kCalibrationAgents), spec, random, start,
                                        kClusteringTolerance / 2.0);
    start = small.share;
    sample_rounds = small.rounds;
  }
  // On the full network the stated tolerance suffices when the share comes from the subsample.
  Calibration full =
      calibrate(population, spec, random, start, sample_rounds > 0 ? kClusteringTolerance : kClusteringTolerance / 2.0);
  CollegialNetwork& best = full.network;
  const double target = spec.clustering;
  const double best_share = full.share;
  const double best_clustering = full.clustering;
  const int rounds = full.rounds + sample_rounds;
  const bool reached = full.reached;
  const std::string note = full.note;
  // Tie strength depends only on the pair, so it is drawn once, for the ties of the final network.
  best.assign_weights([&](AgentId a, AgentId b) { return initial_tie_weight(random, a, b, spec.initial_weight); });
  if (report != nullptr) {
    report->target_mean_degree = spec.mean_degree;
    report->achieved_mean_degree =
        active > 0 ? 2.0 * static_cast<double>(best.tie_count()) / static_cast<double>(active) : 0.0;
    report->target_clustering = target;
    report->calibrated_clustering = best_clustering;
    report->closure_share = best_share;
    report->calibration_rounds = rounds;
    report->clustering_reached = reached;
    report->note = note;
  }
  return std::move(best);
}

}  // namespace mentorsim
