// Shard files write doubles as C99 hex floats (shard_detail::hex_double, on {fmt}'s "{:a}"):
// the text must be printf's "%a" byte for byte, so that files written before the move to
// {fmt} and after it are the same and read back bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "engine/io/shard_read.h"

namespace {

std::string printf_hex(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", x);
  return buf;
}

}  // namespace

TEST_CASE("hex_double writes printf's %a for every finite double", "[shard][format]") {
  using plancast::shard_detail::hex_double;
  using L = std::numeric_limits<double>;
  for (double x : {0.0, -0.0, 1.0, -1.0, 1.5, 0.1, 1.0 / 3, 123456.789, 1e300, -2.5e-300, L::max(),
                   L::lowest(), L::min(), L::denorm_min(), 1e-310, -4.9e-320}) {
    INFO(printf_hex(x));
    CHECK(hex_double(x) == printf_hex(x));
  }
  // Bit patterns drawn at random cover every exponent, subnormals and signs.
  std::mt19937_64 gen(20261201);
  int differ = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t bits = gen();
    double x;
    std::memcpy(&x, &bits, sizeof x);
    if (!std::isfinite(x)) continue;
    if (hex_double(x) != printf_hex(x)) ++differ;
  }
  CHECK(differ == 0);
  CHECK(hex_double(L::quiet_NaN()) == "nan");
  CHECK(hex_double(-L::infinity()) == "-inf");
}
