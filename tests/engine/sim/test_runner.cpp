// End-to-end statistical tests of the runner with the growth and formula processes:
// closed forms (SPEC §2.1), determinism across threads, targets, joint and first-reach.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "engine/config/scenario.h"
#include "engine/random/parameter_sampler.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"
#include "tests/support/run.h"
#include "tests/support/scenarios.h"
#include "tests/support/stats.h"

using namespace plancast;
using namespace plancast::test;

TEST_CASE("log-form growth with a normal trend is exactly lognormal", "[runner][stat]") {
  const Results r = run_text(data_scenario("lognormal"));
  const double m = std::log(100.0) + 10 * 0.05;
  const double s = std::sqrt(100 * 0.02 * 0.02 + 10 * 0.03 * 0.03);
  const double p = 1 - normal_cdf((std::log(170.0) - m) / s);
  CHECK(p == Approx(0.44498).margin(5e-5));
  const auto& t = r.targets.at(0);
  const double se = std::sqrt(p * (1 - p) / 200000.0);
  CHECK(std::abs(t.p.probability - p) < 4.5 * se);

  const auto& x = indicator(r, "x");
  const std::size_t last = x.mean.size() - 1;
  // p05, p50, p95 (114.56, 164.87, 237.29) within the sketch's 0.02% plus 4.5 standard
  // errors of the sample quantile (0.49%, 0.30%, 0.49%).
  for (const std::size_t level : {1, 4, 7}) {
    const double q = kQuantileLevels[level];
    INFO("quantile " << q);
    CHECK(x.quantiles[level][last] ==
          Approx(lognormal_quantile(m, s, q)).epsilon(lognormal_quantile_tolerance(s, q, 200000)));
  }
  // Mean of a lognormal: exp(m + s²/2); its standard error sd/sqrt(n). The sample sd within
  // 4.5 of its standard errors (from the lognormal's kurtosis).
  const double mean = std::exp(m + s * s / 2);
  const double sd = mean * std::sqrt(std::exp(s * s) - 1);
  CHECK(std::abs(x.mean[last] - mean) < 4.5 * sd / std::sqrt(200000.0));
  CHECK(std::abs(x.sd[last] - sd) < 4.5 * lognormal_sd_std_error(s, sd, 200000));
  // Base year is exact.
  CHECK(x.mean[0] == 100.0);
  CHECK(x.sd[0] == 0.0);
  CHECK(x.quantiles[4][0] == 100.0);
}

TEST_CASE("results are identical for any thread count", "[runner][determinism]") {
  std::string yaml = data_scenario("lognormal");
  const Results r1 = run_text(yaml, 1, {"simulation.runs=30000"});
  for (int threads : {2, 3, 4, 8}) {
    const Results rt = run_text(yaml, threads, {"simulation.runs=30000"});
    CHECK(rt == r1);
  }
}

TEST_CASE("a deterministic schedule with converge_to follows its formula", "[runner]") {
  const Results r = run_text(data_scenario("runner_det"));
  const auto& x = indicator(r, "x");
  double v = 100;
  for (int year = 2021; year <= 2030; ++year) {
    const double mu = year <= 2023 ? 0.1 : 0.02 + (0.1 - 0.02) * std::exp2(-(year - 2023) / 2.0);
    v *= 1 + mu;
    CHECK(x.mean[static_cast<std::size_t>(year - 2020)] == Approx(v).epsilon(1e-12));
    CHECK(x.sd[static_cast<std::size_t>(year - 2020)] == Approx(0).margin(1e-9 * v));
  }
}

TEST_CASE("AR(1) noise has the stated stationary sd and persistence", "[runner][stat]") {
  // ln X_T = Σ ε_t with ε stationary AR(1): Var = σ² Σ_{i,j} φ^|i−j|.
  const Results r = run_text(data_scenario("runner_ar1"));
  const double sigma = 0.05, phi = 0.6;
  const int T = 10;
  double acc = 0;
  for (int i = 1; i <= T; ++i) {
    for (int j = 1; j <= T; ++j) acc += std::pow(phi, std::abs(i - j));
  }
  const double sd = sigma * std::sqrt(acc);
  const auto& lx = indicator(r, "lx");
  const double n = 100000;
  CHECK(std::abs(lx.sd[10] - sd) < 4.5 * sd / std::sqrt(2 * (n - 1)));
  CHECK(std::abs(lx.mean[10]) < 4.5 * sd / std::sqrt(n));
  // First year: sd σ exactly in distribution.
  CHECK(std::abs(lx.sd[1] - sigma) < 4.5 * sigma / std::sqrt(2 * (n - 1)));
}

TEST_CASE("shocks arrive with their probability and size", "[runner][stat]") {
  // ln X_T = s · Binomial(T, p): P(no shock in 10 years) = 0.8^10.
  const Results r = run_text(data_scenario("runner_shocks"));
  const double p = std::pow(0.8, 10);
  const double se = std::sqrt(p * (1 - p) / 100000);
  CHECK(std::abs(r.targets[0].p.probability - p) < 4.5 * se);
}

TEST_CASE("shock sizes drawn from a distribution have its mean", "[runner][stat]") {
  const Results r = run_text(data_scenario("runner_shockdist"));
  const auto& y = indicator(r, "y");
  const double sd = 0.12 / std::sqrt(12.0);
  CHECK(std::abs(y.mean[1] - (1 - 0.09)) < 4.5 * sd / std::sqrt(200000.0));
  CHECK(y.min[1] >= 0.85);
  CHECK(y.max[1] <= 0.97);
}

