// The exact discrete samplers (engine/random/discrete.h): Loader's log pmf against Boost.Math,
// exact inversion for small means, Pearson chi-square goodness of fit against Boost.Math's
// laws over a grid of Poisson means and binomial (n, q) on both sides of every method switch
// and far beyond, moments at huge parameters, and determinism in the coordinates.
//
// Significance: the family-wise false-alarm rate 1e-6 split evenly (Bonferroni) over the
// chi-square tests of this file, as tests/engine/random/test_gof.cpp does; bins are merged
// with their neighbours until each expects at least 5 draws.
#include <catch2/catch.hpp>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/random/discrete.h"
#include "engine/random/math_policy.h"
#include "engine/random/stream.h"
#include "tests/support/gof.h"

using namespace plancast;
namespace bm = boost::math;

namespace {

const std::vector<double> kPoissonMeans = {1e-3, 0.5,  5,   9.99, 10,   29.9, 30,
                                           31,   1000, 1e5, 1e7,  1e12, 1e15};
const std::vector<std::pair<double, double>> kBinomialCases = {
    {20, 0.7},      // q > 1/2, inversion (n (1 - q) = 6)
    {100, 0.1},     // n q = 10, inversion
    {299, 0.1},     // n q = 29.9: inversion, just below the switch
    {300, 0.1},     // n q = 30: BTRS, just above
    {60, 0.5},      // q = 1/2, n q = 30
    {75, 0.4},      // n q = 30 with a large q
    {5000, 0.99},   // q > 1/2, BTRS on n (1 - q) = 50
    {1000, 0.6},    // q > 1/2, BTRS, n below the ln k! table's 1024
    {3000, 0.3},    // BTRS, n above the table (Loader's log pmf)
    {1e9, 1e-9},    // huge n, inversion (n q = 1)
    {1e9, 3e-8},    // huge n, n q = 30
    {1e9, 0.3},     // n = 1e9
    {1e12, 0.03}};  // n = 1e12
constexpr double kFamilyWiseAlpha = 1e-6;
const double kAlpha = kFamilyWiseAlpha / double(kPoissonMeans.size() + kBinomialCases.size());
constexpr double kMinExpected = 5;
constexpr std::size_t kDraws = 200000;
constexpr std::uint64_t kSeed = 20261201;

/// Draws from run i's words (i, 0, k, 0) of one stream, k = 0, 1, ..., as a process would.
std::vector<double> draws(const std::function<double(DrawWords&)>& draw, std::size_t n,
                          StreamKey key = 0x1234) {
  const Stream stream(kSeed, key);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    DrawWords words(WordSequence(stream, i, 0, 0));
    x[i] = draw(words);
  }
  return x;
}

/// Integer bin edges for a law of this mean and sd on [lo, hi]: every integer where the sd is
/// small, else the mean + sd times 200 normal quantiles. Bin 0 holds K <= e_0, bin i
/// e_{i−1} < K <= e_i, the last K > e_last.
std::vector<double> bin_edges(double mean, double sd, double lo, double hi) {
  std::vector<double> edges;
  if (sd < 30) {
    for (double k = std::max(lo, std::floor(mean - 12 * sd - 1));
         k <= std::min(hi, mean + 12 * sd + 1); k += 1) {
      edges.push_back(k);
    }
  } else {
    const bm::normal z;
    for (int i = 1; i < 200; ++i) {
      const double e = std::floor(mean + sd * bm::quantile(z, i / 200.0));
      if (edges.empty() || e > edges.back()) edges.push_back(e);
    }
  }
  return edges;
}

std::size_t bin_of(const std::vector<double>& edges, double v) {
  return static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), v) - edges.begin());
}

/// Bin probabilities from a cdf F and its complement G = 1 − F (accurate in the upper tail).
std::vector<double> bin_probs(const std::vector<double>& edges,
                              const std::function<double(double)>& F,
                              const std::function<double(double)>& G, double mean) {
  std::vector<double> probs(edges.size() + 1);
  probs[0] = F(edges[0]);
  for (std::size_t i = 1; i < edges.size(); ++i) {
    probs[i] = edges[i] <= mean ? F(edges[i]) - F(edges[i - 1]) : G(edges[i - 1]) - G(edges[i]);
  }
  probs.back() = G(edges.back());
  return probs;
}

/// Chi-square of whole-number draws on [lo, hi] against the bins' probabilities.
plancast::test::Gof gof(const std::vector<double>& x, const std::vector<double>& edges,
                        const std::vector<double>& probs, double lo, double hi) {
  std::vector<double> obs(probs.size(), 0.0);
  std::size_t not_counts = 0;
  for (const double v : x) {
    not_counts += !(v >= lo && v <= hi && v == std::floor(v));
    obs[bin_of(edges, v)] += 1;
  }
  CHECK(not_counts == 0);
  return plancast::test::chi_square(obs, probs, double(x.size()), kAlpha, kMinExpected);
}

