#include "mentorsim/dynamics/diffusion.hpp"

#include <algorithm>
#include <array>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {

void diffuse_informally(SimulationState& state) {
  const Population& pop = state.population;
  const double rate = state.scenario->dynamics().diffusion.rate;
  const CollegialNetwork& net = state.network;
  parallel::for_each(
      pop.size(),
      [&](std::size_t i) {
        const auto a = static_cast<AgentId>(i);
        if (!pop.active(a)) return;
        const auto row = net.neighbors(a);
        const auto w = net.weights(a);
        std::array<double, kDomains> pull{};
        double total = 0.0;
        const auto mine = pop.skills.row(a);
        for (std::size_t k = 0; k < row.size(); ++k) {
          const AgentId j = row[k];
          if (!pop.active(j)) continue;
          total += w[k];
          const auto theirs = pop.skills.row(j);
          for (std::size_t d = 0; d < kDomains; ++d) pull[d] += w[k] * std::max(0.0f, theirs[d] - mine[d]);
        }
        auto next = state.skills_next.row(a);
        if (total > 0.0 && rate > 0.0) {
          const double scale = rate * pop.openness[a] / total;
          for (std::size_t d = 0; d < kDomains; ++d) {
            next[d] += static_cast<float>(scale * pull[d] * (1.0 - mine[d]));
          }
        }
        for (std::size_t d = 0; d < kDomains; ++d) next[d] = std::clamp(next[d], 0.0f, 1.0f);
      },
      512);
  std::swap(state.population.skills, state.skills_next);
}

}  // namespace mentorsim
