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
  const auto zero = hn::Zero(d);
  const auto inf = hn::Set(d, HUGE_VAL);
  for (std::size_t i = 0; i < n; i += N) {
    auto p = hn::LoadU(d, start + i);
    auto f = p;
    const auto uu = hn::LoadU(d, u + i);
    const auto av = hn::LoadU(d, a + i);
    const auto cv = hn::LoadU(d, c + i);
    const auto limit = binomial ? av : inf;
    auto res = zero;
    auto active = hn::And(hn::Lt(f, uu), hn::Lt(zero, limit));
    double k = 0;
    while (!hn::AllFalse(d, active)) {
      const auto r = hn::Set(d, discrete_detail::reciprocal(k + 1));
      const auto ratio =
          binomial ? hn::Mul(hn::Mul(hn::Sub(av, hn::Set(d, k)), r), cv) : hn::Mul(av, r);
      p = hn::Mul(p, ratio);
      const auto next = hn::Add(f, p);
      const auto cont = hn::AndNot(hn::Eq(next, f), active);  // active, and F still grows
      f = hn::IfThenElse(cont, next, f);
      const auto k1 = hn::Set(d, k + 1);
      const auto still = hn::And(cont, hn::And(hn::Lt(f, uu), hn::Lt(k1, limit)));
      res = hn::IfThenElse(hn::AndNot(still, active), k1, res);  // done at this step
      active = still;
      k += 1;
    }
    hn::StoreU(res, d, out + i);
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
