// Distributions of SPEC §2.6 by inverse CDF (Boost.Math quantiles), with truncation, checks
// that point at the scenario line, and moments for reports.
#include "engine/random/distribution.h"
#include "engine/random/normal_quantile.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <numbers>
#include <utility>
#include <variant>
#include <vector>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>

#include "engine/core/error.h"

namespace plancast {

namespace {

namespace bm = boost::math;
namespace bp = boost::math::policies;

// Tails never throw (overflow gives ±inf, then the result is clamped); no promotion to long
// double, so the arithmetic is plain IEEE double on every platform. Domain errors (a NaN
// input, a programming error) still throw std::domain_error.
using Pol = bp::policy<bp::overflow_error<bp::ignore_error>, bp::underflow_error<bp::ignore_error>,
                       bp::denorm_error<bp::ignore_error>, bp::evaluation_error<bp::ignore_error>,
                       bp::promote_double<false>, bp::promote_float<false>>;

using Normal = bm::normal_distribution<double, Pol>;
using Lognormal = bm::lognormal_distribution<double, Pol>;
using UniformD = bm::uniform_distribution<double, Pol>;
using Triangular = bm::triangular_distribution<double, Pol>;
using Beta = bm::beta_distribution<double, Pol>;
using Gamma = bm::gamma_distribution<double, Pol>;
using StudentT = bm::students_t_distribution<double, Pol>;

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

/// Probabilities are kept inside [kUMin, kUMax] before a quantile: the smallest normal
/// double and the largest double below 1, so that quantiles stay finite and deterministic.
constexpr double kUMin = std::numeric_limits<double>::min();
constexpr double kUMax = 1.0 - 0x1p-53;

/// Midpoints used for the moments of a truncated continuous distribution.
constexpr int kMomentPoints = 1 << 14;

/// Shortest text that reads back as the same double ("0.176", "1e-05").
std::string num(double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

/// A derived coefficient to 4 significant digits.
std::string four_digits(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return std::string(buf);
}

bool finite(double x) {
  return std::isfinite(x);
}

[[noreturn]] void fail(const DistSpec& s, const std::string& message) {
  throw ScenarioError(s.loc, message);
}

void need_finite(const DistSpec& s, const char* key, double v) {
  if (!finite(v)) fail(s, std::string(key) + "=" + num(v) + " (must be a finite number)");
}

void need_positive(const DistSpec& s, const char* key, double v, const char* why = "") {
  need_finite(s, key, v);
  if (!(v > 0)) fail(s, std::string(key) + "=" + num(v) + " (must be > 0" + why + ")");
}

/// min < max, both finite (uniform, triangular, pert, beta).
void need_range(const DistSpec& s) {
  need_finite(s, "min", s.min);
  need_finite(s, "max", s.max);
  if (!(s.min < s.max)) {
    fail(s, "max=" + num(s.max) + " (must be > min=" + num(s.min) +
                "; use dist: fixed for a constant)");
  }
}

void need_mode(const DistSpec& s) {
  need_finite(s, "mode", s.mode);
  if (s.mode < s.min || s.mode > s.max) {
    fail(s, "mode=" + num(s.mode) + " (must be in [min, max] = [" + num(s.min) + ", " + num(s.max) +
                "])");
  }
}

bool is_discrete(DistFamily f) {
  return f == DistFamily::fixed || f == DistFamily::empirical || f == DistFamily::choice;
}

// Base distribution helpers. Outside the support the CDF is 0 or 1 (Boost would raise a
// domain error for, e.g., a beta CDF at x > 1).
double base_cdf(const Base& b, double z) {
  return std::visit(
      [z](const auto& d) -> double {
        using D = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<D, std::monostate>) {
          return 0.0;
        } else if constexpr (std::is_same_v<D, Metalog>) {
          return d.cdf(z);
        } else {
          const auto [lo, hi] = bm::support(d);
          if (z <= lo) return 0.0;
          if (z >= hi) return 1.0;
          return bm::cdf(d, z);
        }
      },
      b);
}

double base_ccdf(const Base& b, double z) {
  return std::visit(
      [z](const auto& d) -> double {
        using D = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<D, std::monostate>) {
          return 0.0;
        } else if constexpr (std::is_same_v<D, Metalog>) {
          return d.ccdf(z);
        } else {
          const auto [lo, hi] = bm::support(d);
          if (z <= lo) return 1.0;
          if (z >= hi) return 0.0;
          return bm::cdf(bm::complement(d, z));
        }
      },
      b);
}

double base_quantile(const Base& b, double p) {
  return std::visit(
      [p](const auto& d) -> double {
        using D = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<D, std::monostate>) {
          return 0.0;
        } else if constexpr (std::is_same_v<D, Metalog>) {
          return d.quantile(p);
        } else if constexpr (std::is_same_v<D, Normal>) {
          return d.mean() + d.standard_deviation() * normal_quantile(p);
        } else if constexpr (std::is_same_v<D, Lognormal>) {
          return std::exp(d.location() + d.scale() * normal_quantile(p));
        } else {
          return bm::quantile(d, p);
        }
      },
      b);
}

