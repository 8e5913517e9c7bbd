// Shapley effects (issue 14 part 4) against the closed forms of linear Gaussian models
// (Owen & Prieur 2017; Iooss & Prieur 2019, §3), with correlations, in both orders of the
// file; with noise (the effects sum to the explained share); thread independence; the CLI.
#include <catch2/catch.hpp>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/analysis/shapley.h"
#include "engine/cli/cli.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/report.h"
#include "models/register_builtin.h"
#include "tests/support/cli.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using plancast::test::check_contains;
using plancast::test::data_scenario;

namespace {

Scenario load(const std::string& yaml) {
  return load_scenario_text(yaml, "shapley.yaml", {}, builtin_registry());
}

/// Exact Shapley effects of f = β'x, x ~ N(μ, Σ): val(J) = Var E[f | x_J] =
/// (Σ_J· β)' Σ_JJ⁻¹ (Σ_J· β), Sh_i = Σ_{J ∌ i} |J|!(P−|J|−1)!/P! (val(J ∪ i) − val(J)), over
/// V = β'Σβ (Owen 2014, eq. 2; Owen & Prieur 2017 for the Gaussian conditional variance).
std::vector<double> exact_shapley(const Eigen::VectorXd& beta, const Eigen::MatrixXd& cov) {
  const int p = static_cast<int>(beta.size());
  auto val = [&](unsigned mask) {
    std::vector<int> j;
    for (int i = 0; i < p; ++i) {
      if (mask & (1u << i)) j.push_back(i);
    }
    if (j.empty()) return 0.0;
    const int n = static_cast<int>(j.size());
    Eigen::MatrixXd sjj(n, n);
    Eigen::VectorXd c(n);
    const Eigen::VectorXd sb = cov * beta;
    for (int a = 0; a < n; ++a) {
      c(a) = sb(j[a]);
      for (int b = 0; b < n; ++b) sjj(a, b) = cov(j[a], j[b]);
    }
    return c.dot(sjj.ldlt().solve(c));
  };
  auto fact = [](int n) {
    double f = 1;
    for (int k = 2; k <= n; ++k) f *= k;
    return f;
  };
  const double v = beta.dot(cov * beta);
  std::vector<double> sh(static_cast<std::size_t>(p), 0.0);
  for (int i = 0; i < p; ++i) {
    for (unsigned mask = 0; mask < (1u << p); ++mask) {
      if (mask & (1u << i)) continue;
      const int size = __builtin_popcount(mask);
      const double w = fact(size) * fact(p - size - 1) / fact(p);
      sh[static_cast<std::size_t>(i)] += w * (val(mask | (1u << i)) - val(mask));
    }
  }
  for (double& x : sh) x /= v;
  return sh;
}

double se_of(const ShapleyEffect& e) {
  return (e.hi - e.lo) / (2 * 1.959963984540054);
}

const ShapleyEffect& effect(const ShapleyResult& r, const std::string& name) {
  for (const ShapleyEffect& e : r.parameters) {
    if (e.name == name) return e;
  }
  FAIL("no effect named " << name);
  return r.parameters.front();
}

void check_close(const ShapleyEffect& e, double truth) {
  const double se = se_of(e);
  INFO(e.name << ": " << e.shapley << " [" << e.lo << ", " << e.hi << "] (se " << se << "), exact "
              << truth);
  CHECK(se > 0);
  CHECK(se < 0.02);
  CHECK(std::abs(e.shapley - truth) < 4.5 * se);
}

ShapleyResult shapley_of(const std::string& yaml, std::uint64_t permutations, int threads = 0) {
  const Scenario sc = load(yaml);
  SensitivityOptions o;
  o.runs = permutations;
  o.threads = threads;
  return shapley_sensitivity(sc, builtin_registry(), resolve_output(sc, "f@2021"), o);
}

// tests/data/shapley_three.yaml: f = x1 + 2·x2 − 1.5·x3, sd 1, 0.5, 2, correlations 0.3,
// −0.4, 0.6 (shapley_three_reversed.yaml: the same, parameters and correlations reordered).
std::vector<double> three_exact() {
  const Eigen::Vector3d sd(1, 0.5, 2);
  Eigen::Matrix3d rho;
  rho << 1, 0.3, -0.4, 0.3, 1, 0.6, -0.4, 0.6, 1;
  const Eigen::MatrixXd cov = sd.asDiagonal() * rho * sd.asDiagonal();
  return exact_shapley(Eigen::Vector3d(1, 2, -1.5), cov);
}

}  // namespace

