// libFuzzer target: the scenario loader and validator (every variant), then compile and a
// tiny run of whatever loads. Any input must end in a loaded scenario or a ScenarioError
// (or RunError while running); anything else (crash, other exception, sanitizer report,
// leak, hang) is a finding. Build: tests/fuzz/run.sh (clang-14, -DPLANCAST_FUZZ=ON).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

namespace {
// Runs of the tiny simulation of a loaded input: enough to exercise every process once.
constexpr std::uint64_t kFuzzRuns = 8;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace plancast;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    Scenario s = load_scenario_text(text, "fuzz.yaml", LoadOptions{}, builtin_registry());
    s.simulation.runs = kFuzzRuns;
    RunOptions opts;
    opts.threads = 1;
    (void)run(s, builtin_registry(), opts);
  } catch (const ScenarioError& e) {
    // Every diagnostic must be located in the input (or name the whole file).
    for (const auto& d : e.diagnostics()) {
      if (d.loc.file != "fuzz.yaml" || d.loc.line < 0 || d.loc.col < 0) __builtin_trap();
    }
  } catch (const RunError&) {
  }
  return 0;
}
