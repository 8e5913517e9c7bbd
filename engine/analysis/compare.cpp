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

std::size_t index_of_target(const std::vector<TargetSpec>& targets, const std::string& id) {
  for (std::size_t k = 0; k < targets.size(); ++k) {
    if (targets[k].id == id) return k;
  }
  throw std::logic_error("compare: no target '" + id + "'");
}

/// A variant prepared for its simulation: what to simulate (nullptr: nothing, every result
/// is the base's), the observer that pairs its runs with the base's, and finish(), which
/// turns what was simulated into its outcome. Made whole (simulated entire, its targets
/// paired with the base's by id) or reusing (variant_changes(): only its changed part
/// simulated, the rest taken from the base's results).
class VariantRun {
 public:
  /// The variant simulated whole.
  VariantRun(const Scenario& base, const CompareEntry& entry,
             std::shared_ptr<const CompiledScenario> compiled, const BitRecorder& base_bits)
      : sc_(entry.scenario), whole_(true), compiled_(std::move(compiled)) {
    for (std::size_t kv = 0; kv < sc_.targets.size(); ++kv) {
      bool found = false;
      for (std::size_t kb = 0; kb < base.targets.size(); ++kb) {
        if (base.targets[kb].id == sc_.targets[kv].id) {
          v_.pairs.emplace_back(kv, kb);
          found = true;
          break;
        }
      }
      if (!found) {
        v_.notes.push_back(fmt::format("target '{}' is only in '{}': not compared",
                                       sc_.targets[kv].id, entry.name));
      }
    }
    counter_ = std::make_unique<DiscordanceCounter>(base_bits, v_.pairs);
  }

  /// The variant's changed part simulated (the same targets and indicators, in the same
  /// order, as the base).
  VariantRun(const Scenario& base, const Scenario& sc, const VariantChanges& changes,
             const BitRecorder& base_bits, const Registry& registry)
      : sc_(sc), changes_(changes), whole_(false) {
    for (std::size_t k = 0; k < sc.targets.size(); ++k) v_.pairs.emplace_back(k, k);
    v_.gained.assign(sc.targets.size(), 0);
    v_.lost.assign(sc.targets.size(), 0);
    if (!changes.any()) return;
    part_ = changed_part(sc, changes);
    for (std::size_t pk = 0; pk < part_.targets.size(); ++pk) {
      part_pairs_.emplace_back(pk, index_of_target(sc.targets, part_.targets[pk].id));
    }
    // The variant's joint groups (years with targets, ascending, targets in file order):
    // the base's where none of its targets changed (finish()), else counted over the runs.
    // The base's groups are its years with targets, as compile() makes them.
    std::map<int, std::vector<std::string>> base_groups;
    for (const TargetSpec& t : base.targets) base_groups[t.year].push_back(t.id);
    for (std::size_t k = 0; k < sc.targets.size(); ++k) years_[sc.targets[k].year].push_back(k);
    std::vector<std::vector<JointCounter::Member>> counted;
    for (const auto& [year, ks] : years_) {
      std::vector<std::string> ids;
      for (std::size_t k : ks) ids.push_back(sc.targets[k].id);
      const auto b = base_groups.find(year);
      bool changed = b == base_groups.end() || b->second != ids;
      std::vector<JointCounter::Member> members;
      for (std::size_t k : ks) {
        changed |= changes.targets[k] != 0;
        JointCounter::Member m{-1, k};
        if (changes.targets[k] != 0) {
          m.part = static_cast<int>(index_of_target(part_.targets, sc.targets[k].id));
        }
        members.push_back(m);
      }
      counted_.push_back(changed);
      if (changed) counted.push_back(std::move(members));
    }
    counter_ = std::make_unique<DiscordanceCounter>(base_bits, part_pairs_);
    joint_ = std::make_unique<JointCounter>(base_bits, counted, sc.simulation.runs);
    both_ = std::make_unique<Observers>(std::vector<RunObserver*>{counter_.get(), joint_.get()});
    compiled_ = compile(part_, registry);
  }

  const std::shared_ptr<const CompiledScenario>& compiled() const { return compiled_; }
  RunObserver* observer() const {
    return both_ ? static_cast<RunObserver*>(both_.get()) : counter_.get();
  }

