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

/// Replicates of a randomised design (docs/samplers.md, "Standard errors"): the job's runs
/// are cut into kReplicates contiguous ranges (fewer when the job has fewer runs), replicate
/// k holding runs [replicate_begin(k), replicate_begin(k + 1)), and each range is a fully
/// independent randomisation of the lhs or sobol design over its own runs. The spread of the
/// replicate estimates gives an honest standard error (Owen 2013, "Monte Carlo theory,
/// methods and examples", §17.1; L'Ecuyer & Lemieux 2002).
inline constexpr std::uint32_t kReplicates = 16;

/// The replicates of a job of total_runs runs: min(kReplicates, total_runs), at least 1.
std::uint32_t replicate_count(std::uint64_t total_runs) noexcept;
/// First run of replicate k (k <= count): floor(k * total_runs / count).
std::uint64_t replicate_begin(std::uint32_t k, std::uint64_t total_runs) noexcept;
/// The replicate holding run r (< total_runs).
std::uint32_t replicate_of(std::uint64_t run, std::uint64_t total_runs) noexcept;

/// The lhs or sobol sampler made of replicate_count(total_runs) independent designs: run r
/// of replicate k is point r - replicate_begin(k) of a design of the replicate's size, keyed
/// by a seed derived from (seed, k). Throws std::invalid_argument for another name (and as
/// make_sobol_sampler above kSobolMaxDimension).
std::unique_ptr<UniformSampler> make_replicated_sampler(std::string_view name, std::uint64_t seed,
                                                        std::size_t n_params,
                                                        std::uint64_t total_runs);

/// The sampler called name ("mc", "lhs" or "sobol"), or nullptr for another name. One design
/// over all total_runs runs (used by the sensitivity designs); runs of a scenario use
/// make_run_sampler.
std::unique_ptr<UniformSampler> make_uniform_sampler(std::string_view name, std::uint64_t seed,
                                                     std::size_t n_params,
                                                     std::uint64_t total_runs);

/// The sampler of a scenario's runs: mc as make_uniform_sampler, lhs and sobol replicated
/// (make_replicated_sampler); nullptr for another name.
std::unique_ptr<UniformSampler> make_run_sampler(std::string_view name, std::uint64_t seed,
                                                 std::size_t n_params, std::uint64_t total_runs);

}  // namespace plancast
