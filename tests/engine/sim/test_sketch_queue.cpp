// Tests of the sketch queue (engine/sim/sketch_queue.h): values counted several blocks at a
// time must leave every sketch equal, bucket for bucket, to one that counted each block at
// once, whatever the blocks hold and wherever the queue flushes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/random/stream.h"
#include "engine/sim/sketch.h"
#include "engine/sim/sketch_queue.h"

using namespace plancast;
using plancast::sim_detail::SketchQueue;

namespace {

constexpr std::uint64_t kSeed = 20261202;  // fixed seed
constexpr std::size_t kBlock = 256;

/// Block b of cell c: n finite values and their extremes. Cells differ in kind: 0 lognormal
/// (positive, wide), 1 whole numbers (integer-exact counts), 2 lognormal but a constant block
/// every fifth, 3 positive with zeros and values too small to index in some blocks, 4 a mix
/// of signs, 5 whole numbers until block 7, fractions after.
struct Block {
  std::vector<double> x;
  double lo = 0, hi = 0;
};

Block make_block(std::size_t c, std::size_t b, std::size_t n) {
  const Stream st(kSeed, static_cast<std::uint32_t>(c));
  Block out;
  for (std::size_t j = 0; j < n; ++j) {
    const Uniform4 u = st.uniforms(b * kBlock + j, 0, 0);
    const double z = normal_from(u.u[0], u.u[1]);
    double v = std::exp(0.3 * z + 2.0);
    switch (c) {
      case 1:
        v = std::round(40 * u.u[2]);
        break;
      case 2:
        v = b % 5 == 0 ? 7.25 : v;
        break;
      case 3:
        v = b % 3 == 0 && j % 9 == 0 ? (j % 2 == 0 ? 0.0 : 1e-14) : v;
        break;
      case 4:
        v = u.u[2] < 0.3 ? -v : v;
        break;
      case 5:
        v = b < 7 ? std::round(10 * v) : v;
        break;
      default:
        break;
    }
    out.x.push_back(v);
  }
  out.lo = out.hi = out.x[0];
  for (const double v : out.x) {
    out.lo = std::min(out.lo, v);
    out.hi = std::max(out.hi, v);
  }
  return out;
}

}  // namespace

TEST_CASE("sketch queue: counts equal those of every block counted at once", "[sketch][queue]") {
  constexpr std::size_t kCells = 6;
  // kMaxBlocks blocks a cell: the kBlocks blocks flush once before the last flush.
  REQUIRE(SketchQueue::per_cell_for(kCells, kBlock) == SketchQueue::kMaxBlocks * kBlock);
  constexpr std::size_t kBlocks = SketchQueue::kMaxBlocks + 5;
  for (const std::uint64_t expect : {std::uint64_t{0}, std::uint64_t{kBlocks * kBlock}}) {
    std::vector<QuantileSketch> direct(kCells), queued(kCells);
    for (std::size_t c = 0; c < kCells; ++c) {
      direct[c].expect_values(expect);
      queued[c].expect_values(expect);
    }
    SketchQueue q(kCells, kBlock);
    std::uint64_t counted_early = 0;
    for (std::size_t b = 0; b < kBlocks; ++b) {
      const std::size_t n = b == kBlocks - 1 ? 77 : kBlock;  // a short last block
      for (std::size_t c = 0; c < kCells; ++c) {
        const Block blk = make_block(c, b, n);
        direct[c].add_many(blk.x.data(), n, blk.lo, blk.hi);
        q.add(queued[c], c, blk.x.data(), n, blk.lo, blk.hi);
      }
      if (b == 3) counted_early = queued[0].count();
    }
    // The queue does defer: after four blocks cell 0 holds only its first (counted at once,
    // while the sketch was still integer-exact).
    CHECK(counted_early == kBlock);
    q.flush(queued);
    for (std::size_t c = 0; c < kCells; ++c) {
      INFO("cell " << c << ", expect " << expect);
      CHECK(queued[c].count() == direct[c].count());
      CHECK(queued[c].integer_exact() == direct[c].integer_exact());
      CHECK(queued[c] == direct[c]);
      CHECK(queued[c].buckets(false) == direct[c].buckets(false));
      CHECK(queued[c].quantile(0.5) == direct[c].quantile(0.5));
    }
    // Cleared, nothing more is counted at the next flush.
    q.clear();
    q.flush(queued);
    CHECK(queued[0] == direct[0]);
  }
}

