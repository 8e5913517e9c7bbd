// Tests of compare (paired differences under common random numbers) and solve (bisection to
// a probability), in the library and through the CLI entry points.
#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/analysis/compare.h"
#include "engine/analysis/paired_interval.h"
#include "engine/analysis/solve.h"
#include "engine/api/bundled.h"
#include "engine/cli/cli.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/text.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"
#include "tests/support/run.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using namespace plancast::test;

namespace {

Scenario bundled(const std::string& variant, std::uint64_t runs, std::uint64_t seed) {
  LoadOptions o;
  o.variant = variant;
  Scenario sc =
      load_scenario_text(std::string(bundled_scenario_text()), kBundledName, o, builtin_registry());
  sc.simulation.runs = runs;
  sc.simulation.seed = seed;
  return sc;
}

/// tests/data/lognormal.yaml: ln X_2030 ~ N(ln 100 + 10 m, 100·0.02² + 10·0.03²).
Scenario lognormal(const std::vector<std::string>& sets = {}) {
  return load_text(data_scenario("lognormal"), sets);
}

/// Solving target x_170 for `path` to reach `probability`, in [lo, hi] when given.
SolveOptions solve_x170(const std::string& path, double probability, std::optional<double> lo = {},
                        std::optional<double> hi = {}) {
  SolveOptions so;
  so.target = "x_170";
  so.path = path;
  so.probability = probability;
  so.lo = lo;
  so.hi = hi;
  return so;
}

}  // namespace

TEST_CASE("compare: paired intervals are narrower than unpaired ones", "[compare]") {
  std::vector<CompareEntry> entries;
  entries.push_back({"base", bundled("", 20000, 5)});
  entries.push_back({"policy_push", bundled("policy_push", 20000, 5)});
  const Comparison c = compare(entries, builtin_registry());
  REQUIRE(c.variants == std::vector<std::string>{"base", "policy_push"});
  REQUIRE(c.runs == 20000);
  int changed = 0;
  for (const TargetComparison& t : c.targets) {
    REQUIRE(t.difference[1]);
    const PairedDifference& d = *t.difference[1];
    CHECK(d.value == Approx(*t.probability[1] - *t.probability[0]).margin(1e-12));
    CHECK(d.std_error <= d.unpaired_std_error + 1e-15);
    CHECK(d.ci95[0] < d.value);
    CHECK(d.ci95[1] > d.value);
    if (d.gained + d.lost >= 100) {
      ++changed;
      // The push moves runs one way: paired errors well below the unpaired ones. With
      // hundreds of changed runs the score interval is close to value ± 1.96·std_error.
      CHECK(d.std_error < 0.9 * d.unpaired_std_error);
      CHECK(d.ci95[1] - d.ci95[0] == Approx(2 * 1.96 * d.std_error).epsilon(0.05));
    } else if (d.gained + d.lost == 0) {
      // Untouched targets: the same runs meet them. The plug-in error is 0, the interval
      // is not: ±z²/(N + z²), what 20,000 runs with no change cannot rule out.
      CHECK(d.std_error == 0);
      const double h = 1.959963984540054 * 1.959963984540054 / (20000 + 3.841458820694124);
      CHECK(d.ci95[0] == Approx(-h).epsilon(1e-9));
      CHECK(d.ci95[1] == Approx(h).epsilon(1e-9));
    }
  }
  CHECK(changed >= 3);
}

