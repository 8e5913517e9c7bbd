// The logistic and count processes (SPEC §2.2, §2.3): closed forms within 4.5 standard
// errors at a fixed seed, strict bounds under extreme draws, exact inversion, input errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/runner.h"
#include "models/count.h"
#include "models/logistic.h"
#include "models/register_builtin.h"
#include "tests/support/run.h"
#include "tests/support/scenarios.h"
#include "tests/support/stats.h"

using namespace plancast;
using namespace plancast::test;

namespace {

/// |estimate − p| in standard errors of a proportion over n runs.
double z_of(double estimate, double p, double n) {
  return std::abs(estimate - p) / std::sqrt(p * (1 - p) / n);
}

std::string errors_of_m(const std::string& yaml) {
  return errors_of(yaml, "m.yaml");
}

std::string head(const std::string& horizon = "2030") {
  return "plancast: 1\nname: m\nbase_year: 2020\nhorizon: " + horizon +
         "\nsimulation: {runs: 10, seed: 1}\nparameters:\n  r: {dist: normal, mean: 0.05, sd: "
         "0.01}\nindicators:\n";
}

}  // namespace

// ---- count ----------------------------------------------------------------------------------

// 13 + Poisson(5 · 3.4 = 17) in 2025: P(N >= 30) = P(Poisson(17) >= 17) = 0.5322617. A
// gamma rate R (mean 3.4, sd 1: shape 11.56, scale 1/3.4) makes the five-year arrivals
// Poisson(5R), a negative binomial with r = 11.56, p = 1/(1 + 5/3.4): P(>= 17) = 0.4902952.
// (Both summed from their pmfs with python3's math module.)
TEST_CASE("count: fixed rate gives Poisson totals, gamma rate negative binomial", "[count][stat]") {
  const Results r = run_text(data_scenario("logistic_count_listings"));
  const double n = 200000;
  const double p_fixed = 0.5322617161261871, p_mixed = 0.490295233067207;
  const double est_fixed = target(r, "fixed_30").p.probability;
  const double est_mixed = target(r, "mixed_30").p.probability;
  INFO("fixed: " << est_fixed << " vs " << p_fixed << ", z = " << z_of(est_fixed, p_fixed, n));
  INFO("mixed: " << est_mixed << " vs " << p_mixed << ", z = " << z_of(est_mixed, p_mixed, n));
  CHECK(z_of(est_fixed, p_fixed, n) < 4.5);
  CHECK(z_of(est_mixed, p_mixed, n) < 4.5);

  // Means and sds: Poisson(3.4 t) has variance 3.4 t; the negative binomial 3.4 t + t² · 1².
  const auto& f = indicator(r, "fixed");
  const auto& m = indicator(r, "mixed");
  CHECK(f.mean[0] == 13.0);
  CHECK(f.sd[0] == 0.0);
  for (std::size_t t = 1; t < f.mean.size(); ++t) {
    const double mu = 13 + 3.4 * static_cast<double>(t);
    const double var_f = 3.4 * static_cast<double>(t);
    const double var_m = var_f + static_cast<double>(t * t);
    CHECK(std::abs(f.mean[t] - mu) < 4.5 * std::sqrt(var_f / n));
    CHECK(std::abs(m.mean[t] - mu) < 4.5 * std::sqrt(var_m / n));
    CHECK(f.sd[t] == Approx(std::sqrt(var_f)).epsilon(0.01));
    CHECK(f.min[t] >= 13.0);
    CHECK(f.min[t] == std::floor(f.min[t]));
    CHECK(f.max[t] == std::floor(f.max[t]));
  }
}

