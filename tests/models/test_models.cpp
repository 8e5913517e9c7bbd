// The growth and formula processes' own input checks, located and phrased for the user.
#include <catch2/catch.hpp>

#include <string>

#include "engine/config/scenario.h"
#include "models/register_builtin.h"
#include "tests/support/run.h"

using namespace plancast;
using namespace plancast::test;

namespace {

std::string errors_of_m(const std::string& yaml) {
  return errors_of(yaml, "m.yaml");
}

std::string head(const std::string& horizon = "2030") {
  return "plancast: 1\nname: m\nbase_year: 2020\nhorizon: " + horizon +
         "\nsimulation: {runs: 10, seed: 1}\nparameters:\n  r: {dist: normal, mean: 0.05, sd: "
         "0.01}\n"
         "indicators:\n";
}

}  // namespace

TEST_CASE("growth: a segment needs exactly one of rate or converge_to", "[models]") {
  const std::string e = errors_of_m(
      head() +
      "  x:\n    base: 1\n    growth:\n      trend:\n        - {until: 2030, rate: 0.1, "
      "converge_to: 0.02}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:13:11: error:"));
  CHECK_THAT(e, Catch::Contains("exactly one of 'rate' or 'converge_to'"));
}

TEST_CASE("growth: the first segment cannot converge", "[models]") {
  const std::string e =
      errors_of_m(head() +
                  "  x:\n    base: 1\n    growth:\n      trend:\n        - {until: "
                  "2030, converge_to: 0.02, half_life: 3}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:13:11: error: the first trend segment cannot use"));
}

TEST_CASE("growth: segments must end in increasing years", "[models]") {
  const std::string e = errors_of_m(head() +
                                    "  x:\n    base: 1\n    growth:\n      trend:\n"
                                    "        - {until: 2025, rate: 0.1}\n"
                                    "        - {until: 2024, rate: 0.1}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:14:11: error: until=2024"));
}

TEST_CASE("growth: the schedule must reach the horizon", "[models]") {
  const std::string e = errors_of_m(head() +
                                    "  x:\n    base: 1\n    growth:\n      trend:\n"
                                    "        - {until: 2025, rate: r}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:13:11: error: the trend schedule ends in 2025 but the "
                                "horizon is 2030"));
}

TEST_CASE("growth: noise and shock ranges", "[models]") {
  const std::string e = errors_of_m(head() +
                                    "  x:\n    base: 1\n    growth: {trend: 0.1, noise: {sd: 0.1, "
                                    "persistence: 1.0}, shocks: {probability: 1.5, size: -0.1}}\n");
  CHECK_THAT(e, Catch::Contains("persistence=1"));
  CHECK_THAT(e, Catch::Contains("probability=1.5"));
  CHECK_THAT(e, Catch::Contains("m.yaml:11:"));
}

TEST_CASE("growth: unknown form and unknown key", "[models]") {
  std::string e = errors_of_m(head() + "  x:\n    base: 1\n    growth: {trend: 0.1, form: logg}\n");
  CHECK_THAT(e, Catch::Contains("form 'logg' is not known"));
  e = errors_of_m(head() + "  x:\n    base: 1\n    growth: {trend: 0.1, noize: {sd: 0.1}}\n");
  CHECK_THAT(e, Catch::Contains("noize"));
  CHECK_THAT(e, Catch::Contains("noise"));
}

TEST_CASE("growth: a rate naming something that is not a parameter", "[models]") {
  const std::string e = errors_of_m(head() + "  x:\n    base: 1\n    growth: {trend: rr}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:11:21: error:"));
  CHECK_THAT(e, Catch::Contains("'rr'"));
}

TEST_CASE("formula: syntax errors point into the expression", "[models]") {
  const std::string e = errors_of_m(head() +
                                    "  x: {base: 1, growth: {trend: 0.1}}\n"
                                    "  y: {formula: x +* 2}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:10:19: error:"));  // at the '*'

  CHECK_THAT(e, Catch::Contains("formula 'x +* 2'"));
}

TEST_CASE("formula: unknown names and cycles", "[models]") {
  std::string e = errors_of_m(head() + "  y: {formula: 2 * xx}\n");
  CHECK_THAT(e, Catch::Contains("m.yaml:9:20: error: unknown name 'xx'"));  // at the name
  e = errors_of_m(head() + "  a: {formula: b + 1}\n  b: {formula: a * 2}\n");
  // At the first indicator of the cycle, naming the whole loop.
  CHECK_THAT(e, Catch::Contains("m.yaml:9:3: error: dependency cycle: a -> b -> a"));
}

TEST_CASE("formula: a base value is refused", "[models]") {
  const std::string e = errors_of_m(head() + "  y: {base: 3, formula: r * 2}\n");
  CHECK_THAT(e, Catch::Contains("base"));
}

TEST_CASE("a scenario using growth and formula loads", "[models]") {
  CHECK(errors_of_m(head() + "  x:\n    base: 1\n    growth:\n      trend:\n"
                             "        - {until: 2025, rate: r}\n"
                             "        - {until: 2030, converge_to: 0.02, half_life: 3}\n"
                             "      noise: {sd: 0.02, persistence: 0.3}\n"
                             "      shocks: {probability: 0.05, size: {dist: uniform, min: -0.15, "
                             "max: -0.03}}\n"
                             "  y: {formula: 100 * x / (x + 1)}\n") == "");
}
