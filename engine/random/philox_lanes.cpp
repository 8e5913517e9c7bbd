// Philox4x64-10 (Salmon, Moraes, Dror & Shaw, SC 2011) and the ziggurat's fast path across
// runs, one SIMD lane per run. Highway compiles this file once per instruction set
// (foreach_target.h) and HWY_DYNAMIC_DISPATCH picks the best the CPU has at the first call.
//
// The 64x64 -> 128-bit products of Philox are built from four 32x32 -> 64-bit products
// (MulEven: the low halves of each 64-bit lane; Knuth, TAOCP vol. 2, 4.3.1), exact in every
// target; the rounds, constants and key schedule are Random123's philox4x64 (philox.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/random/philox_lanes.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
// foreach_target.h re-includes this file once per target, then this copy (HWY_ONCE).
#include <hwy/highway.h>

#include <Random123/philox.h>

#include <algorithm>
#include <cstring>

#include "engine/random/philox_lanes.h"
#include "engine/random/shared_words.h"
#include "engine/random/ziggurat.h"

HWY_BEFORE_NAMESPACE();
namespace plancast {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_TARGET == HWY_SCALAR
// Highway's one-lane target (the baseline where no SIMD target is compiled): no 32-bit
// halves of a 64-bit lane, so Random123's scalar Philox and ziggurat, run by run.
void PhiloxWordsLanes(const std::uint64_t* key, const std::uint64_t* ctr, std::size_t vary,
                      std::size_t n, std::uint64_t* HWY_RESTRICT out, std::size_t stride) {
  const r123::Philox4x64 philox;
  for (std::size_t j = 0; j < n; ++j) {
    r123::Philox4x64::ctr_type c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
    c.v[vary] += j;
    const auto w = philox(c, {{key[0], key[1]}});
    for (std::size_t l = 0; l < 4; ++l) out[l * stride + j] = w.v[l];
  }
}

void PhiloxWordsList(const std::uint64_t* key, const std::uint64_t* HWY_RESTRICT c0,
                     std::uint64_t c1, const std::uint64_t* HWY_RESTRICT c2, std::uint64_t c3,
                     std::size_t n, std::uint64_t* HWY_RESTRICT out, std::size_t stride) {
  const r123::Philox4x64 philox;
  for (std::size_t j = 0; j < n; ++j) {
    const auto w = philox({{c0[j], c1, c2[j], c3}}, {{key[0], key[1]}});
    for (std::size_t l = 0; l < 4; ++l) out[stride == 0 ? 4 * j + l : l * stride + j] = w.v[l];
  }
}

void PhiloxWordsPairs(const std::uint64_t* key, const std::uint64_t* HWY_RESTRICT c0,
                      const std::uint64_t* HWY_RESTRICT c1, std::uint64_t c2, std::uint64_t c3,
                      std::size_t n, std::uint64_t* HWY_RESTRICT out) {
  const r123::Philox4x64 philox;
  for (std::size_t j = 0; j < n; ++j) {
    const auto w = philox({{c0[j], c1[j], c2, c3}}, {{key[0], key[1]}});
    for (std::size_t l = 0; l < 4; ++l) out[4 * j + l] = w.v[l];
  }
}

std::size_t ZigguratNormalsLanes(const std::uint64_t* HWY_RESTRICT r, std::size_t n,
                                 double* HWY_RESTRICT out, std::uint32_t* HWY_RESTRICT slow) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (ziggurat_in_rectangle(r[i])) {
      out[i] = ziggurat_rectangle(r[i]);
    } else {
      slow[k++] = static_cast<std::uint32_t>(i);
    }
  }
  return k;
}
#else
/// A Philox multiplier as vectors: its 32-bit halves, and the whole (for targets with a
/// 64-bit low multiply: AVX-512's vpmullq).
template <class V>
struct Multiplier {
  V lo32, hi32, full;
};