// rate 0, exit q from N0: N_t ~ Binomial(N0, (1−q)^t), mean N0 (1−q)^t. A growing rate with
// no exits: Poisson(Σ rate (1+g)^(s−1)) = Poisson(rate ((1+g)^t − 1) / g). Both together:
// Binomial(N0, (1−q)^t) + Poisson(Σ_s λ_s (1−q)^(t−s)) (each arrival survives independently).
TEST_CASE("count: exits and a growing rate match their closed-form means", "[count][stat]") {
  const Results r = run_text(data_scenario("logistic_count_exits"));
  const double n = 100000;
  const auto& lv = indicator(r, "leaving");
  const auto& gr = indicator(r, "growing");
  const auto& bo = indicator(r, "both");
  double poisson_part = 0;
  for (std::size_t t = 1; t < lv.mean.size(); ++t) {
    const double td = static_cast<double>(t);
    const double keep = std::pow(0.9, td);
    const double var_l = 1000 * keep * (1 - keep);
    INFO("year index " << t);
    CHECK(std::abs(lv.mean[t] - 1000 * keep) < 4.5 * std::sqrt(var_l / n));
    CHECK(lv.sd[t] == Approx(std::sqrt(var_l)).epsilon(0.02));
    CHECK(lv.max[t] <= 1000.0);

    const double lam = 2 * (std::pow(1.1, td) - 1) / 0.1;
    CHECK(std::abs(gr.mean[t] - lam) < 4.5 * std::sqrt(lam / n));

    poisson_part = poisson_part * 0.92 + 40 * std::pow(1.05, td - 1);
    const double keep_b = std::pow(0.92, td);
    const double mean_b = 200 * keep_b + poisson_part;
    const double var_b = 200 * keep_b * (1 - keep_b) + poisson_part;
    CHECK(std::abs(bo.mean[t] - mean_b) < 4.5 * std::sqrt(var_b / n));
    CHECK(bo.sd[t] == Approx(std::sqrt(var_b)).epsilon(0.02));
  }
  // The 10-year figures against numbers worked out by hand, not by the formulas above:
  // 1000 · 0.9^10 = 348.678 (variance 348.678 · 0.651322 = 227.10), 2 (1.1^10 − 1)/0.1 =
  // 31.875 (Poisson: variance 31.875); within 4.5 standard errors.
  REQUIRE(lv.mean.size() == 11);
  CHECK(std::abs(lv.mean[10] - 348.678) < 4.5 * std::sqrt(227.10 / n));
  CHECK(std::abs(gr.mean[10] - 31.875) < 4.5 * std::sqrt(31.875 / n));
}

TEST_CASE("count: same seed gives the same counts, any thread count", "[count]") {
  const std::string yaml = data_scenario("logistic_count_det");
  const Scenario sc = load_scenario_text(yaml, "d.yaml", {}, builtin_registry());
  RunOptions one, four;
  one.threads = 1;
  four.threads = 4;
  CHECK(run(sc, builtin_registry(), one) == run(sc, builtin_registry(), four));
}

TEST_CASE("count: located input errors", "[count]") {
  std::string e = errors_of_m(head() + "  n:\n    base: 13\n    count: {rate: -1}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:11:19: error: rate=-1 (must be >= 0"));
  e = errors_of_m(head() + "  n:\n    base: 13\n    count: {rate: 2, exit: 1.5}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:11:"));
  CHECK_THAT(e, Catch::Contains("exit=1.5 (must be in [0, 1]"));
  e = errors_of_m(head() + "  n:\n    base: 13\n    count: {rate: 2, rate_growth: -1}\n");
  CHECK_THAT(e, Catch::Contains("rate_growth=-1 (must be > -1"));
  e = errors_of_m(head() + "  n:\n    base: 13.5\n    count: {rate: 2}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:10:11: error: base=13.5 (a count starts from a whole"));
  e = errors_of_m(head() + "  n:\n    base: -2\n    count: {rate: 2}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:10:11: error: base=-2"));
  e = errors_of_m(head() + "  n:\n    count: {rate: 2}\n");
  CHECK_THAT(e, Catch::Contains("missing required key 'base'"));
  e = errors_of_m(head() + "  n:\n    base: 1\n    count: {rat: 2}\n");
  CHECK_THAT(e, Catch::Contains("rate"));
  CHECK_THAT(e, Catch::Contains("rat"));
  e = errors_of_m(head() + "  n:\n    base: 1\n    count: {rate: nosuch}\n");
  CHECK_THAT(e, Catch::Contains("nosuch"));
  // A parameter rate and exit load.
  CHECK(errors_of_m(head() +
                    "  n:\n    base: 1\n    count: {rate: r, exit: r, rate_growth: r}\n") == "");
}

// ---- logistic -------------------------------------------------------------------------------

TEST_CASE("logistic: the logit form stays strictly inside (0, cap)", "[logistic]") {
  const double inf = std::numeric_limits<double>::infinity();
  for (const double cap : {1.0, 100.0, 1e-300, 1e300}) {
    for (const double l :
         {-inf, -1e308, -800.0, -745.0, -40.0, -1.0, 0.0, 1.0, 37.0, 40.0, 800.0, 1e308, inf}) {
      const double x = logistic_from_logit(cap, l);
      INFO("cap " << cap << " L " << l << " x " << x);
      CHECK(x > 0);
      CHECK(x < cap);
    }
    CHECK(logistic_from_logit(cap, 0.0) == cap / 2);
  }
  CHECK(logistic_from_logit(100, std::log(20.0 / 80.0)) == Approx(20.0).epsilon(1e-15));
  CHECK(logistic_from_logit(100, 3) + logistic_from_logit(100, -3) == Approx(100).epsilon(1e-15));
}

