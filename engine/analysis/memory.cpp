// Up-front memory estimates (see memory.h): a pilot of the job's first block measures the
// quantile sketches, the processes report their per-thread state, the rest is counted.
#include "engine/analysis/memory.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "engine/analysis/shapley.h"
#include "engine/core/error.h"
#include "engine/core/format.h"
#include "engine/random/shared_normals.h"
#include "engine/random/shared_words.h"
#include "engine/sim/simulator.h"
#include "engine/sim/sketch.h"
#include "engine/sim/state.h"

namespace plancast {

namespace {

/// Saturating arithmetic: an absurd request must give a huge estimate, never wrap.
std::uint64_t mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}
std::uint64_t add(std::uint64_t a, std::uint64_t b) {
  return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}
std::uint64_t from_double(double x) {
  if (!(x > 0)) return 0;
  if (x >= 1.8e19) return UINT64_MAX;
  return static_cast<std::uint64_t>(x);
}

/// What glibc's malloc takes for an array of `bytes`: a 16-byte-aligned chunk with an 8-byte
/// header, at least 32 bytes.
std::uint64_t chunk(std::uint64_t bytes) {
  if (bytes == 0) return 0;
  return std::max<std::uint64_t>(32, (bytes + 8 + 15) / 16 * 16);
}

/// Bucket index of the value of rank r (1-based) counted from the top (or the bottom).
std::int32_t index_at_rank(const std::vector<std::pair<std::int32_t, std::uint64_t>>& b,
                           std::uint64_t r, bool from_top) {
  std::uint64_t seen = 0;
  for (std::size_t k = 0; k < b.size(); ++k) {
    const auto& [index, count] = from_top ? b[b.size() - 1 - k] : b[k];
    seen += count;
    if (seen >= r) return index;
  }
  return from_top ? b.front().first : b.back().first;
}

/// One part of an estimate: bytes and what they are for.
struct Part {
  std::uint64_t bytes = 0;
  std::string what;
};

MemoryEstimate sum_parts(std::vector<Part> parts) {
  std::stable_sort(parts.begin(), parts.end(),
                   [](const Part& a, const Part& b) { return a.bytes > b.bytes; });
  MemoryEstimate e;
  for (const Part& p : parts) {
    if (p.bytes == 0) continue;
    e.bytes = add(e.bytes, p.bytes);
    if (!e.detail.empty()) e.detail += "; ";
    e.detail += p.what + ": " + memory_text(p.bytes);
  }
  return e;
}

/// Per cell of a RunState, besides the sketch's stores: the sketch object, two exact sums,
/// the shift, extremes and three counts.
constexpr std::uint64_t kCellBytes =
    sizeof(QuantileSketch) + 2 * sizeof(ExactSum) + 3 * sizeof(double) + 3 * sizeof(std::uint64_t);

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return grouped(n) + " " + (n == 1 ? one : many);
}

/// The most the quantile sketches of `cells` indicator-years can take over `runs` runs
/// counted by t threads, whatever the values (QuantileSketch's layout rule, sketch.h):
/// - per value a store plans for, 40 bytes: a dense store spans at most kDenseFactor = 4
///   buckets a value (past kDenseMinBuckets) of at most 8-byte counters, with up to a
///   quarter of slack; a sparse one 12 bytes an occupied bucket, grown by half at a time. A
///   thread's stores plan for the larger of the values they count and their expected share
///   (runs / threads), so the threads' stores plan for at most 2 x runs values a cell, and
///   the merged result for runs more: 3 x 40 bytes a run, times 1.3 for the allocator's
///   holes (heap held / heap in use measured 1.2-1.3, predict_store_bytes below), 160.
/// - per holder (each thread and the merged result) and cell: the cell's own bytes, its two
///   exact sums (at most 64 partials each), two stores of kDenseMinBuckets 8-byte counters
///   with a quarter of slack, and the exact integer counts (8 bytes over kMaxIntegerSpan).
/// - per thread, the array a store's growth replaces, until it is copied: 40 bytes a run.
std::uint64_t sketch_bound(std::uint64_t cells, std::uint64_t t, std::uint64_t runs) {
  const std::uint64_t store = QuantileSketch::kDenseMinBuckets * 8 * 5 / 4 + 32;
  const std::uint64_t holder =
      kCellBytes + 2 * chunk(64 * sizeof(double)) + 2 * store +
      chunk(8 * static_cast<std::uint64_t>(QuantileSketch::kMaxIntegerSpan));
  return add(mul(cells, add(mul(t + 1, holder), mul(160, runs))), mul(t, mul(40, runs)));
}

