// Tests of `dist: quantiles` (p10/p50/p90 fitted to a three-term metalog, Keelin 2016).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/random/distribution.h"
#include "engine/random/stream.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"
#include "tests/support/stats.h"

using namespace plancast;
using namespace plancast::test;

namespace {

constexpr std::uint64_t kSeed = 20240612;  // fixed seed: every statistical check is repeatable

DistSpec quantiles(double p10, double p50, double p90) {
  DistSpec s;
  s.family = DistFamily::quantiles;
  s.loc = SourceLoc{"q.yaml", 7, 3};
  s.p10 = p10;
  s.p50 = p50;
  s.p90 = p90;
  return s;
}

/// n uniforms from one Philox stream.
std::vector<double> uniforms(std::size_t n, std::uint32_t stream) {
  return philox_uniforms(kSeed, n, stream);
}

/// Symmetric, right-skewed, left-skewed, and near the feasibility bound both ways (the
/// longer side 4.9 times the shorter; the bound is about 5.0).
const std::vector<std::array<double, 3>>& cases() {
  static const std::vector<std::array<double, 3>> c = {
      {0.10, 0.15, 0.20}, {0.10, 0.15, 0.22}, {-3, 2, 3},        {100, 110, 140},
      {0, 1, 5.9},        {0, 4.9, 5.9},      {1e-4, 2e-4, 5e-4}};
  return c;
}

/// Diagnostics of loading a scenario text (empty when it loads).
std::vector<Diagnostic> load_errors(const std::string& text) {
  try {
    load_scenario_text(text, "q.yaml", {}, builtin_registry());
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}

std::string scenario_with(const std::string& param) {
  return "plancast: 1\n"
         "name: q\n"
         "base_year: 2020\n"
         "horizon: 2021\n"
         "simulation: {runs: 100000, seed: 11}\n"
         "parameters:\n"
         "  trend: " +
         param +
         "\n"
         "indicators:\n"
         "  value:\n"
         "    base: 100\n"
         "    growth: {trend: trend}\n"
         "targets:\n"
         "  - {id: median, indicator: value, year: 2021, at_least: 115}\n"
         "  - {id: high, indicator: value, year: 2021, at_least: 122}\n";
}

}  // namespace

TEST_CASE("quantiles: the metalog fit reproduces p10, p50, p90", "[random][quantiles]") {
  for (const auto& [a, b, c] : cases()) {
    INFO("p10 " << a << ", p50 " << b << ", p90 " << c);
    const Distribution d(quantiles(a, b, c));
    const double tol = 1e-9 * std::max({1.0, std::abs(a), std::abs(c)});
    CHECK(std::abs(d.quantile(0.1) - a) <= tol);
    CHECK(std::abs(d.quantile(0.5) - b) <= tol);
    CHECK(std::abs(d.quantile(0.9) - c) <= tol);
    CHECK(std::abs(d.cdf(a) - 0.1) <= 1e-12);
    CHECK(std::abs(d.cdf(b) - 0.5) <= 1e-12);
    CHECK(std::abs(d.cdf(c) - 0.9) <= 1e-12);
  }
}

TEST_CASE("quantiles: monotone quantile function, cdf its inverse", "[random][quantiles]") {
  for (const auto& [a, b, c] : cases()) {
    INFO("p10 " << a << ", p50 " << b << ", p90 " << c);
    const Distribution d(quantiles(a, b, c));
    constexpr int n = 100000;
    double prev = -std::numeric_limits<double>::infinity();
    bool increasing = true, finite = true, inverse = true;
    for (int i = 1; i < n; ++i) {
      const double u = static_cast<double>(i) / n;
      const double x = d.quantile(u);
      increasing = increasing && x > prev;
      finite = finite && std::isfinite(x);
      inverse = inverse && std::abs(d.cdf(x) - u) <= 1e-10;
      prev = x;
    }
    CHECK(increasing);
    CHECK(finite);
    CHECK(inverse);
    // Far tails: still ordered and finite.
    const std::vector<double> tails = {1e-300, 1e-100, 1e-12, 0.5, 1 - 1e-12, 1 - 0x1p-53};
    for (std::size_t i = 1; i < tails.size(); ++i) {
      CHECK(d.quantile(tails[i]) > d.quantile(tails[i - 1]));
      CHECK(std::isfinite(d.quantile(tails[i])));
    }
    CHECK(d.cdf(-1e300) == 0.0);
    CHECK(d.cdf(1e300) == 1.0);
  }
}

TEST_CASE("quantiles: 200k draws cover p10, p50, p90; moments match", "[random][quantiles]") {
  std::uint32_t stream = 300;
  for (const auto& [a, b, c] : cases()) {
    INFO("p10 " << a << ", p50 " << b << ", p90 " << c);
    const Distribution d(quantiles(a, b, c));
    constexpr std::size_t n = 200000;
    std::vector<double> x = uniforms(n, stream++);
    for (double& v : x) v = d.quantile(v);
    const std::array<std::pair<double, double>, 3> levels = {std::pair{0.1, a}, std::pair{0.5, b},
                                                             std::pair{0.9, c}};
    for (const auto& [p, q] : levels) {
      const double covered =
          static_cast<double>(std::count_if(x.begin(), x.end(), [&](double v) { return v <= q; })) /
          n;
      const double se = std::sqrt(p * (1 - p) / n);
      INFO("level " << p << ": empirical " << covered);
      CHECK(std::abs(covered - p) <= 4.5 * se);
    }
    // Closed-form mean and sd against the sample (5 standard errors).
    check_moments(x, d.mean(), d.sd());
  }
}

TEST_CASE("quantiles: closed-form moments and describe", "[random][quantiles]") {
  // Symmetric: a3 = 0, a logistic with scale a2 = 0.05 / ln 9: sd = a2 pi / sqrt(3).
  const Distribution sym(quantiles(0.10, 0.15, 0.20));
  CHECK(sym.mean() == Approx(0.15).epsilon(1e-12));
  CHECK(sym.sd() ==
        Approx(0.05 / std::log(9.0) * std::numbers::pi / std::sqrt(3.0)).epsilon(1e-12));
  const Distribution right(quantiles(0.10, 0.15, 0.22));
  CHECK(right.mean() > 0.15);  // right skew pulls the mean above the median
  CHECK(right.describe().rfind("quantiles(p10 0.1, p50 0.15, p90 0.22) -> metalog(a1 0.15", 0) ==
        0);
}

TEST_CASE("quantiles: truncation keeps draws inside and matches p10..p90 mass",
          "[random][quantiles]") {
  DistSpec s = quantiles(0.10, 0.15, 0.22);
  s.truncate = std::array<double, 2>{0.10, 0.22};
  const Distribution d(s);
  CHECK(d.quantile(1e-15) >= 0.10);
  CHECK(d.quantile(1 - 1e-15) <= 0.22);
  // The window [p10, p90] holds 80% of the mass: the truncated median is still p50.
  CHECK(d.quantile(0.5) == Approx(0.15).epsilon(1e-9));
  CHECK(d.cdf(0.15) == Approx(0.5).epsilon(1e-9));
  CHECK(d.describe().find("truncated to [0.1, 0.22]") != std::string::npos);
  // Upper-tail window (F(lo) > 1/2) uses the survival function.
  DistSpec u = quantiles(0.10, 0.15, 0.22);
  u.truncate = std::array<double, 2>{0.22, 10};
  const Distribution du(u);
  CHECK(du.quantile(0.5) > 0.22);
  CHECK(du.cdf(0.22) == 0.0);
}

TEST_CASE("quantiles: infeasible or bad input is a located error", "[random][quantiles]") {
  // Compiled directly: the longer side 6 times the shorter.
  try {
    Distribution d(quantiles(0, 1, 7));
    FAIL("no error");
  } catch (const ScenarioError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].loc.line == 7);
    CHECK_THAT(e.diagnostics()[0].message, Catch::Contains("too skewed"));
  }
  CHECK_THROWS_AS(Distribution(quantiles(0, 2, 1)), ScenarioError);
  CHECK_THROWS_AS(Distribution(quantiles(0, std::nan(""), 1)), ScenarioError);

  // From YAML: the parameter's line (7 of scenario_with), every reason in the message.
  auto one = [](const std::string& param) {
    const auto d = load_errors(scenario_with(param));
    INFO(param);
    REQUIRE(d.size() == 1);
    CHECK(d[0].loc.file == "q.yaml");
    CHECK(d[0].loc.line == 7);
    return d[0].message;
  };
  CHECK_THAT(one("{dist: quantiles, p10: 0.10, p50: 0.11, p90: 0.22}"),
             Catch::Contains("too skewed") && Catch::Contains("p90-p50 is 11 times p50-p10"));
  CHECK_THAT(one("{dist: quantiles, p10: 0.10, p50: 0.21, p90: 0.22}"),
             Catch::Contains("too skewed") && Catch::Contains("p50-p10 is 11 times p90-p50"));
  CHECK_THAT(one("{dist: quantiles, p10: 0.10, p50: 0.15}"), Catch::Contains("p90"));
  CHECK_THAT(one("{dist: quantiles, p10: 0.10, p50: 0.10, p90: 0.2}"),
             Catch::Contains("p50=0.1 (must be > p10=0.1"));
  CHECK_THAT(one("{dist: quantiles, p10: 0.10, p50: 0.3, p90: 0.2}"),
             Catch::Contains("p90=0.2 (must be > p50=0.3"));
  CHECK_THAT(one("{dist: quantiles, p10: 0.10, p50: .inf, p90: 0.2}"),
             Catch::Contains("not a finite number"));
  CHECK_THAT(one("{dist: quantiles, p10: 0.10, p50: 0.15, p90: 0.2, mean: 1}"),
             Catch::Contains("mean"));
  CHECK_THAT(one("{dist: quantile, p10: 0.10, p50: 0.15, p90: 0.2}"),
             Catch::Contains("did you mean 'quantiles'"));
  CHECK(load_errors(scenario_with("{dist: quantiles, p10: 0.1, p50: 0.15, p90: 0.22}")).empty());
}

