// Counter-based random streams (Random123 Philox4x64-10, Salmon et al. 2011): every number
// is a pure function of (seed, stream id, run, year, draw index), so run r's future is the
// same whichever thread, block or shard computes it (habit of pbrt-v4 and OpenMC).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <Random123/philox.h>

#include "engine/core/stream_key.h"
#include "engine/random/philox_lanes.h"

namespace plancast {

/// Stream keys below 0x100 are reserved for the engine (parameters, samplers); processes
/// use the keys of their indicator (sub_stream_key), analyses the keys of their names.
/// engine/sim/stream_keys.h checks at compile that no two uses of a scenario share one.
inline constexpr StreamKey kStreamParameters = 1;

/// The names whose keys the analyses use with the scenario's seed or one derived from it
/// (engine/analysis/sensitivity.cpp, shapley.cpp).
inline constexpr std::string_view kStreamSensitivityNoise = "sensitivity.noise";
inline constexpr std::string_view kStreamSensitivityBootstrap = "sensitivity.bootstrap";
inline constexpr std::string_view kStreamShapley = "sensitivity.shapley";
inline constexpr std::string_view kStreamShapleyBootstrap = "sensitivity.shapley.bootstrap";
inline constexpr std::array<std::string_view, 4> kAnalysisStreams = {
    kStreamSensitivityNoise, kStreamSensitivityBootstrap, kStreamShapley, kStreamShapleyBootstrap};

/// A stable key for a name: its 32-bit FNV-1a hash, never below 0x100, held in 64 bits.
StreamKey stream_id_for(std::string_view name);

/// Sub-stream k of the indicator `name`: stream_id_for(name) + k in 32-bit arithmetic (so
/// every key in use before keys were 64-bit keeps its value, wrap-around included).
StreamKey sub_stream_key(std::string_view name, std::uint32_t k);

/// Four uniforms strictly inside (0, 1), 53-bit resolution: u = (k + 0.5) / 2^53 with k
/// the top 53 bits of one 64-bit Philox output word.
struct Uniform4 {
  double u[4];
};

struct Words4 {
  std::uint64_t w[4];
};

/// The uniform of one Philox word: u = ((w >> 11) + 0.5) * 2^-53, the midpoint of one of 2^53
/// equal cells of (0, 1). For w >> 11 >= 2^52 the midpoint needs 54 bits and rounds (to even)
/// onto the 2^-53 grid; only the top cell would round to exactly 1.0, so it is pinned to
/// 1 - 2^-53. Result: 2^-54 <= u <= 1 - 2^-53, strictly inside (0, 1).
inline double unit_from_word(std::uint64_t w) noexcept {
  constexpr double kBelowOne = 1.0 - 0x1p-53;  // the largest double below 1
  // w >> 11 < 2^53 fits a signed integer: one exact signed conversion instruction.
  const double u = (static_cast<double>(static_cast<std::int64_t>(w >> 11)) + 0.5) * 0x1p-53;
  return u < kBelowOne ? u : kBelowOne;
}

/// Philox4x64-10 keyed by (seed, stream); counter (run, year index, draw, 0).
class Stream {
 public:
  Stream(std::uint64_t seed, StreamKey stream) noexcept;
  /// Four independent uniforms for (run, year index, draw). Distinct arguments give
  /// independent blocks; the same arguments always give the same numbers.
  Uniform4 uniforms(std::uint64_t run, std::uint32_t year_index, std::uint32_t draw) const noexcept;
  /// The four raw 64-bit Philox words for the counter (c0, c1, c2, c3). uniforms() is
  /// words(run, year_index, draw, 0) mapped into (0, 1); other purposes use c3 != 0.
  Words4 words(std::uint64_t c0, std::uint64_t c1, std::uint64_t c2,
               std::uint64_t c3) const noexcept {
    r123::Philox4x64 philox;
    const r123::Philox4x64::ctr_type w = philox({{c0, c1, c2, c3}}, {{key_[0], key_[1]}});
    return Words4{{w.v[0], w.v[1], w.v[2], w.v[3]}};
  }
  /// words(first_run + j, c1, c2, c3) for the n runs j = 0 ... n-1 at once (SIMD lanes over
  /// runs, philox_lanes.h; the same bits): word l of run j goes to out[l * stride + j].
  void words_runs(std::uint64_t first_run, std::size_t n, std::uint64_t c1, std::uint64_t c2,
                  std::uint64_t c3, std::uint64_t* out, std::size_t stride) const noexcept {
    philox_words_lanes(key_, first_run, n, c1, c2, c3, out, stride);
  }
  /// words(c0, c1, first_c2 + j, c3) for j = 0 ... n-1 at once (SIMD lanes over the third
  /// counter word, e.g. a run's firms by group of four; the same bits): word l of j goes to
  /// out[l * stride + j].
  void words_draws(std::uint64_t c0, std::uint64_t c1, std::uint64_t first_c2, std::size_t n,
                   std::uint64_t c3, std::uint64_t* out, std::size_t stride) const noexcept {
    const std::uint64_t ctr[4] = {c0, c1, first_c2, c3};
    philox_words_lanes_along(key_, ctr, 2, n, out, stride);
  }
  /// words(c0[j], c1, c2[j], c3) for j < n at once (philox_words_list: c0 and c2 padded to
  /// kListPad): word l of j goes to out[l * stride + j], or with stride 0 to out[4j + l].
  void words_list(const std::uint64_t* c0, std::uint64_t c1, const std::uint64_t* c2,
                  std::uint64_t c3, std::size_t n, std::uint64_t* out,
                  std::size_t stride) const noexcept {
    philox_words_list(key_, c0, c1, c2, c3, n, out, stride);
  }
  /// words(c0[j], c1[j], c2, c3) for j < n at once (philox_words_pairs: c0 and c1 padded to
  /// kListPad): word l of j goes to out[4j + l].
  void words_pairs(const std::uint64_t* c0, const std::uint64_t* c1, std::uint64_t c2,
                   std::uint64_t c3, std::size_t n, std::uint64_t* out) const noexcept {
    philox_words_pairs(key_, c0, c1, c2, c3, n, out);
  }
  /// One uniform per (run, parameter) of the runs first_run ... first_run + n - 1: calls
  /// f(p, j, u) once per (p, j) with u lane p % 4 of uniforms(first_run + j, 0, p / 4), in
  /// an unspecified order (the words of 64 runs are drawn at once).
  template <class F>
  void per_parameter(std::uint64_t first_run, std::size_t n, std::size_t n_params, F&& f) const {
    constexpr std::size_t kRuns = 64;
    std::uint64_t w[4 * kRuns];
    for (std::size_t j0 = 0; j0 < n; j0 += kRuns) {
      const std::size_t m = n - j0 < kRuns ? n - j0 : kRuns;
      for (std::size_t p0 = 0; p0 < n_params; p0 += 4) {
        words_runs(first_run + j0, m, 0, p0 / 4, 0, w, kRuns);
        const std::size_t lanes = n_params - p0 < 4 ? n_params - p0 : 4;
        for (std::size_t l = 0; l < lanes; ++l) {
          for (std::size_t j = 0; j < m; ++j) f(p0 + l, j0 + j, unit_from_word(w[l * kRuns + j]));
        }
      }
    }
  }

