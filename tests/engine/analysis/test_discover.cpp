// PRIM scenario discovery: a sharp threshold is recovered within 5%, an irrelevant parameter
// is left alone, noise only blurs the box (engine/analysis/discover.h, `plancast discover`).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/analysis/discover.h"
#include "engine/cli/cli.h"
#include "engine/core/error.h"
#include "tests/support/cli.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using namespace plancast::test;

namespace {

// tests/data/threshold.yaml (tests/support/scenarios.h): x = a, missed exactly when a < 0.3.
const std::string kScenario = data_path("threshold");

nlohmann::json discover_json(std::vector<std::string> args) {
  args.insert(args.begin(), kScenario);
  return json_of(cli_discover, args);
}

/// A sample of n runs of two uniform parameters; y = 1 when a < 0.3, flipped with
/// probability `noise`.
void sample(std::size_t n, double noise, std::vector<double>& x, std::vector<std::uint8_t>& y) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0, 1);
  x.assign(2 * n, 0);
  y.assign(n, 0);
  for (std::size_t j = 0; j < n; ++j) {
    x[j] = u(rng);
    x[n + j] = u(rng);
    bool hit = x[j] < 0.3;
    if (u(rng) < noise) hit = !hit;
    y[j] = hit ? 1 : 0;
  }
}

/// PRIM on a sample of 20000 runs with `noise`: its chosen box must restrict a, with the
/// upper end within `tol` of the threshold 0.3.
DiscoverResult prim_threshold(double noise, double tol) {
  std::vector<double> x;
  std::vector<std::uint8_t> y;
  sample(20000, noise, x, y);
  DiscoverResult r = prim(x, y, {"a", "b"}, DiscoverOptions{});
  const PrimBox& box = r.boxes.at(r.chosen);
  REQUIRE(box.restricted[0]);
  CHECK(std::abs(box.limits[0][1] - 0.3) <= tol);
  return r;
}

}  // namespace

TEST_CASE("discover recovers a sharp threshold and leaves the other parameter", "[discover]") {
  const auto j = discover_json({"--target", "x_03", "--threads", "3"});
  CHECK(j["target"] == "x_03");
  CHECK(j["find"] == "missed");
  const std::size_t c = j["chosen"];
  const auto& box = j["boxes"].at(c);
  REQUIRE(box["limits"].contains("a"));
  const double hi = box["limits"]["a"][1];
  CHECK(std::abs(hi - 0.3) <= 0.05 * 0.3);
  if (box["limits"].contains("b")) {
    const double lo = box["limits"]["b"][0], bhi = box["limits"]["b"][1];
    CHECK(bhi - lo >= 0.9);
  }
  CHECK(box["coverage"] >= 0.95);
  CHECK(box["density"] >= 0.95);
  // The trajectory starts with the whole sample, unrestricted.
  CHECK(j["boxes"][0]["coverage"] == 1.0);
  CHECK(j["boxes"][0]["limits"].empty());
  CHECK(j["chosen_parameters"][0]["name"] == "a");
  // Same for any thread count.
  CHECK(discover_json({"--target", "x_03", "--threads", "1"}) == j);
}

TEST_CASE("discover --find met finds the lower limit", "[discover]") {
  const auto j = discover_json({"--target", "x_03", "--find", "met", "--runs", "20000"});
  const auto& box = j["boxes"].at(j["chosen"].get<std::size_t>());
  REQUIRE(box["limits"].contains("a"));
  const double lo = box["limits"]["a"][0];
  CHECK(std::abs(lo - 0.3) <= 0.05 * 0.3);
  CHECK(box["coverage"] >= 0.9);
  CHECK(box["density"] >= 0.95);
}

TEST_CASE("prim on a sharp threshold", "[discover]") {
  const DiscoverResult r = prim_threshold(0.0, 0.015);
  const PrimBox& box = r.boxes.at(r.chosen);
  CHECK(box.coverage >= 0.97);
  CHECK(box.density == 1.0);
  // Every box keeps at least min_mass of the runs; densities never fall while peeling.
  for (std::size_t i = 1; i < r.boxes.size(); ++i) {
    CHECK(r.boxes[i].mass >= 0.05);
    if (!r.boxes[i].pasted) CHECK(r.boxes[i].density >= r.boxes[i - 1].density);
  }
  REQUIRE(!r.chosen_parameters.empty());
  CHECK(r.chosen_parameters[0].index == 0);
  CHECK(r.chosen_parameters[0].quasi_p < 1e-6);
}

TEST_CASE("prim with 10% noise still finds the threshold approximately", "[discover]") {
  const DiscoverResult r = prim_threshold(0.10, 0.03);
  const PrimBox& box = r.boxes.at(r.chosen);
  // Inside a < 0.3 runs are of interest with probability 0.9.
  CHECK(box.density > 0.8);
  CHECK(box.coverage > 0.6);
  // b is unrestricted, or hardly.
  CHECK(box.limits[1][1] - box.limits[1][0] >= 0.85);
  CHECK(r.chosen_parameters[0].index == 0);
}

TEST_CASE("discover rejects an unknown target and bad options", "[discover]") {
  std::ostringstream out, err;
  CHECK_THROWS_AS(cli_discover({kScenario}, out, err), UsageError);
  CHECK_THROWS_AS(cli_discover({kScenario, "--target", "nope"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_discover({kScenario, "--target", "x_03", "--find", "x"}, out, err),
                  UsageError);
  CHECK_THROWS_AS(cli_discover({kScenario, "--target", "x_03", "--alpha", "0.6"}, out, err),
                  UsageError);
  CHECK_THROWS_AS(cli_discover({kScenario, "--target", "x_03", "--runs", "2000000"}, out, err),
                  UsageError);
}
