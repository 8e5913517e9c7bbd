// A block's moments of one indicator-year (SSE2 where there is SSE2), and of two at once
// (moments_lanes.h). One cell's four
// partial sums are one chain of additions each, and a 4-lane vector holds all four: with two
// cells side by side the processor has two independent chains to overlap. Highway compiles
// this file once per instruction set; targets with vectors of fewer than four doubles
// (SSE4, SSSE3, scalar) decline, and accumulate.cpp's SSE2 loop does the work.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/sim/moments_lanes.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
#include <cmath>

#include "engine/sim/moments_lanes.h"

HWY_BEFORE_NAMESPACE();
namespace plancast::sim_detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

bool BlockMomentsPair(const double* HWY_RESTRICT x0, double k0, const double* HWY_RESTRICT x1,
                      double k1, std::size_t n, BlockMoments* out) {
#if HWY_TARGET == HWY_SCALAR || HWY_MAX_BYTES < 32
  (void)x0, (void)k0, (void)x1, (void)k1, (void)n, (void)out;
  return false;
#else
  const hn::FixedTag<double, 4> d;
  const auto ka = hn::Set(d, k0), kb = hn::Set(d, k1);
  auto sa = hn::Zero(d), qa = hn::Zero(d), sb = hn::Zero(d), qb = hn::Zero(d);
  auto la = hn::Set(d, HUGE_VAL), ha = hn::Set(d, -HUGE_VAL), lb = la, hb = ha;
  std::size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const auto va = hn::LoadU(d, x0 + j), vb = hn::LoadU(d, x1 + j);
    const auto da = hn::Sub(va, ka), db = hn::Sub(vb, kb);
    sa = hn::Add(sa, da);
    sb = hn::Add(sb, db);
    qa = hn::Add(qa, hn::Mul(da, da));
    qb = hn::Add(qb, hn::Mul(db, db));
    // v < l ? v : l, as block_moments (and minpd) take it.
    la = hn::IfThenElse(hn::Lt(va, la), va, la);
    lb = hn::IfThenElse(hn::Lt(vb, lb), vb, lb);
    ha = hn::IfThenElse(hn::Gt(va, ha), va, ha);
    hb = hn::IfThenElse(hn::Gt(vb, hb), vb, hb);
  }
  HWY_ALIGN double s[4], q[4], l[4], h[4];
  hn::Store(sa, d, s);
  hn::Store(qa, d, q);
  hn::Store(la, d, l);
  hn::Store(ha, d, h);
  out[0] = moments_finish(x0, j, n, k0, s, q, l, h);
  hn::Store(sb, d, s);
  hn::Store(qb, d, q);
  hn::Store(lb, d, l);
  hn::Store(hb, d, h);
  out[1] = moments_finish(x1, j, n, k1, s, q, l, h);
  return true;
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace plancast::sim_detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace plancast::sim_detail {

BlockMoments moments_finish(const double* x, std::size_t j, std::size_t n, double k, double* s,
                            double* q, double* l, double* h) {
  for (std::size_t i = 0; j < n; ++j, ++i) {
    const double v = x[j];
    const double d = v - k;
    s[i] += d;
    q[i] += d * d;
    l[i] = v < l[i] ? v : l[i];
    h[i] = v > h[i] ? v : h[i];
  }
  BlockMoments m;
  m.sum = (s[0] + s[1]) + (s[2] + s[3]);
  m.sumsq = (q[0] + q[1]) + (q[2] + q[3]);
  m.lo = std::min(std::min(l[0], l[1]), std::min(l[2], l[3]));
  m.hi = std::max(std::max(h[0], h[1]), std::max(h[2], h[3]));
  // A NaN makes the sums NaN; an infinity makes a sum or an extreme infinite.
  m.finite =
      std::isfinite(m.sum) && std::isfinite(m.sumsq) && std::isfinite(m.lo) && std::isfinite(m.hi);
  return m;
}

BlockMoments block_moments(const double* x, std::size_t n, double k) {
  const double lo = HUGE_VAL, hi = -HUGE_VAL;
  double s[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0};
  double l[4] = {lo, lo, lo, lo}, h[4] = {hi, hi, hi, hi};
  std::size_t j = 0;
#if defined(__SSE2__)
  // Partial sums of lanes (0, 1) and (2, 3) of each group of four: the same operations in
  // the same order as the scalar loop below (min(v, l) is v < l ? v : l, as minpd).
  {
    const __m128d kk = _mm_set1_pd(k);
    __m128d s01 = _mm_setzero_pd(), s23 = _mm_setzero_pd();
    __m128d q01 = _mm_setzero_pd(), q23 = _mm_setzero_pd();
    __m128d l01 = _mm_set1_pd(lo), l23 = l01, h01 = _mm_set1_pd(hi), h23 = h01;
    for (; j + 4 <= n; j += 4) {
      const __m128d v01 = _mm_loadu_pd(x + j), v23 = _mm_loadu_pd(x + j + 2);
      const __m128d d01 = _mm_sub_pd(v01, kk), d23 = _mm_sub_pd(v23, kk);
      s01 = _mm_add_pd(s01, d01);
      s23 = _mm_add_pd(s23, d23);
      q01 = _mm_add_pd(q01, _mm_mul_pd(d01, d01));
      q23 = _mm_add_pd(q23, _mm_mul_pd(d23, d23));
      l01 = _mm_min_pd(v01, l01);
      l23 = _mm_min_pd(v23, l23);
      h01 = _mm_max_pd(v01, h01);
      h23 = _mm_max_pd(v23, h23);
    }
    _mm_storeu_pd(s, s01);
    _mm_storeu_pd(s + 2, s23);
    _mm_storeu_pd(q, q01);
    _mm_storeu_pd(q + 2, q23);
    _mm_storeu_pd(l, l01);
    _mm_storeu_pd(l + 2, l23);
    _mm_storeu_pd(h, h01);
    _mm_storeu_pd(h + 2, h23);
  }
#endif
  for (; j + 4 <= n; j += 4) {
    for (std::size_t i = 0; i < 4; ++i) {
      const double v = x[j + i];
      const double d = v - k;
      s[i] += d;
      q[i] += d * d;
      l[i] = v < l[i] ? v : l[i];
      h[i] = v > h[i] ? v : h[i];
    }
  }
  return moments_finish(x, j, n, k, s, q, l, h);
}

HWY_EXPORT(BlockMomentsPair);

bool block_moments_pair(const double* x0, double k0, const double* x1, double k1, std::size_t n,
                        BlockMoments out[2]) {
  return HWY_DYNAMIC_DISPATCH(BlockMomentsPair)(x0, k0, x1, k1, n, out);
}

}  // namespace plancast::sim_detail
#endif  // HWY_ONCE
