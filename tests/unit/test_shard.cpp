// The mergeable run state, shard files and merge: parts of a job simulated separately and
// merged in any order give results identical to one run (issue 8).
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>

#include "engine/cli/bundled.h"
#include "engine/config/scenario.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

using namespace plancast;

namespace {

const char* kSmall = R"(plancast: 1
name: shard-small
base_year: 2020
horizon: 2025
simulation: {runs: 5000, seed: 11, sampler: SAMPLER}
parameters:
  trend: {dist: normal, mean: 0.05, sd: 0.02}
  shock: {dist: uniform, min: -0.02, max: 0.02}
indicators:
  gdp:
    base: 100
    growth: {trend: [{until: 2025, rate: trend}], noise: {sd: 0.01}}
  ratio: {formula: 1 / (gdp - 110)}
targets:
  - {id: gdp_2025, indicator: gdp, year: 2025, at_least: 125}
  - {id: gdp_by, indicator: gdp, year: 2024, at_least: 118, by: true}
)";

std::shared_ptr<const CompiledScenario> compile_small(const std::string& sampler) {
  std::string text = kSmall;
  text.replace(text.find("SAMPLER"), 7, sampler);
  const Scenario sc = load_scenario_text(text, "small.yaml", {}, builtin_registry());
  return compile(sc, builtin_registry());
}

}  // namespace

TEST_CASE("parts of a job merged in any order equal the single run", "[shard]") {
  for (const std::string sampler : {"mc", "lhs", "sobol"}) {
    const auto cs = compile_small(sampler);
    const Results whole = run(*cs);
    const std::uint64_t nb = block_count(*cs);
    REQUIRE(nb == 5);
    for (std::uint64_t n : {1, 2, 3, 5, 7}) {
      std::vector<RunState> parts;
      for (std::uint64_t k = 1; k <= n; ++k) {
        const BlockRange r = part_of(nb, k, n);
        RunState s = make_state(*cs);
        RunOptions ro;
        ro.threads = static_cast<int>(k % 3) + 1;
        simulate(*cs, r.first, r.last, s, ro);
        parts.push_back(std::move(s));
      }
      std::vector<std::size_t> order(n);
      std::iota(order.begin(), order.end(), 0);
      std::mt19937 shuffle(static_cast<unsigned>(n));
      std::shuffle(order.begin(), order.end(), shuffle);
      RunState total = make_state(*cs);
      for (std::size_t i : order) total.merge(parts[i]);
      INFO(sampler << " in " << n << " parts");
      CHECK(total.runs == 5000);
      CHECK(summarise(*cs, total) == whole);
    }
  }
}

TEST_CASE("a state missing runs or of another job is refused", "[shard]") {
  const auto cs = compile_small("mc");
  RunState s = make_state(*cs);
  simulate(*cs, 0, 2, s);
  CHECK_THROWS_AS(summarise(*cs, s), std::invalid_argument);  // 2048 of 5000 runs
  CHECK_THROWS_AS(simulate(*cs, 3, 6, s), std::invalid_argument);
  RunState other(1, 6, 0, 0);
  CHECK_THROWS_AS(s.merge(other), std::invalid_argument);
  RunState shifted = make_state(*cs);
  shifted.shift[0] += 1;
  CHECK_THROWS_AS(s.merge(shifted), std::invalid_argument);
}

TEST_CASE("part_of splits blocks evenly, disjointly and completely", "[shard]") {
  for (std::uint64_t nb : {1ULL, 2ULL, 7ULL, 1000ULL, (1ULL << 40) / 1024 + 1}) {
    for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 10ULL, 1000ULL}) {
      std::uint64_t next = 0, lo = UINT64_MAX, hi = 0;
      for (std::uint64_t k = 1; k <= n; ++k) {
        const BlockRange r = part_of(nb, k, n);
        CHECK(r.first == next);
        next = r.last;
        lo = std::min(lo, r.last - r.first);
        hi = std::max(hi, r.last - r.first);
      }
      CHECK(next == nb);
      CHECK(hi - lo <= 1);
    }
  }
  CHECK_THROWS_AS(part_of(10, 0, 3), std::invalid_argument);
  CHECK_THROWS_AS(part_of(10, 4, 3), std::invalid_argument);
}

TEST_CASE("the bundled scenario in three parts equals the single run", "[shard]") {
  LoadOptions lo;
  lo.sets = {"simulation.runs=6000"};
  const Scenario sc =
      load_scenario_text(std::string(bundled_scenario_text()), kBundledName, lo, builtin_registry());
  const auto cs = compile(sc, builtin_registry());
  const Results whole = run(*cs);
  RunState total = make_state(*cs);
  for (std::uint64_t k : {3, 1, 2}) {
    const BlockRange r = part_of(block_count(*cs), k, 3);
    RunState s = make_state(*cs);
    simulate(*cs, r.first, r.last, s);
    total.merge(s);
  }
  CHECK(summarise(*cs, total) == whole);
}
