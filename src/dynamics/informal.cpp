#include "mentorsim/dynamics/informal.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <utility>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"
#include "mentorsim/program/calendar.hpp"
#include "mentorsim/program/pairing/self_identified.hpp"
#include "mentorsim/program/teaching.hpp"

namespace mentorsim {

bool informal_mentee_stage(CareerStage stage) { return stage != CareerStage::senior; }

Step natural_end_weeks(double annual, double u) {
  if (annual <= 0.0) return kNever;
  const double w = weekly_probability(annual);
  if (w >= 1.0) return 1;
  const double weeks = std::ceil(std::log(u) / std::log1p(-w));
  if (!(weeks < static_cast<double>(kNever))) return kNever;
  return std::max<Step>(1, static_cast<Step>(weeks));
}

namespace {

// The bound on the perceived fit from the bounds on its two normals, the fit's and the error's (the
// error's is not used, and need not be computed, when noise is 0).
double perceived_fit_bound_from(double fit_high, double error_high, double noise) {
  return noise == 0.0 ? fit_high : fit_high + noise * error_high;
}

// informal_perceived_fit_bound from the first blocks of the pair's pair_fit and fit_perception streams.
double perceived_fit_bound_of(const PhiloxWords& fit, const PhiloxWords& error, double noise) {
  const double fit_high = normal_upper_bound(block_uniform(fit, 0), block_uniform(fit, 2));
  const double error_high = noise == 0.0 ? 0.0 : normal_upper_bound(block_uniform(error, 0), block_uniform(error, 2));
  return perceived_fit_bound_from(fit_high, error_high, noise);
}

}  // namespace

double informal_perceived_fit_bound(const RandomSource& random, AgentId mentor, AgentId mentee, double noise) {
  // The streams and uniforms mentee_perceived_fit draws its two normals from (program/pairing.cpp): the
  // first two uniforms of each, i.e. the words of its first block.
  const std::array<PhiloxWords, 2> counters{random.counter(static_cast<Step>(mentee), Purpose::pair_fit, mentor),
                                            random.counter(static_cast<Step>(mentee), Purpose::fit_perception, mentor)};
  std::array<PhiloxWords, 2> blocks{};
  random.blocks(counters, blocks);
  return perceived_fit_bound_of(blocks[0], blocks[1], noise);
}

namespace {

// What one seeker found this week: the mentor who accepted and the pair's numbers.
struct Proposal {
  std::uint32_t order = 0;  // random booking order
  AgentId mentee = kNoAgent;
  AgentId mentor = kNoAgent;
  float fit_perceived = 0.0f;
  Step duration = kNever;  // weeks to the natural end
};

// A feasible candidate of one seeker, with an upper bound on its ranking value.
struct InformalCandidate {
  double bound = 0.0;
  double similarity = 0.0;
  AgentId mentor = kNoAgent;
};

// The contacts a seeker has already taken as candidates: an open-addressing set of agent ids in a few
// kilobytes (so it stays in the first-level cache, where a mark per agent would be a random read into an
// array of the population's size for every contact). Entries carry the number of the search that wrote
// them, so a new search starts with an empty set without clearing it.
class SeenSet {
 public:
  // Empties the set.
  void clear() {
    if (++search_ == 0) {  // the count wrapped around: forget every entry
      std::fill(entries_.begin(), entries_.end(), Entry{});
      search_ = 1;
    }
    size_ = 0;
  }

  // Adds c; false if it was there already.
  bool insert(AgentId c) {
    if (2 * (size_ + 1) > entries_.size()) grow();
    const std::size_t mask = entries_.size() - 1;
    for (std::size_t k = hash(c) & mask;; k = (k + 1) & mask) {
      Entry& e = entries_[k];
      if (e.search != search_) {
        e = Entry{c, search_};
        ++size_;
        return true;
      }
      if (e.agent == c) return false;
    }
  }

 private:
  struct Entry {
    AgentId agent = kNoAgent;
    std::uint32_t search = 0;
  };

  static std::size_t hash(AgentId c) { return static_cast<std::size_t>(c * 0x9E3779B1u) >> 4; }

  // Doubles the table and re-inserts the current search's entries.
  void grow() {
    std::vector<Entry> old(entries_.empty() ? 256 : 2 * entries_.size());
    old.swap(entries_);
    const std::size_t mask = entries_.size() - 1;
    for (const Entry& e : old) {
      if (e.search != search_) continue;
      std::size_t k = hash(e.agent) & mask;
      while (entries_[k].search == search_) k = (k + 1) & mask;
      entries_[k] = e;
    }
  }

