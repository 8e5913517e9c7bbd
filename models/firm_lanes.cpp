// The firm population's counts above a threshold in SIMD lanes (models/firm_draws.cpp's
// count_at_least). Highway compiles this file once per instruction set and dispatches to the
// best the CPU has; a count of comparisons is an integer, the same on every target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "models/firm_lanes.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cstddef>

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

}  // namespace HWY_NAMESPACE
}  // namespace plancast
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace plancast {

HWY_EXPORT(CountAtLeastLanes);

std::size_t count_at_least(const double* x, std::size_t n, double t) {
  return HWY_DYNAMIC_DISPATCH(CountAtLeastLanes)(x, n, t);
}

}  // namespace plancast
#endif  // HWY_ONCE
