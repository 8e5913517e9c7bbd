// count at large means (docs/models/count.md): the draws are exact at any mean (the samplers'
// own fit tests are tests/engine/random/test_discrete.cpp); here, the located refusal of
// rates past 10^15, and a run at 10^12 a year.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/runner.h"
#include "models/count.h"
#include "models/register_builtin.h"

using namespace plancast;

TEST_CASE("count: a rate past 1e15 is refused where it is written", "[count]") {
  const std::string head = R"(plancast: 1
name: big
base_year: 2020
horizon: 2025
indicators:
)";
  auto errors_of = [&](const std::string& body) -> std::string {
    try {
      load_scenario_text(head + body, "b.yaml", {}, builtin_registry());
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "";
  };
  CHECK_THAT(errors_of("  n: {base: 0, count: {rate: 4e15}}\n"),
             Catch::Contains("b.yaml:6:30: error: rate=4e+15 (at most 1e15 arrivals a year"));
  CHECK(errors_of("  n: {base: 0, count: {rate: 1e15}}\n").empty());
  // A run at a rate of 1e12 a year: whole numbers, the first year's mean within 5 se.
  const Scenario sc = load_scenario_text(
      head + "  n: {base: 0, count: {rate: 1e12, exit: 0.03}}\nsimulation: {runs: 2000}\n",
      "b.yaml", {}, builtin_registry());
  const Results r = run(sc, builtin_registry());
  const double mean1 = r.indicators.at(0).mean.at(1);
  CHECK(std::fabs(mean1 - 1e12) < 5 * std::sqrt(1e12 / 2000));
}

TEST_CASE("count: rejection draws give the same counts for any thread count", "[count]") {
  // Means and exits where PTRS and BTRS reject now and then (so further words are read):
  // the runs' values are a pure function of their coordinates.
  const Scenario sc = load_scenario_text(R"(plancast: 1
name: big
base_year: 2020
horizon: 2030
simulation: {runs: 3000, seed: 11}
parameters:
  r: {dist: gamma, mean: 400, sd: 300}
indicators:
  n: {base: 5000, count: {rate: r, rate_growth: 0.2, exit: 0.3}}
  m: {base: 0, count: {rate: 1e12, exit: 0.6}}
)",
                                         "b.yaml", {}, builtin_registry());
  RunOptions one, three;
  one.threads = 1;
  three.threads = 3;
  CHECK(run(sc, builtin_registry(), one) == run(sc, builtin_registry(), three));
}