TEST_CASE("Shapley: f = x1 + 2 x2 with correlation 0.5, in both orders of the file",
          "[sensitivity][shapley][stat]") {
  // Two variables (Iooss & Prieur 2019, eq. 11): V = 7, Var E[f|x1] = (1 + 0.5·2)² = 4,
  // Var E[f|x2] = (2 + 0.5)² = 6.25, Sh1 = (4 + 7 − 6.25) / 14 = 0.33929, Sh2 = 0.66071.
  const std::string forward = data_scenario("shapley_pair");
  const std::string reverse = data_scenario("shapley_pair_reversed");
  Eigen::MatrixXd cov(2, 2);
  cov << 1, 0.5, 0.5, 1;
  const std::vector<double> ex = exact_shapley(Eigen::Vector2d(1, 2), cov);
  REQUIRE(ex[0] == Approx(2.375 / 7).epsilon(1e-12));
  const ShapleyResult a = shapley_of(forward, 10000);
  const ShapleyResult b = shapley_of(reverse, 10000);
  CHECK(a.correlated);
  CHECK(a.total_runs == 3u * 10000u * 3u);
  CHECK(a.parameters[0].name == "x1");
  CHECK(b.parameters[0].name == "x2");
  check_close(effect(a, "x1"), ex[0]);
  check_close(effect(a, "x2"), ex[1]);
  // The design follows the names, not the file's order: the same effects up to round-off.
  for (const char* n : {"x1", "x2"}) {
    CHECK(effect(a, n).shapley == Approx(effect(b, n).shapley).epsilon(1e-9));
    CHECK(effect(a, n).lo == Approx(effect(b, n).lo).epsilon(1e-9));
    CHECK(effect(a, n).hi == Approx(effect(b, n).hi).epsilon(1e-9));
  }
  // No noise: the parameters explain everything, exactly (twin rows agree bit for bit).
  CHECK(a.explained == 1);
  CHECK(a.explained_lo == 1);
  CHECK(effect(a, "x1").shapley + effect(a, "x2").shapley == Approx(1).epsilon(1e-12));
}

TEST_CASE("Shapley: three correlated Gaussian parameters of unequal spread",
          "[sensitivity][shapley][stat]") {
  const std::string yaml = data_scenario("shapley_three");
  const std::vector<double> ex = three_exact();
  const ShapleyResult r = shapley_of(yaml, 10000);
  check_close(effect(r, "x1"), ex[0]);
  check_close(effect(r, "x2"), ex[1]);
  check_close(effect(r, "x3"), ex[2]);
  double sum = 0;
  for (const ShapleyEffect& e : r.parameters) sum += e.shapley;
  CHECK(sum == Approx(1).epsilon(1e-12));
}

TEST_CASE("Shapley with noise: the effects sum to the share the parameters explain",
          "[sensitivity][shapley][stat]") {
  // f = x1·e^ε + x2 (x uniform on [0, 1], independent; ε ~ N(0, 0.5²)): val(J) = Var E[f|x_J]
  // is additive here, so Sh1 = m1²/12 / V = 0.34306, Sh2 = (1/12) / V = 0.26718 and the
  // explained share Var E[f|x] / V = 0.61024 (V, m1, m2:
  // tests/engine/analysis/test_sobol_noise.cpp).
  const std::string yaml = data_scenario("shapley_noise");
  const double m1 = std::exp(0.125), m2 = std::exp(0.5);
  const double v = m2 / 3 - m1 * m1 / 4 + 1.0 / 12;
  const ShapleyResult r = shapley_of(yaml, 10000);
  check_close(effect(r, "x1"), m1 * m1 / 12 / v);
  check_close(effect(r, "x2"), 1.0 / 12 / v);
  const double explained = (m1 * m1 + 1) / 12 / v;
  const double se = (r.explained_hi - r.explained_lo) / (2 * 1.959963984540054);
  INFO("explained " << r.explained << " [" << r.explained_lo << ", " << r.explained_hi << "]");
  CHECK(se > 0);
  CHECK(std::abs(r.explained - explained) < 4.5 * se);
  // Every level of a permutation has the same noise: a parameter the output does not use
  // gets exactly 0, noise or not.
  CHECK(effect(r, "unused").shapley == 0);
  CHECK(effect(r, "unused").hi == 0);
  CHECK(effect(r, "x1").shapley + effect(r, "x2").shapley == Approx(r.explained).epsilon(1e-12));
}

