// Tests of the first page's ranking (engine/analysis/drivers.h): Spearman's rho against
// closed forms, and the leading parameter of each target of tests/report/four.yaml.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "engine/analysis/drivers.h"
#include "engine/config/scenario.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

using namespace plancast;

TEST_CASE("spearman: ranks with ties, monotone maps, constants", "[drivers]") {
  // y ranks 1, 2, 3.5, 5, 3.5 against 1..5: sum of products of deviations 8, sums of
  // squares 10 and 9.5.
  CHECK(spearman({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7}) == Approx(8 / std::sqrt(95.0)).epsilon(1e-12));
  std::vector<double> x, up, down;
  for (int i = 0; i < 50; ++i) {
    x.push_back(std::sin(i * 1.7));
    up.push_back(std::exp(3 * x.back()));
    down.push_back(-std::pow(x.back(), 3));
  }
  CHECK(spearman(x, up) == Approx(1.0).epsilon(1e-12));
  CHECK(spearman(x, down) == Approx(-1.0).epsilon(1e-12));
  CHECK(std::isnan(spearman(x, std::vector<double>(50, 2.0))));
  CHECK(std::isnan(spearman({1, 2}, {2, 1})));
}

TEST_CASE("rank_drivers: each target's own trend leads, the same for any threads", "[drivers]") {
  const std::string path = std::string(PLANCAST_SOURCE_DIR) + "/tests/report/four.yaml";
  const Scenario sc = load_scenario_file(path, {}, builtin_registry());
  const auto cs = compile(sc, builtin_registry());
  RunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const DriverRanking a = rank_drivers(*cs, kDriverRuns, one);
  const DriverRanking b = rank_drivers(*cs, kDriverRuns, two);
  REQUIRE(a.runs == kDriverRuns);
  REQUIRE(a.targets.size() == 3);
  auto top = [&](const char* id) {
    const TargetDrivers* d = a.find(id);
    REQUIRE(d != nullptr);
    REQUIRE(!d->ranked.empty());
    return a.parameters[d->ranked.front().parameter];
  };
  CHECK(top("core_va_2025") == "core_trend");
  CHECK(top("listed_by_2030") == "listings");
  // core_va in 2025 grows at core_trend plus noise (sd 0.02 a year against the trend's
  // 0.035): rho well above 0.8, its standard error about 1/sqrt(2048) = 0.022.
  CHECK(a.find("core_va_2025")->ranked.front().rho > 0.8);
  for (std::size_t k = 0; k < a.targets.size(); ++k) {
    REQUIRE(a.targets[k].ranked.size() == b.targets[k].ranked.size());
    for (std::size_t i = 0; i < a.targets[k].ranked.size(); ++i) {
      CHECK(a.targets[k].ranked[i].rho == b.targets[k].ranked[i].rho);
      CHECK(a.targets[k].ranked[i].parameter == b.targets[k].ranked[i].parameter);
    }
  }
  // Fewer runs than asked: all of them.
  CHECK(rank_drivers(*cs, 300, two).runs == 300);
}

TEST_CASE("rank_drivers with discover: the box plancast discover finds on the same runs",
          "[drivers]") {
  const std::string path = std::string(PLANCAST_SOURCE_DIR) + "/tests/report/four.yaml";
  const Scenario sc = load_scenario_file(path, {}, builtin_registry());
  const auto cs = compile(sc, builtin_registry());
  RunOptions two;
  two.threads = 2;
  const DriverRanking d = rank_drivers(*cs, kDriverRuns, two, true);
  CHECK_FALSE(rank_drivers(*cs, kDriverRuns, two).targets[1].missed.has_value());
  const TargetDrivers* share = d.find("share_2025");
  REQUIRE(share != nullptr);
  REQUIRE(share->missed.has_value());
  // discover() on a job of exactly these 2048 runs (mc: run j is the same run in both).
  LoadOptions o;
  o.runs = kDriverRuns;
  const auto small = compile(load_scenario_file(path, o, builtin_registry()), builtin_registry());
  const DiscoverResult ref = discover(*small, "share_2025", DiscoverOptions{}, two);
  CHECK(share->missed->of_interest == ref.of_interest);
  CHECK(share->missed->chosen == ref.chosen);
  REQUIRE(share->missed->chosen_parameters.size() == ref.chosen_parameters.size());
  for (std::size_t i = 0; i < ref.chosen_parameters.size(); ++i) {
    CHECK(share->missed->chosen_parameters[i].index == ref.chosen_parameters[i].index);
    CHECK(share->missed->chosen_parameters[i].hi == ref.chosen_parameters[i].hi);
  }
}
