// The beta and gamma quantiles from the guide's table and Halley step (engine/random/
// quantile_guide.h) are as accurate as Boost.Math's own quantiles, both measured against
// the CDF in 50-digit arithmetic.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <catch2/catch.hpp>

#include "engine/random/distribution.h"
#include "engine/random/quantile_guide.h"

namespace {

using plancast::dist_detail::Beta;
using plancast::dist_detail::Gamma;
using plancast::dist_detail::QuantileGuide;
using Exact = boost::multiprecision::cpp_bin_float_50;

/// Probabilities to compare at: 400 uniform ones (fixed seed); nodes of the table with the
/// points 1e-12 on either side of them, and interval midpoints (every fourth node); the
/// tails, where the guide answers the library's quantile.
std::vector<double> probe_points() {
  std::vector<double> ps;
  std::mt19937_64 gen(20261201);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  for (int i = 0; i < 400; ++i) ps.push_back(uni(gen));
  const double k = QuantileGuide::kIntervals;
  for (int i = 1; i < static_cast<int>(k); i += 4) {
    for (const double p : {i / k, (i + 0.5) / k, i / k - 1e-12, i / k + 1e-12}) ps.push_back(p);
  }
  for (double e = 1e-3; e >= 1e-12; e *= 0.1) {
    ps.push_back(e);
    ps.push_back(1 - e);
  }
  return ps;
}

/// How far x is from being the p-quantile: |F(x) − p| with F in 50 digits, in units of
/// what double arithmetic can resolve there, one ulp of min(p, 1 − p) (the probability, or
/// in the upper half its complement, which both methods compute with) plus the probability
/// that one ulp of x holds, f(x)·ulp(x).
template <class D, class ExactCdf>
double residual(const D& d, const ExactCdf& exact_cdf, double p, double x) {
  const double eps = std::numeric_limits<double>::epsilon();
  const double unit =
      eps * std::min(p, 1 - p) + boost::math::pdf(d, x) * (std::nextafter(x, HUGE_VAL) - x);
  return std::abs(static_cast<double>(exact_cdf(x) - Exact(p))) / unit;
}

/// The worst residuals of the guide and of Boost's quantile over the probe points.
template <class D, class ExactCdf>
void check_against_exact(const D& d, const ExactCdf& exact_cdf) {
  const QuantileGuide guide(d);
  INFO(guide.series_intervals() << " of " << QuantileGuide::kIntervals - 2
                                << " inner intervals step on their own series");
  double worst_guide = 0, worst_library = 0;
  for (const double p : probe_points()) {
    worst_guide = std::max(worst_guide, residual(d, exact_cdf, p, guide.quantile(d, p)));
    worst_library = std::max(worst_library, residual(d, exact_cdf, p, boost::math::quantile(d, p)));
  }
  INFO("worst residual: guide " << worst_guide << ", Boost's quantile " << worst_library);
  // As accurate as the library: within twice its worst residual, and a few units where that
  // is near 0 (the units are the rounding of one evaluation of the CDF).
  CHECK(worst_guide <= 2 * worst_library + 4);
}

}  // namespace

TEST_CASE("the guided beta quantile is as accurate as Boost.Math's", "[random]") {
  // The bundled scenario's PERT (alpha, beta about 3.14 and 2.86), flat, U-shaped, skewed
  // both ways, and strongly peaked shapes.
  const double shapes[][2] = {
      {3.142857, 2.857143}, {1, 1}, {0.5, 0.5}, {2, 30}, {30, 2}, {0.3, 5}, {5, 0.3}, {200, 300}};
  for (const auto& s : shapes) {
    INFO("beta(" << s[0] << ", " << s[1] << ")");
    const Exact a(s[0]), b(s[1]);
    check_against_exact(Beta(s[0], s[1]),
                        [&](double x) { return boost::math::ibeta(a, b, Exact(x)); });
  }
}

TEST_CASE("the guided gamma quantile is as accurate as Boost.Math's", "[random]") {
  // The bundled scenario's rates (shapes 9, 20.25, 12.25, 20.25; scale mean / shape), shapes
  // below 1 (a density infinite at 0), the exponential, and a near-normal large shape.
  const double shapes[][2] = {{9, 1.0 / 3}, {20.25, 45 / 20.25}, {12.25, 14 / 12.25}, {0.3, 1},
                              {1, 1},       {0.05, 2},           {5000, 0.001}};
  for (const auto& s : shapes) {
    INFO("gamma(" << s[0] << ", " << s[1] << ")");
    const Exact k(s[0]), theta(s[1]);
    check_against_exact(Gamma(s[0], s[1]),
                        [&](double x) { return boost::math::gamma_p(k, Exact(x) / theta); });
  }
}

