// Micro-benchmarks of the hot path (Google Benchmark): stream draws, the normal transform,
// parameter sampling through the copula, the sketch insert, one growth step and one formula
// evaluation, each over one block of runs of the benchmark model bench/scenarios/growth12.yaml.
// Run: build-perf/bench/plancast_micro   (CI runs it at a tiny --benchmark_min_time).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/core/process.h"
#include "engine/random/normal_quantile.h"
#include "engine/random/parameter_sampler.h"
#include "engine/random/stream.h"
#include "engine/random/ziggurat.h"
#include "engine/sim/block.h"
#include "engine/sim/compile_context.h"
#include "engine/sim/runner.h"
#include "engine/sim/sketch.h"
#include "models/register_builtin.h"

#ifndef PLANCAST_BENCH_SCENARIO
#define PLANCAST_BENCH_SCENARIO "bench/scenarios/growth12.yaml"
#endif

namespace {

using namespace plancast;
constexpr std::size_t kN = kBlockSize;

const Scenario& model() {
  static const Scenario sc =
      load_scenario_file(PLANCAST_BENCH_SCENARIO, LoadOptions{}, builtin_registry());
  return sc;
}

std::unique_ptr<ParameterSampler> sampler(const Scenario& sc) {
  const sim_detail::ParameterDefs defs = sim_detail::parameter_defs(sc);
  return std::make_unique<ParameterSampler>(defs.parameters, defs.correlations);
}

/// Every indicator's slot, in file order (the benchmark model's indicators have one output,
/// their name).
std::map<std::string, int> slot_index(const Scenario& sc) {
  std::map<std::string, int> slots;
  for (const auto& ind : sc.indicators) slots[ind.name] = static_cast<int>(slots.size());
  return slots;
}

/// Counter places per indicator in Block's counts: enough for the benchmark's processes.
constexpr std::size_t kCountersPerSlot = 4;

/// One block's buffers with parameters drawn and every series at its base value.
struct Block {
  const Scenario& sc = model();
  std::vector<double> params, values, prev;
  BlockCounters counters;
  BlockCtx ctx;
  Block()
      : params(sc.parameters.size() * kN),
        values(sc.indicators.size() * kN, 100.0),
        prev(sc.indicators.size() * kN, 100.0) {
    make_mc_sampler(sc.simulation.seed, sc.parameters.size())->fill(0, kN, kN, params.data());
    sampler(sc)->transform(kN, kN, params.data());
    counters.counts.assign(sc.indicators.size() * kCountersPerSlot, 0);
    ctx.seed = sc.simulation.seed;
    ctx.n = kN;
    ctx.stride = kN;
    ctx.params = params.data();
    ctx.values = values.data();
    ctx.prev = prev.data();
    ctx.counters = &counters;
  }
};

void BM_StreamDraw(benchmark::State& state) {
  const Stream s(12345, stream_id_for("g0"));
  std::uint64_t run = 0;
  for (auto _ : state) {
    const Uniform4 u = s.uniforms(run++, 3, 0);
    benchmark::DoNotOptimize(u);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamDraw);

void BM_NormalTransform(benchmark::State& state) {
  // The growth noise's normals as plancast draws them: the ziggurat on raw Philox words
  // (words drawn outside the timed loop; rejected words ask for more, inside it).
  std::vector<Words4> w(kN);
  std::vector<double> z(4 * kN);
  const Stream s(12345, 7);
  for (std::size_t j = 0; j < kN; ++j) w[j] = s.words(j, 0, 0, 1);
  std::uint64_t extra = 0;
  auto more = [&] { return s.words(extra++, 9, 9, 2).w[0]; };
  for (auto _ : state) {
    for (std::size_t j = 0; j < kN; ++j) {
      for (std::size_t l = 0; l < 4; ++l) z[4 * j + l] = ziggurat_normal(w[j].w[l], more);
    }
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(4 * kN));
}
BENCHMARK(BM_NormalTransform);

/// Times `z[j] = f(u, j)` over one block of uniforms drawn from stream `key`.
template <class F>
void per_uniform(benchmark::State& state, StreamKey key, F f) {
  std::vector<double> u(kN), z(kN);
  const Stream s(12345, key);
  for (std::size_t j = 0; j < kN; ++j) u[j] = s.uniforms(j, 0, 0).u[0];
  for (auto _ : state) {
    for (std::size_t j = 0; j < kN; ++j) z[j] = f(u, j);
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kN));
}

void BM_BoxMuller(benchmark::State& state) {
  // The transform plancast used before the ziggurat, for comparison.
  per_uniform(state, 7, [](const std::vector<double>& u, std::size_t j) {
    return normal_from(u[j], u[kN - 1 - j]);
  });
}
BENCHMARK(BM_BoxMuller);

void BM_NormalQuantile(benchmark::State& state) {
  // Φ⁻¹ of a parameter's uniform (AS 241).
  per_uniform(state, 8,
              [](const std::vector<double>& u, std::size_t j) { return normal_quantile(u[j]); });
}
BENCHMARK(BM_NormalQuantile);

void BM_ParameterSampling(benchmark::State& state) {
  const Scenario& sc = model();
  const auto ps = sampler(sc);
  const auto mc = make_mc_sampler(sc.simulation.seed, sc.parameters.size());
  std::vector<double> p(sc.parameters.size() * kN);
  std::uint64_t first = 0;
  for (auto _ : state) {
    mc->fill(first, kN, kN, p.data());
    ps->transform(kN, kN, p.data());
    first += kN;
    benchmark::DoNotOptimize(p.data());
  }
  // Items: one run's whole parameter vector (12 correlated normals).
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kN));
}
BENCHMARK(BM_ParameterSampling);

