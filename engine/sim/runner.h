// The runner: compiles a Scenario once into flat arrays, then simulates fixed-size blocks
// of runs in parallel with oneTBB. Every statistic is merged exactly (integer sketch
// counts, exact sums), so results are byte-identical for any thread count. Each function
// here builds its threads' workers afresh; a caller that simulates one compiled scenario
// many times keeps a Simulator (engine/sim/simulator.h) instead. Implementation, one
// concern per file: compile.cpp, simulate.cpp, accumulate.cpp, distributed.cpp, summarise.cpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/results.h"
#include "engine/sim/state.h"

namespace plancast {

/// Runs per block. Fixed (never derived from the thread count) so that each run's
/// position in the reductions is the same whatever the parallelism.
inline constexpr std::size_t kBlockSize = 256;

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

/// What a question reads of a scenario's runs (compile()'s `needs`): some targets, by id,
/// and some indicator outputs, each up to a year. Empty: the whole scenario.
struct Needs {
  std::vector<std::string> targets;
  std::vector<WatchCell> outputs;  ///< the output's series from the base year to `year`
  bool empty() const { return targets.empty() && outputs.empty(); }
};

/// The part of `scenario` that `needs` reads: the indicators the named targets and outputs
/// depend on, directly or not (engine/config/graph.h), in file order; the named targets, in
/// file order; the horizon cut to the latest year asked (report_years with it); parameters,
/// correlations, runs, seed, sampler and sha256 untouched. Every indicator draws from streams
/// keyed by its own name and reads only the indicators it depends on, so each value kept is
/// byte-identical to the whole scenario's (docs/performance.md, "Simulating only what a
/// question needs"). An unknown target or output, or a year outside [base_year, horizon],
/// is a UsageError. Empty needs: the scenario itself.
Scenario needed_part(const Scenario& scenario, const Needs& needs);

/// Compiles the scenario (names → indices, processes, parameter copula). Throws
/// ScenarioError on problems that only show at compile time.
std::shared_ptr<const CompiledScenario> compile(const Scenario& scenario, const Registry& registry);
/// compile(needed_part(scenario, needs), registry): a model that simulates only what `needs`
/// reads (its results hold only those targets, their joint probabilities among themselves,
/// and the kept indicators' series up to the cut horizon).
std::shared_ptr<const CompiledScenario> compile(const Scenario& scenario, const Registry& registry,
                                                const Needs& needs);

/// The scenario a compiled scenario was made from (after variant and --set overrides).
const Scenario& scenario_of(const CompiledScenario& compiled);
/// The compiled parameters: names in scenario order, distributions, copula.
const ParameterSampler& parameters_of(const CompiledScenario& compiled);

/// Bytes of scratch and per-run state that one thread's process workers hold: the sum of
/// Process::worker_bytes(kBlockSize) over the compiled processes (for --max-memory).
std::uint64_t worker_bytes(const CompiledScenario& compiled);
/// Bytes of the values one thread queues for its quantile sketches (engine/sim/sketch_queue.h).
std::uint64_t queue_bytes(const CompiledScenario& compiled);

/// Blocks of kBlockSize runs in the job (the last one may be shorter).
std::uint64_t block_count(const CompiledScenario& compiled);

/// Blocks [first, last) of a job split in parts: part k (1-based) of n gets
/// [floor((k-1)·B/n), floor(k·B/n)) of B blocks. The parts are disjoint, cover all blocks and
/// differ in size by at most one block.
struct BlockRange {
  std::uint64_t first = 0, last = 0;
};
BlockRange part_of(std::uint64_t n_blocks, std::uint64_t k, std::uint64_t n);

/// An empty mergeable state for the job (right shape, and the shift: run 0's values, from a
/// pilot run with options.uniforms if set). Every state of one job has the same shift.
RunState make_state(const CompiledScenario& compiled, const RunOptions& options = {});

/// Simulates blocks [first_block, last_block) and adds their runs into `state` (made by
/// make_state with the same options). Progress reports runs done among this range's runs.
/// Throws Interrupted if options.cancel is set.
void simulate(const CompiledScenario& compiled, std::uint64_t first_block, std::uint64_t last_block,
              RunState& state, const RunOptions& options = {});

/// As simulate(), but when plancast runs as several processes (MPI, engine/sim/distribute.h)
/// each rank simulates its part_of() the blocks and the states are merged, so that every
/// rank ends with the same state as one process would; an observer sees every block of the
/// range on every rank (other ranks' blocks replayed after the simulation, one at a time).
/// Progress on each rank: its own share, scaled to the range.
void simulate_distributed(const CompiledScenario& compiled, std::uint64_t first_block,
                          std::uint64_t last_block, RunState& state,
                          const RunOptions& options = {});

/// Turns a state holding all the job's runs (merged from any parts, in any order) into
/// Results. Throws std::invalid_argument if the state's shape does not fit the scenario.
Results summarise(const CompiledScenario& compiled, const RunState& state);

/// Simulates scenario.simulation.runs runs and summarises them:
/// summarise(simulate_distributed(all blocks into make_state())).
Results run(const CompiledScenario& compiled, const RunOptions& options = {});

/// Several compiled scenarios of the same runs (compare's base and variants), each simulated
/// and summarised as run() would: the same results, but made together, block by block
/// (Simulator::simulate_together), so that draws the scenarios share (their firm
/// populations' noise under common random numbers) are made once. options[k]: scenario k's
/// observer, watch and uniforms; threads, cancel and progress (the runs of every scenario,
/// together) from `common`. Holds every scenario's thread states at once (the memory of
/// that many runs). With several processes (MPI) the scenarios run one after another.
std::vector<Results> run_together(const std::vector<const CompiledScenario*>& scenarios,
                                  const std::vector<RunOptions>& options, const RunOptions& common);
/// The same results, the scenarios run one after another (run() each, with the memory of
/// one run at a time); progress counts the runs of every scenario.
std::vector<Results> run_each(const std::vector<const CompiledScenario*>& scenarios,
                              const std::vector<RunOptions>& options, const RunOptions& common);

/// Convenience: compile + run.
Results run(const Scenario& scenario, const Registry& registry, const RunOptions& options = {});

}  // namespace plancast
