// Philox streams, apportionment and deterministic parallel loops.
//
// Statistical checks use fixed seeds, so each either always passes or always fails. Tolerances are
// stated where they are used: k standard errors of the statistic, with the standard error worked out
// from the distribution's own moments (not from a run of the code), or a chi-square critical value at
// p = 0.001.

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "mentorsim/core/rng.hpp"

using mentorsim::block_uniform;
using mentorsim::philox_blocks_scalar;
using mentorsim::philox_blocks_vectorised;
using mentorsim::PhiloxWords;
using mentorsim::Purpose;
using mentorsim::RandomSource;
using mentorsim::Seed;
using mentorsim::Step;
using mentorsim::Stream;

namespace {

struct Moments {
  double mean = 0.0;
  double variance = 0.0;  // unbiased
};

Moments moments(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return {mean, ss / (n - 1.0)};
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const Moments mx = moments(x);
  const Moments my = moments(y);
  double sxy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) sxy += (x[i] - mx.mean) * (y[i] - my.mean);
  sxy /= static_cast<double>(x.size()) - 1.0;
  return sxy / std::sqrt(mx.variance * my.variance);
}

// Pearson chi-square statistic of observed counts against expected counts.
double chi_square(const std::vector<double>& observed, const std::vector<double>& expected) {
  double stat = 0.0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    stat += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  }
  return stat;
}

// Upper 0.1% point of chi-square with df degrees of freedom, Wilson-Hilferty approximation
// (z_0.999 = 3.0902); accurate to about 1% for df >= 3, which is ample for a pass/fail bound.
double chi_square_critical_001(double df) {
  const double z = 3.0902;
  const double t = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - t + z * std::sqrt(t), 3.0);
}

std::vector<std::uint32_t> words(Stream stream, std::size_t count) {
  std::vector<std::uint32_t> out(count);
  for (auto& w : out) w = stream.next_u32();
  return out;
}

constexpr mentorsim::Seed kRngSeed = 20240611;

}  // namespace

// --- Philox streams ------------------------------------------------------------------------------

TEST_CASE("the stream with all-zero key and counter is the Random123 Philox4x32-10 known answer", "[rng]") {
  // Random123 tests/kat_vectors: philox4x32 10, counter 0 0 0 0, key 0 0 -> 6627e8d5 e169c58d bc57ac4c 9b00dbd8.
  // Counter layout [entity, step, replicate << 8 | purpose, block] is all zero for this key.
  Stream stream(0, 0, 0, Purpose::population_layout, 0);
  CHECK(stream.next_u32() == 0x6627e8d5u);
  CHECK(stream.next_u32() == 0xe169c58du);
  CHECK(stream.next_u32() == 0xbc57ac4cu);
  CHECK(stream.next_u32() == 0x9b00dbd8u);
}

TEST_CASE("philox_blocks gives the blocks a Stream draws with the vector and the scalar cipher", "[rng]") {
  // 1,003 counters (not a multiple of 8, so the vector path's scalar tail runs too) spread over every
  // field, including the largest values; blocks 0 and 1 of each stream are compared with the words a
  // Stream of the same (seed, replicate, step, purpose, entity) draws.
  const Seed seed = 0xfedcba9876543210ull;
  const RandomSource random(seed, 77);
  std::vector<PhiloxWords> counters;
  std::vector<std::array<std::uint32_t, 8>> expected;
  Stream pick(1, 0, 0, Purpose::pairing, 0);
  for (std::uint32_t i = 0; i < 1003; ++i) {
    const std::uint32_t entity = i % 7 == 0 ? 0xffffffffu - i : pick.next_u32();
    const auto step = static_cast<Step>(i % 5 == 0 ? 0x7fffffff - i : pick.below(1000000));
    const auto purpose = static_cast<Purpose>(i % 33);
    const std::uint32_t block = i % 2;
    counters.push_back(random.counter(step, purpose, entity, block));
    Stream stream = random.stream(step, purpose, entity);
    std::array<std::uint32_t, 8> words{};
    for (auto& w : words) w = stream.next_u32();
    expected.push_back(words);
  }
  std::vector<PhiloxWords> fast(counters.size());
  std::vector<PhiloxWords> scalar(counters.size());
  random.blocks(counters, fast);
  philox_blocks_scalar(seed, counters, scalar);
  std::size_t wrong_fast = 0;
  std::size_t wrong_scalar = 0;
  for (std::size_t i = 0; i < counters.size(); ++i) {
    const std::size_t at = 4 * counters[i][3];
    for (std::size_t w = 0; w < 4; ++w) {
      wrong_fast += fast[i][w] != expected[i][at + w] ? 1 : 0;
      wrong_scalar += scalar[i][w] != expected[i][at + w] ? 1 : 0;
    }
  }
  INFO("vectorised path in use: " << philox_blocks_vectorised());
  CHECK(wrong_fast == 0);
  CHECK(wrong_scalar == 0);
  // block_uniform is Stream::uniform on the same words.
  Stream stream = random.stream(12, Purpose::turnover, 34);
  std::vector<PhiloxWords> one(1);
  random.blocks(std::vector<PhiloxWords>{random.counter(12, Purpose::turnover, 34)}, one);
  CHECK(block_uniform(one[0], 0) == stream.uniform());
  CHECK(block_uniform(one[0], 2) == stream.uniform());
}

