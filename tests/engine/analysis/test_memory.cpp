// --max-memory: size parsing, the up-front estimates and the refusal (engine/analysis/memory).
#include <catch2/catch.hpp>

#include <malloc.h>

#include <atomic>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "engine/analysis/compare.h"
#include "engine/analysis/memory.h"
#include "engine/cli/options.h"
#include "engine/core/error.h"
#include "engine/random/shared_normals.h"
#include "engine/random/shared_words.h"
#include "engine/random/stream.h"
#include "engine/sim/runner.h"
#include "engine/sim/sketch.h"
#include "models/firm_draws.h"
#include "models/register_builtin.h"

using namespace plancast;

namespace {

Scenario small_scenario(int indicators, int params) {
  std::string y = "plancast: 1\nname: mem\nbase_year: 2020\nhorizon: 2029\nparameters:\n";
  for (int p = 0; p < params; ++p) {
    y += "  p" + std::to_string(p) + ": {dist: normal, mean: 0.05, sd: 0.01}\n";
  }
  y += "indicators:\n";
  for (int i = 0; i < indicators; ++i) {
    y += "  x" + std::to_string(i) + ": {base: 100, growth: {trend: [{until: 2029, rate: p0}]}}\n";
  }
  y += "targets:\n  - {id: a, indicator: x0, year: 2029, at_least: 150}\n";
  y += "  - {id: b, indicator: x0, year: 2025, at_least: 120}\n";
  return load_scenario_text(y, "mem.yaml", {}, builtin_registry());
}

}  // namespace

TEST_CASE("memory sizes for --max-memory: units are powers of 1024, at least 1 MiB", "[memory]") {
  using cli::parse_memory_size;
  CHECK(parse_memory_size("--max-memory", "1M") == 1048576u);
  CHECK(parse_memory_size("--max-memory", "512m") == 512u * 1048576u);
  CHECK(parse_memory_size("--max-memory", "4G") == 4ull << 30);
  CHECK(parse_memory_size("--max-memory", "4GiB") == 4ull << 30);
  CHECK(parse_memory_size("--max-memory", "1.5G") == 3ull << 29);
  CHECK(parse_memory_size("--max-memory", "2T") == 2ull << 40);
  CHECK(parse_memory_size("--max-memory", "2048K") == 2ull << 20);
  CHECK(parse_memory_size("--max-memory", "1048576") == 1048576u);
  for (const char* bad :
       {"", "G", "12X", "-1G", "1e9", "1.2.3G", "1000", "0.5M", "1 G", "99999999999T", "nanG"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_memory_size("--max-memory", bad), UsageError);
  }
}

namespace {

std::shared_ptr<const CompiledScenario> compiled(const std::string& yaml) {
  return compile(load_scenario_text(yaml, "mem.yaml", {}, builtin_registry()), builtin_registry());
}

/// A firm population alone (no other process), n0 firms, optionally Poisson entry.
std::string firms_yaml(int n0, const std::string& entry = "0") {
  return "plancast: 1\nname: f\nbase_year: 2020\nhorizon: 2025\nsimulation: {runs: 300}\n"
         "parameters:\n  e: {dist: uniform, min: 0, max: 100}\nindicators:\n"
         "  f: {firm_population: {counts: {1: " +
         std::to_string(n0) + ", 10: " + std::to_string(n0 / 10) +
         "}, rate: 0.02, sigma: 0.1, entry: " + entry + "}}\n";
}

}  // namespace

