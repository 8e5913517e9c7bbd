// compare(): the base and each variant run with common random numbers; the base's per-run
// target outcomes are kept as bits and each variant's runs are paired with them.
#include "engine/analysis/compare.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/analysis/paired_interval.h"
#include "engine/core/error.h"
#include "engine/sim/compile_reuse.h"
#include "engine/sim/replicates.h"

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

/// Per year with targets, the runs meeting all of them, where some targets' outcomes come
/// from the base's bits (unchanged in the variant) and the others from the variant's changed
/// part: the joint probabilities of a variant simulated in part. Per replicate of the design,
/// as the simulation counts them (accumulate.cpp), so lhs and sobol get their intervals.
class JointCounter : public RunObserver {
 public:
  /// A member of a year's group: its index among the simulated part's targets (or -1:
  /// unchanged, read from the base's bits) and among the base's.
  struct Member {
    int part = -1;
    std::size_t base = 0;
  };
  JointCounter(const BitRecorder& base, std::vector<std::vector<Member>> groups, std::uint64_t runs)
      : base_(base),
        groups_(std::move(groups)),
        runs_(runs),
        hits_(groups_.size() * RunState::kReplicateSlots) {}

  void on_block(const BlockView& b) override {
    const std::vector<ReplicateSpan> spans = replicate_spans(b.first_run, b.n, runs_);
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      for (const ReplicateSpan& sp : spans) {
        std::uint64_t h = 0;
        for (std::size_t j = sp.lo; j < sp.hi; ++j) {
          bool all = true;
          for (const Member& m : groups_[g]) {
            all = all && (m.part >= 0 ? b.met[static_cast<std::size_t>(m.part) * b.stride + j] != 0
                                      : base_.met(m.base, b.first_run + j));
          }
          h += all ? 1 : 0;
        }
        hits_[g * RunState::kReplicateSlots + sp.k].fetch_add(h, std::memory_order_relaxed);
      }
    }
  }

  /// Group g's proportion, as summarise() gives a joint group's.
  Proportion proportion(std::size_t g, bool replicated) const {
    std::vector<std::uint64_t> rep(RunState::kReplicateSlots);
    std::uint64_t hits = 0;
    for (std::size_t k = 0; k < rep.size(); ++k) {
      rep[k] = hits_[g * RunState::kReplicateSlots + k].load();
      hits += rep[k];
    }
    return replicated ? make_replicate_proportion(hits, runs_, rep.data())
                      : make_proportion(hits, runs_);
  }

 private:
  const BitRecorder& base_;
  std::vector<std::vector<Member>> groups_;
  std::uint64_t runs_;
  std::vector<std::atomic<std::uint64_t>> hits_;
};

/// Hands each block to several observers in turn.
class Observers : public RunObserver {
 public:
  explicit Observers(std::vector<RunObserver*> all) : all_(std::move(all)) {}
  void on_block(const BlockView& b) override {
    for (RunObserver* o : all_) o->on_block(b);
  }