TEST_CASE("for_each_stream and for_each_two_blocks give the streams opened one by one", "[rng]") {
  // 150 entities (two whole runs of 64 and a part run), visited in order; each stream draws 13 words
  // (into its fourth block) and a normal, which must equal those of a stream opened without a block.
  const RandomSource random(20240601, 3);
  const auto entity = [](std::size_t i) { return static_cast<std::uint32_t>(1000 + 7 * i); };
  std::vector<std::size_t> order;
  std::size_t wrong = 0;
  mentorsim::for_each_stream(random, 9, Purpose::meetings, 0, 150, entity, [&](std::size_t i, Stream& stream) {
    order.push_back(i);
    Stream plain = random.stream(9, Purpose::meetings, entity(i));
    for (int w = 0; w < 13; ++w) wrong += stream.next_u32() != plain.next_u32() ? 1 : 0;
    wrong += stream.normal() != plain.normal() ? 1 : 0;
  });
  CHECK(wrong == 0);
  REQUIRE(order.size() == 150);
  for (std::size_t i = 0; i < order.size(); ++i) CHECK(order[i] == i);
  std::size_t wrong_blocks = 0;
  std::size_t visited = 0;
  mentorsim::for_each_two_blocks(random, 9, Purpose::relationship, 5, 140, entity,
                                 [&](std::size_t i, const PhiloxWords& first, const PhiloxWords& second) {
                                   wrong_blocks += i != 5 + visited++ ? 1 : 0;
                                   Stream plain = random.stream(9, Purpose::relationship, entity(i));
                                   wrong_blocks += block_uniform(first, 0) != plain.uniform() ? 1 : 0;
                                   wrong_blocks += block_uniform(first, 2) != plain.uniform() ? 1 : 0;
                                   wrong_blocks += block_uniform(second, 0) != plain.uniform() ? 1 : 0;
                                   wrong_blocks += block_uniform(second, 2) != plain.uniform() ? 1 : 0;
                                 });
  CHECK(visited == 135);
  CHECK(wrong_blocks == 0);
}

TEST_CASE("the same key gives the same sequence bit for bit, whatever else was drawn", "[rng]") {
  const RandomSource source(kRngSeed, 3);
  auto draw_everything = [](Stream s) {
    std::vector<std::uint64_t> out;
    const std::vector<double> weights{0.2, 0.0, 0.5, 0.3};
    for (int k = 0; k < 200; ++k) {
      out.push_back(s.next_u32());
      out.push_back(std::bit_cast<std::uint64_t>(s.uniform()));
      out.push_back(s.below(17));
      out.push_back(std::bit_cast<std::uint64_t>(s.normal()));
      out.push_back(std::bit_cast<std::uint64_t>(s.gamma(0.7)));
      out.push_back(std::bit_cast<std::uint64_t>(s.beta(2.0, 3.0)));
      out.push_back(s.poisson(4.0));
      out.push_back(s.poisson(25.0));
      out.push_back(s.categorical(weights));
    }
    return out;
  };
  const auto first = draw_everything(source.stream(7, Purpose::meetings, 42));
  // Other entities drawing in between share no state with entity 42.
  Stream other = source.stream(7, Purpose::meetings, 41);
  for (int k = 0; k < 1000; ++k) other.normal();
  const auto second = draw_everything(Stream(kRngSeed, 3, 7, Purpose::meetings, 42));
  CHECK(first == second);
}

