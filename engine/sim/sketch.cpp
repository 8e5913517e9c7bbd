// Exact floating-point sums (Shewchuk 1997, as CPython's math.fsum) and the DDSketch quantile
// sketch (Masson, Rim & Lee, VLDB 2019): the order-free summaries merged across blocks.
#include "engine/sim/sketch.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>

namespace plancast {

// ---------------------------------------------------------------------------------------
// ExactSum: J. R. Shewchuk, "Adaptive precision floating-point arithmetic and fast robust
// geometric predicates", Discrete Comput. Geom. 18 (1997); the loop is CPython's
// Modules/mathmodule.c math_fsum (msum), including its final half-even correction.

void ExactSum::add(double x) {
  if (!std::isfinite(x)) {
    special_ += x;
    return;
  }
  std::size_t i = 0;
  for (double y : partials_) {
    if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
    const double hi = x + y;
    const double lo = y - (hi - x);  // exact error of hi (Fast2Sum, |x| >= |y|)
    if (lo != 0.0) partials_[i++] = lo;
    x = hi;
  }
  if (!std::isfinite(x)) {
    // Two finite partials overflowed: like math.fsum's OverflowError, the sum is no longer
    // representable; it is reported as ±inf.
    special_ += x;
    partials_.clear();
    return;
  }
  partials_.resize(i);
  partials_.push_back(x);
}

void ExactSum::merge(const ExactSum& other) {
  for (const double p : other.partials_) add(p);
  special_ += other.special_;
}

double ExactSum::value() const {
  if (special_ != 0.0 || std::isnan(special_)) return special_;
  std::size_t n = partials_.size();
  if (n == 0) return 0.0;
  const double* p = partials_.data();
  double hi = p[--n], lo = 0.0;
  // Sum from the top, stopping when the sum becomes inexact.
  while (n > 0) {
    const double x = hi;
    const double y = p[--n];
    hi = x + y;
    const double yr = hi - x;
    lo = y - yr;
    if (lo != 0.0) break;
  }
  // Half-even rounding across several partials (so that [1e-16, 1, 1e16] rounds up).
  if (n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0))) {
    const double y = lo * 2.0;
    const double x = hi + y;
    const double yr = x - hi;
    if (y == yr) hi = x;
  }
  return hi;
}

ExactSum ExactSum::from_parts(const std::vector<double>& partials, double special) {
  ExactSum s;
  for (const double p : partials) s.add(p);
  s.special_ += special;
  return s;
}

bool ExactSum::operator==(const ExactSum& o) const {
  const bool sa = special_ != 0.0 || std::isnan(special_);
  const bool sb = o.special_ != 0.0 || std::isnan(o.special_);
  if (sa || sb) {
    if (std::isnan(special_) && std::isnan(o.special_)) return true;
    return special_ == o.special_;
  }
  // Equal exact values: their exact difference is zero. (Different addition orders may
  // leave different, equally exact, partials.)
  ExactSum d = *this;
  for (const double p : o.partials_) d.add(-p);
  if (d.special_ != 0.0 || std::isnan(d.special_)) return false;
  return std::all_of(d.partials_.begin(), d.partials_.end(), [](double x) { return x == 0.0; });
}

// ---------------------------------------------------------------------------------------
// QuantileSketch: DDSketch with the logarithmic mapping. Bucket i holds (γ^(i-1), γ^i],
// γ = (1+α)/(1-α); its representative (1-α)γ^i = 2γ^i/(γ+1) is within relative error α of
// both ends (Masson et al. 2019, Prop. 3).

namespace {

constexpr double kAlpha = QuantileSketch::kRelativeAccuracy;
/// ln γ = ln(1+α) - ln(1-α), and its inverse; computed once, with the C library's log1p.
const double kLnGamma = std::log1p(kAlpha) - std::log1p(-kAlpha);
const double kInvLnGamma = 1.0 / kLnGamma;
constexpr std::int32_t kNoIndex = INT32_MIN;

/// ceil(log_γ a) for a >= kMinIndexable (so the index lies in about [-6900, 177500]).
inline std::int32_t bucket_index(double a) {
  return static_cast<std::int32_t>(std::ceil(std::log(a) * kInvLnGamma));
}

inline double representative(std::int32_t i) {
  return std::exp(static_cast<double>(i) * kLnGamma) * (1.0 - kAlpha);
}

}  // namespace

void QuantileSketch::Store::reserve_range(std::int32_t lo, std::int32_t hi) {
  if (counts.empty()) {
    offset = lo;
    counts.assign(static_cast<std::size_t>(hi - lo) + 1, 0);
    return;
  }
  const std::int32_t cur_lo = offset;
  const std::int32_t cur_hi = offset + static_cast<std::int32_t>(counts.size()) - 1;
  if (lo >= cur_lo && hi <= cur_hi) return;
  // Slack on a growing side keeps gradual growth amortised; memory stays within about 1.25×
  // the occupied range (+16).
  const std::int32_t slack =
      std::max<std::int32_t>(16, static_cast<std::int32_t>(counts.size() / 4));
  const std::int32_t new_lo = lo < cur_lo ? lo - slack : cur_lo;
  const std::int32_t new_hi = hi > cur_hi ? hi + slack : cur_hi;
  std::vector<std::uint64_t> grown(static_cast<std::size_t>(new_hi - new_lo) + 1, 0);
  std::copy(counts.begin(), counts.end(), grown.begin() + (cur_lo - new_lo));
  counts.swap(grown);
  offset = new_lo;
}