/// hi:lo = a * m for every lane (Knuth's double-word product from 32x32 -> 64-bit pieces).
template <class D, class V>
HWY_INLINE void mul_hi_lo(D d, V a, const Multiplier<V>& m, V& hi, V& lo) {
  const hn::Repartition<std::uint32_t, D> d32;
  const V low = hn::Set(d, 0xFFFFFFFFull);
  const V ah = hn::ShiftRight<32>(a);
  const V ll = hn::MulEven(hn::BitCast(d32, a), hn::BitCast(d32, m.lo32));
  const V lh = hn::MulEven(hn::BitCast(d32, a), hn::BitCast(d32, m.hi32));
  const V hl = hn::MulEven(hn::BitCast(d32, ah), hn::BitCast(d32, m.lo32));
  const V hh = hn::MulEven(hn::BitCast(d32, ah), hn::BitCast(d32, m.hi32));
  // (2^32 - 1)^2 + 2 (2^32 - 1) < 2^64: neither sum below overflows.
  const V t = hn::Add(hl, hn::ShiftRight<32>(ll));
  const V w1 = hn::Add(hn::And(t, low), lh);
  hi = hn::Add(hn::Add(hh, hn::ShiftRight<32>(t)), hn::ShiftRight<32>(w1));
#if HWY_TARGET <= HWY_AVX3
  (void)m.lo32;
  lo = hn::Mul(a, m.full);
#else
  lo = hn::Or(hn::ShiftLeft<32>(w1), hn::And(ll, low));
#endif
}

/// One Philox4x64 round on the counters (x0, x1, x2, x3) with round key (k0, k1).
template <class D, class V>
HWY_INLINE void philox_round(D d, const Multiplier<V>& m0, const Multiplier<V>& m1, V k0, V k1,
                             V& x0, V& x1, V& x2, V& x3) {
  V hi0, lo0, hi1, lo1;
  mul_hi_lo(d, x0, m0, hi0, lo0);
  mul_hi_lo(d, x2, m1, hi1, lo1);
  x0 = hn::Xor(hn::Xor(hi1, x1), k0);
  x1 = lo1;
  x2 = hn::Xor(hn::Xor(hi0, x3), k1);
  x3 = lo0;
}

template <class D>
Multiplier<hn::Vec<D> > multiplier(D d, std::uint64_t m) {
  return {hn::Set(d, m & 0xFFFFFFFFull), hn::Set(d, m >> 32), hn::Set(d, m)};
}

/// Stores the four words of N runs at out (stride apart), every lane.
template <class D, class V>
HWY_INLINE void store_rows(D d, V x0, V x1, V x2, V x3, std::uint64_t* HWY_RESTRICT out,
                           std::size_t stride) {
  hn::StoreU(x0, d, out);
  hn::StoreU(x1, d, out + stride);
  hn::StoreU(x2, d, out + 2 * stride);
  hn::StoreU(x3, d, out + 3 * stride);
}

/// Stores the four words of N runs at out + j (stride apart), only the first `valid` lanes.
template <class D, class V>
HWY_INLINE void store_words(D d, V x0, V x1, V x2, V x3, std::uint64_t* HWY_RESTRICT out,
                            std::size_t stride, std::size_t valid) {
  const std::size_t N = hn::Lanes(d);
  if (valid >= N) return store_rows(d, x0, x1, x2, x3, out, stride);
  // The last runs: through a buffer, so nothing past run n is written.
  HWY_ALIGN std::uint64_t tmp[4 * HWY_MAX_BYTES / sizeof(std::uint64_t)];
  hn::Store(x0, d, tmp);
  hn::Store(x1, d, tmp + N);
  hn::Store(x2, d, tmp + 2 * N);
  hn::Store(x3, d, tmp + 3 * N);
  for (std::size_t l = 0; l < 4; ++l) std::copy_n(tmp + l * N, valid, out + l * stride);
}