TEST_CASE("compare: the paired interval covers the closed-form change when small or large",
          "[compare][stat]") {
  // Issue 14. x_2030 = 100·exp(10·trend + noise) with trend ~ N(m, 0.02) and ten yearly
  // noises of sd 0.03: P(x_2030 >= 170) = Φ((10m − ln 1.7) / sqrt(0.049)). A variant with a
  // higher m gains runs and loses none. "small": m + 0.0005, Δ = 0.0089 (1.8 runs in 200);
  // "large": m + 0.01, Δ = 0.178. 2,000 seeds of 200 runs through compare().
  const auto p_meet = [](double m) {
    return 0.5 * std::erfc(-(10 * m - std::log(1.7)) / std::sqrt(0.049) / std::sqrt(2.0));
  };
  const double d_small = p_meet(0.0505) - p_meet(0.05), d_large = p_meet(0.06) - p_meet(0.05);
  CHECK(d_small == Approx(0.0089).margin(1e-4));
  CHECK(d_large == Approx(0.1780).margin(1e-4));
  std::vector<CompareEntry> entries;
  entries.push_back({"base", lognormal()});
  entries.push_back({"small", lognormal({"parameters.trend.mean=0.0505"})});
  entries.push_back({"large", lognormal({"parameters.trend.mean=0.06"})});
  // Exact coverage of the score interval for a one-way change Δ in 200 runs: the sum of
  // P(gained = b) over the b whose interval contains Δ.
  const auto exact_coverage = [](double delta) {
    double cov = 0;
    for (int b = 0; b <= 200; ++b) {
      const double logp = std::lgamma(201.0) - std::lgamma(b + 1.0) - std::lgamma(201.0 - b) +
                          b * std::log(delta) + (200 - b) * std::log1p(-delta);
      const auto ci = tango_interval(static_cast<std::uint64_t>(b), 0, 200);
      if (ci[0] <= delta && delta <= ci[1]) cov += std::exp(logp);
    }
    return cov;
  };
  const int seeds = 2000;
  int small_in = 0, large_in = 0, small_none = 0, small_old_in = 0;
  RunOptions ro;
  ro.threads = 1;
  for (int s = 1; s <= seeds; ++s) {
    for (CompareEntry& e : entries) {
      e.scenario.simulation.runs = 200;
      e.scenario.simulation.seed = static_cast<std::uint64_t>(s);
    }
    const Comparison c = compare(entries, builtin_registry(), ro);
    const PairedDifference& small = *c.targets[0].difference[1];
    const PairedDifference& large = *c.targets[0].difference[2];
    REQUIRE(small.lost == 0);  // one-way: a higher trend only helps
    REQUIRE(large.lost == 0);
    small_in += small.ci95[0] <= d_small && d_small <= small.ci95[1] ? 1 : 0;
    large_in += large.ci95[0] <= d_large && d_large <= large.ci95[1] ? 1 : 0;
    small_none += small.gained == 0 ? 1 : 0;
    // The interval compare printed before issue 14.
    const double h = 1.96 * small.std_error;
    small_old_in += small.value - h <= d_small && d_small <= small.value + h ? 1 : 0;
  }
  const double cov_small = double(small_in) / seeds, cov_large = double(large_in) / seeds;
  const double cov_old = double(small_old_in) / seeds;
  const double exact_small = exact_coverage(d_small), exact_large = exact_coverage(d_large);
  INFO("coverage small " << cov_small << " (exact " << exact_small << "; no run changed in "
                         << small_none << " seeds; old interval " << cov_old << "), large "
                         << cov_large << " (exact " << exact_large << ")");
  // se of a 95% coverage over 2,000 seeds: 0.49%, so 93-97% is ±4 se.
  CHECK(cov_large >= 0.93);
  CHECK(cov_large <= 0.97);
  CHECK(std::fabs(cov_large - exact_large) < 4.5 * std::sqrt(0.05 * 0.95 / seeds));
  // About two runs in 200, one way: no run changed in 17% of the seeds ((1 − Δ)^200), and
  // the old interval, a point there, missed all of them. The score interval covers 99.0%:
  // any interval whose one-sided errors stay at 2.5% covers 98-99% at such a small change
  // (tests/engine/analysis/test_paired_interval.cpp shows why); what compare reports matches it.
  CHECK(small_none > seeds / 8);
  CHECK(cov_old < 0.93);
  CHECK(cov_small >= 0.93);
  CHECK(exact_small == Approx(0.9903).margin(1e-4));
  CHECK(std::fabs(cov_small - exact_small) < 4.5 * std::sqrt(0.01 * 0.99 / seeds));
}