TEST_CASE("changing any part of the key gives a different sequence", "[rng]") {
  const auto base = words(Stream(kRngSeed, 1, 5, Purpose::exchange, 100), 16);
  CHECK(words(Stream(kRngSeed + 1, 1, 5, Purpose::exchange, 100), 16) != base);
  // Only the high 32 bits of the seed differ: both key words must be used.
  CHECK(words(Stream(kRngSeed + (std::uint64_t{1} << 32), 1, 5, Purpose::exchange, 100), 16) != base);
  CHECK(words(Stream(kRngSeed, 2, 5, Purpose::exchange, 100), 16) != base);
  CHECK(words(Stream(kRngSeed, 1, 6, Purpose::exchange, 100), 16) != base);
  CHECK(words(Stream(kRngSeed, 1, 5, Purpose::diffusion, 100), 16) != base);
  CHECK(words(Stream(kRngSeed, 1, 5, Purpose::exchange, 101), 16) != base);
  // Entity and step are different counter words: swapping them is a different stream.
  CHECK(words(Stream(kRngSeed, 1, 100, Purpose::exchange, 5), 16) != base);
  // The largest replicate still does not collide with the purpose bits.
  CHECK(words(Stream(kRngSeed, mentorsim::kMaxReplicates - 1, 5, Purpose::exchange, 100), 16) != base);
}

TEST_CASE("neighbouring entities and steps give uncorrelated uniforms", "[rng]") {
  // For independent uniforms the sample correlation of n pairs has standard error 1/sqrt(n);
  // n = 10^5 gives 0.00316, and we allow 5 standard errors: |r| < 0.0158.
  constexpr std::size_t n = 100'000;
  const double tolerance = 5.0 / std::sqrt(static_cast<double>(n));
  const RandomSource source(kRngSeed, 0);

  SECTION("two whole streams of neighbouring entities, draw by draw") {
    Stream a = source.stream(0, Purpose::diffusion, 1000);
    Stream b = source.stream(0, Purpose::diffusion, 1001);
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = a.uniform();
      y[i] = b.uniform();
    }
    CHECK(std::fabs(correlation(x, y)) < tolerance);
  }
  SECTION("first draw of entity e against first draw of entity e + 1") {
    std::vector<double> x(n), y(n);
    for (std::size_t e = 0; e < n; ++e) {
      x[e] = source.stream(0, Purpose::turnover, static_cast<std::uint32_t>(e)).uniform();
      y[e] = source.stream(0, Purpose::turnover, static_cast<std::uint32_t>(e + 1)).uniform();
    }
    CHECK(std::fabs(correlation(x, y)) < tolerance);
  }
  SECTION("first draw at step t against step t + 1 for the same entity") {
    std::vector<double> x(n), y(n);
    for (std::size_t t = 0; t < n; ++t) {
      x[t] = source.stream(static_cast<mentorsim::Step>(t), Purpose::turnover, 9).uniform();
      y[t] = source.stream(static_cast<mentorsim::Step>(t + 1), Purpose::turnover, 9).uniform();
    }
    CHECK(std::fabs(correlation(x, y)) < tolerance);
  }
  SECTION("words of entities one bit apart differ in half their bits on average") {
    // Hamming distance of two independent 32-bit words: mean 16, sd sqrt(32 / 4) = 2.83; the mean
    // of n = 10^5 has standard error 0.0089, and we allow 5 of them.
    Stream a = source.stream(0, Purpose::ties, 0);
    Stream b = source.stream(0, Purpose::ties, 1);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) total += std::popcount(a.next_u32() ^ b.next_u32());
    CHECK(total / n == Approx(16.0).margin(5.0 * std::sqrt(8.0 / n)));
  }
}

TEST_CASE("uniform draws lie strictly inside (0, 1) with mean 1/2 and variance 1/12", "[rng]") {
  constexpr std::size_t n = 1'000'000;
  Stream s(kRngSeed, 0, 0, Purpose::meetings, 0);
  std::vector<double> x(n);
  for (auto& v : x) v = s.uniform();
  CHECK(*std::min_element(x.begin(), x.end()) > 0.0);
  CHECK(*std::max_element(x.begin(), x.end()) < 1.0);
  const Moments m = moments(x);
  // se(mean) = sqrt(1/12 / n) = 2.9e-4; se(variance) = sqrt((mu4 - sigma^4) / n) with mu4 = 1/80:
  // sqrt((1/80 - 1/144) / n) = 7.5e-5. Five standard errors each.
  CHECK(m.mean == Approx(0.5).margin(5.0 * std::sqrt(1.0 / 12.0 / n)));
  CHECK(m.variance == Approx(1.0 / 12.0).margin(5.0 * std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n)));

  Stream t(kRngSeed, 0, 0, Purpose::meetings, 1);
  for (int k = 0; k < 10'000; ++k) {
    const double v = t.uniform(-3.0, 2.0);
    REQUIRE(v > -3.0);
    REQUIRE(v < 2.0);
  }
}

