// Statistical correctness (issue 7, part 5): Pearson chi-square goodness-of-fit tests of
//  - every distribution family (and each alternative parametrisation, and truncation) drawn
//    through every sampler (mc, lhs, sobol), against a reference built here from the
//    scenario's numbers with Boost.Math (bins at the reference's quantiles; exact pmfs for
//    the discrete families);
//  - the Gaussian copula (the joint law of two correlated parameters on a 9 x 9 grid, exact
//    cell probabilities from the bivariate normal, and the rank correlation 6/pi asin(rho/2));
//  - the samplers' joint behaviour (two parameters on a 16 x 16 grid, lhs strata exact);
//  - the closed forms of the processes (growth, logistic, count, firm_population, formula).
// Sizing as Stan's distribution tests do: the significance of each test is the family-wise
// false-alarm rate 1e-6 divided by the number of tests in this file, so that the whole file
// fails by chance about once in a million seeds; the sample sizes give the power shown by
// the "fails on a wrong reference" test (a 2% error in an sd is found with a miss chance
// below 1e-9). docs/reliability.md, "Statistical correctness", works the figures out.
#include <catch2/catch.hpp>

#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/non_central_chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <boost/math/special_functions/owens_t.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/random/parameter_sampler.h"
#include "engine/random/samplers.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"
#include "tests/support/gof.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using plancast::test::data_scenario;
namespace bm = boost::math;

