// The random draws and counts of firm_population (models/firm_draws.h): entrants, the
// firms' yearly noise, and the counts above thresholds.
#include "models/firm_draws.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "engine/random/discrete.h"
#include "engine/random/philox_lanes.h"
#include "engine/random/ziggurat.h"
#include "models/firm_population.h"

namespace plancast {

namespace firm_detail {

std::size_t capacity_for(std::size_t n0, double lambda_total) {
  if (!(lambda_total > 0)) lambda_total = 0;
  const double need = static_cast<double>(n0) + lambda_total + 10.0 * std::sqrt(lambda_total) + 10;
  if (!(need < static_cast<double>(kMaxFirmsPerRun))) return kMaxFirmsPerRun;
  return std::max<std::size_t>(1, static_cast<std::size_t>(need));
}

std::uint64_t poisson(double lambda, const Stream& stream, std::uint64_t run,
                      std::uint32_t year_index) {
  DrawWords words(WordSequence(stream, run, year_index, 0));
  return static_cast<std::uint64_t>(poisson_draw(lambda, words));
}

void EntrantDraws::draw(const double* lambda, std::size_t n, const Stream& stream,
                        std::uint64_t first_run, std::uint32_t year_index, std::uint64_t* out) {
  // poisson()'s first two words are words 0 and 1 of the counter (run, year, 0, 0).
  const std::size_t stride = draws_.size();
  std::uint64_t* w = words_.data();
  stream.words_runs(first_run, n, year_index, 0, 0, w, stride);
  constexpr double kCap = static_cast<double>(kMaxFirmsPerRun);
  for (std::size_t j = 0; j < n; ++j) mean_[j] = lambda[j] > kCap ? 0.0 : lambda[j];
  const std::size_t k = poisson_draws(mean_.data(), w, w + stride, n, draws_.data(), rest_.data());
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t j = rest_[i];
    draws_[j] = static_cast<double>(poisson(mean_[j], stream, first_run + j, year_index));
  }
  for (std::size_t j = 0; j < n; ++j) {
    out[j] = lambda[j] > kCap ? kMaxFirmsPerRun + 1 : static_cast<std::uint64_t>(draws_[j]);
  }
}

namespace {

/// The ziggurat's further words for one firm of a run: WordSequence(noise, run, firm, 2),
/// started only when a normal asks for one (about 1 in 140). Made once per run and pointed
/// at each firm in turn (two stores), where a WordSequence per firm would be built on the
/// stack for every normal, needed or not.
class FirmExtraWords {
 public:
  FirmExtraWords(const Stream& noise, std::uint64_t run) : noise_(noise), run_(run) {}
  void start(std::uint64_t firm) {
    firm_ = firm;
    seq_.reset();
  }
  std::uint64_t operator()() {
    if (!seq_) seq_.emplace(noise_, run_, firm_, kFirmExtra);
    return (*seq_)();
  }

