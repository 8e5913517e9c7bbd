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
// Randomness: year t of run r draws its arrivals and exits exactly, with the samplers of
// engine/random/discrete.h (inversion for means below 30, Hörmann's PTRS and BTRS above, at
// any mean; docs/methods.md, "Discrete draws"). Words, on the indicator's stream:
//   (r, t, 1, 0)  one Philox call: lanes 0-1 the arrivals' first two words, lanes 2-3 the
//                 exits'
//   (r, t, 0, 0)  lanes 2 and 3: the shocks' occurrence and size (as in the rate model)
//   (r, t, k, 1)  k = 0, 1, ...: the arrivals' further words (read only after a rejection,
//                 at means >= 30)
//   (r, t, k, 2)  k = 0, 1, ...: the exits' further words
// No std:: distributions (their algorithms differ by library). Other processes draw their
// Poisson and binomial counts with the same samplers: include engine/random/discrete.h.
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

/// Largest constant `rate` accepted; parameter draws are clamped to it per run.
inline constexpr double kMaxCountRate = 1e15;
/// Largest `base`: 2^52, so that a count stays an exact whole number in a double.
inline constexpr double kMaxCountBase = 4503599627370496.0;

/// The registry entry for `count`.
ProcessType count_process_type();

}  // namespace plancast
