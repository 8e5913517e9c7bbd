// The tabulated start and Halley finish of the beta and gamma quantiles (quantile_guide.h).
#include "engine/random/quantile_guide.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <tuple>

namespace plancast::dist_detail {

namespace {

constexpr std::size_t kN = QuantileGuide::kNodes;
static_assert(kN == 12, "the Chebyshev points below are for 12 nodes");

/// The Chebyshev points of the first kind, cos(π(2j + 1)/24) for j < 6 (the other six are
/// their negatives), as literals, so that no libm cosine enters the table.
constexpr double kPoints[kN / 2] = {0.991444861373810411145, 0.923879532511286756128,
                                    0.79335334029123516458,  0.608761429008720639416,
                                    0.382683432365089771728, 0.130526192220051591548};

double point(std::size_t j) {
  return j < kN / 2 ? kPoints[j] : -kPoints[kN - 1 - j];
}

/// How many units of double resolution the series may differ from Boost's CDF at the
/// interval's midpoint and end (each side has the CDF's rounding of a few units).
constexpr double kAgree = 4;

/// f'(x) / f(x), the density's log-derivative, in closed form.
double log_slope(const Beta& d, double x) {
  return (d.alpha() - 1) / x - (d.beta() - 1) / (1 - x);
}

double log_slope(const Gamma& d, double x) {
  return (d.shape() - 1) / x - 1 / d.scale();
}

/// Σ c_k T_k(s) by Clenshaw's recurrence (c_k − b_{k+2} first: off the chain of b_{k+1}, so a
/// term's latency is one multiply and one add).
template <std::size_t N>
double clenshaw(const std::array<double, N>& c, double s) {
  const double s2 = 2 * s;
  double b1 = 0, b2 = 0;
  for (std::size_t k = N - 1; k >= 1; --k) {
    const double b = (c[k] - b2) + s2 * b1;
    b2 = b1;
    b1 = b;
  }
  return s * b1 - b2 + c[0];
}

/// F(x) − u by the library, in the upper half as (1 − u) − Q(x), Q = 1 − F (1 − u is exact
/// there, and Q keeps its precision where F rounds to near 1).
template <class D>
double cdf_minus(const D& d, double x, double u) {
  return u <= 0.5 ? bm::cdf(d, x) - u : (1 - u) - bm::cdf(bm::complement(d, x));
}

/// What a double resolves of F near x: one ulp of min(u, 1 − u) and the probability that
/// one ulp of x holds.
double resolution(double u, double f, double x) {
  return std::numeric_limits<double>::epsilon() * std::min(u, 1 - u) +
         f * (std::nextafter(x, HUGE_VAL) - x);
}

/// The process's guides by family (0 beta, 1 gamma) and the two shape numbers.
struct GuideCache {
  std::mutex mutex;
  std::map<std::tuple<int, double, double>, std::shared_ptr<const QuantileGuide>> guides;
};

GuideCache& guide_cache() {
  static GuideCache cache;
  return cache;
}

template <class D>
std::shared_ptr<const QuantileGuide> cached(const D& d, int family, double a, double b) {
  GuideCache& cache = guide_cache();
  const std::lock_guard<std::mutex> lock(cache.mutex);
  auto& slot = cache.guides[{family, a, b}];
  if (!slot) {
    slot = std::make_shared<const QuantileGuide>(d);
    if (cache.guides.size() > QuantileGuide::kShared) {
      // Forget another shape (the first in key order): bounded memory, same values.
      auto other = cache.guides.begin();
      if (other->second == slot) ++other;
      cache.guides.erase(other);
    }
  }
  return slot;
}

}  // namespace

std::shared_ptr<const QuantileGuide> QuantileGuide::shared(const Beta& d) {
  return cached(d, 0, d.alpha(), d.beta());
}

std::shared_ptr<const QuantileGuide> QuantileGuide::shared(const Gamma& d) {
  return cached(d, 1, d.shape(), d.scale());
}

QuantileGuide::QuantileGuide(const Beta& d) {
  build(d);
}

QuantileGuide::QuantileGuide(const Gamma& d) {
  build(d);
}

double QuantileGuide::quantile(const Beta& d, double p) const {
  double x;
  solve(d, &p, 1, &x);
  return x;
}

double QuantileGuide::quantile(const Gamma& d, double p) const {
  double x;
  solve(d, &p, 1, &x);
  return x;
}

void QuantileGuide::quantiles(const Beta& d, const double* p, std::size_t n, double* out) const {
  solve(d, p, n, out);
}

void QuantileGuide::quantiles(const Gamma& d, const double* p, std::size_t n, double* out) const {
  solve(d, p, n, out);
}

std::size_t QuantileGuide::series_intervals() const {
  return static_cast<std::size_t>(
      std::count_if(local_.begin(), local_.end(), [](const Local& l) { return l.ok; }));
}

template <class D>
void QuantileGuide::build(const D& d) {
  constexpr double h = 1.0 / kIntervals;
  const auto [lo, hi] = bm::support(d);
  valid_ = false;
  // The library's quantile fails for some extreme shapes at some probabilities (Boost's
  // root finder throws): no table then, and the draws meet the library as before.
  std::array<double, kIntervals + 1> offset{};
  try {
    for (std::size_t i = 1; i < kIntervals; ++i) {
      x_[i] = bm::quantile(d, static_cast<double>(i) * h);
      if (!(x_[i] > lo && x_[i] < hi)) return;
      slope_[i] = 1 / bm::pdf(d, x_[i]);
      if (!(std::isfinite(slope_[i]) && slope_[i] > 0)) return;
      offset[i] = cdf_minus(d, x_[i], static_cast<double>(i) * h);  // F(x_i) − i/K
    }
    valid_ = true;
    local_.assign(kIntervals, Local{});
    for (std::size_t i = 1; i + 1 < kIntervals; ++i)
      local_[i] = fit(d, i, offset[i], offset[i + 1]);
  } catch (const std::exception&) {
    // Thrown at a node: no table (valid_ is still false). Thrown by an interval's series:
    // the nodes stand, and every interval steps on the library's CDF.
    local_.clear();
  }
}

template <class D>
QuantileGuide::Local QuantileGuide::fit(const D& d, std::size_t i, double offset,
                                        double offset_next) const {
  constexpr double h = 1.0 / kIntervals;
  Local l;
  l.mid = 0.5 * (x_[i] + x_[i + 1]);
  l.half = 0.5 * (x_[i + 1] - x_[i]);
  l.inv_half = 1 / l.half;
  l.offset = offset;
  if (!(l.half > 0)) return l;
  // The density's interpolant at the Chebyshev points: c_k = (2/n) Σ_j f(s_j) T_k(s_j),
  // c_0 halved, with T_k(s_j) by the three-term recurrence.
  for (std::size_t j = 0; j < kN; ++j) {
    const double s = point(j);
    const double f = bm::pdf(d, l.mid + l.half * s);
    if (!(std::isfinite(f) && f >= 0)) return l;
    double t0 = 1, t1 = s;
    for (std::size_t k = 0; k < kN; ++k) {
      l.density[k] += f * t0;
      const double t2 = 2 * s * t1 - t0;
      t0 = t1;
      t1 = t2;
    }
  }
  for (std::size_t k = 0; k < kN; ++k) l.density[k] *= (k == 0 ? 1.0 : 2.0) / kN;
  // Its integral from s = −1, times dx/ds = half: ∫T_0 = T_1, ∫T_1 = T_2/4, ∫T_k =
  // T_{k+1}/(2(k+1)) − T_{k−1}/(2(k−1)); the constant makes it 0 at s = −1.
  const auto c = [&](std::size_t k) { return k < kN ? l.density[k] : 0.0; };
  l.increment[1] = c(0) - c(2) / 2;
  for (std::size_t k = 2; k <= kN; ++k) l.increment[k] = (c(k - 1) - c(k + 1)) / (2.0 * k);
  double at_minus_one = 0;
  for (std::size_t k = 1; k <= kN; ++k) at_minus_one += (k % 2 == 1 ? -1 : 1) * l.increment[k];
  l.increment[0] = -at_minus_one;
  for (double& b : l.increment) b *= l.half;
  // Trusted where it agrees with the library's CDF at the midpoint and at the end.
  const double u = static_cast<double>(i) * h;
  const double library_mid = cdf_minus(d, l.mid, u);
  const double f_mid = bm::pdf(d, l.mid), f_end = 1 / slope_[i + 1];
  const bool mid_ok = std::fabs(offset + clenshaw(l.increment, 0.0) - library_mid) <=
                      kAgree * resolution(u + h / 2, f_mid, l.mid);
  const bool end_ok = std::fabs(offset + clenshaw(l.increment, 1.0) - (offset_next + h)) <=
                      kAgree * resolution(u + h, f_end, x_[i + 1]);
  // And the series has converged: its last two terms, a bound on what the terms beyond them
  // add, would move F by less than a unit of u's resolution anywhere in the interval.
  const double tail = 2 * l.half * (std::fabs(l.density[kN - 1]) + std::fabs(l.density[kN - 2]));
  const bool converged = tail <= std::numeric_limits<double>::epsilon() * std::min(u, 1 - (u + h));
  l.ok = mid_ok && end_ok && converged;
  return l;
}

template <class D>
inline QuantileGuide::Step QuantileGuide::local_step(const D& d, const Local& l, double above,
                                                     double& x) const {
  // The steps stay where the series holds: the interval, and a little beyond for a root
  // that the nodes' rounding puts just outside.
  constexpr double kReach = 1.0625;
  const auto [lo, hi] = bm::support(d);
  const double s = (x - l.mid) * l.inv_half;
  if (!(std::fabs(s) <= kReach)) return Step::failed;
  const double r = (clenshaw(l.increment, s) - above) + l.offset;
  const double f = clenshaw(l.density, s);
  if (!(f > 0)) return Step::failed;
  const double dx = r / f;
  const double denom = 1 - 0.5 * dx * log_slope(d, x);
  const double move = denom > 0.5 && denom < 2 ? dx / denom : dx;
  x -= move;
  if (std::fabs(move) <= kCloseStep * std::min(x - lo, hi - x)) {
    return std::fabs((x - l.mid) * l.inv_half) <= kReach ? Step::done : Step::failed;
  }
  return Step::more;
}

inline bool QuantileGuide::start(double p, Start& st) const {
  const double s = p * static_cast<double>(kIntervals);  // exact: kIntervals is 2^8
  if (!valid_ || !(s >= 1 && s < static_cast<double>(kIntervals - 1))) return false;
  st.i = static_cast<std::size_t>(s);
  st.t = s - static_cast<double>(st.i);  // exact, in [0, 1)
  // Cubic Hermite on [i/K, (i+1)/K] in u, with the exact slopes dx/du = 1/f(x).
  constexpr double h = kH;
  const double t = st.t, t1 = 1 - t;
  const double x0 = x_[st.i], x1 = x_[st.i + 1];
  st.x = (1 + 2 * t) * t1 * t1 * x0 + t * t1 * t1 * h * slope_[st.i] + t * t * (3 - 2 * t) * x1 -
         t * t * t1 * h * slope_[st.i + 1];
  return true;
}

template <class D>
double QuantileGuide::finish(const D& d, double p, const Start& st) const {
  // Halley on Boost's CDF (cdf_minus).
  double x = st.x;
  // The root lies in [x0, x1] up to the nodes' rounding: a start or a step that leaves the
  // interval by more than its width (or the open support) is not trusted.
  const double x0 = x_[st.i], x1 = x_[st.i + 1];
  const auto [lo, hi] = bm::support(d);
  const double width = x1 - x0;
  const double x_lo = std::max(lo, x0 - width), x_hi = std::min(hi, x1 + width);
  for (int step = 0; step < kMaxSteps; ++step) {
    if (!(x > x_lo && x < x_hi)) break;
    const double r = cdf_minus(d, x, p);
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

template <class D>
void QuantileGuide::solve(const D& d, const double* p, std::size_t n, double* out) const {
  // kBatch draws at a time, step by step: the draws' chains of multiplications are
  // independent, so one step of each can overlap the others'. Each draw takes the same
  // operations whatever the batch holds (one draw alone: quantile()), so the same bits.
  constexpr std::size_t kBatch = 8;
  enum class Phase : unsigned char { series, done, finish, library };
  for (std::size_t j0 = 0; j0 < n; j0 += kBatch) {
    const std::size_t m = std::min(kBatch, n - j0);
    Start st[kBatch];
    double x[kBatch];
    Phase phase[kBatch];
    for (std::size_t q = 0; q < m; ++q) {
      if (!start(p[j0 + q], st[q])) {
        phase[q] = Phase::library;
      } else {
        phase[q] = !local_.empty() && local_[st[q].i].ok ? Phase::series : Phase::finish;
        x[q] = st[q].x;
      }
    }
    for (int step = 0; step < kMaxSteps; ++step) {
      bool any = false;
      for (std::size_t q = 0; q < m; ++q) {
        if (phase[q] != Phase::series) continue;
        // p − i/K = t/K, exact.
        const Step r = local_step(d, local_[st[q].i], st[q].t * kH, x[q]);
        phase[q] = r == Step::done     ? Phase::done
                   : r == Step::failed ? Phase::finish
                                       : Phase::series;
        any = any || phase[q] == Phase::series;
      }
      if (!any) break;
    }
    for (std::size_t q = 0; q < m; ++q) {
      const double pq = p[j0 + q];
      out[j0 + q] = phase[q] == Phase::done      ? x[q]
                    : phase[q] == Phase::library ? bm::quantile(d, pq)
                                                 : finish(d, pq, st[q]);  // or still stepping
    }
  }
}

}  // namespace plancast::dist_detail
