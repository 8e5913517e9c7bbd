// The DDSketch quantile sketch (Masson, Rim & Lee, VLDB 2019): with ExactSum (exact_sum.cpp)
// the order-free summaries merged across blocks.
#include "engine/sim/sketch.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>

#include "engine/sim/sketch_lanes.h"

namespace plancast {

// ---------------------------------------------------------------------------------------
// QuantileSketch: DDSketch with the cubically interpolated mapping of DataDog's
// sketches-java (Masson, Rim & Lee 2019; CubicallyInterpolatedMapping). Write a > 0 as
// a = 2^e (1+s), s in [0, 1), and L(a) = e + P(s) with P(s) = A s^3 + B s^2 + C s,
// A = 6/35, B = -3/5, C = 10/7: P(0) = 0, P(1) = 1, P' > 0, so L is continuous, increasing
// and close to log2 (within 0.0015), and costs a few multiplications instead of a log.
// Bucket i holds the values with L(a) in ((i-1)/m, i/m], m = 0.7 / ln γ, γ = (1+α)/(1-α).
// Since d(ln a)/dL = 1/((1+s) P'(s)) <= 0.7 for every s (its maximum, at s = 0), a bucket
// spans at most a factor γ in value, so the representative (1-α)·(upper end) is within
// relative error α of every value in the bucket, as with the logarithmic mapping; the
// price is about 1% more buckets (0.7/ln 2 = 1.0099 times as many).

namespace {

constexpr double kAlpha = QuantileSketch::kRelativeAccuracy;
/// ln γ = ln(1+α) - ln(1-α); computed once, with the C library's log1p.
const double kLnGamma = std::log1p(kAlpha) - std::log1p(-kAlpha);
/// Buckets per unit of L: m = 0.7 / ln γ.
const double kMultiplier = 0.7 / kLnGamma;
constexpr double kA = 6.0 / 35.0, kB = -3.0 / 5.0, kC = 10.0 / 7.0;
constexpr std::int32_t kNoIndex = INT32_MIN;

/// ceil(m L(a)) for a >= kMinIndexable (a normal double; the index lies in about
/// [-6980, 179200]). Only integer and IEEE arithmetic: the same on every thread.
inline std::int32_t bucket_index(double a) {
  std::uint64_t bits;
  std::memcpy(&bits, &a, sizeof bits);
  // The biased exponent E (a > 0: no sign bit) as a double, exactly: the double with bit
  // pattern 2^52 + E is 2^52 + E. Integer and/or plus one subtraction, which the compiler
  // can do two values at a time (SSE2) where an integer conversion would not vectorise.
  const std::uint64_t ebits = (bits >> 52) | 0x4330000000000000ULL;
  const std::uint64_t sbits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
  double e, s;
  std::memcpy(&e, &ebits, sizeof e);
  std::memcpy(&s, &sbits, sizeof s);
  e -= 0x1p52 + 1023.0;  // exact: E - 1023
  s -= 1.0;
  const double x = (((kA * s + kB) * s + kC) * s + e) * kMultiplier;
  const auto t = static_cast<std::int32_t>(x);      // truncation toward zero
  return t + (static_cast<double>(t) < x ? 1 : 0);  // = ceil(x)
}

/// idx[j] = bucket_index(v[j]) for j < m (every v[j] a finite double >= kMinIndexable): in
/// SIMD lanes (sketch_lanes.cpp, eight at a time with AVX-512), by the very same IEEE
/// operations in the same order as bucket_index (no fused multiply-add: the build uses
/// -ffp-contract=off), so the indices are identical to the scalar ones; the last few scalar.
inline void bucket_indices(const double* v, std::size_t m, std::int32_t* idx) {
  std::size_t j = sketch_detail::bucket_indices_lanes(v, m, kA, kB, kC, kMultiplier, idx);
  for (; j < m; ++j) idx[j] = bucket_index(v[j]);
}

/// ++c[idx[j] - off] for j < m. Four indices are read before the four increments: in a
/// stand-alone test on this machine, 0.5-0.6 ns per value against 0.75-1.6 for the plain
/// loop, which leaves the processor waiting on each increment before it reads the next index.
/// (Also for 16-bit offsets idx from a cell's base, with off = offset - base.)
template <class T, class I, class D>
inline void count_indices(T* c, D off, const I* idx, std::size_t m) {
  std::size_t j = 0;
  for (; j + 4 <= m; j += 4) {
    const auto i0 = static_cast<std::size_t>(static_cast<D>(idx[j]) - off);
    const auto i1 = static_cast<std::size_t>(static_cast<D>(idx[j + 1]) - off);
    const auto i2 = static_cast<std::size_t>(static_cast<D>(idx[j + 2]) - off);
    const auto i3 = static_cast<std::size_t>(static_cast<D>(idx[j + 3]) - off);
    ++c[i0];
    ++c[i1];
    ++c[i2];
    ++c[i3];
  }
  for (; j < m; ++j) ++c[static_cast<std::size_t>(static_cast<D>(idx[j]) - off)];
}

/// L^{-1}(t/m) for each of m positions t[i] into out[i]: the value at position t (in
/// buckets) of the mapping; bucket i spans (value_at(i-1), value_at(i)]. P is inverted by
/// bisection (64 halvings reach the last bit). One bisection is a chain of 64 dependent
/// steps of some 25 cycles each; kLanes of them side by side, step by step, overlap in the
/// processor (and the compiler's vectors), each by the very same operations, so the values
/// are those of one bisection at a time: summarise reads 27 ranks of each indicator-year,
/// 5 ms of a bundled run's serial time one at a time, about 1 ms so.
void values_at(const double* t, std::size_t m, double* out) {
  constexpr std::size_t kLanes = 16;
  for (std::size_t s = 0; s < m; s += kLanes) {
    const std::size_t w = std::min(kLanes, m - s);
    double f[kLanes], lo[kLanes], hi[kLanes];
    int e[kLanes];
    for (std::size_t j = 0; j < kLanes; ++j) {
      const double li = (j < w ? t[s + j] : 0.5) / kMultiplier;
      const double ef = std::floor(li);
      f[j] = li - ef;  // in [0, 1)
      e[j] = static_cast<int>(ef);
      lo[j] = 0.0;
      hi[j] = 1.0;
    }
    for (int k = 0; k < 64; ++k) {
      for (std::size_t j = 0; j < kLanes; ++j) {
        const double mid = 0.5 * (lo[j] + hi[j]);
        const bool below = ((kA * mid + kB) * mid + kC) * mid < f[j];
        lo[j] = below ? mid : lo[j];
        hi[j] = below ? hi[j] : mid;
      }
    }
    for (std::size_t j = 0; j < w; ++j) out[s + j] = std::ldexp(1.0 + hi[j], e[j]);
  }
}

}  // namespace

void QuantileSketch::add(double x) {
  if (int_exact_ && add_integers(&x, 1)) return;
  const double a = std::fabs(x);
  if (!(a >= kMinIndexable)) {
    ++zero_;
  } else if (x > 0) {
    positive_.add(bucket_index(a), 1);
  } else {
    negative_.add(bucket_index(a), 1);
  }
}

void QuantileSketch::add_many(const double* x, std::size_t n, double lo, double hi) {
  if (n == 0) return;
  if (!(lo >= kMinIndexable && hi <= std::numeric_limits<double>::max())) {
    add_many(x, n);
    return;
  }
  // A block of one value (a base year, a constant series): one integer count, not n.
  if (int_exact_ && (lo == hi ? add_integer_block(lo, n) : add_integers(x, n))) return;
  // Every value positive and indexable: the index range comes from the extremes (the
  // mapping is increasing), so the store grows once and the index loop has no branch.
  const std::int32_t ilo = bucket_index(lo), ihi = bucket_index(hi);
  if (ilo == ihi) {  // one bucket (e.g. the base year, the same in every run)
    positive_.add(ilo, n);
    return;
  }
  constexpr std::size_t kChunk = 256;
  std::int32_t idx[kChunk];
  if (!projected(positive_, n, n)
           .prepare(ilo, ihi, n)) {  // a sparse store (values far apart for their count)
    for (std::size_t start = 0; start < n; start += kChunk) {
      const std::size_t m = std::min(kChunk, n - start);
      bucket_indices(x + start, m, idx);
      positive_.add_indices(idx, m);
    }
    return;
  }
  const std::int32_t off = positive_.offset;
  positive_.visit([&](auto& counters) {
    auto* c = counters.data();
    for (std::size_t start = 0; start < n; start += kChunk) {
      const std::size_t m = std::min(kChunk, n - start);
      bucket_indices(x + start, m, idx);
      count_indices(c, off, idx, m);
    }
  });
  positive_.total += n;
}

std::int32_t QuantileSketch::index_of(double x) {
  return bucket_index(x);
}

void QuantileSketch::offsets_of(const double* x, std::size_t n, std::int32_t base,
                                std::uint16_t* off) {
  std::size_t j = sketch_detail::bucket_offsets_lanes(x, n, kA, kB, kC, kMultiplier, base, off);
  for (; j < n; ++j) off[j] = static_cast<std::uint16_t>(bucket_index(x[j]) - base);
}

void QuantileSketch::add_positive_offsets(const std::uint16_t* off, std::size_t m,
                                          std::int32_t base, std::int32_t ilo, std::int32_t ihi) {
  if (m == 0) return;
  if (ilo == ihi) {
    positive_.add(ilo, m);
  } else if (projected(positive_, m, m).prepare(ilo, ihi, m)) {
    // Counter base + off[j] - offset, addressable for every j (prepare made [ilo, ihi] so).
    positive_.visit([&](auto& c) {
      count_indices(c.data(), static_cast<std::int64_t>(positive_.offset) - base, off, m);
    });
    positive_.total += m;
  } else {
    std::vector<std::int32_t> idx(off, off + m);
    for (std::int32_t& i : idx) i += base;
    positive_.add_indices(idx.data(), m);
  }
}

void QuantileSketch::add_many(const double* x, std::size_t n) {
  if (int_exact_ && add_integers(x, n)) return;
  // In chunks: indices first, grow each store once, then count. No allocation unless the
  // range grows.
  constexpr std::size_t kChunk = 256;
  std::int32_t idx[kChunk];
  for (std::size_t start = 0; start < n; start += kChunk) {
    const std::size_t m = std::min(kChunk, n - start);
    const double* v = x + start;
    // The common case first: every value positive and indexable (a run's indicators are
    // mostly positive). Then the index range comes from the smallest and largest value
    // (the mapping is increasing), and the index loop has no branch.
    double lo = v[0], hi = v[0];
    for (std::size_t j = 1; j < m; ++j) {
      lo = v[j] < lo ? v[j] : lo;
      hi = v[j] > hi ? v[j] : hi;
    }
    if (lo >= kMinIndexable && hi <= std::numeric_limits<double>::max()) {
      bucket_indices(v, m, idx);
      if (projected(positive_, m, m).prepare(bucket_index(lo), bucket_index(hi), m)) {
        positive_.visit([&](auto& c) { count_indices(c.data(), positive_.offset, idx, m); });
        positive_.total += m;
      } else {
        positive_.add_indices(idx, m);
      }
      continue;
    }
    add_chunk(v, m, idx);
  }
}

QuantileSketch::Store& QuantileSketch::projected(Store& s, std::uint64_t n, std::uint64_t m) {
  if (expect_ != 0 && s.total == 0 && m != 0) {
    s.expect = static_cast<std::uint64_t>(static_cast<double>(expect_) * static_cast<double>(n) /
                                          static_cast<double>(m));
  }
  return s;
}

/// A chunk (m <= 256) with zeros, negative values or values too small to index (idx:
/// scratch of m).
void QuantileSketch::add_chunk(const double* v, std::size_t m, std::int32_t* idx) {
  std::int32_t plo = INT32_MAX, phi = INT32_MIN, nlo = INT32_MAX, nhi = INT32_MIN;
  std::uint64_t zeros = 0, npos = 0, nneg = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const double a = std::fabs(v[j]);
    if (!(a >= kMinIndexable)) {
      idx[j] = kNoIndex;
      ++zeros;
      continue;
    }
    const std::int32_t i = bucket_index(a);
    idx[j] = i;
    if (v[j] > 0) {
      plo = std::min(plo, i);
      phi = std::max(phi, i);
      ++npos;
    } else {
      nlo = std::min(nlo, i);
      nhi = std::max(nhi, i);
      ++nneg;
    }
  }
  zero_ += zeros;
  // Each sign: dense stores count in place; a sparse one takes that sign's indices.
  const bool pdense = npos == 0 || projected(positive_, npos, m).prepare(plo, phi, npos);
  const bool ndense = nneg == 0 || projected(negative_, nneg, m).prepare(nlo, nhi, nneg);
  std::int32_t pidx[256], nidx[256];
  std::size_t np = 0, nn = 0;
  for (std::size_t j = 0; j < m; ++j) {
    if (idx[j] == kNoIndex) continue;
    const bool pos = v[j] > 0;
    Store& s = pos ? positive_ : negative_;
    if (pos ? pdense : ndense) {
      s.visit([&](auto& c) { ++c[static_cast<std::size_t>(idx[j] - s.offset)]; });
    } else if (pos) {
      pidx[np++] = idx[j];
    } else {
      nidx[nn++] = idx[j];
    }
  }
  if (pdense) {
    positive_.total += npos;
  } else {
    positive_.add_indices(pidx, np);
  }
  if (ndense) {
    negative_.total += nneg;
  } else {
    negative_.add_indices(nidx, nn);
  }
}

