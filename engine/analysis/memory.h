// Memory a command will need, estimated before it starts, so that a run too big for the
// machine is refused at once with the figure (--max-memory) instead of failing, or
// thrashing the machine, an hour in. docs/reliability.md#limits-and-caps explains the sums.
#pragma once

#include <cstdint>
#include <string>

#include "engine/config/scenario.h"

namespace plancast {

/// What a command's memory is for, and how many bytes in all.
struct MemoryEstimate {
  std::uint64_t bytes = 0;
  /// The largest parts, in words: "compare keeps 12 targets x 100,000,000 runs as bits".
  std::string detail;
};

/// Bytes assumed for one quantile sketch (one indicator, one year, one thread): values
/// spread over a factor of about 50 across runs, at 0.2% relative accuracy, occupy about
/// 1,000 counters of 8 bytes. A wider spread needs more; the estimate is a typical figure
/// (measured: the whole of `run` on tests/faults/slow.yaml, 2 threads, peaks at 30 MB of
/// resident memory; estimated 27 MB).
inline constexpr std::uint64_t kSketchBytes = 8 * 1024;

/// Worker threads a `--threads` value means (0: the machine's hardware threads).
int effective_threads(int threads);

/// run, solve, tornado, precision rounds: per-thread block buffers and the quantile sketches
/// of every indicator and year (one set per thread plus the merged one). Does not grow
/// with the number of runs.
MemoryEstimate estimate_run_memory(const Scenario& s, int threads);
/// compare: one run's memory plus the base's outcome of every target in every run (1 bit).
MemoryEstimate estimate_compare_memory(const Scenario& base, std::uint64_t runs, int threads);
/// sensitivity --method sobol: the output of each of (parameters + 3) x base_runs runs (8
/// bytes) plus, per thread, the bootstrap's row indices (8 bytes per base run).
MemoryEstimate estimate_sobol_memory(const Scenario& s, std::uint64_t base_runs, int threads);
/// sensitivity --method shapley (a function of its own, issue 14): the output of each of the
/// design's runs (shapley_total_runs: 3m(P+1) for m permutations, 8 bytes each), the
/// permutations, their contributions and both ends (16 bytes per permutation and parameter,
/// plus 16 per permutation) and, per thread, the bootstrap's indices (8 bytes per
/// permutation).
MemoryEstimate estimate_shapley_memory(const Scenario& s, std::uint64_t permutations, int threads);
/// discover: every run's parameters (8 bytes each) and the peeling's per-run indices.
MemoryEstimate estimate_discover_memory(const Scenario& s, std::uint64_t runs, int threads);

/// The default budget: half the machine's physical memory (4 GiB if it cannot be read).
std::uint64_t default_memory_budget();

/// "512 KB", "1.5 GB" (powers of 1024, one decimal from 10 KB up).
std::string memory_text(std::uint64_t bytes);

/// A whole number with thousands separators: "1,234,567".
std::string grouped(std::uint64_t v);

/// Throws UsageError when `estimate` is over `budget`: "COMMAND would need about 17.9 GB
/// of memory (DETAIL), more than the 8.0 GB allowed by --max-memory; use fewer runs or
/// threads, or raise --max-memory".
void check_memory(const std::string& command, const MemoryEstimate& estimate, std::uint64_t budget);

}  // namespace plancast