TEST_CASE("the word-to-double map never reaches 0 or 1, even for the extreme words", "[rng]") {
  // k = top 27 bits of the first word, then top 26 bits of the second; u = (k + 1/2) / 2^53.
  CHECK(Stream::open_unit(0u, 0u) == 0x1.0p-54);           // k = 0
  CHECK(Stream::open_unit(0x1fu, 0x3fu) == 0x1.0p-54);     // bits below the top 27 / 26 are dropped
  CHECK(Stream::open_unit(0u, 0x40u) == 1.5 * 0x1.0p-53);  // k = 1
  // k = 2^53 - 1: k + 1/2 is not a double and would round up to 2^53, i.e. u = 1 exactly.
  CHECK(Stream::open_unit(0xffffffffu, 0xffffffffu) < 1.0);
  CHECK(Stream::open_unit(0xffffffffu, 0xffffffffu) == 0x1.fffffffffffffp-1);
  // uniform() is open_unit of the next two words.
  Stream a(kRngSeed, 0, 0, Purpose::meetings, 5);
  Stream b(kRngSeed, 0, 0, Purpose::meetings, 5);
  for (int k = 0; k < 100; ++k) {
    const std::uint32_t high = b.next_u32();
    const std::uint32_t low = b.next_u32();
    REQUIRE(a.uniform() == Stream::open_unit(high, low));
  }
}

TEST_CASE("below(n) covers 0 to n - 1 uniformly", "[rng]") {
  SECTION("n = 10: chi-square with 9 df below its 0.1% point 27.88") {
    constexpr std::size_t draws = 100'000;
    Stream s(kRngSeed, 0, 0, Purpose::pairing, 0);
    std::vector<double> counts(10, 0.0);
    for (std::size_t k = 0; k < draws; ++k) {
      const auto v = s.below(10);
      REQUIRE(v < 10u);
      counts[v] += 1.0;
    }
    CHECK(chi_square(counts, std::vector<double>(10, draws / 10.0)) < 27.88);
  }
  SECTION("n = 7: chi-square with 6 df below its 0.1% point 22.46") {
    constexpr std::size_t draws = 70'000;
    Stream s(kRngSeed, 0, 0, Purpose::pairing, 1);
    std::vector<double> counts(7, 0.0);
    for (std::size_t k = 0; k < draws; ++k) {
      const auto v = s.below(7);
      REQUIRE(v < 7u);
      counts[v] += 1.0;
    }
    CHECK(chi_square(counts, std::vector<double>(7, draws / 7.0)) < 22.46);
  }
  SECTION("n = 3 * 2^30: the rejection step removes the multiply-shift bias") {
    // floor(x * n / 2^32) = floor(3x / 4) maps x = 4k, 4k+1, 4k+2, 4k+3 to 3k, 3k, 3k+1, 3k+2, so without
    // rejection v mod 3 == 0 would have probability 1/2. Rejecting x = 4k (low word < 2^32 mod n = 2^30)
    // makes each residue 1/3. Chi-square with 2 df below 13.82 (the biased version gives ~7500).
    constexpr std::uint32_t n = 3u << 30;
    constexpr std::size_t draws = 60'000;
    Stream s(kRngSeed, 0, 0, Purpose::pairing, 2);
    std::vector<double> counts(3, 0.0);
    for (std::size_t k = 0; k < draws; ++k) {
      const auto v = s.below(n);
      REQUIRE(v < n);
      counts[v % 3] += 1.0;
    }
    CHECK(chi_square(counts, std::vector<double>(3, draws / 3.0)) < 13.82);
  }
  SECTION("n = 1 always gives 0") {
    Stream s(kRngSeed, 0, 0, Purpose::pairing, 3);
    for (int k = 0; k < 1000; ++k) REQUIRE(s.below(1) == 0u);
  }
}

