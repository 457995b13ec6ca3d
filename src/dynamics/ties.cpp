#include "mentorsim/dynamics/ties.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"

namespace mentorsim {
namespace {

// A random active contact of `of`, other than `excluded`, or kNoAgent.
AgentId random_contact(const CollegialNetwork& network, const Population& population, AgentId of, AgentId excluded,
                       Stream& stream) {
  const auto row = network.neighbors(of);
  if (row.empty()) return kNoAgent;
  const AgentId pick = row[stream.below(static_cast<std::uint32_t>(row.size()))];
  if (pick == excluded || !population.active(pick) || network.has_tie(excluded, pick)) return kNoAgent;
  return pick;
}

}  // namespace

void TiesStage::merge(Context& ctx) {
  using C = Component;
  const Population& pop = ctx.read<C::staff>();
  const double threshold = ctx.dynamics().ties.drop_threshold;
  std::vector<Tie>& pending = ctx.write<C::new_ties>();
  std::vector<Tie> added;
  added.reserve(pending.size());
  for (const Tie& t : pending) {
    if (pop.active(t.a) && pop.active(t.b)) added.push_back(t);
  }
  pending.clear();
  const ActiveMask active(pop);
  ctx.write<C::network>().merge_in_place(static_cast<AgentId>(pop.size()),
                                         CollegialNetwork::KeepRule{&active, threshold}, std::move(added));
}

void TiesStage::run_switched_off(Context& ctx) {
  if ((ctx.step() + 1) % ctx.dynamics().ties.merge_interval == 0) merge(ctx);
}

void TiesStage::run(Context& ctx) {
  using C = Component;
  const TieParams& p = ctx.dynamics().ties;
  const double decay = ctx.scenario().network().tie_decay;
  const Population& pop = ctx.read<C::staff>();
  const DyadTable& dyads = ctx.read<C::dyads>();
  const DyadEventsView events = ctx.read<C::dyad_events>();
  CollegialNetwork& net = ctx.write<C::network>();
  // Decay first, so this week's bonds are not decayed before they count.
  if (decay > 0.0) net.decay_weights(decay);
  // Dyads in parallel, reading only the network's structure: where the pair's arcs are, and the
  // introductions. Each block of dyads lists its bonds and the ties it made in dyad order; the blocks'
  // lists are then taken in block order, so bonds are strengthened one dyad after another in dyad order
  // (two dyads may share a tie, e.g. A mentors B while B mentors A) and the new ties are appended in dyad
  // order, and nothing depends on the thread count. Only the dyads that met successfully take room.
  const std::vector<DyadId>& active = ctx.read<C::active_dyads>();
  struct Bond {
    std::uint64_t at_mentor;  // the tie's arc from the mentor (CollegialNetwork::arc)
    std::uint64_t at_mentee;  // and from the mentee
    std::uint32_t k;          // index into `active`
  };
  struct Made {
    std::vector<Bond> bonds;
    // Per dyad in order: the bond of partners without a tie, the mentee's introduction, the mentor's
    // introduction, a sponsoring mentor's cross-institution introduction (those that happened).
    std::vector<Tie> ties;
  };
  constexpr std::size_t kGrain = 256;
  std::vector<Made> made((active.size() + kGrain - 1) / kGrain);
  // Each dyad that met looks up its partners' rows (two binary searches, and a random contact's row for
  // an introduction), rows at random places: the partners' row starts are prefetched 2 * kRowAhead
  // dyads ahead and their rows kRowAhead dyads ahead, so that the misses of many dyads overlap.
  constexpr std::size_t kRowAhead = 8;
  const auto prefetch_partners = [&](std::size_t k, std::size_t end, auto fetch) {
    if (k >= end) return;
    const DyadId d = active[k];
    if (!events.succeeded[d]) return;
    fetch(dyads.mentor[d]);
    fetch(dyads.mentee[d]);
  };
  parallel::for_blocks(active.size(), kGrain, [&](std::size_t begin, std::size_t end) {
    Made& out = made[begin / kGrain];
    for (std::size_t k = begin; k < end; ++k) {
      prefetch_partners(k + 2 * kRowAhead, end, [&](AgentId v) { net.prefetch_row_start(v); });
      prefetch_partners(k + kRowAhead, end, [&](AgentId v) { net.prefetch_row(v); });
      const DyadId d = active[k];
      if (!events.succeeded[d]) continue;
      const AgentId mentor = dyads.mentor[d];
      const AgentId mentee = dyads.mentee[d];
      const std::ptrdiff_t at_mentor = net.position(mentor, mentee);
      if (at_mentor >= 0) {
        out.bonds.push_back(Bond{net.arc(mentor, static_cast<std::size_t>(at_mentor)),
                                 net.arc(mentee, static_cast<std::size_t>(net.position(mentee, mentor))),
                                 static_cast<std::uint32_t>(k)});
      } else {
        out.ties.push_back(Tie{mentor, mentee, static_cast<float>(p.bond_initial), 0.0f});
      }
      // A virtual meeting builds less of a tie (bond_factor: exactly 1 in person).
      const double introduction = p.introduction_probability * bond_factor(ctx.scenario(), dyads, d);
      Stream stream = ctx.random().stream(ctx.step(), Purpose::ties, d);
      const double u_mentee = stream.uniform();
      const double u_mentor = stream.uniform();
      if (u_mentee < introduction) {
        const AgentId contact = random_contact(net, pop, mentor, mentee, stream);
        if (contact != kNoAgent && contact != mentee) {
          out.ties.push_back(Tie{mentee, contact, static_cast<float>(p.introduction_weight), 0.0f});
        }
      }
      if (u_mentor < introduction) {
        const AgentId contact = random_contact(net, pop, mentee, mentor, stream);
        if (contact != kNoAgent && contact != mentor) {
          out.ties.push_back(Tie{mentor, contact, static_cast<float>(p.introduction_weight), 0.0f});
        }
      }
      // A sponsoring mentor shares its network: one of its contacts at another institution than the
      // mentee's, not yet tied to the mentee (its own stream, so no other draw moves).
      if (dyads.formation[d] != Formation::informal && program_of(ctx.scenario(), dyads, d).mentor_sponsorship) {
        Stream sponsor = ctx.random().stream(ctx.step(), Purpose::sponsorship, d);
        if (sponsor.uniform() < p.sponsor_introduction) {
          std::vector<AgentId> candidates;
          for (AgentId x : net.neighbors(mentor)) {
            if (x != mentee && pop.active(x) && pop.institution[x] != pop.institution[mentee] &&
                !net.has_tie(mentee, x)) {
              candidates.push_back(x);
            }
          }
          if (!candidates.empty()) {
            const AgentId contact = candidates[sponsor.below(static_cast<std::uint32_t>(candidates.size()))];
            out.ties.push_back(Tie{mentee, contact, static_cast<float>(p.introduction_weight), 0.0f});
          }
        }
      }
    }
  });
  // The bonds, one after another in dyad order; the arcs' strengths are random places in the arc array,
  // so those of the bond kBondLookahead places on are prefetched.
  constexpr std::size_t kBondLookahead = 8;
  for (const Made& block : made) {
    const std::vector<Bond>& bonds = block.bonds;
    for (std::size_t i = 0; i < bonds.size(); ++i) {
      if (i + kBondLookahead < bonds.size()) {
        prefetch(&net.arc_weight(bonds[i + kBondLookahead].at_mentor));
        prefetch(&net.arc_weight(bonds[i + kBondLookahead].at_mentee));
      }
      const Bond& b = bonds[i];
      const DyadId d = active[b.k];
      float& w = net.arc_weight(b.at_mentor);
      w += static_cast<float>(p.bond_gain * bond_factor(ctx.scenario(), dyads, d) * (1.0 - w));
      net.arc_weight(b.at_mentee) = w;
    }
  }
  std::vector<Tie>& pending = ctx.write<C::new_ties>();
  for (const Made& block : made) pending.insert(pending.end(), block.ties.begin(), block.ties.end());
  if ((ctx.step() + 1) % p.merge_interval == 0) merge(ctx);
}

}  // namespace mentorsim
