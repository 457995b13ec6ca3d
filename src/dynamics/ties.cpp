#include "mentorsim/dynamics/ties.hpp"

#include <algorithm>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {
namespace {

// Strengthens an existing tie on both arcs; returns false when there is no tie yet.
bool strengthen(CollegialNetwork& network, AgentId a, AgentId b, double gain) {
  const auto pa = network.position(a, b);
  if (pa < 0) return false;
  const auto pb = network.position(b, a);
  float& wa = network.weights(a)[static_cast<std::size_t>(pa)];
  wa += static_cast<float>(gain * (1.0 - wa));
  network.weights(b)[static_cast<std::size_t>(pb)] = wa;
  return true;
}

// A random active contact of `of`, other than `excluded`, or kNoAgent.
AgentId random_contact(const SimulationState& state, AgentId of, AgentId excluded, Stream& stream) {
  const auto row = state.network.neighbors(of);
  if (row.empty()) return kNoAgent;
  const AgentId pick = row[stream.below(static_cast<std::uint32_t>(row.size()))];
  if (pick == excluded || !state.population.active(pick) || state.network.has_tie(excluded, pick)) return kNoAgent;
  return pick;
}

}  // namespace

void merge_ties(SimulationState& state) {
  const TieParams& p = state.scenario->dynamics().ties;
  const Population& pop = state.population;
  const double threshold = p.drop_threshold;
  std::vector<Tie> added;
  added.reserve(state.pending_ties.size());
  for (const Tie& t : state.pending_ties) {
    if (pop.active(t.a) && pop.active(t.b)) added.push_back(t);
  }
  state.pending_ties.clear();
  state.network = state.network.merged(
      static_cast<AgentId>(pop.size()),
      [&](AgentId a, AgentId b, float weight, float routine) {
        return pop.active(a) && pop.active(b) && !(weight < threshold && routine < threshold);
      },
      std::move(added));
}

void update_ties(SimulationState& state) {
  const TieParams& p = state.scenario->dynamics().ties;
  const double decay = state.scenario->network().tie_decay;
  const DyadTable& dyads = state.dyads;
  CollegialNetwork& net = state.network;
  // Decay first, so this week's bonds are not decayed before they count.
  if (decay > 0.0) {
    parallel::for_each(
        net.vertex_count(),
        [&](std::size_t v) {
          auto w = net.weights(static_cast<AgentId>(v));
          const auto r = net.routines(static_cast<AgentId>(v));
          for (std::size_t k = 0; k < w.size(); ++k) w[k] += static_cast<float>(decay * (r[k] - w[k]));
        },
        1024);
  }
  for (DyadId d : state.active_dyads) {
    if (!dyads.succeeded[d]) continue;
    const AgentId mentor = dyads.mentor[d];
    const AgentId mentee = dyads.mentee[d];
    if (!strengthen(net, mentor, mentee, p.bond_gain)) {
      state.pending_ties.push_back(Tie{mentor, mentee, static_cast<float>(p.bond_initial), 0.0f});
    }
    Stream stream = state.random.stream(state.step, Purpose::ties, d);
    const double u_mentee = stream.uniform();
    const double u_mentor = stream.uniform();
    if (u_mentee < p.introduction_probability) {
      const AgentId contact = random_contact(state, mentor, mentee, stream);
      if (contact != kNoAgent && contact != mentee) {
        state.pending_ties.push_back(Tie{mentee, contact, static_cast<float>(p.introduction_weight), 0.0f});
      }
    }
    if (u_mentor < p.introduction_probability) {
      const AgentId contact = random_contact(state, mentee, mentor, stream);
      if (contact != kNoAgent && contact != mentor) {
        state.pending_ties.push_back(Tie{mentor, contact, static_cast<float>(p.introduction_weight), 0.0f});
      }
    }
  }
  if ((state.step + 1) % p.merge_interval == 0) merge_ties(state);
}

}  // namespace mentorsim
