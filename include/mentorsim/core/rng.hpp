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
#include <string_view>

#include "mentorsim/core/types.hpp"

namespace mentorsim {

// Every distinct use of randomness has its own purpose, so streams never overlap by accident. The
// values are frozen: a purpose's value is part of every stream key it names, so changing one changes
// every result drawn from it. A new purpose takes the next unused value (never a retired one), gets a
// case in purpose_name, and a row in the test that pins the values (tests/core/test_rng.cpp).
enum class Purpose : std::uint8_t {
  population_layout = 0,       // unit assignment, minority, joint appointments (sort keys)
  population_traits = 1,       // skills and personal traits at creation
  network_stubs = 2,           // block-model tie initiation
  network_closure = 3,         // triadic closure
  network_weights = 4,         // initial tie strength
  network_topup = 5,           // degree top-up after deduplication
  measure_sampling = 6,        // sampled betweenness sources
  enrollment = 7,              // program uptake / eligibility draws
  arm_assignment = 8,          // randomisation to arms
  pairing = 9,                 // pairing strategies
  meetings = 10,               // whether a dyad meets this week
  exchange = 11,               // knowledge exchange noise (reserved: the exchange draws nothing today)
  diffusion = 12,              // informal diffusion (reserved)
  relationship = 13,           // quality and dissolution
  confidence = 14,             // confidence changes (reserved)
  ties = 15,                   // introductions and tie formation
  satisfaction = 16,           // satisfaction noise (reserved)
  turnover = 17,               // weekly leaving hazard
  hiring = 18,                 // traits of replacement hires
  culture = 19,                // unit culture (reserved)
  approach = 20,               // self-identified approaches
  network_calibration = 21,    // units drawn to calibrate the network generator on a subsample
  pair_fit = 22,               // latent fit of a potential pair (step = mentee, entity = mentor)
  fit_perception = 23,         // a mentee's error in perceiving a pair's fit (step = mentee, entity = mentor)
  fit_perception_mentor = 24,  // a mentor's error in perceiving a pair's fit (step = mentor, entity = mentee)
  considering_leaving = 25,    // whether each initial agent considers leaving at week 0
  informal = 26,               // informal mentoring: seeking, approaching, accepting, natural end (entity = agent)
  sponsorship = 27,            // a sponsoring mentor's introductions across institutions (entity = dyad)
  // Mentoring styles of issue 16 (28-31).
  network_pairing = 28,  // a network program's assigned rounds after the first (step = week * 8 + round)
  spot = 29,             // spot mentoring: a seeker's need, its domain, the directory it reads, its booking order
  // Issue 16 outcomes (values 32-35 reserved for them).
  research_output = 32,  // papers an agent leads in a week and their coauthors (entity = agent)
};

// The name of a purpose, or "" for a value that is not one. The switch has no default, so a purpose
// without a case is a compiler warning (an error in the dev build), and two purposes with the same
// value do not compile (duplicate case).
constexpr std::string_view purpose_name(Purpose purpose) noexcept {
  switch (purpose) {
    case Purpose::population_layout:
      return "population_layout";
    case Purpose::population_traits:
      return "population_traits";
    case Purpose::network_stubs:
      return "network_stubs";
    case Purpose::network_closure:
      return "network_closure";
    case Purpose::network_weights:
      return "network_weights";
    case Purpose::network_topup:
      return "network_topup";
    case Purpose::measure_sampling:
      return "measure_sampling";
    case Purpose::enrollment:
      return "enrollment";
    case Purpose::arm_assignment:
      return "arm_assignment";
    case Purpose::pairing:
      return "pairing";
    case Purpose::meetings:
      return "meetings";
    case Purpose::exchange:
      return "exchange";
    case Purpose::diffusion:
      return "diffusion";
    case Purpose::relationship:
      return "relationship";
    case Purpose::confidence:
      return "confidence";
    case Purpose::ties:
      return "ties";
    case Purpose::satisfaction:
      return "satisfaction";
    case Purpose::turnover:
      return "turnover";
    case Purpose::hiring:
      return "hiring";
    case Purpose::culture:
      return "culture";
    case Purpose::approach:
      return "approach";
    case Purpose::network_calibration:
      return "network_calibration";
    case Purpose::pair_fit:
      return "pair_fit";
    case Purpose::fit_perception:
      return "fit_perception";
    case Purpose::fit_perception_mentor:
      return "fit_perception_mentor";
    case Purpose::considering_leaving:
      return "considering_leaving";
    case Purpose::informal:
      return "informal";
    case Purpose::sponsorship:
      return "sponsorship";
    case Purpose::network_pairing:
      return "network_pairing";
    case Purpose::spot:
      return "spot";
    case Purpose::research_output:
      return "research_output";
  }
  return "";
}

inline constexpr Replicate kMaxReplicates = 1u << 24;

// The four 32-bit words of a Philox block, or a counter.
using PhiloxWords = std::array<std::uint32_t, 4>;

// The counter of block `block` of the stream (replicate, step, purpose, entity): see Stream.
constexpr PhiloxWords stream_counter(Replicate replicate, Step step, Purpose purpose, std::uint32_t entity,
                                     std::uint32_t block = 0) noexcept {
  return {entity, static_cast<std::uint32_t>(step), (replicate << 8) | static_cast<std::uint32_t>(purpose), block};
}

class Stream {
 public:
  Stream(Seed seed, Replicate replicate, Step step, Purpose purpose, std::uint32_t entity) noexcept
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}} {
    const PhiloxWords c = stream_counter(replicate, step, purpose, entity);
    counter_ = {{c[0], c[1], c[2], c[3]}};
  }

  // The same stream, given its first block (`first`, as philox_blocks computes it from the stream's
  // counter): its draws are those of the stream above, the cipher running from the second block on.
  Stream(Seed seed, Replicate replicate, Step step, Purpose purpose, std::uint32_t entity,
         const PhiloxWords& first) noexcept
      : Stream(seed, replicate, step, purpose, entity) {
    buffer_ = first;
    counter_[3] = 1;
    used_ = 0;
  }

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

  // Standard normal by Box-Muller, sqrt(-2 ln u1) cos(2 pi u2) from the next two uniform() u1, u2; the
  // second value of each pair, sqrt(-2 ln u1) sin(2 pi u2), is kept for the next call.
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