TEST_CASE("normal draws have the requested mean and variance", "[rng]") {
  constexpr std::size_t n = 200'000;
  Stream s(kRngSeed, 0, 0, Purpose::exchange, 0);
  std::vector<double> x(n);
  for (auto& v : x) v = s.normal();
  const Moments m = moments(x);
  // se(mean) = 1/sqrt(n); se(variance) = sqrt(2/n) for a normal. Five standard errors.
  CHECK(m.mean == Approx(0.0).margin(5.0 / std::sqrt(n)));
  CHECK(m.variance == Approx(1.0).margin(5.0 * std::sqrt(2.0 / n)));
  // Mass within one sd: Phi(1) - Phi(-1) = 0.682689; binomial se sqrt(p(1-p)/n) = 0.00104.
  const double inside =
      static_cast<double>(std::count_if(x.begin(), x.end(), [](double v) { return std::fabs(v) < 1.0; }));
  CHECK(inside / n == Approx(0.682689).margin(5.0 * std::sqrt(0.682689 * 0.317311 / n)));

  Stream t(kRngSeed, 0, 0, Purpose::exchange, 1);
  for (auto& v : x) v = t.normal(3.0, 0.5);
  const Moments shifted = moments(x);
  CHECK(shifted.mean == Approx(3.0).margin(5.0 * 0.5 / std::sqrt(n)));
  CHECK(shifted.variance == Approx(0.25).margin(5.0 * 0.25 * std::sqrt(2.0 / n)));
}

TEST_CASE("normal_upper_bound is above the normal of the same uniforms and close to it for most", "[rng]") {
  // 500,000 fresh streams: the bound from a stream's first two uniforms against normal() of a copy of the
  // stream. It must never be below (a search relies on it to skip normals that cannot win), and where the
  // inequalities it uses are tight it must be close. For u1 >= 1/2 the radius bound is at most
  // sqrt(((1 - u)/sqrt(u)) / -ln u) <= sqrt(0.7071 / 0.6931) = 1.0100 times the radius (largest at u = 1/2;
  // the radius is at most sqrt(2 ln 2) = 1.18 there), and for t = min(u2, 1 - u2) <= 1/8 the cosine bound
  // exceeds the cosine by at most the next Taylor term x^6/720 <= (pi/4)^6/720 = 3.2e-4: so the bound is
  // within 0.01 x 1.18 + 1.18 x 3.2e-4 + 2.2e-9 < 0.013 of the normal for those draws (an eighth of them).
  constexpr std::uint32_t n = 500'000;
  std::size_t below = 0;
  std::size_t tight_region = 0;
  double worst_tight_gap = 0.0;
  for (std::uint32_t k = 0; k < n; ++k) {
    Stream s(kRngSeed, 0, 3, Purpose::pair_fit, k);
    Stream copy = s;
    const double u1 = s.uniform();
    const double u2 = s.uniform();
    const double bound = mentorsim::normal_upper_bound(u1, u2);
    const double z = copy.normal();
    below += bound < z + 1e-10 ? 1 : 0;
    if (u1 >= 0.5 && std::min(u2, 1.0 - u2) <= 0.125) {
      ++tight_region;
      worst_tight_gap = std::max(worst_tight_gap, bound - z);
    }
  }
  CHECK(below == 0);
  // An eighth of the draws, binomial se sqrt(n p (1 - p)) = 234: five standard errors.
  CHECK(static_cast<double>(tight_region) == Approx(n / 8.0).margin(5.0 * 234.0));
  CHECK(worst_tight_gap < 0.013);
}

TEST_CASE("normal_upper_bounds gives normal_upper_bound's doubles for every element", "[rng]") {
  // Lengths 0-9 (whole groups of four and every tail) and one long run, with the edges of the cosine's
  // two pieces (t = 1/4 exactly, t just above and below it), u2 = 1/2, and tiny and near-1 u1.
  std::vector<double> u1;
  std::vector<double> u2;
  Stream s(kRngSeed, 0, 4, Purpose::pair_fit, 0);
  for (int k = 0; k < 10'000; ++k) {
    u1.push_back(s.uniform());
    u2.push_back(s.uniform());
  }
  const std::vector<double> edges{0.25, 0.75,   std::nextafter(0.25, 0.0), std::nextafter(0.25, 1.0),
                                  0.5,  1e-300, std::nextafter(1.0, 0.0),  0.125};
  for (std::size_t k = 0; k < edges.size(); ++k) {
    u1.insert(u1.begin() + static_cast<std::ptrdiff_t>(3 * k), edges[edges.size() - 1 - k]);
    u2.insert(u2.begin() + static_cast<std::ptrdiff_t>(3 * k), edges[k]);
  }
  for (const std::size_t length : {0UL, 1UL, 2UL, 3UL, 4UL, 5UL, 6UL, 7UL, 8UL, 9UL, u1.size()}) {
    CAPTURE(length);
    std::vector<double> out(length, -1.0);
    mentorsim::normal_upper_bounds(std::span<const double>(u1).first(length), std::span<const double>(u2).first(length),
                                   out);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < length; ++i) differ += out[i] == mentorsim::normal_upper_bound(u1[i], u2[i]) ? 0 : 1;
    CHECK(differ == 0);
  }
}

