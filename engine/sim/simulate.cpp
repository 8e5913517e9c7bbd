// The simulation loop: blocks of kBlockSize runs spread over threads by oneTBB, each
// thread's workers and buffers built once per Simulator and reused by every call, each
// thread's statistics merged exactly at the end (so results do not depend on threads).
#include "engine/sim/simulator.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "engine/core/error.h"
#include "engine/random/shared_normals.h"
#include "engine/random/shared_words.h"
#include "engine/sim/accumulate.h"
#include "engine/sim/compile_reuse.h"

namespace plancast {

using sim_detail::record_year;
using sim_detail::resolve_watch;
using sim_detail::ThreadState;
using sim_detail::WatchIndex;

namespace {

/// One year (ctx.t) of a scenario with a later vintage: each process before its first year
/// leaves NaN in its slots (absent), is initialised in it and steps after it, seeing its own
/// year index (0 = its base year; compile() built it against the same view). False once
/// `stop` says so.
template <class Stop>
bool vintage_year(const CompiledScenario& cs, ThreadState& ts, BlockCtx& ctx, const Stop& stop) {
  const int t = ctx.t;
  for (std::size_t i = 0; i < ts.workers.size(); ++i) {
    const int first_t = cs.process_first_t[i];
    if (t < first_t) {
      for (int s : cs.process_slots[i]) {
        std::fill_n(ctx.slot(s), ctx.n, std::numeric_limits<double>::quiet_NaN());
      }
      continue;
    }
    ctx.t = t - first_t;
    if (ctx.t == 0) {
      ts.workers[i]->init(ctx);
    } else {
      if (stop()) return false;
      ts.workers[i]->step(ctx);
    }
    ctx.t = t;
  }
  return true;
}

/// One block of runs [first, first + n) of one scenario, simulated a year at a time:
/// year(0), year(1), ... (so that several scenarios can step the same block in lockstep).
class BlockRun {
 public:
  /// params_from: another scenario's parameter values of this block, the same draws
  /// (same_parameter_draws), copied instead of drawn; nullptr: drawn.
  BlockRun(const CompiledScenario& cs, const UniformSampler& uniforms, ThreadState& ts,
           std::uint64_t first, std::size_t n, SharedNormals* normals = nullptr,
           const double* params_from = nullptr)
      : cs_(cs), ts_(ts) {
    ctx_.seed = cs.scenario.simulation.seed;
    ctx_.first_run = first;
    ctx_.n = n;
    ctx_.stride = kBlockSize;
    ctx_.params = ts.params.data();
    ctx_.values = ts.values.data();
    ctx_.prev = ts.prev.data();
    ctx_.counters = &ts.counters;
    ctx_.events = ts.events.data();
    ctx_.normals = normals;
    if (cs.n_params() > 0 && params_from != nullptr) {
      std::copy_n(params_from, cs.n_params() * kBlockSize, ts.params.data());
    } else if (cs.n_params() > 0) {
      uniforms.fill(first, n, kBlockSize, ts.params.data());
      cs.parameters->transform(n, kBlockSize, ts.params.data());
    }
  }
  const BlockCtx& ctx() const { return ctx_; }

  /// Process i copies its outputs from `from`'s (an earlier scenario's block in the same
  /// year: a ProcessTwin) in the years before `years`, instead of stepping.
  void copy(const ProcessTwin& twin, const ThreadState& from, int years) {
    if (copies_.empty()) copies_.resize(ts_.workers.size());
    copies_[twin.process] = Copy{&twin, &from, years};
  }

  /// Simulates year t (after t - 1). False, the block left unfinished, once `stop` says so:
  /// it is checked before each process's year (a relaxed load), so an interrupt waits for one
  /// process-year of one block (at most about 0.1 s: a firm population at its cap of 100,000
  /// firms), not a whole block.
  template <class Stop>
  bool year(int t, const Stop& stop) {
    ctx_.t = t;
    ctx_.year = cs_.scenario.base_year + t;
    if (t > 0) {
      std::swap(ts_.values, ts_.prev);
      ctx_.values = ts_.values.data();
      ctx_.prev = ts_.prev.data();
      if (!cs_.events.empty()) {
        cs_.events.step(ctx_, ts_.events.data(),
                        ts_.counters.counts.data() + cs_.first_event_counter);
      }
    }
    if (cs_.any_vintage) return vintage_year(cs_, ts_, ctx_, stop);
    if (t == 0) {
      for (auto& w : ts_.workers) w->init(ctx_);
      return true;
    }
    for (std::size_t i = 0; i < ts_.workers.size(); ++i) {
      if (stop()) return false;
      if (!copies_.empty() && t < copies_[i].years) {
        const Copy& c = copies_[i];
        for (const auto& [from, to] : c.twin->slots) {
          std::copy_n(c.from->values.data() + static_cast<std::size_t>(from) * kBlockSize, ctx_.n,
                      ctx_.slot(to));
        }
        continue;
      }
      ts_.workers[i]->step(ctx_);
    }
    return true;
  }

