// One rule for non-finite values (issue 13, defect 5; docs/reliability.md, "Non-finite
// values"): a run whose indicator value is NaN or ±inf meets no target, and is counted per
// target (`nonfinite`) and per indicator-year; a firm population following an undefined
// value is undefined too; means of finite values near 1e308 are reported although their sum
// overflows.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>

#include "engine/config/scenario.h"
#include "engine/io/json.h"
#include "engine/io/shard.h"
#include "engine/io/text.h"
#include "engine/sim/runner.h"
#include "engine/sim/sketch.h"
#include "models/register_builtin.h"
#include "tests/support/run.h"
#include "tests/support/scenarios.h"
#include "tests/support/stats.h"

using namespace plancast;
using namespace plancast::test;

namespace {

Scenario load(const std::string& yaml) {
  return load_text(yaml);
}

Results run_yaml(const std::string& yaml) {
  return run_text(yaml, 1);
}

std::size_t year_index(const Results& r, int year) {
  return static_cast<std::size_t>(year - r.years.front());
}

// r is 1/0 = +inf in 2025 in every run (the reproducer: reported 100% before).
// q is +inf where a < -1, NaN where -1 <= a < 0 and 20a otherwise.
// s is +inf in 2022 only: a `by` target "reached" there only through the infinity.
const std::string kMixed = data_scenario("nonfinite_mixed");

}  // namespace

TEST_CASE("a target on an indicator non-finite in every run is met in no run",
          "[nonfinite][runner]") {
  const Results r = run_yaml(kMixed);
  const TargetResult& t = target(r, "r_2025");
  CHECK(t.p.hits == 0);
  CHECK(t.p.probability == 0.0);
  CHECK(t.nonfinite == r.runs);
  CHECK(indicator(r, "r").nonfinite[year_index(r, 2025)] == r.runs);
  // The joint probability of 2025 (r_2025 and g_2025) is 0 too.
  REQUIRE(!r.joint.empty());
  for (const JointResult& g : r.joint) {
    if (g.year == 2025) CHECK(g.p.hits == 0);
  }
  // In the JSON, and said once as a warning.
  const auto j = to_json(r);
  CHECK(j["targets"][0]["nonfinite"] == r.runs);
  CHECK(j["targets"][1]["nonfinite"] == 0);
  const std::string w = nonfinite_warnings(r);
  CHECK(w.find("warning: target 'r_2025': 20000 of 20000 runs had a non-finite r in 2025") !=
        std::string::npos);
  CHECK(w.find("target 'g_2025'") == std::string::npos);
  CHECK(w.find("warning: indicator 'r': non-finite values") != std::string::npos);
  // Located at the target's line when the scenario is given.
  const Scenario sc = load(kMixed);
  CHECK(nonfinite_warnings(r, &sc).find("test.yaml:14:5: warning: target 'r_2025'") !=
        std::string::npos);
}

TEST_CASE("P(>=) + P(<=) + P(non-finite) = 1 for a partly NaN and infinite formula",
          "[nonfinite][runner][stat]") {
  const Results r = run_yaml(kMixed);
  const TargetResult& ge = target(r, "q_ge");
  const TargetResult& le = target(r, "q_le");
  const std::uint64_t bad = indicator(r, "q").nonfinite[year_index(r, 2030)];
  CHECK(ge.nonfinite == bad);
  CHECK(le.nonfinite == bad);
  // q = 10 exactly has probability 0: every run is in exactly one of the three.
  CHECK(ge.p.hits + le.p.hits + bad == r.runs);
  // P(a < 0) non-finite; P(q >= 10) = P(a >= 0.5); P(q <= 10) = P(0 <= a <= 0.5). Before
  // the rule the +inf runs (a < -1, 15.9%) counted as met for q_ge.
  const double n = static_cast<double>(r.runs);
  auto within = [n](double p_hat, double p) {
    return std::abs(p_hat - p) <= 5 * std::sqrt(p * (1 - p) / n);
  };
  CHECK(within(static_cast<double>(bad) / n, 0.5));
  CHECK(within(ge.p.probability, 1 - normal_cdf(0.5)));
  CHECK(within(le.p.probability, normal_cdf(0.5) - 0.5));
}

