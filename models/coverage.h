// coverage: the share (in %) of a finite number of units (households, firms, villages) that
// have been reached, which can reach exactly 100 (issue 17, part 2; docs/models/coverage.md).
//
//   C_0 = round(U · base / 100)                  (units covered in the base year)
//   C_t = C_{t−1} + Binomial(U − C_{t−1}, h_t)    (each uncovered unit is reached w.p. h_t)
//   X_t = 100 · C_t / U                           (exactly 100 once every unit is covered)
//
// h_t is the hazard: a number, a parameter (drawn once per run) or a schedule of segments
// read like growth's `trend` (models/rate_model.h: {until, rate} / {until, converge_to,
// half_life}); per-run values outside [0, 1] are clamped. With a constant hazard h, the
// chance that all U₀ = U − C_0 units are covered by year T is (1 − (1 − h)^T)^U₀.
//
// Randomness: year t of run r uses lane 0 of draw 1 of the indicator's stream (draw 0
// belongs to the rate model, which draws nothing here: the hazard has no noise).
//
// Parameters:
//   key     type                     default  meaning
//   units   number                   -        how many units there are (whole number >= 1)
//   hazard  number|parameter|list    -        chance a not-yet-covered unit is reached in a
//                                             year, in [0, 1]; or a schedule of segments
// `base` (required) is the covered share (%) in the base year, in [0, 100]; it is rounded
// to the nearest whole number of units (base 33.3 with 3 units starts from 1 unit, 33.333%).
#pragma once

#include <cstdint>

#include "engine/core/process.h"
#include "engine/random/stream.h"

namespace plancast {

/// The registry entry for `coverage`.
ProcessType coverage_process_type();

/// Units newly covered in year `year` of run `run`: Binomial(uncovered, h), drawn exactly by
/// engine/random/discrete.h from the indicator's stream: words 0 and 1 of the Philox call
/// (run, year, 1, 0), then, for BTRS's rare further tries, (run, year, k, 3) for k = 0, 1, ...
/// (counter purposes 1 and 2 of the last word are the rate model's). The one call coverage
/// makes to a binomial sampler.
double draw_newly_covered(const Stream& stream, std::uint64_t run, std::uint32_t year,
                          double uncovered, double h);

/// The units covered in the base year: round(units · base / 100), kept in [0, units].
double covered_at_base(double units, double base);

}  // namespace plancast
