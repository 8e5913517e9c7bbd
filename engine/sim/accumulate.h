// Internal to engine/sim: one thread's buffers for a block of runs, and the statistics of a
// block's year added into the thread's mergeable state (exact sums, sketches, target counts).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/core/process.h"
#include "engine/sim/block.h"
#include "engine/sim/compiled.h"
#include "engine/sim/moments_lanes.h"
#include "engine/sim/sketch_queue.h"
#include "engine/sim/state.h"

namespace plancast::sim_detail {

/// Everything one thread needs to simulate blocks: workers, block buffers, accumulator. A
/// Simulator builds one per thread and reuses it for every block of every call; `acc` holds
/// the statistics of call number `call` only (Simulator::simulate resets it).
struct ThreadState {
  std::vector<std::unique_ptr<ProcessWorker>> workers;
  std::vector<double> params, values, prev, scratch;
  std::vector<std::uint8_t> reached;  ///< [by target][run]: kReached | kSawNonfinite
  std::vector<std::uint8_t> all_met;
  std::vector<std::uint8_t> met;     ///< [target][run], filled only for an observer
  std::vector<double> watched;       ///< [watch cell][run], filled only for an observer
  std::vector<std::uint8_t> events;  ///< [event][run]: this year's states (BlockCtx::events)
  BlockCounters counters;
  RunState acc;
  /// acc's sketches' values queued, flushed into acc before it is merged (SketchQueue).
  SketchQueue queue;
  /// This year's block moments of each slot (record_year).
  std::vector<BlockMoments> moments;
  std::uint64_t call = 0;

  explicit ThreadState(const CompiledScenario& cs, std::size_t n_watch = 0)
      : params(std::max<std::size_t>(cs.n_params(), 1) * kBlockSize),
        values(cs.n_slots() * kBlockSize),
        prev(cs.n_slots() * kBlockSize),
        scratch(kBlockSize),
        reached(static_cast<std::size_t>(cs.n_by) * kBlockSize),
        all_met(kBlockSize),
        met(cs.targets.size() * kBlockSize),
        watched(n_watch * kBlockSize),
        events(cs.events.size() * kBlockSize),
        acc(cs.n_slots(), cs.n_years, cs.targets.size(), cs.joint.size(), cs.counter_shapes),
        queue(cs.n_slots() * static_cast<std::size_t>(cs.n_years), kBlockSize),
        moments(cs.n_slots()) {
    for (const auto& p : cs.processes) workers.push_back(p->make_worker(kBlockSize));
    reset_counters(cs);
  }

  /// Zeroes the workers' diagnostic counters (before a call, after the pilot run).
  void reset_counters(const CompiledScenario& cs) { counters.counts.assign(cs.counters.size(), 0); }
};

/// A watch cell resolved to its slot and year index.
struct WatchIndex {
  std::size_t slot = 0;
  int t = 0;
};

/// The watch cells as slots and year indices. ScenarioError for an unknown indicator or a
/// year outside [base_year, horizon].
std::vector<WatchIndex> resolve_watch(const CompiledScenario& cs,
                                      const std::vector<WatchCell>& cells);

/// Adds year ctx.t of the block (its values, the `by` targets' flags, the targets and
/// joint groups met) into ts.acc, sums taken of x - shift; with `observe`, also fills ts.met
/// and the watched cells' rows of ts.watched.
void record_year(const CompiledScenario& cs, ThreadState& ts, const std::vector<double>& shift,
                 const BlockCtx& ctx, bool observe, const std::vector<WatchIndex>& watch);

}  // namespace plancast::sim_detail
