#include "mentorsim/dynamics/research.hpp"

#include <algorithm>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {

double collaboration_capacity(const Population& population, const SkillMatrix& skills, const CollegialNetwork& network,
                              AgentId a) {
  const auto row = network.neighbors(a);
  const auto w = network.weights(a);
  double capacity = 0.0;
  for (std::size_t k = 0; k < row.size(); ++k) {
    if (population.active(row[k])) capacity += w[k] * skills(row[k], Domain::research);
  }
  return capacity;
}

double weekly_paper_rate(const ResearchParams& params, const Population& population, const SkillMatrix& skills,
                         AgentId a, double capacity) {
  const double collaboration = std::min(1.0, capacity / params.collaboration_reference);
  return params.annual_rate / 52.0 * skills(a, Domain::research) * (1.0 - population.workload[a]) *
         (1.0 + params.collaboration_weight * collaboration);
}

void ResearchStage::run(Context& ctx) {
  using C = Component;
  const ResearchParams& p = ctx.dynamics().research;
  const Population& pop = ctx.read<C::staff>();
  const SkillMatrix& skills = ctx.read<C::skills>();
  const CollegialNetwork& network = ctx.read<C::network>();
  ResearchOutput& out = ctx.write<C::research>();
  const std::size_t n = pop.size();
  out.resize(n);
  if (p.annual_rate <= 0.0) return;
  const Step step = ctx.step();
  // Agent a's papers this week, drawn from its research_output stream.
  const auto write = [&](AgentId a, Stream& stream) {
    if (!pop.active(a)) return;
    // The rate with full collaboration (C >= collaboration_reference): the thinning envelope.
    const double envelope = weekly_paper_rate(p, pop, skills, a, p.collaboration_reference);
    if (envelope <= 0.0) return;
    const std::uint32_t candidates = stream.poisson(envelope);
    if (candidates == 0) return;
    const double capacity = collaboration_capacity(pop, skills, network, a);
    const double keep = weekly_paper_rate(p, pop, skills, a, capacity) / envelope;
    const auto row = network.neighbors(a);
    const auto w = network.weights(a);
    for (std::uint32_t c = 0; c < candidates; ++c) {
      if (stream.uniform() >= keep) continue;
      ++out.papers[a];
      if (capacity <= 0.0) continue;
      // The coauthor: a colleague with probability proportional to strength x research skill.
      const double target = stream.uniform() * capacity;
      double cumulative = 0.0;
      AgentId coauthor = kNoAgent;
      for (std::size_t k = 0; k < row.size(); ++k) {
        if (!pop.active(row[k])) continue;
        const double share = w[k] * skills(row[k], Domain::research);
        if (share <= 0.0) continue;
        coauthor = row[k];  // the last positive one if rounding leaves target above the sum
        cumulative += share;
        if (target < cumulative) break;
      }
      if (coauthor == kNoAgent) continue;
      const bool across =
          pop.institution[coauthor] != pop.institution[a] || pop.profession[coauthor] != pop.profession[a];
      if (across && out.partners.add(a, coauthor)) ++out.new_directions[a];
    }
  };
  // The streams' first blocks are computed together (for_each_stream); the draws are the same.
  const auto agent = [](std::size_t i) { return static_cast<AgentId>(i); };
  // One task per shard of the coauthor sets (CoauthorSets::add).
  parallel::for_blocks(n, CoauthorSets::kShard, [&](std::size_t begin, std::size_t end) {
    for_each_stream(ctx.random(), step, Purpose::research_output, begin, end, agent,
                    [&](std::size_t i, Stream& stream) { write(static_cast<AgentId>(i), stream); });
  });
}

}  // namespace mentorsim
