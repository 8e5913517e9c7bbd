// The score interval for the difference of two paired proportions (Tango 1998), used by
// compare for p_variant − p_base under common random numbers.
#pragma once

#include <array>
#include <cstdint>

namespace plancast {

/// Φ⁻¹(0.975): the two-sided 95% normal quantile.
inline constexpr double kZ95 = 1.959963984540054;

/// Tango's score statistic for H0: Δ = delta, with Δ = (p12 − p21) the difference of the
/// paired proportions, from n pairs of which b are (1, 0) and c are (0, 1):
///   T(Δ) = (b − c − nΔ) / sqrt(n (2 p̃21 + Δ(1 − Δ))),
/// p̃21 the maximum-likelihood estimate of p21 under Δ (Tango 1998). 0 when the numerator is
/// 0; ±infinity when the variance vanishes. Decreasing in delta on [−1, 1].
double tango_statistic(std::uint64_t b, std::uint64_t c, std::uint64_t n, double delta);

/// Tango's (1998) score interval for Δ = p12 − p21: the deltas whose score test at level
/// 2(1 − Φ(z)) accepts, {Δ : −z ≤ T(Δ) ≤ z}. It contains the estimate (b − c)/n, stays in
/// [−1, 1] and has positive width for every n ≥ 1 (with b = c = 0 it is ±z²/(n + z²)).
/// Requires n ≥ 1 and b + c ≤ n (throws std::invalid_argument otherwise).
std::array<double, 2> tango_interval(std::uint64_t b, std::uint64_t c, std::uint64_t n,
                                     double z = kZ95);

}  // namespace plancast
