#include "mentorsim/core/rng.hpp"

#include <math.h>  // lgamma_r

#include <algorithm>
#include <numbers>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace mentorsim {
namespace {

// log(k!) by lgamma_r: std::lgamma writes the global signgam, a data race when streams draw in
// parallel (ThreadSanitizer reports it); lgamma_r returns the same value and keeps the sign local.
double log_factorial(double k) noexcept {
  int sign = 0;
  return ::lgamma_r(k + 1.0, &sign);
}

constexpr std::uint32_t kPhiloxM0 = 0xD2511F53u;  // Random123's PHILOX_M4x32_0
constexpr std::uint32_t kPhiloxM1 = 0xCD9E8D57u;  // PHILOX_M4x32_1
constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9u;  // PHILOX_W32_0: the key's bump between rounds
constexpr std::uint32_t kPhiloxW1 = 0xBB67AE85u;  // PHILOX_W32_1
constexpr int kPhiloxRounds = 10;

void scalar_blocks(Seed seed, std::span<const PhiloxWords> counters, std::span<PhiloxWords> out) noexcept {
  const r123::Philox4x32::key_type key{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  for (std::size_t i = 0; i < counters.size(); ++i) {
    const r123::Philox4x32::ctr_type ctr{{counters[i][0], counters[i][1], counters[i][2], counters[i][3]}};
    const auto block = r123::Philox4x32{}(ctr, key);
    out[i] = {block[0], block[1], block[2], block[3]};
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define MENTORSIM_PHILOX_AVX2 1
// The 32 x 32 -> 64-bit products of eight lanes by m: the high and low halves in lane order.
__attribute__((target("avx2"))) inline void mulhilo8(__m256i x, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(x, m);                        // lanes 0, 2, 4, 6 as 64-bit products
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);  // lanes 1, 3, 5, 7
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);    // low halves back in their lanes
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);    // high halves
}

// A 4 x 4 transpose of 32-bit words in each 128-bit half: row r of a half (vector r) becomes its
// column r. Applied twice it is the identity.
__attribute__((target("avx2"))) inline void transpose4(__m256i& a, __m256i& b, __m256i& c, __m256i& d) {
  const __m256i ab_low = _mm256_unpacklo_epi32(a, b);
  const __m256i ab_high = _mm256_unpackhi_epi32(a, b);
  const __m256i cd_low = _mm256_unpacklo_epi32(c, d);
  const __m256i cd_high = _mm256_unpackhi_epi32(c, d);
  a = _mm256_unpacklo_epi64(ab_low, cd_low);
  b = _mm256_unpackhi_epi64(ab_low, cd_low);
  c = _mm256_unpacklo_epi64(ab_high, cd_high);
  d = _mm256_unpackhi_epi64(ab_high, cd_high);
}

__attribute__((target("avx2"))) void avx2_blocks(Seed seed, std::span<const PhiloxWords> counters,
                                                 std::span<PhiloxWords> out) noexcept {
  const std::size_t whole = counters.size() / 8 * 8;
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kPhiloxM0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kPhiloxM1));
  static_assert(sizeof(PhiloxWords) == 16, "eight counters are four 256-bit vectors");
  for (std::size_t i = 0; i < whole; i += 8) {
    // The eight counters (two per vector) transposed into one vector per word: lanes hold counters
    // 0, 2, 4, 6 in the low half and 1, 3, 5, 7 in the high half, and the same transpose puts the
    // results back in counter order.
    __m256i c0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&counters[i]));
    __m256i c1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&counters[i + 2]));
    __m256i c2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&counters[i + 4]));
    __m256i c3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&counters[i + 6]));
    transpose4(c0, c1, c2, c3);
    auto k0 = static_cast<std::uint32_t>(seed);
    auto k1 = static_cast<std::uint32_t>(seed >> 32);
    for (int round = 0; round < kPhiloxRounds; ++round) {
      if (round > 0) {
        k0 += kPhiloxW0;
        k1 += kPhiloxW1;
      }
      __m256i hi0, lo0, hi1, lo1;
      mulhilo8(c0, m0, hi0, lo0);
      mulhilo8(c2, m1, hi1, lo1);
      // {hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0}, as Random123's philox4x32round.
      const __m256i n0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(static_cast<int>(k0)));
      const __m256i n2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(static_cast<int>(k1)));
      c0 = n0;
      c1 = lo1;
      c2 = n2;
      c3 = lo0;
    }
    transpose4(c0, c1, c2, c3);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(&out[i]), c0);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(&out[i + 2]), c1);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(&out[i + 4]), c2);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(&out[i + 6]), c3);
  }
  scalar_blocks(seed, counters.subspan(whole), out.subspan(whole));
}