  std::vector<Entry> entries_;
  std::uint32_t search_ = 1;
  std::size_t size_ = 0;
};

// Bits of InformalStage::info_: whether the agent is active; the career stage + 1 if it has a free
// informal place (0 if not, or if inactive); its institution, profession and minority value.
constexpr std::uint32_t kInformalActive = 0x80u;
constexpr std::uint32_t kInformalRank = 0x7fu;
constexpr std::uint32_t kTraitInstitution = 0x00ffff00u;
constexpr std::uint32_t kTraitProfession = 0x0f000000u;
constexpr std::uint32_t kTraitMinority = 0x10000000u;
constexpr std::uint32_t kInformalSeeker = 0x20000000u;  // may seek: active, below senior, without any mentor
static_assert(sizeof(InstitutionId) == 2, "info_ packs the institution in 16 bits");
static_assert(kProfessions <= 16, "info_ packs the profession in 4 bits");

std::uint32_t informal_traits(const Population& pop, AgentId c) {
  return static_cast<std::uint32_t>(pop.institution[c]) << 8 |
         static_cast<std::uint32_t>(index_of(pop.profession[c])) << 24 | (pop.minority[c] != 0 ? kTraitMinority : 0u);
}

}  // namespace

void InformalStage::run(Context& ctx) {
  using C = Component;
  const Population& pop = ctx.read<C::staff>();
  const CollegialNetwork& net = ctx.read<C::network>();
  DyadTable& dyads = ctx.write<C::dyads>();
  ProgramState& program = ctx.write<C::program>();
  const DynamicsSpec& dynamics = ctx.dynamics();
  const InformalParams& p = dynamics.informal;
  const RelationshipParams& rel = dynamics.relationships;
  const Step step = ctx.step();

  // 1. Endings: the mentee reached the mentor's stage (promotion), then natural ends due. The dyads
  // that end are found and ended in parallel (end_dyads).
  const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
  const auto outgrown = parallel::indices_where<std::size_t>(active.size(), [&](std::size_t k) {
    const DyadId d = active[k];
    return dyads.active(d) && dyads.formation[d] == Formation::informal &&
           pop.stage[dyads.mentee[d]] >= pop.stage[dyads.mentor[d]];
  });
  std::vector<DyadId> outgrown_ids(outgrown.size());
  for (std::size_t k = 0; k < outgrown.size(); ++k) outgrown_ids[k] = active[outgrown[k]];
  end_dyads(dyads, program, outgrown_ids, step, EndReason::outgrown);
  while (!natural_ends_.empty() && natural_ends_.top().first <= step) {
    const DyadId d = natural_ends_.top().second;
    natural_ends_.pop();
    end_dyad(dyads, program, d, step, EndReason::natural_end);  // no-op if it ended otherwise
  }

  // 2. Seeking: eligible staff without any mentor (kInformalSeeker below), each with its own stream (word
  // 0 decides whether it seeks this week, so non-seekers cost one word).
  const double seek = step == 0 ? p.initial_seek : p.seek_rate;
  if (seek <= 0.0 || p.capacity == 0) return;
  const auto seek_threshold = static_cast<std::uint64_t>(std::ldexp(std::min(seek, 1.0), 32));
  const std::size_t n = pop.size();
  // Who a seeker may reach and ask, as of the start of the seeking (the loads change only in the booking
  // after it), and what its similarity needs, in one word per agent: kInformalActive if active, in the
  // low bits the career stage + 1 if the agent has a free informal place (0 if not or if inactive), and
  // its institution, profession and minority value (kTrait*), and kInformalSeeker if it may seek (active,
  // below senior, without any mentor). The search reads it for every 1- and 2-hop contact, about a
  // hundred random lookups per seeker, which one array keeps to one memory access each where the
  // population and program arrays it replaces would take five; the search for seekers reads only it.
  reserve_rows(info_, n, pop.capacity());
  reserve_rows(manages_, n, pop.capacity());
  info_.resize(n);
  manages_.assign(n, 0);
  parallel::for_each(
      n,
      [&](std::size_t i) {
        const auto c = static_cast<AgentId>(i);
        std::uint32_t s = 0;
        if (pop.active(c)) {
          s = kInformalActive;
          if (program.informal_mentor_load[c] < p.capacity) s |= static_cast<std::uint32_t>(index_of(pop.stage[c]) + 1);
          if (informal_mentee_stage(pop.stage[c]) && program.informal_mentee_load[c] == 0 &&
              program.mentee_load[c] == 0) {
            s |= kInformalSeeker;
          }
        }
        info_[c] = s | informal_traits(pop, c);
        // Every writer stores the same value, so the order of the stores does not matter.
        if (const AgentId m = pop.manager[c]; m != kNoAgent) {
          std::atomic_ref<std::uint8_t>(manages_[m]).store(1, std::memory_order_relaxed);
        }
      },
      4096);
  const ApproachParams& approach = dynamics.approach;
  const StatusParams& status = dynamics.status;
  const double time_required = dynamics.meetings.time_required;
  const std::size_t approaches = p.approaches;
  // The ranking value of candidate c, exactly as the search defines it (below). Only the best
  // `approaches` candidates matter, and the perceived fit in it costs two normals (a logarithm and a
  // sine and cosine each), so each candidate first gets an upper bound on its value from the uniforms
  // of those normals (informal_perceived_fit_bound; the value is monotone in the perceived fit for the
  // non-negative fit_choice_weight and fit_noise the keys allow), and exact values are computed in
  // decreasing order of the bound until the next bound is below the `approaches`-th best value found:
  // the others cannot be among the best. The streams are keyed by the pair, so which values are computed
  // changes no draw, and the candidates approached are the same as if every value were computed.
  const bool bounded = approach.fit_choice_weight >= 0.0 && approach.fit_noise >= 0.0;
  // Blocks of kSeekBlock agents: first the block's seekers are found (their streams' first blocks
  // computed together, for_each_stream), then they search in id order, each search prefetching the
  // rows of the seekers a few places after it (below).
  constexpr std::size_t kSeekBlock = 2048;
  std::vector<std::vector<Proposal>> found((n + kSeekBlock - 1) / kSeekBlock);
  parallel::for_blocks(n, kSeekBlock, [&](std::size_t begin, std::size_t end) {
    // Scratch reused by the block's seekers.
    std::vector<AgentId> eligible;
    struct Seeker {
      AgentId a;
      std::uint32_t order;  // random booking order
      Stream stream;
    };
    std::vector<Seeker> seekers;
    std::vector<AgentId> contacts;       // seeker s's 1- and 2-hop contacts
    std::vector<AgentId> next_contacts;  // seeker s + 1's
    std::vector<std::uint8_t> keep;
    std::vector<PhiloxWords> counters;
    std::vector<PhiloxWords> blocks;
    std::vector<double> uniforms;  // the bounds' uniforms: fit u1, fit u2, error u1, error u2 (a run each)
    std::vector<double> normals;   // their normal_upper_bound: the fit's, then the error's
    std::vector<AgentId> seen;
    std::vector<InformalCandidate> candidates;
    std::vector<std::pair<double, AgentId>> ranked;  // (-value, mentor): best first, ties to the lower id
    std::vector<double> best;                        // the `approaches` best values so far, least on top
    SeenSet taken;
    std::vector<Proposal>& out = found[begin / kSeekBlock];
    for (std::size_t i = begin; i < end; ++i) {
      if ((info_[i] & kInformalSeeker) != 0) eligible.push_back(static_cast<AgentId>(i));
    }
    for_each_stream(
        ctx.random(), step, Purpose::informal, 0, eligible.size(), [&](std::size_t k) { return eligible[k]; },
        [&](std::size_t k, Stream& stream) {
          if (stream.next_u32() >= seek_threshold) return;
          const std::uint32_t order = stream.next_u32();
          seekers.push_back(Seeker{eligible[k], order, stream});
        });
    // The search of a seeker reads the rows of its contacts: its own row, then each contact's row start
    // and row, three dependent cache misses at random places, and then the word of each contact in those
    // rows, about a hundred more. So the seekers are handled as a pipeline: while seeker s searches,
    // seeker s + 5's row start is fetched, seeker s + 4's row, seeker s + 3's contacts' row starts, seeker
    // s + 2's contacts' rows, and seeker s + 1's candidate list is copied out of those rows and the words
    // of its contacts fetched. Prefetches and the order in which the lists are built change no result.
    const auto own_row = [&](std::size_t k) { return net.neighbors(seekers[k].a); };
    // Candidates: 1- and 2-hop active contacts, as ids copied out of the rows in the order of a walk over
    // the contacts' rows (the filter below keeps those at a later stage with a free informal place, each
    // once; the ranking does not depend on their order).
    const auto list_contacts = [&](std::size_t k, std::vector<AgentId>& list) {
      list.clear();
      for (AgentId first : own_row(k)) {
        if ((info_[first] & kInformalActive) == 0) continue;
        list.push_back(first);
        const auto row = net.neighbors(first);
        list.insert(list.end(), row.begin(), row.end());
      }
      for (AgentId c : list) prefetch(&info_[c]);
    };
    for (std::size_t k = 0; k < std::min<std::size_t>(5, seekers.size()); ++k) net.prefetch_row_start(seekers[k].a);
    if (!seekers.empty()) list_contacts(0, contacts);
    for (std::size_t s = 0; s < seekers.size(); ++s) {
      if (s > 0) std::swap(contacts, next_contacts);  // seeker s's list, built in the step before
      if (s + 5 < seekers.size()) net.prefetch_row_start(seekers[s + 5].a);
      if (s + 4 < seekers.size()) net.prefetch_row(seekers[s + 4].a);
      if (s + 3 < seekers.size()) {
        for (AgentId first : own_row(s + 3)) net.prefetch_row_start(first);
      }
      if (s + 2 < seekers.size()) {
        for (AgentId first : own_row(s + 2)) net.prefetch_row(first);
      }
      if (s + 1 < seekers.size()) list_contacts(s + 1, next_contacts);
      const AgentId a = seekers[s].a;
      const std::uint32_t own = info_[a];
      Stream& stream = seekers[s].stream;
      const std::uint32_t order = seekers[s].order;
      const auto above = static_cast<std::uint32_t>(index_of(pop.stage[a]) + 1);
      seen.clear();
      taken.clear();
      // A loop without branches, so that the loads of many contacts' words are in flight at once.
      keep.resize(contacts.size());
      for (std::size_t k = 0; k < contacts.size(); ++k) {
        keep[k] =
            static_cast<std::uint8_t>((info_[contacts[k]] & kInformalRank) > above);  // never a: its rank is `above`
      }
      for (std::size_t k = 0; k < contacts.size(); ++k) {
        if (keep[k] != 0 && taken.insert(contacts[k])) seen.push_back(contacts[k]);
      }
      candidates.clear();
      const AgentId own_manager = pop.manager[a];
      const bool manages = manages_[a] != 0;
      const int own_stage = static_cast<int>(pop.stage[a]);
      for (AgentId c : seen) {
        // is_feasible without constraints: both active and distinct (info_ says so), and neither the
        // other's line manager.
        if (own_manager == c || (manages && pop.manager[c] == a)) continue;
        // similarity(pop, c, a) from the packed words; a candidate's stage is its rank - 1.
        const std::uint32_t other = info_[c];
        const double sim = similarity_of(
            ((own ^ other) & kTraitProfession) == 0, ((own ^ other) & kTraitInstitution) == 0,
            ((own ^ other) & kTraitMinority) == 0, std::abs(static_cast<int>((other & kInformalRank) - 1) - own_stage));
        candidates.push_back(InformalCandidate{std::numeric_limits<double>::infinity(), sim, c});
      }
      if (bounded) {
        // The bounds (informal_perceived_fit_bound) from the first blocks of each candidate pair's two
        // streams, computed together (philox_blocks).
        counters.clear();
        for (const InformalCandidate& c : candidates) {
          counters.push_back(ctx.random().counter(static_cast<Step>(a), Purpose::pair_fit, c.mentor));
          counters.push_back(ctx.random().counter(static_cast<Step>(a), Purpose::fit_perception, c.mentor));
        }
        blocks.resize(counters.size());
        ctx.random().blocks(counters, blocks);
        // perceived_fit_bound_of for every candidate, its normal_upper_bound calls made together
        // (normal_upper_bounds: the same doubles, several at a time).
        const std::size_t m = candidates.size();
        uniforms.resize(4 * m);
        normals.resize(2 * m);
        for (std::size_t k = 0; k < m; ++k) {
          uniforms[k] = block_uniform(blocks[2 * k], 0);              // the fit's u1
          uniforms[m + k] = block_uniform(blocks[2 * k], 2);          // and u2
          uniforms[2 * m + k] = block_uniform(blocks[2 * k + 1], 0);  // the error's u1
          uniforms[3 * m + k] = block_uniform(blocks[2 * k + 1], 2);  // and u2
        }
        const std::span<const double> u(uniforms);
        const std::span<double> high(normals);
        const double noise = approach.fit_noise;
        normal_upper_bounds(u.subspan(0, m), u.subspan(m, m), high.subspan(0, m));
        if (noise != 0.0) normal_upper_bounds(u.subspan(2 * m, m), u.subspan(3 * m, m), high.subspan(m, m));
        for (std::size_t k = 0; k < m; ++k) {
          InformalCandidate& c = candidates[k];
          c.bound = approach.homophily_weight * c.similarity +
                    approach.fit_choice_weight * perceived_fit_bound_from(normals[k], normals[m + k], noise);
        }
      }
      auto value_of = [&](const InformalCandidate& c) {
        return approach.homophily_weight * c.similarity +
               approach.fit_choice_weight * mentee_perceived_fit(ctx.random(), c.mentor, a, approach.fit_noise);
      };
      ranked.clear();
      if (candidates.size() <= approaches) {
        for (const InformalCandidate& c : candidates) ranked.emplace_back(-value_of(c), c.mentor);
      } else {
        const auto by_bound = [](const InformalCandidate& x, const InformalCandidate& y) { return x.bound < y.bound; };
        std::make_heap(candidates.begin(), candidates.end(), by_bound);
        best.clear();
        for (auto heap_end = candidates.end(); heap_end != candidates.begin(); --heap_end) {
          // Strictly below the `approaches`-th best: this one and all after it rank lower.
          if (best.size() == approaches && candidates.front().bound < best.front()) break;
          std::pop_heap(candidates.begin(), heap_end, by_bound);
          const InformalCandidate& c = *(heap_end - 1);
          const double value = value_of(c);
          ranked.emplace_back(-value, c.mentor);
          if (best.size() < approaches) {
            best.push_back(value);
            std::push_heap(best.begin(), best.end(), std::greater<>());
          } else if (value > best.front()) {
            std::pop_heap(best.begin(), best.end(), std::greater<>());
            best.back() = value;
            std::push_heap(best.begin(), best.end(), std::greater<>());
          }
        }
      }
      const std::size_t tries = std::min<std::size_t>(ranked.size(), approaches);
      std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(tries), ranked.end());
      for (std::size_t k = 0; k < tries; ++k) {
        const AgentId mentor = ranked[k].second;
        const double u_approach = stream.uniform();
        const double u_accept = stream.uniform();
        if (u_approach >= approach_probability(pop, a, mentor, approach, status)) continue;
        const double available = std::min(1.0, pop.time_budget[mentor] / time_required);
        if (u_accept >= available * (1.0 - mentor_reluctance(pop, mentor, a, approach, status))) continue;
        const auto perceived = static_cast<float>(mentee_perceived_fit(ctx.random(), mentor, a, approach.fit_noise));
        out.push_back(Proposal{order, a, mentor, perceived, natural_end_weeks(p.natural_end, stream.uniform())});
        break;
      }
    }
  });

