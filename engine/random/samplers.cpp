// The lhs and sobol samplers: a Feistel-network permutation per parameter for the Latin
// hypercube, and Gray-code Sobol points with Boost's direction numbers, linearly scrambled.
#include "engine/random/samplers.h"

#include <Random123/philox.h>

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/random/sobol.hpp>

#include "engine/random/stream.h"

namespace plancast {

namespace {

/// Purposes of the key words (first counter word of stream kStreamSamplerKeys).
constexpr std::uint64_t kKeysFeistel = 0;
constexpr std::uint64_t kKeysScramble = 1;
constexpr std::uint64_t kKeysShift = 2;
constexpr std::uint64_t kKeysReplicate = 3;

/// Four raw Philox4x64-10 words keyed by (seed, kStreamSamplerKeys) at counter
/// (purpose, dimension, word / 4, 0).
r123::Philox4x64::ctr_type key_words(std::uint64_t seed, std::uint64_t purpose, std::uint64_t dim,
                                     std::uint64_t block) {
  r123::Philox4x64 philox;
  const r123::Philox4x64::ctr_type ctr = {{purpose, dim, block, 0}};
  const r123::Philox4x64::key_type key = {{seed, kStreamSamplerKeys}};
  return philox(ctr, key);
}

/// The largest double below 1 (1 - 2^-53).
constexpr double kBelowOne = 1.0 - 0x1p-53;

/// The Feistel round function: the splitmix64 finaliser (Steele, Lea & Flood 2014) of the
/// half block XOR the round key.
inline std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class LhsSampler final : public UniformSampler {
 public:
  LhsSampler(std::uint64_t seed, std::size_t n_params, std::uint64_t total_runs)
      : jitter_(seed, kStreamLhsJitter),
        n_params_(n_params),
        n_(static_cast<double>(std::max<std::uint64_t>(total_runs, 1))) {
    perms_.reserve(n_params);
    for (std::size_t p = 0; p < n_params; ++p) {
      const auto a = key_words(seed, kKeysFeistel, p, 0);
      const auto b = key_words(seed, kKeysFeistel, p, 1);
      const std::uint64_t rounds[8] = {a.v[0], a.v[1], a.v[2], a.v[3],
                                       b.v[0], b.v[1], b.v[2], b.v[3]};
      perms_.emplace_back(total_runs, rounds);
    }
  }

  void fill(std::uint64_t first_run, std::size_t n, std::size_t stride,
            double* out) const override {
    jitter_.per_parameter(first_run, n, n_params_, [&](std::size_t p, std::size_t j, double v) {
      // (π + v) / N lies in the stratum [π/N, (π+1)/N); rounding can reach 1 only in the top
      // stratum, so it is pinned below 1. v > 0 keeps u > 0.
      const double u = (static_cast<double>(perms_[p](first_run + j)) + v) / n_;
      out[p * stride + j] = u < kBelowOne ? u : kBelowOne;
    });
  }

 private:
  Stream jitter_;
  std::size_t n_params_;
  double n_;
  std::vector<KeyedPermutation> perms_;
};

class SobolSampler final : public UniformSampler {
 public:
  SobolSampler(std::uint64_t seed, std::size_t n_params, SobolRandomisation randomisation)
      : d_(n_params), dirs_(64 * n_params, 0), shift_(n_params, 0) {
    if (n_params > kSobolMaxDimension) {
      throw std::invalid_argument("sobol: " + std::to_string(n_params) + " parameters (at most " +
                                  std::to_string(kSobolMaxDimension) + ")");
    }
    if (n_params == 0) return;
    // Direction number j of every dimension, read off Boost's engine: seed(i) loads the
    // point of Gray code g(i + 1), and g(2^(j+1) - 1) = 2^j, so seed(2^(j+1) - 2) loads v_j.
    boost::random::sobol engine(n_params);
    for (unsigned j = 0; j < 64; ++j) {
      const std::uint64_t index = j == 63 ? ~std::uint64_t{0} - 1 : (std::uint64_t{2} << j) - 2;
      engine.seed(index);
      for (std::size_t p = 0; p < n_params; ++p) dirs_[j * d_ + p] = engine();
    }
    if (randomisation == SobolRandomisation::scramble) scramble(seed);
    if (randomisation != SobolRandomisation::none) {
      for (std::size_t p = 0; p < n_params; ++p) shift_[p] = key_words(seed, kKeysShift, p, 0).v[0];
    }
  }