void QuantileSketch::Store::add(std::int32_t index, std::uint64_t n) {
  reserve_range(index, index);
  counts[static_cast<std::size_t>(index - offset)] += n;
  total += n;
}

void QuantileSketch::Store::merge(const Store& o) {
  if (o.total == 0) return;
  std::size_t first = 0, last = o.counts.size() - 1;
  while (o.counts[first] == 0) ++first;
  while (o.counts[last] == 0) --last;
  reserve_range(o.offset + static_cast<std::int32_t>(first),
                o.offset + static_cast<std::int32_t>(last));
  for (std::size_t k = first; k <= last; ++k) {
    counts[static_cast<std::size_t>(o.offset + static_cast<std::int32_t>(k) - offset)] +=
        o.counts[k];
  }
  total += o.total;
}

bool QuantileSketch::Store::operator==(const Store& o) const {
  // Same counts per bucket index; the allocated range (offset, slack) may differ.
  if (total != o.total) return false;
  auto at = [](const Store& s, std::int64_t i) -> std::uint64_t {
    const std::int64_t k = i - s.offset;
    return k >= 0 && k < static_cast<std::int64_t>(s.counts.size())
               ? s.counts[static_cast<std::size_t>(k)]
               : 0;
  };
  const auto lo = std::min<std::int64_t>(offset, o.offset);
  const auto hi = std::max<std::int64_t>(offset + static_cast<std::int64_t>(counts.size()),
                                         o.offset + static_cast<std::int64_t>(o.counts.size()));
  for (std::int64_t i = lo; i < hi; ++i) {
    if (at(*this, i) != at(o, i)) return false;
  }
  return true;
}

void QuantileSketch::add(double x) {
  const double a = std::fabs(x);
  if (!(a >= kMinIndexable)) {
    ++zero_;
  } else if (x > 0) {
    positive_.add(bucket_index(a), 1);
  } else {
    negative_.add(bucket_index(a), 1);
  }
}

void QuantileSketch::add_many(const double* x, std::size_t n) {
  // In chunks: indices first (and the index range of each sign), grow each store once,
  // then count. No allocation unless the range grows.
  constexpr std::size_t kChunk = 256;
  std::int32_t idx[kChunk];
  for (std::size_t start = 0; start < n; start += kChunk) {
    const std::size_t m = std::min(kChunk, n - start);
    const double* v = x + start;
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
    if (nneg == 0) {
      if (npos == 0) continue;
      // Common case: all positive.
      positive_.reserve_range(plo, phi);
      std::uint64_t* c = positive_.counts.data();
      const std::int32_t off = positive_.offset;
      for (std::size_t j = 0; j < m; ++j) {
        if (idx[j] != kNoIndex) ++c[static_cast<std::size_t>(idx[j] - off)];
      }
      positive_.total += npos;
      continue;
    }
    if (npos > 0) positive_.reserve_range(plo, phi);
    negative_.reserve_range(nlo, nhi);
    for (std::size_t j = 0; j < m; ++j) {
      if (idx[j] == kNoIndex) continue;
      Store& s = v[j] > 0 ? positive_ : negative_;
      ++s.counts[static_cast<std::size_t>(idx[j] - s.offset)];
    }
    positive_.total += npos;
    negative_.total += nneg;
  }
}

void QuantileSketch::merge(const QuantileSketch& other) {
  positive_.merge(other.positive_);
  negative_.merge(other.negative_);
  zero_ += other.zero_;
}

std::uint64_t QuantileSketch::count() const {
  return positive_.total + negative_.total + zero_;
}

double QuantileSketch::quantile(double q) const {
  const std::uint64_t n = count();
  if (n == 0 || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(n - 1)));
  std::uint64_t cum = 0;
  // Most negative first: the negative store's highest index.
  for (std::size_t k = negative_.counts.size(); k-- > 0;) {
    cum += negative_.counts[k];
    if (cum > rank) return -representative(negative_.offset + static_cast<std::int32_t>(k));
  }
  cum += zero_;
  if (cum > rank) return 0.0;
  for (std::size_t k = 0; k < positive_.counts.size(); ++k) {
    cum += positive_.counts[k];
    if (cum > rank) return representative(positive_.offset + static_cast<std::int32_t>(k));
  }
  return std::numeric_limits<double>::quiet_NaN();  // unreachable: rank < count
}

bool QuantileSketch::operator==(const QuantileSketch& o) const {
  return zero_ == o.zero_ && positive_ == o.positive_ && negative_ == o.negative_;
}

std::vector<std::pair<std::int32_t, std::uint64_t>> QuantileSketch::buckets(bool negative) const {
  const Store& s = negative ? negative_ : positive_;
  std::vector<std::pair<std::int32_t, std::uint64_t>> out;
  for (std::size_t k = 0; k < s.counts.size(); ++k) {
    if (s.counts[k] != 0) out.emplace_back(s.offset + static_cast<std::int32_t>(k), s.counts[k]);
  }
  return out;
}

void QuantileSketch::add_bucket(bool negative, std::int32_t index, std::uint64_t count) {
  if (count != 0) (negative ? negative_ : positive_).add(index, count);
}

std::size_t QuantileSketch::memory_bytes() const {
  return sizeof(*this) +
         (positive_.counts.capacity() + negative_.counts.capacity()) * sizeof(std::uint64_t);
}

}  // namespace plancast
