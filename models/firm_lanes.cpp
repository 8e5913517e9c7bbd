// The firm population's counts above a threshold, and its noise update with them, in SIMD
// lanes (count_at_least, add_noise_counting: models/firm_population.h). Highway compiles this
// file once per instruction set and dispatches to the best the CPU has; a count of
// comparisons is an integer, and the update is one IEEE multiplication and two additions in
// the scalar order (no contraction: -ffp-contract=off), so every target gives the same bits.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "models/firm_lanes.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cstddef>
#include <cstdint>

#include "models/firm_population.h"

HWY_BEFORE_NAMESPACE();
namespace plancast {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

std::size_t CountAtLeastLanes(const double* HWY_RESTRICT x, std::size_t n, double t) {
  const hn::ScalableTag<double> d;
  const std::size_t N = hn::Lanes(d);
  const auto tv = hn::Set(d, t);
  std::size_t c = 0, i = 0;
  for (; i + N <= n; i += N) c += hn::CountTrue(d, hn::Ge(hn::LoadU(d, x + i), tv));
  for (; i < n; ++i) c += x[i] >= t ? 1 : 0;
  return c;
}

void AddNoiseCountingLanes(double* HWY_RESTRICT s, const double* HWY_RESTRICT z, std::size_t n,
                           double d, double sigma, double t0, double t1,
                           std::uint32_t* HWY_RESTRICT counts) {
  const hn::ScalableTag<double> df;
  const hn::ScalableTag<std::uint64_t> du;
  const std::size_t N = hn::Lanes(df);
  const auto dv = hn::Set(df, d), sv = hn::Set(df, sigma), t0v = hn::Set(df, t0),
             t1v = hn::Set(df, t1);
  const auto one = hn::Set(du, 1);
  auto c0 = hn::Zero(du), c1 = hn::Zero(du);
  std::size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto v = hn::Add(hn::LoadU(df, s + i), hn::Add(dv, hn::Mul(sv, hn::LoadU(df, z + i))));
    hn::StoreU(v, df, s + i);
    c0 = hn::Add(c0, hn::IfThenElseZero(hn::RebindMask(du, hn::Ge(v, t0v)), one));
    c1 = hn::Add(c1, hn::IfThenElseZero(hn::RebindMask(du, hn::Ge(v, t1v)), one));
  }
  std::uint64_t n0 = hn::GetLane(hn::SumOfLanes(du, c0)), n1 = hn::GetLane(hn::SumOfLanes(du, c1));
  for (; i < n; ++i) {
    s[i] += d + sigma * z[i];
    n0 += s[i] >= t0 ? 1 : 0;
    n1 += s[i] >= t1 ? 1 : 0;
  }
  counts[0] = static_cast<std::uint32_t>(n0);
  counts[1] = static_cast<std::uint32_t>(n1);
}

}  // namespace HWY_NAMESPACE
}  // namespace plancast
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace plancast {

HWY_EXPORT(CountAtLeastLanes);
HWY_EXPORT(AddNoiseCountingLanes);

std::size_t count_at_least(const double* x, std::size_t n, double t) {
  return HWY_DYNAMIC_DISPATCH(CountAtLeastLanes)(x, n, t);
}

void add_noise_counting(double* s, const double* z, std::size_t n, double d, double sigma,
                        double t0, double t1, std::uint32_t counts[2]) {
  HWY_DYNAMIC_DISPATCH(AddNoiseCountingLanes)(s, z, n, d, sigma, t0, t1, counts);
}

}  // namespace plancast
#endif  // HWY_ONCE