TEST_CASE("compare: probabilities equal separate runs with the same seed", "[compare]") {
  std::vector<CompareEntry> entries;
  for (const char* v : {"", "policy_push", "g5_built"}) {
    entries.push_back({*v ? v : "base", bundled(v, 5000, 9)});
  }
  RunOptions ro;
  ro.threads = 3;
  const Comparison c = compare(entries, builtin_registry(), ro);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Results alone = run(entries[i].scenario, builtin_registry());
    CHECK(alone == c.results[i]);
    for (std::size_t k = 0; k < alone.targets.size(); ++k) {
      CHECK(*c.targets[k].probability[i] == alone.targets[k].p.probability);  // byte-equal
    }
  }
  // The medians are the results' p50 at the report years.
  REQUIRE(!c.medians.empty());
  const MedianRow& m = c.medians.front();
  const auto& ind = c.results[0].indicators.front();
  CHECK(m.indicator == ind.name);
  CHECK(*m.median[0] ==
        ind.quantiles[4][static_cast<std::size_t>(m.year - c.results[0].years.front())]);
}

TEST_CASE("compare: differing seeds are refused", "[compare]") {
  std::vector<CompareEntry> entries;
  entries.push_back({"base", bundled("", 1000, 1)});
  entries.push_back({"policy_push", bundled("policy_push", 1000, 2)});
  CHECK_THROWS_AS(compare(entries, builtin_registry()), RunError);
}

TEST_CASE("compare CLI: a side-by-side table with every variant, and JSON", "[compare][cli]") {
  std::ostringstream out, err;
  REQUIRE(cli_compare({"--runs", "3000", "--seed", "2"}, out, err) == 0);
  const std::string text = out.str();
  // The tables (after the list of what each variant changes).
  std::istringstream lines(text.substr(text.find("Probability of each target")));
  // Three variants wrap into two tables within 100 columns; the base repeats in each.
  std::string headers;
  int differences = 0;
  for (std::string line; std::getline(lines, line);) {
    CHECK(display_width(line) <= kTextWidth);
    if (line.rfind("target", 0) == 0 && line.find("base") != std::string::npos) {
      headers += line + "\n";
    }
    // Every change prints its interval, [low, high]; none collapses to a point (issue 14:
    // "+0.0 ± 0.0" for targets no run of 3000 changed).
    if (line.find(" [") != std::string::npos && line.back() == ']') ++differences;
    CHECK(line.find("[+0.0, +0.0]") == std::string::npos);
    CHECK(line.find("[-0.0, +0.0]") == std::string::npos);
  }
  for (const char* v : {"as_published", "policy_push", "g5_built"}) {
    CHECK(headers.find(v) != std::string::npos);
  }
  CHECK(differences == 2 * 17);                                // 17 targets, in two tables
  CHECK(text.find("+0.0 [-0.1, +0.1]") != std::string::npos);  // ±z²/(N + z²) = ±0.13

  std::ostringstream jout;
  REQUIRE(cli_compare({"--runs", "3000", "--seed", "2", "--variants", "policy_push", "--json", "-"},
                      jout, err) == 0);
  const auto j = nlohmann::json::parse(jout.str());
  // Each variant with its overrides as the file writes them (numbers as numbers); the
  // text names them too (issue 19: a variant is defined wherever it appears).
  REQUIRE(j["variants"].size() == 2);
  CHECK(j["variants"][0] == nlohmann::json::parse(R"({"name": "base", "overrides": {}})"));
  CHECK(j["variants"][1]["name"] == "policy_push");
  CHECK(j["variants"][1]["overrides"]["parameters.core_trend.mean"] == 0.19);
  CHECK(j["variants"][1]["overrides"]["parameters.software_trend.mean"] == 0.24);
  // The path as the file writes it, then the parameter's title (engine/io/labels.h); a
  // wrapped line continues under the value.
  CHECK(text.find("policy_push   parameters.core_trend.mean: 0.19 (Core digital VA growth "
                  "2021-25)\n") != std::string::npos);
  CHECK(text.find("indicators.gdp.history: {2015: 3515.6, 2023: 5509.8}\n") != std::string::npos);
  CHECK(j["runs"] == 3000);
  const auto& t = j["targets"][0];
  CHECK(t["id"] == "core_va_2025");
  const double d = t["difference"]["policy_push"]["value"];
  CHECK(d == Approx(double(t["probability"]["policy_push"]) - double(t["probability"]["base"]))
                 .margin(1e-12));
  CHECK(t["difference"]["policy_push"]["ci95"].size() == 2);
  CHECK(j["medians"]["core_va"]["2025"].contains("policy_push"));

  std::ostringstream o2;
  CHECK_THROWS_AS(cli_compare({"--variants", "nope"}, o2, err), UsageError);
}

