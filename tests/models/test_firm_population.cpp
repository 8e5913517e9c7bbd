// firm_population (SPEC §2.4): exact base counts, deterministic growth, closed forms for
// noisy growth and Poisson entry, located input errors, use in formulas and targets.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/random/philox_lanes.h"
#include "engine/sim/runner.h"
#include "models/firm_population.h"
#include "models/register_builtin.h"
#include "tests/support/run.h"
#include "tests/support/stats.h"

using namespace plancast;
using namespace plancast::test;

namespace {

std::string errors_of_fp(const std::string& yaml) {
  return errors_of(yaml, "fp.yaml");
}

std::string head(int runs, const std::string& horizon = "2030") {
  return "plancast: 1\nname: fp\nbase_year: 2020\nhorizon: " + horizon +
         "\nsimulation: {runs: " + std::to_string(runs) + ", seed: 11}\n";
}

const std::vector<double> kT = {10, 100};
const std::vector<long> kN = {30, 4};

}  // namespace

TEST_CASE("firm_population: the Pareto index from two counts is ln(N1/N2)/ln(T2/T1)",
          "[firm_population]") {
  // DATASHEET §4: 30 firms above 1 billion CNY, 4 above 10 billion: ln(7.5)/ln(10).
  CHECK(*fit_pareto_alpha(kT, kN) == Approx(std::log(7.5) / std::log(10.0)).epsilon(1e-14));
  CHECK(*fit_pareto_alpha(kT, kN) == Approx(0.875).margin(1e-4));
  // An exact power law N = 1000/T is fitted exactly by least squares (alpha = 1).
  CHECK(*fit_pareto_alpha({1, 10, 100}, {1000, 100, 10}) == Approx(1.0).epsilon(1e-12));
  // Zero counts are left out; one positive count, or equal counts, cannot be fitted.
  CHECK(*fit_pareto_alpha({1, 10, 100}, {1000, 100, 0}) == Approx(1.0).epsilon(1e-12));
  CHECK(!fit_pareto_alpha({10, 100}, {30, 0}));
  CHECK(!fit_pareto_alpha({10, 100}, {30, 30}));
  CHECK(threshold_name(10) == "10");
  CHECK(threshold_name(100.0) == "100");
  CHECK(threshold_name(2.5) == "2_5");
}

TEST_CASE("firm_population: the count in SIMD lanes equals the plain comparison",
          "[firm_population][lanes]") {
  // count_at_least (the counts written every year) takes a vector of firms at a time
  // (models/firm_lanes.cpp), on every instruction set this CPU runs: every length's
  // remainder, values equal to the threshold, NaN and infinities must count as the scalar
  // x >= t does.
  const double nan = std::nan(""), inf = HUGE_VAL;
  const std::vector<double> some = {2.3, -inf, 2.3, nan, 5.0, 2.2999999, inf, 0.0, 2.31, nan, 7.0};
  std::vector<double> x;
  for (int r = 0; r < 4; ++r) x.insert(x.end(), some.begin(), some.end());  // 44 firms
  for (const std::int64_t target : random_lanes_targets()) {
    force_random_lanes_target(target);
    INFO("target " << random_lanes_target_name(target));
    for (std::size_t n = 0; n <= x.size(); ++n) {
      for (double t : {2.3, -inf, 0.0, 10.0, nan}) {
        std::size_t plain = 0;
        for (std::size_t i = 0; i < n; ++i) plain += x[i] >= t ? 1 : 0;
        INFO("n=" << n << " t=" << t);
        CHECK(count_at_least(x.data(), n, t) == plain);
      }
    }
  }
  force_random_lanes_target(0);
}

