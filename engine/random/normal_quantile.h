// The standard normal quantile Φ⁻¹(p) by Wichura's algorithm AS 241 (PPND16: "The
// percentage points of the normal distribution", Applied Statistics 37(3), 1988), the one
// R's qnorm uses: a ratio of two degree-7 polynomials for |p - 1/2| <= 0.425 (85% of
// draws, no log), and of r = sqrt(-log(min(p, 1-p))) in the tails; relative accuracy about
// 1e-16. Used for every normal score of a parameter draw (the Gaussian copula, normal and
// lognormal parameters): about 8 ns on the project's machine where Boost.Math's quantile
// takes 28 ns (tests/unit/test_normal_quantile.cpp compares the two).
#pragma once

namespace plancast {

/// Φ⁻¹(p) for p in (0, 1); -inf at 0, +inf at 1, NaN outside [0, 1] or for NaN.
double normal_quantile(double p) noexcept;

}  // namespace plancast
