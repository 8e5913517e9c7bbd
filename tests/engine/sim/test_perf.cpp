// Tests of the performance work (docs/performance.md): the fast paths give exactly the
// numbers of the general ones they replace.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

using namespace plancast;

TEST_CASE("lowered formulas equal muparser's evaluation bit for bit", "[perf][formula]") {
  // Each expression E is evaluated twice: lowered (plain arithmetic), and as
  // "(E) + 0 * abs(0)", which calls a function and so goes through muparser. x + 0 == x, so
  // every statistic of the two indicators must be identical, in every year.
  const std::vector<std::string> exprs = {"100 * x / (x + y)",
                                          "x + y - a * 3",
                                          "-x / 7 + y",
                                          "x * 3 * 7",
                                          "x * 0.1 * 3",
                                          "(x + 3) * 3",
                                          "2 * x + 1.1 * x",
                                          "(x - 0.1) * 0.3 + 0.2",
                                          "x",
                                          "a * (year - 2020) + y",
                                          "-(-x) - -y",
                                          "1.5e2 / (y - x) * .25",
                                          "x / (a - a)",
                                          "2.5",
                                          "(((x)))"};
  std::string yaml =
      "plancast: 1\nname: f\nbase_year: 2020\nhorizon: 2024\nsimulation: {runs: 3000, seed: "
      "9}\nparameters:\n  a: {dist: normal, mean: 0.5, sd: 0.3}\nindicators:\n"
      "  x: {base: 100, growth: {trend: 0.05, noise: {sd: 0.1}}}\n"
      "  y: {base: 80, growth: {trend: a, noise: {sd: 0.2}}}\n";
  // Strings built step by step: g++ 12 -O3 warns on "x" + std::string&& (PR105651).
  auto name = [](char c, std::size_t i) {
    std::string n(1, c);
    n += std::to_string(i);
    return n;
  };
  for (std::size_t i = 0; i < exprs.size(); ++i) {
    yaml += "  ";
    yaml += name('l', i);
    yaml += ": {formula: \"";
    yaml += exprs[i];
    yaml += "\"}\n  ";
    yaml += name('m', i);
    yaml += ": {formula: \"(";
    yaml += exprs[i];
    yaml += ") + 0 * abs(0)\"}\n";
  }
  const Scenario sc = load_scenario_text(yaml, "f.yaml", {}, builtin_registry());
  const Results r = run(sc, builtin_registry(), RunOptions{});
  auto find = [&](const std::string& name) -> const IndicatorResult& {
    for (const auto& ind : r.indicators) {
      if (ind.name == name) return ind;
    }
    FAIL("no indicator " << name);
    return r.indicators.front();
  };
  auto same = [](const std::vector<double>& u, const std::vector<double>& v) {
    if (u.size() != v.size()) return false;
    for (std::size_t k = 0; k < u.size(); ++k) {
      if (!(u[k] == v[k] || (u[k] != u[k] && v[k] != v[k]))) return false;
    }
    return true;
  };
  for (std::size_t i = 0; i < exprs.size(); ++i) {
    const IndicatorResult& l = find(name('l', i));
    const IndicatorResult& m = find(name('m', i));
    INFO("formula " << exprs[i]);
    CHECK(same(l.mean, m.mean));
    CHECK(same(l.sd, m.sd));
    CHECK(same(l.min, m.min));
    CHECK(same(l.max, m.max));
    CHECK(l.nonfinite == m.nonfinite);
    for (std::size_t q = 0; q < l.quantiles.size(); ++q)
      CHECK(same(l.quantiles[q], m.quantiles[q]));
  }
}