/// Poisson bin probabilities summed from the pmf in long double, by its recurrence from the
/// mode over mean ± 13 sd (beyond: below 1e-37), normalised by their sum (so the error of
/// the mode's lgamma cancels). Boost.Math's Poisson cdf is far off past a mean of about 1e9
/// (0.34 at the median of Poisson(1e12) in Boost 1.74), so it is not the reference there.
std::vector<double> poisson_probs_by_recurrence(const std::vector<double>& edges, double mean) {
  const long double m = mean, sd = std::sqrt(m);
  const long double mode = std::floor(m);
  const long double p_mode = std::exp(-m + mode * std::log(m) - std::lgamma(mode + 1));
  std::vector<long double> acc(edges.size() + 1, 0.0L);
  long double p = p_mode;
  for (long double k = mode; k <= m + 13 * sd; k += 1) {
    acc[bin_of(edges, static_cast<double>(k))] += p;
    p *= m / (k + 1);
  }
  p = p_mode;
  for (long double k = mode - 1; k >= std::max(0.0L, m - 13 * sd); k -= 1) {
    p *= (k + 1) / m;
    acc[bin_of(edges, static_cast<double>(k))] += p;
  }
  long double total = 0;
  for (const long double a : acc) total += a;
  std::vector<double> probs;
  for (const long double a : acc) probs.push_back(static_cast<double>(a / total));
  return probs;
}

plancast::test::Gof poisson_gof(const std::vector<double>& x, double mean) {
  const std::vector<double> edges = bin_edges(mean, std::sqrt(mean), 0, HUGE_VAL);
  if (mean > 1e9) return gof(x, edges, poisson_probs_by_recurrence(edges, mean), 0, HUGE_VAL);
  const bm::poisson_distribution<double, MathPolicy> law(mean);
  return gof(x, edges,
             bin_probs(
                 edges, [&](double k) { return bm::cdf(law, k); },
                 [&](double k) { return bm::cdf(bm::complement(law, k)); }, mean),
             0, HUGE_VAL);
}

plancast::test::Gof binomial_gof(const std::vector<double>& x, double n, double q) {
  const std::vector<double> edges = bin_edges(n * q, std::sqrt(n * q * (1 - q)), 0, n);
  const bm::binomial_distribution<double, MathPolicy> law(n, q);
  return gof(x, edges,
             bin_probs(
                 edges, [&](double k) { return bm::cdf(law, k); },
                 [&](double k) { return bm::cdf(bm::complement(law, k)); }, n * q),
             0, n);
}

/// P(K <= k) of Poisson(mean), summed in long double from the pmf.
long double poisson_cdf_ref(double mean, double k) {
  long double p = std::exp(-static_cast<long double>(mean)), f = p;
  for (double i = 1; i <= k; i += 1) {
    p *= static_cast<long double>(mean) / i;
    f += p;
  }
  return f;
}

/// The first word of a DrawWords whose uniform is u (to 2^-53).
std::uint64_t word_for(double u) {
  return static_cast<std::uint64_t>(std::floor(u * 0x1p53)) << 11;
}

}  // namespace

