// Poisson and binomial draws for a block of runs at once (discrete.h): the same decisions and
// expressions as poisson_draw and binomial_draw (discrete_internal.h), so the same bits.
//
// Draw by draw, an inversion is a chain of dependent multiplications and additions whose
// length is the draw itself, and it ends in a branch the processor cannot predict. Here the
// inversions of a block step in SIMD lanes (discrete_lanes.cpp), one reciprocal for all lanes
// per step, until the last lane is done; PTRS's first pairs are tried in the same pass.
// Draws that need more than their first words (a rejection, or BTRS) are left to the caller.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "engine/random/discrete.h"
#include "engine/random/discrete_internal.h"
#include "engine/random/stream.h"

namespace plancast {

using namespace discrete_detail;

namespace {

/// The inversions of up to kChunk draws, gathered for inversion_lanes: inputs padded to a
/// multiple of kInversionPad with start 1, u 0 (lanes that are done before they begin).
struct Inversions {
  static constexpr std::size_t kChunk = 256;
  std::uint32_t idx[kChunk];
  double start[kChunk + kInversionPad], u[kChunk + kInversionPad];
  double a[kChunk + kInversionPad], c[kChunk + kInversionPad], got[kChunk + kInversionPad];
  std::size_t m = 0;

  bool full() const { return m == kChunk; }
  void add(std::size_t j, double p0, double uj, double aj, double cj) {
    idx[m] = static_cast<std::uint32_t>(j);
    start[m] = p0;
    u[m] = uj;
    a[m] = aj;
    c[m] = cj;
    ++m;
  }
  /// Runs the lanes; got[0 ... m) are the draws of idx[0 ... m).
  void run(bool binomial) {
    std::size_t padded = m;
    for (; padded % kInversionPad != 0; ++padded) {
      start[padded] = 1;
      u[padded] = 0;
      a[padded] = 0;
      c[padded] = 0;
    }
    inversion_lanes(start, u, a, c, binomial, padded, got);
  }
};

}  // namespace

std::size_t poisson_draws(const double* mean, const std::uint64_t* w0, const std::uint64_t* w1,
                          std::size_t n, double* out, std::uint32_t* rest) {
  std::size_t k = 0;
  Inversions inv;
  // e^-mean of the last inversion: a block's runs often share their mean (a constant rate,
  // the firms' entry), and the same mean gives the same exp.
  double last_mean = std::numeric_limits<double>::quiet_NaN(), last_p0 = 0.0;
  auto finish = [&] {
    inv.run(false);
    for (std::size_t l = 0; l < inv.m; ++l) out[inv.idx[l]] = inv.got[l];
    inv.m = 0;
  };
  for (std::size_t j = 0; j < n; ++j) {
    const double x = mean[j];
    switch (poisson_method(x)) {
      case Method::zero:
        out[j] = 0.0;
        break;
      case Method::itself:
        out[j] = x;
        break;
      case Method::inversion:
        // poisson_inversion: p(0) = e^−mean, then p *= mean · (1/k).
        if (!(x == last_mean)) {
          last_mean = x;
          last_p0 = std::exp(-x);
        }
        inv.add(j, last_p0, unit_from_word(w0[j]), x, 0.0);
        if (inv.full()) finish();
        break;
      case Method::rejection: {
        // PTRS's first pair, (w0, w1): accepted inside the squeeze or by the full test, or
        // left to the caller (which draws from the first pair again).
        const PtrsSetup c = ptrs_setup(x);
        const double uu = unit_from_word(w0[j]) - 0.5;
        const double v = unit_from_word(w1[j]);
        const double us = 0.5 - std::fabs(uu);
        const double cand = ptrs_candidate(c, uu, us);
        if (ptrs_squeeze(c, us, v) || PtrsTest(c, x).accepts(us, v, cand)) {
          out[j] = cand;
        } else {
          rest[k++] = static_cast<std::uint32_t>(j);
        }
        break;
      }
    }
  }
  if (inv.m > 0) finish();
  return k;
}

std::size_t binomial_draws(const double* n, const double* q, const std::uint64_t* w0,
                           std::size_t count, double* out, std::uint32_t* rest) {
  std::size_t k = 0;
  Inversions inv;
  bool flip[Inversions::kChunk];
  auto finish = [&] {
    inv.run(true);
    for (std::size_t l = 0; l < inv.m; ++l) {
      out[inv.idx[l]] = flip[l] ? inv.a[l] - inv.got[l] : inv.got[l];
    }
    inv.m = 0;
  };
  for (std::size_t j = 0; j < count; ++j) {
    const BinomialPlan plan = binomial_plan(n[j], q[j]);
    switch (plan.method) {
      case Method::zero:
        out[j] = 0.0;
        break;
      case Method::itself:
        out[j] = n[j];
        break;
      case Method::inversion:
        // binomial_inversion: P(0) = (1 − p)^n, then pk *= (n − k) · (1/(k + 1)) · odds.
        flip[inv.m] = plan.flip;
        inv.add(j, std::exp(n[j] * std::log1p(-plan.p)), unit_from_word(w0[j]), n[j],
                plan.p / (1.0 - plan.p));
        if (inv.full()) finish();
        break;
      case Method::rejection:
        rest[k++] = static_cast<std::uint32_t>(j);
        break;
    }
  }
  if (inv.m > 0) finish();
  return k;
}

}  // namespace plancast
