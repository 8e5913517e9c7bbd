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
    // Its first pair, words 0 and 1 of the sequence, was tried and rejected: on from word 2.
    DrawWords more(WordSequence(stream, first_run + j, year_index, 0));
    more.next();
    more.next();
    draws_[j] = poisson_rest(mean_[j], more);
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

/// The ziggurat's further words for a slow normal whose first four (the counter (run, year ·
/// 2^32 + firm, 0, 2)) were drawn with the others of its batch: those, then the rest of
/// FirmExtraWords' sequence, from k = 1 (the same words in the same order).
class DrawnExtraWords {
 public:
  DrawnExtraWords(const std::uint64_t* first, const Stream& noise, std::uint64_t run,
                  std::uint64_t c1)
      : first_(first), noise_(noise), run_(run), c1_(c1) {}
  std::uint64_t operator()() {
    if (used_ < 4) return first_[used_++];
    if (!seq_) seq_.emplace(noise_, run_, c1_, kFirmExtra, 1);
    return (*seq_)();
  }

 private:
  const std::uint64_t* first_;
  const Stream& noise_;
  std::uint64_t run_, c1_;
  unsigned used_ = 0;
  std::optional<WordSequence> seq_;
};

/// The normals of `groups` groups' Philox words, a row at a time (word l of group g at
/// w[l * stride + g], its normal to z[l * stride + g]): the ziggurat's fast path in SIMD
/// lanes (ziggurat_normals_lanes), its rare slow path firm by firm with that firm's extra
/// words. firm_of(g, l, run, firm) names the run and firm index of word l of group g, or
/// returns false for a last partial group's spare word (drawn, unused). The same words and
/// operations as one ziggurat_normal per firm, so the same bits.
template <class FirmOf>
void row_normals(const std::uint64_t* w, std::size_t groups, std::size_t stride, double* z,
                 std::uint32_t* slow, const Stream& noise, std::uint32_t year_index,
                 FirmOf&& firm_of) {
  const std::uint64_t year_bits = std::uint64_t{year_index} << 32;
  for (std::size_t l = 0; l < 4; ++l) {
    const std::uint64_t* wl = w + l * stride;
    double* zl = z + l * stride;
    const std::size_t k = ziggurat_normals_lanes(wl, groups, zl, slow);
    for (std::size_t q = 0; q < k; ++q) {
      const std::size_t g = slow[q];
      std::uint64_t run = 0, firm = 0;
      if (!firm_of(g, l, run, firm)) continue;
      FirmExtraWords extra(noise, run);
      extra.start(year_bits | firm);
      zl[g] = ziggurat_normal_slow(wl[g], extra);
    }
  }
}

/// s[i] += d + sigma·z_i for the n firms s[0 ... n), firm 4g + l's normal z[l * stride + g]:
/// whole groups of four, then the last group's.
void add_from_rows(double* s, std::size_t n, const double* z, std::size_t stride, double d,
                   double sigma) {
  const double *z0 = z, *z1 = z0 + stride, *z2 = z1 + stride, *z3 = z2 + stride;
  const std::size_t whole = n / 4;
  for (std::size_t g = 0; g < whole; ++g, s += 4) {
    s[0] += d + sigma * z0[g];
    s[1] += d + sigma * z1[g];
    s[2] += d + sigma * z2[g];
    s[3] += d + sigma * z3[g];
  }
  const double* last[3] = {z0 + whole, z1 + whole, z2 + whole};
  for (std::size_t l = 0; l < n % 4; ++l) s[l] += d + sigma * *last[l];
}

}  // namespace

