// The contract between the engine and the processes (engine/core/process.h, issue 15 part
// 3): what each hook receives and answers, for every built-in process.
#include <catch2/catch.hpp>

#include <string>

#include "engine/config/scenario.h"
#include "engine/core/process.h"
#include "models/register_builtin.h"

using namespace plancast;

namespace {

const char* kTwo = R"(plancast: 1
name: contract
base_year: 2020
horizon: 2025
simulation: {runs: 10, seed: 1}
indicators:
  pen: {base: 50, logistic: {cap: 100, trend: 0.1}}
  firms: {base: 13, count: {rate: 2}}
)";

/// The errors check() reports for `self`, a copy of indicator `name` with base `base`.
std::string check_with_base(const std::string& name, double base) {
  const Scenario sc = load_scenario_text(kTwo, "contract.yaml", {}, builtin_registry());
  IndicatorSpec self = *sc.find_indicator(name);
  self.base = base;
  self.base_loc = SourceLoc{"contract.yaml", 99, 1};
  DiagnosticList diags;
  self.spec->check(sc, self, diags);
  std::string out;
  for (const Diagnostic& d : diags.items()) out += d.str() + "\n";
  return out;
}

}  // namespace

// check(scenario, self, diags): a process judges the indicator it is given, not the one it
// finds by searching the scenario for itself (the loaded scenario's bases are sound).
TEST_CASE("check() judges the indicator it is given", "[process]") {
  CHECK_THAT(check_with_base("pen", 120),
             Catch::Contains("contract.yaml:99:1: error: base=120 (must be in (0, 100)"));
  CHECK_THAT(check_with_base("firms", 2.5),
             Catch::Contains("contract.yaml:99:1: error: base=2.5 (a count starts from a whole"));
  CHECK(check_with_base("pen", 60).empty());
  CHECK(check_with_base("firms", 4).empty());
}