TEST_CASE("memory estimates: stored samples are counted exactly", "[memory]") {
  const Scenario s = small_scenario(3, 2);
  const auto cs = compile(s, builtin_registry());
  const MemoryEstimate base = estimate_run_memory(*cs, 2, 1000);
  // The per-run parts come on top of one run's estimate for the same number of runs
  // (compare's is measured against what compare allocates: the next test case).
  const MemoryEstimate big = estimate_run_memory(*cs, 2, 100000000);
  // sobol: (2 parameters + 3) designs x runs x 8 bytes, and 2 threads' bootstrap indices.
  const MemoryEstimate m = estimate_run_memory(*cs, 2, 1000000);
  CHECK(estimate_sobol_memory(*cs, 1000000, 2).bytes == m.bytes + 5 * 8000000 + 2 * 8000000);
  // shapley, 1000 permutations of 2 parameters: 3·1000·(2+1) runs x 8 bytes, 1000 x (2+1) x
  // 16 bytes for the permutations, 2 threads x 1000 bootstrap indices x 8 bytes.
  const MemoryEstimate sh = estimate_run_memory(*cs, 2, 9000);
  CHECK(estimate_shapley_memory(*cs, 1000, 2).bytes == sh.bytes + 9000 * 8 + 48000 + 16000);
  // discover: 2 parameters x 8 bytes + 17 bytes per run.
  CHECK(estimate_discover_memory(*cs, 1000000, 2).bytes == m.bytes + 33 * 1000000ull);
  // Absurd requests saturate instead of wrapping round to a small number.
  CHECK(estimate_sobol_memory(*cs, UINT64_MAX / 2, 2).bytes == UINT64_MAX);
  // The run's own memory grows only slowly with the runs (the sketches' tails), and with
  // the threads (one set of sketches each).
  CHECK(big.bytes < 2 * base.bytes);
  CHECK(estimate_run_memory(*cs, 8, 100000).bytes > estimate_run_memory(*cs, 2, 100000).bytes);
  CHECK(base.detail.find("quantile sketches of 2 threads and the merged result (3 series x 10 "
                         "years") != std::string::npos);
  CHECK(base.detail.find("sized by a pilot of the first 256 runs") != std::string::npos);
}

namespace {

/// Bytes the allocator has handed out and not taken back (every arena, mmapped chunks too).
std::uint64_t heap_in_use() {
  const struct mallinfo2 m = ::mallinfo2();
  return m.uordblks + m.hblkhd;
}

/// The most heap in use while `work` runs, seen from its progress callback, above what was
/// in use before it started.
std::uint64_t peak_above_start(const std::function<void(const RunOptions&)>& work) {
  const std::uint64_t start = heap_in_use();
  std::atomic<std::uint64_t> peak{start};
  RunOptions ro;
  ro.threads = 2;
  ro.progress = [&](std::uint64_t, std::uint64_t) {
    const std::uint64_t now = heap_in_use();
    std::uint64_t seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
  };
  work(ro);
  return peak.load() - start;
}

}  // namespace

TEST_CASE("memory estimates: compare's extra is what compare allocates", "[memory]") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  WARN("skipped: the sanitizers' allocators bypass mallinfo2");
  return;
#endif
  // 64 targets on one indicator over 2,000,000 runs: the base's outcomes are 16 MB, far more
  // than anything else compare keeps beyond a plain run. The estimate's extra over a run's
  // must match the measured extra peak within 10%.
  std::string y =
      "plancast: 1\nname: cmp\nbase_year: 2020\nhorizon: 2029\n"
      "simulation: {runs: 2000000, seed: 3}\nparameters:\n"
      "  p: {dist: normal, mean: 0.05, sd: 0.01}\nindicators:\n"
      "  x: {base: 100, growth: {trend: p}}\ntargets:\n";
  for (int k = 0; k < 64; ++k) {
    y += "  - {id: t" + std::to_string(k) +
         ", indicator: x, year: " + std::to_string(2021 + k % 9) +
         ", at_least: " + std::to_string(100 + k) + "}\n";
  }
  const Scenario sc = load_scenario_text(y, "cmp.yaml", {}, builtin_registry());
  const auto cs = compile(sc, builtin_registry());
  const std::uint64_t runs = sc.simulation.runs;
  const std::uint64_t extra_estimated =
      estimate_compare_memory(*cs, runs, 2).bytes - estimate_run_memory(*cs, 2, runs).bytes;
  const std::uint64_t run_peak =
      peak_above_start([&](const RunOptions& ro) { (void)run(*cs, ro); });
  const std::uint64_t compare_peak = peak_above_start([&](const RunOptions& ro) {
    (void)compare({{"base", sc}, {"same", sc}}, builtin_registry(), ro);
  });
  REQUIRE(compare_peak > run_peak);
  const double measured = static_cast<double>(compare_peak - run_peak);
  INFO("estimated extra " << extra_estimated << " bytes, measured " << measured);
  CHECK(static_cast<double>(extra_estimated) == Approx(measured).epsilon(0.1));
}

