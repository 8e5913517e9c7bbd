// Internal to engine/random/discrete*.cpp: what the draw-by-draw functions (discrete.cpp) and
// the block-at-once ones (discrete_batch.cpp) share, so that both take every decision with
// the same expressions and give the same bits.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>

#include "engine/random/discrete.h"

namespace plancast::discrete_detail {

/// 1/k for k < kReciprocals (entry 0 unused), each the correctly rounded quotient: the
/// inversions' recurrences multiply by it, where a division per step (13-20 cycles, and on
/// the loop's dependency chain) cost more than the rest of the step.
inline constexpr int kReciprocals = 256;

inline constexpr std::array<double, kReciprocals> kReciprocal = [] {
  std::array<double, kReciprocals> v{};
  for (int k = 1; k < kReciprocals; ++k) v[static_cast<std::size_t>(k)] = 1.0 / k;
  return v;
}();

/// 1/k for a whole k >= 1, from the table while it lasts.
inline double reciprocal(double k) {
  return k < kReciprocals ? kReciprocal[static_cast<std::size_t>(k)] : 1.0 / k;
}

/// How a draw is made.
enum class Method { zero, itself, inversion, rejection };

/// Poisson(mean): 0 for mean <= 0 or NaN, the mean itself when infinite, inversion below
/// kDiscreteInversionMean, PTRS from there.
inline Method poisson_method(double mean) {
  if (!(mean > 0)) return Method::zero;
  if (!std::isfinite(mean)) return Method::itself;
  return mean < kDiscreteInversionMean ? Method::inversion : Method::rejection;
}

/// Binomial(n, q) as Binomial(n, p), p = min(q, 1 − q), flipped (n − k) when q > ½ (1 − q is
/// exact there); inversion for n p below kDiscreteInversionMean, BTRS from there.
struct BinomialPlan {
  Method method = Method::zero;
  double p = 0;
  bool flip = false;
};

inline BinomialPlan binomial_plan(double n, double q) {
  if (!(n > 0) || !(q > 0)) return {Method::zero, 0, false};
  if (q >= 1 || !std::isfinite(n)) return {Method::itself, 0, false};
  const bool flip = q > 0.5;
  const double p = flip ? 1.0 - q : q;
  return {n * p < kDiscreteInversionMean ? Method::inversion : Method::rejection, p, flip};
}

/// PTRS's constants for a mean (Hörmann 1993, its table) and a pair's candidate: k =
/// floor((2a/us + b) u + mean + 0.43), with the whole part of the mean added after the
/// floor, so that rounding the large mean does not move k.
struct PtrsSetup {
  double b, a, v_r, whole, shift;
};

inline PtrsSetup ptrs_setup(double mean) {
  PtrsSetup c;
  c.b = 0.931 + 2.53 * std::sqrt(mean);
  c.a = -0.059 + 0.02483 * c.b;
  c.v_r = 0.9277 - 3.6224 / (c.b - 2);
  c.whole = std::floor(mean);
  c.shift = mean - c.whole + 0.43;  // mean − whole is exact
  return c;
}

/// The candidate of the pair (u − ½, v) = (u, v) with us = ½ − |u| > 0 (u is never ±½).
inline double ptrs_candidate(const PtrsSetup& c, double u, double us) {
  return c.whole + std::floor((2 * c.a / us + c.b) * u + c.shift);
}

/// Accepted at once, inside the squeeze.
inline bool ptrs_squeeze(const PtrsSetup& c, double us, double v) {
  return us >= 0.07 && v <= c.v_r;
}

/// PTRS's test of a pair that the squeeze did not accept: rejected at once for k < 0 or,
/// for us below 0.013, v > us; otherwise accepted when V's point lies under the pmf:
/// ln(V / α / (a/us² + b)) <= ln P(K = k). What only the test needs (1/α and ln mean: 45% of
/// draws at a mean of 30, 20% at large means) is computed at its first use (discrete.cpp).
class PtrsTest {
 public:
  PtrsTest(const PtrsSetup& c, double mean) : c_(c), mean_(mean) {}
  bool accepts(double us, double v, double k);

 private:
  const PtrsSetup& c_;
  double mean_;
  bool have_ = false;
  double inv_alpha_ = 0, log_mean_ = 0;
};

/// Inversions in SIMD lanes (discrete_lanes.cpp): out[i] for i < n, n a multiple of
/// kInversionPad (pad with start 1, u 0). Poisson: a = mean; binomial: a = n, c = p / (1 − p).
void inversion_lanes(const double* start, const double* u, const double* a, const double* c,
                     bool binomial, std::size_t n, double* out);

/// The most lanes of any instruction set (AVX-512: 8 doubles): inputs padded to a multiple.
inline constexpr std::size_t kInversionPad = 8;

}  // namespace plancast::discrete_detail
