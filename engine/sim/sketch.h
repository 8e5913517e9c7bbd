// Mergeable relative-error quantile sketch (DDSketch: Masson, Rim & Lee, VLDB 2019) with
// integer bucket counts, so merging is exact, associative and order-free; and an exact
// floating-point sum (Shewchuk 1997 partials, as Python's math.fsum) for means and sds,
// so that the statistics do not depend on the order in which blocks are merged.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace plancast {

/// Exact sum of doubles: the result is the correctly rounded true sum, whatever order the
/// values were added or partial sums merged in. Sums beyond the double range stay exact: the
/// excess is kept as a whole number of units 2^1023 (`carry`), so that value_scaled() can
/// still give, e.g., a mean of values near 1e308 whose total overflows.
class ExactSum {
 public:
  void add(double x);
  void merge(const ExactSum& other);
  /// Correctly rounded value of the exact sum (±inf when it is beyond the double range).
  double value() const;
  /// The exact sum times 2^e (e <= 0), correctly rounded: finite for any sum of finite
  /// doubles when e <= -64 (partials below 2^(-1074-e) lose their last bits to the scaling).
  double value_scaled(int e) const;
  bool operator==(const ExactSum& o) const;
  /// For serialisation (shard files): the partials, the sum of non-finite inputs and the
  /// carry. from_parts rebuilds a sum of the same exact value (adding the partials one by one).
  const std::vector<double>& partials() const { return partials_; }
  double special() const { return special_; }
  std::int64_t carry() const { return carry_; }
  static ExactSum from_parts(const std::vector<double>& partials, double special,
                             std::int64_t carry = 0);

 private:
  /// Moves one unit of the carry into the partials, unless that overflows (returns false).
  bool fold_once();

  std::vector<double> partials_;  ///< non-overlapping, increasing magnitude
  /// Sum of non-finite inputs (as math.fsum's special_sum): 0 while every input is finite;
  /// ±inf or nan otherwise, and then value().
  double special_ = 0;
  /// The exact sum is carry · 2^1023 + the sum of the partials (carry != 0 only for sums
  /// whose partials would overflow).
  std::int64_t carry_ = 0;
};

/// DDSketch with the cubically interpolated mapping (sketch.cpp): value x > 0 goes to
/// bucket ceil(m L(x)), L a cheap increasing approximation of log2, m = 0.7 / ln γ,
/// γ = (1+α)/(1-α); every bucket spans at most a factor γ, so its representative is within
/// relative error α of every value in it. Negative values use a mirrored store; |x| <
/// kMinIndexable counts as zero. Memory: one counter per occupied bucket range,
/// independent of the count.
class QuantileSketch {
 public:
  /// Relative accuracy α of quantiles (documented in docs/methods.md).
  static constexpr double kRelativeAccuracy = 0.002;
  static constexpr double kMinIndexable = 1e-12;

  void add(double x);  ///< x finite
  /// Adds n values (x[0..n)), same result as n calls to add().
  void add_many(const double* x, std::size_t n);
  /// The same, where every x[j] is known to be finite and in [lo, hi] (faster when lo > 0).
  void add_many(const double* x, std::size_t n, double lo, double hi);
  void merge(const QuantileSketch& other);
  std::uint64_t count() const;
  /// The q-quantile (q in [0,1]) of the values added: the representative of the bucket
  /// holding the value of rank floor(q (count - 1)) (0-based), within relative error α.
  /// count() must be > 0 (otherwise the result is NaN).
  double quantile(double q) const;
  bool operator==(const QuantileSketch& o) const;
  /// Bytes held (for the memory-growth test).
  std::size_t memory_bytes() const;
  /// For serialisation (shard files): values counted as zero, and the occupied buckets of
  /// one sign as (index, count) pairs in increasing index; add_bucket/add_zeros add counts
  /// back (bucket indices of finite values lie in [kMinBucket, kMaxBucket]).
  static constexpr std::int32_t kMinBucket = -7100, kMaxBucket = 180000;
  std::uint64_t zero_count() const { return zero_; }
  std::vector<std::pair<std::int32_t, std::uint64_t>> buckets(bool negative) const;
  void add_bucket(bool negative, std::int32_t index, std::uint64_t count);
  void add_zeros(std::uint64_t count) { zero_ += count; }

 private:
  struct Store {
    std::int32_t offset = 0;            ///< bucket index of counts[0]
    std::vector<std::uint64_t> counts;  ///< dense over [offset, offset + size)
    std::uint64_t total = 0;
    void add(std::int32_t index, std::uint64_t n);
    /// Makes [lo, hi] addressable (growing with some slack on the side that grows).
    void reserve_range(std::int32_t lo, std::int32_t hi);
    void merge(const Store& o);
    bool operator==(const Store& o) const;
  };
  void add_chunk(const double* v, std::size_t m, std::int32_t* idx);
  Store positive_, negative_;
  std::uint64_t zero_ = 0;
};

}  // namespace plancast
