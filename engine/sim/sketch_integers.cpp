// The quantile sketch's exact integer counts (sketch.h, docs/methods.md §5): one count per
// integer while every value is a whole number within kMaxIntegerSpan consecutive integers.
#include <algorithm>
#include <cmath>

#include "engine/sim/sketch.h"

namespace plancast {

// Exact integer counts -------------------------------------------------------------------

namespace {
/// Whether v is one integer exactly (a whole number of magnitude below 2^53).
inline bool exact_integer(double v) {
  return std::trunc(v) == v && std::fabs(v) < 0x1p53;
}
}  // namespace

void QuantileSketch::drop_integers() {
  // The values counted so far are only in the integer counts: into the buckets with them.
  if (int_exact_) fold_integers(int_lo_, int_counts_);
  int_exact_ = false;
  std::vector<std::uint64_t>().swap(int_counts_);
  int_lo_ = 0;
  int_total_ = 0;
}

bool QuantileSketch::int_reserve(std::int64_t lo, std::int64_t hi) {
  if (int_counts_.empty()) {
    if (hi - lo >= kMaxIntegerSpan) {
      drop_integers();
      return false;
    }
    int_lo_ = lo;
    int_counts_.assign(static_cast<std::size_t>(hi - lo) + 1, 0);
    return true;
  }
  const std::int64_t cur_hi = int_lo_ + static_cast<std::int64_t>(int_counts_.size()) - 1;
  if (lo >= int_lo_ && hi <= cur_hi) return true;
  const std::int64_t nlo = std::min(lo, int_lo_), nhi = std::max(hi, cur_hi);
  if (nhi - nlo >= kMaxIntegerSpan) {
    drop_integers();
    return false;
  }
  std::vector<std::uint64_t> grown(static_cast<std::size_t>(nhi - nlo) + 1, 0);
  std::copy(int_counts_.begin(), int_counts_.end(), grown.begin() + (int_lo_ - nlo));
  int_counts_.swap(grown);
  int_lo_ = nlo;
  return true;
}

namespace {
/// Whether every x[j] is exact_integer, with their extremes. The fast pass rounds each value
/// to an integer by adding and taking away 1.5 · 2^52 (exact for |v| < 2^51, where the sum
/// has unit spacing): v is whole exactly when that gives v back (a NaN never does). Two
/// additions and a comparison a value, with no branch and no call (trunc is a library call
/// without SSE4.1); values beyond ±2^51, and infinities, take the exact loop.
bool all_integers(const double* x, std::size_t n, double& lo, double& hi) {
  constexpr double kRound = 0x1.8p52;
  double l = 0x1p53, h = -0x1p53;
  bool inexact = false;
  for (std::size_t j = 0; j < n; ++j) {
    const double v = x[j];
    inexact |= ((v + kRound) - kRound) != v;
    l = v < l ? v : l;
    h = v > h ? v : h;
  }
  lo = l;
  hi = h;
  if (l > -0x1p51 && h < 0x1p51) return !inexact;
  bool integral = true;
  for (std::size_t j = 0; j < n; ++j) integral = integral && exact_integer(x[j]);
  return integral;
}
}  // namespace

bool QuantileSketch::add_integers(const double* x, std::size_t n) {
  if (n == 0) return true;
  double lo = 0, hi = 0;
  const bool integral = all_integers(x, n, lo, hi);
  if (!integral) {
    drop_integers();
    return false;
  }
  const auto ilo = static_cast<std::int64_t>(lo), ihi = static_cast<std::int64_t>(hi);
  if (!int_reserve(ilo, ihi)) return false;
  std::uint64_t* c = int_counts_.data();
  const std::int64_t base = int_lo_;  // a local: the counters' stores cannot change it
  for (std::size_t j = 0; j < n; ++j) ++c[static_cast<std::int64_t>(x[j]) - base];
  int_total_ += n;
  return true;
}

bool QuantileSketch::add_integer_block(double v, std::size_t n) {
  // add_integers of n copies of v, without reading them.
  if (!exact_integer(v)) {
    drop_integers();
    return false;
  }
  const auto i = static_cast<std::int64_t>(v);
  if (!int_reserve(i, i)) return false;
  int_counts_[static_cast<std::size_t>(i - int_lo_)] += n;
  int_total_ += n;
  return true;
}

std::vector<std::pair<std::int64_t, std::uint64_t>> QuantileSketch::integer_counts() const {
  std::vector<std::pair<std::int64_t, std::uint64_t>> out;
  for (std::size_t v = 0; v < int_counts_.size(); ++v) {
    if (int_counts_[v] != 0)
      out.emplace_back(int_lo_ + static_cast<std::int64_t>(v), int_counts_[v]);
  }
  return out;
}

void QuantileSketch::set_integer_exact(bool exact) {
  if (!exact) {
    drop_integers();
    return;
  }
  // The integer counts that follow hold every value (the buckets read before them are the
  // same values, by the caller's checks).
  positive_ = Store{};
  negative_ = Store{};
  zero_ = 0;
  std::vector<std::uint64_t>().swap(int_counts_);
  int_lo_ = 0;
  int_total_ = 0;
  int_exact_ = true;
}

void QuantileSketch::add_integer(std::int64_t value, std::uint64_t count) {
  if (!int_exact_ || count == 0) return;
  if (int_reserve(value, value)) {
    int_counts_[static_cast<std::size_t>(value - int_lo_)] += count;
    int_total_ += count;
  } else {
    fold_integers(value, {count});  // beyond the span: the counts are buckets now
  }
}

}  // namespace plancast