// normal_upper_bound of four pairs at a time: the same operations in the same order, lane by lane
// (AVX without FMA, so no product is fused into a sum), hence the same doubles.
__attribute__((target("avx2"))) std::size_t avx2_normal_upper_bounds(const double* u1, const double* u2, double* out,
                                                                     std::size_t n) noexcept {
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d two = _mm256_set1_pd(2.0);
  const __m256d quarter = _mm256_set1_pd(0.25);
  const __m256d two_pi = _mm256_set1_pd(2.0 * std::numbers::pi);
  const __m256d c24 = _mm256_set1_pd(24.0);
  const __m256d minus_four = _mm256_set1_pd(-4.0);
  const __m256d margin = _mm256_set1_pd(1e-9);
  const __m256d zero = _mm256_setzero_pd();
  const std::size_t whole = n / 4 * 4;
  for (std::size_t i = 0; i < whole; i += 4) {
    const __m256d a = _mm256_loadu_pd(u1 + i);
    const __m256d b = _mm256_loadu_pd(u2 + i);
    const __m256d q = _mm256_sub_pd(one, a);
    const __m256d r_high = _mm256_sqrt_pd(_mm256_div_pd(_mm256_mul_pd(two, q), _mm256_sqrt_pd(a)));
    const __m256d r_low = _mm256_sqrt_pd(_mm256_mul_pd(two, q));
    // std::min(u2, 1 - u2) is (1 - u2 < u2) ? 1 - u2 : u2, which is MINPD(1 - u2, u2).
    const __m256d t = _mm256_min_pd(_mm256_sub_pd(one, b), b);
    const __m256d x = _mm256_mul_pd(two_pi, t);
    const __m256d x2 = _mm256_mul_pd(x, x);
    const __m256d poly =
        _mm256_add_pd(_mm256_sub_pd(one, _mm256_div_pd(x2, two)), _mm256_div_pd(_mm256_mul_pd(x2, x2), c24));
    const __m256d chord = _mm256_mul_pd(minus_four, _mm256_sub_pd(t, quarter));
    const __m256d c_high = _mm256_blendv_pd(chord, poly, _mm256_cmp_pd(t, quarter, _CMP_LE_OQ));
    const __m256d bound = _mm256_blendv_pd(_mm256_mul_pd(r_low, c_high), _mm256_mul_pd(r_high, c_high),
                                           _mm256_cmp_pd(c_high, zero, _CMP_GE_OQ));
    _mm256_storeu_pd(out + i, _mm256_add_pd(bound, _mm256_mul_pd(margin, _mm256_add_pd(one, r_high))));
  }
  return whole;
}