TEST_CASE("gamma draws have mean and variance equal to the shape", "[rng]") {
  // Gamma(k, 1): mean k, variance k, central fourth moment 3k(k + 2), so
  // se(mean) = sqrt(k/n) and se(variance) = sqrt((3k(k+2) - k^2) / n). Five standard errors each.
  constexpr std::size_t n = 100'000;
  for (const double shape : {0.3, 0.5, 1.0, 2.5, 9.0}) {
    CAPTURE(shape);
    Stream s(kRngSeed, 0, 0, Purpose::relationship, static_cast<std::uint32_t>(shape * 10));
    std::vector<double> x(n);
    for (auto& v : x) {
      v = s.gamma(shape);
      REQUIRE(v >= 0.0);
    }
    const Moments m = moments(x);
    CHECK(m.mean == Approx(shape).margin(5.0 * std::sqrt(shape / n)));
    CHECK(m.variance == Approx(shape).margin(5.0 * std::sqrt((3.0 * shape * (shape + 2.0) - shape * shape) / n)));
  }
}

TEST_CASE("beta draws have the theoretical mean and variance", "[rng]") {
  // Beta(a, b): mean a/(a+b), variance ab / ((a+b)^2 (a+b+1)). On [0, 1], |X - mu| <= 1, so the fourth
  // central moment is at most the variance and se(variance) <= sqrt(variance / n). Five standard errors.
  constexpr std::size_t n = 100'000;
  struct Case {
    double a, b;
  };
  for (const Case c : {Case{2.0, 5.0}, Case{0.5, 0.5}, Case{30.0, 10.0}, Case{0.8, 3.0}}) {
    CAPTURE(c.a, c.b);
    Stream s(kRngSeed, 0, 0, Purpose::satisfaction, static_cast<std::uint32_t>(c.a * 100 + c.b));
    std::vector<double> x(n);
    for (auto& v : x) {
      v = s.beta(c.a, c.b);
      REQUIRE(v >= 0.0);
      REQUIRE(v <= 1.0);
    }
    const double mean = c.a / (c.a + c.b);
    const double variance = c.a * c.b / ((c.a + c.b) * (c.a + c.b) * (c.a + c.b + 1.0));
    const Moments m = moments(x);
    CHECK(m.mean == Approx(mean).margin(5.0 * std::sqrt(variance / n)));
    CHECK(m.variance == Approx(variance).margin(5.0 * std::sqrt(variance / n)));
  }
}

TEST_CASE("beta_mean has the given mean and variance mean(1 - mean) / (concentration + 1)", "[rng]") {
  constexpr std::size_t n = 100'000;
  for (const double mean : {0.1, 0.45, 0.8}) {
    CAPTURE(mean);
    const double concentration = 20.0;
    const double variance = mean * (1.0 - mean) / (concentration + 1.0);
    Stream s(kRngSeed, 0, 0, Purpose::confidence, static_cast<std::uint32_t>(mean * 100));
    std::vector<double> x(n);
    for (auto& v : x) {
      v = s.beta_mean(mean, concentration);
      REQUIRE(v > 0.0);
      REQUIRE(v < 1.0);
    }
    const Moments m = moments(x);
    CHECK(m.mean == Approx(mean).margin(5.0 * std::sqrt(variance / n)));
    CHECK(m.variance == Approx(variance).margin(5.0 * std::sqrt(variance / n)));
  }
}

