// A fast inverse CDF for the beta (and PERT) and gamma families, the per-run cost of their
// parameters (docs/methods.md, "Parameters: beta and gamma quantiles").
//
// Boost.Math inverts these CDFs by iterating from an initial approximation that costs several
// special functions: 3.8 µs for a PERT's beta quantile and 0.33 µs for a gamma's on this
// machine, once per run and parameter. The guide tabulates the quantile function once per
// distribution, at kIntervals + 1 equally spaced probabilities (Boost's quantiles and the
// density there), starts from the cubic Hermite interpolant of that table (the slopes are
// dx/du = 1/f(x), exact), and finishes with one Halley step on Boost's CDF (its complement in
// the upper half, where 1 − u is exact), whose cubic convergence takes the start's error far
// below the rounding of the CDF itself. A start that was not close (a step larger than
// kCloseStep of x's distance from the support's nearer end) gets more steps, at most
// kMaxSteps in all. Outside the table's inner intervals (p below 1/kIntervals or above
// 1 − 1/kIntervals, where the quantile's derivatives grow without bound at the support's
// ends), and wherever a step fails, it answers Boost's quantile itself.
//
// Every operation is IEEE double arithmetic and Boost's CDF and density, the same on every
// CPU, so each draw is a pure function of its probability, as before. The values agree with
// Boost's own quantile to a few units in the last place (tests/engine/random/
// test_quantile_guide.cpp), not bit for bit.
#pragma once

#include <array>
#include <cstddef>

#include "engine/random/distribution_impl.h"

namespace plancast::dist_detail {

class QuantileGuide {
 public:
  static constexpr std::size_t kIntervals = 256;
  /// A Halley step at most this large relative to x's distance from the support's nearer
  /// end leaves an error far below an ulp.
  static constexpr double kCloseStep = 1e-6;
  static constexpr int kMaxSteps = 4;

  /// The table for `d` (kIntervals − 1 library quantiles and densities: about 1 ms for a
  /// beta, 0.1 ms for a gamma).
  explicit QuantileGuide(const Beta& d);
  explicit QuantileGuide(const Gamma& d);

  /// F⁻¹(p) for p in (0, 1), the distribution the guide was built for.
  double quantile(const Beta& d, double p) const;
  double quantile(const Gamma& d, double p) const;

 private:
  template <class D>
  void build(const D& d);
  template <class D>
  double solve(const D& d, double p) const;

  /// x[i] = F⁻¹(i / kIntervals) and slope[i] = 1 / f(x[i]) for 0 < i < kIntervals.
  std::array<double, kIntervals + 1> x_{}, slope_{};
  bool valid_ = false;  ///< every node inside the support with a finite, positive density
};

}  // namespace plancast::dist_detail
