// The runner: compiles a Scenario once into flat arrays, then simulates fixed-size blocks
// of runs in parallel with oneTBB. Every statistic is merged exactly (integer sketch
// counts, exact sums), so results are byte-identical for any thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "engine/config/scenario.h"
#include "engine/sim/results.h"

namespace plancast {

/// Runs per block. Fixed (never derived from the thread count) so that each run's
/// position in the reductions is the same whatever the parallelism.
inline constexpr std::size_t kBlockSize = 1024;

struct RunOptions {
  int threads = 0;  ///< 0: all hardware threads
  /// Called from one thread now and then with runs completed so far (for progress bars).
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  /// Set to true (e.g. by a signal handler) to stop early: run() then throws Interrupted.
  const std::atomic<bool>* cancel = nullptr;
};

class CompiledScenario;

/// Compiles the scenario (names → indices, processes, parameter copula). Throws
/// ScenarioError on problems that only show at compile time.
std::shared_ptr<const CompiledScenario> compile(const Scenario& scenario, const Registry& registry);

/// Simulates scenario.simulation.runs runs and summarises them.
Results run(const CompiledScenario& compiled, const RunOptions& options = {});

/// Convenience: compile + run.
Results run(const Scenario& scenario, const Registry& registry, const RunOptions& options = {});

}  // namespace plancast
