// Exact Poisson and binomial draws from counter-based words (docs/methods.md, "Discrete
// draws"). Each draw is a pure function of its parameters and the words it reads, so a
// process that keys its words by (seed, stream, run, year, draw) keeps every draw a pure
// function of those coordinates, whatever thread, block or shard computes it.
//
//   Poisson(mean)    mean < 30:  inversion from 0 (one exp, then the pmf recurrence)
//                    mean >= 30: PTRS, transformed rejection with squeeze (W. Hörmann, "The
//                                transformed rejection method for generating Poisson random
//                                variables", Insurance: Math. Econ. 12, 1993, 39-45)
//   Binomial(n, q)   with p = min(q, 1 − q) (q > 1/2 draws n − Binomial(n, 1 − q)):
//                    n p < 30:   inversion from 0 (one exp and log1p, then the recurrence)
//                    n p >= 30:  BTRS (W. Hörmann, "The generation of binomial random
//                                variates", J. Stat. Comput. Simul. 46, 1993, 101-110)
//
// The rejection steps compare with the exact log pmf, evaluated without cancellation at any
// size as C. Loader does ("Fast and accurate computation of binomial probabilities", 2000;
// R's dpois_raw and dbinom_raw): a Stirling-series error term (a table to 15) and the
// deviance term bd0 (a series near the mean). No lgamma, no incomplete gamma: only + − × ÷,
// sqrt, floor, std::exp, std::log and std::log1p, so the draws are the same on every CPU.
#pragma once

#include <cstdint>

#include "engine/random/stream.h"

namespace plancast {

/// Means (n·min(q, 1−q) for the binomial) below this are drawn by inversion, at or above it
/// by transformed rejection (valid from 10 up: Hörmann's proofs need >= 10; at 30 the two
/// cost about the same, inversion about mean + 1 steps, measured by instruction counts).
inline constexpr double kDiscreteInversionMean = 30.0;

/// The words one draw reads: up to two given words first (so that two draws can share one
/// Philox call), then the words of a WordSequence, fetched only if asked for.
class DrawWords {
 public:
  explicit DrawWords(const WordSequence& more) noexcept : more_(more) {}
  DrawWords(std::uint64_t first, std::uint64_t second, const WordSequence& more) noexcept
      : head_{first, second}, head_left_(2), more_(more) {}
  std::uint64_t next() noexcept {
    if (head_left_ > 0) return head_[2 - head_left_--];
    return more_();
  }
  /// A uniform strictly inside (0, 1), as Stream::uniforms maps a word.
  double uniform() noexcept { return unit_from_word(next()); }

 private:
  std::uint64_t head_[2] = {0, 0};
  unsigned head_left_ = 0;
  WordSequence more_;
};

/// A Poisson(mean) count, as a whole number in a double. mean <= 0 (or NaN) gives 0; an
/// infinite mean gives itself. Exact for every finite mean (to the rounding of double
/// arithmetic); counts above 2^53 are rounded to doubles.
double poisson_draw(double mean, DrawWords& words);

/// A Binomial(n, q) count: n a whole number >= 0 (an infinite n gives itself), q in [0, 1]
/// (q <= 0 or NaN gives 0, q >= 1 gives n). Exact for every n and q as above.
double binomial_draw(double n, double q, DrawWords& words);

/// Poisson(mean[j]) for the n draws j < n at once, each from the words a DrawWords(w0[j],
/// w1[j], more) would give it: out[j] = poisson_draw(mean[j], that DrawWords) wherever those
/// two words decide the draw (always by inversion; PTRS when its first pair is accepted, by
/// the squeeze or the full test). The indices of the other draws, ascending, go to
/// rest[0 ... k) and k is returned: the caller makes them with poisson_rest and their further
/// words (out[j] is left unspecified there). The same bits as draw by draw, faster: the
/// inversions step in SIMD lanes (discrete_lanes.cpp), with no unpredictable branch per step.
std::size_t poisson_draws(const double* mean, const std::uint64_t* w0, const std::uint64_t* w1,
                          std::size_t n, double* out, std::uint32_t* rest);
/// A draw that poisson_draws left to its caller (an index in `rest`): PTRS from the words
/// after its first pair, the pair poisson_draws tried and rejected. For words =
/// DrawWords(more) it equals poisson_draw(mean, DrawWords(w0, w1, more)), without trying the
/// first pair again. Only for such a draw (mean >= kDiscreteInversionMean, finite).
double poisson_rest(double mean, DrawWords& words);
/// Binomial(n[j], q[j]) for j < count at once, as poisson_draws: out[j] = binomial_draw(n[j],
/// q[j], DrawWords(w0[j], ...)) wherever inversion makes it (n p < kDiscreteInversionMean);
/// the BTRS draws' indices go to rest.
std::size_t binomial_draws(const double* n, const double* q, const std::uint64_t* w0,
                           std::size_t count, double* out, std::uint32_t* rest);
/// ln k! − [(k + ½) ln k − k + ½ ln 2π] for a whole k >= 1 (Loader's stirlerr): a table to
/// 15, the Stirling series above (error below 2e-16).
double stirling_error(double k);

/// Loader's deviance term bd0(x, m) = x ln(x / m) + m − x >= 0, for x >= 0, m > 0, accurate
/// to a few ulps also where x is close to m (a series in (x − m) / (x + m)).
double deviance_term(double x, double m);

/// ln P(K = k) for K ~ Poisson(mean), k a whole number >= 0, mean > 0.
double log_poisson_pmf(double k, double mean);

/// ln P(K = k) for K ~ Binomial(n, q), k a whole number in [0, n], 0 < q < 1.
double log_binomial_pmf(double k, double n, double q);

}  // namespace plancast