  /// The outcome, from what was simulated (`simulated`: compiled()'s results, or nothing
  /// when compiled() is nullptr) and the base's results.
  VariantOutcome finish(Results simulated, const Results& base_results) {
    if (whole_) {
      v_.results = std::move(simulated);
      for (std::size_t q = 0; q < v_.pairs.size(); ++q) {
        v_.gained.push_back(counter_->gained(q));
        v_.lost.push_back(counter_->lost(q));
      }
      return std::move(v_);
    }
    v_.results = base_results;
    Results& r = v_.results;
    // What summarise() writes of the scenario itself; the years, runs, seed and sampler
    // are the base's (else changes.whole).
    r.scenario = sc_.name;
    r.title = sc_.title;
    r.variant = sc_.variant.empty() ? std::nullopt : std::optional<std::string>(sc_.variant);
    r.scenario_sha256 = sc_.sha256;
    if (!compiled_) return std::move(v_);
    const Results& p = simulated;
    for (IndicatorResult& ir : r.indicators) {
      const IndicatorSpec* owner = sc_.indicator_of_output(ir.name);
      if (owner == nullptr) throw std::logic_error("compare: no indicator of '" + ir.name + "'");
      if (changes_.indicators[static_cast<std::size_t>(owner - sc_.indicators.data())] == 0) {
        continue;
      }
      const auto it = std::find_if(p.indicators.begin(), p.indicators.end(),
                                   [&](const IndicatorResult& x) { return x.name == ir.name; });
      if (it == p.indicators.end()) throw std::logic_error("compare: '" + ir.name + "' not run");
      ir = *it;
    }
    for (std::size_t q = 0; q < part_pairs_.size(); ++q) {
      const auto [pk, k] = part_pairs_[q];
      r.targets[k] = p.targets[pk];
      v_.gained[k] = counter_->gained(q);
      v_.lost[k] = counter_->lost(q);
    }
    r.events = p.events;
    const bool replicated = sc_.simulation.sampler == "lhs" || sc_.simulation.sampler == "sobol";
    std::vector<JointResult> joint;
    std::size_t g = 0, y = 0;
    for (const auto& [year, ks] : years_) {
      JointResult j;
      j.year = year;
      for (std::size_t k : ks) j.targets.push_back(sc_.targets[k].id);
      if (!counted_[y++]) {
        const auto b = std::find_if(
            base_results.joint.begin(), base_results.joint.end(),
            [&](const JointResult& x) { return x.year == j.year && x.targets == j.targets; });
        if (b == base_results.joint.end()) throw std::logic_error("compare: no base group");
        joint.push_back(*b);
        continue;
      }
      j.p = joint_->proportion(g++, replicated);
      joint.push_back(std::move(j));
    }
    r.joint = std::move(joint);
    return std::move(v_);
  }

 private:
  const Scenario& sc_;
  VariantChanges changes_;
  bool whole_;
  VariantOutcome v_;
  Scenario part_;
  std::vector<std::pair<std::size_t, std::size_t>> part_pairs_;  // (part k, variant k)
  std::map<int, std::vector<std::size_t>> years_;
  std::vector<bool> counted_;  // per year of years_: counted over the runs (else the base's)
  std::shared_ptr<const CompiledScenario> compiled_;
  std::unique_ptr<DiscordanceCounter> counter_;
  std::unique_ptr<JointCounter> joint_;
  std::unique_ptr<Observers> both_;
};

}  // namespace

std::string difference_points_text(const PairedDifference& d) {
  const double h = 100 * (d.ci95[1] - d.ci95[0]) / 2;
  const int dec = h > 0 ? std::clamp(static_cast<int>(std::ceil(-std::log10(h))), 1, 6) : 1;
  return fmt::format("{:+.{}f} [{:+.{}f}, {:+.{}f}]", 100 * d.value, dec, 100 * d.ci95[0], dec,
                     100 * d.ci95[1], dec);
}

Comparison compare(const std::vector<CompareEntry>& entries, const Registry& registry,
                   const RunOptions& options, CompareReuse reuse, CompareTogether together) {
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

  const std::shared_ptr<const CompiledScenario> base_cs = compile(base, registry);
  BitRecorder base_bits(base.targets.size(), sim.runs);
  const std::unique_ptr<const ReuseBase> reuse_base =
      reuse == CompareReuse::on ? std::make_unique<const ReuseBase>(*base_cs) : nullptr;
  std::vector<std::unique_ptr<VariantRun>> variants;
  for (std::size_t i = 1; i < n_sc; ++i) {
    const Scenario& sc = entries[i].scenario;
    std::shared_ptr<const CompiledScenario> var_cs = compile(sc, registry);
    VariantChanges changes;
    if (reuse_base) changes = reuse_base->changes(*var_cs);
    if (changes.whole || (!changes.any() && changes.events)) {
      variants.push_back(
          std::make_unique<VariantRun>(base, entries[i], std::move(var_cs), base_bits));
    } else {
      variants.push_back(std::make_unique<VariantRun>(base, sc, changes, base_bits, registry));
    }
  }

  // What is simulated: the base, then each variant's whole or part (none where a variant
  // changes nothing). Together, block by block (run_together), or one after another; the
  // same results either way. A variant's observer reads the base's bits of a block's runs:
  // together, the base simulates each block before the variants do.
  std::vector<const CompiledScenario*> jobs{base_cs.get()};
  std::vector<RunOptions> job_options(1);
  job_options[0].observer = &base_bits;
  for (const auto& v : variants) {
    if (!v->compiled()) continue;
    jobs.push_back(v->compiled().get());
    job_options.emplace_back().observer = v->observer();
  }
  std::vector<Results> simulated = together == CompareTogether::yes
                                       ? run_together(jobs, job_options, options)
                                       : run_each(jobs, job_options, options);

  out.results.push_back(std::move(simulated[0]));
  out.targets.resize(base.targets.size());
  for (std::size_t k = 0; k < base.targets.size(); ++k) {
    TargetComparison& t = out.targets[k];
    t.id = base.targets[k].id;
    t.probability.assign(n_sc, std::nullopt);
    t.difference.assign(n_sc, std::nullopt);
    t.probability[0] = out.results[0].targets[k].p.probability;
  }

  std::size_t next = 1;
  for (std::size_t i = 1; i < n_sc; ++i) {
    const Scenario& sc = entries[i].scenario;
    VariantRun& run_i = *variants[i - 1];
    VariantOutcome v =
        run_i.finish(run_i.compiled() ? std::move(simulated[next++]) : Results{}, out.results[0]);
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
