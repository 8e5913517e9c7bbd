// A compiled scenario ready to be simulated many times: the analyses that run one scenario
// again and again (sensitivity designs, discovery, the memory pilot) keep one Simulator, so
// each thread's process workers and block buffers are built once, not once per call.
// Results are those of the free functions in runner.h (which make a Simulator per call):
// the workers' init() resets every run's state, so a reused worker simulates a block
// exactly as a new one does, whatever blocks it simulated before.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "engine/sim/runner.h"

namespace plancast {

class Simulator {
 public:
  /// Shares ownership of `compiled`.
  explicit Simulator(std::shared_ptr<const CompiledScenario> compiled);
  /// Borrows `compiled`, which must outlive the simulator.
  explicit Simulator(const CompiledScenario& compiled);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  const CompiledScenario& compiled() const { return *cs_; }

  /// As the free functions of the same names (runner.h), with this simulator's workers.
  /// One call at a time: a Simulator is not to be used from two threads at once (each call
  /// spreads its own blocks over threads).
  RunState make_state(const RunOptions& options = {});
  void simulate(std::uint64_t first_block, std::uint64_t last_block, RunState& state,
                const RunOptions& options = {});
  void simulate_distributed(std::uint64_t first_block, std::uint64_t last_block, RunState& state,
                            const RunOptions& options = {});
  Results run(const RunOptions& options = {});

  /// Simulates blocks [first_block, last_block) of several simulators' scenarios, which
  /// have the same runs, together: each block on one thread, year by year, each scenario's
  /// year in the order given, so that the later ones read the firm populations' normals
  /// the earlier ones drew (engine/random/shared_normals.h) while they are in the cache.
  /// states[k] and options[k] (observer, watch, uniforms) are as simulate()'s for sims[k];
  /// each block's observers are called in that order once all its years are done. Threads,
  /// cancel and progress (the runs of every scenario, together) come from `common`. Each
  /// state ends as simulate() would leave it.
  static void simulate_together(const std::vector<Simulator*>& sims, std::uint64_t first_block,
                                std::uint64_t last_block, const std::vector<RunState*>& states,
                                const std::vector<RunOptions>& options, const RunOptions& common);

  /// Sets of process workers made so far: one per thread that has simulated a block or a
  /// pilot run through this simulator (for tests: it does not grow with the calls).
  std::size_t worker_sets() const;

 private:
  struct Pool;
  struct Call;
  std::shared_ptr<const CompiledScenario> owned_;
  const CompiledScenario* cs_;
  std::unique_ptr<Pool> pool_;
  std::uint64_t calls_ = 0;
};

/// A job summarised from states kept elsewhere (shard files, other processes): compiles
/// `scenario`, hands `read` the job's empty state (make_state: the shape and shift every
/// kept state must fit) and summarises the merged state `read` returns.
Results summarise_kept(const Scenario& scenario, const Registry& registry,
                       const std::function<RunState(const RunState& shape)>& read);

}  // namespace plancast