TEST_CASE("memory estimates: compare's scenarios simulated together count once each", "[memory]") {
  // Together (CompareTogether::yes) every scenario's thread states and sketches are held at
  // once: every part of a run's estimate but the program, once per scenario; the base's
  // outcome bits once; and each thread's shared normals and words (SharedNormals,
  // SharedWords), at most.
  // An unlimited budget sizes both by the pilot.
  const auto cs = compiled(firms_yaml(2000));
  const std::uint64_t runs = scenario_of(*cs).simulation.runs;
  const std::uint64_t bits = (runs + 63) / 64 * 8 * scenario_of(*cs).targets.size();
  const std::uint64_t one = estimate_compare_memory(*cs, runs, 2).bytes;
  const MemoryEstimate three = estimate_compare_memory(*cs, runs, 2, UINT64_MAX, nullptr, 3);
  CHECK(three.bytes == kProgramBytes + bits + 3 * (one - kProgramBytes - bits) +
                           2 * (SharedNormals::bytes() + SharedWords::bytes()));
  CHECK(three.detail.find("for each of 3 scenarios run together") != std::string::npos);
}

TEST_CASE("the memory hook: firm vectors are counted per run of a block, per thread", "[memory]") {
  // 256 runs a block, each with a vector of 8-byte log sizes for its firms, plus per run
  // the block's entry arrays (rate and entrants, 16 bytes; the entrants' draws: four words,
  // a mean, a draw and an index, 52 bytes), and once per worker the noise batch (the firm
  // groups' noise words of many runs drawn at once: NoiseBatch, a fixed size).
  constexpr std::size_t kPerRun = sizeof(std::vector<double>) + 16 + 52;
  const std::size_t batch = firm_detail::NoiseBatch::bytes();
  CHECK(batch > 100000);
  const auto plain = compiled(firms_yaml(5000));
  CHECK(worker_bytes(*plain) == kBlockSize * (kPerRun + 8 * 5000) + batch);
  // Poisson entry of 10 a year over 5 years: the 50 expected entrants too.
  const auto entry = compiled(firms_yaml(5000, "10"));
  CHECK(worker_bytes(*entry) == kBlockSize * (kPerRun + 8 * 5050) + batch);
  // A parameter-valued entry: its 99th percentile (uniform 0-100: 99) each year.
  const auto param = compiled(firms_yaml(5000, "e"));
  CHECK(worker_bytes(*param) == kBlockSize * (kPerRun + 8 * 5495) + batch);
  // The estimate counts them once per thread, and the refusal names them.
  const MemoryEstimate one = estimate_run_memory(*plain, 1), four = estimate_run_memory(*plain, 2);
  CHECK(four.bytes - one.bytes >= worker_bytes(*plain));
  try {
    check_memory("run", four, 1 << 20);
    FAIL("not refused");
  } catch (const UsageError& err) {
    const std::string msg = err.what();
    CHECK(msg.find("(process state (firm vectors, rate and formula scratch) of 2 threads: " +
                   memory_text(2 * worker_bytes(*plain))) != std::string::npos);
  }
}

TEST_CASE("the pilot is skipped when its own share would not fit", "[memory]") {
  // 99,000 firms in each of two populations: 2 x 256 x 99,000 x 8 bytes = 387 MB for one
  // thread, more than kPilotAlwaysBytes: with a small budget, refused without the pilot.
  // (300 runs: 2 blocks, so 2 of the 4 threads get work.)
  std::string y = firms_yaml(99000);
  y += "  g: {firm_population: {counts: {1: 99000, 10: 9900}, rate: 0.02}}\n";
  const auto cs = compiled(y);
  CHECK(worker_bytes(*cs) > kPilotAlwaysBytes);
  const MemoryEstimate e = estimate_run_memory(*cs, 4, 0, 1 << 20);
  CHECK(e.bytes > worker_bytes(*cs) * 2);
  CHECK(e.detail.find("at least; not sized") != std::string::npos);
}

