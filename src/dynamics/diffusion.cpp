#include "mentorsim/dynamics/diffusion.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {

void DiffusionStage::run(Context& ctx) {
  using C = Component;
  const Population& pop = ctx.read<C::staff>();
  const double rate = ctx.dynamics().diffusion.rate;
  const CollegialNetwork& net = ctx.read<C::network>();
  const float* skills = ctx.read<C::skills>().data().data();
  SkillMatrix& buffer = ctx.write<C::skills_next>();
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
        // Single-precision sums (relative error ~1e-6, far below the weekly change they feed) of the
        // six domains as two overlapping vectors of four, domains 0-3 and 2-5 (GCC/Clang vector
        // extension); domains 4 and 5 are read from the second. Both loads stay inside the row.
        using Float4 = float __attribute__((vector_size(16)));
        static_assert(kDomains == 6);
        const float* mine = skills + static_cast<std::size_t>(a) * kDomains;
        Float4 mine_lo;
        Float4 mine_hi;
        std::memcpy(&mine_lo, mine, sizeof mine_lo);
        std::memcpy(&mine_hi, mine + 2, sizeof mine_hi);
        const Float4 zero4 = {0.0f, 0.0f, 0.0f, 0.0f};
        Float4 pull_lo = zero4;
        Float4 pull_hi = zero4;
        float total = 0.0f;
        for (std::size_t k = 0; k < row.size(); ++k) {
          const AgentId j = row[k];
          if (!is_active(j)) continue;
          const float wk = w[k];
          total += wk;
          const float* theirs = skills + static_cast<std::size_t>(j) * kDomains;
          Float4 theirs_lo;
          Float4 theirs_hi;
          std::memcpy(&theirs_lo, theirs, sizeof theirs_lo);
          std::memcpy(&theirs_hi, theirs + 2, sizeof theirs_hi);
          const Float4 gap_lo = theirs_lo - mine_lo;
          const Float4 gap_hi = theirs_hi - mine_hi;
          pull_lo += wk * (gap_lo > zero4 ? gap_lo : zero4);
          pull_hi += wk * (gap_hi > zero4 ? gap_hi : zero4);
        }
        const std::array<float, kDomains> pull{pull_lo[0], pull_lo[1], pull_lo[2], pull_lo[3], pull_hi[2], pull_hi[3]};
        auto next = buffer.row(a);
        if (total > 0.0f && rate > 0.0) {
          const double scale = rate * pop.openness[a] / total;
          for (std::size_t d = 0; d < kDomains; ++d) {
            next[d] += static_cast<float>(scale * pull[d] * (1.0 - mine[d]));
          }
        }
        for (std::size_t d = 0; d < kDomains; ++d) next[d] = std::clamp(next[d], 0.0f, 1.0f);
      },
      512);
  std::swap(ctx.write<C::skills>(), buffer);
}

void DiffusionStage::run_switched_off(Context& ctx) {
  using C = Component;
  SkillMatrix& buffer = ctx.write<C::skills_next>();
  const auto values = buffer.data();
  parallel::for_blocks(values.size(), 1 << 16, [&](std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) values[k] = std::clamp(values[k], 0.0f, 1.0f);
  });
  std::swap(ctx.write<C::skills>(), buffer);
}

}  // namespace mentorsim