void add_noise(double* s, std::size_t n, double d, double sigma, const Stream& noise,
               std::uint64_t run, std::uint32_t year_index) {
  // In chunks of 256 firms: the Philox words of their 64 groups of four at once (SIMD lanes
  // over the groups, Stream::words_draws), their normals, then the update.
  constexpr std::size_t kGroups = 64, kChunk = 4 * kGroups;
  std::uint64_t words[4 * kGroups];
  double z[4 * kGroups];
  std::uint32_t slow[kGroups];
  for (std::size_t i0 = 0; i0 < n; i0 += kChunk) {
    const std::size_t m = std::min(kChunk, n - i0), groups = (m + 3) / 4;
    noise.words_draws(run, year_index, i0 / 4, groups, kFirmNoise, words, kGroups);
    row_normals(words, groups, kGroups, z, slow, noise, year_index,
                [&](std::size_t g, std::size_t l, std::uint64_t& r, std::uint64_t& firm) {
                  r = run;
                  firm = i0 + 4 * g + l;
                  return 4 * g + l < m;
                });
    add_from_rows(s + i0, m, z, kGroups, d, sigma);
  }
}

NoiseBatch::NoiseBatch(const double* thresholds, std::size_t k)
    : thresholds_(thresholds),
      k_(thresholds != nullptr ? k : 0),
      c0_(kMaxGroups + kListPad),
      c2_(kMaxGroups + kListPad),
      words_(4 * kMaxGroups),
      z_(4 * kMaxGroups),
      slow_(4 * kMaxGroups),
      group_item_(kMaxGroups),
      extra_c0_(kSlowChunk + kListPad),
      extra_c1_(kSlowChunk + kListPad),
      extra_(4 * kSlowChunk) {
  items_.reserve(kMaxGroups);
}

std::size_t NoiseBatch::bytes() {
  return sizeof(Item) * kMaxGroups + 2 * sizeof(std::uint64_t) * (kMaxGroups + kListPad) +
         4 * (sizeof(std::uint64_t) + sizeof(double) + sizeof(std::uint32_t)) * kMaxGroups +
         sizeof(std::uint32_t) * kMaxGroups +
         sizeof(std::uint64_t) * (2 * (kSlowChunk + kListPad) + 4 * kSlowChunk);
}

bool NoiseBatch::fits(std::size_t n) const {
  return groups_ == 0 || groups_ + (n + 3) / 4 <= kMaxGroups;
}

void NoiseBatch::queue(double* s, std::size_t n, double d, double sigma, std::uint64_t run,
                       std::uint32_t* counts) {
  // Known normals: all the run's, or its whole groups of four known (a partial group known
  // is drawn again whole, its spare words being no firm's).
  Item it{s, n, d, sigma, run, groups_, counts};
  if (share_ != nullptr) {
    it.row = static_cast<std::size_t>(run - share_->first_run());
    const std::size_t k = share_->known(it.row);
    it.skip = k >= n ? n : k / 4 * 4;
  }
  const std::size_t groups = (n - it.skip + 3) / 4;
  if (groups > kMaxGroups) {  // more firms than a batch holds: drawn on its own at flush
    it.first = kMaxGroups;
    it.skip = 0;
    items_.push_back(it);
    return;
  }
  const auto item = static_cast<std::uint32_t>(items_.size());
  items_.push_back(it);
  for (std::size_t g = 0; g < groups; ++g) {
    c0_[groups_ + g] = run;
    c2_[groups_ + g] = it.skip / 4 + g;
    group_item_[groups_ + g] = item;
  }
  groups_ += groups;
}

void NoiseBatch::finish_slow(const Stream& noise, std::uint32_t year_index, std::size_t k) {
  // Every slow normal takes at least one further word: the first four of each, kSlowChunk
  // normals at a time, by one call in SIMD lanes (where one scalar call a normal waits on its
  // own chain of multiplications).
  const std::uint64_t year_bits = std::uint64_t{year_index} << 32;
  std::size_t idx[kSlowChunk];
  for (std::size_t q0 = 0; q0 < k;) {
    std::size_t m = 0;
    for (; q0 < k && m < kSlowChunk; ++q0) {
      const std::size_t i = slow_[q0];
      const Item& it = items_[group_item_[i / 4]];
      const std::uint64_t firm = it.skip + i - 4 * it.first;
      if (firm >= it.n) continue;  // a last partial group's spare word (drawn, unused)
      idx[m] = i;
      extra_c0_[m] = it.run;
      extra_c1_[m] = year_bits | firm;
      ++m;
    }
    noise.words_pairs(extra_c0_.data(), extra_c1_.data(), 0, kFirmExtra, m, extra_.data());
    for (std::size_t q = 0; q < m; ++q) {
      DrawnExtraWords more(extra_.data() + 4 * q, noise, extra_c0_[q], extra_c1_[q]);
      z_[idx[q]] = ziggurat_normal_slow(words_[idx[q]], more);
    }
  }
}