/// Threads that get blocks of a job of `runs` runs (each keeps its own accumulator of every
/// cell and its own workers).
std::uint64_t threads_with_blocks(int threads, std::uint64_t runs) {
  const std::uint64_t blocks = (runs + kBlockSize - 1) / kBlockSize;
  return std::max<std::uint64_t>(
      1, std::min<std::uint64_t>(static_cast<std::uint64_t>(effective_threads(threads)), blocks));
}

/// The parts of one run of the job: see estimate_run_memory in memory.h.
std::vector<Part> run_parts(const CompiledScenario& cs, int threads, std::uint64_t runs,
                            std::uint64_t budget, const std::atomic<bool>* cancel,
                            bool one_pass = true) {
  const Scenario& s = scenario_of(cs);
  if (runs == 0) runs = s.simulation.runs;
  std::uint64_t series = 0;
  for (const IndicatorSpec& ind : s.indicators)
    series += std::max<std::size_t>(ind.outputs.size(), 1);
  const std::uint64_t years = static_cast<std::uint64_t>(std::max(s.n_years(), 1));
  const std::uint64_t cells = series * years;
  const std::uint64_t params = std::max<std::uint64_t>(s.parameters.size(), 1);
  const std::uint64_t targets = s.targets.size();
  const std::uint64_t blocks = (runs + kBlockSize - 1) / kBlockSize;
  const std::uint64_t t = threads_with_blocks(threads, runs);
  const std::string threads_text = plural(t, "thread", "threads");

  std::vector<Part> parts;
  parts.push_back({kProgramBytes, "the program"});
  // Block arrays: parameters, values and previous values (8 bytes each), per-target bytes.
  const std::uint64_t block =
      mul(kBlockSize, add(mul(8, params + 2 * series + 1), 2 * targets + 1)) + kThreadBytes;
  parts.push_back({mul(t, block), "block arrays of " + threads_text});
  parts.push_back({mul(t, queue_bytes(cs)), "values queued for the sketches of " + threads_text});
  parts.push_back({mul(t, worker_bytes(cs)),
                   "process state (firm vectors, rate and formula scratch) of " + threads_text});
  // The outputs are built once the simulation's memory is free: they count where larger.
  const std::uint64_t outputs = mul(cells, kOutputCellBytes);
  const std::string sketch_text = "quantile sketches of " + threads_text +
                                  " and the merged result (" + plural(series, "series", "series") +
                                  " x " + plural(years, "year", "years");
  // The pilot needs one thread's share; it is skipped when that is more than the budget
  // and more than kPilotAlwaysBytes (small pilots always run, so that --max-memory 1M shows
  // the whole estimate), and then the figure is a lower bound.
  const std::uint64_t pilot_need =
      add(add(kProgramBytes, block + worker_bytes(cs)), mul(2 * cells, kCellBytes));
  if (pilot_need > budget && pilot_need > kPilotAlwaysBytes) {
    parts.push_back({std::max(mul(mul(t + 1, cells), kCellBytes), outputs),
                     sketch_text + ", at least; not sized, the rest is already over)"});
    return parts;
  }

  // Where even the most the sketches can take fits the budget, the pilot is not needed: the
  // run cannot be refused, and the pilot's block is serial time before it (about 10 ms of a
  // 0.6 s bundled run on two threads). An unlimited budget always sizes by the pilot.
  if (budget != UINT64_MAX) {
    std::uint64_t rest = 0;
    for (const Part& p : parts) rest = add(rest, p.bytes);
    const std::uint64_t most = std::max(sketch_bound(cells, t, runs), outputs);
    if (add(rest, most) <= budget) {
      parts.push_back({most, sketch_text + ", at most; not sized, the bound fits)"});
      return parts;
    }
  }

  // The pilot: the job's first block, on one thread.
  RunOptions one;
  one.threads = 1;
  one.cancel = cancel;
  Simulator sim(cs);  // one set of workers for the shift and the block
  RunState pilot = sim.make_state(one);
  sim.simulate(0, 1, pilot, one);
  const double pilot_runs = static_cast<double>(pilot.runs);
  const double per_thread = static_cast<double>(runs) / static_cast<double>(t);
  // A thread's stores are laid out by its first block and grow with the later ones.
  const Growth thread_growth = blocks > t ? Growth::blocks : Growth::none;
  std::uint64_t sketches = 0;
  std::uint64_t widest = 0;  // buckets
  for (std::size_t c = 0; c < pilot.cells; ++c) {
    const QuantileSketch& sk = pilot.sketch[c];
    std::uint64_t cell = kCellBytes;
    for (const ExactSum* e : {&pilot.sum[c], &pilot.sumsq[c]}) {
      cell += chunk(e->heap_bytes());
    }
    std::uint64_t thread_cell = cell, merged_cell = cell;
    for (const bool negative : {false, true}) {
      const auto b = sk.buckets(negative);
      if (b.empty()) continue;
      const StoreSample ss = sample_store(b);
      widest = std::max(widest, ss.span);
      // Each thread's store sees its share of the runs, the merged store all of them.
      const double share = static_cast<double>(ss.values) / pilot_runs;
      thread_cell = add(thread_cell, predict_store_bytes(ss, share * per_thread, thread_growth));
      merged_cell = add(merged_cell, predict_store_bytes(ss, share * static_cast<double>(runs),
                                                         t > 1 ? Growth::merges : Growth::none));
    }
    // Exact integer counts (docs/methods.md §5): 8 bytes per integer of the cell's range, kept
    // while the range is within QuantileSketch::kMaxIntegerSpan. A store that sees more
    // values than the pilot is taken to reach 1.5 times the pilot's range (the extremes of
    // 256 normal draws widen by about 1.4 by 10^5), at most the span limit.
    if (sk.integer_exact() && sk.count() > 0) {
      const auto ic = sk.integer_counts();
      const double span = static_cast<double>(ic.back().first - ic.front().first + 1);
      const double most = static_cast<double>(QuantileSketch::kMaxIntegerSpan);
      auto bytes = [&](double values) {
        const double grown = values > pilot_runs ? std::min(most, 1.5 * span) : span;
        return chunk(static_cast<std::uint64_t>(8 * grown));
      };
      thread_cell = add(thread_cell, bytes(per_thread));
      merged_cell = add(merged_cell, bytes(static_cast<double>(runs)));
    }
    // In one pass the first thread's stores become the merged result and grow into it.
    sketches =
        add(sketches, one_pass ? add(mul(t - 1, thread_cell), std::max(thread_cell, merged_cell))
                               : add(mul(t, thread_cell), merged_cell));
  }
  // A bucket spans a factor of at most γ = (1+α)/(1-α), about 1/0.7 of ln γ in log2 (sketch.cpp).
  std::string range;
  if (widest > 1) {
    const double a = QuantileSketch::kRelativeAccuracy;
    const double orders =
        static_cast<double>(widest) * (std::log1p(a) - std::log1p(-a)) / 0.7 * std::log10(2.0);
    range =
        ", values over up to " + fixed_text(orders, orders < 10 ? 1 : 0) + " orders of magnitude";
  }
  // Simulation and output phases do not overlap: the larger counts.
  parts.push_back({std::max(sketches, outputs),
                   sketches >= outputs
                       ? sketch_text + range + ", sized by a pilot of the first " +
                             plural(pilot.runs, "run", "runs") + ")"
                       : "the results and their outputs (" +
                             plural(cells, "indicator-year", "indicator-years") + ")"});
  return parts;
}

