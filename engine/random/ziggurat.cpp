// Ziggurat tables for 256 layers (Marsaglia & Tsang 2000, "zigset" with r and v for 256
// layers), scaled for a 52-bit uniform as in Doornik (2005).
#include "engine/random/ziggurat.h"

namespace plancast {

namespace {

ZigguratTables build() {
  ZigguratTables t{};
  constexpr double m1 = 0x1p52;           // 2^52: the uniform has 52 bits
  constexpr double v = 4.92867323399e-3;  // area of each layer (and of base + tail)
  double dn = kZigguratR, tn = dn;
  const double q = v / std::exp(-0.5 * dn * dn);
  t.k[0] = static_cast<std::uint64_t>((dn / q) * m1);
  t.k[1] = 0;
  t.w[0] = q / m1;
  t.w[255] = dn / m1;
  t.f[0] = 1.0;
  t.f[255] = std::exp(-0.5 * dn * dn);
  for (int i = 254; i >= 1; --i) {
    dn = std::sqrt(-2.0 * std::log(v / dn + std::exp(-0.5 * dn * dn)));
    t.k[i + 1] = static_cast<std::uint64_t>((dn / tn) * m1);
    tn = dn;
    t.f[i] = std::exp(-0.5 * dn * dn);
    t.w[i] = dn / m1;
  }
  return t;
}

}  // namespace

const ZigguratTables kZiggurat = build();

}  // namespace plancast
