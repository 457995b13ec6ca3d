#include "mentorsim/dynamics/diffusion.hpp"

#include <algorithm>
#include <cstring>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mentorsim {

namespace {

// Four of an agent's six domains (GCC/Clang vector extension): a row is read as two overlapping
// vectors, domains 0-3 and 2-5, so both loads and stores stay inside the row.
using Float4 = float __attribute__((vector_size(16)));

// gap > 0 ? gap : 0, lane by lane (MAXPS returns its second operand unless the first is greater, so
// -0 and NaN give +0 as the comparison does).
inline Float4 diffusion_gain(Float4 gap) {
#if defined(__SSE2__)
  return _mm_max_ps(gap, _mm_setzero_ps());
#else
  const Float4 zero = {0.0f, 0.0f, 0.0f, 0.0f};
  return gap > zero ? gap : zero;
#endif
}

// std::clamp(v, 0, 1), lane by lane: (v < 0) ? 0 : ((1 < v) ? 1 : v). MINPS(1, v) is 1 < v ? 1 : v
// (v when NaN), and MAXPS(0, x) is 0 > x ? 0 : x, so -0 and NaN pass through as std::clamp lets them.
inline Float4 diffusion_clamp(Float4 v) {
#if defined(__SSE2__)
  return _mm_max_ps(_mm_setzero_ps(), _mm_min_ps(_mm_set1_ps(1.0f), v));
#else
  for (int d = 0; d < 4; ++d) v[d] = std::clamp(v[d], 0.0f, 1.0f);
  return v;
#endif
}

// float(scale * pull[d] * (1.0 - mine[d])) lane by lane, in double as the scalar expression (two
// lanes at a time: the same correctly rounded conversions, products and difference).
inline Float4 diffusion_step(double scale, Float4 pull, Float4 mine) {
#if defined(__SSE2__)
  const __m128d s = _mm_set1_pd(scale);
  const __m128d one = _mm_set1_pd(1.0);
  const __m128d low = _mm_mul_pd(_mm_mul_pd(s, _mm_cvtps_pd(pull)), _mm_sub_pd(one, _mm_cvtps_pd(mine)));
  const __m128d high = _mm_mul_pd(_mm_mul_pd(s, _mm_cvtps_pd(_mm_movehl_ps(pull, pull))),
                                  _mm_sub_pd(one, _mm_cvtps_pd(_mm_movehl_ps(mine, mine))));
  return _mm_movelh_ps(_mm_cvtpd_ps(low), _mm_cvtpd_ps(high));
#else
  Float4 out;
  for (int d = 0; d < 4; ++d) out[d] = static_cast<float>(scale * pull[d] * (1.0 - mine[d]));
  return out;
#endif
}

}  // namespace

void DiffusionStage::run(Context& ctx) {
  using C = Component;
  const Population& pop = ctx.read<C::staff>();
  const double rate = ctx.dynamics().diffusion.rate;
  const CollegialNetwork& net = ctx.read<C::network>();
  const SkillMatrix& current = ctx.read<C::skills>();
  const float* skills = current.data().data();
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
          for (AgentId j : net.neighbors(static_cast<AgentId>(i + kAhead))) current.prefetch_row(j);
        }
        if (!pop.active(a)) return;
        const auto row = net.neighbors(a);
        const auto w = net.weights(a);
        // Single-precision sums (relative error ~1e-6, far below the weekly change they feed) of the
        // six domains as two overlapping vectors of four, domains 0-3 and 2-5; domains 2 and 3 get the
        // same operations in both, so their two copies are equal.
        static_assert(kDomains == 6);
        const float* mine = skills + static_cast<std::size_t>(a) * kDomains;
        Float4 mine_lo;
        Float4 mine_hi;
        std::memcpy(&mine_lo, mine, sizeof mine_lo);
        std::memcpy(&mine_hi, mine + 2, sizeof mine_hi);
        Float4 pull_lo = {0.0f, 0.0f, 0.0f, 0.0f};
        Float4 pull_hi = pull_lo;
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
          pull_lo += wk * diffusion_gain(theirs_lo - mine_lo);
          pull_hi += wk * diffusion_gain(theirs_hi - mine_hi);
        }
        float* next = buffer.row(a).data();
        Float4 next_lo;
        Float4 next_hi;
        std::memcpy(&next_lo, next, sizeof next_lo);
        std::memcpy(&next_hi, next + 2, sizeof next_hi);
        if (total > 0.0f && rate > 0.0) {
          const double scale = rate * pop.openness[a] / total;
          next_lo += diffusion_step(scale, pull_lo, mine_lo);
          next_hi += diffusion_step(scale, pull_hi, mine_hi);
        }
        next_lo = diffusion_clamp(next_lo);
        next_hi = diffusion_clamp(next_hi);
        std::memcpy(next, &next_lo, sizeof next_lo);
        std::memcpy(next + 2, &next_hi, sizeof next_hi);
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