TEST_CASE("quantiles: a scenario parameter, run with the built-in registry",
          "[random][quantiles][runner]") {
  // value_2021 = 100 (1 + trend) with no noise, so P(value >= 115) = P(trend >= p50) = 0.5
  // and P(value >= 122) = P(trend >= p90) = 0.1.
  const Scenario sc =
      load_scenario_text(scenario_with("{dist: quantiles, p10: 0.10, p50: 0.15, p90: 0.22}"),
                         "q.yaml", {}, builtin_registry());
  RunOptions opts;
  opts.threads = 2;
  const Results r = run(sc, builtin_registry(), opts);
  REQUIRE(r.targets.size() == 2);
  const double n = static_cast<double>(r.runs);
  CHECK(std::abs(r.targets[0].p.probability - 0.5) <= 4.5 * std::sqrt(0.25 / n));
  CHECK(std::abs(r.targets[1].p.probability - 0.1) <= 4.5 * std::sqrt(0.09 / n));
  // The reported p10 / p90 of the indicator sit at 110 and 122 (sketch error 0.2%).
  const IndicatorResult& v = r.indicators.at(0);
  CHECK(v.quantiles[2].back() == Approx(110).epsilon(0.005));
  CHECK(v.quantiles[4].back() == Approx(115).epsilon(0.005));
  CHECK(v.quantiles[6].back() == Approx(122).epsilon(0.005));
}
