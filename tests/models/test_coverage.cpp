// The coverage process (issue 17, part 2): P(all covered by T) = (1 − (1 − h)^T)^U and the
// one-year binomial law within 5 standard errors at a fixed seed, exactly 100 reached, the
// hazard schedule, the audit's required hazard, bad input.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include <boost/math/distributions/binomial.hpp>

#include "engine/analysis/audit.h"
#include "engine/config/scenario.h"
#include "models/coverage.h"
#include "tests/support/run.h"

using namespace plancast;
using namespace plancast::test;

namespace {

/// |estimate − p| in standard errors of a proportion over n runs.
double z_of(double estimate, double p, double n) {
  return std::abs(estimate - p) / std::sqrt(p * (1 - p) / n);
}

constexpr double kRuns = 100000;

/// 50 units, 10 covered in 2020 (base 20%): U₀ = 40 uncovered.
std::string scenario(const std::string& hazard, const std::string& targets) {
  return "plancast: 1\nname: cov\nbase_year: 2020\nhorizon: 2030\n"
         "simulation: {runs: 100000, seed: 11}\n"
         "indicators:\n  reach: {unit: '%', base: 20, coverage: {units: 50, hazard: " +
         hazard + "}}\ntargets:\n" + targets;
}

/// (1 − (1 − h)^T)^U.
double all_covered(double h, int years, double uncovered) {
  return std::pow(1 - std::pow(1 - h, years), uncovered);
}

}  // namespace

TEST_CASE("coverage: P(all covered by T) = (1 - (1 - h)^T)^U at a constant hazard",
          "[coverage][stat]") {
  const Results r = run_text(scenario("0.3",
                                      "  - {id: full_2028, indicator: reach, year: 2028, "
                                      "at_least: 100}\n"
                                      "  - {id: full_2030, indicator: reach, year: 2030, "
                                      "at_least: 100}\n"));
  for (const auto& [id, years] : {std::pair<std::string, int>{"full_2028", 8}, {"full_2030", 10}}) {
    const double p = all_covered(0.3, years, 40);
    const double est = target(r, id).p.probability;
    INFO(id << ": " << est << " vs " << p << ", z = " << z_of(est, p, kRuns));
    CHECK(z_of(est, p, kRuns) < 5);
  }
  // The value reaches exactly 100 (not 99.999...), and never leaves [base, 100].
  const auto& x = indicator(r, "reach");
  CHECK(x.max.back() == 100.0);
  CHECK(x.mean[0] == 20.0);
  for (std::size_t t = 0; t < x.mean.size(); ++t) {
    CHECK(x.min[t] >= 20.0);
    CHECK(x.max[t] <= 100.0);
    // E X_t = 100 − 80 (1 − h)^t, within 5 standard errors (sd ≤ 2 sqrt(40 / 4) per run).
    const double expected = 100 - 80 * std::pow(0.7, static_cast<double>(t));
    CHECK(std::abs(x.mean[t] - expected) <= 5 * x.sd[t] / std::sqrt(kRuns) + 1e-12);
  }
}

TEST_CASE("coverage: the first year's newly covered units are Binomial(U, h)", "[coverage][stat]") {
  // X_2021 = 100 (10 + K) / 50, K ~ Binomial(40, 0.3): P(X >= 2 (10 + k)) = P(K >= k).
  const Results r =
      run_text(scenario("0.3",
                        "  - {id: k8, indicator: reach, year: 2021, at_least: 36}\n"
                        "  - {id: k12, indicator: reach, year: 2021, at_least: 44}\n"
                        "  - {id: k15, indicator: reach, year: 2021, at_least: 50}\n"
                        "  - {id: k18, indicator: reach, year: 2021, at_least: 56}\n"));
  const boost::math::binomial_distribution<double> law(40, 0.3);
  for (const auto& [k, id] :
       {std::pair<int, const char*>{8, "k8"}, {12, "k12"}, {15, "k15"}, {18, "k18"}}) {
    const double p = 1 - boost::math::cdf(law, k - 1);
    const double est = target(r, id).p.probability;
    INFO("K >= " << k << ": " << est << " vs " << p << ", z = " << z_of(est, p, kRuns));
    CHECK(z_of(est, p, kRuns) < 5);
  }
  // The sd of the first year: 2 sqrt(40 · 0.3 · 0.7).
  CHECK(indicator(r, "reach").sd[1] == Approx(2 * std::sqrt(8.4)).epsilon(0.01));
}

TEST_CASE("coverage: a hazard schedule reuses growth's trend segments", "[coverage][stat]") {
  // No unit is reached up to 2022, then h = 0.3 for 8 years.
  const Results r =
      run_text(scenario("[{until: 2022, rate: 0}, {until: 2030, rate: 0.3}]",
                        "  - {id: full, indicator: reach, year: 2030, at_least: 100}\n"));
  const double p = all_covered(0.3, 8, 40);
  const double est = target(r, "full").p.probability;
  INFO(est << " vs " << p);
  CHECK(z_of(est, p, kRuns) < 5);
  const auto& x = indicator(r, "reach");
  CHECK(x.max[2] == 20.0);  // nobody reached in 2021-2022
  CHECK(x.min[3] >= 20.0);
}

