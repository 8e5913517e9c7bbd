// Memory a command will need, estimated before it starts, so that a run too big for the
// machine is refused at once with the figure (--max-memory) instead of failing, or
// thrashing the machine, an hour in. docs/reliability.md#limits-and-caps explains the sums
// and gives measured peaks beside the estimates; docs/decisions.md ("Sketch stores and the
// memory estimate") why it is done this way.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/format.h"  // grouped(), used with these estimates
#include "engine/sim/runner.h"

namespace plancast {

/// What a command's memory is for, and how many bytes in all.
struct MemoryEstimate {
  std::uint64_t bytes = 0;
  /// The parts, largest first, in words: "quantile sketches ...: 1.2 GB; firm vectors ...".
  std::string detail;
};

/// Resident memory of plancast itself, before a run allocates anything: code, libraries
/// and start-up tables (measured: `plancast run` of a one-indicator scenario peaks at
/// 11.5 MB with any thread count).
inline constexpr std::uint64_t kProgramBytes = 11 << 20;
/// Per worker thread besides its arrays: the touched part of its stack and of its
/// allocator arena.
inline constexpr std::uint64_t kThreadBytes = 256 << 10;
/// Per indicator-year, the results and their rendered outputs (JSON tree and text, CSV
/// text), which are built after the simulation's memory is freed (measured: 0.4 KB each
/// of JSON and CSV text per indicator-year).
inline constexpr std::uint64_t kOutputCellBytes = 1536;

/// The pilot (estimate_run_memory) always runs when it needs less than this (one thread's
/// share of the job's memory); above it, only when that share is within the budget.
inline constexpr std::uint64_t kPilotAlwaysBytes = std::uint64_t{256} << 20;

/// What the pilot measured of one sign's bucket store of one cell, and the store it
/// predicts for more values (exposed for tests).
struct StoreSample {
  std::uint64_t values = 0;    ///< values the pilot put in the store
  std::uint64_t occupied = 0;  ///< distinct buckets
  std::uint64_t span = 0;      ///< last - first bucket + 1
  double growth = 0;           ///< buckets the range gains per doubling of the values
  double distinct_power = 1;   ///< occupied buckets grow as values^distinct_power
};
/// Reads a store's histogram ((index, count), increasing index) as the pilot sees it.
StoreSample sample_store(const std::vector<std::pair<std::int32_t, std::uint64_t>>& buckets);
/// How a store came to hold its values: laid out at once (one block, or one merge), grown
/// block by block (a thread's accumulator), or by several merges (the merged result).
enum class Growth { none, blocks, merges };
/// Heap bytes of the store after `values` values like the sample's (QuantileSketch's layout
/// rule, plus the allocator's 16 bytes per array), with the growth slack and allocator
/// holes that `growth` leaves (memory.cpp states the factors and where they were measured).
std::uint64_t predict_store_bytes(const StoreSample& s, double values, Growth growth);

/// Worker threads a `--threads` value means (0: the machine's hardware threads).
int effective_threads(int threads);

/// run, solve, tornado, precision rounds: runs the job's first block (at most 256 runs) on
/// one thread as a pilot, measures each indicator-year's quantile sketch (the range its
/// values reach and the buckets they occupy) and predicts the sketches of every thread and
/// of the merged result for the whole job; adds the processes' per-thread state
/// (Process::worker_bytes: firm vectors, scratch), the block arrays, the program, and the
/// outputs written afterwards. `runs`: runs per job (0: the scenario's). When the pilot's
/// own share exceeds both `budget` and kPilotAlwaysBytes, the pilot is skipped and the
/// figure is a lower bound (already over the budget). `cancel` (every estimate_*): the pilot
/// stops when it is set (Ctrl-C), and the caller then throws Interrupted. `one_pass`: the
/// job's runs are simulated in one call into an empty state, so the first thread's sketches
/// become the merged result (RunState::merge of an rvalue); false for jobs simulated in
/// windows (--samples) or rounds (--precision), which merge every thread's sketches into a
/// state that already holds runs.
MemoryEstimate estimate_run_memory(const CompiledScenario& cs, int threads, std::uint64_t runs = 0,
                                   std::uint64_t budget = UINT64_MAX,
                                   const std::atomic<bool>* cancel = nullptr, bool one_pass = true);
/// compare: one run's memory (`together` runs' where that many scenarios are simulated at
/// once, CompareTogether::yes; the base's run stands for each) plus the base's outcome of
/// every target in every run (1 bit).
MemoryEstimate estimate_compare_memory(const CompiledScenario& base, std::uint64_t runs,
                                       int threads, std::uint64_t budget = UINT64_MAX,
                                       const std::atomic<bool>* cancel = nullptr,
                                       std::uint64_t together = 1);
/// sensitivity --method sobol: the output of each of (parameters + 3) x base_runs runs (8
/// bytes) plus, per thread, the bootstrap's row indices (8 bytes per base run).
MemoryEstimate estimate_sobol_memory(const CompiledScenario& cs, std::uint64_t base_runs,
                                     int threads, std::uint64_t budget = UINT64_MAX,
                                     const std::atomic<bool>* cancel = nullptr);
/// sensitivity --method shapley (a function of its own, issue 14): the output of each of the
/// design's runs (shapley_total_runs: 3m(P+1) for m permutations, 8 bytes each), the
/// permutations, their contributions and both ends (16 bytes per permutation and parameter,
/// plus 16 per permutation) and, per thread, the bootstrap's indices (8 bytes per
/// permutation).
MemoryEstimate estimate_shapley_memory(const CompiledScenario& cs, std::uint64_t permutations,
                                       int threads, std::uint64_t budget = UINT64_MAX,
                                       const std::atomic<bool>* cancel = nullptr);
/// discover: every run's parameters (8 bytes each) and the peeling's per-run indices.
MemoryEstimate estimate_discover_memory(const CompiledScenario& cs, std::uint64_t runs, int threads,
                                        std::uint64_t budget = UINT64_MAX,
                                        const std::atomic<bool>* cancel = nullptr);

/// The default budget: half the machine's physical memory (4 GiB if it cannot be read).
std::uint64_t default_memory_budget();

/// "512 KB", "1.5 GB" (powers of 1024, one decimal from 10 KB up).
std::string memory_text(std::uint64_t bytes);

/// Throws UsageError when `estimate` is over `budget`: "COMMAND would need about 17.9 GB
/// of memory (DETAIL), more than the 8.0 GB allowed by --max-memory; use fewer runs or
/// threads, or raise --max-memory". (To see the estimate of a command without running it,
/// give it `--max-memory 1M`.)
void check_memory(const std::string& command, const MemoryEstimate& estimate, std::uint64_t budget);

}  // namespace plancast