/// Quantile of the upper tail: the z with P(Z > z) = p.
double base_quantile_upper(const Base& b, double p) {
  return std::visit(
      [p](const auto& d) -> double {
        using D = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<D, std::monostate>) {
          return 0.0;
        } else if constexpr (std::is_same_v<D, Metalog>) {
          return d.quantile_upper(p);
        } else if constexpr (std::is_same_v<D, Normal>) {
          return d.mean() - d.standard_deviation() * normal_quantile(p);  // Φ⁻¹ is odd
        } else if constexpr (std::is_same_v<D, Lognormal>) {
          return std::exp(d.location() - d.scale() * normal_quantile(p));
        } else {
          return bm::quantile(bm::complement(d, p));
        }
      },
      b);
}

}  // namespace

struct Distribution::Impl {
  DistSpec spec;

  // Continuous families: X = shift + scale * Z, Z ~ base.
  Base base;
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

  mutable std::once_flag moments_once;
  mutable double mean = 0, sd = 0;

  double quantile(double u) const;
  double cdf(double x) const;
  void compute_moments() const;
};

double Distribution::Impl::quantile(double u) const {
  u = std::clamp(u, kUMin, kUMax);
  if (!values.empty()) {
    const std::size_t n = values.size();
    if (equal_weights) {
      // Bootstrap: index floor(u n) of the sorted values (u < 1, so the index is < n).
      const auto i = static_cast<std::size_t>(u * static_cast<double>(n));
      return values[std::min(i, n - 1)];
    }
    // First value whose cumulative weight exceeds u * total (zero weights are never chosen).
    const double target = u * cum.back();
    const auto it = std::upper_bound(cum.begin(), cum.end(), target);
    const auto i = static_cast<std::size_t>(it - cum.begin());
    return values[std::min(i, n - 1)];
  }
  double z;
  if (!truncated) {
    z = base_quantile(base, u);
  } else if (!upper) {
    z = base_quantile(base, std::clamp(p0 + u * (p1 - p0), kUMin, kUMax));
  } else {
    z = base_quantile_upper(base, std::clamp(p0 - u * (p0 - p1), kUMin, kUMax));
  }
  const double x = shift + scale * z;
  return truncated ? std::clamp(x, lo, hi) : x;
}

double Distribution::Impl::cdf(double x) const {
  if (!values.empty()) {
    const auto it = std::upper_bound(values.begin(), values.end(), x);
    if (it == values.begin()) return 0.0;
    const auto i = static_cast<std::size_t>(it - values.begin()) - 1;
    return cum[i] / cum.back();
  }
  if (truncated) {
    if (x < lo) return 0.0;
    if (x >= hi) return 1.0;
  }
  const double z = (x - shift) / scale;
  if (!truncated) return base_cdf(base, z);
  if (!upper) return std::clamp((base_cdf(base, z) - p0) / (p1 - p0), 0.0, 1.0);
  return std::clamp((p0 - base_ccdf(base, z)) / (p0 - p1), 0.0, 1.0);
}

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

