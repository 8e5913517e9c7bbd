// compare(): the base and each variant run with common random numbers; the base's per-run
// target outcomes are kept as bits and each variant's runs are paired with them.
#include "engine/analysis/compare.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "engine/analysis/paired_interval.h"
#include "engine/core/error.h"

namespace plancast {

namespace {

static_assert(kBlockSize % 64 == 0, "blocks must start on a word of the bit arrays");

/// Keeps met[k] of every run as one bit: bits[k][r / 64] bit r % 64. Blocks start at
/// multiples of kBlockSize, so different blocks never share a word.
class BitRecorder : public RunObserver {
 public:
  BitRecorder(std::size_t targets, std::uint64_t runs)
      : bits_(targets, std::vector<std::uint64_t>((runs + 63) / 64, 0)) {}

  void on_block(const BlockView& b) override {
    for (std::size_t k = 0; k < bits_.size(); ++k) {
      const std::uint8_t* met = b.met + k * b.stride;
      std::uint64_t* words = bits_[k].data();
      for (std::size_t j = 0; j < b.n; ++j) {
        if (met[j] == 0) continue;
        const std::uint64_t r = b.first_run + j;
        words[r / 64] |= std::uint64_t{1} << (r % 64);
      }
    }
  }

  bool met(std::size_t k, std::uint64_t r) const {
    return ((bits_[k][r / 64] >> (r % 64)) & 1) != 0;
  }

 private:
  std::vector<std::vector<std::uint64_t>> bits_;
};

/// Counts, per paired target, the runs where the variant and the base disagree. Integer
/// sums, so the totals do not depend on the order of the blocks.
class DiscordanceCounter : public RunObserver {
 public:
  /// pairs: (variant target index, base target index).
  DiscordanceCounter(const BitRecorder& base,
                     std::vector<std::pair<std::size_t, std::size_t>> pairs)
      : base_(base), pairs_(std::move(pairs)), gained_(pairs_.size()), lost_(pairs_.size()) {}

  void on_block(const BlockView& b) override {
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
      const std::uint8_t* met = b.met + pairs_[i].first * b.stride;
      std::uint64_t up = 0, down = 0;
      for (std::size_t j = 0; j < b.n; ++j) {
        const bool v = met[j] != 0;
        const bool base = base_.met(pairs_[i].second, b.first_run + j);
        up += static_cast<std::uint64_t>(v && !base);
        down += static_cast<std::uint64_t>(!v && base);
      }
      gained_[i].fetch_add(up, std::memory_order_relaxed);
      lost_[i].fetch_add(down, std::memory_order_relaxed);
    }
  }

  std::uint64_t gained(std::size_t i) const { return gained_[i].load(); }
  std::uint64_t lost(std::size_t i) const { return lost_[i].load(); }

