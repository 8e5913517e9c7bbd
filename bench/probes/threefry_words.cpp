// A throw-away probe, not part of the build (docs/performance.md, session 29): how fast
// Random123's Threefry4x64-20 would draw the firms' words in SIMD lanes, against the
// Philox4x64-10 kernel plancast uses (philox_words_list, stride 0: the firms' layout). The
// first lane is checked against Random123's scalar Threefry. Build and run from the
// repository root after a release build:
//   g++ -O2 -std=c++20 -march=native -I. bench/probes/threefry_words.cpp
//       build/libplancast_random.a -lhwy -o /tmp/threefry_words
//   /tmp/threefry_words
#include <Random123/threefry.h>
#include <hwy/highway.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "engine/random/philox_lanes.h"

namespace hn = hwy::HWY_NAMESPACE;
using u64 = std::uint64_t;
using V = hn::Vec<hn::ScalableTag<u64>>;

template <int R>
HWY_INLINE V rotl(V v) {
  return hn::RotateRight<64 - R>(v);
}

/// Threefry4x64-20 of the counters (c0[j], c1, c2[j], c3), words side by side (out[4j + l]).
void threefry_list(const u64 key[4], const u64* c0, u64 c1, const u64* c2, u64 c3, std::size_t n,
                   u64* out) {
  const hn::ScalableTag<u64> d;
  const std::size_t L = hn::Lanes(d);
  const u64 ks[5] = {key[0], key[1], key[2], key[3],
                     key[0] ^ key[1] ^ key[2] ^ key[3] ^ 0x1BD11BDAA9FC1A22ULL};
  for (std::size_t j = 0; j < n; j += L) {
    V x0 = hn::Add(hn::LoadU(d, c0 + j), hn::Set(d, ks[0]));
    V x1 = hn::Set(d, c1 + ks[1]);
    V x2 = hn::Add(hn::LoadU(d, c2 + j), hn::Set(d, ks[2]));
    V x3 = hn::Set(d, c3 + ks[3]);
#define MIX(a, b, R) \
  a = hn::Add(a, b); \
  b = hn::Xor(rotl<R>(b), a);
#define FOUR(R0, R1, R2, R3, R4, R5, R6, R7) \
  MIX(x0, x1, R0)                            \
  MIX(x2, x3, R1)                            \
  MIX(x0, x3, R2) MIX(x2, x1, R3) MIX(x0, x1, R4) MIX(x2, x3, R5) MIX(x0, x3, R6) MIX(x2, x1, R7)
#define INJECT(s)                                  \
  x0 = hn::Add(x0, hn::Set(d, ks[(s) % 5]));       \
  x1 = hn::Add(x1, hn::Set(d, ks[((s) + 1) % 5])); \
  x2 = hn::Add(x2, hn::Set(d, ks[((s) + 2) % 5])); \
  x3 = hn::Add(x3, hn::Set(d, ks[((s) + 3) % 5] + (s)));
    FOUR(14, 16, 52, 57, 23, 40, 5, 37) INJECT(1);
    FOUR(25, 33, 46, 12, 58, 22, 32, 32) INJECT(2);
    FOUR(14, 16, 52, 57, 23, 40, 5, 37) INJECT(3);
    FOUR(25, 33, 46, 12, 58, 22, 32, 32) INJECT(4);
    FOUR(14, 16, 52, 57, 23, 40, 5, 37) INJECT(5);
    hn::StoreInterleaved4(x0, x1, x2, x3, d, out + 4 * j);
  }
}

int main() {
  const std::size_t n = 4096;
  std::vector<u64> c0(n + 64), c2(n + 64), out(4 * n + 256);
  for (std::size_t j = 0; j < n + 64; ++j) {
    c0[j] = 12345 + 7 * j;
    c2[j] = j / 3;
  }
  const u64 key[4] = {0x1234567, 0x9abcdef, 0, 0};
  threefry_list(key, c0.data(), 5, c2.data(), 9, n, out.data());
  const r123::Threefry4x64::ctr_type c = {{c0[17], 5, c2[17], 9}};
  const r123::Threefry4x64::key_type k = {{key[0], key[1], key[2], key[3]}};
  const auto r = r123::Threefry4x64()(c, k);
  const bool same = r[0] == out[68] && r[1] == out[69] && r[2] == out[70] && r[3] == out[71];
  double tf = 1e9, ph = 1e9;
  for (int rep = 0; rep < 2000; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    threefry_list(key, c0.data(), 5, c2.data(), 9, n, out.data());
    const auto t1 = std::chrono::steady_clock::now();
    plancast::philox_words_list(key, c0.data(), 5, c2.data(), 9, n, out.data(), 0);
    const auto t2 = std::chrono::steady_clock::now();
    tf = std::min(tf, std::chrono::duration<double, std::nano>(t1 - t0).count() / (4.0 * n));
    ph = std::min(ph, std::chrono::duration<double, std::nano>(t2 - t1).count() / (4.0 * n));
  }
  std::printf("Threefry4x64-20 equals Random123: %s\n", same ? "yes" : "NO");
  std::printf("Threefry4x64-20 %.3f ns a word; plancast's Philox4x64-10 list (%s) %.3f ns a word\n",
              tf, plancast::random_lanes_target(), ph);
  return same ? 0 : 1;
}