TEST_CASE("discrete: Loader's log pmf agrees with Boost.Math", "[discrete]") {
  for (double k = 1; k <= 3000; k += 1) {
    const long double ref = bm::lgamma(static_cast<long double>(k) + 1) -
                            ((k + 0.5L) * std::log(static_cast<long double>(k)) - k +
                             0.5L * std::log(2 * 3.14159265358979323846264338327950288L));
    INFO("k " << k);
    REQUIRE(std::fabs(stirling_error(k) - static_cast<double>(ref)) < 2e-14);
  }
  for (const double mean : {0.5, 10.0, 31.0, 1000.0, 1e5, 1e9}) {
    const double sd = std::sqrt(mean);
    const bm::poisson_distribution<long double> law(mean);
    for (const double z : {-6.0, -2.0, -0.3, 0.0, 0.7, 3.0, 8.0}) {
      const double k = std::max(0.0, std::floor(mean + z * sd));
      const double ref = static_cast<double>(std::log(bm::pdf(law, static_cast<long double>(k))));
      INFO("Poisson mean " << mean << " k " << k);
      CHECK(log_poisson_pmf(k, mean) == Approx(ref).epsilon(1e-12).margin(1e-9));
    }
  }
  for (const auto& [n, q] : std::vector<std::pair<double, double>>{
           {30, 0.5}, {1000, 0.03}, {1e6, 0.4}, {1e9, 1e-8}, {1e9, 0.3}}) {
    const double sd = std::sqrt(n * q * (1 - q));
    const bm::binomial_distribution<long double> law(n, q);
    for (const double z : {-4.0, -1.0, 0.0, 0.5, 4.0}) {
      const double k = std::clamp(std::floor(n * q + z * sd), 0.0, n);
      const double ref = static_cast<double>(std::log(bm::pdf(law, static_cast<long double>(k))));
      INFO("binomial n " << n << " q " << q << " k " << k);
      CHECK(log_binomial_pmf(k, n, q) == Approx(ref).epsilon(1e-12).margin(1e-9));
    }
  }
  // Beyond, Boost.Math's long-double pmf drifts (1.9e-9 in the log at n = 1e12): references
  // worked out to 50 digits with python3's mpmath (loggamma), x ln m − m − ln x! and
  // ln C(n, k) + k ln q + (n − k) ln(1 − q) with q the double nearest the decimal. (At 7e5
  // from n q = 3e10 the rounding of the product n q alone moves the log by 2.6e-11.)
  CHECK(log_poisson_pmf(1e12, 1e12) == Approx(-14.734449091169030179).epsilon(1e-13));
  CHECK(log_poisson_pmf(1e12 + 3e6, 1e12) == Approx(-19.234446091173530171).epsilon(1e-13));
  CHECK(log_poisson_pmf(1e15 - 5e7, 1e15) == Approx(-19.438326726493348684).epsilon(1e-13));
  CHECK(log_poisson_pmf(1e17, 1e17) == Approx(-20.490911823654061057).epsilon(1e-13));
  CHECK(log_binomial_pmf(3e10, 1e12, 0.03) == Approx(-12.96594053876938209).epsilon(1e-13));
  CHECK(log_binomial_pmf(3e10 + 7e5, 1e12, 0.03) == Approx(-21.385132373736042405).epsilon(5e-12));
  CHECK(log_binomial_pmf(2e15, 4e15, 0.5) == Approx(-18.188326730660015434).epsilon(1e-13));
  CHECK(log_binomial_pmf(1e9, 1e15, 1e-6) == Approx(-11.280570951760961653).epsilon(1e-13));
  CHECK(deviance_term(5, 5) == 0);
  CHECK(deviance_term(0, 3) == 3);
}

TEST_CASE("discrete: small means are drawn by exact inversion", "[discrete]") {
  // The smallest k with F(k) >= u, checked against a long-double pmf sum; the uniform is the
  // draw's first word.
  const WordSequence none(Stream(1, 1), 0, 0, 0);
  for (const double mean : {0.001, 0.5, 3.4, 9.99, 29.9}) {
    for (const double u : {1e-12, 0.001, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1 - 1e-9}) {
      DrawWords words(word_for(u), 0, none);
      const double k = poisson_draw(mean, words);
      const long double uu = unit_from_word(word_for(u));
      INFO("mean " << mean << " u " << u << " k " << k);
      REQUIRE(k == std::floor(k));
      CHECK(poisson_cdf_ref(mean, k) >= uu * (1 - 1e-12L));
      if (k > 0) CHECK(poisson_cdf_ref(mean, k - 1) < uu * (1 + 1e-12L));
    }
  }
  for (const auto& [n, q] :
       std::vector<std::pair<double, double>>{{10, 0.1}, {13, 0.5}, {99, 0.1}, {299, 0.1}}) {
    const bm::binomial_distribution<long double> law(n, q);
    for (const double u : {1e-9, 0.05, 0.5, 0.95, 1 - 1e-9}) {
      DrawWords words(word_for(u), 0, none);
      const double k = binomial_draw(n, q, words);
      const long double uu = unit_from_word(word_for(u));
      INFO("n " << n << " q " << q << " u " << u << " k " << k);
      CHECK(bm::cdf(law, static_cast<long double>(k)) >= uu * (1 - 1e-12L));
      if (k > 0) CHECK(bm::cdf(law, static_cast<long double>(k) - 1) < uu * (1 + 1e-12L));
    }
  }
}

TEST_CASE("discrete: degenerate parameters", "[discrete]") {
  const Stream stream(kSeed, 7);
  DrawWords w(WordSequence(stream, 0, 0, 0));
  CHECK(poisson_draw(0, w) == 0);
  CHECK(poisson_draw(-3, w) == 0);
  CHECK(poisson_draw(std::nan(""), w) == 0);
  CHECK(poisson_draw(HUGE_VAL, w) == HUGE_VAL);
  CHECK(binomial_draw(0, 0.3, w) == 0);
  CHECK(binomial_draw(10, 0, w) == 0);
  CHECK(binomial_draw(10, 1, w) == 10);
  CHECK(binomial_draw(1e12, 1, w) == 1e12);
  CHECK(binomial_draw(HUGE_VAL, 0.5, w) == HUGE_VAL);
  for (int i = 0; i < 1000; ++i) {
    const double k = binomial_draw(12, 0.97, w);
    CHECK((k >= 0 && k <= 12));
  }
}