// GCC 12's AVX-512 headers pass an undefined vector to the shift and multiply builtins, which it then
// reports as maybe uninitialized (GCC bug 105593, fixed in GCC 13).
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
// The same cipher sixteen counters at a time with AVX-512 (four counters per vector, transposed within
// each 128-bit quarter as transpose4 does), the rest with avx2_blocks.
__attribute__((target("avx512f"))) inline void mulhilo16(__m512i x, __m512i m, __m512i& hi, __m512i& lo) {
  const __m512i even = _mm512_mul_epu32(x, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}

__attribute__((target("avx512f"))) inline void transpose4x4(__m512i& a, __m512i& b, __m512i& c, __m512i& d) {
  const __m512i ab_low = _mm512_unpacklo_epi32(a, b);
  const __m512i ab_high = _mm512_unpackhi_epi32(a, b);
  const __m512i cd_low = _mm512_unpacklo_epi32(c, d);
  const __m512i cd_high = _mm512_unpackhi_epi32(c, d);
  a = _mm512_unpacklo_epi64(ab_low, cd_low);
  b = _mm512_unpackhi_epi64(ab_low, cd_low);
  c = _mm512_unpacklo_epi64(ab_high, cd_high);
  d = _mm512_unpackhi_epi64(ab_high, cd_high);
}

__attribute__((target("avx512f"))) void avx512_blocks(Seed seed, std::span<const PhiloxWords> counters,
                                                      std::span<PhiloxWords> out) noexcept {
  const std::size_t whole = counters.size() / 16 * 16;
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(kPhiloxM0));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(kPhiloxM1));
  for (std::size_t i = 0; i < whole; i += 16) {
    __m512i c0 = _mm512_loadu_si512(&counters[i]);
    __m512i c1 = _mm512_loadu_si512(&counters[i + 4]);
    __m512i c2 = _mm512_loadu_si512(&counters[i + 8]);
    __m512i c3 = _mm512_loadu_si512(&counters[i + 12]);
    transpose4x4(c0, c1, c2, c3);
    auto k0 = static_cast<std::uint32_t>(seed);
    auto k1 = static_cast<std::uint32_t>(seed >> 32);
    for (int round = 0; round < kPhiloxRounds; ++round) {
      if (round > 0) {
        k0 += kPhiloxW0;
        k1 += kPhiloxW1;
      }
      __m512i hi0, lo0, hi1, lo1;
      mulhilo16(c0, m0, hi0, lo0);
      mulhilo16(c2, m1, hi1, lo1);
      const __m512i n0 = _mm512_xor_si512(_mm512_xor_si512(hi1, c1), _mm512_set1_epi32(static_cast<int>(k0)));
      const __m512i n2 = _mm512_xor_si512(_mm512_xor_si512(hi0, c3), _mm512_set1_epi32(static_cast<int>(k1)));
      c0 = n0;
      c1 = lo1;
      c2 = n2;
      c3 = lo0;
    }
    transpose4x4(c0, c1, c2, c3);
    _mm512_storeu_si512(&out[i], c0);
    _mm512_storeu_si512(&out[i + 4], c1);
    _mm512_storeu_si512(&out[i + 8], c2);
    _mm512_storeu_si512(&out[i + 12], c3);
  }
  avx2_blocks(seed, counters.subspan(whole), out.subspan(whole));
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

bool cpu_has_avx512() noexcept {
  static const bool has = __builtin_cpu_supports("avx512f") != 0;
  return has;
}

bool cpu_has_avx2() noexcept {
  static const bool has = __builtin_cpu_supports("avx2") != 0;
  return has;
}
#endif

}  // namespace

void philox_blocks_scalar(Seed seed, std::span<const PhiloxWords> counters, std::span<PhiloxWords> out) noexcept {
  scalar_blocks(seed, counters, out);
}

bool philox_blocks_vectorised() noexcept {
#ifdef MENTORSIM_PHILOX_AVX2
  return cpu_has_avx2();
#else
  return false;
#endif
}

void philox_blocks(Seed seed, std::span<const PhiloxWords> counters, std::span<PhiloxWords> out) noexcept {
#ifdef MENTORSIM_PHILOX_AVX2
  if (cpu_has_avx512()) {
    avx512_blocks(seed, counters, out);
    return;
  }
  if (cpu_has_avx2()) {
    avx2_blocks(seed, counters, out);
    return;
  }
#endif
  scalar_blocks(seed, counters, out);
}

