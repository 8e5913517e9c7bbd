// Exact Poisson and binomial draws: inversion for small means, Hörmann's PTRS and BTRS
// (1993) above, with Loader's (2000) cancellation-free log pmf in the acceptance tests.
#include "engine/random/discrete.h"

#include "engine/random/discrete_internal.h"

#include <cassert>
#include <cmath>

namespace plancast {

namespace {

using namespace discrete_detail;

/// ln 2π.
constexpr double kLogTwoPi = 1.8378770664093454835606594728112;

/// stirling_error(k) for k = 0 ... 15 (entry 0 unused): ln k! − (k + ½) ln k + k − ½ ln 2π,
/// worked out to 60 digits with python3's decimal module from the exact k!; they agree with
/// the integer entries of R's sferr_halves (Loader 2000).
constexpr double kStirlingError[16] = {0.0,
                                       0.081061466795327258219670263594382,
                                       0.041340695955409294093822081407118,
                                       0.027677925684998339148789292746245,
                                       0.020790672103765093111522771767849,
                                       0.016644691189821192163194865373593,
                                       0.013876128823070747998745727023763,
                                       0.011896709945891770095055724117659,
                                       0.010411265261972096497478567132535,
                                       0.0092554621827127329177286366331001,
                                       0.0083305634333628712564693186596286,
                                       0.0075736754879518407949720242115951,
                                       0.0069428401072095298656641526634754,
                                       0.0064089941880042070684396310829783,
                                       0.0059513701127588477356244160464695,
                                       0.0055547335519628013710386899597923};

/// ln k! for k < kLogFactorials, from the Stirling form and stirling_error (std::log only):
/// the acceptance tests' log pmf for small k, a table lookup instead of the series. Values
/// up to ln 1023! ≈ 6070, absolute error below 2e-12.
constexpr int kLogFactorials = 1024;

struct LogFactorials {
  double v[kLogFactorials];
  LogFactorials() noexcept {
    v[0] = 0;
    for (int k = 1; k < kLogFactorials; ++k) {
      const double x = k;
      v[k] = (x + 0.5) * std::log(x) - x + 0.5 * kLogTwoPi + stirling_error(x);
    }
  }
};

const LogFactorials& log_factorials() noexcept {
  static const LogFactorials table;
  return table;
}

/// Poisson by inversion from 0: the smallest k with P(K <= k) >= u, summing the pmf by its
/// recurrence p(k) = p(k − 1) · mean · (1/k). For mean < 30, e^−mean > 9e-14: no underflow,
/// and about mean + 1 steps.
double poisson_inversion(double mean, double u) {
  double p = std::exp(-mean);
  double f = p;
  double k = 0;
  while (f < u) {
    k += 1;
    p *= mean * reciprocal(k);
    const double next = f + p;
    if (next == f) break;  // u within rounding of 1: the tail has no more mass to add
    f = next;
  }
  return k;
}

/// PTRS (Hörmann 1993, algorithm PTRS with the constants of its table), mean >= 30
/// (valid from 10). A draw
/// k = floor((2a/us + b) U + mean + 0.43) from the transformed uniform U in (−½, ½) is
/// accepted at once inside the squeeze (us >= 0.07, V <= v_r: about 55% of pairs at a mean
/// of 30, 80% at large means), else
/// when V's point lies under the pmf: ln(V / α / (a/us² + b)) <= ln P(K = k). The whole part
/// of the mean is added after the floor, so that rounding the large mean does not move k.
double poisson_ptrs(double mean, DrawWords& words) {
  const PtrsSetup c = ptrs_setup(mean);
  PtrsTest test(c, mean);
  for (;;) {
    const double u = words.uniform() - 0.5;  // exact: u is a multiple of 2^-54
    const double v = words.uniform();
    const double us = 0.5 - std::fabs(u);  // > 0: u is never ±½
    const double k = ptrs_candidate(c, u, us);
    if (ptrs_squeeze(c, us, v) || test.accepts(us, v, k)) return k;
  }
}

/// Binomial(n, p) by inversion from 0, p <= ½ and n p < 30: P(0) = (1 − p)^n >= e^(−2 n p ln 2)
/// > 8e-19 (no underflow), then p(k + 1) = p(k) (n − k) · (1/(k + 1)) · p / (1 − p).
double binomial_inversion(double n, double p, double u) {
  double pk = std::exp(n * std::log1p(-p));
  double f = pk;
  const double odds = p / (1.0 - p);
  double k = 0;
  while (f < u && k < n) {
    pk *= (n - k) * reciprocal(k + 1) * odds;
    k += 1;
    const double next = f + pk;
    if (next == f) break;
    f = next;
  }
  return k;
}

/// BTRS (Hörmann 1993, algorithm BTRS with the constants of its table), p <= ½, n p >= 30
/// (valid from 10).
/// The acceptance test compares with ln [P(K = k) / P(K = m)], m = floor((n + 1) p) the mode,
/// whose log pmf is evaluated once, at the first pair outside the squeeze.
double binomial_btrs(double n, double p, DrawWords& words) {
  const double spq = std::sqrt(n * p * (1 - p));
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double v_r = 0.92 - 4.2 / b;
  const double c = n * p + 0.5;
  const double whole = std::floor(c);
  const double shift = c - whole;
  const double m = std::floor((n + 1) * p);
  // ln [P(K = k) / P(K = m)]: for n below the table, ln m! + ln (n−m)! − ln k! − ln (n−k)! +
  // (k − m) ln(p / (1 − p)) (terms below 1e4); else Loader's log pmf at k less that at m,
  // evaluated once, at the first pair outside the squeeze.
  const LogFactorials& lf = log_factorials();
  const bool small = n < kLogFactorials;
  const int mi = small ? static_cast<int>(m) : 0, ni = small ? static_cast<int>(n) : 0;
  bool have_mode = false;  // ln(p / (1 − p)) or the mode's log pmf: at their first use
  double lpq = 0, log_mode = 0;
  for (;;) {
    const double u = words.uniform() - 0.5;
    const double v = words.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = whole + std::floor((2 * a / us + b) * u + shift);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= v_r) return k;
    const double lhs = std::log(v * alpha / (a / (us * us) + b));
    if (small) {
      if (!have_mode) {
        lpq = std::log(p / (1 - p));
        have_mode = true;
      }
      const int ki = static_cast<int>(k);
      if (lhs <= lf.v[mi] + lf.v[ni - mi] - lf.v[ki] - lf.v[ni - ki] + (k - m) * lpq) return k;
      continue;
    }
    if (!have_mode) {
      log_mode = log_binomial_pmf(m, n, p);
      have_mode = true;
    }
    if (lhs <= log_binomial_pmf(k, n, p) - log_mode) return k;
  }
}

}  // namespace