Distribution::Distribution(const DistSpec& spec) : impl_(std::make_unique<Impl>()) {
  impl_->spec = spec;
  const DistSpec& s = impl_->spec;
  // A library error (e.g. Boost.Math refusing a beta shape that overflowed to NaN: a PERT on
  // [-1e308, 1e308]) is bad input at the distribution's line, never a failure with the
  // library's text (docs/reliability.md, "Non-finite values").
  try {
    build();
  } catch (const ScenarioError&) {
    throw;
  } catch (const std::exception&) {
    impl_->truncated = false;
    fail(s, safe_describe() +
                " cannot be computed in double precision (a derived value such as max - min "
                "overflows or underflows); rescale the unit or choose other values");
  }
  // Draws are quantiles at uniform probabilities: a distribution whose quantiles are not
  // finite at the extremes drawn in practice (and at the median) cannot give finite draws.
  struct Probe {
    double u;
    const char* text;
  };
  for (const Probe& p : {Probe{1e-12, "1e-12"}, Probe{0.5, "0.5"}, Probe{1 - 1e-12, "1 - 1e-12"}}) {
    double x = 0;
    try {
      x = impl_->quantile(p.u);
    } catch (const std::exception&) {
      x = std::numeric_limits<double>::quiet_NaN();
    }
    if (!finite(x)) {
      fail(s, safe_describe() + " has the non-finite value " + (std::isnan(x) ? "NaN" : num(x)) +
                  " at probability " + p.text +
                  " (its draws must be finite numbers; rescale the unit or choose other values)");
    }
  }
}

std::string Distribution::safe_describe() const {
  try {
    return describe();
  } catch (const std::exception&) {
    return to_string(impl_->spec.family);
  }
}

