// Tests of issue 14, parts 6 and 7: targets the model cannot reach (audit grades them
// inconsistent; validate and run warn) and plausibility warnings (growth rates that look
// like percentages, % bases, % series outside [0, 100] after a run).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/analysis/audit.h"
#include "engine/analysis/plausibility.h"
#include "engine/analysis/reach.h"
#include "engine/cli/cli.h"
#include "engine/config/scenario.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"
#include "tests/support/cli.h"
#include "tests/support/files.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using namespace plancast::test;

namespace {

const std::string kSource = PLANCAST_SOURCE_DIR;

/// One indicator of each process; the targets are replaced by --set in most tests.
const std::string kReach = data_scenario("audit_reach");

Scenario load(const std::vector<std::string>& sets = {}) {
  LoadOptions opts;
  opts.sets = sets;
  return load_scenario_text(kReach, "reach.yaml", opts, builtin_registry());
}

/// The unreachable-target finding of a scenario whose only target is `target` (YAML map).
std::optional<AuditFinding> reach_of(const std::string& target) {
  const Scenario sc = load({"targets=[" + target + "]"});
  REQUIRE(sc.targets.size() == 1);
  return unreachable_target(sc, sc.targets[0]);
}

const AuditFinding* find(const std::vector<AuditFinding>& fs, const std::string& kind,
                         const std::string& subject) {
  for (const AuditFinding& f : fs) {
    if (f.kind == kind && f.subject == subject) return &f;
  }
  return nullptr;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("reach: a logistic target at or beyond its cap is inconsistent", "[audit][reach]") {
  for (const char* value : {"100", "101"}) {
    const auto f =
        reach_of(std::string("{id: t, indicator: pen, year: 2030, at_least: ") + value + "}");
    REQUIRE(f);
    CHECK(f->grade == AuditGrade::inconsistent);
    CHECK(f->kind == "target");
    CHECK(f->value("reachable_max") == 100);
    CHECK(contains(f->message, "strictly below its cap 100"));
    CHECK(contains(f->message, "at_least: 99.5"));
  }
  const auto zero = reach_of("{id: t, indicator: pen, year: 2030, at_most: 0}");
  REQUIRE(zero);
  CHECK(contains(zero->message, "strictly above 0"));
  CHECK(zero->value("reachable_min") == 0);
  CHECK(reach_of("{id: t, indicator: pen, year: 2030, at_most: -3}"));
  // Just inside the open interval: reachable.
  CHECK_FALSE(reach_of("{id: t, indicator: pen, year: 2030, at_least: 99.5}"));
  CHECK_FALSE(reach_of("{id: t, indicator: pen, year: 2030, at_most: 0.5}"));
}

TEST_CASE("reach: counts below their base without exits, above it without arrivals",
          "[audit][reach]") {
  const auto f = reach_of("{id: t, indicator: listed, year: 2025, at_most: 12}");
  REQUIRE(f);
  CHECK(f->grade == AuditGrade::inconsistent);
  CHECK(f->value("reachable_min") == 13);
  CHECK(contains(f->message, "without exits (exit 0) never falls below its base 13"));
  CHECK_FALSE(reach_of("{id: t, indicator: listed, year: 2025, at_most: 13}"));
  // With exits a count can fall: reachable, down to 0.
  CHECK_FALSE(reach_of("{id: t, indicator: certified, year: 2025, at_most: 200}"));
  CHECK(reach_of("{id: t, indicator: certified, year: 2025, at_most: -1}"));
  // rate 0: no arrivals, never above the base.
  const auto frozen = reach_of("{id: t, indicator: frozen, year: 2025, at_least: 21}");
  REQUIRE(frozen);
  CHECK(contains(frozen->message, "rate 0 (no arrivals) never rises above its base 20"));
  CHECK_FALSE(reach_of("{id: t, indicator: frozen, year: 2025, at_least: 20}"));
}

TEST_CASE("reach: growth by form, firm populations by entry, formulas unknown", "[audit][reach]") {
  // Simple form: the rate is floored at -1, so 0 is reachable; log form never reaches 0.
  CHECK_FALSE(reach_of("{id: t, indicator: gdp, year: 2025, at_most: 0}"));
  CHECK(reach_of("{id: t, indicator: gdp, year: 2025, at_most: -1}"));
  const auto log0 = reach_of("{id: t, indicator: gdp_log, year: 2025, at_most: 0}");
  REQUIRE(log0);
  CHECK(contains(log0->message, "log form from base 5509.8 stays strictly above 0"));
  CHECK_FALSE(reach_of("{id: t, indicator: gdp_log, year: 2025, at_least: 1e12}"));
  // Without entry no threshold counts more than the 30 firms above the lowest one.
  const auto firms = reach_of("{id: t, indicator: firms_over_100, year: 2025, at_least: 31}");
  REQUIRE(firms);
  CHECK(firms->value("reachable_max") == 30);
  CHECK_FALSE(reach_of("{id: t, indicator: firms_over_100, year: 2025, at_least: 30}"));
  CHECK_FALSE(reach_of("{id: t, indicator: entrants_over_100, year: 2025, at_least: 31}"));
  // A formula states no range: never graded by reach.
  CHECK_FALSE(reach_of("{id: t, indicator: ict_share, year: 2025, at_least: 1000}"));
  CHECK_FALSE(output_range(load(), "ict_share"));
}

TEST_CASE("reach: audit grades the full-coverage target inconsistent, located", "[audit][reach]") {
  const Scenario sc = load();
  const AuditReport r = audit_scenario(sc);
  const AuditFinding* full = find(r.findings, "target", "full");
  REQUIRE(full);
  CHECK(full->grade == AuditGrade::inconsistent);  // was "ok (not checkable)"
  CHECK(r.inconsistent());
  CHECK(full->loc.line == 23);  // the target's line in kReach
  CHECK(full->loc.col == 5);
  const AuditFinding* high = find(r.findings, "target", "pen_high");
  REQUIRE(high);
  CHECK(high->grade != AuditGrade::inconsistent);
  // One finding per target: the unreachable one replaces the growth finding.
  int n = 0;
  for (const AuditFinding& f : r.findings) n += (f.kind == "target" && f.subject == "full");
  CHECK(n == 1);
  const std::vector<std::string> w = scenario_warnings(sc);
  REQUIRE(w.size() == 1);
  CHECK(std::regex_search(w[0], std::regex("^reach\\.yaml:23:5: warning: target 'full': pen >= "
                                           "100 in 2030: cannot be met")));
}

TEST_CASE("plausibility: growth rates written as percentages", "[audit][plausibility]") {
  CHECK(plausibility_findings(load()).empty());
  // A constant: located at the value.
  const auto c = plausibility_findings(load({"indicators.gdp.growth.trend=5"}));
  REQUIRE(c.size() == 1);
  CHECK(c[0].kind == "plausibility");
  CHECK(c[0].grade == AuditGrade::warning);
  CHECK(c[0].subject == "gdp");
  CHECK(c[0].value("probably_meant") == Approx(0.05));
  CHECK(contains(c[0].message, "gdp's growth `trend` 5 is 500% a year: did you mean 0.05 (5%)?"));
  // A parameter: its median, located at the parameter, naming its uses.
  const Scenario sp = load({"parameters.ict_trend.mean=5"});
  const auto p = plausibility_findings(sp);
  REQUIRE(p.size() == 1);
  CHECK(p[0].subject == "ict_trend");
  CHECK(p[0].value("median_rate") == Approx(5));
  CHECK(p[0].loc == sp.find_parameter("ict_trend")->loc);
  CHECK(contains(p[0].message, "parameter ict_trend (ict's growth `trend`) has median 5"));
  CHECK(contains(p[0].message, "did you mean 0.05"));
  // Below -0.5; a count's rate_growth; the edges themselves pass.
  CHECK(plausibility_findings(load({"indicators.gdp.growth.trend=-0.8"})).size() == 1);
  CHECK(contains(plausibility_findings(load({"indicators.gdp.growth.trend=-0.8"}))[0].message,
                 "more than half lost every year: did you mean -0.008"));
  CHECK(plausibility_findings(load({"indicators.listed.count.rate_growth=1.5"})).size() == 1);
  CHECK(plausibility_findings(load({"indicators.gdp.growth.trend=1"})).empty());
  CHECK(plausibility_findings(load({"indicators.gdp.growth.trend=-0.5"})).empty());
  // A firm population's own rate; not a logistic's logit rate.
  CHECK(plausibility_findings(load({"indicators.firms.firm_population.rate=3"})).size() == 1);
  CHECK(plausibility_findings(load({"indicators.pen.logistic.trend=3"})).empty());
}

TEST_CASE("plausibility: % bases outside [0, 100] or written as a fraction",
          "[audit][plausibility]") {
  std::string text = kReach;
  text.replace(text.find("base: 81.7"), 10, "base: 0.556");
  const auto frac = plausibility_findings(
      load_scenario_text(text, "reach.yaml", LoadOptions{}, builtin_registry()));
  REQUIRE(frac.size() == 1);
  CHECK(frac[0].subject == "pen");
  CHECK(contains(frac[0].message, "did you mean base: 55.6"));
  CHECK(frac[0].loc.str() == "reach.yaml:11:11");  // the base's value
  CHECK(plausibility_findings(load({"indicators.pen.base=0.556"})).size() == 1);
  // Outside [0, 100] for any % indicator (a growth here).
  const auto over = plausibility_findings(
      load({"indicators.gdp.unit='%'", "indicators.gdp.base=150", "targets=[]"}));
  REQUIRE(over.size() == 1);
  CHECK(contains(over[0].message, "outside [0, 100]"));
  // A fraction without a cap of 100 is a small share, not a slip.
  CHECK(
      plausibility_findings(load({"indicators.gdp.unit='%'", "indicators.gdp.base=0.5"})).empty());
  // Units.
  CHECK(is_percent_unit("%"));
  CHECK(is_percent_unit(" % of GDP"));
  CHECK(is_percent_unit("Percent"));
  CHECK_FALSE(is_percent_unit("%/yr"));
  CHECK_FALSE(is_percent_unit("100M CNY"));
  CHECK_FALSE(is_percent_unit(""));
}

TEST_CASE("plausibility: a % series above 100 after a run", "[audit][plausibility]") {
  // ICT grows at 500% a year: its share of GDP passes 100% (the issue's 172% median).
  const Scenario sc = load({"parameters.ict_trend.mean=5", "targets=[]"});
  const Results res = run(*compile(sc, builtin_registry()), RunOptions{});
  const auto after = plausibility_after_run(sc, res);
  REQUIRE(after.size() == 1);
  CHECK(after[0].subject == "ict_share");
  CHECK(after[0].value("p99") > 100);
  CHECK(after[0].value("year") == 2022);  // 100 * 300 * 6^2 / (5509.8 * 1.05^2) = 178
  CHECK(after[0].loc == sc.find_indicator("ict_share")->loc);
  CHECK(contains(after[0].message, "cannot exceed 100%"));
  const Scenario ok = load({"targets=[]"});
  CHECK(plausibility_after_run(ok, run(*compile(ok, builtin_registry()), RunOptions{})).empty());
}

TEST_CASE("reach and plausibility: validate and run warn, located, exit 0", "[audit][cli]") {
  const std::string path = temp_file("reach.yaml", kReach);
  const CliResult v = call(cli_validate, {path});
  CHECK(v.code == 0);
  CHECK(std::regex_search(v.err, std::regex(":23:5: warning: target 'full': ")));
  CHECK(contains(v.out, "ok: reach"));
  const CliResult r = call(cli_run, {path, "-q", "--set", "parameters.ict_trend.mean=5"});
  CHECK(r.code == 0);
  CHECK(std::regex_search(r.err, std::regex(":23:5: warning: target 'full': ")));
  CHECK(std::regex_search(r.err, std::regex(":7:[0-9]+: warning: parameter ict_trend ")));
  CHECK(std::regex_search(r.err, std::regex(": warning: ict_share: its simulated p99 ")));
  // A warning from a --set is located at the --set as typed, after --runs and --seed.
  const CliResult s = call(cli_run, {path, "-q", "--runs", "400", "--seed", "3", "--set",
                                     "indicators.gdp.growth.trend=5"});
  CHECK(s.code == 0);
  CHECK(contains(s.err, "--set:1:29: warning: gdp's growth `trend` 5 is 500% a year"));
}

TEST_CASE("reach and plausibility: validate names the variant a warning comes from",
          "[audit][cli]") {
  const std::string path = temp_file(
      "reach_variants.yaml",
      std::string(kReach) +
          "variants:\n  slip: {indicators.gdp.growth.trend: 5}\n  fine: {indicators.gdp.base: "
          "6000}\n");
  const CliResult v = call(cli_validate, {path});
  CHECK(v.code == 0);
  // The base's warning once (every variant has it too), the variant's own marked.
  CHECK(std::regex_search(v.err, std::regex(R"(warning: target 'full': [^\n]*\n)")));
  CHECK_FALSE(std::regex_search(v.err, std::regex(R"(target 'full'[^\n]*\(variant)")));
  CHECK(std::regex_search(
      v.err,
      std::regex(R"(warning: gdp's growth `trend` 5 is 500% a year[^\n]*\(variant slip\))")));
  std::size_t lines = 0;
  for (char c : v.err) lines += c == '\n';
  CHECK(lines == 2);
  // --variant: that variant's warnings only, unmarked.
  const CliResult s = call(cli_validate, {path, "--variant", "slip"});
  CHECK(contains(s.err, "500% a year"));
  CHECK_FALSE(contains(s.err, "(variant"));
}

TEST_CASE("reach and plausibility: the bundled scenario gains no warning", "[audit][cli]") {
  const std::string path = kSource + "/scenarios/jiaxing.yaml";
  const CliResult v = call(cli_validate, {path});
  CHECK(v.code == 0);
  CHECK(v.err.empty());
  // Nor does its run: industry is the sum of its parts, so the core's share of it stays
  // below 100% (before, p99 102.6% in 2033 at these 20,000 runs: a warning).
  const CliResult r = call(cli_run, {path, "-q", "--runs", "20000"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  for (const char* variant : {"", "as_published", "policy_push", "g5_built"}) {
    LoadOptions opts;
    opts.variant = variant;
    const Scenario sc = load_scenario_file(path, opts, builtin_registry());
    CHECK(scenario_warnings(sc).empty());
    for (const AuditFinding& f : audit_scenario(sc).findings) CHECK(f.kind != "plausibility");
  }
}
