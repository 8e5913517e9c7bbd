// The key of a random stream (engine/random/stream.h): the second word of the Philox key,
// beside the seed. 64 bits wide; every key in use today fits in 32 (docs/decisions.md,
// "64-bit stream keys").
#pragma once

#include <cstdint>

namespace plancast {

using StreamKey = std::uint64_t;

}  // namespace plancast
