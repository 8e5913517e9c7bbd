#include "tests/support/gof.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <catch2/catch.hpp>

namespace plancast::test {

namespace bm = boost::math;

std::ostream& operator<<(std::ostream& os, const Gof& g) {
  return os << "chi2 = " << g.stat << " on " << g.df << " df, critical " << g.critical << " (alpha "
            << g.alpha << "), p = " << g.p_value;
}

double chi_square_critical(int df, double alpha) {
  return bm::quantile(bm::complement(bm::chi_squared(df), alpha));
}

Gof chi_square(const std::vector<double>& observed, const std::vector<double>& probs, double n,
               double alpha, double min_expected) {
  REQUIRE(observed.size() == probs.size());
  std::vector<double> obs, expect;
  double o = 0, e = 0;
  for (std::size_t i = 0; i < probs.size(); ++i) {
    o += observed[i];
    e += n * probs[i];
    if (e >= min_expected) {
      obs.push_back(o);
      expect.push_back(e);
      o = e = 0;
    }
  }
  if (e > 0 || o > 0) {
    REQUIRE(!obs.empty());
    obs.back() += o;
    expect.back() += e;
  }
  REQUIRE(obs.size() >= 2);
  Gof g;
  for (std::size_t i = 0; i < obs.size(); ++i) {
    g.stat += (obs[i] - expect[i]) * (obs[i] - expect[i]) / expect[i];
  }
  g.df = static_cast<int>(obs.size()) - 1;
  g.alpha = alpha;
  g.critical = chi_square_critical(g.df, alpha);
  g.p_value = bm::cdf(bm::complement(bm::chi_squared(g.df), g.stat));
  return g;
}

}  // namespace plancast::test