 private:
  const BitRecorder& base_;
  std::vector<std::pair<std::size_t, std::size_t>> pairs_;
  std::vector<std::atomic<std::uint64_t>> gained_, lost_;
};

PairedDifference paired(double p_base, double p_var, std::uint64_t gained, std::uint64_t lost,
                        std::uint64_t n) {
  PairedDifference d;
  const double N = static_cast<double>(n);
  d.gained = gained;
  d.lost = lost;
  d.value = (static_cast<double>(gained) - static_cast<double>(lost)) / N;
  // d_r is +1, −1 or 0, so Σ d_r² = gained + lost.
  const double sum_sq = static_cast<double>(gained) + static_cast<double>(lost);
  const double var = n > 1 ? std::max(0.0, (sum_sq - N * d.value * d.value) / (N - 1)) : 0.0;
  d.std_error = std::sqrt(var / N);
  // Not value ± 1.96·std_error: that interval has zero width when no run changes outcome
  // and covers a small effect far less often than 95% (issue 14).
  d.ci95 = tango_interval(gained, lost, n);
  d.unpaired_std_error = std::sqrt(p_base * (1 - p_base) / N + p_var * (1 - p_var) / N);
  return d;
}

const IndicatorResult* find_indicator(const Results& r, const std::string& name) {
  for (const auto& i : r.indicators) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

}  // namespace

std::string difference_points_text(const PairedDifference& d) {
  const double h = 100 * (d.ci95[1] - d.ci95[0]) / 2;
  const int dec = h > 0 ? std::clamp(static_cast<int>(std::ceil(-std::log10(h))), 1, 6) : 1;
  return fmt::format("{:+.{}f} [{:+.{}f}, {:+.{}f}]", 100 * d.value, dec, 100 * d.ci95[0], dec,
                     100 * d.ci95[1], dec);
}

Comparison compare(const std::vector<CompareEntry>& entries, const Registry& registry,
                   const RunOptions& options) {
  if (entries.empty()) throw RunError("compare: nothing to compare");
  const Scenario& base = entries.front().scenario;
  const SimulationSpec& sim = base.simulation;
  if (sim.runs > kMaxCompareRuns) {
    throw RunError(std::string("compare keeps every run's target outcomes in memory: at most ") +
                   std::to_string(kMaxCompareRuns) + " runs (asked for " +
                   std::to_string(sim.runs) + ")");
  }
  for (const CompareEntry& e : entries) {
    const SimulationSpec& s = e.scenario.simulation;
    if (s.runs != sim.runs || s.seed != sim.seed || s.sampler != sim.sampler) {
      std::string msg = "'";
      msg += e.name;
      msg += "' differs from the base in simulation runs, seed or sampler; a paired comparison ";
      msg += "needs the same random numbers in every scenario";
      throw RunError(msg);
    }
  }

  Comparison out;
  out.scenario = base.name;
  out.runs = sim.runs;
  out.seed = sim.seed;
  for (const CompareEntry& e : entries) out.overrides.push_back(e.scenario.variant_overrides);
  const std::size_t n_sc = entries.size();
  for (const CompareEntry& e : entries) out.variants.push_back(e.name);

  const std::uint64_t total = sim.runs * n_sc;
  auto run_one = [&](std::size_t i, RunObserver* observer) {
    auto compiled = compile(entries[i].scenario, registry);
    RunOptions ro;
    ro.threads = options.threads;
    ro.cancel = options.cancel;
    ro.observer = observer;
    if (options.progress) {
      const std::uint64_t offset = sim.runs * i;
      ro.progress = [&options, offset, total](std::uint64_t done, std::uint64_t) {
        options.progress(offset + done, total);
      };
    }
    return run(*compiled, ro);
  };

  BitRecorder base_bits(base.targets.size(), sim.runs);
  out.results.push_back(run_one(0, &base_bits));

  out.targets.resize(base.targets.size());
  for (std::size_t k = 0; k < base.targets.size(); ++k) {
    TargetComparison& t = out.targets[k];
    t.id = base.targets[k].id;
    t.probability.assign(n_sc, std::nullopt);
    t.difference.assign(n_sc, std::nullopt);
    t.probability[0] = out.results[0].targets[k].p.probability;
  }

  for (std::size_t i = 1; i < n_sc; ++i) {
    const Scenario& sc = entries[i].scenario;
    std::vector<std::pair<std::size_t, std::size_t>> pairs;  // (variant k, base k)
    for (std::size_t kv = 0; kv < sc.targets.size(); ++kv) {
      bool found = false;
      for (std::size_t kb = 0; kb < base.targets.size(); ++kb) {
        if (base.targets[kb].id == sc.targets[kv].id) {
          pairs.emplace_back(kv, kb);
          found = true;
          break;
        }
      }
      if (!found) {
        out.notes.push_back(fmt::format("target '{}' is only in '{}': not compared",
                                        sc.targets[kv].id, entries[i].name));
      }
    }
    DiscordanceCounter counter(base_bits, pairs);
    out.results.push_back(run_one(i, &counter));
    const Results& r = out.results.back();
    for (std::size_t q = 0; q < pairs.size(); ++q) {
      const auto [kv, kb] = pairs[q];
      TargetComparison& t = out.targets[kb];
      const double pv = r.targets[kv].p.probability;
      t.probability[i] = pv;
      t.difference[i] = paired(*t.probability[0], pv, counter.gained(q), counter.lost(q), sim.runs);
    }
    for (std::size_t kb = 0; kb < base.targets.size(); ++kb) {
      if (!out.targets[kb].probability[i]) {
        out.notes.push_back(fmt::format("target '{}' is not in '{}': not compared there",
                                        base.targets[kb].id, entries[i].name));
      }
    }
    if (sc.base_year != base.base_year) {
      out.notes.push_back(fmt::format(
          "'{}' starts in {} (base: {}): its targets are compared by id, though their distance "
          "from the start differs",
          entries[i].name, sc.base_year, base.base_year));
    }
  }

  // Medians of every base indicator output at the base's report years.
  const Results& rb = out.results.front();
  for (const IndicatorResult& ind : rb.indicators) {
    for (int year : rb.report_years) {
      MedianRow row;
      row.indicator = ind.name;
      row.year = year;
      row.median.assign(n_sc, std::nullopt);
      for (std::size_t i = 0; i < n_sc; ++i) {
        const Results& r = out.results[i];
        const IndicatorResult* ri = find_indicator(r, ind.name);
        if (ri == nullptr || r.years.empty() || year < r.years.front() || year > r.years.back()) {
          continue;
        }
        row.median[i] = ri->quantiles[4][static_cast<std::size_t>(year - r.years.front())];
      }
      for (std::size_t i = 1; i < n_sc; ++i) {
        if (row.median[i] || !row.median[0]) continue;
        std::string note = "no median of '";
        note += ind.name;
        note += "' in ";
        note += std::to_string(year);
        note += " for '";
        note += entries[i].name;
        note += "' (indicator or year missing there)";
        out.notes.push_back(note);
      }
      out.medians.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace plancast
