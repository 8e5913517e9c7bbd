// Tests of engine/random: Philox streams, every distribution family (closed-form moments
// within 5 standard errors, fixed seeds), error messages, and the Gaussian copula.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/core/error.h"
#include "engine/random/distribution.h"
#include "engine/random/parameter_sampler.h"
#include "engine/random/stream.h"
#include "tests/support/stats.h"

using namespace plancast;
using namespace plancast::test;

namespace {

constexpr std::uint64_t kSeed = 20240611;  // fixed seed: every statistical check is repeatable

/// n uniforms from one Philox stream (runs 0.., year 0, draw 0, the four lanes in turn).
std::vector<double> uniforms(std::size_t n, std::uint32_t stream = 77) {
  return philox_uniforms(kSeed, n, stream);
}

std::vector<double> draws(const Distribution& d, std::size_t n, std::uint32_t stream = 77) {
  std::vector<double> x = uniforms(n, stream);
  for (double& v : x) v = d.quantile(v);
  return x;
}

SourceLoc here() {
  return SourceLoc{"s.yaml", 12, 5};
}

DistSpec normal(double mean, double sd) {
  DistSpec s;
  s.family = DistFamily::normal;
  s.loc = here();
  s.mean = mean;
  s.sd = sd;
  return s;
}

DistSpec ranged(DistFamily f, double min, double mode, double max) {
  DistSpec s;
  s.family = f;
  s.loc = here();
  s.min = min;
  s.mode = mode;
  s.max = max;
  return s;
}

double phi(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
}
double Phi(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

constexpr std::size_t kN = 200000;

}  // namespace

// ---------------------------------------------------------------------------------------
// Streams

TEST_CASE("Philox streams are deterministic and keyed by every argument", "[random][stream]") {
  const Stream a(kSeed, 5), b(kSeed, 5);
  const Uniform4 x = a.uniforms(123, 4, 7), y = b.uniforms(123, 4, 7);
  for (int l = 0; l < 4; ++l) CHECK(x.u[l] == y.u[l]);
  auto differs = [&](const Uniform4& o) {
    for (int l = 0; l < 4; ++l) {
      if (o.u[l] == x.u[l]) return false;
    }
    return true;
  };
  CHECK(differs(Stream(kSeed + 1, 5).uniforms(123, 4, 7)));  // seed
  CHECK(differs(Stream(kSeed, 6).uniforms(123, 4, 7)));      // stream
  CHECK(differs(a.uniforms(124, 4, 7)));                     // run
  CHECK(differs(a.uniforms(123, 5, 7)));                     // year
  CHECK(differs(a.uniforms(123, 4, 8)));                     // draw
  // The four lanes are distinct numbers.
  CHECK(x.u[0] != x.u[1]);
  CHECK(x.u[2] != x.u[3]);
}

TEST_CASE("uniforms are strictly inside (0,1) with mean 1/2 and variance 1/12",
          "[random][stream]") {
  const std::size_t n = 1000000;
  const std::vector<double> u = uniforms(n, 3);
  CHECK(*std::min_element(u.begin(), u.end()) > 0.0);
  CHECK(*std::max_element(u.begin(), u.end()) < 1.0);
  const Moments m = moments(u);
  const double dn = static_cast<double>(n);
  CHECK(std::abs(m.mean - 0.5) <= 5 * std::sqrt(1.0 / 12 / dn));
  // se of the sample variance: sqrt((mu4 - sigma^4)/n), mu4 = 1/80, sigma^4 = 1/144.
  CHECK(std::abs(m.sd * m.sd - 1.0 / 12) <= 5 * std::sqrt((1.0 / 80 - 1.0 / 144) / dn));
}

TEST_CASE("Box-Muller normals have mean 0 and variance 1", "[random][stream]") {
  const std::size_t n = 1000000;
  const Stream s(kSeed, 9);
  std::vector<double> z;
  z.reserve(n);
  for (std::uint64_t r = 0; z.size() < n; ++r) {
    const Uniform4 b = s.uniforms(r, 1, 0);
    z.push_back(normal_from(b.u[0], b.u[1]));
    z.push_back(normal_from(b.u[2], b.u[3]));
  }
  const Moments m = moments(z);
  const double dn = static_cast<double>(n);
  CHECK(std::abs(m.mean) <= 5 / std::sqrt(dn));
  CHECK(std::abs(m.sd * m.sd - 1) <= 5 * std::sqrt(2 / dn));  // mu4 - sigma^4 = 2
  CHECK(std::abs(m.m4 - 3) <= 5 * std::sqrt(96 / dn));        // E z^4 = 3, Var z^4 = 105 - 9
}

TEST_CASE("stream_id_for is FNV-1a and never below 0x100", "[random][stream]") {
  CHECK(stream_id_for("") == 0x811c9dc5u);  // FNV-1a 32-bit offset basis
  CHECK(stream_id_for("a") == 0xe40c292cu);
  CHECK(stream_id_for("foobar") == 0xbf9cf968u);
  CHECK(stream_id_for("core_va") != stream_id_for("core_vb"));
  for (const char* name : {"core_va", "firms", "x", "population", "digital_share"}) {
    CHECK(stream_id_for(name) >= 0x100u);
    CHECK(stream_id_for(name) == stream_id_for(name));
  }
}

// ---------------------------------------------------------------------------------------
// Distributions: moments against closed forms

TEST_CASE("continuous families match their closed-form moments", "[random][dist]") {
  struct Case {
    DistSpec spec;
    double mean, sd;
  };
  std::vector<Case> cases;
  cases.push_back({normal(0.176, 0.03), 0.176, 0.03});
  {
    DistSpec s;
    s.family = DistFamily::lognormal;
    s.mu = 0.2;
    s.sigma = 0.5;
    const double m = std::exp(0.2 + 0.125);
    cases.push_back({s, m, m * std::sqrt(std::expm1(0.25))});
  }
  cases.push_back({ranged(DistFamily::uniform, 2, 0, 5), 3.5, 3 / std::sqrt(12.0)});
  // Triangular (0, 1, 4): mean (a+b+c)/3, variance (a²+b²+c²-ab-ac-bc)/18.
  cases.push_back({ranged(DistFamily::triangular, 0, 1, 4), 5.0 / 3, std::sqrt(13.0 / 18)});
  // PERT (0, 1, 4): beta(2, 4) on [0, 4]: mean (min + 4 mode + max)/6.
  cases.push_back(
      {ranged(DistFamily::pert, 0, 1, 4), 4.0 / 3, 4 * std::sqrt(2.0 * 4 / (36.0 * 7))});
  {
    DistSpec s = ranged(DistFamily::beta, 1, 0, 3);
    s.alpha = 2;
    s.beta = 5;
    cases.push_back({s, 1 + 2 * 2.0 / 7, 2 * std::sqrt(10.0 / (49.0 * 8))});
  }
  {
    DistSpec s;
    s.family = DistFamily::gamma;
    s.shape = 2;
    s.scale = 3;
    cases.push_back({s, 6, 3 * std::sqrt(2.0)});
  }
  {
    DistSpec s;
    s.family = DistFamily::student_t;
    s.df = 10;
    s.loc_ = 1;
    s.scale = 2;
    cases.push_back({s, 1, 2 * std::sqrt(10.0 / 8)});
  }
  std::uint32_t stream = 100;
  for (const Case& c : cases) {
    const Distribution d(c.spec);
    INFO(d.describe());
    CHECK(d.mean() == Approx(c.mean).epsilon(1e-12));
    CHECK(d.sd() == Approx(c.sd).epsilon(1e-12));
    check_moments(draws(d, kN, stream++), c.mean, c.sd);
  }
}

TEST_CASE("quantile and cdf are inverse to each other", "[random][dist]") {
  std::vector<DistSpec> specs = {normal(0.176, 0.03), ranged(DistFamily::uniform, -1, 0, 2),
                                 ranged(DistFamily::triangular, 0, 3, 4),
                                 ranged(DistFamily::pert, 10, 12, 20)};
  DistSpec g;
  g.family = DistFamily::gamma;
  g.shape = 0.7;
  g.scale = 2;
  specs.push_back(g);
  DistSpec t;
  t.family = DistFamily::student_t;
  t.df = 3;
  t.loc_ = -2;
  t.scale = 0.5;
  specs.push_back(t);
  DistSpec ln;
  ln.family = DistFamily::lognormal;
  ln.mu = 3;
  ln.sigma = 1;
  specs.push_back(ln);
  DistSpec tr = normal(1, 2);
  tr.truncate = {{0, 3}};
  specs.push_back(tr);
  for (const DistSpec& s : specs) {
    const Distribution d(s);
    INFO(d.describe());
    double prev = -HUGE_VAL;
    for (double u = 0.0005; u < 1; u += 0.001) {
      const double x = d.quantile(u);
      CHECK(x >= prev);  // monotone
      prev = x;
      CHECK(d.cdf(x) == Approx(u).margin(1e-9));
      CHECK(d.quantile(d.cdf(x)) == Approx(x).epsilon(1e-8).margin(1e-12));
    }
  }
}

TEST_CASE("fixed, empirical and choice", "[random][dist]") {
  DistSpec f;
  f.family = DistFamily::fixed;
  f.value = 5;
  const Distribution fd(f);
  CHECK(fd.quantile(1e-300) == 5);
  CHECK(fd.quantile(0.999999) == 5);
  CHECK(fd.mean() == 5);
  CHECK(fd.sd() == 0);
  CHECK(fd.describe() == "fixed(5)");

  auto freq = [](const std::vector<double>& x) {
    std::map<double, double> f;
    for (double v : x) f[v] += 1.0 / static_cast<double>(x.size());
    return f;
  };
  auto check_freq = [](double p_hat, double p) {
    CHECK(std::abs(p_hat - p) <= 5 * std::sqrt(p * (1 - p) / static_cast<double>(kN)));
  };

  DistSpec e;
  e.family = DistFamily::empirical;
  e.values = {3, 1, 2, 2};
  const Distribution ed(e);
  CHECK(ed.quantile(0.1) == 1);  // floor(u n) of the sorted values
  CHECK(ed.quantile(0.3) == 2);
  CHECK(ed.quantile(0.9) == 3);
  CHECK(ed.mean() == 2);
  CHECK(ed.sd() == Approx(std::sqrt(0.5)));
  auto fe = freq(draws(ed, kN, 11));
  REQUIRE(fe.size() == 3);
  check_freq(fe[1], 0.25);
  check_freq(fe[2], 0.5);
  check_freq(fe[3], 0.25);
  CHECK(ed.cdf(1.5) == 0.25);
  CHECK(ed.cdf(2) == 0.75);

  DistSpec c;
  c.family = DistFamily::choice;
  c.values = {30, 10, 20, 40};
  c.weights = {7, 1, 2, 0};
  const Distribution cd(c);
  CHECK(cd.mean() == Approx(0.1 * 10 + 0.2 * 20 + 0.7 * 30));
  auto fc = freq(draws(cd, kN, 12));
  REQUIRE(fc.size() == 3);  // weight 0 is never drawn
  check_freq(fc[10], 0.1);
  check_freq(fc[20], 0.2);
  check_freq(fc[30], 0.7);
  CHECK(cd.cdf(25) == Approx(0.3));
}

TEST_CASE("truncation keeps draws between lo and hi with the right mean", "[random][dist]") {
  {
    DistSpec s = normal(0, 1);
    s.truncate = {{-0.5, 2}};
    const Distribution d(s);
    CHECK(d.describe() == "normal(mean 0, sd 1) truncated to [-0.5, 2]");
    const auto x = draws(d, kN, 21);
    CHECK(*std::min_element(x.begin(), x.end()) >= -0.5);
    CHECK(*std::max_element(x.begin(), x.end()) <= 2);
    // Truncated normal: mean = (phi(a) - phi(b)) / (Phi(b) - Phi(a)); variance
    // 1 + (a phi(a) - b phi(b))/Z - mean².
    const double Z = Phi(2) - Phi(-0.5);
    const double m = (phi(-0.5) - phi(2)) / Z;
    const double sd = std::sqrt(1 + (-0.5 * phi(-0.5) - 2 * phi(2)) / Z - m * m);
    CHECK(d.mean() == Approx(m).epsilon(1e-6));
    CHECK(d.sd() == Approx(sd).epsilon(1e-5));
    check_moments(x, m, sd);
    CHECK(d.cdf(-0.6) == 0);
    CHECK(d.cdf(2) == 1);
  }
  {
    // A far upper-tail window, where F(lo) rounds to 1: handled with the survival function.
    DistSpec s = normal(0, 1);
    s.truncate = {{9, 10}};
    const Distribution d(s);
    const auto x = draws(d, 20000, 22);
    CHECK(*std::min_element(x.begin(), x.end()) >= 9);
    CHECK(*std::max_element(x.begin(), x.end()) <= 10);
    const double Q9 = 0.5 * std::erfc(9 / std::sqrt(2.0)),
                 Q10 = 0.5 * std::erfc(10 / std::sqrt(2.0));
    CHECK(d.mean() == Approx((phi(9) - phi(10)) / (Q9 - Q10)).epsilon(1e-6));
  }
  {
    DistSpec s;
    s.family = DistFamily::gamma;
    s.shape = 2;
    s.scale = 1;
    s.truncate = {{1, 5}};
    const auto x = draws(Distribution(s), kN, 23);
    CHECK(*std::min_element(x.begin(), x.end()) >= 1);
    CHECK(*std::max_element(x.begin(), x.end()) <= 5);
  }
  {
    // Discrete: the support is restricted to values in [lo, hi], weights renormalised.
    DistSpec s;
    s.family = DistFamily::empirical;
    s.values = {1, 2, 3, 4};
    s.truncate = {{2, 3}};
    const Distribution d(s);
    CHECK(d.mean() == 2.5);
    const auto x = draws(d, 10000, 24);
    CHECK(std::all_of(x.begin(), x.end(), [](double v) { return v == 2 || v == 3; }));
  }
}

TEST_CASE("invalid distributions throw at their location", "[random][dist]") {
  auto throws = [](const DistSpec& s, const std::string& what) {
    INFO(what);
    REQUIRE_THROWS_AS(Distribution(s), ScenarioError);
    REQUIRE_THROWS_WITH(Distribution(s),
                        Catch::Contains("s.yaml:12:5: error: ") && Catch::Contains(what));
  };
  throws(normal(1, -0.02), "sd=-0.02 (must be > 0");
  throws(normal(1, 0), "sd=0 (must be > 0; use dist: fixed for a constant)");
  throws(normal(NAN, 1), "mean=nan (must be a finite number)");
  throws(ranged(DistFamily::uniform, 3, 0, 3), "max=3 (must be > min=3");
  throws(ranged(DistFamily::triangular, 0, 5, 4), "mode=5 (must be in [min, max] = [0, 4])");
  throws(ranged(DistFamily::pert, 0, -1, 4), "mode=-1");
  DistSpec b = ranged(DistFamily::beta, 0, 0, 1);
  b.alpha = 0;
  b.beta = 1;
  throws(b, "alpha=0 (must be > 0)");
  DistSpec g;
  g.family = DistFamily::gamma;
  g.loc = here();
  g.shape = -1;
  throws(g, "shape=-1 (must be > 0)");
  DistSpec t;
  t.family = DistFamily::student_t;
  t.loc = here();
  t.df = 0;
  throws(t, "df=0 (must be > 0)");
  DistSpec ln;
  ln.family = DistFamily::lognormal;
  ln.loc = here();
  ln.sigma = 0;
  throws(ln, "sigma=0");
  DistSpec e;
  e.family = DistFamily::empirical;
  e.loc = here();
  throws(e, "empirical needs at least one value");
  DistSpec c;
  c.family = DistFamily::choice;
  c.loc = here();
  c.values = {1, 2};
  c.weights = {1};
  throws(c, "1 weights for 2 values");
  c.weights = {1, -1};
  throws(c, "weights: -1 (weights must be >= 0)");
  c.weights = {0, 0};
  throws(c, "sum to 0");
  DistSpec tr = normal(0, 1);
  tr.truncate = {{1, 1}};
  throws(tr, "truncate: [1, 1] (must have lo < hi)");
  DistSpec u = ranged(DistFamily::uniform, 0, 0, 1);
  u.truncate = {{2, 3}};
  throws(u, "truncate: [2, 3] (uniform(min 0, max 1) has no probability mass in that range)");
  DistSpec n40 = normal(0, 1);
  n40.truncate = {{40, 41}};
  throws(n40, "has no probability mass");
  DistSpec f;
  f.family = DistFamily::fixed;
  f.loc = here();
  f.value = 5;
  f.truncate = {{0, 1}};
  throws(f, "no value of the fixed distribution lies in that range");
}

// ---------------------------------------------------------------------------------------
// Samplers and the Gaussian copula

namespace {

/// Draws n runs of all parameters through the mc sampler in blocks of 1024 (as the
/// runner); returns out[p][run].
std::vector<std::vector<double>> sample(const ParameterSampler& ps, std::size_t n) {
  constexpr std::size_t kBlock = 1024;
  const auto mc = make_mc_sampler(kSeed, ps.size());
  std::vector<std::vector<double>> out(ps.size(), std::vector<double>(n));
  std::vector<double> buf(ps.size() * kBlock);
  for (std::size_t first = 0; first < n; first += kBlock) {
    const std::size_t m = std::min(kBlock, n - first);
    mc->fill(first, m, kBlock, buf.data());
    ps.transform(m, kBlock, buf.data());
    for (std::size_t p = 0; p < ps.size(); ++p) {
      std::copy_n(buf.data() + p * kBlock, m, out[p].begin() + static_cast<long>(first));
    }
  }
  return out;
}

ParameterDef param(const std::string& name, DistSpec d) {
  return {name, std::move(d), here()};
}

}  // namespace

TEST_CASE("mc sampler: a run's uniforms do not depend on the block", "[random][sampler]") {
  const auto mc = make_mc_sampler(kSeed, 6);
  std::vector<double> all(6 * 100), part(6 * 10);
  mc->fill(0, 100, 100, all.data());
  mc->fill(37, 10, 10, part.data());
  for (std::size_t p = 0; p < 6; ++p) {
    for (std::size_t j = 0; j < 10; ++j) CHECK(part[p * 10 + j] == all[p * 100 + 37 + j]);
  }
  // Parameter p is lane p % 4 of draw p / 4 of the run's kStreamParameters stream.
  const Uniform4 u = Stream(kSeed, kStreamParameters).uniforms(5, 0, 1);
  CHECK(all[4 * 100 + 5] == u.u[0]);
  CHECK(all[5 * 100 + 5] == u.u[1]);
}

TEST_CASE("Gaussian copula: sd of a difference of correlated normals", "[random][copula]") {
  const double s1 = 0.03, s2 = 0.015, rho = 0.5;
  std::vector<ParameterDef> params = {param("a", normal(0.176, s1)), param("b", normal(0.085, s2)),
                                      param("c", ranged(DistFamily::uniform, 0, 0, 1))};
  const ParameterSampler ps(params, {CorrelationDef{0, 1, rho, here()}});
  const auto x = sample(ps, kN);
  std::vector<double> diff(kN);
  for (std::size_t j = 0; j < kN; ++j) diff[j] = x[0][j] - x[1][j];
  // sd of a difference: sqrt(s1² + s2² - 2 rho s1 s2); se of an sd ≈ sd / sqrt(2 (n - 1)).
  const double sd = std::sqrt(s1 * s1 + s2 * s2 - 2 * rho * s1 * s2);
  const Moments md = moments(diff);
  CHECK(std::abs(md.sd - sd) <= 5 * sd / std::sqrt(2.0 * (kN - 1)));
  CHECK(std::abs(md.mean - (0.176 - 0.085)) <= 5 * sd / std::sqrt(double(kN)));
  // Sample correlation: se ≈ (1 - rho²)/sqrt(n).
  const Moments ma = moments(x[0]), mb = moments(x[1]);
  double cov = 0;
  for (std::size_t j = 0; j < kN; ++j) cov += (x[0][j] - ma.mean) * (x[1][j] - mb.mean);
  const double r = cov / (kN - 1) / (ma.sd * mb.sd);
  CHECK(std::abs(r - rho) <= 5 * (1 - rho * rho) / std::sqrt(double(kN)));
  check_moments(x[0], 0.176, s1);
  check_moments(x[1], 0.085, s2);
  // The uncorrelated parameter is its quantile of the raw uniform.
  const auto mc = make_mc_sampler(kSeed, 3);
  std::vector<double> u(3);
  mc->fill(7, 1, 1, u.data());
  CHECK(x[2][7] == u[2]);
}

TEST_CASE("a correlation matrix that is not positive definite is rejected", "[random][copula]") {
  std::vector<ParameterDef> params = {param("a", normal(0, 1)), param("b", normal(0, 1)),
                                      param("c", normal(0, 1)), param("d", normal(0, 1))};
  const SourceLoc first{"s.yaml", 30, 7};
  std::vector<CorrelationDef> corr = {{0, 1, 0.9, first},
                                      {1, 2, 0.9, {"s.yaml", 31, 7}},
                                      {0, 2, -0.9, {"s.yaml", 32, 7}},
                                      {2, 3, 0.01, {"s.yaml", 33, 7}}};
  // Eigenvector (1, -1, 1)/sqrt(3) has eigenvalue 1 - 0.9 - 0.9 ≈ -0.8.
  // (Catch2 2.x combined matchers hold references: keep the parts alive.)
  const auto head = Catch::Contains(
      "s.yaml:30:7: error: correlation matrix is not positive definite (smallest eigenvalue "
      "-0.8)");
  const auto pairs = Catch::Contains("involving pairs (a, b), (b, c), (a, c);");
  const auto msg = head && pairs;
  REQUIRE_THROWS_WITH(check_correlations(params, corr), msg);
  REQUIRE_THROWS_WITH(ParameterSampler(params, corr), msg);
  REQUIRE_THROWS_WITH(ParameterSampler(params, corr), !Catch::Contains("(c, d)"));
  // An unrelated pair first in the file (issue 19: the error named and pointed at it): a
  // weaker correlation touching the block is neither named nor the location.
  const std::vector<CorrelationDef> later = {{2, 3, 0.2, {"s.yaml", 29, 7}},
                                             {0, 1, 0.9, first},
                                             {1, 2, 0.9, {"s.yaml", 31, 7}},
                                             {0, 2, -0.9, {"s.yaml", 32, 7}}};
  const auto at_first_named =
      Catch::Contains("s.yaml:30:7: error: correlation matrix is not positive definite");
  const auto later_msg = at_first_named && pairs;
  REQUIRE_THROWS_WITH(check_correlations(params, later), later_msg);
  REQUIRE_THROWS_WITH(check_correlations(params, later), !Catch::Contains("(c, d)"));

  // A perfect correlation is singular: no Cholesky factor.
  REQUIRE_THROWS_WITH(check_correlations(params, {{0, 1, 1.0, first}}),
                      Catch::Contains("smallest eigenvalue 0)") && Catch::Contains("(a, b)"));
  REQUIRE_THROWS_WITH(check_correlations(params, {{0, 1, 1.5, first}}),
                      Catch::Contains("rho=1.5 (must be in [-1, 1])"));
  REQUIRE_THROWS_WITH(check_correlations(params, {{0, 1, 0.5, first}, {1, 0, 0.5, first}}),
                      Catch::Contains("given twice"));
  REQUIRE_THROWS_WITH(check_correlations(params, {{2, 2, 0.5, first}}),
                      Catch::Contains("with itself"));
  REQUIRE_NOTHROW(check_correlations(params, {{0, 1, 0.6, first}, {1, 2, 0.6, first}}));
}