/// Stores the four words of N counters at out + 4j + l (counter j's words side by side),
/// only the first `valid` counters.
template <class D, class V>
HWY_INLINE void store_words_interleaved(D d, V x0, V x1, V x2, V x3,
                                        std::uint64_t* HWY_RESTRICT out, std::size_t valid) {
  const std::size_t N = hn::Lanes(d);
  if (valid >= N) {
    hn::StoreInterleaved4(x0, x1, x2, x3, d, out);
    return;
  }
  HWY_ALIGN std::uint64_t tmp[4 * HWY_MAX_BYTES / sizeof(std::uint64_t)];
  hn::StoreInterleaved4(x0, x1, x2, x3, d, tmp);
  std::copy_n(tmp, 4 * valid, out);
}

/// Stores word l of counter j at out[l * stride + j] (rows of words).
struct RowStore {
  std::uint64_t* HWY_RESTRICT out;
  std::size_t stride, n;
  template <class D, class V>
  HWY_INLINE void operator()(D d, std::size_t j, V x0, V x1, V x2, V x3) const {
    store_words(d, x0, x1, x2, x3, out + j, stride, n - j);
  }
  /// The same for N counters that are all stored (j + N <= n).
  template <class D, class V>
  HWY_INLINE void full(D d, std::size_t j, V x0, V x1, V x2, V x3) const {
    store_rows(d, x0, x1, x2, x3, out + j, stride);
  }
};

/// Stores word l of counter j at out[4j + l] (each counter's words side by side).
struct InterleavedStore {
  std::uint64_t* HWY_RESTRICT out;
  std::size_t n;
  template <class D, class V>
  HWY_INLINE void operator()(D d, std::size_t j, V x0, V x1, V x2, V x3) const {
    store_words_interleaved(d, x0, x1, x2, x3, out + 4 * j, n - j);
  }
  /// The same for N counters that are all stored (j + N <= n).
  template <class D, class V>
  HWY_INLINE void full(D d, std::size_t j, V x0, V x1, V x2, V x3) const {
    hn::StoreInterleaved4(x0, x1, x2, x3, d, out + 4 * j);
  }
};

/// The words of n counters, made a vector at a time by make(j, x) (the counters of lanes
/// j ... j + N − 1 into x[0 ... 3]; j may pass n by up to 4N − 1, those lanes not stored),
/// stored by store(d, j, x0, x1, x2, x3) (lanes j ... of each word; j < n).
template <class Make, class Store>
HWY_INLINE void philox_core(const std::uint64_t* key, std::size_t n, const Make& make,
                            const Store& store) {
  std::uint64_t k0[10], k1[10];  // Random123's key schedule: the key plus i Weyl steps
  for (int i = 0; i < 10; ++i) {
    k0[i] = key[0] + static_cast<std::uint64_t>(i) * PHILOX_W64_0;
    k1[i] = key[1] + static_cast<std::uint64_t>(i) * PHILOX_W64_1;
  }
  const hn::ScalableTag<std::uint64_t> d;
  using V = hn::Vec<decltype(d)>;
  const std::size_t N = hn::Lanes(d);
  const Multiplier<V> m0 = multiplier(d, PHILOX_M4x64_0), m1 = multiplier(d, PHILOX_M4x64_1);
  std::size_t j = 0;
  // Four vectors of lanes at a time where there are that many counters (AVX-512 has the
  // registers for them): four independent chains of products keep the multipliers busy
  // while each waits on its own previous round.
  if constexpr (HWY_TARGET <= HWY_AVX3) {
    for (; j + 2 * N < n; j += 4 * N) {
      V a[4], b[4], c[4], e[4];
      make(j, a);
      make(j + N, b);
      make(j + 2 * N, c);
      make(j + 3 * N, e);
#pragma GCC unroll 10
      for (int i = 0; i < 10; ++i) {
        const V k0v = hn::Set(d, k0[i]), k1v = hn::Set(d, k1[i]);
        philox_round(d, m0, m1, k0v, k1v, a[0], a[1], a[2], a[3]);
        philox_round(d, m0, m1, k0v, k1v, b[0], b[1], b[2], b[3]);
        philox_round(d, m0, m1, k0v, k1v, c[0], c[1], c[2], c[3]);
        philox_round(d, m0, m1, k0v, k1v, e[0], e[1], e[2], e[3]);
      }
      store(d, j, a[0], a[1], a[2], a[3]);
      store(d, j + N, b[0], b[1], b[2], b[3]);
      store(d, j + 2 * N, c[0], c[1], c[2], c[3]);
      if (j + 3 * N < n) store(d, j + 3 * N, e[0], e[1], e[2], e[3]);
    }
  }
  // Two vectors of lanes at a time: two independent chains of products keep the multipliers
  // busy while each waits on its own previous round. Whole pairs first, stored without a
  // check: with the checks of a partial pair in the same loop, GCC 12 scheduled the rounds
  // about 25% slower on an AMD Zen 3 with AVX2 (the same operations, measured per call;
  // docs/performance.md, session 32).
  const auto two = [&](std::size_t at, V(&a)[4], V(&b)[4]) HWY_ATTR {
    make(at, a);
    make(at + N, b);
#pragma GCC unroll 10
    for (int i = 0; i < 10; ++i) {
      const V k0v = hn::Set(d, k0[i]), k1v = hn::Set(d, k1[i]);
      philox_round(d, m0, m1, k0v, k1v, a[0], a[1], a[2], a[3]);
      philox_round(d, m0, m1, k0v, k1v, b[0], b[1], b[2], b[3]);
    }
  };
  for (; j + 2 * N <= n; j += 2 * N) {
    V a[4], b[4];
    two(j, a, b);
    store.full(d, j, a[0], a[1], a[2], a[3]);
    store.full(d, j + N, b[0], b[1], b[2], b[3]);
  }
  if (j < n) {  // the last counters, fewer than two vectors
    V a[4], b[4];
    two(j, a, b);
    store(d, j, a[0], a[1], a[2], a[3]);
    if (j + N < n) store(d, j + N, b[0], b[1], b[2], b[3]);
  }
}

