// Sobol indices with process noise (issue 14 part 3): the runs' own randomness is one more
// factor of the Saltelli design, so S1 is Var E[f | x_i] / Var f (docs/analysis.md) and the
// noise gets its own S1 and ST. Checked against the closed forms of f = x1·e^ε + x2.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>

#include "engine/analysis/sensitivity.h"
#include "engine/cli/cli.h"
#include "engine/config/scenario.h"
#include "models/register_builtin.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using plancast::test::data_scenario;

namespace {

// f@2021 = x1·exp(ε) + x2 with x1, x2 ~ U(0, 1) and ε ~ N(0, 0.5²) the yearly noise of a
// log-form growth path from 1 (trend 0).
const std::string kNoisy = data_scenario("sobol_noise_noisy");

/// The exact indices of f = x1·e^ε + x2: with m1 = E e^ε = e^(σ²/2), m2 = E e^(2ε) = e^(2σ²),
/// E x = 1/2, E x² = 1/3, Var x = 1/12:
///   V           = m2/3 − m1²/4 + 1/12
///   S1(x1)      = Var(m1·x1) / V                 = m1²/12 / V
///   ST(x1)      = E_ε Var_x1(x1·e^ε) / V         = m2/12 / V
///   S1 = ST(x2) = (1/12) / V
///   S1(noise)   = Var(e^ε · E x1) / V            = (m2 − m1²)/4 / V
///   ST(noise)   = E_x1 Var_ε(x1·e^ε) / V         = (m2 − m1²)/3 / V
/// σ = 0.5: V = 0.31190, S1 = 0.34306 / 0.26718 / 0.29232, ST = 0.44050 / 0.26718 / 0.38976.
/// Sharing each run's noise between A, B and AB_i (the old design) gives S1(x1) = ST(x1)
/// = 0.4405: the x1-noise interaction counted as x1's own effect.
struct Exact {
  double v, s1_x1, st_x1, s_x2, s1_noise, st_noise;
};
Exact exact(double sigma) {
  const double m1 = std::exp(sigma * sigma / 2), m2 = std::exp(2 * sigma * sigma);
  const double v = m2 / 3 - m1 * m1 / 4 + 1.0 / 12;
  return {v,
          m1 * m1 / 12 / v,
          m2 / 12 / v,
          1.0 / 12 / v,
          (m2 - m1 * m1) / 4 / v,
          (m2 - m1 * m1) / 3 / v};
}

/// Standard error from a bootstrap 95% interval.
double se_of(double lo, double hi) {
  return (hi - lo) / (2 * 1.959963984540054);
}

void check_close(const char* what, double est, double lo, double hi, double truth) {
  const double se = se_of(lo, hi);
  INFO(what << ": " << est << " [" << lo << ", " << hi << "] (se " << se << "), exact " << truth);
  CHECK(se > 0);
  CHECK(se < 0.02);  // the design is large enough to tell 0.34 from 0.44 by far
  CHECK(std::abs(est - truth) < 4.5 * se);
}

}  // namespace

TEST_CASE("Sobol with process noise: S1 is Var E[f|x_i]/V, the noise is a factor",
          "[sensitivity][stat]") {
  const Scenario sc = load_scenario_text(kNoisy, "noisy.yaml", {}, builtin_registry());
  const Exact ex = exact(0.5);
  REQUIRE(ex.s1_x1 == Approx(0.34306).margin(1e-5));
  SensitivityOptions o;
  o.runs = 20000;
  const SobolResult r = sobol_sensitivity(sc, builtin_registry(), resolve_output(sc, "f@2021"), o);
  REQUIRE(r.parameters.size() == 2);
  CHECK(r.total_runs == 20000u * 5u);
  CHECK(r.noise_seed != r.seed);
  CHECK_FALSE(r.correlated);
  const SobolIndex& x1 = r.parameters[0];
  const SobolIndex& x2 = r.parameters[1];
  // The variance of the output itself, against its closed form (relative se about 1%).
  CHECK(std::abs(r.variance - ex.v) < 0.05 * ex.v);
  check_close("S1(x1)", x1.s1, x1.s1_lo, x1.s1_hi, ex.s1_x1);
  check_close("ST(x1)", x1.st, x1.st_lo, x1.st_hi, ex.st_x1);
  check_close("S1(x2)", x2.s1, x2.s1_lo, x2.s1_hi, ex.s_x2);
  check_close("ST(x2)", x2.st, x2.st_lo, x2.st_hi, ex.s_x2);
  check_close("S1(noise)", r.noise.s1, r.noise.s1_lo, r.noise.s1_hi, ex.s1_noise);
  check_close("ST(noise)", r.noise.st, r.noise.st_lo, r.noise.st_hi, ex.st_noise);
  // The x1-noise interaction is now visible as ST - S1 of both factors.
  CHECK(x1.st - x1.s1 > 0.05);
  CHECK(r.noise.st - r.noise.s1 > 0.05);
}

TEST_CASE("Sobol: a scenario without noise gives the noise factor exactly 0", "[sensitivity]") {
  const Scenario sc =
      load_scenario_text(data_scenario("sobol_noise_plain"), "plain.yaml", {}, builtin_registry());
  SensitivityOptions o;
  o.runs = 2000;
  const SobolResult r = sobol_sensitivity(sc, builtin_registry(), resolve_output(sc, "f@2021"), o);
  CHECK(r.noise.s1 == 0);
  CHECK(r.noise.st == 0);
  CHECK(r.noise.s1_lo == 0);
  CHECK(r.noise.st_hi == 0);
}

TEST_CASE("plancast sensitivity: the noise row and JSON object", "[sensitivity][cli]") {
  const std::string path = std::string(PLANCAST_SOURCE_DIR) + "/tests/cli/cases/sens_noise.yaml";
  std::ostringstream out, err;
  CHECK(cli_sensitivity({path, "--of", "f@2021", "--runs", "2000", "--json", "-"}, out, err) == 0);
  const std::string j = out.str();
  CHECK(j.find("\"noise\": {") != std::string::npos);
  CHECK(j.find("\"order_dependent\": false") != std::string::npos);
  std::ostringstream t, e2;
  CHECK(cli_sensitivity({path, "--of", "f@2021", "--runs", "2000"}, t, e2) == 0);
  CHECK(t.str().find("\n(noise and shocks) ") != std::string::npos);
  CHECK(t.str().find("--method shapley") == std::string::npos);
}
