// The insides of Distribution, shared by its source files (not a public interface):
// distribution.cpp (the checks by family, truncation, quantiles and CDFs),
// distribution_moments.cpp (means and sds) and distribution_text.cpp (describe()).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>

#include "engine/core/format.h"
#include "engine/random/distribution.h"
#include "engine/random/math_policy.h"

namespace plancast::dist_detail {

namespace bm = boost::math;

using Normal = bm::normal_distribution<double, MathPolicy>;
using Lognormal = bm::lognormal_distribution<double, MathPolicy>;
using UniformD = bm::uniform_distribution<double, MathPolicy>;
using Triangular = bm::triangular_distribution<double, MathPolicy>;
using Beta = bm::beta_distribution<double, MathPolicy>;
using Gamma = bm::gamma_distribution<double, MathPolicy>;
using StudentT = bm::students_t_distribution<double, MathPolicy>;

/// Three-term metalog (Keelin 2016) in terms of the logit t = ln(y / (1 - y)):
/// Q = a1 + a2 t + a3 (σ(t) - 1/2) t with σ(t) = 1 / (1 + e^-t). Feasible coefficients
/// (|a3| / a2 < kMetalog3Bound) make dQ/dt = a2 + a3 (σ(t) - 1/2 + t σ(t)(1 - σ(t))) > 0 for
/// every t, so Q is increasing and the CDF is found by safeguarded Newton on t.
struct Metalog {
  double a1 = 0, a2 = 1, a3 = 0;

  static double sigmoid(double t) { return 1 / (1 + std::exp(-t)); }
  double at(double t) const { return a1 + a2 * t + a3 * (sigmoid(t) - 0.5) * t; }
  double slope(double t) const {
    const double s = sigmoid(t);
    return a2 + a3 * (s - 0.5 + t * s * (1 - s));
  }
  /// Q(p) and the upper-tail form Q(1 - q), each with its logit computed at full precision.
  double quantile(double p) const {
    return a1 + (a2 + a3 * (p - 0.5)) * (std::log(p) - std::log1p(-p));
  }
  double quantile_upper(double q) const {
    return a1 + (a2 + a3 * (0.5 - q)) * (std::log1p(-q) - std::log(q));
  }
  /// The logit t with Q(t) = x (clamped to ±kTMax, where σ is 0 or 1 in double).
  double logit_of(double x) const {
    constexpr double kTMax = 750;
    double lo = -kTMax, hi = kTMax;
    if (!(x > at(lo))) return lo;
    if (!(x < at(hi))) return hi;
    double t = (x - a1) / a2;  // the a3 = 0 (logistic) solution as a start
    t = std::clamp(t, lo, hi);
    for (int i = 0; i < 200; ++i) {
      const double f = at(t) - x;
      if (f == 0) return t;
      if (f < 0) {
        lo = t;
      } else {
        hi = t;
      }
      double next = t - f / slope(t);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);  // bisection when Newton leaves
      if (std::abs(next - t) <= 1e-15 * (1 + std::abs(t)) || !(hi > lo)) return next;
      t = next;
    }
    return t;
  }
  double cdf(double x) const { return sigmoid(logit_of(x)); }
  double ccdf(double x) const { return sigmoid(-logit_of(x)); }
};

using Base = std::variant<std::monostate, Normal, Lognormal, UniformD, Triangular, Beta, Gamma,
                          StudentT, Metalog>;

/// Midpoints used for the moments of a truncated continuous distribution.
inline constexpr int kMomentPoints = 1 << 14;

/// Shortest text that reads back as the same double ("0.176", "1e-05").
inline std::string num(double x) {
  return canonical_number(x);
}

class QuantileGuide;  ///< quantile_guide.h

inline bool is_discrete(DistFamily f) {
  return f == DistFamily::fixed || f == DistFamily::empirical || f == DistFamily::choice;
}

}  // namespace plancast::dist_detail

namespace plancast {

struct Distribution::Impl {
  DistSpec spec;

  // Continuous families: X = shift + scale * Z, Z ~ base.
  dist_detail::Base base;
  double shift = 0, scale = 1;
  // Truncation of a continuous family to [lo, hi]. When F(lo) <= 1/2, p0 = F(lo'),
  // p1 = F(hi') and x = F⁻¹(p0 + u (p1 - p0)); when F(lo) > 1/2 (an upper-tail window, where
  // F rounds towards 1) the same is done with the survival function Q = 1 - F, which keeps
  // full precision: p0 = Q(lo'), p1 = Q(hi'), x = Q⁻¹(p0 - u (p0 - p1)).
  bool truncated = false, upper = false;
  double lo = 0, hi = 0, p0 = 0, p1 = 1;

  // Discrete families (fixed, empirical, choice): support sorted ascending, cumulative
  // weights (cum.back() = total). Truncation restricts the support to [lo, hi].
  std::vector<double> values, cum;
  bool equal_weights = false;  ///< empirical: index floor(u n)

  /// The beta and gamma families' fast quantiles, once prepare_draws() built them.
  std::shared_ptr<const dist_detail::QuantileGuide> guide;

  mutable std::once_flag moments_once;
  mutable double mean = 0, sd = 0;

  double quantile(double u) const;  ///< distribution.cpp
  /// For a continuous family without an upper window: the base's probability for u (u in
  /// [kUMin, kUMax]), and the value at the base's quantile z (shift, scale, the window).
  double lower_probability(double u) const;  ///< distribution.cpp
  double value_at(double z) const;           ///< distribution.cpp
  double cdf(double x) const;                ///< distribution.cpp
  void compute_moments() const;              ///< distribution_moments.cpp
};

}  // namespace plancast
