// Golden JSON for the bundled Jiaxing scenario, and byte-identical JSON across threads.
// Regenerate the golden file after a deliberate change of the scenario or the engine with
//   PLANCAST_UPDATE_GOLDEN=1 build/tests/plancast_tests "[golden]"
// and say in the commit why the numbers moved.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "engine/config/scenario.h"
#include "engine/io/json.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

using namespace plancast;
using nlohmann::ordered_json;

namespace {

const std::string kSource = PLANCAST_SOURCE_DIR;

std::string run_json(const std::string& path, std::uint64_t runs, int threads,
                     const std::string& variant = "") {
  LoadOptions opts;
  opts.variant = variant;
  opts.sets.push_back("simulation.runs=" + std::to_string(runs));
  Scenario sc = load_scenario_file(path, opts, builtin_registry());
  RunOptions ro;
  ro.threads = threads;
  return to_json_text(run(sc, builtin_registry(), ro));
}

/// Same structure, same strings, numbers equal to a relative 1e-9 (room for a different
/// C library's last-bit rounding of exp/log, nothing more).
void compare(const ordered_json& got, const ordered_json& want, const std::string& where) {
  INFO(where);
  if (want.is_number() && got.is_number()) {
    const double a = got.get<double>(), b = want.get<double>();
    CHECK(std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)}));
    return;
  }
  REQUIRE(got.type() == want.type());
  if (want.is_object()) {
    REQUIRE(got.size() == want.size());
    auto g = got.begin();
    for (auto w = want.begin(); w != want.end(); ++w, ++g) {
      REQUIRE(g.key() == w.key());
      compare(*g, *w, where + "." + w.key());
    }
  } else if (want.is_array()) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      compare(got[i], want[i], where + "[" + std::to_string(i) + "]");
    }
  } else {
    CHECK(got == want);
  }
}

}  // namespace

TEST_CASE("golden JSON of the bundled Jiaxing scenario", "[golden]") {
  const std::string golden = kSource + "/tests/golden/jiaxing_2000.json";
  const std::string text = run_json(kSource + "/scenarios/jiaxing.yaml", 2000, 2);
  if (std::getenv("PLANCAST_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden) << text;
    WARN("golden file rewritten: " << golden);
  }
  std::ifstream in(golden);
  REQUIRE(in.good());
  std::stringstream want;
  want << in.rdbuf();
  compare(ordered_json::parse(text), ordered_json::parse(want.str()), "$");
}

TEST_CASE("the bundled scenario covers the whole plan", "[golden]") {
  // Issue 3: at least 14 indicators and 14 targets, every process used.
  const auto j = ordered_json::parse(run_json(kSource + "/scenarios/jiaxing.yaml", 500, 1));
  CHECK(j["indicators"].size() >= 14);
  CHECK(j["targets"].size() >= 14);
  Scenario sc = load_scenario_file(kSource + "/scenarios/jiaxing.yaml", {}, builtin_registry());
  std::set<std::string> processes;
  for (const auto& ind : sc.indicators) processes.insert(ind.process);
  CHECK(processes ==
        std::set<std::string>{"count", "firm_population", "formula", "growth", "logistic"});
}

TEST_CASE("JSON is byte-identical for threads 1, 2, 3, 4 and 8", "[determinism]") {
  const std::string path = kSource + "/scenarios/jiaxing.yaml";
  const std::string one = run_json(path, 20000, 1);
  for (int threads : {2, 3, 4, 8}) {
    INFO("threads " << threads);
    CHECK(run_json(path, 20000, threads) == one);
  }
  // A variant too (different base year, so different block contents).
  const std::string v1 = run_json(path, 5000, 1, "as_published");
  CHECK(run_json(path, 5000, 3, "as_published") == v1);
}
