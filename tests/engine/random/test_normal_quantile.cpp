// Tests of engine/random/normal_quantile (Wichura's AS 241) against Boost.Math, and of the
// ziggurat normal (engine/random/ziggurat.h) against the exact normal law.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>

#include "engine/random/normal_quantile.h"
#include "engine/random/stream.h"
#include "engine/random/ziggurat.h"

using namespace plancast;

TEST_CASE("normal_quantile agrees with Boost.Math to 1e-14 across (0, 1)", "[random]") {
  const boost::math::normal_distribution<double> phi;
  double worst = 0;
  for (int k = 1; k < 300; ++k) {
    // Dense in the middle, and 10^-1 ... 10^-300 in both tails.
    const double mid = k / 300.0;
    const double tail = std::pow(10.0, -k);
    for (const double p : {mid, tail, 1.0 - std::pow(10.0, -k / 20.0)}) {
      if (!(p > 0 && p < 1)) continue;
      const double want = boost::math::quantile(phi, p);
      const double got = normal_quantile(p);
      if (std::abs(want) > 1e-3)
        worst = std::max(worst, std::abs(got - want) / std::abs(want));
      else
        CHECK(std::abs(got - want) < 1e-16);
    }
  }
  CHECK(worst < 1e-14);
  CHECK(normal_quantile(0.5) == 0.0);
  CHECK(normal_quantile(0.25) == -normal_quantile(0.75));
  CHECK(std::isinf(normal_quantile(0.0)));
  CHECK(normal_quantile(0.0) < 0);
  CHECK(std::isinf(normal_quantile(1.0)));
  CHECK(std::isnan(normal_quantile(-0.1)));
  CHECK(std::isnan(normal_quantile(std::nan(""))));
}

TEST_CASE("ziggurat normals follow the standard normal law", "[random]") {
  // 2,000,000 normals from Philox words (as the growth noise draws them), in 64
  // equal-probability bins (edges from Boost's quantile), chi-square test at alpha = 1e-6;
  // the tail beyond r (where the ziggurat's own tail algorithm works) and the mean and
  // variance within 5 standard errors. Fixed seed.
  const Stream stream(2024, 77);
  const std::size_t n = 2000000;
  constexpr int kBins = 64;
  const boost::math::normal_distribution<double> phi;
  std::vector<double> edge(kBins - 1);
  for (int b = 1; b < kBins; ++b) edge[b - 1] = boost::math::quantile(phi, b / double(kBins));
  std::vector<double> count(kBins, 0);
  double sum = 0, sumsq = 0;
  std::size_t tail = 0, extra_words = 0;
  for (std::uint64_t r = 0; r < n / 4; ++r) {
    const Words4 w = stream.words(r, 0, 0, 1);
    for (int l = 0; l < 4; ++l) {
      std::uint64_t k = 0;
      auto more = [&] {
        ++extra_words;
        return stream.words(r, 1 + static_cast<std::uint64_t>(l), k++, 2).w[0];
      };
      const double z = ziggurat_normal(w.w[l], more);
      const int b = static_cast<int>(std::upper_bound(edge.begin(), edge.end(), z) - edge.begin());
      count[static_cast<std::size_t>(b)] += 1;
      sum += z;
      sumsq += z * z;
      if (std::abs(z) > kZigguratR) ++tail;
    }
  }
  double chi2 = 0;
  const double expect = double(n) / kBins;
  for (double c : count) chi2 += (c - expect) * (c - expect) / expect;
  const boost::math::chi_squared_distribution<double> chi(kBins - 1);
  CHECK(chi2 < boost::math::quantile(boost::math::complement(chi, 1e-6)));
  const double mean = sum / double(n), var = sumsq / double(n) - mean * mean;
  CHECK(std::abs(mean) < 5 * std::sqrt(1.0 / double(n)));
  CHECK(std::abs(var - 1.0) < 5 * std::sqrt(2.0 / double(n)));
  const double p_tail = 2 * boost::math::cdf(boost::math::complement(phi, kZigguratR));
  const double se = std::sqrt(double(n) * p_tail * (1 - p_tail));
  CHECK(std::abs(double(tail) - double(n) * p_tail) < 5 * se);
  // About 1.2% of words are rejected by their layer's rectangle (so ask for more words).
  CHECK(extra_words > 0);
  CHECK(double(extra_words) < 0.03 * double(n));
}