void QuantileSketch::merge(QuantileSketch&& other) {
  if (int_exact_ && int_total_ == 0) {  // no value yet: the result is other
    const std::uint64_t expect = expect_;
    *this = std::move(other);
    expect_ = expect;
    return;
  }
  merge(other);
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (int_exact_ && other.int_exact_) {
    if (other.int_counts_.empty()) return;
    const std::int64_t olo = other.int_lo_;
    const std::int64_t ohi = olo + static_cast<std::int64_t>(other.int_counts_.size()) - 1;
    if (int_reserve(olo, ohi)) {
      for (std::size_t k = 0; k < other.int_counts_.size(); ++k) {
        int_counts_[static_cast<std::size_t>(olo - int_lo_) + k] += other.int_counts_[k];
      }
      int_total_ += other.int_total_;
      return;
    }
    // The span is exceeded: this sketch's counts are in its buckets now; other's follow.
  }
  drop_integers();
  if (other.int_exact_) {
    fold_integers(other.int_lo_, other.int_counts_);
    return;
  }
  positive_.merge(other.positive_);
  negative_.merge(other.negative_);
  zero_ += other.zero_;
}

void QuantileSketch::fold_integers(std::int64_t lo, const std::vector<std::uint64_t>& counts) {
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const std::uint64_t c = counts[k];
    if (c == 0) continue;
    const std::int64_t v = lo + static_cast<std::int64_t>(k);
    if (v == 0) {
      zero_ += c;
    } else {
      // |v| >= 1: indexable; the same bucket add() gives the value.
      (v > 0 ? positive_ : negative_).add(bucket_index(std::fabs(static_cast<double>(v))), c);
    }
  }
}

