// The inversions of Poisson and binomial draws for many draws at once, one SIMD lane per
// draw (discrete_batch.cpp). Highway compiles this file once per instruction set
// (foreach_target.h) and HWY_DYNAMIC_DISPATCH picks the best the CPU has at the first call.
// Each lane takes exactly the steps of poisson_inversion / binomial_inversion (discrete.cpp):
// IEEE multiplications and additions in the same order, no fused multiply-add, so every
// target gives the same bits.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/random/discrete_lanes.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cmath>
#include <cstddef>

#include "engine/random/discrete_internal.h"

HWY_BEFORE_NAMESPACE();
namespace plancast {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// One vector of inversions: its running probability, sum, bound, result and the lanes still
/// searching, stepped by step(k) with the ratio p(k + 1) / p(k).
template <class D>
struct InversionVector {
  using V = hn::Vec<D>;
  using M = hn::Mask<D>;
  V p, f, uu, av, cv, limit, res;
  M active;
  InversionVector(D d, const double* start, const double* u, const double* a, const double* c,
                  bool binomial)
      : p(hn::LoadU(d, start)),
        f(p),
        uu(hn::LoadU(d, u)),
        av(hn::LoadU(d, a)),
        cv(hn::LoadU(d, c)),
        limit(binomial ? av : hn::Set(d, HUGE_VAL)),
        res(hn::Zero(d)),
        active(hn::And(hn::Lt(f, uu), hn::Lt(hn::Zero(d), limit))) {}
  /// Step k -> k + 1 (r = 1/(k + 1), kv = k, k1 = k + 1). A vector with no lane left active
  /// changes nothing but p, which is no longer read.
  HWY_INLINE void step(D /*d*/, V r, V kv, V k1, bool binomial) {
    const V ratio = binomial ? hn::Mul(hn::Mul(hn::Sub(av, kv), r), cv) : hn::Mul(av, r);
    p = hn::Mul(p, ratio);
    const V next = hn::Add(f, p);
    const M cont = hn::AndNot(hn::Eq(next, f), active);  // active, and F still grows
    f = hn::IfThenElse(cont, next, f);
    const M still = hn::And(cont, hn::And(hn::Lt(f, uu), hn::Lt(k1, limit)));
    res = hn::IfThenElse(hn::AndNot(still, active), k1, res);  // done at this step
    active = still;
  }
};

/// n inversions (n a multiple of the lane count, or padded with start 1, u 0): out[i] is the
/// smallest k with F(k) >= u[i], F summed from start[i] = P(K = 0) by p(k + 1) = p(k) ·
/// ratio, ratio = a[i] · (1/(k + 1)) for Poisson (a the mean), ((a[i] − k) · (1/(k + 1))) ·
/// c[i] for the binomial (a = n, c = p / (1 − p), and k < n), stopping early where F no
/// longer grows.
void InversionLanes(const double* HWY_RESTRICT start, const double* HWY_RESTRICT u,
                    const double* HWY_RESTRICT a, const double* HWY_RESTRICT c, bool binomial,
                    std::size_t n, double* HWY_RESTRICT out) {
  const hn::ScalableTag<double> d;
  const std::size_t N = hn::Lanes(d);
  std::size_t i = 0;
  // Two vectors at a time: each step is a chain of a multiplication and an addition, and two
  // independent chains keep the units busy while each waits on its own.
  for (; i + 2 * N <= n; i += 2 * N) {
    InversionVector<decltype(d)> x(d, start + i, u + i, a + i, c + i, binomial);
    InversionVector<decltype(d)> y(d, start + i + N, u + i + N, a + i + N, c + i + N, binomial);
    for (double k = 0; !hn::AllFalse(d, hn::Or(x.active, y.active)); k += 1) {
      const auto r = hn::Set(d, discrete_detail::reciprocal(k + 1));
      const auto kv = hn::Set(d, k), k1 = hn::Set(d, k + 1);
      x.step(d, r, kv, k1, binomial);
      y.step(d, r, kv, k1, binomial);
    }
    hn::StoreU(x.res, d, out + i);
    hn::StoreU(y.res, d, out + i + N);
  }
  for (; i < n; i += N) {
    InversionVector<decltype(d)> x(d, start + i, u + i, a + i, c + i, binomial);
    for (double k = 0; !hn::AllFalse(d, x.active); k += 1) {
      x.step(d, hn::Set(d, discrete_detail::reciprocal(k + 1)), hn::Set(d, k), hn::Set(d, k + 1),
             binomial);
    }
    hn::StoreU(x.res, d, out + i);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace plancast
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace plancast::discrete_detail {

HWY_EXPORT(InversionLanes);

void inversion_lanes(const double* start, const double* u, const double* a, const double* c,
                     bool binomial, std::size_t n, double* out) {
  HWY_DYNAMIC_DISPATCH(InversionLanes)(start, u, a, c, binomial, n, out);
}

}  // namespace plancast::discrete_detail
#endif  // HWY_ONCE
