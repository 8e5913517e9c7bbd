// Up-front memory estimates (see memory.h).
#include "engine/analysis/memory.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "engine/analysis/shapley.h"
#include "engine/core/error.h"
#include "engine/sim/runner.h"

namespace plancast {

namespace {

std::uint64_t series_count(const Scenario& s) {
  std::uint64_t n = 0;
  for (const IndicatorSpec& ind : s.indicators) n += std::max<std::size_t>(ind.outputs.size(), 1);
  return n;
}

/// Saturating arithmetic: an absurd request must give a huge estimate, never wrap.
std::uint64_t mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}
std::uint64_t add(std::uint64_t a, std::uint64_t b) {
  return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

}  // namespace

std::string grouped(std::uint64_t v) {
  const std::string d = std::to_string(v);
  std::string s;
  for (std::size_t k = 0; k < d.size(); ++k) {
    if (k > 0 && (d.size() - k) % 3 == 0) s += ',';
    s += d[k];
  }
  return s;
}

int effective_threads(int threads) {
  if (threads > 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

MemoryEstimate estimate_run_memory(const Scenario& s, int threads) {
  const std::uint64_t t = static_cast<std::uint64_t>(effective_threads(threads));
  const std::uint64_t series = series_count(s);
  const std::uint64_t years = static_cast<std::uint64_t>(std::max(s.n_years(), 1));
  const std::uint64_t params = std::max<std::uint64_t>(s.parameters.size(), 1);
  const std::uint64_t targets = s.targets.size();
  // Block buffers: parameters, values and previous values (8 bytes each), per-target bytes.
  const std::uint64_t block =
      mul(kBlockSize, add(mul(8, params + 2 * series + 1), 2 * targets + 1));
  const std::uint64_t sketches = mul(mul(series, years), kSketchBytes);
  MemoryEstimate e;
  e.bytes = add(mul(t, block), mul(t + 1, sketches));
  e.detail = std::to_string(t) + (t == 1 ? " thread" : " threads") + " x " +
             std::to_string(series) + " indicator series x " + std::to_string(years) +
             " years of quantile sketches";
  return e;
}

MemoryEstimate estimate_compare_memory(const Scenario& base, std::uint64_t runs, int threads) {
  MemoryEstimate e = estimate_run_memory(base, threads);
  const std::uint64_t targets = base.targets.size();
  const std::uint64_t bits = mul(targets, mul((runs + 63) / 64, 8));
  e.bytes = add(e.bytes, bits);
  e.detail = "the base's outcome of " + std::to_string(targets) +
             (targets == 1 ? " target x " : " targets x ") + grouped(runs) +
             " runs, one bit each; " + e.detail;
  return e;
}

MemoryEstimate estimate_sobol_memory(const Scenario& s, std::uint64_t base_runs, int threads) {
  MemoryEstimate e = estimate_run_memory(s, threads);
  const std::uint64_t t = static_cast<std::uint64_t>(effective_threads(threads));
  const std::uint64_t designs = s.parameters.size() + 3;  // A, B, AB_i, AB_noise
  const std::uint64_t outputs = mul(mul(designs, base_runs), 8);
  const std::uint64_t bootstrap = mul(mul(t, base_runs), 8);
  e.bytes = add(e.bytes, add(outputs, bootstrap));
  e.detail = "the output of " + std::to_string(designs) + " designs x " + grouped(base_runs) +
             " runs, 8 bytes each, and the bootstrap's row indices; " + e.detail;
  return e;
}

MemoryEstimate estimate_shapley_memory(const Scenario& s, std::uint64_t permutations, int threads) {
  MemoryEstimate e = estimate_run_memory(s, threads);
  const std::uint64_t t = static_cast<std::uint64_t>(effective_threads(threads));
  const std::uint64_t params = s.parameters.size();
  const std::uint64_t runs = shapley_total_runs(params, permutations);
  const std::uint64_t outputs = mul(runs, 8);
  const std::uint64_t perms = mul(permutations, mul(std::max<std::uint64_t>(params, 1) + 1, 16));
  const std::uint64_t bootstrap = mul(mul(t, permutations), 8);
  e.bytes = add(e.bytes, add(add(outputs, perms), bootstrap));
  e.detail = "the output of " + grouped(runs) + " runs, 8 bytes each, and " +
             grouped(permutations) + " permutations x " + std::to_string(params) + " parameters; " +
             e.detail;
  return e;
}

MemoryEstimate estimate_discover_memory(const Scenario& s, std::uint64_t runs, int threads) {
  MemoryEstimate e = estimate_run_memory(s, threads);
  const std::uint64_t params = s.parameters.size();
  // x: 8 bytes per parameter and run; outcome 1 byte; peeling: box index 4, sort buffer 8,
  // kept index 4 bytes per run.
  const std::uint64_t per_run = add(mul(8, params), 17);
  e.bytes = add(e.bytes, mul(per_run, runs));
  e.detail = "the " + std::to_string(params) + " parameters of each of " + grouped(runs) +
             " runs, 8 bytes each; " + e.detail;
  return e;
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
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

void check_memory(const std::string& command, const MemoryEstimate& estimate,
                  std::uint64_t budget) {
  if (estimate.bytes <= budget) return;
  throw UsageError(command + " would need about " + memory_text(estimate.bytes) + " of memory (" +
                   estimate.detail + "), more than the " + memory_text(budget) +
                   " allowed by --max-memory; use fewer runs or threads, or raise --max-memory");
}

}  // namespace plancast
