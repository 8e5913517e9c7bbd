// count at large means (docs/models/count.md): above kInversionLimit the Poisson and binomial
// draws come from the Cornish–Fisher quantile, whose cost does not grow with the mean. Checked
// against the exact law (long-double pmf sums) just above the limit, by moments at 10^12 and
// beyond, and through the located refusal of rates past 10^15.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/runner.h"
#include "models/count.h"
#include "models/register_builtin.h"

using namespace plancast;

namespace {

/// Exact distribution function on [lo, lo + pmf.size()) of a law given by its pmf there
/// (the mass below lo, 14 sd under the mean, is below 1e-40 and left out).
struct ExactLaw {
  long lo = 0;
  std::vector<long double> cdf;
  long double at(long k) const { return cdf[static_cast<std::size_t>(k - lo)]; }
};

ExactLaw poisson_law(double m) {
  const double s = std::sqrt(m);
  ExactLaw law;
  law.lo = static_cast<long>(m - 14 * s);
  const long hi = static_cast<long>(m + 14 * s), mode = static_cast<long>(m);
  std::vector<long double> pmf(static_cast<std::size_t>(hi - law.lo + 1));
  auto p = [&](long k) -> long double& { return pmf[static_cast<std::size_t>(k - law.lo)]; };
  p(mode) = std::exp(-m + mode * std::log(static_cast<long double>(m)) -
                     std::lgamma(static_cast<long double>(mode) + 1));
  for (long k = mode + 1; k <= hi; ++k) p(k) = p(k - 1) * m / k;
  for (long k = mode - 1; k >= law.lo; --k) p(k) = p(k + 1) * (k + 1) / m;
  long double acc = 0;
  for (const long double x : pmf) law.cdf.push_back(acc += x);
  return law;
}

ExactLaw binomial_law(double n, double q) {
  const double m = n * q, s = std::sqrt(n * q * (1 - q));
  ExactLaw law;
  law.lo = static_cast<long>(m - 14 * s);
  const long hi = static_cast<long>(m + 14 * s), mode = static_cast<long>(m);
  std::vector<long double> pmf(static_cast<std::size_t>(hi - law.lo + 1));
  auto p = [&](long k) -> long double& { return pmf[static_cast<std::size_t>(k - law.lo)]; };
  const long double odds = static_cast<long double>(q) / (1 - q);
  p(mode) = std::exp(std::lgamma(n + 1.0L) - std::lgamma(mode + 1.0L) -
                     std::lgamma(n - mode + 1.0L) + mode * std::log(static_cast<long double>(q)) +
                     (n - mode) * std::log1p(-static_cast<long double>(q)));
  for (long k = mode + 1; k <= hi; ++k) p(k) = p(k - 1) * (n - k + 1) / k * odds;
  for (long k = mode - 1; k >= law.lo; --k) p(k) = p(k + 1) * (k + 1) / (n - k) / odds;
  long double acc = 0;
  for (const long double x : pmf) law.cdf.push_back(acc += x);
  return law;
}

/// The largest |u_k − F(k)| over k within 8 sd of the mean, u_k the uniform at which the
/// draw steps from k to k + 1 (found by bisection): the distance between the law the draws
/// follow and the exact one, measured where the mass is.
long double law_distance(const ExactLaw& law, double mean, double sd,
                         const std::function<double(double)>& draw) {
  long double worst = 0;
  const long step = std::max(1L, static_cast<long>(sd / 25));
  for (long k = static_cast<long>(mean - 8 * sd); k <= static_cast<long>(mean + 8 * sd);
       k += step) {
    double a = 1e-300, b = 1 - 1e-16;
    if (!(draw(a) <= k && draw(b) > k)) return 1;  // the draws miss k: as far off as can be
    for (int it = 0; it < 200; ++it) {
      const double c = 0.5 * (a + b);
      if (c == a || c == b) break;
      (draw(c) <= k ? a : b) = c;
    }
    worst = std::max(worst, std::fabs(static_cast<long double>(a) - law.at(k)));
  }
  return worst;
}

}  // namespace

