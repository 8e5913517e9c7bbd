// Target probabilities under the lhs and sobol samplers: the mean over independent
// replicates of the design, with a standard error from their spread and a Student t
// interval (docs/samplers.md, "Standard errors and intervals").
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/sim/results.h"

namespace plancast {

/// The probability hits / runs with the replicate standard error sd(p_k) / sqrt(R) of the
/// R = replicate_count(runs) replicate estimates p_k = rep_hits[k] / n_k, and the interval
/// p ± t_{0.975, R-1} · se clamped to [0, 1]. Where that is undefined or degenerate (R < 2,
/// or every replicate gives the same estimate, as at p = 0 or 1) it is make_proportion's
/// Wilson interval and binomial standard error, which bound the error from above.
/// rep_hits holds at least replicate_count(runs) counts summing to hits.
Proportion make_replicate_proportion(std::uint64_t hits, std::uint64_t runs,
                                     const std::uint64_t* rep_hits);

/// Runs [lo, hi) of a block (indices within it) that lie in replicate k of the design.
struct ReplicateSpan {
  std::uint32_t k;
  std::size_t lo, hi;
};

/// The block of runs [first, first + n) cut at the replicate boundaries of a job of total
/// runs (engine/random/samplers.h): one span unless the block straddles a boundary.
std::vector<ReplicateSpan> replicate_spans(std::uint64_t first, std::size_t n, std::uint64_t total);

}  // namespace plancast
