// The rate model's hoisted loops (models/rate_loops.cpp) against its general loop
// (RateModel::rates): a noise sd, persistence or half-life given as a parameter of a fixed
// distribution takes the general loop, the same number written in the file the hoisted one.
// Both must give the same bits, in every segment kind: a rate, a converging trend, with and
// without noise and shocks, for growth and logistic.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/run.h"

using namespace plancast;
using namespace plancast::test;

namespace {

/// A scenario whose noise sd and persistence and whose half-life are `sd`, `phi` and `h`:
/// numbers, or the names of the fixed parameters below.
std::string scenario(const std::string& sd, const std::string& phi, const std::string& h) {
  return "plancast: 1\nname: loops\nbase_year: 2020\nhorizon: 2032\n"
         "simulation: {runs: 3000, seed: 77}\n"
         "parameters:\n"
         "  g: {dist: normal, mean: 0.06, sd: 0.02}\n"
         "  lr: {dist: uniform, min: 0.01, max: 0.04}\n"
         "  sdp: {dist: fixed, value: 0.03}\n"
         "  phip: {dist: fixed, value: 0.4}\n"
         "  hp: {dist: fixed, value: 3}\n"
         "events:\n  bad: {probability: 0.1}\n"
         "indicators:\n"
         "  plain:\n    base: 100\n    growth:\n      trend:\n"
         "        - {until: 2025, rate: g}\n"
         "        - {until: 2032, converge_to: lr, half_life: " +
         h +
         "}\n"
         "  noisy:\n    base: 100\n    growth:\n      trend:\n"
         "        - {until: 2025, rate: g}\n"
         "        - {until: 2032, converge_to: 0.02, half_life: " +
         h +
         "}\n"
         "      noise: {sd: " +
         sd + ", persistence: " + phi +
         "}\n"
         "  shocked:\n    base: 100\n    growth:\n      trend:\n"
         "        - {until: 2025, rate: g}\n"
         "        - {until: 2032, converge_to: lr, half_life: " +
         h +
         "}\n"
         "      noise: {sd: " +
         sd + ", persistence: " + phi +
         "}\n"
         "      shocks: {probability: 0.2, size: {dist: uniform, min: -0.1, max: -0.02}}\n"
         "  evented:\n    base: 50\n    growth:\n      trend:\n"
         "        - {until: 2027, rate: 0.05}\n"
         "        - {until: 2032, converge_to: lr, half_life: " +
         h +
         "}\n"
         "      noise: {sd: " +
         sd +
         "}\n"
         "      shocks: {event: bad, size: {dist: uniform, min: -0.08, max: -0.01}}\n"
         "  adoption:\n    unit: '%'\n    base: 40\n    logistic:\n      cap: 100\n"
         "      trend:\n"
         "        - {until: 2025, rate: 0.15}\n"
         "        - {until: 2032, converge_to: 0.05, half_life: " +
         h +
         "}\n"
         "      noise: {sd: " +
         sd + "}\n";
}

}  // namespace

TEST_CASE("the rate model's hoisted loops give the general loop's bits", "[models][rate]") {
  const Results hoisted = run_text(scenario("0.03", "0.4", "3"), 2);
  const Results general = run_text(scenario("sdp", "phip", "hp"), 2);
  for (const char* name : {"plain", "noisy", "shocked", "evented", "adoption"}) {
    INFO(name);
    const IndicatorResult& a = indicator(hoisted, name);
    const IndicatorResult& b = indicator(general, name);
    CHECK(a.mean == b.mean);
    CHECK(a.sd == b.sd);
    CHECK(a.min == b.min);
    CHECK(a.max == b.max);
    CHECK(a.quantiles == b.quantiles);
  }
  // The noise matters (so the comparison would see a loop that dropped it).
  CHECK(indicator(hoisted, "noisy").sd != indicator(hoisted, "plain").sd);
}