 private:
  std::vector<RunObserver*> all_;
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

/// A variant's results and, per target it shares with the base (variant index, base index),
/// the runs it gained and lost against the base.
struct VariantOutcome {
  Results results;
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  std::vector<std::uint64_t> gained, lost;
  std::vector<std::string> notes;
};

using SimulateFn = std::function<Results(const CompiledScenario&, RunObserver*)>;

/// The variant simulated whole; its targets paired with the base's by id.
VariantOutcome run_whole(const Scenario& base, const CompareEntry& entry,
                         const CompiledScenario& compiled, const BitRecorder& base_bits,
                         const SimulateFn& simulate) {
  VariantOutcome v;
  const Scenario& sc = entry.scenario;
  for (std::size_t kv = 0; kv < sc.targets.size(); ++kv) {
    bool found = false;
    for (std::size_t kb = 0; kb < base.targets.size(); ++kb) {
      if (base.targets[kb].id == sc.targets[kv].id) {
        v.pairs.emplace_back(kv, kb);
        found = true;
        break;
      }
    }
    if (!found) {
      v.notes.push_back(
          fmt::format("target '{}' is only in '{}': not compared", sc.targets[kv].id, entry.name));
    }
  }
  DiscordanceCounter counter(base_bits, v.pairs);
  v.results = simulate(compiled, &counter);
  for (std::size_t q = 0; q < v.pairs.size(); ++q) {
    v.gained.push_back(counter.gained(q));
    v.lost.push_back(counter.lost(q));
  }
  return v;
}

std::size_t index_of_target(const std::vector<TargetSpec>& targets, const std::string& id) {
  for (std::size_t k = 0; k < targets.size(); ++k) {
    if (targets[k].id == id) return k;
  }
  throw std::logic_error("compare: no target '" + id + "'");
}

/// The variant's results from the base's, with only its changed part simulated
/// (variant_changes(): the same targets and indicators, in the same order, as the base).
VariantOutcome run_reusing(const Results& base_results, const Scenario& sc,
                           const VariantChanges& changes, const BitRecorder& base_bits,
                           const Registry& registry, const SimulateFn& simulate) {
  VariantOutcome v;
  v.results = base_results;
  Results& r = v.results;
  // What summarise() writes of the scenario itself; the years, runs, seed and sampler are
  // the base's (else changes.whole).
  r.scenario = sc.name;
  r.title = sc.title;
  r.variant = sc.variant.empty() ? std::nullopt : std::optional<std::string>(sc.variant);
  r.scenario_sha256 = sc.sha256;
  for (std::size_t k = 0; k < sc.targets.size(); ++k) v.pairs.emplace_back(k, k);
  v.gained.assign(sc.targets.size(), 0);
  v.lost.assign(sc.targets.size(), 0);
  if (!changes.any()) return v;

  const Scenario part = changed_part(sc, changes);
  std::vector<std::pair<std::size_t, std::size_t>> part_pairs;  // (part k, variant k)
  for (std::size_t pk = 0; pk < part.targets.size(); ++pk) {
    part_pairs.emplace_back(pk, index_of_target(sc.targets, part.targets[pk].id));
  }
  // The variant's joint groups (years with targets, ascending, targets in file order): the
  // base's where none of its targets changed, else counted over the runs.
  std::map<int, std::vector<std::size_t>> years;
  for (std::size_t k = 0; k < sc.targets.size(); ++k) years[sc.targets[k].year].push_back(k);
  std::vector<std::vector<JointCounter::Member>> counted;
  std::vector<std::optional<JointResult>> joint;  // per year of `years`: the base's, or none
  for (const auto& [year, ks] : years) {
    JointResult same;
    same.year = year;
    bool changed = false;
    std::vector<JointCounter::Member> members;
    for (std::size_t k : ks) {
      same.targets.push_back(sc.targets[k].id);
      changed |= changes.targets[k] != 0;
      JointCounter::Member m{-1, k};
      if (changes.targets[k] != 0) {
        const std::size_t pk = index_of_target(part.targets, sc.targets[k].id);
        m.part = static_cast<int>(pk);
      }
      members.push_back(m);
    }
    const auto b = std::find_if(
        base_results.joint.begin(), base_results.joint.end(),
        [&, y = year](const JointResult& j) { return j.year == y && j.targets == same.targets; });
    if (!changed && b != base_results.joint.end()) {
      joint.push_back(*b);
    } else {
      joint.push_back(std::nullopt);
      counted.push_back(std::move(members));
    }
  }

  DiscordanceCounter counter(base_bits, part_pairs);
  JointCounter joint_counter(base_bits, counted, sc.simulation.runs);
  Observers both({&counter, &joint_counter});
  const Results p = simulate(*compile(part, registry), &both);

  for (IndicatorResult& ir : r.indicators) {
    const IndicatorSpec* owner = sc.indicator_of_output(ir.name);
    if (owner == nullptr) throw std::logic_error("compare: no indicator of '" + ir.name + "'");
    if (changes.indicators[static_cast<std::size_t>(owner - sc.indicators.data())] == 0) continue;
    const auto it = std::find_if(p.indicators.begin(), p.indicators.end(),
                                 [&](const IndicatorResult& x) { return x.name == ir.name; });
    if (it == p.indicators.end()) throw std::logic_error("compare: '" + ir.name + "' not run");
    ir = *it;
  }
  for (std::size_t q = 0; q < part_pairs.size(); ++q) {
    const auto [pk, k] = part_pairs[q];
    r.targets[k] = p.targets[pk];
    v.gained[k] = counter.gained(q);
    v.lost[k] = counter.lost(q);
  }
  r.events = p.events;
  const bool replicated = sc.simulation.sampler == "lhs" || sc.simulation.sampler == "sobol";
  r.joint.clear();
  std::size_t g = 0;
  auto year = years.begin();
  for (std::optional<JointResult>& j : joint) {
    if (!j) {
      j.emplace();
      j->year = year->first;
      for (std::size_t k : year->second) j->targets.push_back(sc.targets[k].id);
      j->p = joint_counter.proportion(g++, replicated);
    }
    r.joint.push_back(std::move(*j));
    ++year;
  }
  return v;
}

}  // namespace

std::string difference_points_text(const PairedDifference& d) {
  const double h = 100 * (d.ci95[1] - d.ci95[0]) / 2;
  const int dec = h > 0 ? std::clamp(static_cast<int>(std::ceil(-std::log10(h))), 1, 6) : 1;
  return fmt::format("{:+.{}f} [{:+.{}f}, {:+.{}f}]", 100 * d.value, dec, 100 * d.ci95[0], dec,
                     100 * d.ci95[1], dec);
}

Comparison compare(const std::vector<CompareEntry>& entries, const Registry& registry,
                   const RunOptions& options, CompareReuse reuse) {
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
  auto run_one = [&](std::size_t i, const CompiledScenario& compiled, RunObserver* observer) {
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
    return run(compiled, ro);
  };

  const std::shared_ptr<const CompiledScenario> base_cs = compile(base, registry);
  BitRecorder base_bits(base.targets.size(), sim.runs);
  out.results.push_back(run_one(0, *base_cs, &base_bits));
  const std::unique_ptr<const ReuseBase> reuse_base =
      reuse == CompareReuse::on ? std::make_unique<const ReuseBase>(*base_cs) : nullptr;

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
    const std::shared_ptr<const CompiledScenario> var_cs = compile(sc, registry);
    VariantChanges changes;
    if (reuse_base) changes = reuse_base->changes(*var_cs);
    auto simulate = [&](const CompiledScenario& c, RunObserver* o) { return run_one(i, c, o); };
    VariantOutcome v =
        changes.whole || (!changes.any() && changes.events)
            ? run_whole(base, entries[i], *var_cs, base_bits, simulate)
            : run_reusing(out.results.front(), sc, changes, base_bits, registry, simulate);
    for (std::string& note : v.notes) out.notes.push_back(std::move(note));
    out.results.push_back(std::move(v.results));
    const Results& r = out.results.back();
    for (std::size_t q = 0; q < v.pairs.size(); ++q) {
      const auto [kv, kb] = v.pairs[q];
      TargetComparison& t = out.targets[kb];
      const double pv = r.targets[kv].p.probability;
      t.probability[i] = pv;
      t.difference[i] = paired(*t.probability[0], pv, v.gained[q], v.lost[q], sim.runs);
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
