#include "tests/support/stats.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>
#include <cmath>

#include "engine/random/stream.h"

namespace plancast::test {

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

double upper_normal(double z) {
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

std::vector<double> philox_uniforms(std::uint64_t seed, std::size_t n, std::uint32_t stream) {
  const Stream s(seed, stream);
  std::vector<double> u;
  u.reserve(n);
  for (std::uint64_t r = 0; u.size() < n; ++r) {
    const Uniform4 b = s.uniforms(r, 0, 0);
    for (double x : b.u) {
      if (u.size() < n) u.push_back(x);
    }
  }
  return u;
}

double lognormal_quantile(double mu, double sigma, double q) {
  return std::exp(mu + sigma * boost::math::quantile(boost::math::normal(), q));
}

double lognormal_quantile_tolerance(double sigma, double q, double n) {
  const boost::math::normal z;
  const double density = boost::math::pdf(z, boost::math::quantile(z, q));
  return kSketchRelativeError + 4.5 * sigma * std::sqrt(q * (1 - q) / n) / density;
}

double lognormal_sd_std_error(double sigma, double sd, double n) {
  const double v = sigma * sigma;
  const double kurtosis = std::exp(4 * v) + 2 * std::exp(3 * v) + 3 * std::exp(2 * v) - 6;
  return sd * std::sqrt((kurtosis + 2) / (4 * n));
}

Moments moments(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  double m = 0;
  for (double v : x) m += v;
  m /= n;
  double m2 = 0, m4 = 0;
  for (double v : x) {
    const double d = (v - m) * (v - m);
    m2 += d;
    m4 += d * d;
  }
  return {m, std::sqrt(m2 / (n - 1)), m4 / n};
}

void check_moments(const std::vector<double>& x, double mean, double sd) {
  const Moments m = moments(x);
  const double n = static_cast<double>(x.size());
  INFO("sample mean " << m.mean << " sd " << m.sd << ", expected " << mean << ", " << sd);
  CHECK(std::abs(m.mean - mean) <= 5 * sd / std::sqrt(n));
  const double se_sd = std::sqrt(std::max(m.m4 - std::pow(m.sd, 4), 0.0) / n) / (2 * sd);
  CHECK(std::abs(m.sd - sd) <= 5 * se_sd);
}

}  // namespace plancast::test