namespace {

// ---- the budget ------------------------------------------------------------------------------

/// Chance that at least one test of this file fails although everything is right.
constexpr double kFamilyWiseAlpha = 1e-6;
constexpr std::size_t kFamilyCases = 16;                  ///< rows of family_cases()
constexpr std::size_t kSamplerCount = 3;                  ///< mc, lhs, sobol
constexpr std::size_t kCopulaTests = 2 * kSamplerCount;   ///< grid + rank correlation
constexpr std::size_t kJointTests = 2 * kSamplerCount;    ///< two pairs of parameters
constexpr std::size_t kProcessTests = kSamplerCount + 5;  ///< growth x3, logistic, count x2,
                                                          ///< firm_population, formula
constexpr std::size_t kTests =
    kFamilyCases * kSamplerCount + kCopulaTests + kJointTests + kProcessTests;
/// Significance of each test (Bonferroni): their false alarms add up to at most 1e-6.
constexpr double kAlpha = kFamilyWiseAlpha / kTests;

const char* const kSamplers[kSamplerCount] = {"mc", "lhs", "sobol"};

/// Draws per family and sampler, and bins: 12 500 expected per bin (the chi-square
/// approximation is then accurate far into its tail), enough for a 2% sd error (below).
constexpr std::size_t kDraws = 400000;
constexpr std::size_t kBins = 32;
/// Draws per sampler for the copula (81 cells).
constexpr std::size_t kCopulaDraws = 200000;
/// Bins of a discrete law are merged with their neighbours until each expects this many.
constexpr double kMinExpected = 20;

using plancast::test::Gof;

double critical_value(int df) {
  return plancast::test::chi_square_critical(df, kAlpha);
}

/// Pearson's statistic at this file's significance, bins merged to kMinExpected
/// (tests/support/gof.h).
Gof chi_square(const std::vector<double>& observed, const std::vector<double>& probs, double n) {
  return plancast::test::chi_square(observed, probs, n, kAlpha, kMinExpected);
}

/// Continuous law given by its quantile function: kBins equiprobable bins.
Gof chi_square_continuous(const std::vector<double>& x, const std::function<double(double)>& q) {
  std::vector<double> edges;
  for (std::size_t k = 1; k < kBins; ++k) edges.push_back(q(double(k) / kBins));
  REQUIRE(std::is_sorted(edges.begin(), edges.end()));
  std::vector<double> counts(kBins, 0.0);
  for (double v : x) {
    const auto k = std::upper_bound(edges.begin(), edges.end(), v) - edges.begin();
    counts[static_cast<std::size_t>(k)] += 1;
  }
  return chi_square(counts, std::vector<double>(kBins, 1.0 / kBins), double(x.size()));
}

/// Discrete law on the points of pmf (value -> probability); a draw elsewhere fails.
Gof chi_square_discrete(const std::vector<double>& x, const std::map<double, double>& pmf) {
  std::map<double, double> counts;
  for (const auto& [v, p] : pmf) counts[v] = 0;
  std::size_t outside = 0;
  for (double v : x) {
    auto it = counts.find(v);
    if (it == counts.end()) {
      ++outside;
    } else {
      it->second += 1;
    }
  }
  CHECK(outside == 0);
  std::vector<double> obs, probs;
  for (const auto& [v, p] : pmf) {
    obs.push_back(counts[v]);
    probs.push_back(p);
  }
  return chi_square(obs, probs, double(x.size()));
}

/// A count law on 0, 1, 2, ... by its pmf; draws must be whole numbers >= 0.
Gof chi_square_counts(const std::vector<double>& x, const std::function<double(long)>& pmf,
                      long hi) {
  std::vector<double> obs(static_cast<std::size_t>(hi) + 2, 0.0), probs(obs.size(), 0.0);
  double below = 0;
  for (long k = 0; k <= hi; ++k) {
    probs[static_cast<std::size_t>(k)] = pmf(k);
    below += pmf(k);
  }
  probs.back() = std::max(0.0, 1 - below);  // P(K > hi)
  std::size_t not_counts = 0;
  for (double v : x) {
    if (!(v >= 0 && v == std::floor(v))) {
      ++not_counts;
      continue;
    }
    obs[static_cast<std::size_t>(std::min<double>(v, double(hi + 1)))] += 1;
  }
  CHECK(not_counts == 0);
  return chi_square(obs, probs, double(x.size()));
}

/// Reference quantile of a law truncated to [lo, hi]: Q(F(lo) + p (F(hi) - F(lo))).
template <class D>
std::function<double(double)> truncated(D d, double lo, double hi) {
  const double flo = bm::cdf(d, lo), fhi = bm::cdf(d, hi);
  return [d, flo, fhi](double p) { return bm::quantile(d, flo + p * (fhi - flo)); };
}

template <class D>
std::function<double(double)> affine(D d, double shift, double scale) {
  return [d, shift, scale](double p) { return shift + scale * bm::quantile(d, p); };
}

// ---- the family table ------------------------------------------------------------------------

struct FamilyCase {
  std::string name;                        ///< parameter name in the test scenario
  std::string spec;                        ///< its YAML
  std::function<double(double)> quantile;  ///< continuous reference (else pmf)
  std::map<double, double> pmf;            ///< discrete reference
};

std::vector<FamilyCase> family_cases() {
  std::vector<FamilyCase> c;
  c.push_back(
      {"normal", "{dist: normal, mean: 0.05, sd: 0.02}", affine(bm::normal(0, 1), 0.05, 0.02), {}});
  {  // mean m and sd s of the value: sigma^2 = ln(1 + s^2/m^2), mu = ln m - sigma^2/2
    const double s2 = std::log1p(0.4 * 0.4);
    c.push_back({"lognormal_mean_sd",
                 "{dist: lognormal, mean: 3.0, sd: 1.2}",
                 affine(bm::lognormal(std::log(3.0) - s2 / 2, std::sqrt(s2)), 0, 1),
                 {}});
  }
  c.push_back({"lognormal_mu_sigma",
               "{dist: lognormal, mu: 0.1, sigma: 0.5}",
               affine(bm::lognormal(0.1, 0.5), 0, 1),
               {}});
  c.push_back({"uniform",
               "{dist: uniform, min: -0.15, max: -0.03}",
               affine(bm::uniform(-0.15, -0.03), 0, 1),
               {}});
  c.push_back({"triangular",
               "{dist: triangular, min: 0.0, mode: 0.02, max: 0.1}",
               affine(bm::triangular(0.0, 0.02, 0.1), 0, 1),
               {}});
  // PERT: beta with shapes 1 + 4 (mode - min)/(max - min) = 1.8 and 4.2, scaled to [0, 0.1].
  c.push_back({"pert",
               "{dist: pert, min: 0.0, mode: 0.02, max: 0.1}",
               affine(bm::beta_distribution<>(1.8, 4.2), 0, 0.1),
               {}});
  c.push_back({"beta",
               "{dist: beta, alpha: 2, beta: 5, min: 0.1, max: 0.3}",
               affine(bm::beta_distribution<>(2, 5), 0.1, 0.2),
               {}});
  // mean 3.4, sd 1: shape (m/s)^2 = 11.56, scale s^2/m.
  c.push_back({"gamma_mean_sd",
               "{dist: gamma, mean: 3.4, sd: 1.0}",
               affine(bm::gamma_distribution<>(11.56, 1.0 / 3.4), 0, 1),
               {}});
  c.push_back({"gamma_shape_scale",
               "{dist: gamma, shape: 0.7, scale: 2}",
               affine(bm::gamma_distribution<>(0.7, 2), 0, 1),
               {}});
  c.push_back({"student_t",
               "{dist: student_t, df: 4, loc: 0.05, scale: 0.01}",
               affine(bm::students_t(4), 0.05, 0.01),
               {}});
  {  // Three-term metalog (Keelin 2016) through p10, p50, p90, written out here.
    const double p10 = 0.02, p50 = 0.05, p90 = 0.1, l9 = std::log(9.0);
    const double a1 = p50, a2 = (p90 - p10) / (2 * l9), a3 = (p10 + p90 - 2 * p50) / (0.8 * l9);
    c.push_back({"quantiles",
                 "{dist: quantiles, p10: 0.02, p50: 0.05, p90: 0.1}",
                 [=](double y) {
                   const double l = std::log(y / (1 - y));
                   return a1 + a2 * l + a3 * (y - 0.5) * l;
                 },
                 {}});
  }
  c.push_back({"normal_truncated",
               "{dist: normal, mean: 0.05, sd: 0.02, truncate: [0.03, 0.2]}",
               truncated(bm::normal(0.05, 0.02), 0.03, 0.2),
               {}});
  c.push_back({"gamma_truncated",
               "{dist: gamma, shape: 2, scale: 1, truncate: [0.5, 4]}",
               truncated(bm::gamma_distribution<>(2, 1), 0.5, 4),
               {}});
  c.push_back({"student_t_truncated",
               "{dist: student_t, df: 3, truncate: [-1, 10]}",
               truncated(bm::students_t(3), -1, 10),
               {}});
  c.push_back({"empirical",
               "{dist: empirical, values: [0.01, 0.02, 0.02, 0.05, 0.08]}",
               {},
               {{0.01, 0.2}, {0.02, 0.4}, {0.05, 0.2}, {0.08, 0.2}}});
  c.push_back({"choice",
               "{dist: choice, values: [-0.1, 0, 0.1], weights: [1, 2, 7]}",
               {},
               {{-0.1, 0.1}, {0.0, 0.2}, {0.1, 0.7}}});
  return c;
}

std::string scenario_head(const std::string& sampler, std::size_t runs, int seed,
                          int horizon = 2021) {
  return "plancast: 1\nname: gof\nbase_year: 2020\nhorizon: " + std::to_string(horizon) +
         "\nsimulation: {runs: " + std::to_string(runs) + ", seed: " + std::to_string(seed) +
         ", sampler: " + sampler + "}\n";
}

/// Loads a scenario and draws every parameter for runs 0 .. runs-1 through its sampler,
/// copula and inverse CDFs: out[p][run].
std::vector<std::vector<double>> draw_parameters(const std::string& yaml) {
  const Scenario sc = load_scenario_text(yaml, "gof.yaml", {}, builtin_registry());
  std::vector<ParameterDef> defs;
  for (const auto& p : sc.parameters) defs.push_back({p.name, p.dist, p.loc});
  auto index = [&](const std::string& n) {
    for (std::size_t i = 0; i < defs.size(); ++i) {
      if (defs[i].name == n) return static_cast<int>(i);
    }
    FAIL("no parameter " << n);
    return -1;
  };
  std::vector<CorrelationDef> corr;
  for (const auto& c : sc.correlations) corr.push_back({index(c.a), index(c.b), c.rho, c.loc});
  const ParameterSampler ps(defs, corr);
  const std::size_t n = sc.simulation.runs, np = defs.size();
  auto sampler =
      make_uniform_sampler(sc.simulation.sampler, sc.simulation.seed, np, sc.simulation.runs);
  REQUIRE(sampler);
  std::vector<double> buf(np * n);
  sampler->fill(0, n, n, buf.data());
  ps.transform(n, n, buf.data());
  std::vector<std::vector<double>> out(np);
  for (std::size_t p = 0; p < np; ++p) {
    out[p].assign(buf.begin() + static_cast<std::ptrdiff_t>(p * n),
                  buf.begin() + static_cast<std::ptrdiff_t>((p + 1) * n));
  }
  return out;
}

// ---- processes: per-run values through the runner ----------------------------------------

struct Collect : RunObserver {
  std::vector<std::vector<double>> cells;
  void on_block(const BlockView& b) override {
    for (std::size_t w = 0; w < cells.size(); ++w) {
      for (std::size_t j = 0; j < b.n; ++j) cells[w][b.first_run + j] = b.watched[w * b.stride + j];
    }
  }
};

/// The value of each watch cell in every run of the scenario: out[cell][run].
std::vector<std::vector<double>> run_values(const std::string& yaml,
                                            const std::vector<WatchCell>& watch) {
  const Scenario sc = load_scenario_text(yaml, "gof.yaml", {}, builtin_registry());
  Collect c;
  c.cells.assign(watch.size(), std::vector<double>(sc.simulation.runs, std::nan("")));
  RunOptions ro;
  ro.observer = &c;
  ro.watch = watch;
  run(sc, builtin_registry(), ro);
  return c.cells;
}

// The per-run values' sample size (tests/data/gof_*.yaml say runs: 100000 too).
constexpr std::size_t kProcessRuns = 100000;

/// The chi-square check of `x` - `shift` against Poisson(mean), bins up to `max_bin`, reported
/// as `what`.
void check_shifted_poisson(const std::vector<double>& x, double shift, double mean, long max_bin,
                           const std::string& what) {
  const bm::poisson_distribution<> pois(mean);
  std::vector<double> shifted;
  for (double v : x) shifted.push_back(v - shift);
  const Gof g = chi_square_counts(
      shifted, [&](long k) { return bm::pdf(pois, double(k)); }, max_bin);
  INFO(what << ": " << g);
  CHECK(g.passes());
}

/// The chi-square check of `x` against N(mean, sd^2), reported as `what`.
void check_normal(const std::vector<double>& x, double mean, double sd, const std::string& what) {
  const bm::normal law(mean, sd);
  const Gof g = chi_square_continuous(x, [&](double p) { return bm::quantile(law, p); });
  INFO(what << ": " << g);
  CHECK(g.passes());
}

// ---- the bivariate normal ------------------------------------------------------------------

/// P(Z1 <= h, Z2 <= k) for standard normals with correlation rho, by Owen's T (Owen 1956):
/// Phi2 = (Phi(h) + Phi(k))/2 - T(h, a_h) - T(k, a_k) - beta. h, k nonzero (or infinite).
double phi2(double h, double k, double rho) {
  const bm::normal n01;
  if (h == -INFINITY || k == -INFINITY) return 0;
  if (h == INFINITY) return k == INFINITY ? 1 : bm::cdf(n01, k);
  if (k == INFINITY) return bm::cdf(n01, h);
  const double r = std::sqrt(1 - rho * rho);
  const double beta = (h * k > 0) ? 0 : 0.5;
  return 0.5 * (bm::cdf(n01, h) + bm::cdf(n01, k)) - bm::owens_t(h, (k - rho * h) / (h * r)) -
         bm::owens_t(k, (h - rho * k) / (k * r)) - beta;
}

}  // namespace