TEST_CASE("Shapley: a fixed parameter gets 0, and the threads do not matter",
          "[sensitivity][shapley]") {
  const std::string yaml = data_scenario("shapley_fixed");
  const ShapleyResult r1 = shapley_of(yaml, 300, 1);
  const ShapleyResult r4 = shapley_of(yaml, 300, 4);
  // The levels of a permutation share their draws: a parameter that neither acts nor is
  // correlated adds exactly nothing wherever it joins.
  CHECK(effect(r1, "c").shapley == 0);
  CHECK(effect(r1, "c").lo == 0);
  CHECK(effect(r1, "c").hi == 0);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(r1.parameters[i].shapley == r4.parameters[i].shapley);
    CHECK(r1.parameters[i].lo == r4.parameters[i].lo);
    CHECK(r1.parameters[i].hi == r4.parameters[i].hi);
  }
}

TEST_CASE("the Shapley report's chart and table, the Sobol report's noise row and order note",
          "[sensitivity][report]") {
  const std::string path = std::string(PLANCAST_SOURCE_DIR) + "/tests/cli/cases/sens_corr.yaml";
  const Scenario sc = load_scenario_file(path, {}, builtin_registry());
  SensitivityOptions o;
  o.runs = 200;
  const SensitivityOutput out = resolve_output(sc, "f@2021");
  const std::string h =
      shapley_report_html(sc, shapley_sensitivity(sc, builtin_registry(), out, o), "f@2021");
  check_contains(h, {"id=\"shapley\"><svg", "<td>(noise and shocks)</td>", "<td>x1</td>"});
  const std::string s =
      sobol_report_html(sc, sobol_sensitivity(sc, builtin_registry(), out, o), "f@2021");
  check_contains(s, {"id=\"sobol\"><svg", "<td>(noise and shocks)</td>", "--method shapley"});
}

TEST_CASE("plancast sensitivity --method shapley, and sobol's order note", "[sensitivity][cli]") {
  const std::string path = std::string(PLANCAST_SOURCE_DIR) + "/tests/cli/cases/sens_corr.yaml";
  std::ostringstream out, err;
  CHECK(cli_sensitivity(
            {path, "--of", "f@2021", "--method", "shapley", "--runs", "500", "--json", "-"}, out,
            err) == 0);
  const std::string j = out.str();
  check_contains(
      j, {"\"method\": \"shapley\"", "\"shapley_ci95\"", "\"explained\": 1.0", "\"runs\": 4500"});
  std::ostringstream t, e2;
  CHECK(cli_sensitivity({path, "--of", "f@2021", "--method", "shapley", "--runs", "500"}, t, e2) ==
        0);
  CHECK(t.str().find("\n(noise and shocks)       0.000") != std::string::npos);
  std::ostringstream s, e3;
  CHECK(cli_sensitivity({path, "--of", "f@2021", "--runs", "500", "--json", "-"}, s, e3) == 0);
  CHECK(s.str().find("\"order_dependent\": true") != std::string::npos);
  CHECK(s.str().find("use --method shapley") != std::string::npos);
  std::ostringstream s2, e4;
  CHECK(cli_sensitivity({path, "--of", "f@2021", "--runs", "500"}, s2, e4) == 0);
  CHECK(s2.str().find("--method shapley") != std::string::npos);
  // A design too large for the memory allowed is refused before any run.
  std::ostringstream o5, e5;
  CHECK_THROWS_AS(cli_sensitivity({path, "--of", "f@2021", "--method", "shapley", "--runs",
                                   "100000000", "--max-memory", "1G"},
                                  o5, e5),
                  UsageError);
}

namespace {

/// Share of seeds 1..seeds whose shapley_ci95 holds the exact effect, over every parameter,
/// for the sampler (m permutations per seed), and the mean interval width.
struct ShapleyCoverage {
  double covered = 0, width = 0;
  std::uint32_t replicates = 0;
};

ShapleyCoverage shapley_coverage(const std::string& yaml, const std::vector<double>& exact,
                                 const std::string& sampler, std::uint64_t m, int seeds) {
  LoadOptions lo;
  lo.sets = {"simulation.sampler=" + sampler};
  const Scenario sc = load_scenario_text(yaml, "shapley.yaml", lo, builtin_registry());
  const SensitivityOutput out = resolve_output(sc, "f@2021");
  int in = 0, total = 0;
  ShapleyCoverage c;
  for (int s = 1; s <= seeds; ++s) {
    SensitivityOptions o;
    o.runs = m;
    o.threads = 1;
    o.seed = static_cast<std::uint64_t>(s);
    const ShapleyResult r = shapley_sensitivity(sc, builtin_registry(), out, o);
    c.replicates = r.replicates;
    for (std::size_t i = 0; i < exact.size(); ++i) {
      const ShapleyEffect& e = r.parameters[i];
      in += e.lo <= exact[i] && exact[i] <= e.hi ? 1 : 0;
      c.width += e.hi - e.lo;
      ++total;
    }
  }
  c.covered = in / double(total);
  c.width /= total;
  return c;
}

}  // namespace

