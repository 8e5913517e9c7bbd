// Tango's score interval for a paired difference of proportions.
//
// Reference: T. Tango (1998), "Equivalence test and confidence interval for the difference in
// proportions for the paired-sample design", Statistics in Medicine 17:891-908. The statistic
// and the restricted maximum-likelihood estimate of p21 follow the form used by R's PropCIs
// (scoreci.mp, Agresti & Min 2005) and contingencytables (Tango_asymptotic_score_CI_paired_2x2,
// Fagerland, Lydersen & Laake 2014): with A = 2n, B = −b − c + (2n − b + c)Δ,
// C = −cΔ(1 − Δ), p̃21 = (sqrt(B² − 4AC) − B) / 2A. Those implementations search each limit
// by bisection over (−1, 1); here Boost's bisection runs on [−1, estimate] and [estimate, 1],
// where the statistic is monotone, to full double precision.
#include "engine/analysis/paired_interval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/tools/roots.hpp>

namespace plancast {

double tango_statistic(std::uint64_t b, std::uint64_t c, std::uint64_t n, double delta) {
  const double B_ = static_cast<double>(b), C_ = static_cast<double>(c);
  const double N = static_cast<double>(n);
  const double num = B_ - C_ - N * delta;
  if (num == 0) return 0;
  const double a = 2 * N;
  const double bq = -B_ - C_ + (2 * N - B_ + C_) * delta;
  const double cq = -C_ * delta * (1 - delta);
  const double root = std::sqrt(std::max(0.0, bq * bq - 4 * a * cq));
  // The root of a·q² + bq·q + cq = 0 in [0, 1], written so that it does not cancel: for
  // bq > 0 (then delta > 0 and cq ≤ 0), (root − bq) / 2a = −2cq / (root + bq).
  const double p21 = bq <= 0 ? (root - bq) / (2 * a) : (-2 * cq) / (root + bq);
  const double var = N * (2 * p21 + delta * (1 - delta));
  if (!(var > 0)) {
    return num > 0 ? std::numeric_limits<double>::infinity()
                   : -std::numeric_limits<double>::infinity();
  }
  return num / std::sqrt(var);
}

namespace {

/// Stops the bisection when the bracket is 4 ulp wide, or 1e-17 near 0.
struct Tight {
  bool operator()(double lo, double hi) const {
    const double scale = std::max(std::fabs(lo), std::fabs(hi));
    return hi - lo <= std::max(1e-17, 4 * std::numeric_limits<double>::epsilon() * scale);
  }
};

/// The delta in [lo, hi] where tango_statistic crosses `level` (it is above at lo, below at
/// hi): the middle of the final bracket.
double crossing(std::uint64_t b, std::uint64_t c, std::uint64_t n, double level, double lo,
                double hi) {
  auto f = [&](double d) { return tango_statistic(b, c, n, d) - level; };
  std::uintmax_t iterations = 400;
  const auto [x0, x1] = boost::math::tools::bisect(f, lo, hi, Tight{}, iterations);
  return x0 + (x1 - x0) / 2;
}

}  // namespace

std::array<double, 2> tango_interval(std::uint64_t b, std::uint64_t c, std::uint64_t n, double z) {
  if (n == 0 || b > n || c > n - b) {
    throw std::invalid_argument("tango_interval: needs n >= 1 and b + c <= n");
  }
  if (!(z > 0)) throw std::invalid_argument("tango_interval: needs z > 0");
  const double estimate =
      (static_cast<double>(b) - static_cast<double>(c)) / static_cast<double>(n);
  // T(estimate) = 0; T(−1) = +∞ unless c = n, T(1) = −∞ unless b = n.
  const double lo = c == n ? -1.0 : crossing(b, c, n, z, -1.0, estimate);
  const double hi = b == n ? 1.0 : crossing(b, c, n, -z, estimate, 1.0);
  return {lo, hi};
}

}  // namespace plancast
