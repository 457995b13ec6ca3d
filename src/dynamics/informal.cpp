#include "mentorsim/dynamics/informal.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "mentorsim/core/parallel.hpp"
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

double informal_perceived_fit_bound(const RandomSource& random, AgentId mentor, AgentId mentee, double noise) {
  // The streams and uniforms mentee_perceived_fit draws its two normals from (program/pairing.cpp).
  Stream fit = random.stream(static_cast<Step>(mentee), Purpose::pair_fit, mentor);
  const double u1 = fit.uniform();
  const double u2 = fit.uniform();
  const double fit_high = normal_upper_bound(u1, u2);
  if (noise == 0.0) return fit_high;
  Stream error = random.stream(static_cast<Step>(mentee), Purpose::fit_perception, mentor);
  const double v1 = error.uniform();
  const double v2 = error.uniform();
  return fit_high + noise * normal_upper_bound(v1, v2);
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

// Per thread: a mark per agent, equal to the current search's number if the agent is already among its
// candidates (so no list of candidates needs sorting to drop repeats).
thread_local std::vector<std::uint32_t> informal_marks;
thread_local std::uint32_t informal_mark = 0;

// A fresh mark for a search among n agents (all marks cleared when the count wraps around).
std::uint32_t informal_next_mark(std::size_t n) {
  if (informal_marks.size() < n) informal_marks.resize(n, 0);
  if (++informal_mark == 0) {
    std::fill(informal_marks.begin(), informal_marks.end(), 0u);
    informal_mark = 1;
  }
  return informal_mark;
}

// Bits of InformalStage::status_.
constexpr std::uint8_t kInformalActive = 0x80;
constexpr std::uint8_t kInformalRank = 0x7f;

// Bits of InformalStage::traits_: the institution, the profession and the minority value of an agent.
constexpr std::uint32_t kTraitInstitution = 0x0000ffffu;
constexpr std::uint32_t kTraitProfession = 0x00ff0000u;
constexpr std::uint32_t kTraitMinority = 0xff000000u;
static_assert(sizeof(InstitutionId) == 2 && sizeof(Profession) == 1, "traits_ packs them in 16 and 8 bits");

std::uint32_t informal_traits(const Population& pop, AgentId c) {
  return static_cast<std::uint32_t>(pop.institution[c]) |
         static_cast<std::uint32_t>(index_of(pop.profession[c])) << 16 |
         static_cast<std::uint32_t>(pop.minority[c]) << 24;
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

  // 1. Endings, in dyad order: the mentee reached the mentor's stage (promotion), then natural ends due.
  for (DyadId d : ctx.read<C::active_dyads>()) {
    if (!dyads.active(d) || dyads.formation[d] != Formation::informal) continue;
    if (pop.stage[dyads.mentee[d]] >= pop.stage[dyads.mentor[d]]) {
      end_dyad(dyads, program, d, step, EndReason::outgrown);
    }
  }
  while (!natural_ends_.empty() && natural_ends_.top().first <= step) {
    const DyadId d = natural_ends_.top().second;
    natural_ends_.pop();
    end_dyad(dyads, program, d, step, EndReason::natural_end);  // no-op if it ended otherwise
  }

  // 2. Seeking: eligible staff without any mentor, each with its own stream (word 0 decides whether it
  // seeks this week, so non-seekers cost one word).
  const double seek = step == 0 ? p.initial_seek : p.seek_rate;
  if (seek <= 0.0 || p.capacity == 0) return;
  const auto seek_threshold = static_cast<std::uint64_t>(std::ldexp(std::min(seek, 1.0), 32));
  const std::size_t n = pop.size();
  // Who a seeker may reach and ask, as of the start of the seeking (the loads change only in the booking
  // after it): one byte per agent, kInformalActive if active, and in the low bits the career stage + 1 if
  // the agent has a free informal place (0 if not or if inactive). The search reads it for every 1- and
  // 2-hop contact, about a hundred random lookups per seeker, which one small array keeps in cache where
  // the three population and program arrays it replaces would not be.
  status_.resize(n);
  traits_.resize(n);
  manages_.assign(n, 0);
  parallel::for_each(
      n,
      [&](std::size_t i) {
        const auto c = static_cast<AgentId>(i);
        std::uint8_t s = 0;
        if (pop.active(c)) {
          s = kInformalActive;
          if (program.informal_mentor_load[c] < p.capacity) s |= static_cast<std::uint8_t>(index_of(pop.stage[c]) + 1);
        }
        status_[c] = s;
        traits_[c] = informal_traits(pop, c);
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
  std::vector<std::vector<Proposal>> found((n + 255) / 256);
  parallel::for_blocks(n, 256, [&](std::size_t begin, std::size_t end) {
    // Scratch reused by the block's seekers.
    std::vector<AgentId> seen;
    std::vector<InformalCandidate> candidates;
    std::vector<std::pair<double, AgentId>> ranked;  // (-value, mentor): best first, ties to the lower id
    std::vector<double> best;                        // the `approaches` best values so far, least on top
    std::vector<Proposal>& out = found[begin / 256];
    for (std::size_t i = begin; i < end; ++i) {
      const auto a = static_cast<AgentId>(i);
      if ((status_[a] & kInformalActive) == 0 || !informal_mentee_stage(pop.stage[a])) continue;
      if (program.informal_mentee_load[a] > 0 || program.mentee_load[a] > 0) continue;
      Stream stream = ctx.random().stream(step, Purpose::informal, a);
      if (stream.next_u32() >= seek_threshold) continue;
      const std::uint32_t order = stream.next_u32();
      // Candidates: 1- and 2-hop active contacts at a later stage with a free informal place, each once.
      // A seeker scans its contacts' rows (about 150 contacts at the default mean degree 10-12): one byte
      // of status_ per contact, and a per-thread mark per agent instead of sorting the list to drop
      // repeats (the ranking below does not depend on the order of the candidates).
      const auto above = static_cast<std::uint8_t>(index_of(pop.stage[a]) + 1);
      const std::uint32_t mark = informal_next_mark(n);
      std::vector<std::uint32_t>& marks = informal_marks;
      seen.clear();
      auto consider = [&](AgentId c) {
        if ((status_[c] & kInformalRank) > above && marks[c] != mark) {  // never a itself: its rank is `above`
          marks[c] = mark;
          seen.push_back(c);
        }
      };
      for (AgentId first : net.neighbors(a)) {
        if ((status_[first] & kInformalActive) == 0) continue;
        consider(first);
        for (AgentId second : net.neighbors(first)) consider(second);
      }
      candidates.clear();
      const AgentId own_manager = pop.manager[a];
      const bool manages = manages_[a] != 0;
      const std::uint32_t own_traits = traits_[a];
      const int own_stage = static_cast<int>(pop.stage[a]);
      for (AgentId c : seen) {
        // is_feasible without constraints: both active and distinct (status_ says so), and neither the
        // other's line manager.
        if (own_manager == c || (manages && pop.manager[c] == a)) continue;
        // similarity(pop, c, a) from the packed copies; a candidate's stage is its rank - 1.
        const std::uint32_t other = traits_[c];
        const double sim = similarity_of(
            ((own_traits ^ other) & kTraitProfession) == 0, ((own_traits ^ other) & kTraitInstitution) == 0,
            ((own_traits ^ other) & kTraitMinority) == 0, std::abs(((status_[c] & kInformalRank) - 1) - own_stage));
        const double bound = bounded ? approach.homophily_weight * sim +
                                           approach.fit_choice_weight *
                                               informal_perceived_fit_bound(ctx.random(), c, a, approach.fit_noise)
                                     : std::numeric_limits<double>::infinity();
        candidates.push_back(InformalCandidate{bound, sim, c});
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
  for (const Proposal& f : booking) {
    const AgentId mentee = f.mentee;
    if (program.informal_mentor_load[f.mentor] >= p.capacity) continue;
    NewDyad d;
    d.mentor = f.mentor;
    d.mentee = mentee;
    d.arm = program.arm[mentee];
    d.type = DyadType::traditional;
    d.formation = Formation::informal;
    d.similarity = static_cast<float>(similarity(pop, f.mentor, mentee));
    d.complementarity = static_cast<float>(complementarity(pop, f.mentor, mentee, DyadType::traditional));
    const double fit = pair_fit(ctx.random(), f.mentor, mentee);
    d.fit = static_cast<float>(fit);
    d.fit_perceived = f.fit_perceived;
    d.quality = static_cast<float>(std::clamp(
        rel.initial_quality + rel.similarity_weight * (d.similarity - 0.5) + rel.fit_quality_weight * fit, 0.0, 1.0));
    d.trained = false;
    d.planned_end = kNever;
    const DyadId id = dyads.add(d, step);
    ++program.informal_mentor_load[f.mentor];
    ++program.informal_mentee_load[mentee];
    if (f.duration < kNever - step) natural_ends_.emplace(step + f.duration, id);
  }
}

}  // namespace mentorsim