 private:
  struct Copy {
    const ProcessTwin* twin = nullptr;
    const ThreadState* from = nullptr;
    int years = 0;  ///< 0: stepped
  };
  const CompiledScenario& cs_;
  ThreadState& ts_;
  BlockCtx ctx_;
  std::vector<Copy> copies_;  ///< per process; empty: every process steps
};

/// Whether `cancel` is set (nullptr: never).
struct StopFlag {
  const std::atomic<bool>* cancel = nullptr;
  bool operator()() const { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }
};

/// Simulates runs [first, first + n) and calls record(t, ctx) after each year. Returns
/// false, the block left unfinished, once `cancel` is set (BlockRun::year).
template <class Record>
bool simulate_block(const CompiledScenario& cs, const UniformSampler& uniforms, ThreadState& ts,
                    std::uint64_t first, std::size_t n, Record&& record,
                    const std::atomic<bool>* cancel = nullptr) {
  BlockRun block(cs, uniforms, ts, first, n);
  const StopFlag stop{cancel};
  for (int t = 0; t < cs.n_years; ++t) {
    if (!block.year(t, stop)) return false;
    record(t, block.ctx());
  }
  return true;
}

const UniformSampler& uniforms_for(const CompiledScenario& cs, const RunOptions& options) {
  return options.uniforms != nullptr ? *options.uniforms : *cs.uniforms;
}

}  // namespace

struct Simulator::Pool {
  explicit Pool(const CompiledScenario& cs) : states([p = &cs] { return ThreadState(*p); }) {}
  tbb::enumerable_thread_specific<ThreadState> states;
};

Simulator::Simulator(std::shared_ptr<const CompiledScenario> compiled)
    : owned_(std::move(compiled)), cs_(owned_.get()), pool_(std::make_unique<Pool>(*cs_)) {}

Simulator::Simulator(const CompiledScenario& compiled)
    : cs_(&compiled), pool_(std::make_unique<Pool>(compiled)) {}

Simulator::~Simulator() = default;

std::size_t Simulator::worker_sets() const {
  return pool_->states.size();
}

RunState Simulator::make_state(const RunOptions& options) {
  const CompiledScenario& cs = *cs_;
  const std::size_t years = static_cast<std::size_t>(cs.n_years);
  RunState state(cs.n_slots(), cs.n_years, cs.targets.size(), cs.joint.size(), cs.counter_shapes);
  // Shift for the sums: run 0's values (exactly 0 deviation for constant cells, and
  // sums of small deviations lose no precision to large levels).
  ThreadState& pilot = pool_->states.local();
  simulate_block(cs, uniforms_for(cs, options), pilot, 0, 1, [&](int t, const BlockCtx& ctx) {
    for (std::size_t s = 0; s < cs.n_slots(); ++s) {
      const double v = ctx.values[s * kBlockSize];
      state.shift[s * years + static_cast<std::size_t>(t)] = std::isfinite(v) ? v : 0.0;
    }
  });
  pilot.reset_counters(cs);  // the pilot's diagnostics are not the job's
  return state;
}

/// One simulate() call of one simulator: its threads' states, emptied on their first block
/// of the call, and what a finished block adds to them.
struct Simulator::Call {
  Call(Simulator& sim, std::uint64_t first_block, std::uint64_t last_block, RunState& into,
       const RunOptions& opts)
      : cs(*sim.cs_),
        pool(*sim.pool_),
        state(into),
        options(opts),
        uniforms(uniforms_for(cs, opts)),
        observe(opts.observer != nullptr),
        watch(resolve_watch(cs, opts.watch)),
        id(++sim.calls_) {
    const std::uint64_t runs = cs.scenario.simulation.runs;
    if (first_block > last_block || last_block > block_count(cs)) {
      throw std::invalid_argument("block range outside the job");
    }
    if (state.slots != cs.n_slots() || state.years != cs.n_years ||
        state.target_hits.size() != cs.targets.size() ||
        state.joint_hits.size() != cs.joint.size()) {
      throw std::invalid_argument("run state does not fit the scenario");
    }
    range_runs = std::min<std::uint64_t>(runs, last_block * kBlockSize) - first_block * kBlockSize;
    blocks = last_block - first_block;
  }

