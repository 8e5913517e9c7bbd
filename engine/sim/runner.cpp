// The runner: compile once into flat arrays, simulate blocks of runs with oneTBB, merge
// per-thread accumulators exactly (so the result does not depend on threads or order).
#include "engine/sim/runner.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "engine/core/process.h"
#include "engine/random/parameter_sampler.h"
#include "engine/random/samplers.h"
#include "engine/random/stream.h"
#include "engine/sim/block.h"
#include "engine/sim/distribute.h"
#include "engine/sim/replicates.h"
#include "engine/sim/sketch.h"
#include "engine/sim/stream_keys.h"

#ifndef PLANCAST_VERSION
#define PLANCAST_VERSION "0.0.0"
#endif

namespace plancast {

namespace {

struct CompiledTarget {
  int slot = 0;
  int t = 0;  ///< year index
  bool at_least = true;
  double value = 0;
  bool by = false;
  int by_index = -1;  ///< index among `by` targets (their per-run "reached" flags)
  /// A run whose value is not finite (NaN or ±inf) meets no target: +inf is not ">= v"
  /// and NaN not "<= v" (docs/reliability.md, "Non-finite values").
  bool met(double x) const { return std::isfinite(x) && (at_least ? x >= value : x <= value); }
};

/// Per-run flags of a `by` target (ThreadState::reached).
constexpr std::uint8_t kReached = 1;       ///< met in some year so far
constexpr std::uint8_t kSawNonfinite = 2;  ///< its value was not finite in some year so far

struct JointGroup {
  int t = 0;
  std::vector<int> targets;
};

}  // namespace

class CompiledScenario {
 public:
  Scenario scenario;
  int n_years = 0;
  std::vector<std::string> slot_names, slot_units, slot_titles;
  std::vector<std::unique_ptr<Process>> processes;  ///< in dependency order
  std::unique_ptr<ParameterSampler> parameters;
  std::unique_ptr<UniformSampler> uniforms;
  std::vector<CompiledTarget> targets;
  int n_by = 0;
  std::vector<JointGroup> joint;

  std::size_t n_slots() const { return slot_names.size(); }
  std::size_t n_params() const { return parameters->size(); }
};

namespace {

class Context final : public CompileContext {
 public:
  Context(const Scenario& sc, const std::map<std::string, int>& params,
          const std::map<std::string, int>& slots)
      : sc_(sc), params_(params), slots_(slots) {}
  void set_indicator(const IndicatorSpec& ind, std::vector<int> out) {
    ind_ = &ind;
    out_ = std::move(out);
  }
  const Scenario& scenario() const override { return sc_; }
  int parameter_index(const std::string& n) const override {
    auto it = params_.find(n);
    return it == params_.end() ? -1 : it->second;
  }
  int slot_index(const std::string& n) const override {
    auto it = slots_.find(n);
    return it == slots_.end() ? -1 : it->second;
  }
  const std::vector<int>& output_slots() const override { return out_; }
  const std::string& indicator_name() const override { return ind_->name; }
  bool has_base() const override { return ind_->has_base; }
  double base() const override { return ind_->base; }
  StreamKey stream_key(std::uint32_t k) const override {
    if (k >= ind_->spec->stream_count()) throw std::logic_error("undeclared sub-stream");
    return sub_stream_key(ind_->name, k);
  }
  int n_parameters() const override { return static_cast<int>(params_.size()); }
  int n_slots() const override { return static_cast<int>(slots_.size()); }
  std::vector<std::string> parameter_names() const override {
    std::vector<std::string> v(params_.size());
    for (const auto& [n, i] : params_) v[static_cast<std::size_t>(i)] = n;
    return v;
  }
  std::vector<std::string> slot_names() const override {
    std::vector<std::string> v(slots_.size());
    for (const auto& [n, i] : slots_) v[static_cast<std::size_t>(i)] = n;
    return v;
  }

 private:
  const Scenario& sc_;
  const std::map<std::string, int>& params_;
  const std::map<std::string, int>& slots_;
  const IndicatorSpec* ind_ = nullptr;
  std::vector<int> out_;
};

/// Everything one thread needs to simulate blocks: workers, block buffers, accumulator.
struct ThreadState {
  std::vector<std::unique_ptr<ProcessWorker>> workers;
  std::vector<double> params, values, prev, scratch;
  std::vector<std::uint8_t> reached;  ///< [by target][run]: kReached | kSawNonfinite
  std::vector<std::uint8_t> all_met;
  std::vector<std::uint8_t> met;  ///< [target][run], filled only for an observer
  std::vector<double> watched;    ///< [watch cell][run], filled only for an observer
  BlockCounters counters;
  RunState acc;

