// ExactSum (sketch.h): exact floating-point sums (Shewchuk 1997, as CPython's math.fsum),
// one of the order-free summaries merged across blocks.
#include <algorithm>
#include <cmath>

#include "engine/sim/sketch.h"

namespace plancast {

// ---------------------------------------------------------------------------------------
// ExactSum: J. R. Shewchuk, "Adaptive precision floating-point arithmetic and fast robust
// geometric predicates", Discrete Comput. Geom. 18 (1997); the loop is CPython's
// Modules/mathmodule.c math_fsum (msum), including its final half-even correction.

namespace {
constexpr double kCarryUnit = 0x1p1023;
}  // namespace

void ExactSum::add(double x) {
  if (!std::isfinite(x)) {
    special_ += x;
    return;
  }
  std::size_t i = 0;
  for (std::size_t k = 0; k < partials_.size(); ++k) {
    double y = partials_[k];
    if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
    double hi = x + y;
    while (!std::isfinite(hi)) {
      // |x| >= |y| and x + y overflowed: x and y share the sign of the sum and |x| >= 2^1023
      // (two doubles below 2^1023 sum to at most DBL_MAX). Taking one unit 2^1023 out of x is
      // exact (Sterbenz) and moves it into the carry; at most twice per step.
      const double unit = std::copysign(kCarryUnit, x);
      x -= unit;
      carry_ += unit > 0 ? 1 : -1;
      if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
      hi = x + y;
    }
    const double lo = y - (hi - x);  // exact error of hi (Fast2Sum, |x| >= |y|)
    if (lo != 0.0) partials_[i++] = lo;
    x = hi;
  }
  partials_.resize(i);
  partials_.push_back(x);
}

void ExactSum::merge(const ExactSum& other) {
  for (const double p : other.partials_) add(p);
  special_ += other.special_;
  carry_ += other.carry_;
}

bool ExactSum::fold_once() {
  const std::int64_t s = carry_ > 0 ? 1 : -1;
  ExactSum t;
  t.partials_ = partials_;
  t.add(static_cast<double>(s) * kCarryUnit);
  if (t.carry_ != 0) return false;  // the unit does not fit: |sum| is beyond the range
  partials_ = std::move(t.partials_);
  carry_ -= s;
  return true;
}

double ExactSum::value() const {
  if (special_ != 0.0 || std::isnan(special_)) return special_;
  if (carry_ != 0) {
    ExactSum t = *this;
    while (t.carry_ != 0) {
      if (!t.fold_once()) return std::copysign(HUGE_VAL, static_cast<double>(t.carry_));
    }
    return t.value();
  }
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

double ExactSum::value_scaled(int e) const {
  if (special_ != 0.0 || std::isnan(special_)) return special_;
  ExactSum t;
  for (const double p : partials_) t.add(std::ldexp(p, e));
  t.add(static_cast<double>(carry_) * std::ldexp(1.0, 1023 + e));
  return t.value();
}

ExactSum ExactSum::from_parts(std::span<const double> partials, double special,
                              std::int64_t carry) {
  ExactSum s;
  for (const double p : partials) s.add(p);
  s.special_ += special;
  s.carry_ += carry;
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
  // leave different, equally exact, partials and carries.)
  ExactSum d = *this;
  d.carry_ -= o.carry_;
  for (const double p : o.partials_) d.add(-p);
  while (d.carry_ != 0) {
    if (!d.fold_once()) return false;
  }
  return std::all_of(d.partials_.begin(), d.partials_.end(), [](double x) { return x == 0.0; });
}

}  // namespace plancast