  /// This thread's state, its accumulator emptied on its first block of this call.
  ThreadState& local() {
    ThreadState& ts = pool.states.local();
    if (ts.call != id) {
      ts.call = id;
      ts.acc =
          RunState(cs.n_slots(), cs.n_years, cs.targets.size(), cs.joint.size(), cs.counter_shapes);
      ts.acc.shift = state.shift;
      ts.queue.clear();
      // Each worker's share of the call's runs, as the memory estimate plans each thread's
      // stores: laid out for it from the first block (QuantileSketch::expect_values).
      const auto workers = std::min<std::uint64_t>(
          static_cast<std::uint64_t>(tbb::this_task_arena::max_concurrency()), blocks);
      for (QuantileSketch& sk : ts.acc.sketch) sk.expect_values(range_runs / workers);
      ts.watched.assign(watch.size() * kBlockSize, 0.0);
      ts.reset_counters(cs);
    }
    return ts;
  }

  /// Records year t of a block (after BlockRun::year(t)).
  void record(ThreadState& ts, const BlockCtx& ctx) {
    record_year(cs, ts, state.shift, ctx, observe, watch);
  }

  /// A block whose every year is simulated: its runs counted, shown to the observer.
  void block_done(ThreadState& ts, std::uint64_t first, std::size_t n) {
    ts.acc.runs += n;
    if (!observe) return;
    BlockView view;
    view.first_run = first;
    view.n = n;
    view.stride = kBlockSize;
    view.params = ts.params.data();
    view.met = ts.met.data();
    view.watched = ts.watched.data();
    options.observer->on_block(view);
  }

  /// Every thread's statistics merged into the state, exactly.
  void merge() {
    for (ThreadState& ts : pool.states) {
      if (ts.call != id) continue;
      ts.queue.flush(ts.acc.sketch);
      state.merge(std::move(ts.acc));
      ts.acc = RunState();  // the statistics are the caller's now
    }
  }

  const CompiledScenario& cs;
  Pool& pool;
  RunState& state;
  const RunOptions& options;
  const UniformSampler& uniforms;
  bool observe;
  std::vector<WatchIndex> watch;
  std::uint64_t id, range_runs = 0, blocks = 0;
};

namespace {

/// Runs of block b of a job of `runs` runs (the last block may be shorter).
std::size_t runs_in_block(std::uint64_t b, std::uint64_t runs) {
  return static_cast<std::size_t>(std::min<std::uint64_t>(kBlockSize, runs - b * kBlockSize));
}

/// Runs body(block) for every block of [first_block, last_block) over
/// options.threads threads (0: all), block by block; reports progress(runs done) now and
/// then, and throws Interrupted once options.cancel is set. body returns the runs it did, or
/// 0 where cancelled.
template <class Body>
void for_blocks(std::uint64_t first_block, std::uint64_t last_block, std::uint64_t total_runs,
                const RunOptions& options, Body&& body) {
  std::atomic<std::uint64_t> done{0};
  std::mutex progress_mutex;
  auto last_report = std::chrono::steady_clock::now();
  // Cancelled: the loop's task group stops spawning the remaining blocks at once, rather
  // than walking millions of empty block tasks (10^10 runs are 4·10^7 blocks).
  tbb::task_group_context group;
  auto each = [&](const tbb::blocked_range<std::uint64_t>& range) {
    for (std::uint64_t b = range.begin(); b != range.end(); ++b) {
      if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
        group.cancel_group_execution();
        return;
      }
      const std::uint64_t n = body(b);
      if (n == 0) {  // interrupted: the results are dropped (Interrupted below)
        group.cancel_group_execution();
        return;
      }
      const std::uint64_t now_done = done.fetch_add(n) + n;
      if (options.progress && progress_mutex.try_lock()) {
        std::lock_guard<std::mutex> lock(progress_mutex, std::adopt_lock);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_report > std::chrono::milliseconds(100)) {
          last_report = now;
          options.progress(now_done, total_runs);
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
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(first_block, last_block, 1), each,
                      tbb::simple_partitioner(), group);
  });
  if (options.cancel != nullptr && options.cancel->load()) throw Interrupted();
  if (options.progress) options.progress(total_runs, total_runs);
}

}  // namespace

void Simulator::simulate(std::uint64_t first_block, std::uint64_t last_block, RunState& state,
                         const RunOptions& options) {
  Call call(*this, first_block, last_block, state, options);
  const std::uint64_t runs = cs_->scenario.simulation.runs;
  for_blocks(first_block, last_block, call.range_runs, options, [&](std::uint64_t b) {
    ThreadState& ts = call.local();
    const std::uint64_t first = b * kBlockSize;
    const std::size_t n = runs_in_block(b, runs);
    const bool finished = simulate_block(
        *cs_, call.uniforms, ts, first, n, [&](int, const BlockCtx& ctx) { call.record(ts, ctx); },
        options.cancel);
    if (!finished) return std::uint64_t{0};
    call.block_done(ts, first, n);
    return std::uint64_t{n};
  });
  call.merge();
}