TEST_CASE("coverage: hazard 1 covers everything in a year; results do not depend on threads",
          "[coverage]") {
  const std::string yaml =
      scenario("1", "  - {id: full, indicator: reach, year: 2021, at_least: 100}\n");
  const Results r = run_text(yaml, 1);
  CHECK(indicator(r, "reach").mean[1] == 100.0);
  CHECK(target(r, "full").p.probability == 1.0);
  const Results a = run_text(scenario("0.05",
                                      "  - {id: t, indicator: reach, year: 2030, "
                                      "at_least: 60}\n"),
                             1);
  const Results b = run_text(scenario("0.05",
                                      "  - {id: t, indicator: reach, year: 2030, "
                                      "at_least: 60}\n"),
                             3);
  CHECK(indicator(a, "reach").mean == indicator(b, "reach").mean);
  CHECK(indicator(a, "reach").sd == indicator(b, "reach").sd);
}

TEST_CASE("coverage: the base is rounded to a whole number of units", "[coverage]") {
  CHECK(covered_at_base(3, 33.3) == 1);
  CHECK(covered_at_base(1000, 37.5) == 375);
  CHECK(covered_at_base(3, 100) == 3);
  const Results r = run_text(
      "plancast: 1\nname: c\nbase_year: 2020\nhorizon: 2021\nsimulation: {runs: 10}\n"
      "indicators:\n  c: {base: 33.3, coverage: {units: 3, hazard: 0}}\n");
  CHECK(indicator(r, "c").mean[0] == 100.0 / 3);
}

TEST_CASE("coverage: audit gives the hazard a full-coverage target needs", "[coverage][audit]") {
  const Scenario sc =
      load_text(scenario("0.3",
                         "  - {id: full, indicator: reach, year: 2030, at_least: 100}\n"
                         "  - {id: half, indicator: reach, year: 2030, at_least: 60}\n"));
  const AuditReport rep = audit_scenario(sc);
  const AuditFinding* full = nullptr;
  const AuditFinding* half = nullptr;
  for (const AuditFinding& f : rep.findings) {
    if (f.kind == "target" && f.subject == "full") full = &f;
    if (f.kind == "target" && f.subject == "half") half = &f;
  }
  REQUIRE(full);
  REQUIRE(half);
  // (1 − (1 − h)^10)^40 = 1/2.
  const double h = 1 - std::pow(1 - std::pow(0.5, 1.0 / 40), 1.0 / 10);
  CHECK(full->value("required_rate") == Approx(h).epsilon(1e-12));
  CHECK(all_covered(full->value("required_rate"), 10, 40) == Approx(0.5).epsilon(1e-12));
  CHECK(full->value("uncovered_units") == 40);
  INFO(full->message);
  CHECK(full->message.find("full coverage: all 40 units not yet covered") != std::string::npos);
  // 60%: the expected uncovered share 80 (1 − h)^10 = 40.
  CHECK(half->value("required_rate") == Approx(1 - std::pow(0.5, 0.1)).epsilon(1e-12));
}

TEST_CASE("coverage: bad input is located", "[coverage]") {
  auto err = [](const std::string& body) {
    return errors_of(
        "plancast: 1\nname: c\nbase_year: 2020\nhorizon: 2025\n"
        "parameters:\n  h: {dist: uniform, min: 0, max: 1}\n"
        "indicators:\n  c: " +
            body + "\n",
        "c.yaml");
  };
  CHECK(err("{base: 10, coverage: {units: 100, hazard: h}}").empty());
  CHECK(err("{base: 10, coverage: {units: 100, hazard: 1.5}}")
            .find("c.yaml:8:48: error: hazard=1.5 (must be in [0, 1]") != std::string::npos);
  CHECK(err("{base: 10, coverage: {units: 100, hazard: [{until: 2025, rate: -0.1}]}}")
            .find("hazard=-0.1 (must be in [0, 1]") != std::string::npos);
  CHECK(err("{base: 10, coverage: {units: 0, hazard: 0.1}}")
            .find("units=0 (must be a whole number from 1") != std::string::npos);
  CHECK(err("{base: 10, coverage: {units: 2.5, hazard: 0.1}}")
            .find("units=2.5 (must be a whole number") != std::string::npos);
  CHECK(err("{base: 120, coverage: {units: 100, hazard: 0.1}}")
            .find("c.yaml:8:13: error: base=120 (must be in [0, 100]") != std::string::npos);
  CHECK(err("{base: 10, coverage: {units: 100, hazard: [{until: 2023, rate: 0.1}]}}")
            .find("the trend schedule ends in 2023 but the horizon is 2025") != std::string::npos);
  CHECK(err("{base: 10, coverage: {units: 100, hazzard: 0.1}}").find("hazzard") !=
        std::string::npos);
}