TEST_CASE("solve: the trend mean for P(x_2030 >= 170) = 0.8 matches the closed form",
          "[solve][stat]") {
  // 10 m = ln 1.7 + z_0.8 · sqrt(100·0.02² + 10·0.03²)
  const double exact = (std::log(1.7) + 0.8416212335729143 * std::sqrt(0.049)) / 10;
  CHECK(exact == Approx(0.07169).margin(5e-6));
  const std::string path = "parameters.trend.mean";
  SolveOptions so = solve_x170(path, 0.8);
  so.current = value_at_path(lognormal(), path);
  REQUIRE(so.current);
  CHECK(*so.current == 0.05);
  auto at = [&](double v) { return lognormal({path + "=" + exact_number_text(v)}); };
  const SolveResult r = solve(at, so, builtin_registry());
  INFO("value " << r.value << " ci [" << r.value_ci95[0] << ", " << r.value_ci95[1] << "]");
  CHECK(std::fabs(r.value - exact) < 0.0015);
  CHECK(r.value_ci95[0] < r.value);
  CHECK(r.value_ci95[1] > r.value);
  // The interval is the Monte Carlo one: about ±1.96 · 0.00089 / 12.65 ≈ ±0.00014.
  CHECK(r.value_ci95[1] - r.value_ci95[0] < 0.001);
  CHECK(r.expanded);
  CHECK(r.runs == 200000);
  CHECK(r.evaluations.size() <= 60);
}

TEST_CASE("solve: an unreachable probability names the range ends", "[solve]") {
  const std::string path = "parameters.trend.mean";
  const SolveOptions so = solve_x170(path, 0.8, 0.0, 0.05);
  auto at = [&](double v) {
    Scenario sc = lognormal({path + "=" + exact_number_text(v)});
    sc.simulation.runs = 2000;
    return sc;
  };
  CHECK_THROWS_WITH(solve(at, so, builtin_registry()), Catch::Contains("not reached") &&
                                                           Catch::Contains("at 0 and") &&
                                                           Catch::Contains("at 0.05"));
}

TEST_CASE("solve: a wide --lo/--hi still narrows to the closed form", "[solve][stat]") {
  // Issue 13 (6): the stopping width was fixed from the first bracket's secant, so a range
  // of [-1000, 50] stopped with a bracket 0.018 wide around the wrong value.
  const double exact = (std::log(1.7) + 0.8416212335729143 * std::sqrt(0.049)) / 10;
  const std::string path = "parameters.trend.mean";
  const SolveOptions so = solve_x170(path, 0.8, -1000.0, 50.0);  // 100·e^500 stays finite
  auto at = [&](double v) {
    Scenario sc = lognormal({path + "=" + exact_number_text(v)});
    sc.simulation.runs = 50000;
    return sc;
  };
  const SolveResult r = solve(at, so, builtin_registry());
  // The value's Monte Carlo sd is se_p / slope = sqrt(0.16/50000) / 12.65 = 0.00014: 5 sd.
  INFO("value " << r.value);
  CHECK(std::fabs(r.value - exact) < 0.0007);
  CHECK(std::fabs(r.achieved - 0.8) < 1.96 * r.std_error);
  CHECK(r.bracket[0] <= r.value);
  CHECK(r.bracket[1] >= r.value);
}