void Distribution::build() {
  Impl& m = *impl_;
  const DistSpec& s = m.spec;

  switch (s.family) {
    case DistFamily::fixed:
      need_finite(s, "value", s.value);
      m.values = {s.value};
      m.cum = {1.0};
      break;
    case DistFamily::normal:
      need_finite(s, "mean", s.mean);
      need_positive(s, "sd", s.sd, "; use dist: fixed for a constant");
      m.base = Normal(s.mean, s.sd);
      break;
    case DistFamily::lognormal:
      need_finite(s, "mu", s.mu);
      need_positive(s, "sigma", s.sigma, "; use dist: fixed for a constant");
      m.base = Lognormal(s.mu, s.sigma);
      break;
    case DistFamily::uniform:
      need_range(s);
      m.base = UniformD(s.min, s.max);
      break;
    case DistFamily::triangular:
      need_range(s);
      need_mode(s);
      m.base = Triangular(s.min, s.mode, s.max);
      break;
    case DistFamily::pert: {
      need_range(s);
      need_mode(s);
      // PERT (Malcolm et al. 1959; Vose 2008): beta on [min, max] with
      // alpha = 1 + 4 (mode - min)/(max - min), beta = 1 + 4 (max - mode)/(max - min).
      const double r = s.max - s.min;
      m.base = Beta(1 + 4 * (s.mode - s.min) / r, 1 + 4 * (s.max - s.mode) / r);
      m.shift = s.min;
      m.scale = r;
      break;
    }
    case DistFamily::beta:
      need_positive(s, "alpha", s.alpha);
      need_positive(s, "beta", s.beta);
      need_range(s);
      m.base = Beta(s.alpha, s.beta);
      m.shift = s.min;
      m.scale = s.max - s.min;
      break;
    case DistFamily::gamma:
      need_positive(s, "shape", s.shape);
      need_positive(s, "scale", s.scale);
      m.base = Gamma(s.shape, s.scale);
      break;
    case DistFamily::student_t:
      need_positive(s, "df", s.df);
      need_finite(s, "loc", s.loc_);
      need_positive(s, "scale", s.scale);
      m.base = StudentT(s.df);
      m.shift = s.loc_;
      m.scale = s.scale;
      break;
    case DistFamily::empirical: {
      if (s.values.empty()) fail(s, "values (empirical needs at least one value)");
      for (const double v : s.values) need_finite(s, "values", v);
      m.values = s.values;
      std::sort(m.values.begin(), m.values.end());
      m.cum.resize(m.values.size());
      for (std::size_t i = 0; i < m.cum.size(); ++i) m.cum[i] = static_cast<double>(i + 1);
      m.equal_weights = true;
      break;
    }
    case DistFamily::choice: {
      if (s.values.empty()) fail(s, "values (choice needs at least one value)");
      if (s.weights.size() != s.values.size()) {
        fail(s, "weights (" + std::to_string(s.weights.size()) + " weights for " +
                    std::to_string(s.values.size()) + " values; give one weight per value)");
      }
      std::vector<std::pair<double, double>> vw;
      double total = 0;
      for (std::size_t i = 0; i < s.values.size(); ++i) {
        need_finite(s, "values", s.values[i]);
        need_finite(s, "weights", s.weights[i]);
        if (s.weights[i] < 0) {
          fail(s, "weights: " + num(s.weights[i]) + " (weights must be >= 0)");
        }
        vw.emplace_back(s.values[i], s.weights[i]);
        total += s.weights[i];
      }
      if (!(total > 0)) fail(s, "weights (sum to 0; at least one weight must be > 0)");
      std::stable_sort(vw.begin(), vw.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      double c = 0;
      for (const auto& [v, w] : vw) {
        c += w;
        m.values.push_back(v);
        m.cum.push_back(c);
      }
      break;
    }
    case DistFamily::quantiles: {
      need_finite(s, "p10", s.p10);
      need_finite(s, "p50", s.p50);
      need_finite(s, "p90", s.p90);
      if (!(s.p10 < s.p50 && s.p50 < s.p90)) {
        fail(s, "quantiles p10=" + num(s.p10) + ", p50=" + num(s.p50) + ", p90=" + num(s.p90) +
                    " (must have p10 < p50 < p90)");
      }
      const Metalog3 c = fit_metalog3(s.p10, s.p50, s.p90);
      if (!finite(c.a2) || !finite(c.a3) || !(c.a2 > 0)) {
        fail(s, "quantiles p10=" + num(s.p10) + ", p90=" + num(s.p90) +
                    " (the spread is too large or too small to fit; rescale the unit)");
      }
      const double skew = metalog3_skew(c);
      if (!(skew < kMetalog3Bound)) {
        std::string why = "quantiles p10=" + num(s.p10);
        why += ", p50=" + num(s.p50);
        why += ", p90=" + num(s.p90);
        why += " are too skewed for a three-term metalog (|a3|/a2=";
        why += num(skew);
        why += " must be < 1.66711; the longer side may be at most about 5 times the shorter)";
        fail(s, why);
      }
      m.base = Metalog{c.a1, c.a2, c.a3};
      break;
    }
  }

  if (!s.truncate) return;
  const double lo = (*s.truncate)[0], hi = (*s.truncate)[1];
  const std::string where = "truncate: [" + num(lo) + ", " + num(hi) + "]";
  if (std::isnan(lo) || std::isnan(hi) || !(lo < hi)) {
    fail(s, where + " (must have lo < hi)");
  }
  m.lo = lo;
  m.hi = hi;
  if (is_discrete(s.family)) {
    // Discrete families: truncation restricts the support to the values in [lo, hi] and
    // renormalises their weights (a value outside is never drawn).
    std::vector<double> v, c;
    double prev = 0, acc = 0;
    for (std::size_t i = 0; i < m.values.size(); ++i) {
      const double w = m.cum[i] - prev;
      prev = m.cum[i];
      if (m.values[i] < lo || m.values[i] > hi || (w <= 0 && !m.equal_weights)) continue;
      acc += w;
      v.push_back(m.values[i]);
      c.push_back(acc);
    }
    if (v.empty()) {
      fail(s, where + " (no value of the " + std::string(to_string(s.family)) +
                  " distribution lies in that range)");
    }
    m.values = std::move(v);
    m.cum = std::move(c);
    return;
  }
  const double zlo = (lo - m.shift) / m.scale, zhi = (hi - m.shift) / m.scale;
  m.truncated = true;
  const double flo = base_cdf(m.base, zlo);
  if (flo > 0.5) {
    m.upper = true;
    m.p0 = base_ccdf(m.base, zlo);
    m.p1 = base_ccdf(m.base, zhi);
  } else {
    m.p0 = flo;
    m.p1 = base_cdf(m.base, zhi);
  }
  if (!(std::abs(m.p1 - m.p0) > 0)) {
    m.truncated = false;  // describe() below shows the untruncated form
    fail(s, where + " (" + describe() + " has no probability mass in that range)");
  }
}

Distribution::~Distribution() = default;
Distribution::Distribution(Distribution&&) noexcept = default;
Distribution& Distribution::operator=(Distribution&&) noexcept = default;

std::optional<double> Distribution::from_normal_score(double z) const {
  const Impl& m = *impl_;
  if (m.truncated || !m.values.empty()) return std::nullopt;
  if (const auto* n = std::get_if<Normal>(&m.base)) {
    return m.shift + m.scale * (n->mean() + n->standard_deviation() * z);
  }
  if (const auto* l = std::get_if<Lognormal>(&m.base)) {
    return m.shift + m.scale * std::exp(l->location() + l->scale() * z);
  }
  return std::nullopt;
}

double Distribution::quantile(double u) const {
  return impl_->quantile(u);
}
double Distribution::cdf(double x) const {
  return impl_->cdf(x);
}

double Distribution::mean() const {
  std::call_once(impl_->moments_once, [this] { impl_->compute_moments(); });
  return impl_->mean;
}

double Distribution::sd() const {
  std::call_once(impl_->moments_once, [this] { impl_->compute_moments(); });
  return impl_->sd;
}

const DistSpec& Distribution::spec() const {
  return impl_->spec;
}

std::string Distribution::describe(const NumberStyle& style) const {
  const DistSpec& s = impl_->spec;
  const auto num = style.value ? style.value : plancast::num;
  const auto g4 = style.coefficient ? style.coefficient : four_digits;
  std::string out = to_string(s.family);
  switch (s.family) {
    case DistFamily::fixed:
      out += '(';  // step by step: g++ 12 -O3 warns on "(" + string&& (PR105651)
      out += num(s.value);
      out += ')';
      break;
    case DistFamily::normal:
      out += "(mean " + num(s.mean) + ", sd " + num(s.sd) + ")";
      break;
    case DistFamily::lognormal:
      out += "(mu " + num(s.mu) + ", sigma " + num(s.sigma) + ")";
      break;
    case DistFamily::uniform:
      out += "(min " + num(s.min) + ", max " + num(s.max) + ")";
      break;
    case DistFamily::triangular:
    case DistFamily::pert:
      out += "(min " + num(s.min) + ", mode " + num(s.mode) + ", max " + num(s.max) + ")";
      break;
    case DistFamily::beta:
      out += "(alpha " + num(s.alpha) + ", beta " + num(s.beta) + " on [" + num(s.min) + ", " +
             num(s.max) + "])";
      break;
    case DistFamily::gamma:
      out += "(shape " + num(s.shape) + ", scale " + num(s.scale) + ")";
      break;
    case DistFamily::student_t:
      out += "(df " + num(s.df) + ", loc " + num(s.loc_) + ", scale " + num(s.scale) + ")";
      break;
    case DistFamily::empirical:
      out += '(';
      out += std::to_string(s.values.size());
      out += " values)";
      break;
    case DistFamily::choice:
      out += '(';
      out += std::to_string(s.values.size());
      out += " weighted values)";
      break;
    case DistFamily::quantiles: {
      const Metalog& d = std::get<Metalog>(impl_->base);
      out += "(p10 " + num(s.p10) + ", p50 " + num(s.p50) + ", p90 " + num(s.p90);
      out += ") -> metalog(a1 " + g4(d.a1) + ", a2 " + g4(d.a2) + ", a3 " + g4(d.a3) + ")";
      break;
    }
  }
  if (s.truncate && (impl_->truncated || is_discrete(s.family))) {
    out += " truncated to [" + num((*s.truncate)[0]) + ", " + num((*s.truncate)[1]) + "]";
  }
  return out;
}

}  // namespace plancast