TEST_CASE("simple-form rates below -1 are floored and counted", "[runner]") {
  const Results r = run_text(data_scenario("runner_floor"));
  const auto& x = indicator(r, "x");
  CHECK(x.mean[1] == 0.0);
  REQUIRE(x.counters.size() == 1);
  CHECK(x.counters[0].name == "floored");
  CHECK(x.counters[0].per_year == std::vector<std::uint64_t>{0, 500, 500});
}

TEST_CASE("the sd of a difference of correlated parameters", "[runner][stat]") {
  const Results r = run_text(data_scenario("runner_corr"));
  const double sd = std::sqrt(0.03 * 0.03 + 0.015 * 0.015 - 2 * 0.5 * 0.03 * 0.015);
  const auto& d = indicator(r, "d");
  CHECK(std::abs(d.sd[0] - sd) < 4.5 * sd / std::sqrt(2 * 199999.0));
  CHECK(std::abs(d.mean[0] - 0.091) < 4.5 * sd / std::sqrt(200000.0));
}

TEST_CASE("formulas see same-year indicators, parameters and year", "[runner]") {
  const Results r = run_text(data_scenario("runner_formula"));
  const auto& share = indicator(r, "share");
  const auto& t = indicator(r, "t");
  CHECK(share.mean[0] == Approx(25.0));
  const double a5 = 10 * std::pow(1.1, 5);
  CHECK(share.mean[5] == Approx(100 * a5 / (a5 + 30)).epsilon(1e-12));
  CHECK(t.mean[5] == 10.0);
  CHECK(share.name == "share");
  CHECK(r.indicators[0].name == "share");  // results keep file order
}

TEST_CASE("by-targets give first-reach probabilities; joint is per year", "[runner]") {
  const Results r = run_text(data_scenario("runner_reach"));
  // 100·1.1^5 = 161 ≥ 150 first in 2025.
  const auto& by = r.targets[0];
  CHECK(by.p.probability == 1.0);
  REQUIRE(by.first_reach.size() == 11);
  CHECK(by.first_reach[5] == 1.0);
  CHECK(by.first_reach[4] == 0.0);
  CHECK(r.targets[1].p.probability == 0.0);
  CHECK(r.targets[2].p.probability == 0.0);
  REQUIRE(r.joint.size() == 2);
  CHECK(r.joint[0].year == 2028);
  CHECK(r.joint[0].targets.size() == 2);
  CHECK(r.joint[0].p.probability == 0.0);
}

TEST_CASE("joint probability of two targets in one year", "[runner][stat]") {
  const Results r = run_text(data_scenario("runner_joint"));
  const double se = std::sqrt(0.25 * 0.75 / 100000);
  CHECK(std::abs(r.joint.at(0).p.probability - 0.25) < 4.5 * se);
}

namespace {

/// Collects per-run outcomes (written by run index: blocks arrive from several threads).
struct Collect final : RunObserver {
  explicit Collect(std::size_t runs) : met(runs), value(runs), param(runs) {}
  void on_block(const BlockView& b) override {
    for (std::size_t j = 0; j < b.n; ++j) {
      met[b.first_run + j] = b.met[j];  // target 0
      value[b.first_run + j] = b.watched[j];
      param[b.first_run + j] = b.params[j];
    }
  }
  std::vector<std::uint8_t> met;
  std::vector<double> value, param;
};

/// Every run gets u = 0.25 for every parameter.
struct Constant final : UniformSampler {
  void fill(std::uint64_t, std::size_t n, std::size_t stride, double* out) const override {
    for (std::size_t j = 0; j < n; ++j) out[j] = 0.25;
    (void)stride;
  }
};

}  // namespace

TEST_CASE("an observer sees every run's parameters, outcomes and watched values", "[runner]") {
  Scenario sc = load_scenario_text(data_scenario("lognormal"), "test.yaml",
                                   {{}, {"simulation.runs=5000"}}, builtin_registry());
  const auto cs = compile(sc, builtin_registry());
  Collect c(5000);
  RunOptions ro;
  ro.observer = &c;
  ro.watch = {{"x", 2030}};
  const Results r = run(*cs, ro);
  std::uint64_t hits = 0;
  double sum = 0;
  for (std::size_t i = 0; i < 5000; ++i) {
    hits += c.met[i];
    sum += c.value[i];
    CHECK((c.value[i] >= 170) == (c.met[i] == 1));
  }
  CHECK(hits == r.targets[0].p.hits);
  CHECK(sum / 5000 == Approx(r.indicators[0].mean.back()).epsilon(1e-12));
  CHECK(c.param[0] != c.param[1]);

  // The same runs without an observer give the same results.
  CHECK(run(*cs) == r);

  // A replacement sampler: every run's trend at the normal's 25% point.
  Constant constant;
  ro.uniforms = &constant;
  run(*cs, ro);
  for (std::size_t i = 0; i < 5000; ++i) {
    CHECK(c.param[i] == Approx(0.05 - 0.02 * 0.6744897501960817).epsilon(1e-12));
  }

  ro.watch = {{"nope", 2030}};
  CHECK_THROWS_AS(run(*cs, ro), ScenarioError);
}
