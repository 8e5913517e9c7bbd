// The reusable Simulator (engine/sim/simulator.h) and formula workers bound once (issue 15,
// part 6): workers are built once per thread and kept across calls, muparser parses a
// formula once per worker whatever the years and blocks, and results stay those of the
// free functions for any thread count.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "engine/config/scenario.h"
#include "engine/io/json.h"
#include "engine/sim/simulator.h"
#include "models/formula.h"
#include "models/register_builtin.h"

using namespace plancast;

namespace {

/// A growth indicator x, and y a formula muparser evaluates (max and ^ are not lowered),
/// over `years` years after 2020, `runs` runs.
Scenario formula_scenario(int years, std::uint64_t runs) {
  const std::string horizon = std::to_string(2020 + years);
  const std::string y = "plancast: 1\nname: f\nbase_year: 2020\nhorizon: " + horizon +
                        "\nsimulation: {runs: " + std::to_string(runs) +
                        ", seed: 7}\nparameters:\n  p: {dist: normal, mean: 0.05, sd: 0.02}\n"
                        "indicators:\n  x: {base: 100, growth: {trend: [{until: " +
                        horizon +
                        ", rate: p}], noise: {sd: 0.01}}}\n"
                        "  y: {formula: \"max(x, 101) + p ^ 2 + year / 1000\"}\n"
                        "targets:\n  - {id: t, indicator: y, year: " +
                        horizon + ", at_least: 105}\n";
  return load_scenario_text(y, "f.yaml", {}, builtin_registry());
}

RunOptions threads(int n) {
  RunOptions o;
  o.threads = n;
  return o;
}

}  // namespace

TEST_CASE("formula: muparser parses once per worker, not per block or year", "[simulator]") {
  // 8 blocks of runs. Before the workers bound muparser to stable rows, each worker
  // re-bound and re-parsed whenever the runner's swapped value buffers moved: about once
  // per block and year, so 20 years parsed about ten times as often as 2.
  std::uint64_t parses[2] = {0, 0};
  Results results[2];
  const int years[2] = {2, 20};
  for (int i = 0; i < 2; ++i) {
    const auto cs = compile(formula_scenario(years[i], 2048), builtin_registry());
    const std::uint64_t before = formula_worker_parses();
    results[i] = run(*cs, threads(1));
    parses[i] = formula_worker_parses() - before;
  }
  CHECK(parses[0] == parses[1]);
  // One thread: one worker for the pilot run and the blocks (the free run()'s Simulator).
  CHECK(parses[1] == 1);
  CHECK(results[1].targets.at(0).p.probability > 0);
}

TEST_CASE("Simulator: workers built once per thread and kept across calls", "[simulator]") {
  const auto cs = compile(formula_scenario(10, 1000), builtin_registry());
  Simulator sim(cs);
  const std::uint64_t before = formula_worker_parses();
  const Results first = sim.run(threads(1));
  CHECK(sim.worker_sets() == 1);
  for (int k = 0; k < 5; ++k) CHECK(to_json_text(sim.run(threads(1))) == to_json_text(first));
  // Six calls, one set of workers: one parse. A free run() builds its own each call.
  CHECK(sim.worker_sets() == 1);
  CHECK(formula_worker_parses() - before == 1);
  const std::uint64_t mid = formula_worker_parses();
  CHECK(to_json_text(run(*cs, threads(1))) == to_json_text(first));
  CHECK(to_json_text(run(*cs, threads(1))) == to_json_text(first));
  CHECK(formula_worker_parses() - mid == 2);
}

TEST_CASE("Simulator: reused workers give the results of fresh ones, any threads",
          "[simulator][threads]") {
  const Scenario sc = formula_scenario(10, 3000);
  const auto cs = compile(sc, builtin_registry());
  const std::string fresh = to_json_text(run(sc, builtin_registry(), threads(1)));
  Simulator sim(cs);
  for (int n : {1, 3, 2, 8, 1}) {
    INFO("threads " << n);
    CHECK(to_json_text(sim.run(threads(n))) == fresh);
  }
  // Parts of the job through one simulator, merged: the same state as the whole job.
  RunState total = sim.make_state();
  const std::uint64_t blocks = block_count(*cs);
  for (std::uint64_t k = 1; k <= 3; ++k) {
    const BlockRange r = part_of(blocks, k, 3);
    RunState part = sim.make_state(threads(2));
    sim.simulate(r.first, r.last, part, threads(2));
    total.merge(part);
  }
  CHECK(to_json_text(summarise(*cs, total)) == fresh);
  // Merged by move (the first part's sketches taken over, the later ones' added): the same.
  RunState moved = sim.make_state();
  for (std::uint64_t k = 1; k <= 3; ++k) {
    const BlockRange r = part_of(blocks, k, 3);
    RunState part = sim.make_state(threads(2));
    sim.simulate(r.first, r.last, part, threads(2));
    moved.merge(std::move(part));
  }
  CHECK(moved == total);
  CHECK(sim.worker_sets() <= 9);  // at most one per thread that ever ran a block
}