TEST_CASE("solve: a probability that jumps across P is refused, not answered", "[solve]") {
  // Issue 13 (6): nothing random drives x, so P(x_2030 >= 170) is 0 below base 170/e^0.5 and
  // 1 above it; no base gives 50%. solve used to print a value millions wide of the jump
  // with exit 0.
  const std::string text = data_scenario("compare_solve_step");
  const std::string path = "indicators.x.base";
  const SolveOptions so = solve_x170(path, 0.5, 1.0, 1e10);
  auto at = [&](double v) {
    LoadOptions o;
    o.sets = {path + "=" + exact_number_text(v)};
    return load_scenario_text(text, "step.yaml", o, builtin_registry());
  };
  CHECK_THROWS_WITH(solve(at, so, builtin_registry()),
                    Catch::Contains("no value of indicators.x.base gives target 'x_170'") &&
                        Catch::Contains("jumps between indicators.x.base = 103.1") &&
                        Catch::Contains("(0%)") && Catch::Contains("(100%)"));
}

TEST_CASE("value_at_path reads numbers by dotted path", "[solve]") {
  const Scenario sc = lognormal();
  CHECK(value_at_path(sc, "parameters.trend.sd") == 0.02);
  CHECK(value_at_path(sc, "indicators.x.base") == 100);
  CHECK(value_at_path(sc, "targets.0.at_least") == 170);
  CHECK(!value_at_path(sc, "parameters.trend.dist"));
  CHECK(!value_at_path(sc, "parameters.nope"));
  CHECK(exact_number_text(0.1) == "0.1");
}

TEST_CASE("solve: a coarse first phase finds where to look, the full runs answer",
          "[solve][stat]") {
  // Issue 16: the range and a first root on N/16 runs, then only a few evaluations of all N
  // runs near it; the answer is still a crossing of the N runs' probability.
  const double exact = (std::log(1.7) + 0.8416212335729143 * std::sqrt(0.049)) / 10;
  const std::string path = "parameters.trend.mean";
  SolveOptions so = solve_x170(path, 0.8);
  so.current = 0.05;
  auto at = [&](double v) { return lognormal({path + "=" + exact_number_text(v)}); };
  const SolveResult r = solve(at, so, builtin_registry());
  INFO("value " << r.value << " ci [" << r.value_ci95[0] << ", " << r.value_ci95[1] << "]");
  CHECK(r.coarse_runs == 200000 / kSolveCoarseShare);
  CHECK(r.coarse_evaluations >= 4);
  // Bisection over the whole range took 17 evaluations of all 200,000 runs.
  CHECK(r.evaluations.size() <= 10);
  CHECK(r.value_ci95[0] < exact);
  CHECK(r.value_ci95[1] > exact);
  // The final bracket's ends are full-size evaluations on either side of P.
  CHECK((r.bracket_probability[0] - 0.8) * (r.bracket_probability[1] - 0.8) <= 0);
  const auto full_at = [&](double v) {
    for (const SolveEvaluation& e : r.evaluations) {
      if (e.value == v) return e.probability;
    }
    return -1.0;
  };
  CHECK(full_at(r.bracket[0]) == r.bracket_probability[0]);
  CHECK(full_at(r.bracket[1]) == r.bracket_probability[1]);
  // Too few runs for a coarse phase: one phase on all of them.
  auto small = [&](double v) {
    Scenario sc = at(v);
    sc.simulation.runs = 8000;
    return sc;
  };
  const SolveResult s = solve(small, so, builtin_registry());
  CHECK(s.coarse_runs == 0);
  CHECK(s.coarse_evaluations == 0);
  CHECK(std::fabs(s.value - exact) < 5 * (s.value_ci95[1] - s.value_ci95[0]) / 3.92);
}