void NoiseBatch::flush(const Stream& noise, std::uint32_t year_index) {
  if (groups_ > 0) {
    // The words of every queued group at once, in firm order, then their normals (full SIMD
    // vectors, where one run's few groups fill them poorly), the rare slow ones firm by firm
    // with that firm's extra words (finish_slow).
    noise.words_list(c0_.data(), year_index, c2_.data(), kFirmNoise, groups_, words_.data(), 0);
    const std::size_t k =
        ziggurat_normals_lanes(words_.data(), 4 * groups_, z_.data(), slow_.data());
    finish_slow(noise, year_index, k);
  }
  // Without thresholds the counts go nowhere; +inf counts nothing.
  const double t0 = k_ > 0 ? thresholds_[0] : HUGE_VAL, t1 = k_ > 1 ? thresholds_[1] : t0;
  for (std::size_t q = 0; q < items_.size(); ++q) {
    const Item& it = items_[q];
    // Scenarios simulated together (their firm vectors and the table crowd the caches):
    // the next run's firms (a vector of their own, elsewhere on the heap) and known normals
    // asked of memory while this run's are updated (about 2% of the bundled compare;
    // alone, a run gained nothing from it).
    if (share_ != nullptr && q + 1 < items_.size()) {
      const Item& next = items_[q + 1];
      for (std::size_t i = 0; i < next.n && i < 256; i += 8) __builtin_prefetch(next.s + i, 1);
      if (next.skip > 0) {
        const double* k = share_->values(next.row);
        for (std::size_t i = 0; i < next.skip && i < 256; i += 8) __builtin_prefetch(k + i);
      }
    }
    std::uint32_t c[2];
    if (it.first == kMaxGroups) {
      add_noise(it.s, it.n, it.d, it.sigma, noise, it.run, year_index);
      if (it.counts == nullptr) continue;
      for (std::size_t q = 0; q < k_; ++q) {
        it.counts[q] = static_cast<std::uint32_t>(count_at_least(it.s, it.n, thresholds_[q]));
      }
      continue;
    }
    // The update and the counts of the first two thresholds in one pass over the run's
    // firms (in the cache), any further thresholds after it; the firms with known normals
    // first, then those drawn (kept for the next scenario once used).
    const double* z = z_.data() + 4 * it.first;
    c[0] = c[1] = 0;
    if (it.skip > 0) {  // the table's row is read here: a keep() of another may move it
      add_noise_counting(it.s, share_->values(it.row), it.skip, it.d, it.sigma, t0, t1, c);
    }
    if (it.skip < it.n) {
      std::uint32_t more[2];
      add_noise_counting(it.s + it.skip, z, it.n - it.skip, it.d, it.sigma, t0, t1, more);
      c[0] += more[0];
      c[1] += more[1];
      if (share_ != nullptr) {
        const std::size_t k = share_->known(it.row);
        share_->keep(it.row, z + (k - it.skip), k, it.n);
      }
    }
    if (it.counts == nullptr) continue;
    std::copy_n(c, std::min<std::size_t>(k_, 2), it.counts);
    for (std::size_t q = 2; q < k_; ++q) {
      it.counts[q] = static_cast<std::uint32_t>(count_at_least(it.s, it.n, thresholds_[q]));
    }
  }
  items_.clear();
  groups_ = 0;
}

}  // namespace firm_detail

}  // namespace plancast