  ThreadState(const CompiledScenario& cs, std::size_t n_watch = 0)
      : params(std::max<std::size_t>(cs.n_params(), 1) * kBlockSize),
        values(cs.n_slots() * kBlockSize),
        prev(cs.n_slots() * kBlockSize),
        scratch(kBlockSize),
        reached(static_cast<std::size_t>(cs.n_by) * kBlockSize),
        all_met(kBlockSize),
        met(cs.targets.size() * kBlockSize),
        watched(n_watch * kBlockSize),
        acc(cs.n_slots(), cs.n_years, cs.targets.size(), cs.joint.size()) {
    for (const auto& p : cs.processes) workers.push_back(p->make_worker(kBlockSize));
    counters.floored.assign(cs.n_slots(), 0);
  }
};

/// Simulates runs [first, first + n) and calls record(t, ctx) after each year. Returns
/// false, the block left unfinished, once `cancel` is set: it is checked before each
/// process's year (a relaxed load), so an interrupt waits for one process-year of one block
/// (at most about 0.1 s: a firm population at its cap of 100,000 firms), not a whole block.
template <class Record>
bool simulate_block(const CompiledScenario& cs, const UniformSampler& uniforms, ThreadState& ts,
                    std::uint64_t first, std::size_t n, Record&& record,
                    const std::atomic<bool>* cancel = nullptr) {
  const auto stop = [cancel] {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
  };
  BlockCtx ctx;
  ctx.seed = cs.scenario.simulation.seed;
  ctx.first_run = first;
  ctx.n = n;
  ctx.stride = kBlockSize;
  ctx.params = ts.params.data();
  ctx.values = ts.values.data();
  ctx.prev = ts.prev.data();
  ctx.counters = &ts.counters;
  if (cs.n_params() > 0) {
    uniforms.fill(first, n, kBlockSize, ts.params.data());
    cs.parameters->transform(n, kBlockSize, ts.params.data());
  }
  for (int t = 0; t < cs.n_years; ++t) {
    ctx.t = t;
    ctx.year = cs.scenario.base_year + t;
    if (t == 0) {
      for (auto& w : ts.workers) w->init(ctx);
    } else {
      std::swap(ts.values, ts.prev);
      ctx.values = ts.values.data();
      ctx.prev = ts.prev.data();
      for (auto& w : ts.workers) {
        if (stop()) return false;
        w->step(ctx);
      }
    }
    record(t, ctx);
  }
  return true;
}

/// A watch cell resolved to its slot and year index.
struct WatchIndex {
  std::size_t slot = 0;
  int t = 0;
};

/// The block's sum and sum of squares of x - k, and its extremes folded into lo and hi, in
/// four interleaved partial sums (a fixed order, so the same for every thread, and one the
/// compiler can keep in vector registers). Returns false, leaving the outputs unusable,
/// when any value is not finite or a sum overflows.
bool block_moments(const double* x, std::size_t n, double k, double& sum, double& sumsq, double& lo,
                   double& hi) {
  double s[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0};
  double l[4] = {lo, lo, lo, lo}, h[4] = {hi, hi, hi, hi};
  std::size_t j = 0;
#if defined(__SSE2__)
  // Partial sums of lanes (0, 1) and (2, 3) of each group of four: the same operations in
  // the same order as the scalar loop below (min(v, l) is v < l ? v : l, as minpd).
  {
    const __m128d kk = _mm_set1_pd(k);
    __m128d s01 = _mm_setzero_pd(), s23 = _mm_setzero_pd();
    __m128d q01 = _mm_setzero_pd(), q23 = _mm_setzero_pd();
    __m128d l01 = _mm_set1_pd(lo), l23 = l01, h01 = _mm_set1_pd(hi), h23 = h01;
    for (; j + 4 <= n; j += 4) {
      const __m128d v01 = _mm_loadu_pd(x + j), v23 = _mm_loadu_pd(x + j + 2);
      const __m128d d01 = _mm_sub_pd(v01, kk), d23 = _mm_sub_pd(v23, kk);
      s01 = _mm_add_pd(s01, d01);
      s23 = _mm_add_pd(s23, d23);
      q01 = _mm_add_pd(q01, _mm_mul_pd(d01, d01));
      q23 = _mm_add_pd(q23, _mm_mul_pd(d23, d23));
      l01 = _mm_min_pd(v01, l01);
      l23 = _mm_min_pd(v23, l23);
      h01 = _mm_max_pd(v01, h01);
      h23 = _mm_max_pd(v23, h23);
    }
    _mm_storeu_pd(s, s01);
    _mm_storeu_pd(s + 2, s23);
    _mm_storeu_pd(q, q01);
    _mm_storeu_pd(q + 2, q23);
    _mm_storeu_pd(l, l01);
    _mm_storeu_pd(l + 2, l23);
    _mm_storeu_pd(h, h01);
    _mm_storeu_pd(h + 2, h23);
  }
#endif
  for (; j + 4 <= n; j += 4) {
    for (std::size_t i = 0; i < 4; ++i) {
      const double v = x[j + i];
      const double d = v - k;
      s[i] += d;
      q[i] += d * d;
      l[i] = v < l[i] ? v : l[i];
      h[i] = v > h[i] ? v : h[i];
    }
  }
  for (std::size_t i = 0; j < n; ++j, ++i) {
    const double v = x[j];
    const double d = v - k;
    s[i] += d;
    q[i] += d * d;
    l[i] = v < l[i] ? v : l[i];
    h[i] = v > h[i] ? v : h[i];
  }
  sum = (s[0] + s[1]) + (s[2] + s[3]);
  sumsq = (q[0] + q[1]) + (q[2] + q[3]);
  lo = std::min(std::min(l[0], l[1]), std::min(l[2], l[3]));
  hi = std::max(std::max(h[0], h[1]), std::max(h[2], h[3]));
  // A NaN makes the sums NaN; an infinity makes a sum or an extreme infinite.
  return std::isfinite(sum) && std::isfinite(sumsq) && std::isfinite(lo) && std::isfinite(hi);
}

void record_year(const CompiledScenario& cs, ThreadState& ts, const std::vector<double>& shift,
                 const BlockCtx& ctx, bool observe, const std::vector<WatchIndex>& watch) {
  const int t = ctx.t;
  const std::size_t n = ctx.n;
  RunState& acc = ts.acc;
  for (std::size_t s = 0; s < cs.n_slots(); ++s) {
    const std::size_t c = s * static_cast<std::size_t>(cs.n_years) + static_cast<std::size_t>(t);
    const double* x = ctx.values + s * kBlockSize;
    const double k = shift[c];
    double sum = 0, sumsq = 0, lo = acc.min[c], hi = acc.max[c];
    std::size_t bad = 0;
    double block_lo = std::numeric_limits<double>::infinity(), block_hi = -block_lo;
    const bool all_finite = block_moments(x, n, k, sum, sumsq, block_lo, block_hi);
    if (all_finite) {
      lo = std::min(lo, block_lo);
      hi = std::max(hi, block_hi);
    } else {
      // Some value is not finite (or a sum overflowed): the careful loop.
      sum = 0;
      sumsq = 0;
      lo = acc.min[c];
      hi = acc.max[c];
      for (std::size_t j = 0; j < n; ++j) {
        const double v = x[j];
        if (!std::isfinite(v)) {
          ++bad;
          continue;
        }
        const double d = v - k;
        sum += d;
        sumsq += d * d;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
    acc.min[c] = lo;
    acc.max[c] = hi;
    if (std::isfinite(sum)) {
      acc.sum[c].add(sum);
    } else {
      // The block's deviations overflow a double sum (values near 1e308; non-finite values
      // were skipped): add them exactly, a deviation that overflows itself as its two terms.
      for (std::size_t j = 0; j < n; ++j) {
        const double v = x[j];
        if (!std::isfinite(v)) continue;
        const double d = v - k;
        if (std::isfinite(d)) {
          acc.sum[c].add(d);
        } else {
          acc.sum[c].add(v);
          acc.sum[c].add(-k);
        }
      }
    }
    acc.sumsq[c].add(sumsq);
    acc.finite[c] += n - bad;
    acc.nonfinite[c] += bad;
    if (all_finite) {
      acc.sketch[c].add_many(x, n, block_lo, block_hi);
    } else if (bad == 0) {
      acc.sketch[c].add_many(x, n);
    } else {
      std::size_t m = 0;
      for (std::size_t j = 0; j < n; ++j) {
        if (std::isfinite(x[j])) ts.scratch[m++] = x[j];
      }
      acc.sketch[c].add_many(ts.scratch.data(), m);
    }
    acc.floored[c] += ts.counters.floored[s];
    ts.counters.floored[s] = 0;
  }

  // Targets: `by` targets remember per run whether they have been reached (bit 0) and
  // whether their value was not finite in some year so far (bit 1). Hits are also counted
  // per replicate of the design (the block's runs cut at replicate boundaries).
  const std::vector<ReplicateSpan> spans =
      replicate_spans(ctx.first_run, n, cs.scenario.simulation.runs);
  for (std::size_t k = 0; k < cs.targets.size(); ++k) {
    const CompiledTarget& tg = cs.targets[k];
    const double* x = ctx.values + static_cast<std::size_t>(tg.slot) * kBlockSize;
    std::uint64_t* rep = acc.replicate_hits.data() + k * RunState::kReplicateSlots;
    if (tg.by) {
      if (t > tg.t) continue;
      std::uint8_t* reached =
          ts.reached.data() + static_cast<std::size_t>(tg.by_index) * kBlockSize;
      if (t == 0) std::fill_n(reached, n, std::uint8_t{0});
      std::uint64_t first = 0;
      for (std::size_t j = 0; j < n; ++j) {
        if (reached[j] & kReached) continue;
        if (tg.met(x[j])) {
          reached[j] |= kReached;
          ++first;
        } else if (!std::isfinite(x[j])) {
          reached[j] |= kSawNonfinite;
        }
      }
      acc.first_reach[k * static_cast<std::size_t>(cs.n_years) + static_cast<std::size_t>(t)] +=
          first;
      if (t == tg.t) {
        std::uint64_t hits = 0, bad = 0;
        for (const ReplicateSpan& sp : spans) {
          std::uint64_t h = 0;
          for (std::size_t j = sp.lo; j < sp.hi; ++j) {
            h += reached[j] & kReached;
            bad += reached[j] == kSawNonfinite ? 1 : 0;  // not reached, non-finite at some point
          }
          rep[sp.k] += h;
          hits += h;
        }
        acc.target_hits[k] += hits;
        acc.target_nonfinite[k] += bad;
        if (observe) {
          std::uint8_t* met = ts.met.data() + k * kBlockSize;
          for (std::size_t j = 0; j < n; ++j) met[j] = reached[j] & kReached;
        }
      }
    } else if (t == tg.t) {
      std::uint64_t hits = 0, bad = 0;
      std::uint8_t* met = ts.met.data() + k * kBlockSize;
      for (const ReplicateSpan& sp : spans) {
        std::uint64_t h = 0;
        for (std::size_t j = sp.lo; j < sp.hi; ++j) {
          const std::uint8_t m = tg.met(x[j]) ? 1 : 0;
          h += m;
          bad += std::isfinite(x[j]) ? 0 : 1;
          if (observe) met[j] = m;
        }
        rep[sp.k] += h;
        hits += h;
      }
      acc.target_hits[k] += hits;
      acc.target_nonfinite[k] += bad;
    }
  }
  for (std::size_t g = 0; g < cs.joint.size(); ++g) {
    const JointGroup& grp = cs.joint[g];
    if (grp.t != t) continue;
    std::fill_n(ts.all_met.begin(), n, std::uint8_t{1});
    for (int k : grp.targets) {
      const CompiledTarget& tg = cs.targets[static_cast<std::size_t>(k)];
      if (tg.by) {
        const std::uint8_t* reached =
            ts.reached.data() + static_cast<std::size_t>(tg.by_index) * kBlockSize;
        for (std::size_t j = 0; j < n; ++j) ts.all_met[j] &= reached[j] & kReached;
      } else {
        const double* x = ctx.values + static_cast<std::size_t>(tg.slot) * kBlockSize;
        for (std::size_t j = 0; j < n; ++j) ts.all_met[j] &= tg.met(x[j]) ? 1 : 0;
      }
    }
    std::uint64_t hits = 0;
    std::uint64_t* rep =
        acc.replicate_hits.data() + (cs.targets.size() + g) * RunState::kReplicateSlots;
    for (const ReplicateSpan& sp : spans) {
      std::uint64_t h = 0;
      for (std::size_t j = sp.lo; j < sp.hi; ++j) h += ts.all_met[j];
      rep[sp.k] += h;
      hits += h;
    }
    acc.joint_hits[g] += hits;
  }
  for (std::size_t w = 0; w < watch.size(); ++w) {
    if (watch[w].t != t) continue;
    std::copy_n(ctx.values + watch[w].slot * kBlockSize, n, ts.watched.begin() + w * kBlockSize);
  }
}

}  // namespace

std::shared_ptr<const CompiledScenario> compile(const Scenario& scenario,
                                                const Registry& registry) {
  (void)registry;  // processes were parsed through the registry at load time
  auto cs = std::make_shared<CompiledScenario>();
  cs->scenario = scenario;
  const Scenario& sc = cs->scenario;
  cs->n_years = sc.n_years();

  std::map<std::string, int> params, slots;
  std::vector<ParameterDef> pdefs;
  for (const auto& p : sc.parameters) {
    params[p.name] = static_cast<int>(pdefs.size());
    pdefs.push_back(ParameterDef{p.name, p.dist, p.loc});
  }
  std::vector<CorrelationDef> cdefs;
  for (const auto& c : sc.correlations) {
    cdefs.push_back(CorrelationDef{params.at(c.a), params.at(c.b), c.rho, c.loc});
  }
  cs->parameters = std::make_unique<ParameterSampler>(pdefs, cdefs);
  if (sc.simulation.sampler == "sobol" && pdefs.size() > kSobolMaxDimension) {
    throw ScenarioError(sc.simulation.loc, "sampler 'sobol' takes at most " +
                                               std::to_string(kSobolMaxDimension) +
                                               " parameters (this scenario has " +
                                               std::to_string(pdefs.size()) + "; use lhs or mc)");
  }
  // lhs and sobol: independent designs over the job's replicates, so fill() knows the total
  // (docs/samplers.md).
  cs->uniforms =
      make_run_sampler(sc.simulation.sampler, sc.simulation.seed, pdefs.size(), sc.simulation.runs);
  if (!cs->uniforms) {
    throw ScenarioError(sc.simulation.loc, "sampler '" + sc.simulation.sampler +
                                               "' is not known (use mc, lhs or sobol)");
  }

  std::vector<std::vector<int>> outputs(sc.indicators.size());
  for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
    const auto& ind = sc.indicators[i];
    for (const auto& out : ind.outputs) {
      const int s = static_cast<int>(cs->slot_names.size());
      slots[out] = s;
      outputs[i].push_back(s);
      cs->slot_names.push_back(out);
      cs->slot_units.push_back(ind.unit);
      cs->slot_titles.push_back(ind.title);
    }
  }
  check_stream_keys(sc);
  Context ctx(sc, params, slots);
  for (int i : dependency_order(sc)) {
    const auto& ind = sc.indicators[static_cast<std::size_t>(i)];
    ctx.set_indicator(ind, outputs[static_cast<std::size_t>(i)]);
    cs->processes.push_back(ind.spec->compile(ctx));
  }

  std::map<int, JointGroup> groups;
  for (std::size_t k = 0; k < sc.targets.size(); ++k) {
    const auto& t = sc.targets[k];
    CompiledTarget ct;
    ct.slot = slots.at(t.indicator);
    ct.t = t.year - sc.base_year;
    ct.at_least = t.op == TargetOp::at_least;
    ct.value = t.value;
    ct.by = t.by;
    if (t.by) ct.by_index = cs->n_by++;
    cs->targets.push_back(ct);
    groups[ct.t].t = ct.t;
    groups[ct.t].targets.push_back(static_cast<int>(k));
  }
  for (auto& [t, g] : groups) cs->joint.push_back(g);
  return cs;
}

const Scenario& scenario_of(const CompiledScenario& compiled) {
  return compiled.scenario;
}

const ParameterSampler& parameters_of(const CompiledScenario& compiled) {
  return *compiled.parameters;
}

std::uint64_t worker_bytes(const CompiledScenario& cs) {
  std::uint64_t bytes = 0;
  for (const auto& p : cs.processes) bytes += p->worker_bytes(kBlockSize);
  return bytes;
}

std::uint64_t block_count(const CompiledScenario& cs) {
  const std::uint64_t runs = cs.scenario.simulation.runs;
  return runs / kBlockSize + (runs % kBlockSize != 0 ? 1 : 0);
}

BlockRange part_of(std::uint64_t n_blocks, std::uint64_t k, std::uint64_t n) {
  if (n == 0 || k == 0 || k > n) throw std::invalid_argument("part k of n needs 1 <= k <= n");
  // 128-bit products: n_blocks · k overflows 64 bits for very large jobs split finely.
  __extension__ typedef unsigned __int128 u128;
  auto at = [&](std::uint64_t i) {
    return static_cast<std::uint64_t>(static_cast<u128>(n_blocks) * i / n);
  };
  return BlockRange{at(k - 1), at(k)};
}

namespace {

std::vector<WatchIndex> resolve_watch(const CompiledScenario& cs,
                                      const std::vector<WatchCell>& cells) {
  const Scenario& sc = cs.scenario;
  std::vector<WatchIndex> watch;
  for (const WatchCell& cell : cells) {
    auto it = std::find(cs.slot_names.begin(), cs.slot_names.end(), cell.indicator);
    if (it == cs.slot_names.end()) {
      throw ScenarioError(SourceLoc{sc.file, 0, 0}, "unknown indicator '" + cell.indicator +
                                                        "' (not in scenario '" + sc.name + "')");
    }
    if (cell.year < sc.base_year || cell.year > sc.horizon) {
      throw ScenarioError(SourceLoc{sc.file, 0, 0},
                          "year " + std::to_string(cell.year) + " is outside " +
                              std::to_string(sc.base_year) + ".." + std::to_string(sc.horizon));
    }
    watch.push_back(
        WatchIndex{static_cast<std::size_t>(it - cs.slot_names.begin()), cell.year - sc.base_year});
  }
  return watch;
}

const UniformSampler& uniforms_for(const CompiledScenario& cs, const RunOptions& options) {
  return options.uniforms != nullptr ? *options.uniforms : *cs.uniforms;
}

}  // namespace

RunState make_state(const CompiledScenario& cs, const RunOptions& options) {
  const std::size_t years = static_cast<std::size_t>(cs.n_years);
  RunState state(cs.n_slots(), cs.n_years, cs.targets.size(), cs.joint.size());
  // Shift for the sums: run 0's values (exactly 0 deviation for constant cells, and
  // sums of small deviations lose no precision to large levels).
  ThreadState pilot(cs);
  simulate_block(cs, uniforms_for(cs, options), pilot, 0, 1, [&](int t, const BlockCtx& ctx) {
    for (std::size_t s = 0; s < cs.n_slots(); ++s) {
      const double v = ctx.values[s * kBlockSize];
      state.shift[s * years + static_cast<std::size_t>(t)] = std::isfinite(v) ? v : 0.0;
    }
  });
  return state;
}

void simulate(const CompiledScenario& cs, std::uint64_t first_block, std::uint64_t last_block,
              RunState& state, const RunOptions& options) {
  const std::uint64_t runs = cs.scenario.simulation.runs;
  if (first_block > last_block || last_block > block_count(cs)) {
    throw std::invalid_argument("block range outside the job");
  }
  if (state.slots != cs.n_slots() || state.years != cs.n_years ||
      state.target_hits.size() != cs.targets.size() || state.joint_hits.size() != cs.joint.size()) {
    throw std::invalid_argument("run state does not fit the scenario");
  }
  const std::uint64_t range_runs =
      std::min<std::uint64_t>(runs, last_block * kBlockSize) - first_block * kBlockSize;
  const UniformSampler& uniforms = uniforms_for(cs, options);
  const bool observe = options.observer != nullptr;
  const std::vector<WatchIndex> watch = resolve_watch(cs, options.watch);
  const std::vector<double>& shift = state.shift;

  tbb::enumerable_thread_specific<ThreadState> states([&] {
    ThreadState ts(cs, watch.size());
    ts.acc.shift = shift;
    return ts;
  });
  std::atomic<std::uint64_t> done{0};
  std::mutex progress_mutex;
  auto last_report = std::chrono::steady_clock::now();
  auto body = [&](const tbb::blocked_range<std::uint64_t>& range) {
    ThreadState& ts = states.local();
    for (std::uint64_t b = range.begin(); b != range.end(); ++b) {
      if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) return;
      const std::uint64_t first = b * kBlockSize;
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(kBlockSize, runs - first));
      const bool finished = simulate_block(
          cs, uniforms, ts, first, n,
          [&](int, const BlockCtx& ctx) { record_year(cs, ts, shift, ctx, observe, watch); },
          options.cancel);
      if (!finished) return;  // interrupted: the results are dropped (Interrupted below)
      ts.acc.runs += n;
      if (observe) {
        BlockView view;
        view.first_run = first;
        view.n = n;
        view.stride = kBlockSize;
        view.params = ts.params.data();
        view.met = ts.met.data();
        view.watched = ts.watched.data();
        options.observer->on_block(view);
      }
      const std::uint64_t now_done = done.fetch_add(n) + n;
      if (options.progress && progress_mutex.try_lock()) {
        std::lock_guard<std::mutex> lock(progress_mutex, std::adopt_lock);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_report > std::chrono::milliseconds(100)) {
          last_report = now;
          options.progress(now_done, range_runs);
        }
      }
    }
  };
  const int threads = options.threads > 0 ? options.threads : tbb::task_arena::automatic;
  // oneTBB caps workers at the core count unless told otherwise: --threads 8 on two cores
  // must really run 8 threads (the determinism tests rely on it).
  std::optional<tbb::global_control> allow;
  if (options.threads > 0) {
    allow.emplace(tbb::global_control::max_allowed_parallelism,
                  static_cast<std::size_t>(options.threads));
  }
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(first_block, last_block, 1), body,
                      tbb::simple_partitioner());
  });
  if (options.cancel != nullptr && options.cancel->load()) throw Interrupted();
  if (options.progress) options.progress(range_runs, range_runs);
  for (const ThreadState& ts : states) state.merge(ts.acc);
}