TEST_CASE("a `by` target is not reached through an infinite value", "[nonfinite][runner]") {
  const Results r = run_yaml(kMixed);
  const TargetResult& t = target(r, "s_by");
  // s: -0.5, -1, +inf, 1, 0.5 in 2020..2024: only the infinity is >= 5.
  CHECK(t.p.hits == 0);
  CHECK(t.nonfinite == r.runs);  // not reached, and non-finite in 2022
  for (double f : t.first_reach) CHECK(f == 0.0);
}

TEST_CASE("per-target non-finite counts merge exactly: threads, parts, shard state",
          "[nonfinite][shard]") {
  const Scenario sc = load(kMixed);
  const auto cs = compile(sc, builtin_registry());
  RunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const Results a = run(*cs, one);
  const Results b = run(*cs, two);
  // (Results hold NaN means, which compare unequal: compared as JSON, NaN as null.)
  REQUIRE(target(a, "q_ge").nonfinite > 0);
  CHECK(target(a, "q_ge").nonfinite == target(b, "q_ge").nonfinite);
  CHECK(to_json_text(a) == to_json_text(b));

  // Two parts, each through the shard file's state serialisation, merged in reverse order.
  const std::uint64_t nb = block_count(*cs);
  RunState total = make_state(*cs);
  for (std::uint64_t k : {2, 1}) {
    const BlockRange part = part_of(nb, k, 2);
    RunState s = make_state(*cs);
    simulate(*cs, part.first, part.last, s, two);
    const RunState back = state_from_json(nlohmann::json::parse(state_to_json(s).dump()), s);
    CHECK(back == s);
    CHECK(back.target_nonfinite == s.target_nonfinite);
    total.merge(back);
  }
  CHECK(to_json_text(summarise(*cs, total)) == to_json_text(a));
  // A forged count (more non-finite runs than runs that missed) is refused.
  RunState s = make_state(*cs);
  simulate(*cs, 0, nb, s, two);
  auto j = nlohmann::json::parse(state_to_json(s).dump());
  j["target_nonfinite"][1] = s.runs;  // g_2025 is met in some runs
  CHECK_THROWS_AS(state_from_json(j, s), std::invalid_argument);
}

TEST_CASE("a firm population following a NaN indicator is undefined, not empty",
          "[nonfinite][firm_population]") {
  const Results r = run_yaml(data_scenario("nonfinite_firms"));
  for (const char* name : {"f_over_10", "f_over_100"}) {
    const IndicatorResult& f = indicator(r, name);
    INFO(name);
    CHECK(f.nonfinite[year_index(r, 2021)] == 0);
    CHECK(std::isfinite(f.mean[year_index(r, 2021)]));
    for (int y : {2022, 2023, 2024}) {
      CHECK(f.nonfinite[year_index(r, y)] == r.runs);
      CHECK(std::isnan(f.mean[year_index(r, y)]));
    }
  }
  // Before: 0 firms in every run, so "at most 500 firms" was met in 100% of runs.
  CHECK(target(r, "few").p.hits == 0);
  CHECK(target(r, "few").nonfinite == r.runs);
}

TEST_CASE("a firm population following a value that turns infinite is undefined",
          "[nonfinite][firm_population]") {
  const Results r = run_yaml(data_scenario("nonfinite_firms_2"));
  // Before: every firm grew to +inf and counted above every threshold (1000 firms).
  CHECK(indicator(r, "f_over_100").nonfinite[year_index(r, 2022)] == r.runs);
  CHECK(indicator(r, "f_over_100").nonfinite[year_index(r, 2023)] == r.runs);
}