/// The counters ctr + j e_kVary (j = 0 ... n-1): the varying word is a template argument, so
/// the loop sets one vector per counter like the single-purpose loop it replaced.
template <std::size_t kVary>
HWY_INLINE void philox_lanes(const std::uint64_t* key, const std::uint64_t* ctr, std::size_t n,
                             std::uint64_t* HWY_RESTRICT out, std::size_t stride) {
  const hn::ScalableTag<std::uint64_t> d;
  using V = hn::Vec<decltype(d)>;
  const V step = hn::Iota(d, 0);
  const V c0v = hn::Set(d, ctr[0]), c1v = hn::Set(d, ctr[1]), c2v = hn::Set(d, ctr[2]),
          c3v = hn::Set(d, ctr[3]);
  philox_core(
      key, n,
      [&](std::size_t j, V(&x)[4]) {
        x[0] = c0v;
        x[1] = c1v;
        x[2] = c2v;
        x[3] = c3v;
        x[kVary] = hn::Add(hn::Set(d, ctr[kVary] + j), step);
      },
      RowStore{out, stride, n});
}

/// The counters (c0[j], c1, c2[j], c3): two words read from arrays (padded to kListPad).
/// stride 0: each counter's words side by side (out[4j + l]); else rows (out[l * stride + j]).
void PhiloxWordsList(const std::uint64_t* key, const std::uint64_t* HWY_RESTRICT c0,
                     std::uint64_t c1, const std::uint64_t* HWY_RESTRICT c2, std::uint64_t c3,
                     std::size_t n, std::uint64_t* HWY_RESTRICT out, std::size_t stride) {
  const hn::ScalableTag<std::uint64_t> d;
  using V = hn::Vec<decltype(d)>;
  const V c1v = hn::Set(d, c1), c3v = hn::Set(d, c3);
  const auto make = [&](std::size_t j, V(&x)[4]) {
    x[0] = hn::LoadU(d, c0 + j);
    x[1] = c1v;
    x[2] = hn::LoadU(d, c2 + j);
    x[3] = c3v;
  };
  if (stride == 0) {
    philox_core(key, n, make, InterleavedStore{out, n});
  } else {
    philox_core(key, n, make, RowStore{out, stride, n});
  }
}

