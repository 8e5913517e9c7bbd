// The random draws of firm_population (models/firm_population.cpp), in their own file:
// how many firms enter, each firm's yearly noise, and how much room a run's firms need.
// Internal to models/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/random/shared_normals.h"
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

/// The entrants of a block's runs at once: out[j] = poisson(lambda[j], stream, first_run + j,
/// year_index) for j < n, the same bits (discrete.h's poisson_draws on the words of every
/// run at once, the rare draws that need more words run by run); a mean above
/// kMaxFirmsPerRun gives kMaxFirmsPerRun + 1, without a draw (it would overflow the cap).
class EntrantDraws {
 public:
  explicit EntrantDraws(std::size_t block)
      : words_(4 * block), mean_(block), draws_(block), rest_(block) {}
  void draw(const double* lambda, std::size_t n, const Stream& stream, std::uint64_t first_run,
            std::uint32_t year_index, std::uint64_t* out);
  /// The bytes it holds for a block of `block` runs.
  static std::size_t bytes(std::size_t block) {
    return block * (4 * sizeof(std::uint64_t) + 2 * sizeof(double) + sizeof(std::uint32_t));
  }

 private:
  std::vector<std::uint64_t> words_;
  std::vector<double> mean_, draws_;
  std::vector<std::uint32_t> rest_;
};

/// The firms' noise of many runs at once: queue() runs until their groups of four firms
/// would pass kMaxGroups, then flush() draws the Philox words of all their groups in one call,
/// in firm order (group g's word l at 4g + l), and their normals in one call (full SIMD
/// vectors, where one run's few groups fill them poorly), and applies each run's noise as
/// add_noise() would: the same words and operations, so the same bits. The queued firm
/// vectors must not move before flush(). With thresholds, flush() also counts each run's
/// firms at or above each of them after its noise, the first two in the update's own pass.
/// With a shared table (share()), a run's firms whose normals the table knows read them from
/// it and only the others are drawn, then kept in it (the same values: shared_normals.h).
class NoiseBatch {
 public:
  static constexpr std::size_t kMaxGroups = 2048;
  /// `thresholds` (k of them, in log size; kept by pointer) are what queue()'s counts count.
  explicit NoiseBatch(const double* thresholds = nullptr, std::size_t k = 0);
  /// Whether n more firms fit (an empty batch takes any number).
  bool fits(std::size_t n) const;
  /// counts: nullptr, or k counters that flush() sets to count_at_least(s, n, threshold)
  /// for each threshold once the noise is added.
  void queue(double* s, std::size_t n, double d, double sigma, std::uint64_t run,
             std::uint32_t* counts = nullptr);
  void flush(const Stream& noise, std::uint32_t year_index);
  /// The table of this stream's block-year that queue() reads and flush() fills (nullptr:
  /// none), for the runs queued from now on; its first_run is the block's.
  void share(SharedNormals::Table* table) { share_ = table; }
  /// The bytes a batch holds.
  static std::size_t bytes();

 private:
  /// Slow normals whose first further words are drawn in one call.
  static constexpr std::size_t kSlowChunk = 128;
  /// The slow normals among the batch's first k (indices slow_[0 ... k)), each with its
  /// firm's further words.
  void finish_slow(const Stream& noise, std::uint32_t year_index, std::size_t k);
  struct Item {
    double* s;
    std::size_t n;
    double d, sigma;
    std::uint64_t run;
    std::size_t first;  ///< its first drawn group's index in the batch (kMaxGroups: on its own)
    std::uint32_t* counts;
    std::size_t skip = 0;  ///< its first firms, whose normals the shared table knew
    std::size_t row = 0;   ///< its row in the shared table
  };
  const double* thresholds_;
  std::size_t k_;
  std::vector<Item> items_;
  /// The queued groups' words and normals in firm order (group g's word l at 4g + l), so
  /// each run's firms read their normals side by side.
  std::vector<std::uint64_t> c0_, c2_, words_;
  std::vector<double> z_;
  std::vector<std::uint32_t> slow_, group_item_;            ///< the slow normals; each group's item
  std::vector<std::uint64_t> extra_c0_, extra_c1_, extra_;  ///< slow normals' counters, words
  std::size_t groups_ = 0;
  SharedNormals::Table* share_ = nullptr;
};

/// s[i] += d + sigma·z_i for the n firms of run `run` in year `year_index`. Firm i's z: a
/// ziggurat normal from word i%4 of the Philox counter (run, year, i/4, 1), extra words
/// from (run, year·2^32 + i, k, 2); so a firm's draws depend on its index only (entrants
/// append; nobody is renumbered). Whole groups of four, then the last partial group. One
/// run at a time, in lanes along its groups: the reference NoiseBatch matches, and what it
/// uses for a run too large for a batch.
void add_noise(double* s, std::size_t n, double d, double sigma, const Stream& noise,
               std::uint64_t run, std::uint32_t year_index);

}  // namespace plancast::firm_detail