TEST_CASE("poisson draws match the Poisson law on both code paths", "[rng]") {
  // lambda < 10 uses inversion, lambda >= 10 PTRS. Mean and variance lambda; fourth central moment
  // lambda(1 + 3 lambda), so se(variance) = sqrt((lambda + 2 lambda^2) / n). Five standard errors.
  // Frequencies: chi-square against the Poisson pmf, bins with expected count >= 20 and both tails
  // pooled, below the 0.1% point.
  constexpr std::size_t n = 100'000;
  for (const double lambda : {0.5, 5.0, 10.0, 30.0}) {
    CAPTURE(lambda);
    Stream s(kRngSeed, 0, 0, Purpose::ties, static_cast<std::uint32_t>(lambda * 10));
    std::vector<double> x(n);
    std::vector<double> counts(400, 0.0);
    for (auto& v : x) {
      const auto k = s.poisson(lambda);
      v = k;
      counts[std::min<std::size_t>(k, counts.size() - 1)] += 1.0;
    }
    const Moments m = moments(x);
    CHECK(m.mean == Approx(lambda).margin(5.0 * std::sqrt(lambda / n)));
    CHECK(m.variance == Approx(lambda).margin(5.0 * std::sqrt((lambda + 2.0 * lambda * lambda) / n)));

    auto pmf = [&](double k) { return std::exp(-lambda + k * std::log(lambda) - std::lgamma(k + 1.0)); };
    std::vector<double> observed, expected;
    double low_observed = 0.0, low_expected = 0.0;
    std::size_t k = 0;
    for (; low_expected + n * pmf(static_cast<double>(k)) < 20.0; ++k) {
      low_observed += counts[k];
      low_expected += n * pmf(static_cast<double>(k));
    }
    // First bin: everything up to and including the first k that brings the expected count to 20.
    low_observed += counts[k];
    low_expected += n * pmf(static_cast<double>(k));
    observed.push_back(low_observed);
    expected.push_back(low_expected);
    double used = low_expected;
    for (++k; n * pmf(static_cast<double>(k)) >= 20.0; ++k) {
      observed.push_back(counts[k]);
      expected.push_back(n * pmf(static_cast<double>(k)));
      used += expected.back();
    }
    double tail_observed = 0.0;
    for (std::size_t j = k; j < counts.size(); ++j) tail_observed += counts[j];
    observed.push_back(tail_observed);
    expected.push_back(n - used);
    const double df = static_cast<double>(observed.size() - 1);
    CAPTURE(df);
    CHECK(chi_square(observed, expected) < chi_square_critical_001(std::max(df, 3.0)));
  }
}

TEST_CASE("poisson below 10 is exactly the inversion with the exponential, near the shortcut's edge too", "[rng]") {
  // Stream::poisson returns 0 without computing exp(-lambda) when u is below 1 - lambda by a margin;
  // the inversion it shortcuts, written out here, must give the same draw for every u and lambda. The
  // stream's next uniform u is read from a copy of the stream, then lambda is chosen: at random over
  // several scales, and just inside the shortcut (1 - lambda within 1e-15 .. 3e-15 of u, and
  // lambda = 1 - u exactly, where exp(-lambda) exceeds u by about lambda^2 / 2).
  const auto inversion = [](double lambda, double u) {
    double p = std::exp(-lambda);
    double cumulative = p;
    std::uint32_t k = 0;
    while (u > cumulative && k < 1000) {
      ++k;
      p *= lambda / k;
      cumulative += p;
    }
    return k;
  };
  Stream s(kRngSeed, 0, 0, Purpose::research_output, 7);
  Stream pick(kRngSeed, 0, 1, Purpose::research_output, 7);
  std::size_t zeros = 0;
  constexpr int kDraws = 600'000;
  for (int i = 0; i < kDraws; ++i) {
    Stream copy = s;
    const double u = copy.uniform();
    double lambda = 0.0;
    switch (i % 3) {
      case 0:  // 1e-12 .. 10, log-uniform
        lambda = std::pow(10.0, -12.0 + 13.0 * pick.uniform());
        break;
      case 1:  // 1 - lambda just above u: the shortcut's edge
        lambda = (1.0 - u) - (1e-15 + 2e-15 * pick.uniform());
        break;
      default:  // exp(-lambda) just above u for small lambda
        lambda = 1.0 - u;
        break;
    }
    if (!(lambda > 0.0 && lambda < 10.0)) lambda = 1e-9;
    const std::uint32_t expected = inversion(lambda, u);
    const std::uint32_t k = s.poisson(lambda);
    zeros += k == 0 ? 1 : 0;
    if (k != expected) {
      CAPTURE(i, u, lambda);
      REQUIRE(k == expected);
    }
  }
  CHECK(zeros > kDraws / 2);  // most of these draws are 0, so the shortcut was taken often
}

TEST_CASE("poisson with lambda zero or negative gives zero", "[rng]") {
  Stream s(kRngSeed, 0, 0, Purpose::ties, 999);
  CHECK(s.poisson(0.0) == 0u);
  CHECK(s.poisson(-2.0) == 0u);
}

TEST_CASE("bernoulli(p) is true with probability p", "[rng]") {
  constexpr std::size_t n = 100'000;
  Stream s(kRngSeed, 0, 0, Purpose::approach, 0);
  std::size_t hits = 0;
  for (std::size_t k = 0; k < n; ++k) hits += s.bernoulli(0.3) ? 1 : 0;
  // Binomial: se = sqrt(0.3 * 0.7 / n) = 0.00145; five standard errors.
  CHECK(static_cast<double>(hits) / n == Approx(0.3).margin(5.0 * std::sqrt(0.21 / n)));
  for (int k = 0; k < 10'000; ++k) {
    REQUIRE_FALSE(s.bernoulli(0.0));
    REQUIRE(s.bernoulli(1.0));
  }
}

