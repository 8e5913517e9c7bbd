// Internal to engine/sim/sketch.cpp: the bucket indices of many values at once, in SIMD lanes
// (sketch_lanes.cpp), the same as bucket_index value by value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace plancast::sketch_detail {

/// idx[j] = ceil(multiplier · (((a s + b) s + c) s + e)) for the values v[j] = 2^e (1 + s),
/// j < k, k the largest multiple of the lane count not above m, which is returned (the
/// caller finishes the rest). Every v[j] a finite double >= QuantileSketch::kMinIndexable.
std::size_t bucket_indices_lanes(const double* v, std::size_t m, double a, double b, double c,
                                 double multiplier, std::int32_t* idx);
/// The same indices less `base`, as 16-bit offsets off[j] = idx[j] - base: every index in
/// [base, base + 65535].
std::size_t bucket_offsets_lanes(const double* v, std::size_t m, double a, double b, double c,
                                 double multiplier, std::int32_t base, std::uint16_t* off);

}  // namespace plancast::sketch_detail