std::uint64_t QuantileSketch::count() const {
  return int_exact_ ? int_total_ : positive_.total + negative_.total + zero_;
}

std::uint64_t QuantileSketch::rank_of(double q, std::uint64_t n) {
  if (n == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // k = ceil(q n): exactly, in integers, for levels in whole parts per million (0.05 n is
  // then 5e4 n / 1e6 with no rounding of q n); in double arithmetic otherwise.
  const double ppm = q * 1e6;
  const double rp = std::nearbyint(ppm);
  std::uint64_t k;
  if (std::abs(ppm - rp) <= 1e-6 && n < (std::uint64_t{1} << 43)) {
    const auto p = static_cast<std::uint64_t>(rp);
    k = (n * p + 999999) / 1000000;
  } else {
    k = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(n)));
  }
  return std::clamp<std::uint64_t>(k, 1, n);
}

std::pair<std::uint64_t, std::uint64_t> QuantileSketch::ci95_ranks(double q, std::uint64_t n) {
  if (n == 0) return {0, 0};
  q = std::clamp(q, 0.0, 1.0);
  const double dn = static_cast<double>(n);
  const double mid = dn * q, half = 1.959963984540054 * std::sqrt(dn * q * (1 - q));
  const double l = std::nearbyint(mid - half), u = std::nearbyint(mid + half) + 1;
  auto clamp_rank = [&](double r) {
    return r < 1 ? std::uint64_t{1} : r > dn ? n : static_cast<std::uint64_t>(r);
  };
  return {clamp_rank(l), clamp_rank(u)};
}