TEST_CASE("categorical picks indices in proportion to their weights and never a zero weight", "[rng]") {
  constexpr std::size_t n = 100'000;
  SECTION("weights 1, 0, 3, 6, 0") {
    const std::vector<double> weights{1.0, 0.0, 3.0, 6.0, 0.0};
    Stream s(kRngSeed, 0, 0, Purpose::enrollment, 0);
    std::vector<double> counts(weights.size(), 0.0);
    for (std::size_t k = 0; k < n; ++k) counts[s.categorical(weights)] += 1.0;
    CHECK(counts[1] == 0.0);
    CHECK(counts[4] == 0.0);
    // Expected 0.1 n, 0.3 n, 0.6 n; chi-square with 2 df below 13.82.
    CHECK(chi_square({counts[0], counts[2], counts[3]}, {0.1 * n, 0.3 * n, 0.6 * n}) < 13.82);
  }
  SECTION("only the last weight is positive") {
    const std::vector<double> weights{0.0, 0.0, 2.5};
    Stream s(kRngSeed, 0, 0, Purpose::enrollment, 1);
    for (int k = 0; k < 10'000; ++k) REQUIRE(s.categorical(weights) == 2u);
  }
  SECTION("zero weights at both ends are never picked") {
    const std::vector<double> weights{0.0, 3.0, 1.0, 0.0, 0.0};
    Stream s(kRngSeed, 0, 0, Purpose::enrollment, 2);
    std::vector<double> counts(weights.size(), 0.0);
    for (std::size_t k = 0; k < n; ++k) counts[s.categorical(weights)] += 1.0;
    CHECK(counts[0] == 0.0);
    CHECK(counts[3] == 0.0);
    CHECK(counts[4] == 0.0);
    // 3 : 1, chi-square with 1 df below 10.83.
    CHECK(chi_square({counts[1], counts[2]}, {0.75 * n, 0.25 * n}) < 10.83);
  }
}

// --- stream keys -----------------------------------------------------------------------------------

TEST_CASE("every random purpose keeps its frozen value and no value is used twice", "[rng][purpose]") {
  // A purpose's value is part of every stream key it names: changing one changes every result drawn
  // from it. This table pins the values; a new purpose adds a row with the next unused value.
  const std::vector<std::pair<std::string_view, unsigned>> pinned = {{"population_layout", 0},
                                                                     {"population_traits", 1},
                                                                     {"network_stubs", 2},
                                                                     {"network_closure", 3},
                                                                     {"network_weights", 4},
                                                                     {"network_topup", 5},
                                                                     {"measure_sampling", 6},
                                                                     {"enrollment", 7},
                                                                     {"arm_assignment", 8},
                                                                     {"pairing", 9},
                                                                     {"meetings", 10},
                                                                     {"exchange", 11},
                                                                     {"diffusion", 12},
                                                                     {"relationship", 13},
                                                                     {"confidence", 14},
                                                                     {"ties", 15},
                                                                     {"satisfaction", 16},
                                                                     {"turnover", 17},
                                                                     {"hiring", 18},
                                                                     {"culture", 19},
                                                                     {"approach", 20},
                                                                     {"network_calibration", 21},
                                                                     {"pair_fit", 22},
                                                                     {"fit_perception", 23},
                                                                     {"fit_perception_mentor", 24},
                                                                     {"considering_leaving", 25},
                                                                     {"informal", 26},
                                                                     {"sponsorship", 27},
                                                                     {"network_pairing", 28},
                                                                     {"spot", 29},
                                                                     {"research_output", 32}};
  // Every value the enum names, found through purpose_name (which has a case for each purpose).
  std::vector<std::pair<std::string_view, unsigned>> declared;
  for (unsigned value = 0; value < 256; ++value) {
    const std::string_view name = mentorsim::purpose_name(static_cast<Purpose>(value));
    if (!name.empty()) declared.emplace_back(name, value);
  }
  CHECK(declared == pinned);
  // The value really is the one in the stream counter: purpose 13 differs from 14 in word 2 only.
  CHECK(Stream(kRngSeed, 0, 0, Purpose::relationship, 0).next_u32() ==
        Stream(kRngSeed, 0, 0, static_cast<Purpose>(13), 0).next_u32());
}