void Simulator::simulate_together(const std::vector<Simulator*>& sims, std::uint64_t first_block,
                                  std::uint64_t last_block, const std::vector<RunState*>& states,
                                  const std::vector<RunOptions>& options,
                                  const RunOptions& common) {
  if (sims.empty()) return;
  if (states.size() != sims.size() || options.size() != sims.size()) {
    throw std::invalid_argument("simulate_together: one state and one options per scenario");
  }
  const std::uint64_t runs = sims.front()->cs_->scenario.simulation.runs;
  std::vector<std::unique_ptr<Call>> calls;
  int years = 0;
  for (std::size_t k = 0; k < sims.size(); ++k) {
    if (sims[k]->cs_->scenario.simulation.runs != runs) {
      throw std::invalid_argument("simulate_together: the scenarios differ in runs");
    }
    calls.push_back(
        std::make_unique<Call>(*sims[k], first_block, last_block, *states[k], options[k]));
    years = std::max(years, sims[k]->cs_->n_years);
  }
  // Each scenario's parameter values from the first earlier one that draws the same
  // (compare's variants that leave the parameters alone): copied, not drawn again. The
  // first such one draws its own (an earlier match of it would have matched first).
  std::vector<std::size_t> params_of(calls.size());
  for (std::size_t k = 0; k < calls.size(); ++k) {
    params_of[k] = k;
    for (std::size_t m = 0; m < k; ++m) {
      if (options[k].uniforms == nullptr && options[m].uniforms == nullptr &&
          same_parameter_draws(calls[k]->cs, calls[m]->cs)) {
        params_of[k] = m;
        break;
      }
    }
  }
  // Processes that give an earlier scenario's outputs (ProcessTwin): copied, not stepped.
  std::vector<const CompiledScenario*> compiled;
  for (const auto& c : calls) compiled.push_back(&c->cs);
  const std::vector<std::vector<ProcessTwin>> twins = process_twins(compiled, params_of);
  tbb::enumerable_thread_specific<SharedNormals> normals;
  tbb::enumerable_thread_specific<SharedWords> words;
  const StopFlag stop{common.cancel};
  const std::uint64_t total = calls.front()->range_runs * calls.size();
  for_blocks(first_block, last_block, total, common, [&](std::uint64_t b) {
    const std::uint64_t first = b * kBlockSize;
    const std::size_t n = runs_in_block(b, runs);
    SharedNormals& shared = normals.local();
    // The Philox words of the block's runs (parameters, counts, rates, events) that every
    // scenario draws alike: kept for a block-year, from the block's start.
    SharedWords& block_words = words.local();
    block_words.clear();
    const SharedWords::Use use(block_words);
    std::vector<ThreadState*> ts;
    std::vector<BlockRun> blocks;
    blocks.reserve(calls.size());
    for (std::size_t k = 0; k < calls.size(); ++k) {
      ts.push_back(&calls[k]->local());
      const std::size_t m = params_of[k];
      blocks.emplace_back(calls[k]->cs, calls[k]->uniforms, *ts.back(), first, n, &shared,
                          m == k ? nullptr : ts[m]->params.data());
      for (const ProcessTwin& twin : twins[k]) {
        blocks.back().copy(twin, *ts[twin.from], calls[twin.from]->cs.n_years);
      }
    }
    for (int t = 0; t < years; ++t) {
      if (t > 0) block_words.clear();
      for (std::size_t k = 0; k < calls.size(); ++k) {
        if (t >= calls[k]->cs.n_years) continue;
        if (!blocks[k].year(t, stop)) return std::uint64_t{0};
        calls[k]->record(*ts[k], blocks[k].ctx());
      }
    }
    for (std::size_t k = 0; k < calls.size(); ++k) calls[k]->block_done(*ts[k], first, n);
    return std::uint64_t{n * calls.size()};
  });
  for (auto& c : calls) c->merge();
}

RunState make_state(const CompiledScenario& compiled, const RunOptions& options) {
  return Simulator(compiled).make_state(options);
}

void simulate(const CompiledScenario& compiled, std::uint64_t first_block, std::uint64_t last_block,
              RunState& state, const RunOptions& options) {
  Simulator(compiled).simulate(first_block, last_block, state, options);
}

}  // namespace plancast