TEST_CASE("sketch queue: a budget too small for two blocks a cell counts at once",
          "[sketch][queue]") {
  // 8 MB of 2-byte offsets hold 4,194,304 values: two blocks a cell for up to 8,192 cells.
  CHECK(SketchQueue::per_cell_for(8192, kBlock) == 2 * kBlock);
  CHECK(SketchQueue::per_cell_for(8193, kBlock) == 0);
  CHECK(SketchQueue::bytes(8193, kBlock) == 0);
  CHECK(SketchQueue::per_cell_for(1000, kBlock) == 16 * kBlock);
  CHECK(SketchQueue::per_cell_for(0, kBlock) == 0);
  SketchQueue q(9000, kBlock);  // beyond 8,192 cells
  QuantileSketch direct, queued;
  for (std::size_t b = 0; b < 3; ++b) {
    const Block blk = make_block(0, b, kBlock);
    direct.add_many(blk.x.data(), kBlock, blk.lo, blk.hi);
    q.add(queued, 8999, blk.x.data(), kBlock, blk.lo, blk.hi);
    CHECK(queued == direct);  // counted at once, no flush needed
  }
}

TEST_CASE("sketch queue: a bucket past 65,535 values keeps its exact count", "[sketch][queue]") {
  // 600 blocks of two values: each bucket's count (76,800) passes what 2-byte counters hold,
  // within a flush.
  std::vector<double> x(kBlock);
  for (std::size_t j = 0; j < kBlock; ++j) x[j] = j % 2 == 0 ? 3.0 : 5.5;
  QuantileSketch direct;
  SketchQueue q(1, kBlock);
  std::vector<QuantileSketch> one(1);
  for (int b = 0; b < 600; ++b) {
    direct.add_many(x.data(), kBlock, 3.0, 5.5);
    q.add(one[0], 0, x.data(), kBlock, 3.0, 5.5);
  }
  q.flush(one);
  CHECK(one[0].count() == 600 * kBlock);
  CHECK(one[0] == direct);
  const auto bk = one[0].buckets(false);
  REQUIRE(bk.size() == 2);
  CHECK(bk[0].second == 300 * kBlock);
  CHECK(bk[1].second == 300 * kBlock);
}

TEST_CASE("sketch queue: blocks beyond a cell's 65,536 buckets flush it or count at once",
          "[sketch][queue]") {
  // A cell's offsets reach 65,536 buckets from its base (a factor of about 10^2.8 in value).
  // Blocks drift from 1e-6 up to 1e9, so the queue must flush the cell and take a new base
  // as they leave its reach; every fourth block spans 1e-9 to 1e11 (more buckets than 16
  // bits reach) and is counted at once. The counts must be those of every block at once.
  QuantileSketch direct;
  SketchQueue q(1, kBlock);
  std::vector<QuantileSketch> one(1);
  std::vector<double> x(kBlock);
  for (int b = 0; b < 60; ++b) {
    for (std::size_t j = 0; j < kBlock; ++j) {
      const double centre = std::pow(10.0, -6.0 + 0.25 * b);
      x[j] = centre * (1.0 + 0.5 * static_cast<double>(j) / kBlock);
      if (b % 4 == 3 && j == 0) x[j] = 1e-9;
      if (b % 4 == 3 && j == 1) x[j] = 1e11;
    }
    const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
    direct.add_many(x.data(), kBlock, *lo, *hi);
    q.add(one[0], 0, x.data(), kBlock, *lo, *hi);
  }
  q.flush(one);
  CHECK(one[0].count() == 60 * kBlock);
  CHECK(one[0] == direct);
  CHECK(one[0].buckets(false) == direct.buckets(false));
}