// ---- every family, every sampler ---------------------------------------------------------

TEST_CASE("goodness of fit: every distribution family through every sampler", "[gof][stat]") {
  const auto cases = family_cases();
  REQUIRE(cases.size() == kFamilyCases);
  for (const char* sampler : kSamplers) {
    std::string yaml = scenario_head(sampler, kDraws, 20261129) + "parameters:\n";
    for (const auto& c : cases) yaml += "  " + c.name + ": " + c.spec + "\n";
    yaml += "  constant: {dist: fixed, value: 0.05}\n";
    yaml += "indicators:\n  x: {base: 1, growth: {trend: normal}}\n";
    const auto draws = draw_parameters(yaml);
    REQUIRE(draws.size() == cases.size() + 1);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const auto& c = cases[i];
      const Gof g = c.quantile ? chi_square_continuous(draws[i], c.quantile)
                               : chi_square_discrete(draws[i], c.pmf);
      INFO(sampler << " " << c.name << " " << c.spec << ": " << g);
      CHECK(g.passes());
    }
    // fixed: every draw is the value itself (nothing to fit).
    CHECK(
        std::all_of(draws.back().begin(), draws.back().end(), [](double v) { return v == 0.05; }));
  }
}

// The check has power: the same draws against a wrong reference fail, and the noncentral
// chi-square with lambda = n sum (q_i - p_i)^2 / p_i (q: the true bin probabilities, p: the
// wrong ones) gives the chance that such an error would be missed: below 1e-9 for each.
TEST_CASE("goodness of fit: the check fails on a wrong reference", "[gof][stat][power]") {
  const std::string yaml = scenario_head("mc", kDraws, 20261129) +
                           "parameters:\n"
                           "  n: {dist: normal, mean: 0.05, sd: 0.02}\n"
                           "  g: {dist: gamma, shape: 2, scale: 1}\n"
                           "  t: {dist: student_t, df: 4}\n"
                           "  c: {dist: choice, values: [-0.1, 0, 0.1], weights: [1, 2, 7]}\n"
                           "indicators:\n  x: {base: 1, growth: {trend: n}}\n";
  const auto d = draw_parameters(yaml);
  const double n = kDraws;
  auto miss_chance = [](int df, double lambda, double critical) {
    return bm::cdf(bm::non_central_chi_squared(df, lambda), critical);
  };
  // Continuous: the true law's cdf F, the wrong reference's quantile Q.
  auto check_wrong = [&](const std::vector<double>& x, const std::function<double(double)>& F,
                         const std::function<double(double)>& Q, const char* what) {
    double lambda = 0, lo = 0;
    for (std::size_t k = 1; k <= kBins; ++k) {
      const double hi = k == kBins ? 1.0 : F(Q(double(k) / kBins));
      lambda += n * (hi - lo - 1.0 / kBins) * (hi - lo - 1.0 / kBins) * kBins;
      lo = hi;
    }
    const Gof g = chi_square_continuous(x, Q);
    const double miss = miss_chance(g.df, lambda, g.critical);
    INFO(what << ": " << g << "; lambda " << lambda << ", chance to miss " << miss);
    CHECK_FALSE(g.passes());
    CHECK(miss < 1e-9);
  };
  const bm::normal nd(0.05, 0.02);
  const bm::gamma_distribution<> gd(2, 1);
  const bm::students_t td(4);
  // A 2% error in the sd.
  check_wrong(
      d[0], [&](double x) { return bm::cdf(nd, x); },
      [](double p) { return bm::quantile(bm::normal(0.05, 0.0204), p); },
      "normal, sd 2% too large");
  // The tail on the wrong side: the gamma mirrored about its median.
  const double med = bm::median(gd);
  check_wrong(
      d[1], [&](double x) { return x <= 0 ? 0.0 : bm::cdf(gd, x); },
      [&](double p) { return 2 * med - bm::quantile(gd, 1 - p); }, "gamma, tail swapped");
  // Tails too light: a normal with the Student t's sd (sqrt(df/(df-2)) = sqrt 2).
  check_wrong(
      d[2], [&](double x) { return bm::cdf(td, x); },
      [](double p) { return bm::quantile(bm::normal(0, std::sqrt(2.0)), p); },
      "student_t(4) against a normal of the same sd");
  // Two weights of a choice swapped.
  const std::map<double, double> wrong{{-0.1, 0.2}, {0.0, 0.1}, {0.1, 0.7}};
  const Gof g = chi_square_discrete(d[3], wrong);
  const double lambda = n * (0.01 / 0.2 + 0.01 / 0.1);
  const double miss = miss_chance(g.df, lambda, g.critical);
  INFO("choice, weights 1 and 2 swapped: " << g << "; chance to miss " << miss);
  CHECK_FALSE(g.passes());
  CHECK(miss < 1e-9);
}

