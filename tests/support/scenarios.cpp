#include "tests/support/scenarios.h"

namespace plancast::test {

const char* const kLognormal = R"(plancast: 1
name: lognormal
base_year: 2020
horizon: 2030
simulation: {runs: 200000, seed: 7}
parameters:
  trend: {dist: normal, mean: 0.05, sd: 0.02}
indicators:
  x:
    base: 100
    growth: {trend: trend, noise: {sd: 0.03}, form: log}
targets:
  - {id: x_170, indicator: x, year: 2030, at_least: 170}
)";

const char* const kThreshold = R"(plancast: 1
name: threshold
base_year: 2020
horizon: 2021
simulation: {runs: 100000, seed: 3}
parameters:
  a: {dist: uniform, min: 0, max: 1}
  b: {dist: uniform, min: 0, max: 1}
indicators:
  x: {formula: a}
targets:
  - {id: x_03, indicator: x, year: 2021, at_least: 0.3}
)";

}  // namespace plancast::test
