// Counter-based random streams (Random123 Philox4x64-10, Salmon et al. 2011): every number
// is a pure function of (seed, stream id, run, year, draw index), so run r's future is the
// same whichever thread, block or shard computes it (habit of pbrt-v4 and OpenMC).
#pragma once

#include <cstdint>
#include <string_view>

namespace plancast {

/// Stream ids below 0x100 are reserved for the engine (parameters, samplers); processes
/// use stream_id_for(name) of their indicator, plus small offsets for sub-purposes.
inline constexpr std::uint32_t kStreamParameters = 1;

/// A stable 32-bit id for a name (FNV-1a), never below 0x100.
std::uint32_t stream_id_for(std::string_view name);

/// Four uniforms strictly inside (0, 1), 53-bit resolution: u = (k + 0.5) / 2^53 with k
/// the top 53 bits of one 64-bit Philox output word.
struct Uniform4 {
  double u[4];
};

/// Philox4x64-10 keyed by (seed, stream); counter (run, year index, draw, 0).
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint32_t stream) noexcept;
  /// Four independent uniforms for (run, year index, draw). Distinct arguments give
  /// independent blocks; the same arguments always give the same numbers.
  Uniform4 uniforms(std::uint64_t run, std::uint32_t year_index, std::uint32_t draw) const noexcept;

 private:
  std::uint64_t key_[2];
};

/// Standard normal from two uniforms in (0,1) (Box–Muller, cosine branch). Deterministic:
/// uses only std::log, std::sqrt, std::cos of the C library.
double normal_from(double u1, double u2) noexcept;

}  // namespace plancast
