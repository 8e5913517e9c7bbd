// run --precision: the adaptive schedule is deterministic, its last round is a plain run,
// the half-widths meet E when reached, and the cap is respected (engine/analysis/precision.h).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/analysis/precision.h"
#include "engine/cli/cli.h"
#include "engine/core/error.h"
#include "tests/support/cli.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using namespace plancast::test;

// tests/data/threshold.yaml (tests/support/scenarios.h): x = a, missed exactly when a < 0.3.
const std::string kScenario = data_path("threshold");

TEST_CASE("run --precision stops at the same point for any thread count", "[precision]") {
  const auto a =
      json_of(cli_run, {kScenario, "--precision", "0.004", "--runs", "1000000", "--threads", "1"});
  const auto b =
      json_of(cli_run, {kScenario, "--precision", "0.004", "--runs", "1000000", "--threads", "3"});
  CHECK(a == b);
  REQUIRE(a.contains("precision"));
  const auto& p = a["precision"];
  CHECK(p["reached"] == true);
  CHECK(p["target_half_width"] == 0.004);
  const std::uint64_t n = a["runs"];
  CHECK(p["rounds"].back() == n);
  CHECK(n % kPrecisionFirstRound == 0);
  for (const auto& t : a["targets"]) {
    const double lo = t["ci95"][0], hi = t["ci95"][1];
    CHECK((hi - lo) / 2 <= 0.004);
  }
  // The last round is exactly a plain run with that many runs.
  auto plain = json_of(cli_run, {kScenario, "--runs", std::to_string(n), "--threads", "2"});
  auto adaptive = a;
  adaptive.erase("precision");
  CHECK(adaptive == plain);
}

TEST_CASE("run --precision respects the run cap", "[precision]") {
  const auto a =
      json_of(cli_run, {kScenario, "--precision", "0.001", "--runs", "25000", "--threads", "2"});
  CHECK(a["runs"] == 25000);  // E = 0.001 needs ~800,000 runs: straight to the cap
  CHECK(a["precision"]["reached"] == false);
  CHECK(a["precision"]["rounds"] == nlohmann::json::array({10000, 25000}));
  // Without --runs the file's simulation.runs (100000) is the cap.
  const auto b = json_of(cli_run, {kScenario, "--precision", "0.001"});
  CHECK(b["runs"] == 100000);
  CHECK(b["precision"]["reached"] == false);
}

TEST_CASE("run --precision rejects bad values", "[precision]") {
  std::ostringstream out, err;
  CHECK_THROWS_AS(cli_run({kScenario, "--precision", "0"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_run({kScenario, "--precision", "abc"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_run({kScenario, "--precision", "0.7"}, out, err), UsageError);
}

TEST_CASE("next_round doubles on a fixed grid and jumps to the need", "[precision]") {
  Results r;
  r.runs = 10000;
  TargetResult t;
  t.p.hits = 5000;
  r.targets.push_back(t);
  PrecisionOptions o;
  o.cap = 1000000;
  o.half_width = 0.01;  // p = 0.5 needs about 9604 runs: the next grid point
  CHECK(next_round(10000, r, o) == 20000);
  o.half_width = 0.002;  // about 240,100 runs
  CHECK(next_round(10000, r, o) == 320000);
  o.cap = 150000;
  CHECK(next_round(10000, r, o) == 150000);
}
