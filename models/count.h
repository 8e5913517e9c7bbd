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
//
// Randomness: year t of run r uses draw 1 of the indicator's stream (lane 0 arrivals,
// lane 1 exits), each turned into a count by exact inversion (smallest k with F(k) >= u):
// sequential search over the pmf for means below 30, Boost.Math's discrete quantile
// (integer_round_up) above. No std:: distributions (their algorithms differ by library).
//
// Parameters:
//   key          type              default  meaning
//   rate         number|parameter  -        expected arrivals in the first simulated year (>= 0)
//   rate_growth  number|parameter  0        yearly growth of the arrival rate (> −1)
//   exit         number|parameter  0        chance q that each counted item leaves in a year, [0,
//   1]
// `base` (required) is the count in the base year: a whole number >= 0.
#pragma once

#include "engine/core/process.h"

namespace plancast {

/// The registry entry for `count`.
ProcessType count_process_type();

/// Poisson(mean) by inversion: the smallest k with P(K <= k) >= u, u in (0, 1), mean >= 0.
/// Means above 2^52 (beyond exact integers in a double) use the normal approximation.
double poisson_inverse(double mean, double u);

/// Binomial(n, q) by inversion: the smallest k with P(K <= k) >= u for q <= 0.5; for
/// q > 0.5, n − Binomial(n, 1 − q) at 1 − u (same distribution, still monotone in u).
/// n a whole number >= 0, q in [0, 1], u in (0, 1).
double binomial_inverse(double n, double q, double u);

}  // namespace plancast
