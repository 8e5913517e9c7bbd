// count: a cumulative count of things (listed companies, high-tech enterprises) with
// Poisson arrivals at a growing rate and binomial exits (SPEC §2.3).
//
//   λ_t = rate·(1 + rate_growth)^(t − base_year − 1)
//   N_t = N_{t−1} + Poisson(λ_t) − Binomial(N_{t−1}, exit)
//
// Exits are drawn from the stock at the end of the previous year (firms that arrive in a
// year do not leave in that year). A parameter-valued `rate` is drawn once per run, so a
// gamma-distributed rate gives negative-binomial totals. Parameter draws outside the
// allowed range are clamped per run (rate to >= 0, rate_growth to >= −1, exit to [0, 1]).
// Optional `shocks` (models/rate_model.h, ShockSpec) act on the rate: λ_t·max(0, 1 + s) in
// a shock year, the year the indicator's own (probability) or a shared event's.
//
// Randomness: year t of run r uses draw 1 of the indicator's stream (lane 0 arrivals,
// lane 1 exits; draw 0 lanes 2 and 3 are the shocks'), each turned into a count by inversion
// (smallest k with F(k) >= u): sequential search over the pmf for means below 30, Boost.Math's
// discrete quantile (integer_round_up) up to a mean (binomial: a variance) of kInversionLimit =
// 10^5, and above it the Cornish–Fisher expansion with continuity correction, whose cost does not
// grow with the mean (Boost's quantile takes milliseconds a draw at 10^10 and is wrong at
// 10^12 in Boost 1.74). No std:: distributions (their algorithms differ by library).
//
// Parameters:
//   key          type              default  meaning
//   rate         number|parameter  -        expected arrivals in the first simulated year [0, 1e15]
//   rate_growth  number|parameter  0        yearly growth of the arrival rate (> −1)
//   exit         number|parameter  0        chance q that each counted item leaves in a year, [0,
//   1]
// `base` (required) is the count in the base year: a whole number >= 0.
#pragma once

#include "engine/core/process.h"

namespace plancast {

/// Means of Poisson draws (variances of binomial draws) up to this are drawn by exact
/// inversion; above, by the Cornish–Fisher expansion (docs/models/count.md).
inline constexpr double kInversionLimit = 1e5;
/// Largest constant `rate` accepted; parameter draws are clamped to it per run.
inline constexpr double kMaxCountRate = 1e15;
/// Largest `base`: 2^52, so that a count stays an exact whole number in a double.
inline constexpr double kMaxCountBase = 4503599627370496.0;

/// The registry entry for `count`.
ProcessType count_process_type();

/// Poisson(mean) by inversion: the smallest k with P(K <= k) >= u, u in (0, 1), mean >= 0;
/// for means above kInversionLimit the Cornish–Fisher quantile (constant cost).
double poisson_inverse(double mean, double u);

/// Binomial(n, q) by inversion: the smallest k with P(K <= k) >= u for q <= 0.5; for
/// q > 0.5, n − Binomial(n, 1 − q) at 1 − u (same distribution, still monotone in u).
/// n a whole number >= 0, q in [0, 1], u in (0, 1). Variances n q (1 − q) above
/// kInversionLimit use the Cornish–Fisher quantile (constant cost).
double binomial_inverse(double n, double q, double u);

}  // namespace plancast
