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
#include "engine/sim/accumulate.h"

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
  ctx.events = ts.events.data();
  if (cs.n_params() > 0) {
    uniforms.fill(first, n, kBlockSize, ts.params.data());
    cs.parameters->transform(n, kBlockSize, ts.params.data());
  }
  for (int t = 0; t < cs.n_years; ++t) {
    ctx.t = t;
    ctx.year = cs.scenario.base_year + t;
    if (t > 0) {
      std::swap(ts.values, ts.prev);
      ctx.values = ts.values.data();
      ctx.prev = ts.prev.data();
      if (!cs.events.empty()) {
        cs.events.step(ctx, ts.events.data(), ts.counters.counts.data() + cs.first_event_counter);
      }
    }
    if (cs.any_vintage) {
      if (!vintage_year(cs, ts, ctx, stop)) return false;
    } else if (t == 0) {
      for (auto& w : ts.workers) w->init(ctx);
    } else {
      for (auto& w : ts.workers) {
        if (stop()) return false;
        w->step(ctx);
      }
    }
    record(t, ctx);
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

void Simulator::simulate(std::uint64_t first_block, std::uint64_t last_block, RunState& state,
                         const RunOptions& options) {
  const CompiledScenario& cs = *cs_;
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
  const std::uint64_t call = ++calls_;
  // This thread's state, its accumulator emptied on its first block of this call.
  auto local = [&]() -> ThreadState& {
    ThreadState& ts = pool_->states.local();
    if (ts.call != call) {
      ts.call = call;
      ts.acc =
          RunState(cs.n_slots(), cs.n_years, cs.targets.size(), cs.joint.size(), cs.counter_shapes);
      ts.acc.shift = shift;
      ts.queue.clear();
      // Each worker's share of the call's runs, as the memory estimate plans each thread's
      // stores: laid out for it from the first block (QuantileSketch::expect_values).
      const auto workers = std::min<std::uint64_t>(
          static_cast<std::uint64_t>(tbb::this_task_arena::max_concurrency()),
          last_block - first_block);
      for (QuantileSketch& sk : ts.acc.sketch) sk.expect_values(range_runs / workers);
      ts.watched.assign(watch.size() * kBlockSize, 0.0);
      ts.reset_counters(cs);
    }
    return ts;
  };
  std::atomic<std::uint64_t> done{0};
  std::mutex progress_mutex;
  auto last_report = std::chrono::steady_clock::now();
  // Cancelled: the loop's task group stops spawning the remaining blocks at once, rather
  // than walking millions of empty block tasks (10^10 runs are 4·10^7 blocks).
  tbb::task_group_context group;
  auto body = [&](const tbb::blocked_range<std::uint64_t>& range) {
    ThreadState& ts = local();
    for (std::uint64_t b = range.begin(); b != range.end(); ++b) {
      if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
        group.cancel_group_execution();
        return;
      }
      const std::uint64_t first = b * kBlockSize;
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(kBlockSize, runs - first));
      const bool finished = simulate_block(
          cs, uniforms, ts, first, n,
          [&](int, const BlockCtx& ctx) { record_year(cs, ts, shift, ctx, observe, watch); },
          options.cancel);
      if (!finished) {  // interrupted: the results are dropped (Interrupted below)
        group.cancel_group_execution();
        return;
      }
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
                      tbb::simple_partitioner(), group);
  });
  if (options.cancel != nullptr && options.cancel->load()) throw Interrupted();
  if (options.progress) options.progress(range_runs, range_runs);
  for (ThreadState& ts : pool_->states) {
    if (ts.call != call) continue;
    ts.queue.flush(ts.acc.sketch);
    state.merge(std::move(ts.acc));
    ts.acc = RunState();  // the statistics are the caller's now
  }
}

RunState make_state(const CompiledScenario& compiled, const RunOptions& options) {
  return Simulator(compiled).make_state(options);
}

void simulate(const CompiledScenario& compiled, std::uint64_t first_block, std::uint64_t last_block,
              RunState& state, const RunOptions& options) {
  Simulator(compiled).simulate(first_block, last_block, state, options);
}

}  // namespace plancast
