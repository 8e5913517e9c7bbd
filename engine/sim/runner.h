// The runner: compiles a Scenario once into flat arrays, then simulates fixed-size blocks
// of runs in parallel with oneTBB. Every statistic is merged exactly (integer sketch
// counts, exact sums), so results are byte-identical for any thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/results.h"

namespace plancast {

/// Runs per block. Fixed (never derived from the thread count) so that each run's
/// position in the reductions is the same whatever the parallelism.
inline constexpr std::size_t kBlockSize = 1024;

class UniformSampler;
class ParameterSampler;

/// What an observer sees of one block of runs once all its years are simulated.
/// Arrays are structure-of-arrays with `stride` entries per row; run j of the block is
/// global run first_run + j.
struct BlockView {
  std::uint64_t first_run = 0;
  std::size_t n = 0;
  std::size_t stride = 0;
  const double* params = nullptr;     ///< params[p * stride + j]: the run's parameter values
  const std::uint8_t* met = nullptr;  ///< met[k * stride + j]: 1 if target k was met
  const double* watched = nullptr;    ///< watched[w * stride + j]: value of watch cell w
};

/// Receives every block of runs (for analyses that need per-run outcomes: paired
/// comparisons, sensitivity designs, scenario discovery). on_block is called from several
/// threads at once, for different blocks: write only to storage indexed by run.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_block(const BlockView& block) = 0;
};

/// An (indicator output, year) whose per-run value an observer wants.
struct WatchCell {
  std::string indicator;
  int year = 0;
};

struct RunOptions {
  int threads = 0;  ///< 0: all hardware threads
  /// Called from one thread now and then with runs completed so far (for progress bars).
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  /// Set to true (e.g. by a signal handler) to stop early: run() then throws Interrupted.
  const std::atomic<bool>* cancel = nullptr;
  /// Replaces the scenario's sampler for the parameters' uniforms (e.g. a sensitivity
  /// design). The uniforms still go through the copula and each parameter's inverse CDF.
  /// Must be a pure function of the run index, like every sampler.
  const UniformSampler* uniforms = nullptr;
  /// Receives per-run parameters, target outcomes and watched values, block by block.
  RunObserver* observer = nullptr;
  /// Cells reported in BlockView::watched, in this order. An unknown indicator or a year
  /// outside [base_year, horizon] is a ScenarioError.
  std::vector<WatchCell> watch;
};

class CompiledScenario;

/// Compiles the scenario (names → indices, processes, parameter copula). Throws
/// ScenarioError on problems that only show at compile time.
std::shared_ptr<const CompiledScenario> compile(const Scenario& scenario, const Registry& registry);

/// The scenario a compiled scenario was made from (after variant and --set overrides).
const Scenario& scenario_of(const CompiledScenario& compiled);
/// The compiled parameters: names in scenario order, distributions, copula.
const ParameterSampler& parameters_of(const CompiledScenario& compiled);

/// Simulates scenario.simulation.runs runs and summarises them.
Results run(const CompiledScenario& compiled, const RunOptions& options = {});

/// Convenience: compile + run.
Results run(const Scenario& scenario, const Registry& registry, const RunOptions& options = {});

}  // namespace plancast