TEST_CASE("firm_population: start sizes sit inside their bands at Pareto quantiles",
          "[firm_population]") {
  const double a = *fit_pareto_alpha(kT, kN);
  const auto ls = pareto_start_log_sizes(kT, kN, a);
  REQUIRE(ls.size() == 30);
  int in_band = 0, top = 0;
  for (double x : ls) {
    if (x >= std::log(10.0) && x < std::log(100.0)) ++in_band;
    if (x >= std::log(100.0)) ++top;
  }
  CHECK(in_band == 26);
  CHECK(top == 4);
  // The top band is open: q = (i + 0.5)/4 gives x = 100 (1 − q)^(−1/α).
  CHECK(std::exp(ls[26]) == Approx(100 * std::pow(1 - 0.125, -1 / a)).epsilon(1e-12));
  CHECK(std::exp(ls[29]) == Approx(100 * std::pow(1 - 0.875, -1 / a)).epsilon(1e-12));
  // The first band firm: F(x) = (1 − (10/x)^α)/(1 − 10^−α) = 0.5/26.
  const double q = 0.5 / 26, mass = 1 - std::pow(0.1, a);
  CHECK(std::exp(ls[0]) == Approx(10 * std::pow(1 - q * mass, -1 / a)).epsilon(1e-12));
}

TEST_CASE("firm_population: every run reproduces the starting counts at the base year",
          "[firm_population]") {
  const std::string yaml = head(3000) + R"(indicators:
  core_va:
    base: 506.9
    growth: {trend: 0.15, noise: {sd: 0.05}}
  firms:
    unit: firms
    firm_population:
      counts: {10: 30, 30: 12, 100: 4, 300: 1}
      follows: core_va
      sigma: 0.25
      entry: 2
)";
  const Results r = run_text(yaml);
  const std::vector<std::pair<std::string, double>> want = {
      {"firms_over_10", 30}, {"firms_over_30", 12}, {"firms_over_100", 4}, {"firms_over_300", 1}};
  for (const auto& [name, n] : want) {
    const auto& x = indicator(r, name);
    CHECK(x.unit == "firms");
    CHECK(x.min[0] == n);
    CHECK(x.max[0] == n);
    CHECK(x.sd[0] == 0.0);
    CHECK(x.sd.back() > 0.0);  // and they move afterwards
  }
}

TEST_CASE("firm_population: with sigma 0 and no entry firms scale by (1+g)^t",
          "[firm_population]") {
  // Following an indicator that grows at exactly g = 12% (or at rate 0.12), every firm's
  // size is S_i,0 (1.12)^t, so the counts are deterministic: #{i: ln S_i,0 + t ln 1.12 >= ln T}.
  const double g = 0.12;
  const std::vector<double> T = {10, 100};
  const auto ls = pareto_start_log_sizes(T, kN, *fit_pareto_alpha(T, kN));
  for (const std::string& how : {std::string("follows: x"), std::string("rate: 0.12")}) {
    const std::string yaml = head(50) + R"(indicators:
  x:
    base: 506.9
    growth: {trend: 0.12}
  firms:
    firm_population:
      counts: {10: 30, 100: 4}
      )" + how + "\n";
    const Results r = run_text(yaml);
    for (std::size_t k = 0; k < T.size(); ++k) {
      const auto& x = indicator(r, "firms_over_" + threshold_name(T[k]));
      for (int t = 0; t <= 10; ++t) {
        double expect = 0, margin = HUGE_VAL;
        for (double l : ls) {
          const double d = l + t * std::log1p(g) - std::log(T[k]);
          expect += d >= 0 ? 1 : 0;
          margin = std::min(margin, std::fabs(d));
        }
        REQUIRE(margin > 1e-9);  // no firm within rounding of a threshold
        INFO(how << " threshold " << T[k] << " year " << 2020 + t);
        CHECK(x.mean[static_cast<std::size_t>(t)] == expect);
        CHECK(x.sd[static_cast<std::size_t>(t)] == 0.0);
      }
    }
    // By 2030 (1.12^10 = 3.1) the four over 100 have become more: the check is not empty.
    CHECK(indicator(r, "firms_over_100").mean.back() > 4);
  }
}