MemoryEstimate with_extra(const CompiledScenario& cs, int threads, std::uint64_t runs,
                          std::uint64_t budget, const std::atomic<bool>* cancel, Part extra) {
  std::vector<Part> parts = run_parts(cs, threads, runs, budget, cancel);
  parts.push_back(std::move(extra));
  return sum_parts(std::move(parts));
}

}  // namespace

StoreSample sample_store(const std::vector<std::pair<std::int32_t, std::uint64_t>>& b) {
  StoreSample s;
  if (b.empty()) return s;
  double half = 0;
  for (const auto& [index, count] : b) {
    s.values += count;
    half += 1 - std::exp2(-static_cast<double>(std::min<std::uint64_t>(count, 64)));
  }
  s.occupied = b.size();
  s.span = static_cast<std::uint64_t>(b.back().first - b.front().first) + 1;
  // The extremes of n values move out by about the same number of buckets each time n
  // doubles (exactly so for a power-law tail, less for a normal one): measured between the
  // extreme and the value of rank K at each end, K up to 16 (log2 K doublings apart).
  const std::uint64_t k = std::min<std::uint64_t>(16, s.values / 4);
  if (k >= 2) {
    const double top = index_at_rank(b, 1, true) - index_at_rank(b, k, true);
    const double bottom = index_at_rank(b, k, false) - index_at_rank(b, 1, false);
    s.growth = (top + bottom) / std::log2(static_cast<double>(k));
  }
  // Occupied buckets of a random half of the values (a bucket of c values keeps at least
  // one with probability 1 - 2^-c): their ratio to all gives the power of the growth.
  const double occ = static_cast<double>(s.occupied);
  s.distinct_power = occ > half ? std::clamp(std::log2(occ / half), 0.0, 1.0) : 0.0;
  return s;
}