// An upper bound on what normal() returns from the uniforms u1, u2 (its first call on a stream: the
// stream's next two uniform()), without the logarithm and cosine it costs. A search that needs only the
// largest of many normals (each from its own stream) computes these bounds first and then the exact
// normals only of the candidates whose bound reaches the best value found so far. As doubles, the bound
// is above the floating-point normal() by at least 1e-9 (a margin over its rounding errors, ~1e-15), so
// an exact comparison against it is safe; it is within a few per cent of the normal for most draws.
double normal_upper_bound(double u1, double u2) noexcept;
// normal_upper_bound(u1[i], u2[i]) into out[i] for every i < out.size() (u1 and u2 at least as long),
// exactly the same doubles, four at a time where the processor has AVX2.
void normal_upper_bounds(std::span<const double> u1, std::span<const double> u2, std::span<double> out) noexcept;

// Philox4x32-10 blocks computed many at a time, bit for bit the blocks a Stream draws. A pass that
// opens one stream per agent or pair and takes only its first block or two (a weekly hazard, the fit of
// a candidate pair) spends most of its time in the cipher, one block after another; computing the blocks
// of eight counters at once in vector registers (AVX2, when the processor has it) is several times
// faster and changes no draw.

// out[i] = the Philox4x32-10 block of counters[i] under the key `seed`, for i < counters.size()
// (out.size() >= counters.size()). Uses AVX2 when the processor has it, else the scalar cipher; the two
// give the same words.
void philox_blocks(Seed seed, std::span<const PhiloxWords> counters, std::span<PhiloxWords> out) noexcept;

// The same with the scalar cipher only (for tests that compare the two paths).
void philox_blocks_scalar(Seed seed, std::span<const PhiloxWords> counters, std::span<PhiloxWords> out) noexcept;

// True if philox_blocks uses AVX2 on this processor.
bool philox_blocks_vectorised() noexcept;