TEST_CASE("firm_population: mean counts follow the followed indicator's log growth",
          "[firm_population][stat]") {
  // The followed x has log-form growth with trend m and i.i.d. noise sd s, so
  // ln(X_t/X_0) ~ N(t m, t s²) in each run; each firm adds its own N(0, t σ²). Firm i is
  // above T at year t with probability Φ((ln S_i,0 + t m − ln T)/√(t (s² + σ²))), and the
  // mean count is the sum over firms of those probabilities (exact; no entry).
  const double m = 0.08, s = 0.05, sigma = 0.2;
  const int runs = 20000;
  const std::string yaml = head(runs) + R"(indicators:
  x:
    base: 506.9
    growth: {trend: 0.08, noise: {sd: 0.05}, form: log}
  firms:
    firm_population:
      counts: {10: 30, 100: 4}
      follows: x
      sigma: 0.2
)";
  const Results r = run_text(yaml);
  const auto ls = pareto_start_log_sizes(kT, kN, *fit_pareto_alpha(kT, kN));
  for (double T : kT) {
    const auto& x = indicator(r, "firms_over_" + threshold_name(T));
    for (int t : {1, 5, 10}) {
      double expect = 0;
      for (double l : ls) {
        expect += normal_cdf((l + t * m - std::log(T)) / std::sqrt(t * (s * s + sigma * sigma)));
      }
      const double se = x.sd[static_cast<std::size_t>(t)] / std::sqrt(double(runs));
      INFO("T " << T << " year " << 2020 + t << " expect " << expect);
      CHECK(std::fabs(x.mean[static_cast<std::size_t>(t)] - expect) < 4.5 * se);
    }
  }
}

TEST_CASE("firm_population: each run's firms follow that run's indicator",
          "[firm_population][stat]") {
  // With sigma 0 the count over 100 in 2025 is >= 6 exactly when the 6th largest firm
  // has grown past 100: ln(X_5/X_0) >= ln 100 − ln S_(6), ln(X_5/X_0) ~ N(5·0.08, 5·0.05²).
  // The same target also reads the output through a formula.
  const int runs = 20000;
  const std::string yaml = head(runs, "2025") + R"(indicators:
  x:
    base: 506.9
    growth: {trend: 0.08, noise: {sd: 0.05}, form: log}
  firms:
    firm_population: {counts: {10: 30, 100: 4}, follows: x}
  big_share: {unit: "%", formula: 100 * firms_over_100 / firms_over_10}
targets:
  - {id: six_big, indicator: firms_over_100, year: 2025, at_least: 6}
  - {id: share_20, indicator: big_share, year: 2025, at_least: 20}
)";
  const Results r = run_text(yaml);
  const auto ls = pareto_start_log_sizes(kT, kN, *fit_pareto_alpha(kT, kN));
  const double sixth = ls[ls.size() - 6];
  const double p = 1 - normal_cdf((std::log(100.0) - sixth - 0.4) / (0.05 * std::sqrt(5.0)));
  REQUIRE(p > 0.05);
  REQUIRE(p < 0.95);
  const double se = std::sqrt(p * (1 - p) / runs);
  CHECK(std::fabs(r.targets.at(0).p.probability - p) < 4.5 * se);
  // 6 of 30 is a 20% share: the formula target is met in the same runs.
  CHECK(r.targets.at(1).p.probability == r.targets.at(0).p.probability);
  CHECK(indicator(r, "big_share").mean[0] == Approx(100.0 * 4 / 30));
}

