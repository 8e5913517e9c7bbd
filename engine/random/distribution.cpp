// Distributions of SPEC §2.6 by inverse CDF (Boost.Math quantiles): the checks by family
// that point at the scenario line, truncation, quantiles and CDFs.
#include "engine/random/distribution.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <variant>
#include <vector>

#include "engine/core/error.h"
#include "engine/random/distribution_impl.h"
#include "engine/random/normal_quantile.h"
#include "engine/random/quantile_guide.h"

namespace plancast {

using namespace dist_detail;

namespace {

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

/// Which side of the distribution a probability counts: P(Z <= z) or P(Z > z).
enum class Tail { lower, upper };

// Base distribution helpers. Outside the support the CDF is 0 or 1 (Boost would raise a
// domain error for, e.g., a beta CDF at x > 1).
double base_cdf(const Base& b, double z, Tail tail = Tail::lower) {
  const bool up = tail == Tail::upper;
  return std::visit(
      [z, up](const auto& d) -> double {
        using D = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<D, std::monostate>) {
          return 0.0;
        } else if constexpr (std::is_same_v<D, Metalog>) {
          return up ? d.ccdf(z) : d.cdf(z);
        } else {
          const auto [lo, hi] = bm::support(d);
          if (z <= lo) return up ? 1.0 : 0.0;
          if (z >= hi) return up ? 0.0 : 1.0;
          return up ? bm::cdf(bm::complement(d, z)) : bm::cdf(d, z);
        }
      },
      b);
}

/// The z with P(Z <= z) = p (lower), or P(Z > z) = p (upper: the survival function's
/// inverse, precise where p is small).
double base_quantile(const Base& b, double p, Tail tail = Tail::lower,
                     const QuantileGuide* guide = nullptr) {
  const bool up = tail == Tail::upper;
  return std::visit(
      [p, up, guide](const auto& d) -> double {
        using D = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<D, std::monostate>) {
          return 0.0;
        } else if constexpr (std::is_same_v<D, Metalog>) {
          return up ? d.quantile_upper(p) : d.quantile(p);
        } else if constexpr (std::is_same_v<D, Normal> || std::is_same_v<D, Lognormal>) {
          const double n = normal_quantile(p);
          const double z = up ? -n : n;  // Φ⁻¹ is odd
          if constexpr (std::is_same_v<D, Normal>) {
            return d.mean() + d.standard_deviation() * z;
          } else {
            return std::exp(d.location() + d.scale() * z);
          }
        } else {
          if constexpr (std::is_same_v<D, Beta> || std::is_same_v<D, Gamma>) {
            if (guide != nullptr && !up) return guide->quantile(d, p);
          }
          return up ? bm::quantile(bm::complement(d, p)) : bm::quantile(d, p);
        }
      },
      b);
}

}  // namespace

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
  const double z =
      truncated && upper
          ? base_quantile(base, std::clamp(p0 - u * (p0 - p1), kUMin, kUMax), Tail::upper)
          : base_quantile(base, lower_probability(u), Tail::lower, guide.get());
  return value_at(z);
}

double Distribution::Impl::lower_probability(double u) const {
  return truncated ? std::clamp(p0 + u * (p1 - p0), kUMin, kUMax) : u;
}

double Distribution::Impl::value_at(double z) const {
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
  return std::clamp((p0 - base_cdf(base, z, Tail::upper)) / (p0 - p1), 0.0, 1.0);
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
    m.p0 = base_cdf(m.base, zlo, Tail::upper);
    m.p1 = base_cdf(m.base, zhi, Tail::upper);
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

void Distribution::prepare_draws() {
  Impl& m = *impl_;
  if (m.guide) return;
  if (const auto* beta = std::get_if<Beta>(&m.base)) {
    m.guide = QuantileGuide::shared(*beta);
  } else if (const auto* gamma = std::get_if<Gamma>(&m.base)) {
    m.guide = QuantileGuide::shared(*gamma);
  }
}

double Distribution::quantile(double u) const {
  return impl_->quantile(u);
}

void Distribution::quantiles(const double* u, std::size_t n, double* out) const {
  const Impl& m = *impl_;
  // The guide exists only for a beta or gamma base (prepare_draws). Impl::quantile's steps
  // for its lower tail, the guide's part a chunk at a time; everything else draw by draw.
  if (!m.guide || (m.truncated && m.upper)) {
    for (std::size_t j = 0; j < n; ++j) out[j] = m.quantile(u[j]);
    return;
  }
  const auto* beta = std::get_if<Beta>(&m.base);
  constexpr std::size_t kChunk = 256;
  double p[kChunk];
  for (std::size_t j0 = 0; j0 < n; j0 += kChunk) {
    const std::size_t c = std::min(kChunk, n - j0);
    for (std::size_t q = 0; q < c; ++q) {
      p[q] = m.lower_probability(std::clamp(u[j0 + q], kUMin, kUMax));
    }
    if (beta != nullptr) {
      m.guide->quantiles(*beta, p, c, out + j0);
    } else {
      m.guide->quantiles(std::get<Gamma>(m.base), p, c, out + j0);
    }
    for (std::size_t q = 0; q < c; ++q) out[j0 + q] = m.value_at(out[j0 + q]);
  }
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

}  // namespace plancast
