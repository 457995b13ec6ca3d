#pragma once
// Counter-based random streams (Random123 Philox4x32-10). A stream is fully named by
// (seed, replicate, step, purpose, entity); there is no generator state shared between entities or
// threads, so a draw does not depend on which thread makes it or on what other entities drew before.
// This gives thread-count independence and common random numbers across arms: two arms with the same
// seed draw the same numbers for every (step, purpose, entity) they share.
//
// Counter layout (4 x 32 bits): [entity, step, replicate << 8 | purpose, block]; key = the 64-bit seed.
// Each block yields four 32-bit words; a stream can produce 2^32 blocks.

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <span>

#include "mentorsim/core/types.hpp"

namespace mentorsim {

// Every distinct use of randomness has its own purpose, so streams never overlap by accident.
// Append new purposes at the end: reordering changes every result.
enum class Purpose : std::uint8_t {
  population_layout,    // unit assignment, minority, joint appointments (sort keys)
  population_traits,    // skills and personal traits at creation
  network_stubs,        // block-model tie initiation
  network_closure,      // triadic closure
  network_weights,      // initial tie strength
  network_topup,        // degree top-up after deduplication
  measure_sampling,     // sampled betweenness sources
  enrollment,           // program uptake / eligibility draws
  arm_assignment,       // randomisation to arms
  pairing,              // pairing strategies
  meetings,             // whether a dyad meets this week
  exchange,             // knowledge exchange noise
  diffusion,            // informal diffusion
  relationship,         // quality and dissolution
  confidence,           // confidence changes
  ties,                 // introductions and tie formation
  satisfaction,         // satisfaction noise
  turnover,             // weekly leaving hazard
  hiring,               // traits of replacement hires
  culture,              // unit culture
  approach,             // self-identified approaches
  network_calibration,  // units drawn to calibrate the network generator on a subsample
  count_                // keep last
};

inline constexpr Replicate kMaxReplicates = 1u << 24;

class Stream {
 public:
  Stream(Seed seed, Replicate replicate, Step step, Purpose purpose, std::uint32_t entity) noexcept
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        counter_{
            {entity, static_cast<std::uint32_t>(step), (replicate << 8) | static_cast<std::uint32_t>(purpose), 0u}} {}

  // Uniform 32-bit word.
  std::uint32_t next_u32() noexcept {
    if (used_ == 4) refill();
    return buffer_[used_++];
  }

  // Uniform double in the open interval (0, 1) from the next two words (see open_unit).
  double uniform() noexcept {
    const std::uint32_t high = next_u32();
    const std::uint32_t low = next_u32();
    return open_unit(high, low);
  }

  // (k + 1/2) / 2^53 for the 53-bit k made of the top 27 bits of `high` and the top 26 of `low`.
  // Above 2^52, k + 1/2 is not representable and rounds to even, so k = 2^53 - 1 would give exactly 1;
  // that value is mapped to the largest double below 1 instead.
  static double open_unit(std::uint32_t high, std::uint32_t low) noexcept {
    const std::uint64_t k = (static_cast<std::uint64_t>(high >> 5) << 26) | (low >> 6);
    const double u = (static_cast<double>(k) + 0.5) * 0x1.0p-53;
    return u < 1.0 ? u : 0x1.fffffffffffffp-1;
  }

  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }

  // Uniform integer in [0, n) without modulo bias (Lemire's multiply-shift with rejection); n > 0.
  std::uint32_t below(std::uint32_t n) noexcept {
    std::uint64_t m = static_cast<std::uint64_t>(next_u32()) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t threshold = (0u - n) % n;
      while (low < threshold) {
        m = static_cast<std::uint64_t>(next_u32()) * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

  bool bernoulli(double p) noexcept { return uniform() < p; }

  // Standard normal by Box-Muller; the second value of each pair is kept for the next call.
  double normal() noexcept;
  double normal(double mean, double sd) noexcept { return mean + sd * normal(); }

  // Gamma(shape, 1) by Marsaglia-Tsang; shape > 0.
  double gamma(double shape) noexcept;

  // Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); a, b > 0.
  double beta(double a, double b) noexcept;

  // Beta with the given mean in (0,1) and concentration a + b > 0.
  double beta_mean(double mean, double concentration) noexcept {
    return beta(mean * concentration, (1.0 - mean) * concentration);
  }

  // Poisson(lambda), lambda >= 0: inversion for small lambda, PTRS (Hormann 1993) above 10.
  std::uint32_t poisson(double lambda) noexcept;

  // Index drawn with probability proportional to weights (non-negative, not all zero).
  std::size_t categorical(std::span<const double> weights) noexcept;

 private:
  void refill() noexcept {
    const auto out = r123::Philox4x32{}(counter_, key_);
    buffer_ = {out[0], out[1], out[2], out[3]};
    ++counter_[3];
    used_ = 0;
  }

  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type counter_;
  std::array<std::uint32_t, 4> buffer_{};
  unsigned used_ = 4;
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

// The random source of one replicate: makes the streams of its entities.
class RandomSource {
 public:
  RandomSource(Seed seed, Replicate replicate) noexcept : seed_(seed), replicate_(replicate) {}
  [[nodiscard]] Stream stream(Step step, Purpose purpose, std::uint32_t entity) const noexcept {
    return Stream(seed_, replicate_, step, purpose, entity);
  }
  [[nodiscard]] Seed seed() const noexcept { return seed_; }
  [[nodiscard]] Replicate replicate() const noexcept { return replicate_; }

 private:
  Seed seed_;
  Replicate replicate_;
};

}  // namespace mentorsim
