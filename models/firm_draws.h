// The random draws of firm_population (models/firm_population.cpp), in their own file:
// how many firms enter, each firm's yearly noise, and how much room a run's firms need.
// Internal to models/.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/random/stream.h"

namespace plancast::firm_detail {

/// Counter purposes (last Philox counter word) of the noise stream: 1 four firms' normals,
/// 2 the ziggurat's rare extra words (the entry stream's uniforms use 0).
inline constexpr std::uint64_t kFirmNoise = 1;
inline constexpr std::uint64_t kFirmExtra = 2;

/// Capacity that a run with `n0` firms and Poisson(lambda_total) entrants exceeds with
/// negligible probability (mean + 10 sd + 10), capped at kMaxFirmsPerRun.
std::size_t capacity_for(std::size_t n0, double lambda_total);

/// Poisson(lambda) entrants, exact at any mean (engine/random/discrete.h), from the entry
/// stream's words (run, year, k, 0), k = 0, 1, ...: one Philox call but for a rejection.
std::uint64_t poisson(double lambda, const Stream& stream, std::uint64_t run,
                      std::uint32_t year_index);

/// s[i] += d + sigma·z_i for the n firms of run `run` in year `year_index`. Firm i's z: a
/// ziggurat normal from word i%4 of the Philox counter (run, year, i/4, 1), extra words
/// from (run, year·2^32 + i, k, 2); so a firm's draws depend on its index only (entrants
/// append; nobody is renumbered). Whole groups of four, then the last partial group.
void add_noise(double* s, std::size_t n, double d, double sigma, const Stream& noise,
               std::uint64_t run, std::uint32_t year_index);

}  // namespace plancast::firm_detail