  void fill(std::uint64_t first_run, std::size_t n, std::size_t stride,
            double* out) const override {
    if (d_ == 0 || n == 0) return;
    // The point of run first_run: XOR of the directions of the set bits of its Gray code.
    std::vector<std::uint64_t> x(d_, 0);
    const std::uint64_t gray = first_run ^ (first_run >> 1);
    for (unsigned j = 0; j < 64; ++j) {
      if ((gray >> j) & 1U) {
        for (std::size_t p = 0; p < d_; ++p) x[p] ^= dirs_[j * d_ + p];
      }
    }
    for (std::size_t i = 0;; ++i) {
      for (std::size_t p = 0; p < d_; ++p) out[p * stride + i] = unit_from_word(x[p] ^ shift_[p]);
      if (i + 1 == n) break;
      // g(r) XOR g(r - 1) = 2^ctz(r): one direction per step (Antonov & Saleev 1979).
      const auto j = static_cast<std::size_t>(std::countr_zero(first_run + i + 1));
      for (std::size_t p = 0; p < d_; ++p) x[p] ^= dirs_[j * d_ + p];
    }
  }

 private:
  /// Matoušek's random linear scrambling: every direction number (a column of the generator
  /// matrix) is multiplied by one random nonsingular lower-triangular 64x64 matrix L_p over
  /// GF(2) per dimension: output digit i = digit i XOR the random selection of the digits
  /// above it. Nets stay nets; the points inside each elementary interval are permuted.
  void scramble(std::uint64_t seed) {
    for (std::size_t p = 0; p < d_; ++p) {
      std::uint64_t rows[64];  // rows[b]: the digits feeding output bit b (bit 63 = first)
      for (unsigned w = 0; w < 64; w += 4) {
        const auto k = key_words(seed, kKeysScramble, p, w / 4);
        for (unsigned l = 0; l < 4; ++l) {
          const unsigned b = w + l;
          const std::uint64_t above = b == 63 ? 0 : ~((std::uint64_t{2} << b) - 1);
          rows[b] = (std::uint64_t{1} << b) | (k.v[l] & above);
        }
      }
      for (unsigned j = 0; j < 64; ++j) {
        const std::uint64_t v = dirs_[j * d_ + p];
        std::uint64_t s = 0;
        for (unsigned b = 0; b < 64; ++b) {
          s |= static_cast<std::uint64_t>(std::popcount(v & rows[b]) & 1) << b;
        }
        dirs_[j * d_ + p] = s;
      }
    }
  }

  std::size_t d_;
  std::vector<std::uint64_t> dirs_;   ///< dirs_[j * d_ + p]: direction j of dimension p
  std::vector<std::uint64_t> shift_;  ///< digital shift per dimension
};

/// kReplicates (or fewer) independent designs over contiguous ranges of runs.
class ReplicatedSampler final : public UniformSampler {
 public:
  ReplicatedSampler(std::string_view name, std::uint64_t seed, std::size_t n_params,
                    std::uint64_t total_runs)
      : total_(total_runs), n_params_(n_params) {
    const std::uint32_t count = replicate_count(total_runs);
    for (std::uint32_t k = 0; k < count; ++k) {
      const std::uint64_t sub_seed = key_words(seed, kKeysReplicate, k, 0).v[0];
      const std::uint64_t size =
          replicate_begin(k + 1, total_runs) - replicate_begin(k, total_runs);
      if (name == "lhs") {
        parts_.push_back(make_lhs_sampler(sub_seed, n_params, size));
      } else if (name == "sobol") {
        parts_.push_back(make_sobol_sampler(sub_seed, n_params));
      } else {
        throw std::invalid_argument("replicated sampler: '" + std::string(name) +
                                    "' is not lhs or sobol");
      }
    }
  }

  void fill(std::uint64_t first_run, std::size_t n, std::size_t stride,
            double* out) const override {
    if (n_params_ == 0) return;
    std::size_t j = 0;
    while (j < n) {
      const std::uint64_t run = first_run + j;
      // Runs at or beyond the total (never asked by the runner) stay in the last replicate.
      const std::uint32_t k =
          run < total_ ? replicate_of(run, total_) : static_cast<std::uint32_t>(parts_.size() - 1);
      const std::uint64_t begin = replicate_begin(k, total_);
      const std::uint64_t end = run < total_ ? replicate_begin(k + 1, total_) : run + (n - j);
      const std::size_t m = static_cast<std::size_t>(std::min<std::uint64_t>(end - run, n - j));
      parts_[k]->fill(run - begin, m, stride, out + j);
      j += m;
    }
  }