// ---- the Gaussian copula ------------------------------------------------------------------

// Two correlated parameters with non-normal margins: (Phi^-1(F_a(a)), Phi^-1(F_b(b))) must be
// bivariate normal with the stated correlation: a 9 x 9 grid of equiprobable margins, cell
// probabilities from the bivariate normal. A second pair: the rank correlation (Spearman's
// rho, 12 E[(U - 1/2)(V - 1/2)]) must be 6/pi asin(rho/2) (Pearson 1907).
TEST_CASE("goodness of fit: the Gaussian copula, every sampler", "[gof][stat][copula]") {
  constexpr int kGrid = 9;  // odd: no edge at 0, where the Owen's T form divides by zero
  constexpr double rho_ab = 0.6, rho_cd = -0.45;
  const bm::gamma_distribution<> fa(11.56, 1.0 / 3.4);
  const bm::beta_distribution<> fb(2, 5);
  const bm::lognormal fc(0, 1);
  const bm::uniform fd(0, 1);
  const bm::normal n01;
  std::vector<double> edge(kGrid + 1);
  for (int i = 0; i <= kGrid; ++i) {
    edge[static_cast<std::size_t>(i)] = i == 0       ? -INFINITY
                                        : i == kGrid ? INFINITY
                                                     : bm::quantile(n01, double(i) / kGrid);
  }
  std::vector<double> probs;
  double total = 0;
  for (int i = 0; i < kGrid; ++i) {
    double row = 0;
    for (int j = 0; j < kGrid; ++j) {
      const auto I = static_cast<std::size_t>(i), J = static_cast<std::size_t>(j);
      const double p = phi2(edge[I + 1], edge[J + 1], rho_ab) - phi2(edge[I], edge[J + 1], rho_ab) -
                       phi2(edge[I + 1], edge[J], rho_ab) + phi2(edge[I], edge[J], rho_ab);
      REQUIRE(p > 0);
      probs.push_back(p);
      row += p;
    }
    CHECK(row == Approx(1.0 / kGrid).margin(1e-12));  // the margins: Phi2 is right
    total += row;
  }
  CHECK(total == Approx(1.0).margin(1e-12));

  const double spearman = 6 / boost::math::constants::pi<double>() * std::asin(rho_cd / 2);
  const double z_critical = bm::quantile(bm::complement(n01, kAlpha / 2));
  for (const char* sampler : kSamplers) {
    const auto d = draw_parameters(scenario_head(sampler, kCopulaDraws, 77) +
                                   "parameters:\n"
                                   "  a: {dist: gamma, mean: 3.4, sd: 1.0}\n"
                                   "  b: {dist: beta, alpha: 2, beta: 5}\n"
                                   "  c: {dist: lognormal, mu: 0, sigma: 1}\n"
                                   "  d: {dist: uniform, min: 0, max: 1}\n"
                                   "correlations:\n"
                                   "  - [a, b, 0.6]\n"
                                   "  - [c, d, -0.45]\n"
                                   "indicators:\n  x: {base: 1, growth: {trend: d}}\n");
    std::vector<double> counts(kGrid * kGrid, 0.0);
    for (std::size_t r = 0; r < kCopulaDraws; ++r) {
      auto cell = [&](double u) { return std::min(kGrid - 1, static_cast<int>(u * kGrid)); };
      const int i = cell(bm::cdf(fa, d[0][r])), j = cell(bm::cdf(fb, d[1][r]));
      counts[static_cast<std::size_t>(i * kGrid + j)] += 1;
    }
    const Gof g = chi_square(counts, probs, kCopulaDraws);
    INFO(sampler << ": (a, b) with rho 0.6 on a 9 x 9 grid: " << g);
    CHECK(g.passes());

    double sum = 0, sum2 = 0;
    for (std::size_t r = 0; r < kCopulaDraws; ++r) {
      const double w = (bm::cdf(fc, d[2][r]) - 0.5) * (bm::cdf(fd, d[3][r]) - 0.5);
      sum += w;
      sum2 += w * w;
    }
    const double mean = sum / kCopulaDraws, var = sum2 / kCopulaDraws - mean * mean;
    const double rs = 12 * mean, se = 12 * std::sqrt(var / kCopulaDraws);
    INFO(sampler << ": Spearman's rho " << rs << " vs " << spearman << " (se " << se
                 << ", z = " << (rs - spearman) / se << ", critical " << z_critical << ")");
    CHECK(std::abs(rs - spearman) < z_critical * se);
  }
}

