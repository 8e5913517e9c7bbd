// The quantile sketch's bucket indices in SIMD lanes (sketch.cpp's bucket_indices). Highway
// compiles this file once per instruction set (foreach_target.h) and HWY_DYNAMIC_DISPATCH
// picks the best the CPU has. Each lane takes bucket_index's very operations: integer
// and/or, IEEE subtractions, multiplications and additions in the same order (never fused),
// truncation, one comparison; so the indices are the same on every target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/sim/sketch_lanes.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cstddef>
#include <cstdint>

#include "engine/sim/sketch_lanes.h"

HWY_BEFORE_NAMESPACE();
namespace plancast {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// The bucket indices of the values v[j] as a rebind of df to int32 lanes (finite, >=
/// kMinIndexable): bucket_index's operations, lane by lane.
struct IndexLanes {
  hn::ScalableTag<double> df;
  hn::RebindToUnsigned<decltype(df)> du;
  hn::Rebind<std::int32_t, decltype(df)> di;
  hn::Vec<decltype(du)> mant, one, magic;
  hn::Vec<decltype(df)> ebias, onepd, av, bv, cv, mult;
  IndexLanes(double a, double b, double c, double multiplier)
      : mant(hn::Set(du, 0x000fffffffffffffULL)),
        one(hn::Set(du, 0x3ff0000000000000ULL)),
        magic(hn::Set(du, 0x4330000000000000ULL)),
        ebias(hn::Set(df, 0x1p52 + 1023.0)),
        onepd(hn::Set(df, 1.0)),
        av(hn::Set(df, a)),
        bv(hn::Set(df, b)),
        cv(hn::Set(df, c)),
        mult(hn::Set(df, multiplier)) {}
  HWY_INLINE hn::Vec<decltype(di)> operator()(const double* HWY_RESTRICT v) const {
    const auto bits = hn::BitCast(du, hn::LoadU(df, v));
    const auto e = hn::Sub(hn::BitCast(df, hn::Or(hn::ShiftRight<52>(bits), magic)), ebias);
    const auto s = hn::Sub(hn::BitCast(df, hn::Or(hn::And(bits, mant), one)), onepd);
    auto x = hn::Add(hn::Mul(av, s), bv);
    x = hn::Add(hn::Mul(x, s), cv);
    x = hn::Add(hn::Mul(x, s), e);
    x = hn::Mul(x, mult);
    // ceil(x) = t + (t < x), t = x truncated: exact in doubles (|x| < 2^31), then narrowed.
    const auto t = hn::PromoteTo(df, hn::DemoteTo(di, x));
    const auto up = hn::IfThenElse(hn::Lt(t, x), hn::Add(t, onepd), t);
    return hn::DemoteTo(di, up);
  }
};

std::size_t BucketIndicesLanes(const double* HWY_RESTRICT v, std::size_t m, double a, double b,
                               double c, double multiplier, std::int32_t* HWY_RESTRICT idx) {
  const IndexLanes index(a, b, c, multiplier);
  const std::size_t N = hn::Lanes(index.df);
  std::size_t j = 0;
  for (; j + N <= m; j += N) hn::StoreU(index(v + j), index.di, idx + j);
  return j;
}

std::size_t BucketOffsetsLanes(const double* HWY_RESTRICT v, std::size_t m, double a, double b,
                               double c, double multiplier, std::int32_t base,
                               std::uint16_t* HWY_RESTRICT off) {
  const IndexLanes index(a, b, c, multiplier);
  const hn::Rebind<std::uint16_t, decltype(index.df)> d16;
  const auto basev = hn::Set(index.di, base);
  const std::size_t N = hn::Lanes(index.df);
  std::size_t j = 0;
  // Each index in [base, base + 65535]: the difference narrows to 16 bits exactly.
  for (; j + N <= m; j += N)
    hn::StoreU(hn::DemoteTo(d16, hn::Sub(index(v + j), basev)), d16, off + j);
  return j;
}

}  // namespace HWY_NAMESPACE
}  // namespace plancast
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace plancast::sketch_detail {

HWY_EXPORT(BucketIndicesLanes);
HWY_EXPORT(BucketOffsetsLanes);

std::size_t bucket_indices_lanes(const double* v, std::size_t m, double a, double b, double c,
                                 double multiplier, std::int32_t* idx) {
  return HWY_DYNAMIC_DISPATCH(BucketIndicesLanes)(v, m, a, b, c, multiplier, idx);
}

std::size_t bucket_offsets_lanes(const double* v, std::size_t m, double a, double b, double c,
                                 double multiplier, std::int32_t base, std::uint16_t* off) {
  return HWY_DYNAMIC_DISPATCH(BucketOffsetsLanes)(v, m, a, b, c, multiplier, base, off);
}

}  // namespace plancast::sketch_detail
#endif  // HWY_ONCE