TEST_CASE("Shapley intervals cover 93-97% under every sampler", "[shapley][replicates][stat]") {
  // The three correlated Gaussian parameters (exact effects from the closed form), 800 seeds
  // at m = 512 permutations (4,608 runs) each; 2,400 intervals a sampler. mc: the percentile
  // bootstrap over permutations; lhs and sobol: the jackknife over 16 replicates of the
  // design of the normal scores. Counting only the 800 seeds as independent, the binomial
  // standard error of a 95% coverage is 0.77%, so 93-97% is ±2.6 of them. About 10 s.
  const std::string yaml = data_scenario("shapley_three");
  const std::vector<double> ex = three_exact();
  constexpr int kSeeds = 800;
  constexpr std::uint64_t kPermutations = 512;
  for (const char* sampler : {"mc", "lhs", "sobol"}) {
    INFO(sampler);
    const ShapleyCoverage c = shapley_coverage(yaml, ex, sampler, kPermutations, kSeeds);
    std::printf("Shapley coverage %s: %.4f, mean width %.4f, replicates %u\n", sampler, c.covered,
                c.width, c.replicates);
    CHECK(c.covered >= 0.93);
    CHECK(c.covered <= 0.97);
  }
}

TEST_CASE("Shapley under lhs and sobol: replicates of the design, order- and thread-free",
          "[shapley][replicates][determinism]") {
  const std::string forward = data_scenario("shapley_three");
  // The same scenario with the parameters (and a correlation) listed in another order.
  std::string reverse = data_scenario("shapley_three_reversed");
  auto with = [](const std::string& yaml, const std::string& sampler, int threads) {
    LoadOptions lo;
    lo.sets = {"simulation.sampler=" + sampler};
    const Scenario sc = load_scenario_text(yaml, "shapley.yaml", lo, builtin_registry());
    SensitivityOptions o;
    o.runs = 1001;  // replicates of 62 or 63 permutations; blocks straddle them
    o.threads = threads;
    return shapley_sensitivity(sc, builtin_registry(), resolve_output(sc, "f@2021"), o);
  };
  const ShapleyResult mc = with(forward, "mc", 1);
  CHECK(mc.sampler == "mc");
  CHECK(mc.replicates == 0);
  CHECK(mc.bootstrap == kSobolBootstrap);
  for (const char* sampler : {"lhs", "sobol"}) {
    INFO(sampler);
    const ShapleyResult r = with(forward, sampler, 1);
    CHECK(r.sampler == sampler);
    CHECK(r.replicates == 16);
    CHECK(r.bootstrap == 0);
    // The design's normal scores come from the sampler, not from Philox as under mc.
    CHECK(r.parameters[0].shapley != mc.parameters[0].shapley);
    double sum = 0;
    for (const ShapleyEffect& e : r.parameters) {
      sum += e.shapley;
      CHECK(e.hi > e.lo);
      CHECK(e.shapley - e.lo == Approx(e.hi - e.shapley).epsilon(1e-12));  // est ± t·se
    }
    CHECK(sum == Approx(1).epsilon(1e-12));
    CHECK(r.explained == 1);
    CHECK(r.explained_lo == 1);  // no noise: every leave-one-out estimate is exactly 1
    const ShapleyResult r3 = with(forward, sampler, 3);
    const ShapleyResult rev = with(reverse, sampler, 2);
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(r3.parameters[i].shapley == r.parameters[i].shapley);
      CHECK(r3.parameters[i].lo == r.parameters[i].lo);
      CHECK(r3.parameters[i].hi == r.parameters[i].hi);
      const ShapleyEffect& e = r.parameters[i];
      CHECK(effect(rev, e.name).shapley == Approx(e.shapley).epsilon(1e-9));
      CHECK(effect(rev, e.name).hi == Approx(e.hi).epsilon(1e-9));
    }
  }
  // The CLI says which interval it gives.
  const std::string path = std::string(PLANCAST_SOURCE_DIR) + "/tests/cli/cases/sens_corr.yaml";
  std::ostringstream out, err;
  CHECK(cli_sensitivity({path, "--of", "f@2021", "--method", "shapley", "--runs", "320", "--set",
                         "simulation.sampler=sobol", "--json", "-"},
                        out, err) == 0);
  CHECK(out.str().find("\"sampler\": \"sobol\"") != std::string::npos);
  CHECK(out.str().find("\"bootstrap\": 0,\n  \"replicates\": 16") != std::string::npos);
}
