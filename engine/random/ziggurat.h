// Standard normals by the ziggurat method (Marsaglia & Tsang, "The ziggurat method for
// generating random variables", J. Stat. Software 5(8), 2000), 256 layers, with the layer
// index and the uniform taken from disjoint bits of one 64-bit word (Doornik, "An improved
// ziggurat method to generate normal random samples", 2005) -- the formulation numpy's
// Generator.standard_normal uses. About 99.3% of words give a normal with one table
// lookup and one multiplication; the rest ask for more words (wedges and the tail).
//
// Why not Boost.Random's normal_distribution (also a ziggurat): measured on the project's
// machine it costs 6.5 ns per normal above the generator, this one about 2 ns, and the
// growth noise is the largest single cost of a run (docs/performance.md).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace plancast {

/// The layer tables, built once at start-up from r and v (deterministic: std::exp, std::log
/// and std::sqrt of the C library, identical for every thread).
struct ZigguratTables {
  std::uint64_t k[256];  ///< acceptance thresholds on the 52-bit uniform
  double w[256];         ///< layer widths / 2^52
  double f[256];         ///< exp(-x_i^2 / 2) at the layer edges
};
extern const ZigguratTables kZiggurat;

/// r: the start of the tail; 1/r.
inline constexpr double kZigguratR = 3.6541528853610088;
inline constexpr double kZigguratInvR = 1.0 / kZigguratR;

/// A uniform in [0, 1) from the top 53 bits of a word.
inline double ziggurat_unit(std::uint64_t w) noexcept {
  return static_cast<double>(static_cast<std::int64_t>(w >> 11)) * 0x1p-53;
}

namespace detail {
/// The rare path (wedges and tail) of ziggurat_normal, out of line.
template <class Next>
[[gnu::noinline]] double ziggurat_slow(std::uint64_t r, Next& next) {
  for (;;) {
    const unsigned idx = static_cast<unsigned>(r & 0xff);
    const std::uint64_t rest = r >> 8;
    const std::uint64_t rabs = (rest >> 1) & 0x000fffffffffffffULL;
    double x = static_cast<double>(static_cast<std::int64_t>(rabs)) * kZiggurat.w[idx];
    if (rest & 1) x = -x;
    if (rabs < kZiggurat.k[idx]) return x;
    if (idx == 0) {
      // Tail beyond r: Marsaglia's exponential rejection. 1 - u > 0, so log1p(-u) is finite.
      for (;;) {
        const double xx = -kZigguratInvR * std::log1p(-ziggurat_unit(next()));
        const double yy = -std::log1p(-ziggurat_unit(next()));
        if (yy + yy > xx * xx) return (rest & 1) ? -(kZigguratR + xx) : kZigguratR + xx;
      }
    }
    // Wedge: accept under the density.
    if ((kZiggurat.f[idx - 1] - kZiggurat.f[idx]) * ziggurat_unit(next()) + kZiggurat.f[idx] <
        std::exp(-0.5 * x * x)) {
      return x;
    }
    r = next();
  }
}
}  // namespace detail

/// Whether the word r falls inside its layer's rectangle (the fast path: ~99.3% of words).
inline bool ziggurat_in_rectangle(std::uint64_t r) noexcept {
  const unsigned idx = static_cast<unsigned>(r & 0xff);
  return ((r >> 9) & 0x000fffffffffffffULL) < kZiggurat.k[idx];
}

/// The normal of a word inside its layer's rectangle: the 52-bit uniform times the layer's
/// width, the sign without a branch (a coin flip, so a branch would miss half the time): bit
/// 8 of r moved to the sign bit of x.
inline double ziggurat_rectangle(std::uint64_t r) noexcept {
  const unsigned idx = static_cast<unsigned>(r & 0xff);
  const std::uint64_t rabs = (r >> 9) & 0x000fffffffffffffULL;
  const double x = static_cast<double>(static_cast<std::int64_t>(rabs)) * kZiggurat.w[idx];
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  bits ^= ((r >> 8) & 1) << 63;
  double out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

/// ziggurat_normal(r, next) for a word outside its rectangle (the wedges and the tail), the
/// rest of the work after the fast path (ziggurat_normals_lanes in philox_lanes.h).
template <class Next>
double ziggurat_normal_slow(std::uint64_t r, Next&& next) {
  return detail::ziggurat_slow(r, next);
}

/// A standard normal from the 64-bit word r (bits 0-7: layer, bit 8: sign, bits 9-60: the
/// uniform). When r falls outside its layer's rectangle, next() (returning further 64-bit
/// words) is called; the result is a pure function of r and the words next() returns.
template <class Next>
inline double ziggurat_normal(std::uint64_t r, Next&& next) {
  if (ziggurat_in_rectangle(r)) [[likely]]
    return ziggurat_rectangle(r);
  return detail::ziggurat_slow(r, next);
}

}  // namespace plancast