namespace {

/// Forwards blocks to the real observer and keeps a copy of each (packed: params, met,
/// watched rows of n entries) to send to the other ranks.
class BlockRecorder final : public RunObserver {
 public:
  BlockRecorder(RunObserver* inner, std::uint64_t first_block, std::uint64_t n_blocks,
                std::size_t n_params, std::size_t n_targets, std::size_t n_watch)
      : inner_(inner),
        first_block_(first_block),
        blocks_(n_blocks),
        n_params_(n_params),
        n_targets_(n_targets),
        n_watch_(n_watch) {}

  void on_block(const BlockView& b) override {
    inner_->on_block(b);
    std::string& out = blocks_[b.first_run / kBlockSize - first_block_];
    const std::uint64_t head[2] = {b.first_run, b.n};
    out.append(reinterpret_cast<const char*>(head), sizeof head);
    for (std::size_t p = 0; p < n_params_; ++p) {
      out.append(reinterpret_cast<const char*>(b.params + p * b.stride), b.n * sizeof(double));
    }
    for (std::size_t k = 0; k < n_targets_; ++k) {
      out.append(reinterpret_cast<const char*>(b.met + k * b.stride), b.n);
    }
    for (std::size_t w = 0; w < n_watch_; ++w) {
      out.append(reinterpret_cast<const char*>(b.watched + w * b.stride), b.n * sizeof(double));
    }
  }

