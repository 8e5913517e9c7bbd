// Mergeable relative-error quantile sketch (DDSketch: Masson, Rim & Lee, VLDB 2019) with
// integer bucket counts, so merging is exact, associative and order-free; and an exact
// floating-point sum (Shewchuk 1997 partials, as Python's math.fsum) for means and sds,
// so that the statistics do not depend on the order in which blocks are merged.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <span>
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
  std::span<const double> partials() const { return {partials_.data(), partials_.size()}; }
  /// Heap bytes behind the partials: none while they fit the inline storage.
  std::size_t heap_bytes() const {
    return partials_.capacity() > kInline ? partials_.capacity() * sizeof(double) : 0;
  }
  double special() const { return special_; }
  std::int64_t carry() const { return carry_; }
  static ExactSum from_parts(std::span<const double> partials, double special,
                             std::int64_t carry = 0);
  /// Partials kept inside the object: a block's sums of deviations need two or three, and
  /// record_year then finds them beside the cell's other sums instead of on the heap.
  static constexpr std::size_t kInline = 4;

 private:
  /// Moves one unit of the carry into the partials, unless that overflows (returns false).
  bool fold_once();

  /// Non-overlapping, increasing magnitude; the first kInline inside the object.
  boost::container::small_vector<double, kInline> partials_;
  /// Sum of non-finite inputs (as math.fsum's special_sum): 0 while every input is finite;
  /// ±inf or nan otherwise, and then value().
  double special_ = 0;
  /// The exact sum is carry · 2^1023 + the sum of the partials (carry != 0 only for sums
  /// whose partials would overflow).
  std::int64_t carry_ = 0;
};

/// DDSketch with the cubically interpolated mapping (sketch.cpp): value x > 0 goes to
/// bucket ceil(m L(x)), L a cheap increasing approximation of log2, m = 0.7 / ln γ,
/// γ = (1+α)/(1-α); every bucket spans at most a factor γ, so a value read anywhere in it is
/// within relative error 2α of every value in it; quantile() reads it by rank within the
/// bucket (no grid). Negative values use a mirrored store; |x| < kMinIndexable counts as zero.
/// Integer-valued data also get exact counts per integer (integer_exact()).
///
/// Memory (docs/decisions.md, "Sketch stores and the memory estimate"): each sign's store is
/// dense (one counter per bucket over the range its values span, 2, 4 or 8 bytes wide as its
/// largest count needs, at most Store::width_for(total)) while that range is
/// at most max(kDenseMinBuckets, kDenseFactor × values counted) buckets, and sparse otherwise
/// (only the occupied buckets, 12 bytes each). So a store never costs much more than 32
/// bytes per value counted + 16 KB (per value expected, for a sketch given expect_values),
/// nor more than its range, however far apart its values lie, and it does not grow with the
/// count once the range is covered. The layout never changes a
/// count, so quantiles, merges and shard files are the same in either layout.
class QuantileSketch {
 public:
  /// Relative accuracy α of the buckets (documented in docs/methods.md §5): a bucket spans at
  /// most a factor γ = (1+α)/(1-α); a quantile read by interpolation within its bucket is
  /// within relative error 2α of the exact order statistic (and far closer for smooth data).
  static constexpr double kRelativeAccuracy = 1e-4;
  static constexpr double kMinIndexable = 1e-12;