// ---- the samplers' joint behaviour -------------------------------------------------------

// Eight uniform parameters; two pairs of them on a 16 x 16 grid must look independent and
// uniform (mc: by chance; lhs: random pairing of exact strata; sobol: the net property makes
// the counts nearly equal). lhs puts exactly N/16 runs in each sixteenth of every parameter.
TEST_CASE("goodness of fit: pairs of parameters are uniform in 2-D, every sampler",
          "[gof][stat][samplers]") {
  constexpr std::size_t kRuns = std::size_t{1} << 17;
  constexpr int kGrid = 16;
  const std::pair<int, int> pairs[2] = {{0, 1}, {5, 6}};
  for (const char* sampler : kSamplers) {
    std::string yaml = scenario_head(sampler, kRuns, 4242) + "parameters:\n";
    for (int p = 0; p < 8; ++p)
      yaml += "  u" + std::to_string(p) + ": {dist: uniform, min: 0, max: 1}\n";
    yaml += "indicators:\n  x: {base: 1, growth: {trend: u0}}\n";
    const auto d = draw_parameters(yaml);
    for (const auto& [a, b] : pairs) {
      std::vector<double> counts(kGrid * kGrid, 0.0);
      for (std::size_t r = 0; r < kRuns; ++r) {
        const int i =
            std::clamp(static_cast<int>(d[static_cast<std::size_t>(a)][r] * kGrid), 0, kGrid - 1);
        const int j =
            std::clamp(static_cast<int>(d[static_cast<std::size_t>(b)][r] * kGrid), 0, kGrid - 1);
        counts[static_cast<std::size_t>(i * kGrid + j)] += 1;
      }
      const Gof g =
          chi_square(counts, std::vector<double>(kGrid * kGrid, 1.0 / (kGrid * kGrid)), kRuns);
      INFO(sampler << ": parameters " << a << " and " << b << " on a 16 x 16 grid: " << g);
      CHECK(g.passes());
    }
    if (std::string(sampler) == "lhs") {
      for (const auto& x : d) {
        std::vector<std::size_t> strata(kGrid, 0);
        for (double v : x) ++strata[static_cast<std::size_t>(v * kGrid)];
        CHECK(std::all_of(strata.begin(), strata.end(),
                          [](std::size_t s) { return s == kRuns / kGrid; }));
      }
    }
  }
}