double stirling_error(double k) {
  if (k <= 15) return kStirlingError[static_cast<int>(k)];
  // The Stirling series (Abramowitz & Stegun 6.1.41): 1/(12k) − 1/(360k³) + 1/(1260k⁵) −
  // 1/(1680k⁷) + 1/(1188k⁹), cut where the next term is below 2e-16 (Loader's cut points).
  constexpr double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
  const double kk = k * k;
  if (k > 500) return (s0 - s1 / kk) / k;
  if (k > 80) return (s0 - (s1 - s2 / kk) / kk) / k;
  if (k > 35) return (s0 - (s1 - (s2 - s3 / kk) / kk) / kk) / k;
  return (s0 - (s1 - (s2 - (s3 - s4 / kk) / kk) / kk) / kk) / k;
}

double deviance_term(double x, double m) {
  if (x == 0) return m;
  const double d = x - m;
  if (std::fabs(d) < 0.1 * (x + m)) {
    // x ln(x/m) + m − x = d v + 2 x Σ_{j>=1} v^(2j+1) / (2j + 1), v = d / (x + m), |v| < 0.1:
    // each term at most 1% of the one before, no cancellation (Loader 2000).
    double v = d / (x + m);
    double s = d * v;
    double ej = 2 * x * v;
    v *= v;
    for (int j = 1; j < 1000; ++j) {
      ej *= v;
      const double s1 = s + ej / (2 * j + 1);
      if (s1 == s) return s1;
      s = s1;
    }
    return s;
  }
  return x * std::log(x / m) + m - x;
}

double log_poisson_pmf(double k, double mean) {
  // ln(mean^k e^−mean / k!) = −stirling_error(k) − bd0(k, mean) − ½ ln(2π k).
  if (k == 0) return -mean;
  return -stirling_error(k) - deviance_term(k, mean) - 0.5 * (kLogTwoPi + std::log(k));
}

double log_binomial_pmf(double k, double n, double q) {
  if (k == 0) return n * std::log1p(-q);
  if (k == n) return n * std::log(q);
  // Loader (2000): ln C(n, k) q^k (1−q)^(n−k) = stirling_error(n) − stirling_error(k) −
  // stirling_error(n − k) − bd0(k, n q) − bd0(n − k, n (1 − q)) + ½ ln(n / (2π k (n − k))).
  const double nk = n - k;
  return stirling_error(n) - stirling_error(k) - stirling_error(nk) - deviance_term(k, n * q) -
         deviance_term(nk, n * (1 - q)) + 0.5 * (std::log(n / k / nk) - kLogTwoPi);
}

bool discrete_detail::PtrsTest::accepts(double us, double v, double k) {
  if (k < 0 || (us < 0.013 && v > us)) return false;
  if (!have_) {
    inv_alpha_ = 1.1239 + 1.1328 / (c_.b - 3.4);
    log_mean_ = mean_ < kLogFactorials ? std::log(mean_) : 0.0;
    have_ = true;
  }
  // ln P(K = k) = k ln mean − mean − ln k!: from the table for small k (terms below 1e4, so
  // the sum is good to 1e-12), else Loader's form, free of cancellation at any size.
  const double log_pmf = mean_ < kLogFactorials && k < kLogFactorials
                             ? k * log_mean_ - mean_ - log_factorials().v[static_cast<int>(k)]
                             : log_poisson_pmf(k, mean_);
  return std::log(v * inv_alpha_ / (c_.a / (us * us) + c_.b)) <= log_pmf;
}

double poisson_draw(double mean, DrawWords& words) {
  switch (poisson_method(mean)) {
    case Method::zero:
      return 0.0;
    case Method::itself:
      return mean;
    case Method::inversion:
      return poisson_inversion(mean, words.uniform());
    case Method::rejection:
      break;
  }
  return poisson_ptrs(mean, words);
}

double poisson_rest(double mean, DrawWords& words) {
  assert(poisson_method(mean) == Method::rejection);
  return poisson_ptrs(mean, words);
}

double binomial_draw(double n, double q, DrawWords& words) {
  const BinomialPlan plan = binomial_plan(n, q);
  if (plan.method == Method::zero) return 0.0;
  if (plan.method == Method::itself) return n;
  const double k = plan.method == Method::inversion ? binomial_inversion(n, plan.p, words.uniform())
                                                    : binomial_btrs(n, plan.p, words);
  return plan.flip ? n - k : k;
}

}  // namespace plancast