 private:
  std::uint64_t total_;
  std::size_t n_params_;
  std::vector<std::unique_ptr<UniformSampler>> parts_;
};

}  // namespace

std::uint32_t replicate_count(std::uint64_t total_runs) noexcept {
  return static_cast<std::uint32_t>(
      std::clamp<std::uint64_t>(total_runs, 1, std::uint64_t{kReplicates}));
}

std::uint64_t replicate_begin(std::uint32_t k, std::uint64_t total_runs) noexcept {
  const std::uint64_t c = replicate_count(total_runs);
  // floor(k * total / c) without overflow: k <= c <= 16.
  return k * (total_runs / c) + k * (total_runs % c) / c;
}

std::uint32_t replicate_of(std::uint64_t run, std::uint64_t total_runs) noexcept {
  const std::uint32_t c = replicate_count(total_runs);
  // The largest k with replicate_begin(k) <= run: a first guess, then at most a step or two.
  auto k = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(c - 1, run / std::max<std::uint64_t>(1, total_runs / c)));
  while (k > 0 && replicate_begin(k, total_runs) > run) --k;
  while (k + 1 < c && replicate_begin(k + 1, total_runs) <= run) ++k;
  return k;
}

KeyedPermutation::KeyedPermutation(std::uint64_t n, const std::uint64_t (&rounds)[8]) noexcept
    : n_(std::max<std::uint64_t>(n, 1)) {
  unsigned bits = 2;
  while (bits < 64 && (std::uint64_t{1} << bits) < n_) bits += 2;
  half_ = bits / 2;
  mask_ = (std::uint64_t{1} << half_) - 1;
  std::copy(std::begin(rounds), std::end(rounds), keys_);
}

std::uint64_t KeyedPermutation::encrypt(std::uint64_t x) const noexcept {
  std::uint64_t left = x >> half_, right = x & mask_;
  for (const std::uint64_t k : keys_) {
    const std::uint64_t next = left ^ (mix64(right ^ k) & mask_);
    left = right;
    right = next;
  }
  return (left << half_) | right;
}

std::uint64_t KeyedPermutation::operator()(std::uint64_t i) const noexcept {
  // Cycle walking: the orbit of i < n under the permutation of [0, 2^(2h)) returns to i,
  // so it meets [0, n) again.
  std::uint64_t y = encrypt(i);
  while (y >= n_) y = encrypt(y);
  return y;
}

std::unique_ptr<UniformSampler> make_lhs_sampler(std::uint64_t seed, std::size_t n_params,
                                                 std::uint64_t total_runs) {
  return std::make_unique<LhsSampler>(seed, n_params, total_runs);
}

std::unique_ptr<UniformSampler> make_sobol_sampler(std::uint64_t seed, std::size_t n_params,
                                                   SobolRandomisation randomisation) {
  return std::make_unique<SobolSampler>(seed, n_params, randomisation);
}

std::unique_ptr<UniformSampler> make_uniform_sampler(std::string_view name, std::uint64_t seed,
                                                     std::size_t n_params,
                                                     std::uint64_t total_runs) {
  if (name == "mc") return make_mc_sampler(seed, n_params);
  if (name == "lhs") return make_lhs_sampler(seed, n_params, total_runs);
  if (name == "sobol") return make_sobol_sampler(seed, n_params);
  return nullptr;
}

std::unique_ptr<UniformSampler> make_replicated_sampler(std::string_view name, std::uint64_t seed,
                                                        std::size_t n_params,
                                                        std::uint64_t total_runs) {
  return std::make_unique<ReplicatedSampler>(name, seed, n_params, total_runs);
}

std::unique_ptr<UniformSampler> make_run_sampler(std::string_view name, std::uint64_t seed,
                                                 std::size_t n_params, std::uint64_t total_runs) {
  if (name == "lhs" || name == "sobol") {
    return make_replicated_sampler(name, seed, n_params, total_runs);
  }
  return make_uniform_sampler(name, seed, n_params, total_runs);
}

}  // namespace plancast