  std::string bytes() const {
    std::string all;
    for (const std::string& s : blocks_) all += s;
    return all;
  }

  /// Calls the real observer on every block packed in `bytes` (another rank's).
  void replay(const std::string& bytes) const {
    std::vector<double> params, watched;
    std::vector<std::uint8_t> met;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
      std::uint64_t head[2];
      std::memcpy(head, bytes.data() + pos, sizeof head);
      pos += sizeof head;
      const std::size_t n = static_cast<std::size_t>(head[1]);
      params.resize(std::max<std::size_t>(n_params_, 1) * n);
      met.resize(std::max<std::size_t>(n_targets_, 1) * n);
      watched.resize(std::max<std::size_t>(n_watch_, 1) * n);
      std::memcpy(params.data(), bytes.data() + pos, n_params_ * n * sizeof(double));
      pos += n_params_ * n * sizeof(double);
      std::memcpy(met.data(), bytes.data() + pos, n_targets_ * n);
      pos += n_targets_ * n;
      std::memcpy(watched.data(), bytes.data() + pos, n_watch_ * n * sizeof(double));
      pos += n_watch_ * n * sizeof(double);
      BlockView v;
      v.first_run = head[0];
      v.n = n;
      v.stride = n;
      v.params = params.data();
      v.met = met.data();
      v.watched = watched.data();
      inner_->on_block(v);
    }
  }

