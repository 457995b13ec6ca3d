#include "mentorsim/dynamics/diffusion.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {

void diffuse_informally(SimulationState& state) {
  const Population& pop = state.population;
  const double rate = state.scenario->dynamics().diffusion.rate;
  const CollegialNetwork& net = state.network;
  const float* skills = pop.skills.data().data();
  const ActiveMask is_active(pop);
  // The loop is bound by loading neighbours' skill rows from memory (ties across units point far
  // away), so while agent i is processed the rows of agent i + kAhead's neighbours are prefetched.
  constexpr std::size_t kAhead = 4;
  parallel::for_each(
      pop.size(),
      [&](std::size_t i) {
        const auto a = static_cast<AgentId>(i);
        if (i + kAhead < pop.size()) {
          for (AgentId j : net.neighbors(static_cast<AgentId>(i + kAhead))) {
            __builtin_prefetch(skills + static_cast<std::size_t>(j) * kDomains);
          }
        }
        if (!pop.active(a)) return;
        const auto row = net.neighbors(a);
        const auto w = net.weights(a);
        // Single-precision sums over at most a few hundred ties (relative error ~1e-6, far below
        // the weekly change they feed).
        // The six domains as one vector of four and two scalars (GCC/Clang vector extension).
        using Float4 = float __attribute__((vector_size(16)));
        static_assert(kDomains == 6);
        const float* mine = skills + static_cast<std::size_t>(a) * kDomains;
        Float4 mine4;
        std::memcpy(&mine4, mine, sizeof mine4);
        const Float4 zero4 = {0.0f, 0.0f, 0.0f, 0.0f};
        Float4 pull4 = zero4;
        float pull4th = 0.0f;
        float pull5th = 0.0f;
        float total = 0.0f;
        for (std::size_t k = 0; k < row.size(); ++k) {
          const AgentId j = row[k];
          if (!is_active(j)) continue;
          const float wk = w[k];
          total += wk;
          const float* theirs = skills + static_cast<std::size_t>(j) * kDomains;
          Float4 theirs4;
          std::memcpy(&theirs4, theirs, sizeof theirs4);
          const Float4 gap4 = theirs4 - mine4;
          pull4 += wk * (gap4 > zero4 ? gap4 : zero4);
          pull4th += wk * std::max(0.0f, theirs[4] - mine[4]);
          pull5th += wk * std::max(0.0f, theirs[5] - mine[5]);
        }
        const std::array<float, kDomains> pull{pull4[0], pull4[1], pull4[2], pull4[3], pull4th, pull5th};
        auto next = state.skills_next.row(a);
        if (total > 0.0f && rate > 0.0) {
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