TEST_CASE("discrete: Poisson draws fit the exact law at every mean", "[discrete][gof][stat]") {
  for (const double mean : kPoissonMeans) {
    const std::vector<double> x =
        draws([&](DrawWords& w) { return poisson_draw(mean, w); }, kDraws);
    const plancast::test::Gof g = poisson_gof(x, mean);
    INFO("Poisson(" << mean << "): " << g);
    CHECK(g.passes());
  }
}

TEST_CASE("discrete: binomial draws fit the exact law for every (n, q)", "[discrete][gof][stat]") {
  for (const auto& [n, q] : kBinomialCases) {
    const std::vector<double> x =
        draws([&](DrawWords& w) { return binomial_draw(n, q, w); }, kDraws);
    const plancast::test::Gof g = binomial_gof(x, n, q);
    INFO("Binomial(" << n << ", " << q << "): " << g);
    CHECK(g.passes());
  }
}

TEST_CASE("discrete: the fit check finds a law 5% of an sd off", "[discrete][gof][stat][power]") {
  // Power: Poisson(1000) draws against Poisson(1000 + 0.05 sd), and stretched to an sd 5% too
  // wide (the mean kept), must both fail (noncentralities about 500 and 1000 on 199 df).
  const double mean = 1000;
  const std::vector<double> x = draws([&](DrawWords& w) { return poisson_draw(mean, w); }, kDraws);
  CHECK_FALSE(poisson_gof(x, mean + 0.05 * std::sqrt(mean)).passes());
  std::vector<double> wide(x);
  for (double& v : wide) v = std::round(mean + (v - mean) * 1.05);
  CHECK_FALSE(poisson_gof(wide, mean).passes());
}

TEST_CASE("discrete: moments at huge parameters", "[discrete][stat]") {
  // Mean within 5 standard errors, variance within 5 standard errors of the sample variance
  // (sd of s^2 about var sqrt(2 / N) for a law this close to normal).
  auto check_moments = [](double mean, double var, const std::vector<double>& x) {
    long double sum = 0, sumsq = 0;
    int not_counts = 0;
    for (const double k : x) {
      not_counts += !(k == std::floor(k) && k >= 0);
      const long double d = static_cast<long double>(k) - mean;
      sum += d;
      sumsq += d * d;
    }
    const auto n = static_cast<long double>(x.size());
    const long double dm = sum / n;
    const long double s2 = (sumsq - n * dm * dm) / (n - 1);
    INFO("mean " << mean << " var " << var << " mean error " << static_cast<double>(dm)
                 << " sample var " << static_cast<double>(s2));
    CHECK(not_counts == 0);
    CHECK(std::fabs(static_cast<double>(dm)) < 5 * std::sqrt(var / static_cast<double>(n)));
    CHECK(std::fabs(static_cast<double>(s2) - var) <
          5 * var * std::sqrt(2.0 / static_cast<double>(n)));
  };
  for (const double m : {4e15, 1e17}) {
    check_moments(m, m, draws([&](DrawWords& w) { return poisson_draw(m, w); }, kDraws));
  }
  for (const auto& [n, q] : std::vector<std::pair<double, double>>{
           {1e13, 0.03}, {4e15, 0.5}, {1e15, 1e-6}, {1e15, 0.97}}) {
    check_moments(n * q, n * q * (1 - q),
                  draws([&](DrawWords& w) { return binomial_draw(n, q, w); }, kDraws));
  }
}

TEST_CASE("discrete: a draw is a pure function of its words", "[discrete]") {
  // The same coordinates give the same value whatever was drawn before, in any order.
  const Stream stream(kSeed, 99);
  auto at = [&](std::uint64_t run, double mean) {
    DrawWords w(WordSequence(stream, run, 3, 1));
    return poisson_draw(mean, w);
  };
  std::vector<double> forward, backward(64);
  for (std::uint64_t r = 0; r < 64; ++r) forward.push_back(at(r, 12.5 + r));
  for (std::uint64_t r = 64; r-- > 0;) backward[r] = at(r, 12.5 + r);
  CHECK(forward == backward);
  // Two words given, then the sequence: the draw reads the given words first.
  const Words4 head = stream.words(5, 3, 1, 0);
  DrawWords a(head.w[0], head.w[1], WordSequence(stream, 5, 3, 1));
  DrawWords b(head.w[0], head.w[1], WordSequence(stream, 5, 3, 1));
  CHECK(binomial_draw(1e6, 0.3, a) == binomial_draw(1e6, 0.3, b));
  CHECK(a.next() == b.next());
}
