// Counter-based random streams: Philox4x64-10 (Salmon, Moraes, Dror & Shaw, "Parallel random
// numbers: as easy as 1, 2, 3", SC 2011) from Random123, and the Box-Muller normal.
#include "engine/random/stream.h"

#include <cmath>

namespace plancast {

StreamKey stream_id_for(std::string_view name) {
  // FNV-1a, 32-bit (Fowler, Noll & Vo; offset basis 2166136261, prime 16777619).
  std::uint32_t h = 2166136261u;
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  // Ids below 0x100 belong to the engine: a hash that lands there (probability 2^-24) is
  // moved up by 0x100. This is the only place two names can share an id beyond FNV itself.
  if (h < 0x100u) h += 0x100u;
  return h;
}

StreamKey sub_stream_key(std::string_view name, std::uint32_t k) {
  return static_cast<std::uint32_t>(static_cast<std::uint32_t>(stream_id_for(name)) + k);
}

Stream::Stream(std::uint64_t seed, StreamKey stream) noexcept : key_{seed, stream} {}

Uniform4 Stream::uniforms(std::uint64_t run, std::uint32_t year_index,
                          std::uint32_t draw) const noexcept {
  const Words4 w = words(run, year_index, draw, 0);
  return Uniform4{{unit_from_word(w.w[0]), unit_from_word(w.w[1]), unit_from_word(w.w[2]),
                   unit_from_word(w.w[3])}};
}

double normal_from(double u1, double u2) noexcept {
  // Box & Muller (1958), cosine branch: sqrt(-2 ln u1) cos(2 pi u2).
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

}  // namespace plancast