/// The counters (c0[j], c1[j], c2, c3), each counter's words side by side (out[4j + l]).
void PhiloxWordsPairs(const std::uint64_t* key, const std::uint64_t* HWY_RESTRICT c0,
                      const std::uint64_t* HWY_RESTRICT c1, std::uint64_t c2, std::uint64_t c3,
                      std::size_t n, std::uint64_t* HWY_RESTRICT out) {
  const hn::ScalableTag<std::uint64_t> d;
  using V = hn::Vec<decltype(d)>;
  const V c2v = hn::Set(d, c2), c3v = hn::Set(d, c3);
  philox_core(
      key, n,
      [&](std::size_t j, V(&x)[4]) {
        x[0] = hn::LoadU(d, c0 + j);
        x[1] = hn::LoadU(d, c1 + j);
        x[2] = c2v;
        x[3] = c3v;
      },
      InterleavedStore{out, n});
}

void PhiloxWordsLanes(const std::uint64_t* key, const std::uint64_t* ctr, std::size_t vary,
                      std::size_t n, std::uint64_t* HWY_RESTRICT out, std::size_t stride) {
  switch (vary) {
    case 0:
      return philox_lanes<0>(key, ctr, n, out, stride);
    case 1:
      return philox_lanes<1>(key, ctr, n, out, stride);
    case 2:
      return philox_lanes<2>(key, ctr, n, out, stride);
    default:
      return philox_lanes<3>(key, ctr, n, out, stride);
  }
}

std::size_t ZigguratNormalsLanes(const std::uint64_t* HWY_RESTRICT r, std::size_t n,
                                 double* HWY_RESTRICT out, std::uint32_t* HWY_RESTRICT slow) {
  const hn::ScalableTag<std::uint64_t> du;
  const hn::RebindToSigned<decltype(du)> di;
  const hn::RebindToFloat<decltype(du)> df;
  const std::size_t N = hn::Lanes(du);
  const auto mask52 = hn::Set(du, 0x000FFFFFFFFFFFFFull);
  const auto sign = hn::Set(du, 0x8000000000000000ull);
  // 2^52 + m for m < 2^52 is exact in a double whose bits are 0x4330000000000000 | m:
  // subtracting 2^52 gives double(m) exactly, the same value as the scalar int64 conversion.
  const auto exp52 = hn::Set(du, 0x4330000000000000ull);
  const auto two52 = hn::Set(df, 0x1p52);
  const auto* ktab = reinterpret_cast<const std::int64_t*>(kZiggurat.k);
  std::size_t k = 0, i = 0;
  for (; i + N <= n; i += N) {
    const auto w = hn::LoadU(du, r + i);
    const auto rabs = hn::And(hn::ShiftRight<9>(w), mask52);
    // The layer's limit and width by scalar loads into a vector: on this machine's AVX-512
    // and AVX2 a vector gather of two 64-bit tables costs more than eight plain loads each
    // (docs/performance.md; the same values either way).
    HWY_ALIGN std::int64_t lim[HWY_LANES(std::uint64_t)];
    HWY_ALIGN double wid[HWY_LANES(std::uint64_t)];
    for (std::size_t l = 0; l < N; ++l) {
      const unsigned layer_of = static_cast<unsigned>(r[i + l] & 0xff);
      lim[l] = ktab[layer_of];
      wid[l] = kZiggurat.w[layer_of];
    }
    const auto limit = hn::Load(di, lim);
    const auto width = hn::Load(df, wid);
    const auto mag = hn::Mul(hn::Sub(hn::BitCast(df, hn::Or(rabs, exp52)), two52), width);
    // Bit 8 of the word is the sign: moved to bit 63.
    const auto x = hn::Xor(hn::BitCast(du, mag), hn::And(hn::ShiftLeft<55>(w), sign));
    hn::StoreU(hn::BitCast(df, x), df, out + i);
    // rabs, limit < 2^53: the signed comparison is the unsigned one.
    if (HWY_UNLIKELY(!hn::AllTrue(di, hn::Lt(hn::BitCast(di, rabs), limit)))) {
      for (std::size_t l = i; l < i + N; ++l) {
        if (!ziggurat_in_rectangle(r[l])) slow[k++] = static_cast<std::uint32_t>(l);
      }
    }
  }
  for (; i < n; ++i) {
    if (ziggurat_in_rectangle(r[i])) {
      out[i] = ziggurat_rectangle(r[i]);
    } else {
      slow[k++] = static_cast<std::uint32_t>(i);
    }
  }
  return k;
}