TEST_CASE("firm_population: entry adds Poisson(entry) firms a year at the lowest threshold",
          "[firm_population][stat]") {
  // Flat growth (rate 0), sigma 0: count_over_10 in 2030 = 30 + Poisson(2.5·10) and the
  // entrants (at exactly 10) never reach 100.
  const int runs = 40000;
  const double lambda = 25;
  const std::string yaml = head(runs) + R"(indicators:
  firms:
    firm_population: {counts: {10: 30, 100: 4}, rate: 0, entry: 2.5}
targets:
  - {id: sixty, indicator: firms_over_10, year: 2030, at_least: 60}
)";
  const Results r = run_text(yaml);
  const auto& lo = indicator(r, "firms_over_10");
  CHECK(std::fabs(lo.mean.back() - (30 + lambda)) < 4.5 * std::sqrt(lambda / runs));
  // sd of a Poisson(25) is 5; the sd of the sample sd is about sd·√((κ−1)/4n), κ = 3 + 1/λ.
  CHECK(std::fabs(lo.sd.back() - 5.0) < 4.5 * 5.0 * std::sqrt((2 + 1 / lambda) / (4.0 * runs)));
  // P(Poisson(25) >= 30) from the pmf.
  double cdf = 0, pmf = std::exp(-lambda);
  for (int k = 0; k < 30; ++k) {
    cdf += pmf;
    pmf *= lambda / (k + 1);
  }
  const double p = 1 - cdf;
  CHECK(std::fabs(r.targets.at(0).p.probability - p) < 4.5 * std::sqrt(p * (1 - p) / runs));
  const auto& hi = indicator(r, "firms_over_100");
  CHECK(hi.min.back() == 4);
  CHECK(hi.max.back() == 4);
  // A yearly check: the mean grows by 2.5 a year.
  CHECK(std::fabs(lo.mean[4] - 40) < 4.5 * std::sqrt(10.0 / runs));
}

TEST_CASE("firm_population: a parameter entry rate gives a mixed Poisson total",
          "[firm_population][stat]") {
  // entry ~ U(0, 40) per run, 10 years: total entrants have mean 10·20 = 200 and variance
  // E[10λ] + Var(10λ) = 200 + 100·40²/12.
  const int runs = 20000;
  const std::string yaml = head(runs) + R"(parameters:
  lam: {dist: uniform, min: 0, max: 40}
indicators:
  firms:
    firm_population: {counts: {10: 30, 100: 4}, rate: 0, entry: lam}
)";
  const Results r = run_text(yaml);
  const auto& lo = indicator(r, "firms_over_10");
  const double sd = std::sqrt(200 + 100 * 1600 / 12.0);
  CHECK(std::fabs(lo.mean.back() - 230) < 4.5 * sd / std::sqrt(double(runs)));
  CHECK(lo.sd.back() == Approx(sd).epsilon(0.05));
}

TEST_CASE("firm_population: results are identical for any thread count", "[firm_population]") {
  const std::string yaml = head(5000) + R"(indicators:
  x:
    base: 506.9
    growth: {trend: 0.1, noise: {sd: 0.05}}
  firms:
    firm_population: {counts: {10: 30, 100: 4}, follows: x, sigma: 0.3, entry: 3}
)";
  const Results one = run_text(yaml, 1);
  CHECK(run_text(yaml, 3) == one);
  CHECK(run_text(yaml, 8) == one);
}

TEST_CASE("firm_population: more firms than the cap per run is an error", "[firm_population]") {
  const std::string constant = head(2) + R"(indicators:
  firms:
    firm_population: {counts: {10: 30, 100: 4}, rate: 0, entry: 20000}
)";
  CHECK_THAT(errors_of_fp(constant),
             Catch::Contains("fp.yaml:8:65: error: entry=20000 over 10 years gives about "
                             "200030 firms per run, more than the cap of 100000"));
  const std::string param = head(2) + R"(parameters:
  lam: {dist: uniform, min: 19000, max: 20000}
indicators:
  firms:
    firm_population: {counts: {10: 30, 100: 4}, rate: 0, entry: lam}
)";
  CHECK_THROWS_AS(run_text(param, 1), RunError);
  CHECK_THROWS_WITH(run_text(param, 1), Catch::Contains("more than the cap of 100000 per run"));
}