TEST_CASE("count: above the inversion limit the draws follow the exact law to 1e-9", "[count]") {
  // Measured: 3.4e-10 at a Poisson mean of 1.0e5, 1.1e-11 at 1e6, 2.5e-10 for a binomial
  // variance of 1.1e5 (docs/models/count.md); exact inversion (Boost) is about 1e-14 there.
  for (const double m : {kInversionLimit * 1.000001, 3e5}) {
    INFO("Poisson mean " << m);
    CHECK(law_distance(poisson_law(m), m, std::sqrt(m),
                       [&](double u) { return poisson_inverse(m, u); }) < 1e-9L);
  }
  for (const auto& [n, q] : std::vector<std::pair<double, double>>{{2e6, 0.06}, {1e6, 0.3}}) {
    INFO("binomial n " << n << " q " << q);
    const double sd = std::sqrt(n * q * (1 - q));
    REQUIRE(sd * sd > kInversionLimit);
    CHECK(law_distance(binomial_law(n, q), n * q, sd,
                       [&](double u) { return binomial_inverse(n, q, u); }) < 1e-9L);
  }
  // Either side of the limit the draws agree but for the rare u within the error of a step.
  int differ = 0;
  for (int i = 1; i < 2000; ++i) {
    const double u = i / 2000.0;
    const double below = poisson_inverse(kInversionLimit, u);
    const double above = poisson_inverse(std::nextafter(kInversionLimit, 1e300), u);
    CHECK(std::fabs(below - above) <= 1);
    differ += below != above;
  }
  CHECK(differ <= 2);
}

TEST_CASE("count: huge means draw whole numbers with the right moments, at constant cost",
          "[count]") {
  // 200,000 draws each: mean within 5 standard errors, variance within 5 standard errors of
  // the sample variance (sd of s^2 about var sqrt(2 / N) for a law this close to normal).
  constexpr int kN = 200000;
  std::mt19937_64 gen(20240513);
  auto uniform = [&] { return (static_cast<double>(gen() >> 11) + 0.5) * 0x1p-53; };
  auto check_moments = [&](double mean, double var, const std::function<double(double)>& draw) {
    long double sum = 0, sumsq = 0;
    int not_counts = 0;
    for (int i = 0; i < kN; ++i) {
      const double k = draw(uniform());
      not_counts += !(k == std::floor(k) && k >= 0);
      const long double d = static_cast<long double>(k) - mean;
      sum += d;
      sumsq += d * d;
    }
    const long double dm = sum / kN;
    const long double s2 = (sumsq - kN * dm * dm) / (kN - 1);
    INFO("mean " << mean << " var " << var << " mean error " << static_cast<double>(dm)
                 << " sample var " << static_cast<double>(s2));
    CHECK(not_counts == 0);
    CHECK(std::fabs(static_cast<double>(dm)) < 5 * std::sqrt(var / kN));
    CHECK(std::fabs(static_cast<double>(s2) - var) < 5 * var * std::sqrt(2.0 / kN));
  };
  for (const double m : {1e7, 1e12, 4e15, 1e17}) {
    check_moments(m, m, [&](double u) { return poisson_inverse(m, u); });
  }
  for (const auto& [n, q] : std::vector<std::pair<double, double>>{
           {1e13, 0.03}, {4e15, 0.5}, {1e15, 1e-6}, {1e15, 0.97}}) {
    check_moments(n * q, n * q * (1 - q), [&](double u) { return binomial_inverse(n, q, u); });
  }
  CHECK(binomial_inverse(1e13, 0.03, 1e-300) >= 0);
  CHECK(binomial_inverse(1e13, 0.97, 1 - 1e-16) <= 1e13);
  CHECK(poisson_inverse(1e12, 0.5) == 1e12);  // the median of Poisson(m), m whole, is m
}

TEST_CASE("count: a rate past 1e15 is refused where it is written", "[count]") {
  const std::string head = R"(plancast: 1
name: big
base_year: 2020
horizon: 2025
indicators:
)";
  auto errors_of = [&](const std::string& body) -> std::string {
    try {
      load_scenario_text(head + body, "b.yaml", {}, builtin_registry());
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "";
  };
  CHECK_THAT(errors_of("  n: {base: 0, count: {rate: 4e15}}\n"),
             Catch::Contains("b.yaml:6:30: error: rate=4e+15 (at most 1e15 arrivals a year"));
  CHECK(errors_of("  n: {base: 0, count: {rate: 1e15}}\n").empty());
  // A run at a rate of 1e12 a year: whole numbers, the first year's mean within 5 se.
  const Scenario sc = load_scenario_text(
      head + "  n: {base: 0, count: {rate: 1e12, exit: 0.03}}\nsimulation: {runs: 2000}\n",
      "b.yaml", {}, builtin_registry());
  const Results r = run(sc, builtin_registry());
  const double mean1 = r.indicators.at(0).mean.at(1);
  CHECK(std::fabs(mean1 - 1e12) < 5 * std::sqrt(1e12 / 2000));
}