#endif  // HWY_TARGET == HWY_SCALAR

std::int64_t DispatchedTarget() {
  return HWY_TARGET;
}

}  // namespace HWY_NAMESPACE
}  // namespace plancast
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace plancast {

HWY_EXPORT(PhiloxWordsLanes);
HWY_EXPORT(PhiloxWordsList);
HWY_EXPORT(PhiloxWordsPairs);
HWY_EXPORT(ZigguratNormalsLanes);
HWY_EXPORT(DispatchedTarget);

void philox_words_lanes(const std::uint64_t key[2], std::uint64_t c0, std::size_t n,
                        std::uint64_t c1, std::uint64_t c2, std::uint64_t c3, std::uint64_t* out,
                        std::size_t stride) noexcept {
  const std::uint64_t ctr[4] = {c0, c1, c2, c3};
  auto draw = [&](std::uint64_t* o) {
    HWY_DYNAMIC_DISPATCH(PhiloxWordsLanes)(key, ctr, 0, n, o, stride);
  };
  // Scenarios simulated together: the same words another drew (shared_words.h).
  if (SharedWords* shared = SharedWords::active()) {
    shared->words(key, c0, n, c1, c2, c3, out, stride, draw);
    return;
  }
  draw(out);
}

void philox_words_lanes_along(const std::uint64_t key[2], const std::uint64_t ctr[4],
                              std::size_t vary, std::size_t n, std::uint64_t* out,
                              std::size_t stride) noexcept {
  HWY_DYNAMIC_DISPATCH(PhiloxWordsLanes)(key, ctr, vary, n, out, stride);
}

void philox_words_list(const std::uint64_t key[2], const std::uint64_t* c0, std::uint64_t c1,
                       const std::uint64_t* c2, std::uint64_t c3, std::size_t n, std::uint64_t* out,
                       std::size_t stride) noexcept {
  HWY_DYNAMIC_DISPATCH(PhiloxWordsList)(key, c0, c1, c2, c3, n, out, stride);
}

void philox_words_pairs(const std::uint64_t key[2], const std::uint64_t* c0,
                        const std::uint64_t* c1, std::uint64_t c2, std::uint64_t c3, std::size_t n,
                        std::uint64_t* out) noexcept {
  HWY_DYNAMIC_DISPATCH(PhiloxWordsPairs)(key, c0, c1, c2, c3, n, out);
}

std::size_t ziggurat_normals_lanes(const std::uint64_t* r, std::size_t n, double* out,
                                   std::uint32_t* slow) noexcept {
  return HWY_DYNAMIC_DISPATCH(ZigguratNormalsLanes)(r, n, out, slow);
}

const char* random_lanes_target() noexcept {
  return hwy::TargetName(HWY_DYNAMIC_DISPATCH(DispatchedTarget)());
}

std::vector<std::int64_t> random_lanes_targets() {
  return hwy::SupportedAndGeneratedTargets();
}

void force_random_lanes_target(std::int64_t target) noexcept {
  hwy::SetSupportedTargetsForTest(target);
}

const char* random_lanes_target_name(std::int64_t target) noexcept {
  return hwy::TargetName(target);
}

}  // namespace plancast
#endif  // HWY_ONCE
