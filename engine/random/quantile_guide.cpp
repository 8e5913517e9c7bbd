// The tabulated start and Halley finish of the beta and gamma quantiles (quantile_guide.h).
#include "engine/random/quantile_guide.h"

#include <algorithm>
#include <cmath>
#include <exception>

namespace plancast::dist_detail {

namespace {

/// f'(x) / f(x), the density's log-derivative, in closed form.
double log_slope(const Beta& d, double x) {
  return (d.alpha() - 1) / x - (d.beta() - 1) / (1 - x);
}

double log_slope(const Gamma& d, double x) {
  return (d.shape() - 1) / x - 1 / d.scale();
}

}  // namespace

QuantileGuide::QuantileGuide(const Beta& d) {
  build(d);
}

QuantileGuide::QuantileGuide(const Gamma& d) {
  build(d);
}

double QuantileGuide::quantile(const Beta& d, double p) const {
  return solve(d, p);
}

double QuantileGuide::quantile(const Gamma& d, double p) const {
  return solve(d, p);
}

template <class D>
void QuantileGuide::build(const D& d) {
  constexpr double h = 1.0 / kIntervals;
  const auto [lo, hi] = bm::support(d);
  valid_ = false;
  // The library's quantile fails for some extreme shapes at some probabilities (Boost's
  // root finder throws): no table then, and the draws meet the library as before.
  try {
    for (std::size_t i = 1; i < kIntervals; ++i) {
      x_[i] = bm::quantile(d, static_cast<double>(i) * h);
      if (!(x_[i] > lo && x_[i] < hi)) return;
      slope_[i] = 1 / bm::pdf(d, x_[i]);
      if (!(std::isfinite(slope_[i]) && slope_[i] > 0)) return;
    }
  } catch (const std::exception&) {
    return;
  }
  valid_ = true;
}

template <class D>
double QuantileGuide::solve(const D& d, double p) const {
  const double s = p * static_cast<double>(kIntervals);  // exact: kIntervals is 2^8
  if (!valid_ || !(s >= 1 && s < static_cast<double>(kIntervals - 1))) return bm::quantile(d, p);
  const auto i = static_cast<std::size_t>(s);
  const double t = s - static_cast<double>(i);  // exact, in [0, 1)
  // Cubic Hermite on [i/K, (i+1)/K] in u, with the exact slopes dx/du = 1/f(x).
  constexpr double h = 1.0 / kIntervals;
  const double t1 = 1 - t;
  const double x0 = x_[i], x1 = x_[i + 1];
  double x = (1 + 2 * t) * t1 * t1 * x0 + t * t1 * t1 * h * slope_[i] + t * t * (3 - 2 * t) * x1 -
             t * t * t1 * h * slope_[i + 1];
  // Halley on F(x) − p; in the upper half as (1 − p) − Q(x), Q = 1 − F (1 − p is exact).
  const bool upper = p > 0.5;
  const double q = 1 - p;
  // The root lies in [x0, x1] up to the nodes' rounding: a start or a step that leaves the
  // interval by more than its width (or the open support) is not trusted.
  const auto [lo, hi] = bm::support(d);
  const double width = x1 - x0;
  const double x_lo = std::max(lo, x0 - width), x_hi = std::min(hi, x1 + width);
  for (int step = 0; step < kMaxSteps; ++step) {
    if (!(x > x_lo && x < x_hi)) break;
    const double r = upper ? q - bm::cdf(bm::complement(d, x)) : bm::cdf(d, x) - p;
    const double f = bm::pdf(d, x);
    if (!(f > 0) || !std::isfinite(f)) break;
    const double dx = r / f;
    const double denom = 1 - 0.5 * dx * log_slope(d, x);
    // Halley's correction of the Newton step; Newton itself where the correction is large.
    const double move = denom > 0.5 && denom < 2 ? dx / denom : dx;
    x -= move;
    // Close: the step is small against x's distance to the support's nearer end (the scale
    // on which the density changes, so the next step would be of order step³ / distance²).
    if (x > x_lo && x < x_hi && std::fabs(move) <= kCloseStep * std::min(x - lo, hi - x)) return x;
  }
  return bm::quantile(d, p);
}

}  // namespace plancast::dist_detail
