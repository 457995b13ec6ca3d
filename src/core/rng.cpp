#include "mentorsim/core/rng.hpp"

#include <math.h>  // lgamma_r

#include <algorithm>
#include <numbers>

namespace mentorsim {
namespace {

// log(k!) by lgamma_r: std::lgamma writes the global signgam, a data race when streams draw in
// parallel (ThreadSanitizer reports it); lgamma_r returns the same value and keeps the sign local.
double log_factorial(double k) noexcept {
  int sign = 0;
  return ::lgamma_r(k + 1.0, &sign);
}

}  // namespace

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
    double p = std::exp(-lambda);
    double cumulative = p;
    const double u = uniform();
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
