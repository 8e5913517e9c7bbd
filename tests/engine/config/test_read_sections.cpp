// The scenario readers of issue 15: the distribution grammar's family list, the mean/sd
// forms read once for lognormal and gamma, and the trend schedule checked in one place
// (the loader's check, which compile() repeats for a scenario changed after loading).
#include <catch2/catch.hpp>

#include <string>

#include "engine/config/read_distribution.h"
#include "engine/config/scenario.h"
#include "engine/random/distribution_spec.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

using namespace plancast;

namespace {

/// Reads `yaml` as a distribution map: the spec, or the error text.
std::string read_dist(const std::string& yaml, DistSpec* out = nullptr) {
  DiagnosticList diags;
  NodeReader r(YAML::Load(yaml), diags, "d.yaml", "p");
  const auto d = read_distribution(r);
  if (d && out) *out = *d;
  std::string text;
  for (const auto& item : diags.items()) text += item.str() + "\n";
  return text;
}

std::string compile_error(const Scenario& sc) {
  try {
    compile(sc, builtin_registry());
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("every distribution family is named once, and found by its name", "[config]") {
  std::string known;
  for (const DistFamily f : kDistFamilies) {
    CHECK(dist_family_named(to_string(f)) == f);
    known += (known.empty() ? "" : ", ") + std::string(to_string(f));
  }
  CHECK(!dist_family_named("Normal"));
  CHECK(known ==
        "fixed, normal, lognormal, uniform, triangular, pert, beta, gamma, student_t, "
        "empirical, choice, quantiles");
  CHECK_THAT(read_dist("{dist: nromal, mean: 0, sd: 1}"),
             Catch::Contains("d.yaml:1:8: error: unknown distribution 'nromal' (did you mean "
                             "'normal'? known: " +
                             known + ")"));
}

TEST_CASE("lognormal and gamma read their mean/sd form the same way", "[config]") {
  DistSpec d;
  CHECK(read_dist("{dist: gamma, mean: 2, sd: 1}", &d).empty());
  CHECK(d.family == DistFamily::gamma);
  CHECK(d.shape == 4.0);
  CHECK(d.scale == 0.5);
  CHECK(read_dist("{dist: lognormal, mean: 1, sd: 0.5}", &d).empty());
  CHECK(d.sigma == std::sqrt(std::log1p(0.25)));
  CHECK(d.mu == -std::log1p(0.25) / 2);

  CHECK(read_dist("{dist: gamma, mean: -2, sd: 1}") ==
        "d.yaml:1:21: error: mean=-2 (must be > 0; a gamma value is positive)\n");
  CHECK(read_dist("{dist: lognormal, mean: 1, sd: 0}") ==
        "d.yaml:1:32: error: sd=0 (must be > 0; use dist: fixed for a constant)\n");
  CHECK(read_dist("{dist: gamma, shape: 2, mean: 1}") ==
        "d.yaml:1:1: error: gamma takes either shape/scale or mean/sd, not both\n");
}

TEST_CASE("compile checks the trend schedule with the loader's own check", "[config]") {
  const std::string yaml =
      "plancast: 1\nname: m\nbase_year: 2020\nhorizon: 2030\nsimulation: {runs: 10}\n"
      "indicators:\n  x:\n    base: 1\n    growth:\n      trend:\n"
      "        - {until: 2025, rate: 0.02}\n        - {until: 2030, rate: 0.01}\n";
  const Scenario loaded = load_scenario_text(yaml, "m.yaml", {}, builtin_registry());
  CHECK(compile_error(loaded).empty());

  Scenario later = loaded;  // a horizon moved past the schedule after loading
  later.horizon = 2035;
  CHECK(compile_error(later) ==
        "m.yaml:12:11: error: the trend schedule ends in 2030 but the horizon is 2035 (add a "
        "segment {until: 2035, ...})");
  Scenario earlier = loaded;  // a base year moved past the first segment
  earlier.base_year = 2026;
  CHECK(compile_error(earlier) ==
        "m.yaml:11:11: error: trend segment ends in 2025, not after the base year 2026 (it "
        "would cover no simulated year)");
}
