// A thread's values queued for its quantile sketches (sketch_queue.h).
#include "engine/sim/sketch_queue.h"

#include <algorithm>
#include <limits>

namespace plancast::sim_detail {

namespace {
/// The widest range of buckets a cell's 16-bit offsets reach: [base, base + kSpan].
constexpr std::int32_t kSpan = 65535;
}  // namespace

std::size_t SketchQueue::per_cell_for(std::size_t cells, std::size_t block) {
  if (cells == 0 || block == 0) return 0;
  const std::size_t fit = kBudgetBytes / sizeof(std::uint16_t) / cells / block;
  const std::size_t blocks = std::min<std::size_t>(fit, kMaxBlocks);
  return blocks < 2 ? 0 : blocks * block;
}

std::size_t SketchQueue::bytes(std::size_t cells, std::size_t block) {
  const std::size_t per_cell = per_cell_for(cells, block);
  return per_cell == 0 ? 0 : cells * (per_cell * sizeof(std::uint16_t) + sizeof(Cell));
}

SketchQueue::SketchQueue(std::size_t cells, std::size_t block)
    : per_cell_(per_cell_for(cells, block)) {
  if (per_cell_ == 0) return;
  off_ = std::make_unique_for_overwrite<std::uint16_t[]>(cells * per_cell_);
  cells_.resize(cells);
}

void SketchQueue::add(QuantileSketch& s, std::size_t c, const double* x, std::size_t n, double lo,
                      double hi) {
  // A block of one value (a base year, a constant series) is one count at once; values
  // that are zero, negative or not indexable, and integer counts, take add_many's paths.
  if (per_cell_ == 0 || lo == hi || s.integer_exact() ||
      !(lo >= QuantileSketch::kMinIndexable && hi <= std::numeric_limits<double>::max())) {
    s.add_many(x, n, lo, hi);
    return;
  }
  // The mapping is increasing: the buckets' range is that of the extremes.
  const std::int32_t ilo = QuantileSketch::index_of(lo), ihi = QuantileSketch::index_of(hi);
  if (ihi - ilo > kSpan) {  // wider than 16-bit offsets reach (values far apart)
    s.add_many(x, n, lo, hi);
    return;
  }
  Cell& q = cells_[c];
  if (q.m > 0 && (q.m + n > per_cell_ || ilo < q.base || ihi - q.base > kSpan)) flush_cell(s, c);
  if (q.m == 0) {
    q.base = ilo - (kSpan - (ihi - ilo)) / 2;
    q.lo = ilo;
    q.hi = ihi;
  } else {
    q.lo = std::min(q.lo, ilo);
    q.hi = std::max(q.hi, ihi);
  }
  QuantileSketch::offsets_of(x, n, q.base, off_.get() + c * per_cell_ + q.m);
  q.m += n;
}

void SketchQueue::flush_cell(QuantileSketch& s, std::size_t c) {
  Cell& q = cells_[c];
  s.add_positive_offsets(off_.get() + c * per_cell_, q.m, q.base, q.lo, q.hi);
  q.m = 0;
}

void SketchQueue::flush(std::vector<QuantileSketch>& sketches) {
  for (std::size_t c = 0; c < cells_.size(); ++c) {
    if (cells_[c].m > 0) flush_cell(sketches[c], c);
  }
}

void SketchQueue::clear() {
  for (Cell& q : cells_) q.m = 0;
}

}  // namespace plancast::sim_detail