// The uniform in (0, 1) that Stream::uniform() makes from words `first` and `first + 1` of a block.
inline double block_uniform(const PhiloxWords& block, std::size_t first) noexcept {
  return Stream::open_unit(block[first], block[first + 1]);
}

// The random source of one replicate: makes the streams of its entities.
class RandomSource {
 public:
  RandomSource(Seed seed, Replicate replicate) noexcept : seed_(seed), replicate_(replicate) {}
  [[nodiscard]] Stream stream(Step step, Purpose purpose, std::uint32_t entity) const noexcept {
    return Stream(seed_, replicate_, step, purpose, entity);
  }
  // The stream (step, purpose, entity) given its first block (see Stream).
  [[nodiscard]] Stream stream(Step step, Purpose purpose, std::uint32_t entity,
                              const PhiloxWords& first) const noexcept {
    return Stream(seed_, replicate_, step, purpose, entity, first);
  }
  // The counter of block `block` of stream (step, purpose, entity), for philox_blocks.
  [[nodiscard]] PhiloxWords counter(Step step, Purpose purpose, std::uint32_t entity,
                                    std::uint32_t block = 0) const noexcept {
    return stream_counter(replicate_, step, purpose, entity, block);
  }
  // philox_blocks under this source's seed.
  void blocks(std::span<const PhiloxWords> counters, std::span<PhiloxWords> out) const noexcept {
    philox_blocks(seed_, counters, out);
  }
  [[nodiscard]] Seed seed() const noexcept { return seed_; }
  [[nodiscard]] Replicate replicate() const noexcept { return replicate_; }

 private:
  Seed seed_;
  Replicate replicate_;
};

// body(i, stream) for each i in [begin, end), in order, with stream = random.stream(step, purpose,
// entity(i)): the streams' first blocks are computed kStreamRun at a time (philox_blocks), so a pass that
// opens a stream per agent or dyad and draws a few words from each spends less time in the cipher. The
// draws are exactly those of the streams opened one by one.
inline constexpr std::size_t kStreamRun = 64;
template <class Entity, class Body>
void for_each_stream(const RandomSource& random, Step step, Purpose purpose, std::size_t begin, std::size_t end,
                     Entity&& entity, Body&& body) {
  std::array<PhiloxWords, kStreamRun> counters;
  std::array<PhiloxWords, kStreamRun> blocks;
  for (std::size_t run = begin; run < end; run += kStreamRun) {
    const std::size_t count = end - run < kStreamRun ? end - run : kStreamRun;
    for (std::size_t k = 0; k < count; ++k) counters[k] = random.counter(step, purpose, entity(run + k));
    random.blocks(std::span<const PhiloxWords>(counters.data(), count), blocks);
    for (std::size_t k = 0; k < count; ++k) {
      Stream stream = random.stream(step, purpose, entity(run + k), blocks[k]);
      body(run + k, stream);
    }
  }
}

// body(i, first, second) for each i in [begin, end), in order, with the first two blocks of the stream
// (step, purpose, entity(i)), computed kStreamRun streams at a time: for a pass whose draws are a fixed
// few uniforms per entity (block_uniform(first, 0) is the stream's first uniform(), block_uniform(first,
// 2) its second, block_uniform(second, 0) its third).
template <class Entity, class Body>
void for_each_two_blocks(const RandomSource& random, Step step, Purpose purpose, std::size_t begin, std::size_t end,
                         Entity&& entity, Body&& body) {
  std::array<PhiloxWords, 2 * kStreamRun> counters;
  std::array<PhiloxWords, 2 * kStreamRun> blocks;
  for (std::size_t run = begin; run < end; run += kStreamRun) {
    const std::size_t count = end - run < kStreamRun ? end - run : kStreamRun;
    for (std::size_t k = 0; k < count; ++k) {
      const std::uint32_t e = entity(run + k);
      counters[2 * k] = random.counter(step, purpose, e, 0);
      counters[2 * k + 1] = random.counter(step, purpose, e, 1);
    }
    random.blocks(std::span<const PhiloxWords>(counters.data(), 2 * count), blocks);
    for (std::size_t k = 0; k < count; ++k) body(run + k, blocks[2 * k], blocks[2 * k + 1]);
  }
}

}  // namespace mentorsim