TEST_CASE("firm_population: input errors are located", "[firm_population]") {
  const std::string h = head(10) + "indicators:\n  x: {base: 1, growth: {trend: 0.1}}\n";
  // Thresholds must increase.
  CHECK_THAT(
      errors_of_fp(h + "  f:\n    firm_population: {counts: {100: 4, 10: 30}, follows: x}\n"),
      Catch::Contains("fp.yaml:9:40: error: threshold 10 after 100 (thresholds must "
                      "increase"));
  // More firms above a higher threshold than above a lower one.
  CHECK_THAT(
      errors_of_fp(h + "  f:\n    firm_population: {counts: {10: 4, 100: 30}, follows: x}\n"),
      Catch::Contains("fp.yaml:9:44: error: 30 firms above 100 but 4 above 10"));
  // Unknown followed indicator, with a suggestion.
  CHECK_THAT(
      errors_of_fp(h + "  f:\n    firm_population: {counts: {10: 30, 100: 4}, follows: y}\n"),
      Catch::Contains("fp.yaml:9:58: error: unknown name 'y'"));
  // A parameter is not something to follow.
  CHECK_THAT(errors_of_fp(head(10) +
                          "parameters:\n  p: {dist: normal, mean: 0.1, sd: 0.01}\nindicators:\n"
                          "  f:\n    firm_population: {counts: {10: 30, 100: 4}, follows: p}\n"),
             Catch::Contains("fp.yaml:10:58: error: follows: 'p' is a parameter"));
  // Both follows and rate; neither.
  CHECK_THAT(
      errors_of_fp(
          h + "  f:\n    firm_population: {counts: {10: 30, 100: 4}, follows: x, rate: 0.1}\n"),
      Catch::Contains("fp.yaml:9:61: error: give one of 'follows' or 'rate', not both"));
  CHECK_THAT(errors_of_fp(h + "  f:\n    firm_population: {counts: {10: 30, 100: 4}}\n"),
             Catch::Contains("fp.yaml:9:22: error: missing 'follows'"));
  // Negative sigma, base given, a bad threshold, no fit possible.
  CHECK_THAT(
      errors_of_fp(h + "  f:\n    firm_population: {counts: {10: 30}, rate: 0, sigma: -1}\n"),
      Catch::Contains("error: sigma=-1 (must be >= 0)"));
  CHECK_THAT(errors_of_fp(h + "  f:\n    firm_population: {counts: {10: 30}, rate: 0}\n"),
             Catch::Contains("fp.yaml:9:31: error: cannot fit the Pareto index"));
  CHECK(errors_of_fp(h + "  f:\n    firm_population: {counts: {10: 30}, rate: 0, alpha: 1.2}\n") ==
        "");
  CHECK_THAT(errors_of_fp(h + "  f:\n    base: 3\n    firm_population: {counts: {10: 30, 100: 4}, "
                              "rate: 0}\n"),
             Catch::Contains("base is not used by process 'firm_population'"));
  CHECK_THAT(errors_of_fp(h + "  f:\n    firm_population: {counts: {-1: 30}, rate: 0, alpha: 1}\n"),
             Catch::Contains("threshold -1 (must be > 0)"));
  CHECK_THAT(
      errors_of_fp(h + "  f:\n    firm_population: {counts: {10: 3.5}, rate: 0, alpha: 1}\n"),
      Catch::Contains("fp.yaml:9:36: error: expected an integer"));
  CHECK_THAT(errors_of_fp(h + "  f:\n    firm_population: {counts: {10: 30, 10: 4}, rate: 0}\n"),
             Catch::Contains("duplicate"));
  CHECK_THAT(errors_of_fp(h + "  f:\n    firm_population: {counts: {}, rate: 0, alpha: 1}\n"),
             Catch::Contains("counts is empty"));
  CHECK_THAT(errors_of_fp(h + "  f:\n    firm_population: {counts: {10: 30, 100: 4}, rate: -1}\n"),
             Catch::Contains("rate=-1 (must be > -1)"));
  CHECK_THAT(errors_of_fp(h + "  f:\n    firm_population: {counts: {10: 30, 100: 4}, rate: 0, "
                              "sigmaa: 1}\n"),
             Catch::Contains("sigmaa"));
}

TEST_CASE("firm_population: the registry documents it", "[firm_population]") {
  const ProcessType* t = builtin_registry().find("firm_population");
  REQUIRE(t != nullptr);
  CHECK(t->base == BaseRule::forbidden);
  CHECK(!t->summary.empty());
  std::vector<std::string> keys;
  for (const auto& k : t->keys) keys.push_back(k.key);
  CHECK(keys == std::vector<std::string>{"counts", "follows", "rate", "sigma", "entry", "alpha"});
}