double QuantileSketch::quantile(double q) const {
  const std::uint64_t n = count();
  if (n == 0 || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  return order_statistic(rank_of(q, n));
}

double QuantileSketch::order_statistic(std::uint64_t k) const {
  double out;
  order_statistics(&k, 1, &out);
  return out;
}

void QuantileSketch::order_statistics(const std::uint64_t* k, std::size_t m, double* out) const {
  const std::uint64_t n = count();
  // The valid ranks (0-based) with their output positions, increasing, so one walk from
  // the lowest value answers them all; the rest are NaN.
  constexpr std::size_t kInline = 32;
  std::pair<std::uint64_t, std::size_t> inline_ranks[kInline];
  std::vector<std::pair<std::uint64_t, std::size_t>> heap_ranks;
  std::pair<std::uint64_t, std::size_t>* ranks = inline_ranks;
  if (m > kInline) {
    heap_ranks.resize(m);
    ranks = heap_ranks.data();
  }
  std::size_t valid = 0;
  for (std::size_t i = 0; i < m; ++i) {
    out[i] = std::numeric_limits<double>::quiet_NaN();
    if (k[i] != 0 && k[i] <= n) ranks[valid++] = {k[i] - 1, i};
  }
  std::sort(ranks, ranks + valid);
  std::size_t next = 0;  // the first rank not yet answered
  std::uint64_t cum = 0;
  if (int_exact_) {
    for (std::size_t v = 0; v < int_counts_.size() && next < valid; ++v) {
      cum += int_counts_[v];
      for (; next < valid && ranks[next].first < cum; ++next) {
        out[ranks[next].second] = static_cast<double>(int_lo_ + static_cast<std::int64_t>(v));
      }
    }
    return;  // ranks left unanswered (unreachable: the counts total n) stay NaN
  }
  // Bucket i holds L in ((i-1)/m, i/m]: its c values are placed at (i - 1 + (j + 1/2)/c)/m,
  // j = 0..c-1 the rank within the bucket from its lower end. The walks note each rank's
  // position and sign; values_at then inverts them all at once.
  double inline_pos[kInline];
  std::vector<double> heap_pos;
  double* pos = inline_pos;
  if (m > kInline) {
    heap_pos.resize(m);
    pos = heap_pos.data();
  }
  std::size_t placed = 0, negatives = 0;  // the first `negatives` placed are negative values
  auto at = [&](std::size_t r, std::int32_t i, std::uint64_t j, std::uint64_t c) {
    const double f = (static_cast<double>(j) + 0.5) / static_cast<double>(c);
    pos[placed] = static_cast<double>(i) - 1.0 + f;
    ranks[placed++].second = ranks[r].second;  // placed <= r: rank r is not read again
  };
  // Most negative first: the negative store's highest index, its largest magnitudes first.
  // Each walk skips the counters below the next rank in a plain loop over the counters of
  // the store's width (summarise reads 27 ranks from stores of some 10^4 counters).
  negative_.visit([&](const auto& c) {
    for (std::size_t k2 = c.size(); k2 > 0 && next < valid;) {
      const std::uint64_t r = ranks[next].first;
      while (k2 > 0 && cum + c[k2 - 1] <= r) cum += c[--k2];
      if (k2 == 0) break;
      const std::uint64_t ck = c[--k2];
      for (; next < valid && ranks[next].first < cum + ck; ++next) {
        at(next, negative_.key(k2), ck - 1 - (ranks[next].first - cum), ck);
      }
      cum += ck;
    }
  });
  negatives = placed;
  cum += zero_;
  for (; next < valid && ranks[next].first < cum; ++next) out[ranks[next].second] = 0.0;
  positive_.visit([&](const auto& c) {
    for (std::size_t k2 = 0, np = c.size(); k2 < np && next < valid; ++k2) {
      const std::uint64_t r = ranks[next].first;
      while (k2 < np && cum + c[k2] <= r) cum += c[k2++];
      if (k2 == np) break;
      const std::uint64_t ck = c[k2];
      for (; next < valid && ranks[next].first < cum + ck; ++next) {
        at(next, positive_.key(k2), ranks[next].first - cum, ck);
      }
      cum += ck;
    }
  });
  values_at(pos, placed, pos);
  for (std::size_t r = 0; r < placed; ++r) out[ranks[r].second] = r < negatives ? -pos[r] : pos[r];
  // Ranks left unanswered (unreachable: every rank is below count()) stay NaN.
}

bool QuantileSketch::operator==(const QuantileSketch& o) const {
  return zero_ == o.zero_ && positive_ == o.positive_ && negative_ == o.negative_ &&
         int_exact_ == o.int_exact_ && integer_counts() == o.integer_counts();
}

std::vector<std::pair<std::int32_t, std::uint64_t>> QuantileSketch::buckets(bool negative) const {
  std::vector<std::pair<std::int32_t, std::uint64_t>> out;
  if (int_exact_) {  // the buckets the integers' values would fill
    QuantileSketch filled;
    filled.int_exact_ = false;
    filled.fold_integers(int_lo_, int_counts_);
    return filled.buckets(negative);
  }
  const Store& s = negative ? negative_ : positive_;
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (s.at(k) != 0) out.emplace_back(s.key(k), s.at(k));
  }
  return out;
}

std::uint64_t QuantileSketch::zero_count() const {
  if (!int_exact_) return zero_;
  const std::int64_t at = -int_lo_;
  return at >= 0 && at < static_cast<std::int64_t>(int_counts_.size())
             ? int_counts_[static_cast<std::size_t>(at)]
             : 0;
}

void QuantileSketch::add_bucket(bool negative, std::int32_t index, std::uint64_t count) {
  drop_integers();  // values of unknown integrality (set_integer_exact restores the counts)
  if (count != 0) (negative ? negative_ : positive_).add(index, count);
}

std::size_t QuantileSketch::memory_bytes() const {
  return sizeof(*this) + positive_.heap_bytes() + negative_.heap_bytes() +
         int_counts_.capacity() * sizeof(std::uint64_t);
}

}  // namespace plancast