TEST_CASE("the mean of finite values near 1e308 is reported although their sum overflows",
          "[nonfinite][runner]") {
  // Values +-1.7e308 (run 0's value is the shift, so deviations reach 3.4e308 and overflow
  // themselves) and values in [1.5e308, 1.7e308] (their sum overflows).
  const Results r = run_yaml(data_scenario("nonfinite_huge"));
  const IndicatorResult& x = indicator(r, "x");
  const IndicatorResult& y = indicator(r, "y");
  const double n = static_cast<double>(r.runs);
  const double pos = static_cast<double>(target(r, "x_pos").p.hits);
  const double exact = 1.7e308 * ((pos - (n - pos)) / n);
  for (std::size_t t = 0; t < 2; ++t) {
    INFO("year index " << t);
    CHECK(x.nonfinite[t] == 0);
    REQUIRE(std::isfinite(x.mean[t]));
    CHECK(std::abs(x.mean[t] - exact) <= 1e-14 * 1.7e308);
    REQUIRE(std::isfinite(y.mean[t]));
    // Uniform on [1.5e308, 1.7e308]: mean 1.6e308, sd 0.2e308/sqrt(12).
    CHECK(std::abs(y.mean[t] - 1.6e308) <= 5 * 0.2e308 / std::sqrt(12.0) / std::sqrt(n));
    CHECK(y.mean[t] >= y.min[t]);
    CHECK(y.mean[t] <= y.max[t]);
    // Squared deviations overflow: the sd is unknown (null), never a false 0.
    CHECK(std::isnan(y.sd[t]));
  }
  // The same through a shard state round trip (the exact sums' carries are kept).
  const Scenario sc = load(data_scenario("nonfinite_huge_2"));
  const auto cs = compile(sc, builtin_registry());
  RunState s = make_state(*cs);
  simulate(*cs, 0, block_count(*cs), s);
  const RunState back = state_from_json(nlohmann::json::parse(state_to_json(s).dump()), s);
  CHECK(back == s);
  CHECK(summarise(*cs, back).indicators[0].mean == x.mean);
  // The carries travel in the shard state; a forged one beyond 4 units a run is refused.
  auto j = nlohmann::json::parse(state_to_json(s).dump());
  bool carried = false;
  for (const auto& cell : j["cells"]) carried = carried || cell["sum"].contains("carry");
  CHECK(carried);
  j["cells"][1]["sum"]["carry"] = std::int64_t{4} * 5000 + 4;
  CHECK_THROWS_AS(state_from_json(j, s), std::invalid_argument);
  j["cells"][1]["sum"]["carry"] = INT64_MIN;
  CHECK_THROWS_AS(state_from_json(j, s), std::invalid_argument);
}

TEST_CASE("ExactSum stays exact beyond the double range", "[nonfinite][sketch][fsum]") {
  ExactSum a;
  for (double v : {DBL_MAX, DBL_MAX, -DBL_MAX}) a.add(v);
  CHECK(a.value() == DBL_MAX);  // was +inf: the first two overflowed
  ExactSum b;
  for (double v : {DBL_MAX, -DBL_MAX, DBL_MAX}) b.add(v);
  CHECK(a == b);
  ExactSum big;
  for (int i = 0; i < 1000; ++i) big.add(DBL_MAX);
  CHECK(std::isinf(big.value()));
  CHECK(big.value_scaled(-64) == std::ldexp(DBL_MAX, -64) * 1000);
  // Merging in either order, and cancelling back into range.
  ExactSum neg;
  for (int i = 0; i < 999; ++i) neg.add(-DBL_MAX);
  ExactSum m1 = big, m2 = neg;
  m1.merge(neg);
  m2.merge(big);
  CHECK(m1.value() == DBL_MAX);
  CHECK(m2.value() == DBL_MAX);
  CHECK(m1 == m2);
  CHECK_FALSE(m1 == big);
  // Rebuilt from its parts (shard files).
  const ExactSum r = ExactSum::from_parts(big.partials(), big.special(), big.carry());
  CHECK(r == big);
  CHECK(r.value_scaled(-64) == big.value_scaled(-64));
}