double Stream::normal() noexcept {
  if (has_spare_) {
    has_spare_ = false;
    return spare_normal_;
  }
  const double u1 = uniform();
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_normal_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

double normal_upper_bound(double u1, double u2) noexcept {
  // Radius sqrt(-2 ln u1), u1 in (0, 1): 1 - u <= -ln u <= (1 - u) / sqrt(u) (the second is
  // ln x <= (x - 1) / sqrt(x) for x = 1/u >= 1), so it lies between r_low and r_high.
  const double q = 1.0 - u1;
  const double r_high = std::sqrt(2.0 * q / std::sqrt(u1));
  const double r_low = std::sqrt(2.0 * q);
  // cos(2 pi u2) = cos(2 pi t) with t = min(u2, 1 - u2) in (0, 1/2]. Up to t = 1/4 it is at most
  // 1 - x^2/2 + x^4/24 (x = 2 pi t; true for every real x); beyond, where the cosine is negative and
  // convex, at most its chord from (1/4, 0) to (1/2, -1).
  const double t = std::min(u2, 1.0 - u2);
  double c_high = 0.0;
  if (t <= 0.25) {
    const double x2 = (2.0 * std::numbers::pi * t) * (2.0 * std::numbers::pi * t);
    c_high = 1.0 - x2 / 2.0 + x2 * x2 / 24.0;
  } else {
    c_high = -4.0 * (t - 0.25);
  }
  // A negative cosine bound is multiplied by the smallest radius, a positive one by the largest.
  const double bound = c_high >= 0.0 ? r_high * c_high : r_low * c_high;
  return bound + 1e-9 * (1.0 + r_high);
}

void normal_upper_bounds(std::span<const double> u1, std::span<const double> u2, std::span<double> out) noexcept {
  std::size_t done = 0;
#ifdef MENTORSIM_PHILOX_AVX2
  if (cpu_has_avx2()) done = avx2_normal_upper_bounds(u1.data(), u2.data(), out.data(), out.size());
#endif
  for (std::size_t i = done; i < out.size(); ++i) out[i] = normal_upper_bound(u1[i], u2[i]);
}

double Stream::gamma(double shape) noexcept {
  if (shape < 1.0) {
    // Gamma(a) = Gamma(a + 1) * U^(1/a) (Marsaglia & Tsang 2000, section 6).
    const double boosted = gamma(shape + 1.0);
    return boosted * std::pow(uniform(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform();
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double Stream::beta(double a, double b) noexcept {
  const double x = gamma(a);
  const double y = gamma(b);
  const double sum = x + y;
  // Both gammas can underflow to 0 for tiny shapes; fall back to the mean then.
  return sum > 0.0 ? x / sum : a / (a + b);
}

std::uint32_t Stream::poisson(double lambda) noexcept {
  if (lambda <= 0.0) return 0;
  if (lambda < 10.0) {
    // Inversion by sequential search: expected lambda + 1 steps.
    const double u = uniform();
    // The draw is 0 when u <= exp(-lambda). Since exp(-lambda) >= 1 - lambda, a u below 1 - lambda by
    // more than the rounding of either side (1 - lambda's half ulp, exp's error under one ulp: 1e-15 is
    // several ulps of numbers below 1) is 0 without the exponential: the same result, and for the small
    // weekly rates of the research stage (one draw per agent and week) nearly every draw ends here.
    if (u <= (1.0 - lambda) - 1e-15) return 0;
    double p = std::exp(-lambda);
    double cumulative = p;
    std::uint32_t k = 0;
    while (u > cumulative && k < 1000) {
      ++k;
      p *= lambda / k;
      cumulative += p;
    }
    return k;
  }
  // PTRS: transformed rejection with squeeze (Hormann 1993).
  const double slam = std::sqrt(lambda);
  const double loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = uniform() - 0.5;
    const double v = uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint32_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <= -lambda + k * loglam - log_factorial(k)) {
      return static_cast<std::uint32_t>(k);
    }
  }
}

std::size_t Stream::categorical(std::span<const double> weights) noexcept {
  double total = 0.0;
  for (double w : weights) total += w;
  const double target = uniform() * total;
  double cumulative = 0.0;
  std::size_t last_positive = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0.0) continue;
    cumulative += weights[i];
    last_positive = i;
    if (target < cumulative) return i;
  }
  return last_positive;  // rounding at the top end
}

}  // namespace mentorsim
