// Tests of the block moments (engine/sim/moments_lanes.h): two indicator-years at once in
// 4-lane vectors must give block_moments' bits for each, on every instruction set this CPU
// runs (those with vectors of fewer than four doubles decline, and the caller uses
// block_moments), at every length and with the values that make the lanes' order visible.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/random/philox_lanes.h"
#include "engine/random/stream.h"
#include "engine/sim/moments_lanes.h"

using namespace plancast;
using plancast::sim_detail::block_moments;
using plancast::sim_detail::block_moments_pair;
using plancast::sim_detail::BlockMoments;

namespace {

constexpr std::uint64_t kSeed = 20261203;  // fixed seed

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void check_same(const BlockMoments& a, const BlockMoments& b) {
  CHECK(a.finite == b.finite);
  if (!a.finite) return;  // the fields are unusable then
  CHECK(same_bits(a.sum, b.sum));
  CHECK(same_bits(a.sumsq, b.sumsq));
  CHECK(same_bits(a.lo, b.lo));
  CHECK(same_bits(a.hi, b.hi));
}

/// 256 values of kind `kind`: 0 lognormal over many orders (sums whose order shows in the
/// last bits), 1 with a NaN, 2 with an infinity, 3 signed zeros and tiny values, 4 values
/// near 1e308 (the sums overflow).
std::vector<double> values(int kind) {
  const Stream st(kSeed, static_cast<std::uint32_t>(kind));
  std::vector<double> x(256);
  for (std::size_t j = 0; j < x.size(); ++j) {
    const Uniform4 u = st.uniforms(j, 0, 0);
    x[j] = std::exp(6.0 * normal_from(u.u[0], u.u[1]));
    if (u.u[2] < 0.3) x[j] = -x[j];
  }
  if (kind == 1) x[77] = std::numeric_limits<double>::quiet_NaN();
  if (kind == 2) x[130] = -HUGE_VAL;
  if (kind == 3) {
    for (std::size_t j = 0; j < x.size(); ++j)
      x[j] = j % 3 == 0 ? (j % 2 ? -0.0 : 0.0) : 1e-300 * x[j];
  }
  if (kind == 4) {
    for (double& v : x) v = std::copysign(1.5e308, v);
  }
  return x;
}

}  // namespace

TEST_CASE("block moments: two cells at once equal block_moments on every target",
          "[moments][lanes]") {
  std::size_t paired = 0;
  for (const std::int64_t t : random_lanes_targets()) {
    force_random_lanes_target(t);
    INFO("target " << random_lanes_target_name(t));
    for (int ka = 0; ka < 5; ++ka) {
      const std::vector<double> a = values(ka), b = values((ka + 2) % 5);
      for (const std::size_t n :
           {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5}, std::size_t{7},
            std::size_t{100}, std::size_t{255}, std::size_t{256}}) {
        INFO("kinds " << ka << ", n " << n);
        const double k0 = a[0], k1 = 0.5 * b[1];  // shifts as record_year takes them
        BlockMoments two[2];
        if (!block_moments_pair(a.data(), k0, b.data(), k1, n, two)) continue;
        ++paired;
        check_same(two[0], block_moments(a.data(), n, k0));
        check_same(two[1], block_moments(b.data(), n, k1));
      }
    }
  }
  force_random_lanes_target(0);
  // This CPU's best target pairs cells where it has 4-lane vectors (AVX2 and AVX-512).
  const std::string best = random_lanes_target();
  if (best == "AVX2" || best == "AVX3" || best == "AVX3_ZEN4" || best == "AVX3_DL") {
    CHECK(paired > 0);
  }
}
