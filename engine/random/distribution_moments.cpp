// Means and standard deviations of the distributions, for reports: closed forms, exact
// weighted sums for discrete supports, the midpoint rule under truncation.
#include <cmath>
#include <numbers>

#include "engine/random/distribution_impl.h"

namespace plancast {

using namespace dist_detail;

void Distribution::Impl::compute_moments() const {
  const DistSpec& s = spec;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!values.empty()) {
    // Discrete support (after truncation): exact weighted moments.
    const double total = cum.back();
    double m = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double w = (i == 0 ? cum[0] : cum[i] - cum[i - 1]) / total;
      m += w * values[i];
    }
    double v = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double w = (i == 0 ? cum[0] : cum[i] - cum[i - 1]) / total;
      v += w * (values[i] - m) * (values[i] - m);
    }
    mean = m;
    sd = std::sqrt(v);
    return;
  }
  if (truncated) {
    // E[X] = ∫₀¹ F⁻¹(u) du by the midpoint rule (X is bounded by [lo, hi]); the variance
    // the same way around the mean.
    std::vector<double> q(kMomentPoints);
    for (int i = 0; i < kMomentPoints; ++i) q[i] = quantile((i + 0.5) / kMomentPoints);
    double m = 0;
    for (const double x : q) m += x;
    m /= kMomentPoints;
    double v = 0;
    for (const double x : q) v += (x - m) * (x - m);
    mean = m;
    sd = std::sqrt(v / kMomentPoints);
    return;
  }
  switch (s.family) {
    case DistFamily::normal:
      mean = s.mean;
      sd = s.sd;
      return;
    case DistFamily::lognormal:
      // E = exp(mu + sigma²/2), sd = E sqrt(exp(sigma²) - 1).
      mean = std::exp(s.mu + 0.5 * s.sigma * s.sigma);
      sd = mean * std::sqrt(std::expm1(s.sigma * s.sigma));
      return;
    case DistFamily::uniform:
      mean = 0.5 * (s.min + s.max);
      sd = (s.max - s.min) / std::sqrt(12.0);
      return;
    case DistFamily::triangular: {
      const double a = s.min, b = s.max, c = s.mode;
      mean = (a + b + c) / 3;
      sd = std::sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18);
      return;
    }
    case DistFamily::pert:
    case DistFamily::beta: {
      const Beta& d = std::get<Beta>(base);
      const double a = d.alpha(), b = d.beta();
      mean = shift + scale * a / (a + b);
      sd = scale * std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
      return;
    }
    case DistFamily::gamma:
      mean = s.shape * s.scale;
      sd = std::sqrt(s.shape) * s.scale;
      return;
    case DistFamily::student_t:
      mean = s.df > 1 ? s.loc_ : nan;
      sd = s.df > 2   ? s.scale * std::sqrt(s.df / (s.df - 2))
           : s.df > 1 ? std::numeric_limits<double>::infinity()
                      : nan;
      return;
    case DistFamily::quantiles: {
      // Three-term metalog (Keelin 2016): with t the logit of a uniform y, E[t] = 0,
      // E[(y-1/2) t] = 1/2, E[t²] = π²/3, E[(y-1/2) t²] = 0, E[(y-1/2)² t²] = π²/36 + 1/3.
      const Metalog& d = std::get<Metalog>(base);
      const double pi2 = std::numbers::pi * std::numbers::pi;
      mean = d.a1 + d.a3 / 2;
      sd = std::sqrt(pi2 / 3 * d.a2 * d.a2 + (pi2 / 36 + 1.0 / 12) * d.a3 * d.a3);
      return;
    }
    default:
      mean = sd = nan;
  }
}

}  // namespace plancast