 private:
  RunObserver* inner_;
  std::uint64_t first_block_;
  std::vector<std::string> blocks_;
  std::size_t n_params_, n_targets_, n_watch_;
};

}  // namespace

void simulate_distributed(const CompiledScenario& cs, std::uint64_t first_block,
                          std::uint64_t last_block, RunState& state, const RunOptions& options) {
  const Distributor* d = distributor();
  if (d == nullptr || d->size() <= 1) {
    simulate(cs, first_block, last_block, state, options);
    return;
  }
  if (first_block > last_block) throw std::invalid_argument("block range outside the job");
  const BlockRange share =
      part_of(last_block - first_block, static_cast<std::uint64_t>(d->rank()) + 1,
              static_cast<std::uint64_t>(d->size()));
  const std::uint64_t b0 = first_block + share.first, b1 = first_block + share.last;
  RunOptions local = options;
  const std::uint64_t runs = cs.scenario.simulation.runs;
  auto runs_in = [&](std::uint64_t a, std::uint64_t b) {
    return std::min(runs, b * kBlockSize) - std::min(runs, a * kBlockSize);
  };
  const std::uint64_t range_runs = runs_in(first_block, last_block);
  const std::uint64_t my_runs = runs_in(b0, b1);
  if (options.progress) {
    local.progress = [&](std::uint64_t done, std::uint64_t) {
      __extension__ typedef unsigned __int128 u128;
      const std::uint64_t scaled =
          my_runs == 0 ? range_runs
                       : static_cast<std::uint64_t>(static_cast<u128>(done) * range_runs / my_runs);
      options.progress(scaled, range_runs);
    };
  }
  std::optional<BlockRecorder> recorder;
  if (options.observer != nullptr) {
    recorder.emplace(options.observer, b0, b1 - b0, cs.n_params(), cs.targets.size(),
                     options.watch.size());
    local.observer = &*recorder;
  }
  RunState part(cs.n_slots(), cs.n_years, cs.targets.size(), cs.joint.size());
  part.shift = state.shift;
  simulate(cs, b0, b1, part, local);
  d->all_merge(part);
  state.merge(part);
  if (recorder) {
    const std::vector<std::string> all = d->all_gather(recorder->bytes());
    for (std::size_t r = 0; r < all.size(); ++r) {
      if (static_cast<int>(r) != d->rank()) recorder->replay(all[r]);
    }
  }
}