void BM_SketchInsert(benchmark::State& state) {
  std::vector<double> x(kN);
  const Stream s(12345, 9);
  for (std::size_t j = 0; j < kN; ++j) {
    const Uniform4 u = s.uniforms(j, 0, 0);
    x[j] = 150.0 * std::exp(0.2 * normal_from(u.u[0], u.u[1]));
  }
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  QuantileSketch sk;
  for (auto _ : state) {
    sk.add_many(x.data(), kN, *lo, *hi);  // the runner's path: bounds known, all finite
    benchmark::DoNotOptimize(sk);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kN));
}
BENCHMARK(BM_SketchInsert);

/// growth12's pattern: a block of 256 values into each of 240 cells in turn (15 series × 16
/// years), values spread like its horizon's (log sd 0.35: some 14,000 buckets a cell), each
/// sketch past 65,535 values (4-byte counters), as on one thread at 10^6 runs.
constexpr std::size_t kCells = 240, kBlock = 256;

std::vector<double> spread_values(std::size_t n) {
  std::vector<double> x(n);
  const Stream s(777, 3);
  for (std::size_t j = 0; j < n; ++j) {
    const Uniform4 u = s.uniforms(j, 0, 0);
    x[j] = 150.0 * std::exp(0.35 * normal_from(u.u[0], u.u[1]));
  }
  return x;
}

void BM_SketchInsertManyCells(benchmark::State& state) {
  const std::vector<double> x = spread_values(16 * kBlock);
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  std::vector<QuantileSketch> cells(kCells);
  for (auto& c : cells) {
    for (int r = 0; r < 20; ++r) c.add_many(x.data(), x.size(), *lo, *hi);  // 81,920 values
  }
  std::size_t k = 0;
  for (auto _ : state) {
    for (std::size_t c = 0; c < kCells; ++c) {
      cells[c].add_many(x.data() + (k + c) % 16 * kBlock, kBlock, *lo, *hi);
    }
    ++k;
    benchmark::DoNotOptimize(cells.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCells * kBlock));
}
BENCHMARK(BM_SketchInsertManyCells);

/// The floor of the same: only the increments, of 4-byte counters at precomputed indices
/// (14,000 buckets a cell, the same normal spread), four indices read before four increments
/// as the sketch's count loop does.
void BM_BareIncrementsManyCells(benchmark::State& state) {
  constexpr std::size_t kBuckets = 14000;
  const std::vector<double> x = spread_values(16 * kBlock);
  std::vector<std::uint32_t> idx(x.size());
  for (std::size_t j = 0; j < x.size(); ++j) {
    const double b = kBuckets / 2 + std::log(x[j] / 150.0) / 0.0002;
    idx[j] = static_cast<std::uint32_t>(std::clamp(b, 0.0, kBuckets - 1.0));
  }
  std::vector<std::vector<std::uint32_t>> counters(kCells, std::vector<std::uint32_t>(kBuckets));
  std::size_t k = 0;
  for (auto _ : state) {
    for (std::size_t c = 0; c < kCells; ++c) {
      std::uint32_t* n = counters[c].data();
      const std::uint32_t* i = idx.data() + (k + c) % 16 * kBlock;
      for (std::size_t j = 0; j < kBlock; j += 4) {
        const std::uint32_t a = i[j], b = i[j + 1], d = i[j + 2], e = i[j + 3];
        ++n[a];
        ++n[b];
        ++n[d];
        ++n[e];
      }
    }
    ++k;
    benchmark::DoNotOptimize(counters.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCells * kBlock));
}
BENCHMARK(BM_BareIncrementsManyCells);

void BM_ExactSumAdd(benchmark::State& state) {
  ExactSum s;
  double x = 1.0;
  for (auto _ : state) {
    s.add(x);
    x = x * 1.0000001 + 1e-3;
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExactSumAdd);

/// Steps one compiled indicator of the model over a block (years 1..15 in turn).
void step_indicator(benchmark::State& state, const std::string& name) {
  Block b;
  const std::map<std::string, int> params = sim_detail::parameter_defs(b.sc).index;
  const std::map<std::string, int> slots = slot_index(b.sc);
  sim_detail::IndicatorContext cc(b.sc, params, slots);
  const IndicatorSpec* ind = b.sc.find_indicator(name);
  const std::size_t slot = static_cast<std::size_t>(slots.at(name));
  cc.set_indicator(*ind, {slots.at(name)}, slot * kCountersPerSlot, ind->spec->counters().size());
  const auto proc = ind->spec->compile(cc);
  const auto worker = proc->make_worker(kN);
  b.ctx.t = 0;
  b.ctx.year = b.sc.base_year;
  worker->init(b.ctx);
  int t = 1;
  for (auto _ : state) {
    b.ctx.t = t;
    b.ctx.year = b.sc.base_year + t;
    worker->step(b.ctx);
    benchmark::DoNotOptimize(b.values.data());
    t = t == b.sc.horizon - b.sc.base_year ? 1 : t + 1;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kN));
}

void BM_GrowthStep(benchmark::State& state) {
  step_indicator(state, "g0");
}
BENCHMARK(BM_GrowthStep);

void BM_FormulaEval(benchmark::State& state) {
  step_indicator(state, "total");
}
BENCHMARK(BM_FormulaEval);

}  // namespace

BENCHMARK_MAIN();