  // 3. Booking in the seekers' random order (ties, which need equal 32-bit draws, to the lower id): a
  // mentor whose informal places are full turns the rest away.
  std::vector<Proposal> booking;
  for (const auto& part : found) booking.insert(booking.end(), part.begin(), part.end());
  std::sort(booking.begin(), booking.end(), [](const Proposal& x, const Proposal& y) {
    return x.order != y.order ? x.order < y.order : x.mentee < y.mentee;
  });
  // Each proposal's dyad depends only on the pair, so all are made ready in parallel (week 0 books
  // about half the staff); the booking then only checks the mentors' places, in order.
  std::vector<NewDyad> ready(booking.size());
  parallel::for_each(booking.size(), [&](std::size_t k) {
    const Proposal& f = booking[k];
    NewDyad& d = ready[k];
    d.mentor = f.mentor;
    d.mentee = f.mentee;
    d.arm = program.arm[f.mentee];
    d.type = DyadType::traditional;
    d.formation = Formation::informal;
    d.similarity = static_cast<float>(similarity(pop, f.mentor, f.mentee));
    d.complementarity = static_cast<float>(complementarity(pop, f.mentor, f.mentee, DyadType::traditional));
    const double fit = pair_fit(ctx.random(), f.mentor, f.mentee);
    d.fit = static_cast<float>(fit);
    d.fit_perceived = f.fit_perceived;
    d.quality = static_cast<float>(std::clamp(
        rel.initial_quality + rel.similarity_weight * (d.similarity - 0.5) + rel.fit_quality_weight * fit, 0.0, 1.0));
    d.trained = false;
    d.planned_end = kNever;
  });
  for (std::size_t k = 0; k < booking.size(); ++k) {
    const Proposal& f = booking[k];
    const AgentId mentee = f.mentee;
    if (program.informal_mentor_load[f.mentor] >= p.capacity) continue;
    const DyadId id = dyads.add(ready[k], step);
    ++program.informal_mentor_load[f.mentor];
    ++program.informal_mentee_load[mentee];
    if (f.duration < kNever - step) natural_ends_.emplace(step + f.duration, id);
  }
}

}  // namespace mentorsim