std::uint64_t predict_store_bytes(const StoreSample& s, double values, Growth growth) {
  if (s.values == 0 || !(values > 0)) return 0;
  const double ratio = values / static_cast<double>(s.values);
  constexpr double kMaxSpan = QuantileSketch::kMaxBucket - QuantileSketch::kMinBucket + 1;
  const double span =
      std::clamp(static_cast<double>(s.span) + s.growth * std::log2(ratio), 1.0, kMaxSpan);
  const double occupied =
      std::clamp(static_cast<double>(s.occupied) * std::pow(ratio, s.distinct_power), 1.0,
                 std::min(span, std::max(values, 1.0)));
  const std::uint64_t count = from_double(std::ceil(values));
  const auto sp = static_cast<std::uint64_t>(span), oc = static_cast<std::uint64_t>(occupied);
  const bool dense = QuantileSketch::dense_layout(count, sp);
  const std::uint64_t exact = QuantileSketch::store_bytes(count, oc, sp);
  // Block by block: a quarter of growth slack on average; and for dense stores, which grow a
  // little at a time, the allocator's holes left by the arrays each growth replaced (heap
  // held / heap in use measured 1.2-1.3 at the end of the simulation of
  // tests/faults/memory/many.yaml with 2 and 8 threads): 1.25 x 1.25. Sparse stores grow by
  // half at a time and left no measurable holes (tests/faults/memory/wide.yaml). Merged
  // from several threads: a few growths, an eighth (dense) or a quarter (sparse) of slack.
  std::uint64_t bytes = exact;
  if (growth == Growth::blocks) bytes = dense ? exact * 25 / 16 : exact * 5 / 4;
  if (growth == Growth::merges) bytes = dense ? exact * 9 / 8 : exact * 5 / 4;
  bytes += dense ? 16 : 32;
  // Fewer than one value expected: the store exists in that fraction of cases.
  return values < 1 ? from_double(static_cast<double>(bytes) * values) : bytes;
}