 private:
  std::uint64_t key_[2];
};

/// Successive 64-bit words of the counters (c0, c1, k, c3) for k = 0, 1, 2, ..., four per
/// Philox call: a source of further words where a method needs an unknown number (the
/// ziggurat's rare rejections). The same arguments always give the same sequence.
class WordSequence {
 public:
  /// first_k: the counter word c2 of its first four words (0: the whole sequence; k: the
  /// sequence after its first 4k words, for a caller that drew those already).
  WordSequence(const Stream& stream, std::uint64_t c0, std::uint64_t c1, std::uint64_t c3,
               std::uint64_t first_k = 0) noexcept
      : stream_(stream), c0_(c0), c1_(c1), c3_(c3), k_(first_k) {}
  std::uint64_t operator()() noexcept {
    if (used_ == 4) {
      buf_ = stream_.words(c0_, c1_, k_++, c3_);
      used_ = 0;
    }
    return buf_.w[used_++];
  }

 private:
  const Stream& stream_;
  std::uint64_t c0_, c1_, c3_;
  std::uint64_t k_;
  Words4 buf_{};
  unsigned used_ = 4;
};

/// Standard normal from two uniforms in (0,1) (Box–Muller, cosine branch). Deterministic:
/// uses only std::log, std::sqrt, std::cos of the C library.
double normal_from(double u1, double u2) noexcept;

}  // namespace plancast
