// Proportions for target results: exact hit counts → probability, standard error and the
// Wilson 95% score interval.
#include "engine/sim/results.h"

#include <algorithm>
#include <cmath>

namespace plancast {

// Wilson (1927) score interval: centre (p + z²/2n) / (1 + z²/n), half-width
// z / (1 + z²/n) · sqrt(p(1-p)/n + z²/4n²). Unlike the Wald interval it stays inside [0, 1]
// and is not degenerate at p = 0 or 1. n = 0 (no runs) gives p = 0 and the whole of [0, 1].
Proportion make_proportion(std::uint64_t hits, std::uint64_t n) {
  constexpr double z = 1.959963984540054;  // Φ⁻¹(0.975)
  Proportion out;
  out.hits = hits;
  if (n == 0) {
    out.ci95 = {0.0, 1.0};
    return out;
  }
  const double dn = static_cast<double>(n);
  const double p = static_cast<double>(std::min(hits, n)) / dn;
  out.probability = p;
  out.std_error = std::sqrt(p * (1.0 - p) / dn);
  const double z2 = z * z;
  const double denom = 1.0 + z2 / dn;
  const double centre = (p + z2 / (2.0 * dn)) / denom;
  const double half = z / denom * std::sqrt(p * (1.0 - p) / dn + z2 / (4.0 * dn * dn));
  out.ci95[0] = hits == 0 ? 0.0 : std::clamp(centre - half, 0.0, 1.0);
  out.ci95[1] = hits >= n ? 1.0 : std::clamp(centre + half, 0.0, 1.0);
  return out;
}

}  // namespace plancast