TEST_CASE("the bundled scenario's shapes step on the intervals' own series, built once",
          "[random]") {
  // Nearly every inner interval of a smooth density passes the series' checks (the few
  // that do not step on Boost's CDF); fewer would mean the draws pay Boost's CDF again.
  const Beta pert(3.142857, 2.857143);
  const Gamma rate(20.25, 45 / 20.25);
  CHECK(QuantileGuide(pert).series_intervals() >= 240);
  CHECK(QuantileGuide(rate).series_intervals() >= 240);
  // One guide per shape in the process: the same table for the same shape, another for
  // another.
  const auto a = QuantileGuide::shared(pert), b = QuantileGuide::shared(Beta(3.142857, 2.857143));
  CHECK(a == b);
  CHECK(QuantileGuide::shared(Beta(3.142857, 2.9)) != a);
  CHECK(QuantileGuide::shared(rate) == QuantileGuide::shared(Gamma(20.25, 45 / 20.25)));
  // Bounded: after more other shapes than it keeps, the first is built again (the first in
  // the cache's order is forgotten first), with the same values.
  for (int k = 0; k <= static_cast<int>(QuantileGuide::kShared); ++k) {
    QuantileGuide::shared(Beta(5 + k, 2));
  }
  const auto again = QuantileGuide::shared(pert);
  CHECK(again != a);
  for (const double p : {0.01, 0.3, 0.77}) CHECK(again->quantile(pert, p) == a->quantile(pert, p));
}

TEST_CASE("the guide answers the library's quantile in the tails and at extreme shapes",
          "[random]") {
  const Beta pert(3.142857, 2.857143);
  const QuantileGuide guide(pert);
  for (const double p : {1e-30, 1e-12, 0.5 / QuantileGuide::kIntervals, 1 - 1e-3, 1 - 1e-15}) {
    CHECK(guide.quantile(pert, p) == boost::math::quantile(pert, p));
  }
  // Shapes so small that the table's nodes underflow to 0, or that the library cannot
  // invert at some node: no table, the library's values (or its error) at every p.
  for (const double shape : {2e-3, 1e-3}) {
    const Gamma tiny(shape, 1);
    const QuantileGuide none(tiny);
    for (const double p : {0.1, 0.5, 0.9}) {
      double want = 0;
      bool library_fails = false;
      try {
        want = boost::math::quantile(tiny, p);
      } catch (const std::exception&) {
        library_fails = true;
      }
      INFO("gamma(" << shape << ", 1) at " << p);
      if (library_fails) {
        CHECK_THROWS(none.quantile(tiny, p));
      } else {
        CHECK(none.quantile(tiny, p) == want);
      }
    }
  }
}

TEST_CASE("quantiles of many draws at once equal quantile() draw by draw", "[random]") {
  using plancast::DistFamily;
  using plancast::Distribution;
  using plancast::DistSpec;
  // Probabilities across the table, its nodes and tails (probe_points); 700 of them: more
  // than one chunk, not a multiple of the batch.
  std::vector<double> u = probe_points();
  while (u.size() < 700) u.push_back(u[u.size() % 400] * 0.999);
  auto spec = [](DistFamily f) {
    DistSpec s;
    s.family = f;
    return s;
  };
  std::vector<DistSpec> specs;
  DistSpec g = spec(DistFamily::gamma);  // the bundled scenario's hightech_rate: mean 45, sd 10
  g.shape = 20.25;
  g.scale = 45.0 / 20.25;
  specs.push_back(g);
  DistSpec g_small = spec(DistFamily::gamma);  // a shape below 1: a singular end
  g_small.shape = 0.4;
  g_small.scale = 3;
  specs.push_back(g_small);
  DistSpec lower = g;  // truncated: the guide on the window's probabilities
  lower.truncate = {{30, 60}};
  specs.push_back(lower);
  DistSpec upper = g;  // a far upper window: the survival function, draw by draw
  upper.truncate = {{140, 160}};
  specs.push_back(upper);
  DistSpec pert = spec(DistFamily::pert);
  pert.min = 0.12;
  pert.mode = 0.27;
  pert.max = 0.40;
  specs.push_back(pert);
  DistSpec b = spec(DistFamily::beta);
  b.alpha = 0.7;
  b.beta = 3;
  b.min = -1;
  b.max = 2;
  specs.push_back(b);
  specs.push_back(spec(DistFamily::normal));  // no guide: draw by draw
  specs.back().sd = 2;
  for (std::size_t k = 0; k < specs.size(); ++k) {
    INFO("distribution " << k);
    Distribution d(specs[k]);
    d.prepare_draws();
    std::vector<double> got(u.size());
    d.quantiles(u.data(), u.size(), got.data());
    std::vector<double> in_place = u;
    d.quantiles(in_place.data(), in_place.size(), in_place.data());
    for (std::size_t j = 0; j < u.size(); ++j) {
      INFO("u " << u[j]);
      const double want = d.quantile(u[j]);
      REQUIRE(std::memcmp(&got[j], &want, sizeof want) == 0);
      REQUIRE(std::memcmp(&in_place[j], &want, sizeof want) == 0);
    }
  }
}