// ---- the processes' closed forms ----------------------------------------------------------

// growth, log form, trend ~ N(0.05, 0.02) per run, i.i.d. noise sd 0.03, ten years:
// ln X_2030 ~ N(ln 100 + 0.5, 100 * 0.02^2 + 10 * 0.03^2) exactly (SPEC 2.1).
TEST_CASE("goodness of fit: log-form growth is exactly lognormal, every sampler",
          "[gof][stat][growth]") {
  for (const char* sampler : kSamplers) {
    const auto v = run_values(scenario_head(sampler, kProcessRuns, 7, 2030) +
                                  "parameters:\n  trend: {dist: normal, mean: 0.05, sd: 0.02}\n"
                                  "indicators:\n  x: {base: 100, growth: {trend: trend, noise: "
                                  "{sd: 0.03}, form: log}}\n",
                              {{"x", 2030}});
    std::vector<double> logs;
    for (double x : v[0]) logs.push_back(std::log(x));
    check_normal(logs, std::log(100.0) + 0.5, std::sqrt(100 * 0.0004 + 10 * 0.0009),
                 std::string(sampler) + ": ln X_2030");
  }
}

// logistic with a normal trend m ~ N(0.2, 0.05^2) and i.i.d. noise 0.1: the logit
// L = ln(X / (cap - X)) in 2030 ~ N(ln(20/80) + 10 * 0.2, 100 * 0.05^2 + 10 * 0.1^2).
TEST_CASE("goodness of fit: the logistic logit is exactly normal", "[gof][stat][logistic]") {
  const auto v = run_values(data_scenario("gof_logistic"), {{"x", 2030}});
  std::vector<double> logit;
  for (double x : v[0]) logit.push_back(std::log(x / (100 - x)));
  check_normal(logit, std::log(20.0 / 80.0) + 2.0, std::sqrt(100 * 0.0025 + 10 * 0.01),
               "logit of X_2030");
}