TEST_CASE("the store model: how buckets and ranges grow with the values", "[memory]") {
  // Distinct values: occupied buckets grow in proportion; the same value: not at all.
  std::vector<std::pair<std::int32_t, std::uint64_t>> distinct, same = {{100, 256}};
  for (std::int32_t i = 0; i < 256; ++i) distinct.push_back({i * 14600, 1});
  const StoreSample d = sample_store(distinct), o = sample_store(same);
  CHECK(d.values == 256);
  CHECK(d.occupied == 256);
  CHECK(d.distinct_power == Approx(1.0));
  CHECK(o.distinct_power == Approx(0.0).margin(1e-12));
  CHECK(o.growth == 0);
  // One bucket, however many values: one counter (4 bytes for up to 2^32 - 1 values, 8
  // beyond) and the allocator's 16.
  CHECK(predict_store_bytes(o, 1e6, Growth::none) == 4 + 16);
  CHECK(predict_store_bytes(o, 1e10, Growth::none) == 8 + 16);
  // 256 distinct values 14,600 buckets apart span 3,723,001 buckets: sparse, 12 bytes each; at
  // 4x the values, 4x the buckets (never more than the range holds).
  CHECK(predict_store_bytes(d, 256, Growth::none) == 12 * 256 + 32);
  CHECK(predict_store_bytes(d, 1024, Growth::none) == 12 * 1024 + 32);
  CHECK(predict_store_bytes(d, 1e9, Growth::none) ==
        4 * (QuantileSketch::kMaxBucket - QuantileSketch::kMinBucket + 1) + 16);
  // A power-law tail (exponential in the bucket index): the range grows by the same number
  // of buckets at each doubling; predicted from 256 values, checked at 16x as many.
  std::vector<double> x;
  const Stream st(99, 1);
  for (std::uint64_t r = 0; x.size() < 4096; ++r) {
    const Uniform4 u = st.uniforms(r, 0, 0);
    for (double v : u.u) x.push_back(std::exp(-0.2 * std::log(v)));  // Pareto(5) values
  }
  QuantileSketch small, large;
  small.add_many(x.data(), 256);
  large.add_many(x.data(), x.size());
  const StoreSample s = sample_store(small.buckets(false)), l = sample_store(large.buckets(false));
  const double predicted = static_cast<double>(s.span) + s.growth * 4;
  INFO("span at 256 values " << s.span << ", predicted at 4096 " << predicted << ", actual "
                             << l.span);
  CHECK(predicted == Approx(static_cast<double>(l.span)).epsilon(0.25));
}

TEST_CASE("memory_text and the default budget", "[memory]") {
  CHECK(memory_text(0) == "0 bytes");
  CHECK(memory_text(10239) == "10239 bytes");
  CHECK(memory_text(10240) == "10.0 KB");
  CHECK(memory_text(3ull << 29) == "1.5 GB");
  CHECK(memory_text(UINT64_MAX) == "16.0 EB");
  // Half the physical memory: at least something, at most all the address space.
  CHECK(default_memory_budget() >= (std::uint64_t{64} << 20));
}

TEST_CASE("where the largest sketches possible fit the budget, no pilot is run", "[memory]") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  WARN("skipped: the sanitizers' allocators bypass mallinfo2");
  return;
#endif
  // The scenarios the memory test measures (values 1e-12 to 1e308 apart; many cells; exact
  // integer counts) and the bundled one: the bound holds the pilot's estimate and the heap
  // the run actually takes, and only a budget that holds the bound skips the pilot.
  const std::string dir = std::string(PLANCAST_SOURCE_DIR) + "/tests/faults/memory/";
  for (const std::string& path : {dir + "wide.yaml", dir + "many.yaml", dir + "counts.yaml",
                                  std::string(PLANCAST_SOURCE_DIR) + "/scenarios/jiaxing.yaml"}) {
    INFO(path);
    LoadOptions lo;
    lo.runs = 3000;
    const auto cs = compile(load_scenario_file(path, lo, builtin_registry()), builtin_registry());
    const MemoryEstimate pilot = estimate_run_memory(*cs, 2);
    const MemoryEstimate bound = estimate_run_memory(*cs, 2, 0, UINT64_MAX - 1);
    CHECK(pilot.detail.find("sized by a pilot") != std::string::npos);
    CHECK(bound.detail.find("at most; not sized, the bound fits") != std::string::npos);
    CHECK(bound.bytes >= pilot.bytes);
    // One byte short of the bound: the pilot sizes it again.
    CHECK(estimate_run_memory(*cs, 2, 0, bound.bytes - 1).bytes == pilot.bytes);
    const std::uint64_t used = peak_above_start([&](const RunOptions& ro) { (void)run(*cs, ro); });
    INFO("bound " << bound.bytes << " bytes, heap used " << used);
    CHECK(used + kProgramBytes <= bound.bytes);
  }
  // The bundled scenario at its 100,000 runs on 2 threads: within 8 GB (half of a 16 GB
  // laptop, the default budget), so that its run starts without the pilot.
  const auto bundled =
      compile(load_scenario_file(std::string(PLANCAST_SOURCE_DIR) + "/scenarios/jiaxing.yaml", {},
                                 builtin_registry()),
              builtin_registry());
  const MemoryEstimate b = estimate_run_memory(*bundled, 2, 0, std::uint64_t{8} << 30);
  CHECK(b.detail.find("the bound fits") != std::string::npos);
}