TEST_CASE("logistic: never leaves (0, cap) under extreme draws", "[logistic][stat]") {
  const Results r = run_text(data_scenario("logistic_count_extreme"));
  for (const auto& [name, cap] : std::vector<std::pair<std::string, double>>{
           {"a", 100}, {"up", 1}, {"down", 1}, {"jumpy", 100}}) {
    const auto& ind = indicator(r, name);
    for (std::size_t t = 0; t < ind.mean.size(); ++t) {
      INFO(name << " year index " << t << " min " << ind.min[t] << " max " << ind.max[t]);
      CHECK(ind.min[t] > 0);
      CHECK(ind.max[t] < cap);
      CHECK(ind.nonfinite[t] == 0);
    }
  }
  for (const auto& t : r.targets) {
    INFO(t.id);
    CHECK(t.p.hits == 0);
  }
  // The draws do push against both bounds: the rounded values sit next to them.
  CHECK(indicator(r, "up").max.back() == std::nextafter(1.0, 0.0));
  CHECK(indicator(r, "down").min.back() < 1e-300);
}

// Constant r, no noise: X_t = cap / (1 + ((cap − X0)/X0) e^(−r t)), the solution of the
// logistic recursion; every run follows it.
TEST_CASE("logistic: the deterministic path is the closed-form S-curve", "[logistic]") {
  const Results r = run_text(data_scenario("logistic_count_scurve"));
  const auto& p = indicator(r, "penetration");
  REQUIRE(p.mean.size() == 21);
  for (std::size_t t = 0; t < p.mean.size(); ++t) {
    const double x = 80 / (1 + (75.0 / 5.0) * std::exp(-0.3 * static_cast<double>(t)));
    INFO("year index " << t);
    CHECK(p.mean[t] == Approx(x).epsilon(1e-12));
    CHECK(p.min[t] == p.max[t]);
  }
  CHECK(p.mean[20] == Approx(77.132).margin(1e-3));  // 80 / (1 + 15 e^-6)
}

// A normal trend m ~ N(0.2, 0.05²) and i.i.d. noise σ = 0.1 make the logit exactly normal:
// L_T ~ N(ln(20/80) + 10·0.2, 100·0.05² + 10·0.1²); P(X_2030 >= 50) = P(L_T >= 0) = 0.850214.
TEST_CASE("logistic: with a normal trend the logit is exactly normal", "[logistic][stat]") {
  const Results r = run_text(data_scenario("logistic_count_logit"));
  const double mu = std::log(20.0 / 80.0) + 2.0;
  const double s = std::sqrt(100 * 0.05 * 0.05 + 10 * 0.1 * 0.1);
  const double p50 = 1 - normal_cdf(-mu / s);
  const double p60 = 1 - normal_cdf((std::log(60.0 / 40.0) - mu) / s);
  CHECK(p50 == Approx(0.850214).margin(1e-6));
  const double e50 = target(r, "half").p.probability, e60 = target(r, "sixty").p.probability;
  INFO("P(>=50) " << e50 << " vs " << p50 << ", z = " << z_of(e50, p50, 200000));
  INFO("P(>=60) " << e60 << " vs " << p60 << ", z = " << z_of(e60, p60, 200000));
  CHECK(z_of(e50, p50, 200000) < 4.5);
  CHECK(z_of(e60, p60, 200000) < 4.5);
}

TEST_CASE("logistic: located input errors", "[logistic]") {
  std::string e =
      errors_of_m(head() + "  p:\n    base: 120\n    logistic: {cap: 100, trend: 0.1}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:10:11: error: base=120 (must be in (0, 100)"));
  e = errors_of_m(head() + "  p:\n    base: 100\n    logistic: {cap: 100, trend: 0.1}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:10:11: error: base=100"));
  e = errors_of_m(head() + "  p:\n    base: 0\n    logistic: {cap: 100, trend: 0.1}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:10:11: error: base=0"));
  e = errors_of_m(head() + "  p:\n    base: 10\n    logistic: {cap: -5, trend: 0.1}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:11:"));
  CHECK_THAT(e, Catch::Contains("cap=-5 (must be > 0"));
  e = errors_of_m(head() + "  p:\n    base: 10\n    logistic: {trend: 0.1}\n");
  CHECK_THAT(e, Catch::Contains("cap"));
  e = errors_of_m(head() + "  p:\n    base: 10\n    logistic: {cap: 100, trend: 0.1, form: log}\n");
  CHECK_THAT(e, Catch::Contains("form"));
  e = errors_of_m(head() +
                  "  p:\n    base: 10\n    logistic: {cap: 100, trend: [{until: 2025, "
                  "rate: r}]}\n");
  CHECK_THAT(e, Catch::Contains("the trend schedule ends in 2025"));
  // A variant that moves the base past the cap is caught as well.
  e = errors_of_m(head() + "  p:\n    base: 10\n    logistic: {cap: 100, trend: r}\n" +
                  "variants:\n  over: {indicators.p.base: 150}\n");
  CHECK_THAT(e, Catch::Contains("base=150"));
  CHECK(errors_of_m(head() + "  p:\n    base: 10\n    logistic: {cap: 100, trend: r, noise: "
                             "{sd: r}}\n") == "");
}
