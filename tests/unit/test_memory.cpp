// --max-memory: size parsing, the up-front estimates and the refusal (engine/analysis/memory).
#include <catch2/catch.hpp>

#include <string>

#include "engine/analysis/memory.h"
#include "engine/cli/options.h"
#include "engine/core/error.h"
#include "engine/sim/runner.h"
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

TEST_CASE("memory estimates: stored samples are counted exactly", "[memory]") {
  const Scenario s = small_scenario(3, 2);
  const MemoryEstimate base = estimate_run_memory(s, 2);
  // 2 threads: block buffers; 3 series x 10 years of sketches, per thread plus the merged set.
  const std::uint64_t block = kBlockSize * (8 * (2 + 2 * 3 + 1) + 2 * 2 + 1);
  CHECK(base.bytes == 2 * block + 3 * 3 * 10 * kSketchBytes);
  CHECK(base.detail == "2 threads x 3 indicator series x 10 years of quantile sketches");
  // The run's own memory does not grow with the number of runs.
  // compare: 2 targets, one bit per run, in 64-bit words.
  CHECK(estimate_compare_memory(s, 1000, 2).bytes == base.bytes + 2 * 16 * 8);
  CHECK(estimate_compare_memory(s, 100000000, 2).bytes == base.bytes + 2 * 1562500 * 8);
  // sobol: (2 parameters + 3) designs x runs x 8 bytes, and 2 threads' bootstrap indices.
  CHECK(estimate_sobol_memory(s, 1000000, 2).bytes == base.bytes + 5 * 8000000 + 2 * 8000000);
  // shapley, 1000 permutations of 2 parameters: 3·1000·(2+1) runs x 8 bytes, 1000 x (2+1) x
  // 16 bytes for the permutations, 2 threads x 1000 bootstrap indices x 8 bytes.
  CHECK(estimate_shapley_memory(s, 1000, 2).bytes == base.bytes + 9000 * 8 + 48000 + 16000);
  // discover: 2 parameters x 8 bytes + 17 bytes per run.
  CHECK(estimate_discover_memory(s, 1000000, 2).bytes == base.bytes + 33 * 1000000ull);
  // Absurd requests saturate instead of wrapping round to a small number.
  CHECK(estimate_sobol_memory(s, UINT64_MAX / 2, 2).bytes == UINT64_MAX);
}

TEST_CASE("check_memory refuses with the estimate and names --max-memory", "[memory]") {
  const Scenario s = small_scenario(3, 2);
  const MemoryEstimate e = estimate_compare_memory(s, 100000000, 1);
  CHECK_NOTHROW(check_memory("compare", e, e.bytes));
  try {
    check_memory("compare", e, e.bytes - 1);
    FAIL("not refused");
  } catch (const UsageError& err) {
    const std::string m = err.what();
    CHECK(m.rfind("compare would need about " + memory_text(e.bytes) + " of memory (", 0) == 0);
    CHECK(m.find("the base's outcome of 2 targets x 100,000,000 runs, one bit each") !=
          std::string::npos);
    CHECK(m.find("allowed by --max-memory") != std::string::npos);
  }
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
