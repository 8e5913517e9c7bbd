// libFuzzer target: formula compilation and evaluation. The input is the text of one
// `formula:` (any bytes), placed in a small scenario with two parameters and two
// indicators it may refer to; the scenario is loaded, compiled and run for a few runs.
// Anything but a loaded-and-run scenario or a ScenarioError/RunError is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

namespace {

/// The input as a YAML double-quoted scalar (every byte escaped where needed), so that the
/// formula text reaches the formula parser unchanged.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

const char* const kHead = R"(plancast: 1
name: fuzz-formula
base_year: 2020
horizon: 2023
parameters:
  g: {dist: normal, mean: 0.05, sd: 0.01}
  p: {dist: uniform, min: 0, max: 1}
indicators:
  a:
    base: 100
    growth: {trend: [{until: 2023, rate: g}]}
  b:
    base: 50
    growth: {trend: [{until: 2023, rate: 0.02}], noise: {sd: 0.01}}
  f:
    formula: )";

const char* const kTail = R"(
targets:
  - {id: t, indicator: f, year: 2023, at_least: 1}
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace plancast;
  if (size > 4096) return 0;  // formulas are short; keep the search on them
  const std::string expr(reinterpret_cast<const char*>(data), size);
  const std::string text = std::string(kHead) + quoted(expr) + kTail;
  try {
    Scenario s = load_scenario_text(text, "fuzz.yaml", LoadOptions{}, builtin_registry());
    s.simulation.runs = 8;
    RunOptions opts;
    opts.threads = 1;
    (void)run(s, builtin_registry(), opts);
  } catch (const ScenarioError&) {
  } catch (const RunError&) {
  }
  return 0;
}