 private:
  const Stream& noise_;
  std::uint64_t run_;
  std::uint64_t firm_ = 0;
  std::optional<WordSequence> seq_;
};

/// s[i] += d + sigma·z_i for n firms of a run, the first being its firm `first` (a multiple
/// of 4), from their groups' Philox words (word l of the firms' group g at w[l * stride +
/// g]): the ziggurat's fast path for up to 256 firms at once (ziggurat_normals_lanes) and its
/// rare slow path firm by firm. The same words and the same operations as one
/// ziggurat_normal per firm, so the same bits.
void apply_noise(double* s, std::size_t n, std::size_t first, double d, double sigma,
                 const std::uint64_t* w, std::size_t stride, const Stream& noise, std::uint64_t run,
                 std::uint32_t year_index) {
  constexpr std::size_t kChunk = 256;
  std::uint64_t r[kChunk];
  double z[kChunk];
  std::uint32_t slow[kChunk];
  FirmExtraWords extra(noise, run);
  const std::uint64_t year_bits = std::uint64_t{year_index} << 32;
  for (std::size_t i0 = 0; i0 < n; i0 += kChunk) {
    const std::size_t m = std::min(kChunk, n - i0);
    const std::uint64_t* wg = w + i0 / 4;
    for (std::size_t i = 0; i < m; ++i) r[i] = wg[(i % 4) * stride + i / 4];
    const std::size_t k = ziggurat_normals_lanes(r, m, z, slow);
    for (std::size_t q = 0; q < k; ++q) {
      const std::size_t i = slow[q];
      extra.start(year_bits | (first + i0 + i));
      z[i] = ziggurat_normal_slow(r[i], extra);
    }
    double* si = s + i0;
    for (std::size_t i = 0; i < m; ++i) si[i] += d + sigma * z[i];
  }
}

}  // namespace

void add_noise(double* s, std::size_t n, double d, double sigma, const Stream& noise,
               std::uint64_t run, std::uint32_t year_index) {
  // In chunks of 256 firms: the Philox words of their 64 groups of four at once (SIMD lanes
  // over the groups, Stream::words_draws), then apply_noise.
  constexpr std::size_t kGroups = 64, kChunk = 4 * kGroups;
  std::uint64_t words[4 * kGroups];
  for (std::size_t i0 = 0; i0 < n; i0 += kChunk) {
    const std::size_t m = std::min(kChunk, n - i0), groups = (m + 3) / 4;
    noise.words_draws(run, year_index, i0 / 4, groups, kFirmNoise, words, kGroups);
    apply_noise(s + i0, m, i0, d, sigma, words, kGroups, noise, run, year_index);
  }
}

NoiseBatch::NoiseBatch()
    : c0_(kMaxGroups + kListPad),
      c2_(kMaxGroups + kListPad),
      words_(4 * kStride),
      z_(4 * kStride),
      slow_(kMaxGroups),
      group_item_(kMaxGroups) {
  items_.reserve(kMaxGroups);
}

std::size_t NoiseBatch::bytes() {
  return sizeof(Item) * kMaxGroups + 2 * sizeof(std::uint64_t) * (kMaxGroups + kListPad) +
         4 * (sizeof(std::uint64_t) + sizeof(double)) * kStride +
         2 * sizeof(std::uint32_t) * kMaxGroups;
}

bool NoiseBatch::fits(std::size_t n) const {
  return groups_ == 0 || groups_ + (n + 3) / 4 <= kMaxGroups;
}

void NoiseBatch::queue(double* s, std::size_t n, double d, double sigma, std::uint64_t run) {
  const std::size_t groups = (n + 3) / 4;
  if (groups > kMaxGroups) {  // more firms than a batch holds: drawn on its own at flush
    items_.push_back({s, n, d, sigma, run, kMaxGroups});
    return;
  }
  const auto item = static_cast<std::uint32_t>(items_.size());
  items_.push_back({s, n, d, sigma, run, groups_});
  for (std::size_t g = 0; g < groups; ++g) {
    c0_[groups_ + g] = run;
    c2_[groups_ + g] = g;
    group_item_[groups_ + g] = item;
  }
  groups_ += groups;
}

void NoiseBatch::flush(const Stream& noise, std::uint32_t year_index) {
  if (groups_ > 0) {
    noise.words_list(c0_.data(), year_index, c2_.data(), kFirmNoise, groups_, words_.data(),
                     kStride);
    // The normals of every queued group's four words, a row (word l of every group) at a
    // time: the ziggurat's fast path in full SIMD vectors, its rare slow path firm by firm,
    // as apply_noise does (a last partial group's spare words are drawn and unused).
    const std::uint64_t year_bits = std::uint64_t{year_index} << 32;
    for (std::size_t l = 0; l < 4; ++l) {
      const std::uint64_t* w = words_.data() + l * kStride;
      double* z = z_.data() + l * kStride;
      const std::size_t k = ziggurat_normals_lanes(w, groups_, z, slow_.data());
      for (std::size_t q = 0; q < k; ++q) {
        const std::size_t g = slow_[q];
        const Item& it = items_[group_item_[g]];
        const std::size_t firm = 4 * (g - it.first) + l;
        if (firm >= it.n) continue;
        FirmExtraWords extra(noise, it.run);
        extra.start(year_bits | firm);
        z[g] = ziggurat_normal_slow(w[g], extra);
      }
    }
  }
  for (const Item& it : items_) {
    if (it.first == kMaxGroups) {
      add_noise(it.s, it.n, it.d, it.sigma, noise, it.run, year_index);
      continue;
    }
    // Firm 4g + l's normal is row l's entry g: whole groups of four, then the last group's.
    const double* z0 = z_.data() + it.first;
    const double *z1 = z0 + kStride, *z2 = z1 + kStride, *z3 = z2 + kStride;
    const double d = it.d, sigma = it.sigma;
    double* s = it.s;
    const std::size_t whole = it.n / 4;
    for (std::size_t g = 0; g < whole; ++g, s += 4) {
      s[0] += d + sigma * z0[g];
      s[1] += d + sigma * z1[g];
      s[2] += d + sigma * z2[g];
      s[3] += d + sigma * z3[g];
    }
    const double* last[3] = {z0 + whole, z1 + whole, z2 + whole};
    for (std::size_t l = 0; l < it.n % 4; ++l) s[l] += d + sigma * *last[l];
  }
  items_.clear();
  groups_ = 0;
}

}  // namespace firm_detail

}  // namespace plancast
