// The lhs and sobol parameter samplers (SPEC §2.7): Latin hypercube over the runs of a job
// (McKay, Beckman & Conover 1979) and randomised Sobol points (Sobol 1967; Joe & Kuo 2008
// direction numbers from Boost.Random; Matoušek 1998 linear scrambling + digital shift).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/random/parameter_sampler.h"

namespace plancast {

/// Engine stream ids (below 0x100, distinct from kStreamParameters = 1): the per-run jitter
/// of lhs (counter: run, 0, p / 4; lane p % 4) and the per-job keys of the samplers
/// (Feistel round keys, scrambling matrices, shifts; counter: purpose, dimension, word).
inline constexpr std::uint32_t kStreamLhsJitter = 2;
inline constexpr std::uint32_t kStreamSamplerKeys = 3;

/// The most parameters the sobol sampler takes: the dimensions of Boost.Random's table.
inline constexpr std::size_t kSobolMaxDimension = 3667;

/// A keyed pseudo-random bijection of [0, n), computed on the fly in O(1) memory: an
/// 8-round balanced Feistel network over the smallest even number of bits 2h with
/// 2^(2h) >= n (at least 2 bits), walked along its cycle until it lands below n (Black &
/// Rogaway 2002, "Ciphers with arbitrary finite domains"): about 2^(2h)/n <= 4 steps on
/// average.
class KeyedPermutation {
 public:
  /// n >= 1 (0 is treated as 1); the round keys are the 8 words of rounds.
  KeyedPermutation(std::uint64_t n, const std::uint64_t (&rounds)[8]) noexcept;
  std::uint64_t operator()(std::uint64_t i) const noexcept;
  std::uint64_t size() const noexcept { return n_; }

 private:
  std::uint64_t encrypt(std::uint64_t x) const noexcept;
  std::uint64_t n_;
  unsigned half_;
  std::uint64_t mask_;
  std::uint64_t keys_[8];
};

/// Latin hypercube over the total_runs runs of the job: u[r][p] = (π_p(r) + v[r][p]) / N
/// with π_p the KeyedPermutation of [0, N) keyed by (seed, p) and v[r][p] the uniform of
/// run r's stream kStreamLhsJitter. Exactly one run per stratum [k/N, (k+1)/N) of each
/// parameter; fill() depends on (seed, first_run, n, total_runs) only.
std::unique_ptr<UniformSampler> make_lhs_sampler(std::uint64_t seed, std::size_t n_params,
                                                 std::uint64_t total_runs);

/// How the sobol points are randomised (all keyed by the seed).
enum class SobolRandomisation {
  none,           ///< the plain points (biased: for tests only)
  digital_shift,  ///< x XOR e_p, e_p a random 64-bit word per parameter
  scramble,       ///< random linear scrambling (Matoušek 1998) and a digital shift: default
};

/// Run r gets the r-th point of the Sobol sequence in Gray-code order (Antonov & Saleev
/// 1979; run 0 is the origin before randomisation), one dimension per parameter, with the
/// Joe & Kuo (2008) direction numbers of boost::random::sobol. Every aligned block of 2^k
/// runs is a (t, k, s)-net. Throws std::invalid_argument above kSobolMaxDimension parameters.
std::unique_ptr<UniformSampler> make_sobol_sampler(
    std::uint64_t seed, std::size_t n_params,
    SobolRandomisation randomisation = SobolRandomisation::scramble);

/// The sampler called name ("mc", "lhs" or "sobol"), or nullptr for another name.
std::unique_ptr<UniformSampler> make_uniform_sampler(std::string_view name, std::uint64_t seed,
                                                     std::size_t n_params,
                                                     std::uint64_t total_runs);

}  // namespace plancast