  void add(double x);  ///< x finite
  /// A hint: this sketch will receive about `values` values (a thread's accumulator: its
  /// share of the job's runs). Each sign's store is then laid out, from its first values on,
  /// as the layout rule lays out a store of its projected count (`values` times the share of
  /// the first values added that fall in it): dense at once where it would be dense at the
  /// end, instead of sparse (sorted inserts) until its count catches up with its range. It
  /// changes no count, quantile or merge; only memory and speed (docs/decisions.md).
  void expect_values(std::uint64_t values) { expect_ = values; }
  /// Adds n values (x[0..n)), same result as n calls to add().
  void add_many(const double* x, std::size_t n);
  /// The same, where every x[j] is known to be finite and in [lo, hi] (faster when lo > 0).
  void add_many(const double* x, std::size_t n, double lo, double hi);
  /// Counting in two steps (SketchQueue, engine/sim/sketch_queue.h): index_of gives the
  /// bucket of a value finite and >= kMinIndexable (increasing in the value), offsets_of the
  /// buckets of many such values less `base`, in 16 bits (every bucket in [base, base +
  /// 65535]); add_positive_offsets(off, m, base, ilo, ihi) then counts m such values by
  /// their buckets base + off[j], each in [ilo, ihi], exactly as add_many of the values
  /// would. Only for a sketch that is not integer-exact (integer_exact()).
  static std::int32_t index_of(double x);
  static void offsets_of(const double* x, std::size_t n, std::int32_t base, std::uint16_t* off);
  void add_positive_offsets(const std::uint16_t* off, std::size_t m, std::int32_t base,
                            std::int32_t ilo, std::int32_t ihi);
  void merge(const QuantileSketch& other);
  /// The same; into a sketch that holds no value yet, other's stores are taken over
  /// (other is left valid, unspecified), where merge would copy them bucket by bucket.
  void merge(QuantileSketch&& other);
  std::uint64_t count() const;
  /// The q-quantile (q in [0,1]) of the values added, as the inverted empirical CDF (R's
  /// quantile type 1): the order statistic x_(k), k = max(1, ceil(q n)) (1-based), n = count().
  /// Exact while the sketch is integer-exact (integer_exact()); otherwise x_(k) is estimated
  /// within its bucket by rank: the bucket's c values are taken as spread evenly over the
  /// bucket in the mapping's (near-logarithmic) scale, the j-th (0-based) at (j + 1/2)/c of
  /// its width. count() must be > 0 (otherwise the result is NaN).
  double quantile(double q) const;
  /// 1-based rank k of the q-quantile among n values (as quantile()); levels given in whole
  /// parts per million (all those plancast reports) are computed without rounding.
  static std::uint64_t rank_of(double q, std::uint64_t n);
  /// Ranks (l, u), 1 <= l <= u <= n, of a distribution-free 95% interval [x_(l), x_(u)] for
  /// the true q-quantile ξ: the number of values below ξ is Binomial(n, q), and
  /// l = round(nq − 1.96 s), u = round(nq + 1.96 s) + 1, s = sqrt(n q (1−q)) (its normal
  /// approximation; Conover, Practical Nonparametric Statistics, §3.2), clamped to [1, n].
  static std::pair<std::uint64_t, std::uint64_t> ci95_ranks(double q, std::uint64_t n);
  /// The k-th smallest value (1-based, 1 <= k <= count()), as quantile() reads it.
  double order_statistic(std::uint64_t k) const;
  /// order_statistic(k[i]) into out[i] for each i < m, in one pass over the buckets (ranks
  /// in any order; summarise() reads 27 per cell, which one by one would each scan the
  /// store from its lowest bucket). Out-of-range ranks give NaN, as order_statistic.
  void order_statistics(const std::uint64_t* k, std::size_t m, double* out) const;

  /// Exact integer counts (docs/methods.md §5): while every value added is an integer and
  /// the values span at most kMaxIntegerSpan consecutive integers (max − min < span), the
  /// sketch also keeps one count per integer of that range, and quantiles are the exact
  /// order statistics. The first non-integer value, or a range beyond the span, drops them
  /// for good: the counts move into the buckets, which then hold what adding every value to
  /// them would (until then the buckets are not filled: an insert costs one increment).
  /// Merging is exact and order-free, since the result is integer-exact iff all values merged
  /// are integers within the span.
  static constexpr std::int64_t kMaxIntegerSpan = 1 << 16;
  bool integer_exact() const { return int_exact_; }
  /// The integer counts as (value, count) for values with count > 0, increasing.
  std::vector<std::pair<std::int64_t, std::uint64_t>> integer_counts() const;
  /// For shard files: rebuilds the integer counts after the buckets: set_integer_exact(true)
  /// starts them empty and empties the buckets (the integer counts then hold every value;
  /// false drops them), add_integer adds `count` of `value` (callers check the span and that
  /// the counts total the buckets').
  void set_integer_exact(bool exact);
  void add_integer(std::int64_t value, std::uint64_t count);
  bool operator==(const QuantileSketch& o) const;
  /// Bytes held: the object and its stores' heap arrays (by capacity).
  std::size_t memory_bytes() const;
  /// For serialisation (shard files): values counted as zero, and the occupied buckets of
  /// one sign as (index, count) pairs in increasing index; add_bucket/add_zeros add counts
  /// back (bucket indices of finite values lie in [kMinBucket, kMaxBucket]).
  static constexpr std::int32_t kMinBucket = -141000, kMaxBucket = 3590000;
  std::uint64_t zero_count() const;
  std::vector<std::pair<std::int32_t, std::uint64_t>> buckets(bool negative) const;
  void add_bucket(bool negative, std::int32_t index, std::uint64_t count);
  /// Both drop the integer counts (the values' integrality is not known from buckets).
  void add_zeros(std::uint64_t count) {
    drop_integers();
    zero_ += count;
  }

