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
  /// Bytes of bucket offsets a thread may queue at most (the memory estimate counts them).
  /// Each value queues 2 bytes: its bucket less its cell's base (Cell::base).
  static constexpr std::size_t kBudgetBytes = std::size_t{8} << 20;
  /// Blocks queued per cell at most: 16,384 values of 256-run blocks, several per counter
  /// line of a wide cell (growth12's are 28 KB of 2-byte counters; 32 blocks were 4-8%
  /// slower there, docs/performance.md, session 30).
  static constexpr std::size_t kMaxBlocks = 64;
  /// Values queued per cell for `cells` cells: a whole number of blocks of `block` runs, at
  /// most kMaxBlocks, within kBudgetBytes; 0 (count at once) where fewer than two fit.
  static std::size_t per_cell_for(std::size_t cells, std::size_t block);
  /// Heap bytes of a queue for `cells` cells.
  static std::size_t bytes(std::size_t cells, std::size_t block);

  SketchQueue(std::size_t cells, std::size_t block);
  /// Adds x[0..n), every value finite and in [lo, hi], n <= block, to cell c's sketch s:
  /// queued where the values are positive, within 65,536 buckets of each other, and s is
  /// past its integer counts, else at once (a block outside the cell's base's reach flushes
  /// the cell first).
  void add(QuantileSketch& s, std::size_t c, const double* x, std::size_t n, double lo, double hi);
  /// Counts every queued value into its cell's sketch, sketches[c] for cell c.
  void flush(std::vector<QuantileSketch>& sketches);
  /// Drops every queued value (a call's first block: its accumulator is new).
  void clear();

 private:
  struct Cell {
    std::size_t m = 0;            ///< values queued
    std::int32_t lo = 0, hi = 0;  ///< the range of their buckets (m > 0)
    /// The buckets [base, base + 65535] that 16-bit offsets reach (m > 0): set by the first
    /// block queued, its range in the middle; a block outside flushes the cell first.
    std::int32_t base = 0;
  };
  void flush_cell(QuantileSketch& s, std::size_t c);
  std::size_t per_cell_ = 0;
  /// Cell c's queue (its values' buckets less its base) at c · per_cell_; not initialised,
  /// so the pages of cells never queued (whole counts, constants) are never touched.
  std::unique_ptr<std::uint16_t[]> off_;
  std::vector<Cell> cells_;
};

}  // namespace plancast::sim_detail
