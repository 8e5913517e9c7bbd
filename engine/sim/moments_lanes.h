// Internal to engine/sim: a block's moments of one indicator-year, and of two at once in
// 4-lane vectors (moments_lanes.cpp), the same bits either way.
#pragma once

#include <cstddef>

namespace plancast::sim_detail {

/// A block's sum and sum of squares of x - k and its extremes, as block_moments gives them.
struct BlockMoments {
  double sum = 0, sumsq = 0, lo = 0, hi = 0;
  bool finite = false;  ///< false: some value or sum is not finite (the fields are unusable)
};

/// The block's sum and sum of squares of x[j] - k (j < n), and its extremes, in four
/// interleaved partial sums (value j into sum j mod 4; a fixed order, so the same for every
/// thread, and one the compiler keeps in vector registers), combined as (s0 + s1) + (s2 +
/// s3); not finite when any value is not finite or a sum overflows.
BlockMoments block_moments(const double* x, std::size_t n, double k);

/// The end of both: values j ... n - 1 (fewer than four) into the lane sums s, q and extremes
/// l, h (four each, lane i taking value j + i), then the lanes combined and checked.
BlockMoments moments_finish(const double* x, std::size_t j, std::size_t n, double k, double* s,
                            double* q, double* l, double* h);

/// block_moments of x0 (shift k0) and x1 (shift k1), n values each, in out[0] and out[1]:
/// lane i of a 4-lane vector takes the values j ≡ i (mod 4) in order, as block_moments'
/// four partial sums do, so the same bits. Returns false (out untouched) where the CPU's
/// vectors hold fewer than four doubles: the caller uses block_moments.
bool block_moments_pair(const double* x0, double k0, const double* x1, double k1, std::size_t n,
                        BlockMoments out[2]);

}  // namespace plancast::sim_detail