  /// The layout rule (see the class comment): a store is dense while its bucket range is at
  /// most max(kDenseMinBuckets, kDenseFactor × its count).
  static constexpr std::uint64_t kDenseMinBuckets = 2048;
  static constexpr std::uint64_t kDenseFactor = 4;
  /// Heap bytes of one store holding `count` values in `occupied` distinct buckets spread
  /// over `span` buckets, laid out by that rule without growth slack: dense width_for(count)
  /// bytes (2, 4 or 8) per bucket of the range, sparse 12 per occupied bucket. A store that grew
  /// holds up to a quarter more (dense: slack on the side that grew; sparse: capacity grown by
  /// half).
  static std::uint64_t store_bytes(std::uint64_t count, std::uint64_t occupied, std::uint64_t span);
  /// Whether a store of `count` values over `span` buckets is dense.
  static bool dense_layout(std::uint64_t count, std::uint64_t span) {
    return span <= kDenseMinBuckets || (span + kDenseFactor - 1) / kDenseFactor <= count;
  }

 private:
  /// One sign's counts. Dense: the counter of bucket offset + k is at(k), over the range
  /// seen (plus slack), in counters of `width` bytes: 2 while no counter can pass 65,535, 4
  /// up to 2^32 - 1, 8 beyond. `peak` bounds the largest counter: each addition of n values
  /// raises it by n, and where it would pass the width's limit it is first brought down to
  /// the largest counter itself (settle()), so the counters widen, in place, only when one
  /// of them could overflow, not when the total passes the limit (a million runs spread over
  /// a cell's buckets keep 2-byte counters). Narrow counters halve or quarter the bytes that
  /// the inserts' scattered increments touch (docs/performance.md, "Issue 16, kernel" and
  /// session 30); they change no count. Sparse: counts[k] (8 bytes) belongs to
  /// bucket keys[k], keys increasing, occupied buckets only. key(k) is the bucket of
  /// counter k in either layout.
  struct Store {
    std::int32_t offset = 0;  ///< dense: bucket index of counter 0
    bool sparse = false;
    std::uint8_t width = 2;               ///< bytes per counter: 2, 4 or 8 (sparse: 8)
    std::vector<std::uint64_t> counts;    ///< width 8: dense over [offset, ...), or per key
    std::vector<std::uint32_t> counts32;  ///< width 4 (dense only)
    std::vector<std::uint16_t> counts16;  ///< width 2 (dense only)
    std::vector<std::int32_t> keys;       ///< sparse: the occupied buckets, increasing
    std::uint64_t total = 0;
    /// Dense: at least the largest counter (the width's limit is what it must stay within).
    std::uint64_t peak = 0;
    /// The count the layout rule plans for (QuantileSketch::expect_values; 0: none): the
    /// rule uses max(total + n, expect).
    std::uint64_t expect = 0;
    std::int32_t key(std::size_t k) const {
      return sparse ? keys[k] : offset + static_cast<std::int32_t>(k);
    }
    /// The narrowest counter width (bytes) that holds a count of `total`.
    static std::uint8_t width_for(std::uint64_t total) {
      return total <= 0xffffu ? 2 : total <= 0xffffffffu ? 4 : 8;
    }
    /// Number of counters, and counter k's value, whatever the width.
    std::size_t size() const {
      return width == 2 ? counts16.size() : width == 4 ? counts32.size() : counts.size();
    }
    std::uint64_t at(std::size_t k) const {
      return width == 2 ? counts16[k] : width == 4 ? counts32[k] : counts[k];
    }
    /// f(v) with v the vector of counters of the current width.
    template <class F>
    decltype(auto) visit(F&& f) {
      if (width == 2) return f(counts16);
      if (width == 4) return f(counts32);
      return f(counts);
    }
    template <class F>
    decltype(auto) visit(F&& f) const {
      if (width == 2) return f(counts16);
      if (width == 4) return f(counts32);
      return f(counts);
    }
    /// Dense: counters at least width_for(t) bytes wide (copies them when they widen).
    void widen_for(std::uint64_t t);
    /// The largest count a counter of the current width holds.
    std::uint64_t limit() const {
      return width == 2 ? 0xffffu : width == 4 ? 0xffffffffu : ~std::uint64_t{0};
    }
    /// Dense, before counters grow by up to `grow` in all: peak brought down to the largest
    /// counter, then the counters widened if that plus `grow` passes limit().
    void settle(std::uint64_t grow);
    /// Makes buckets [lo, hi] ready for n more values: true when the store is then dense with
    /// [lo, hi] addressable and its counters wide enough for any counter to grow by `grow`
    /// (n, or for a merge the other store's peak; increment counter i - offset through
    /// visit(), and total), false when it is sparse (use add_sorted / add_indices). May
    /// change the layout (dense_layout()) and the width.
    bool prepare(std::int32_t lo, std::int32_t hi, std::uint64_t n);
    bool prepare(std::int32_t lo, std::int32_t hi, std::uint64_t n, std::uint64_t grow);
    void add(std::int32_t index, std::uint64_t n);
    /// Sparse store: adds idx[0..m) (one value each; idx is sorted in place).
    void add_indices(std::int32_t* idx, std::size_t m);
    /// Sparse store: adds u buckets k[i] (increasing, distinct) with counts c[i] > 0.
    void add_sorted(const std::int32_t* k, const std::uint64_t* c, std::size_t u);
    /// Makes [lo, hi] addressable in a dense store (growing with some slack).
    void reserve_range(std::int32_t lo, std::int32_t hi);
    void to_sparse();
    /// Dense over [lo, hi] with counters of `w` bytes (from sparse).
    void to_dense(std::int32_t lo, std::int32_t hi, std::uint8_t w);
    /// The first and last occupied bucket (total > 0).
    std::pair<std::int32_t, std::int32_t> occupied_range() const;
    void merge(const Store& o);
    bool operator==(const Store& o) const;
    /// Heap bytes held (by capacity).
    std::size_t heap_bytes() const;
  };
  void add_chunk(const double* v, std::size_t m, std::int32_t* idx);
  /// Before store s's first values (n of a call's m values): its projected count from the
  /// sketch's expect_values hint. Returns s.
  Store& projected(Store& s, std::uint64_t n, std::uint64_t m);
  /// add / add_many while integer-exact: true when the values are counted (as integers
  /// only); false when they end exactness (the counts so far moved into the buckets, and the
  /// caller adds these values there).
  bool add_integers(const double* x, std::size_t n);
  /// add_integers of n values all equal to v (n > 0).
  bool add_integer_block(double v, std::size_t n);
  /// Adds counts[k] values lo + k to the buckets, as add() would.
  void fold_integers(std::int64_t lo, const std::vector<std::uint64_t>& counts);
  /// Makes [lo, hi] addressable in int_counts_, or drops exactness (span exceeded).
  bool int_reserve(std::int64_t lo, std::int64_t hi);
  void drop_integers();
  Store positive_, negative_;
  std::uint64_t zero_ = 0;
  std::uint64_t expect_ = 0;  ///< expect_values

  /// While true, every value is counted in int_counts_ only and the buckets are empty
  /// (buckets() and zero_count() give what the values would fill); the first value that ends
  /// exactness moves the counts into the buckets (drop_integers).
  bool int_exact_ = true;
  std::int64_t int_lo_ = 0;                ///< the value of int_counts_[0]
  std::vector<std::uint64_t> int_counts_;  ///< per integer from int_lo_ (empty: no value yet)
  std::uint64_t int_total_ = 0;            ///< their sum
};

}  // namespace plancast