Results summarise(const CompiledScenario& cs, const RunState& total) {
  const Scenario& sc = cs.scenario;
  const std::uint64_t runs = sc.simulation.runs;
  const std::size_t years = static_cast<std::size_t>(cs.n_years);
  if (total.slots != cs.n_slots() || total.years != cs.n_years ||
      total.target_hits.size() != cs.targets.size() || total.joint_hits.size() != cs.joint.size()) {
    throw std::invalid_argument("run state does not fit the scenario");
  }
  if (total.runs != runs) {
    throw std::invalid_argument("run state holds " + std::to_string(total.runs) +
                                " runs; the job has " + std::to_string(runs));
  }
  const std::vector<double>& shift = total.shift;

  Results r;
  r.plancast_version = PLANCAST_VERSION;
  r.scenario = sc.name;
  r.title = sc.title;
  if (!sc.variant.empty()) r.variant = sc.variant;
  r.scenario_sha256 = sc.sha256;
  r.runs = runs;
  r.seed = sc.simulation.seed;
  r.sampler = sc.simulation.sampler;
  for (int t = 0; t < cs.n_years; ++t) r.years.push_back(sc.base_year + t);
  r.report_years = sc.report_years;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t s = 0; s < cs.n_slots(); ++s) {
    IndicatorResult ir;
    ir.name = cs.slot_names[s];
    ir.unit = cs.slot_units[s];
    ir.title = cs.slot_titles[s];
    for (std::size_t t = 0; t < years; ++t) {
      const std::size_t c = s * years + t;
      const std::uint64_t n = total.finite[c];
      ir.nonfinite.push_back(total.nonfinite[c]);
      ir.floored.push_back(total.floored[c]);
      if (n == 0) {
        ir.mean.push_back(nan);
        ir.sd.push_back(nan);
        ir.min.push_back(nan);
        ir.max.push_back(nan);
        for (auto& q : ir.quantiles) q.push_back(nan);
        for (auto& q : ir.quantiles_ci95) q.push_back({nan, nan});
        continue;
      }
      const double dn = static_cast<double>(n);
      const double sum = total.sum[c].value();
      const double sumsq = total.sumsq[c].value();
      if (std::isfinite(sum)) {
        ir.mean.push_back(shift[c] + sum / dn);
      } else {
        // Every value is finite but their total is beyond the double range (values near
        // 1e308): the exact sum scaled by 2^-64 divided by n, and scaled back. The mean of
        // finite values lies in [min, max].
        const double scaled = std::ldexp(shift[c], -64) + total.sum[c].value_scaled(-64) / dn;
        ir.mean.push_back(std::clamp(std::ldexp(scaled, 64), total.min[c], total.max[c]));
      }
      // sum² / n, without overflowing when sum² alone would.
      double ss = sum * sum / dn;
      if (!std::isfinite(ss)) ss = sum * (sum / dn);
      const double var = n > 1 ? (sumsq - ss) / (dn - 1) : 0.0;
      // Squared deviations beyond the double range (|x - run 0's value| > 1.3e154) leave
      // the sd unknown: null, never a false 0.
      ir.sd.push_back(std::isfinite(var) ? std::sqrt(std::max(0.0, var))
                                         : std::numeric_limits<double>::quiet_NaN());
      ir.min.push_back(total.min[c]);
      ir.max.push_back(total.max[c]);
      for (std::size_t q = 0; q < kQuantileLevels.size(); ++q) {
        // Clamping to [min, max] keeps the bound and makes constant cells exact.
        ir.quantiles[q].push_back(
            std::clamp(total.sketch[c].quantile(kQuantileLevels[q]), total.min[c], total.max[c]));
        const auto [lo, hi] = QuantileSketch::ci95_ranks(kQuantileLevels[q], n);
        ir.quantiles_ci95[q].push_back(
            {std::clamp(total.sketch[c].order_statistic(lo), total.min[c], total.max[c]),
             std::clamp(total.sketch[c].order_statistic(hi), total.min[c], total.max[c])});
      }
    }
    r.indicators.push_back(std::move(ir));
  }
  // mc: the binomial standard error and the Wilson interval; lhs and sobol: the spread of
  // the replicates of the design and a t interval (docs/samplers.md).
  const bool replicated = sc.simulation.sampler == "lhs" || sc.simulation.sampler == "sobol";
  auto proportion = [&](std::uint64_t hits, std::size_t i) {
    return replicated ? make_replicate_proportion(
                            hits, runs, total.replicate_hits.data() + i * RunState::kReplicateSlots)
                      : make_proportion(hits, runs);
  };
  for (std::size_t k = 0; k < cs.targets.size(); ++k) {
    const TargetSpec& ts = sc.targets[k];
    TargetResult tr;
    tr.id = ts.id;
    tr.indicator = ts.indicator;
    tr.year = ts.year;
    tr.op = ts.op == TargetOp::at_least ? ">=" : "<=";
    tr.value = ts.value;
    tr.by = ts.by;
    tr.p = proportion(total.target_hits[k], k);
    tr.nonfinite = total.target_nonfinite[k];
    if (ts.by) {
      for (std::size_t t = 0; t < years; ++t) {
        tr.first_reach.push_back(static_cast<double>(total.first_reach[k * years + t]) /
                                 static_cast<double>(runs));
      }
    }
    r.targets.push_back(std::move(tr));
  }
  for (std::size_t g = 0; g < cs.joint.size(); ++g) {
    JointResult jr;
    jr.year = sc.base_year + cs.joint[g].t;
    for (int k : cs.joint[g].targets)
      jr.targets.push_back(sc.targets[static_cast<std::size_t>(k)].id);
    jr.p = proportion(total.joint_hits[g], cs.targets.size() + g);
    r.joint.push_back(std::move(jr));
  }
  return r;
}

Results run(const CompiledScenario& cs, const RunOptions& options) {
  RunState state = make_state(cs, options);
  simulate_distributed(cs, 0, block_count(cs), state, options);
  return summarise(cs, state);
}

Results run(const Scenario& scenario, const Registry& registry, const RunOptions& options) {
  return run(*compile(scenario, registry), options);
}

}  // namespace plancast