int effective_threads(int threads) {
  if (threads > 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

MemoryEstimate estimate_run_memory(const CompiledScenario& cs, int threads, std::uint64_t runs,
                                   std::uint64_t budget, const std::atomic<bool>* cancel,
                                   bool one_pass) {
  return sum_parts(run_parts(cs, threads, runs, budget, cancel, one_pass));
}

MemoryEstimate estimate_compare_memory(const CompiledScenario& base, std::uint64_t runs,
                                       int threads, std::uint64_t budget,
                                       const std::atomic<bool>* cancel, std::uint64_t together) {
  const std::uint64_t targets = scenario_of(base).targets.size();
  const std::uint64_t bits = mul(targets, mul((runs + 63) / 64, 8));
  // Each scenario's share of the budget decides whether its sketches are sized by the pilot.
  std::vector<Part> parts =
      run_parts(base, threads, runs,
                together > 1 && budget != UINT64_MAX ? budget / together : budget, cancel);
  if (together > 1) {  // every part but the program, once per scenario
    for (std::size_t i = 1; i < parts.size(); ++i) {
      parts[i].bytes = mul(parts[i].bytes, together);
      parts[i].what += ", for each of " + std::to_string(together) + " scenarios run together";
    }
    const std::uint64_t t = threads_with_blocks(threads, runs);
    parts.push_back(
        {mul(t, add(SharedNormals::bytes(), SharedWords::bytes())),
         "the draws the scenarios share, at most, of " + plural(t, "thread", "threads")});
  }
  parts.push_back({bits, "the base's outcome of " + plural(targets, "target", "targets") + " x " +
                             grouped(runs) + " runs, one bit each"});
  return sum_parts(std::move(parts));
}

MemoryEstimate estimate_sobol_memory(const CompiledScenario& cs, std::uint64_t base_runs,
                                     int threads, std::uint64_t budget,
                                     const std::atomic<bool>* cancel) {
  const std::uint64_t t = static_cast<std::uint64_t>(effective_threads(threads));
  const std::uint64_t designs = scenario_of(cs).parameters.size() + 3;  // A, B, AB_i, AB_noise
  const std::uint64_t outputs = mul(mul(designs, base_runs), 8);
  const std::uint64_t bootstrap = mul(mul(t, base_runs), 8);
  return with_extra(cs, threads, base_runs, budget, cancel,
                    {add(outputs, bootstrap), "the output of " + std::to_string(designs) +
                                                  " designs x " + grouped(base_runs) +
                                                  " runs, 8 bytes each, and the bootstrap's "
                                                  "row indices"});
}

MemoryEstimate estimate_shapley_memory(const CompiledScenario& cs, std::uint64_t permutations,
                                       int threads, std::uint64_t budget,
                                       const std::atomic<bool>* cancel) {
  const std::uint64_t t = static_cast<std::uint64_t>(effective_threads(threads));
  const std::uint64_t params = scenario_of(cs).parameters.size();
  const std::uint64_t runs = shapley_total_runs(params, permutations);
  const std::uint64_t outputs = mul(runs, 8);
  const std::uint64_t perms = mul(permutations, mul(std::max<std::uint64_t>(params, 1) + 1, 16));
  const std::uint64_t bootstrap = mul(mul(t, permutations), 8);
  return with_extra(
      cs, threads, runs, budget, cancel,
      {add(add(outputs, perms), bootstrap),
       "the output of " + grouped(runs) + " runs, 8 bytes each, and " + grouped(permutations) +
           " permutations x " + std::to_string(params) + " parameters"});
}

MemoryEstimate estimate_discover_memory(const CompiledScenario& cs, std::uint64_t runs, int threads,
                                        std::uint64_t budget, const std::atomic<bool>* cancel) {
  const std::uint64_t params = scenario_of(cs).parameters.size();
  // x: 8 bytes per parameter and run; outcome 1 byte; peeling: box index 4, sort buffer 8,
  // kept index 4 bytes per run.
  const std::uint64_t per_run = add(mul(8, params), 17);
  return with_extra(
      cs, threads, runs, budget, cancel,
      {mul(per_run, runs), "the " + std::to_string(params) + " parameters of each of " +
                               grouped(runs) + " runs, 8 bytes each"});
}

std::uint64_t default_memory_budget() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return std::uint64_t{4} << 30;
  return mul(static_cast<std::uint64_t>(pages), static_cast<std::uint64_t>(page)) / 2;
}

std::string memory_text(std::uint64_t bytes) {
  static const char* const units[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 10 * 1024) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 6) {
    v /= 1024.0;
    ++u;
  }
  return fixed_text(v, 1) + " " + units[u];
}

void check_memory(const std::string& command, const MemoryEstimate& estimate,
                  std::uint64_t budget) {
  if (estimate.bytes <= budget) return;
  throw UsageError(command + " would need about " + memory_text(estimate.bytes) + " of memory (" +
                   estimate.detail + "), more than the " + memory_text(budget) +
                   " allowed by --max-memory; use fewer runs or threads, or raise --max-memory");
}

}  // namespace plancast
