// Internal to engine/sim: a thread's values waiting to be counted into its quantile sketches,
// as bucket indices, several blocks of runs at a time (docs/decisions.md, "Counting a cell's
// values several blocks at a time").
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/sim/sketch.h"

namespace plancast::sim_detail {

/// At α = 1e-4 one indicator-year's counters span tens of KB, and a thread touches every
/// cell's counters once a block: by a cell's next block the others have pushed its counters
/// out of the caches, and each increment waits on memory. Queued here, a cell's values are
/// counted a few blocks at a time, its counters brought in once per flush. Counts are whole
/// numbers, so when a value is counted changes no count, quantile or byte of the results.
class SketchQueue {
 public:
  /// Bytes of indices a thread may queue at most (the memory estimate counts them).
  static constexpr std::size_t kBudgetBytes = std::size_t{8} << 20;
  /// Blocks queued per cell at most: 8,192 values of 256-run blocks, a few per counter
  /// line of a wide cell (growth12's are 56 KB).
  static constexpr std::size_t kMaxBlocks = 32;
  /// Values queued per cell for `cells` cells: a whole number of blocks of `block` runs, at
  /// most kMaxBlocks, within kBudgetBytes; 0 (count at once) where fewer than two fit.
  static std::size_t per_cell_for(std::size_t cells, std::size_t block);
  /// Heap bytes of a queue for `cells` cells.
  static std::size_t bytes(std::size_t cells, std::size_t block);

  SketchQueue(std::size_t cells, std::size_t block);
  /// Adds x[0..n), every value finite and in [lo, hi], n <= block, to cell c's sketch s:
  /// queued where the values are positive and s is past its integer counts, else at once.
  void add(QuantileSketch& s, std::size_t c, const double* x, std::size_t n, double lo, double hi);
  /// Counts every queued value into its cell's sketch, sketches[c] for cell c.
  void flush(std::vector<QuantileSketch>& sketches);
  /// Drops every queued value (a call's first block: its accumulator is new).
  void clear();

 private:
  struct Cell {
    std::size_t m = 0;            ///< values queued
    std::int32_t lo = 0, hi = 0;  ///< the range of their indices (m > 0)
  };
  void flush_cell(QuantileSketch& s, std::size_t c);
  std::size_t per_cell_ = 0;
  /// Cell c's queue at c · per_cell_; not initialised, so the pages of cells never queued
  /// (whole counts, constants) are never touched.
  std::unique_ptr<std::int32_t[]> idx_;
  std::vector<Cell> cells_;
};

}  // namespace plancast::sim_detail
