// Every run as a row (engine/sim/run_rows.h): the blocks' texts come in block order over
// several windows whatever the threads, the results are run()'s byte for byte, and the
// events' years recomputed from a block's parameters are the simulation's own.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <numeric>
#include <string>

#include "engine/config/scenario.h"
#include "engine/io/json.h"
#include "engine/sim/run_rows.h"
#include "models/register_builtin.h"

using namespace plancast;

namespace {

Scenario rows_scenario(std::uint64_t runs) {
  const std::string y =
      "plancast: 1\nname: r\nbase_year: 2020\nhorizon: 2026\n"
      "simulation: {runs: " +
      std::to_string(runs) +
      ", seed: 9}\nparameters:\n  p: {dist: normal, mean: 0.05, sd: 0.02}\n"
      "  c: {dist: uniform, min: 0.05, max: 0.4}\n"
      "events:\n  e: {probability: c, persistence: 0.6}\n"
      "indicators:\n  x: {base: 100, growth: {trend: p, noise: {sd: 0.01}, "
      "shocks: {event: e, size: -0.05}}}\n"
      "targets:\n  - {id: t, indicator: x, year: 2026, at_least: 125}\n";
  return load_scenario_text(y, "r.yaml", {}, builtin_registry());
}

/// Per block: "FIRST_RUN N SUM_OF_EVENT_YEARS\n".
class Summary final : public BlockRows {
 public:
  explicit Summary(const CompiledScenario& cs) : cs_(cs) {}
  const std::vector<WatchCell>& watch() const override { return watch_; }
  void format(const BlockView& b, std::string& out) const override {
    std::vector<std::uint32_t> years;
    event_years(cs_, b, years);
    out = std::to_string(b.first_run) + " " + std::to_string(b.n) + " " +
          std::to_string(std::accumulate(years.begin(), years.end(), std::uint64_t{0})) + "\n";
  }

 private:
  const CompiledScenario& cs_;
  std::vector<WatchCell> watch_{{"x", 2026}};
};

}  // namespace

TEST_CASE("run_rows: blocks in order over several windows, run()'s results, event years",
          "[run_rows][threads]") {
  const std::uint64_t runs = 40 * 256 + 17;  // 41 blocks: 3 windows at 1 thread
  const Scenario sc = rows_scenario(runs);
  const auto cs = compile(sc, builtin_registry());
  const Results plain = run(*cs);
  const std::string json = to_json_text(plain);
  std::uint64_t event_runs = 0;
  for (const EventResult& e : plain.events) {
    event_runs += std::accumulate(e.runs_on.begin(), e.runs_on.end(), std::uint64_t{0});
  }
  REQUIRE(event_runs > 0);
  std::string first;
  for (int threads : {1, 4, 2}) {
    INFO("threads " << threads);
    RunOptions o;
    o.threads = threads;
    std::string text;
    const Summary rows(*cs);
    const Results r = run_rows(*cs, o, rows, [&](std::string_view t) { text.append(t); });
    CHECK(to_json_text(r) == json);
    // Block order, every run once, the events' years summing to the simulation's counts.
    std::uint64_t next = 0, years = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t end = text.find('\n', pos);
      const std::string line = text.substr(pos, end - pos);
      std::uint64_t f = 0, n = 0, y = 0;
      REQUIRE(std::sscanf(line.c_str(), "%lu %lu %lu", &f, &n, &y) == 3);
      CHECK(f == next);
      next += n;
      years += y;
      pos = end + 1;
    }
    CHECK(next == runs);
    CHECK(years == event_runs);
    if (first.empty()) first = text;
    CHECK(text == first);
  }
}