// count: N_2025 = 13 + Poisson(5 * 3.4) with no exits; with no arrivals and exit 0.1 from 50,
// N_2025 ~ Binomial(50, 0.9^5) (SPEC 2.3). Bins: the exact pmf, tails merged.
TEST_CASE("goodness of fit: count totals are Poisson and binomial", "[gof][stat][count]") {
  const auto v = run_values(data_scenario("gof_count"), {{"arrivals", 2025}, {"leavers", 2025}});
  check_shifted_poisson(v[0], 13, 17, 60, "13 + Poisson(17)");
  const bm::binomial_distribution<> bin(50, std::pow(0.9, 5));
  const Gof gb = chi_square_counts(
      v[1], [&](long k) { return k <= 50 ? bm::pdf(bin, double(k)) : 0.0; }, 50);
  INFO("Binomial(50, 0.9^5): " << gb);
  CHECK(gb.passes());
}

// firm_population with flat growth and sigma 0: firms over the lowest threshold in 2030 =
// 30 + Poisson(2.5 * 10) (entrants arrive at the threshold and stay there).
TEST_CASE("goodness of fit: firm_population entry is Poisson", "[gof][stat][firm_population]") {
  const auto v = run_values(data_scenario("gof_firm_population"), {{"firms_over_10", 2030}});
  check_shifted_poisson(v[0], 30, 25, 80, "30 + Poisson(25)");
}

// formula: a + 2 b + (year - 2020) with independent a ~ N(1, 0.3^2), b ~ N(2, 0.4^2) is
// N(5 + 2, 0.3^2 + 4 * 0.4^2) in 2022.
TEST_CASE("goodness of fit: a formula of independent normals is normal", "[gof][stat][formula]") {
  const auto v = run_values(data_scenario("gof_formula"), {{"s", 2022}});
  check_normal(v[0], 7, std::sqrt(0.09 + 0.64), "a + 2 b + 2");
}

// The budget the docs quote (docs/reliability.md, "Statistical correctness"): 68 tests at
// alpha 1e-6 / 68 = 1.47e-8 each, critical value 95.9 on 31 df; and the budget counts every
// family of the table (a family added without raising kFamilyCases fails here).
TEST_CASE("goodness of fit: the false-alarm budget", "[gof]") {
  CHECK(family_cases().size() == kFamilyCases);
  CHECK(kTests == 68);
  CHECK(kAlpha == Approx(1.47e-8).epsilon(0.005));
  CHECK(critical_value(31) == Approx(95.9).margin(0.05));
}
