// Tests of the result writers (JSON, CSV, text), make_proportion and the CLI subcommands
// called in-process. Output files (the transaction): test_output_file.cpp.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/cli/cli.h"
#include "engine/core/error.h"
#include "engine/core/utf8.h"
#include "engine/io/csv.h"
#include "engine/io/json.h"
#include "engine/io/text.h"
#include "engine/sim/results.h"
#include "tests/support/cli.h"
#include "tests/support/files.h"

using namespace plancast;
using namespace plancast::test;
namespace fs = std::filesystem;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

IndicatorResult make_indicator(const std::string& name, const std::string& unit, double base,
                               std::size_t years) {
  IndicatorResult ind;
  ind.name = name;
  ind.unit = unit;
  for (std::size_t t = 0; t < years; ++t) {
    const double v = base * (1.0 + 0.1 * static_cast<double>(t));
    ind.mean.push_back(v);
    ind.sd.push_back(0.1 * v);
    ind.min.push_back(0.5 * v);
    ind.max.push_back(1.5 * v);
    for (std::size_t q = 0; q < 9; ++q) {
      ind.quantiles[q].push_back(v * (0.8 + 0.05 * static_cast<double>(q)));
    }
    ind.nonfinite.push_back(0);
  }
  return ind;
}

/// Three years (2020-2022), two indicators, a plain and a `by` target, one joint group.
/// A target judged in 2022.
TargetResult target_2022(const std::string& id, const std::string& indicator, const std::string& op,
                         double value, const Proportion& p) {
  TargetResult t;
  t.id = id;
  t.indicator = indicator;
  t.year = 2022;
  t.op = op;
  t.value = value;
  t.p = p;
  return t;
}

Results sample_results() {
  Results r;
  r.plancast_version = "0.1.0";
  r.scenario = "test-scenario";
  r.title = "A test scenario";
  r.scenario_sha256 = std::string(64, 'a');
  r.runs = 1000;
  r.seed = 42;
  r.sampler = "mc";
  r.years = {2020, 2021, 2022};
  r.report_years = {2022};
  r.indicators.push_back(make_indicator("gdp", "100M CNY", 5509.8, 3));
  r.indicators[0].title = "Gross domestic product";
  r.indicators[0].counters.push_back(
      CounterResult{"floored", "steps floored", "falls floored", {0, 0, 0}});
  r.indicators.push_back(make_indicator("share", "%", 9.2, 3));
  r.indicators[1].mean[2] = kNaN;
  r.indicators[1].nonfinite[2] = 3;
  r.targets.push_back(target_2022("gdp_2022", "gdp", ">=", 6000, make_proportion(412, 1000)));
  TargetResult b = target_2022("share_by_2022", "share", "<=", 10.5, make_proportion(300, 1000));
  b.by = true;
  b.nonfinite = 7;
  b.first_reach = {0.0, 0.1, 0.2};
  r.targets.push_back(b);
  JointResult j;
  j.year = 2022;
  j.targets = {"gdp_2022", "share_by_2022"};
  j.p = make_proportion(100, 1000);
  r.joint.push_back(j);
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (const auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

}  // namespace

TEST_CASE("make_proportion: Wilson 95% interval against closed forms", "[io][proportion]") {
  const Proportion half = make_proportion(50, 100);
  CHECK(half.hits == 50);
  CHECK(half.probability == 0.5);
  CHECK(half.std_error == Approx(0.05).epsilon(1e-12));
  CHECK(half.ci95[0] == Approx(0.4038).margin(5e-5));
  CHECK(half.ci95[1] == Approx(0.5962).margin(5e-5));

  // k = 0: lower bound exactly 0, upper z²/(n + z²); k = n mirrors it.
  const double z2 = 1.959963984540054 * 1.959963984540054;
  const Proportion none = make_proportion(0, 100);
  CHECK(none.probability == 0);
  CHECK(none.std_error == 0);
  CHECK(none.ci95[0] == 0);
  CHECK(none.ci95[1] == Approx(z2 / (100 + z2)).epsilon(1e-12));
  const Proportion all = make_proportion(100, 100);
  CHECK(all.ci95[1] == 1);
  CHECK(all.ci95[0] == Approx(1 - z2 / (100 + z2)).epsilon(1e-12));

  // 412 of 1000: p = 0.412, se = sqrt(.412 .588 / 1000); centre 0.412337 and half-width
  // 0.030449 worked by hand from the formula.
  const Proportion p = make_proportion(412, 1000);
  CHECK(p.std_error == Approx(std::sqrt(0.412 * 0.588 / 1000)).epsilon(1e-12));
  CHECK(p.ci95[0] == Approx(0.381888).margin(2e-6));
  CHECK(p.ci95[1] == Approx(0.442786).margin(2e-6));
  CHECK(p.ci95[0] < p.probability);
  CHECK(p.probability < p.ci95[1]);

  const Proportion empty = make_proportion(0, 0);
  CHECK(empty.probability == 0);
  CHECK(empty.ci95 == std::array<double, 2>{0.0, 1.0});
}

TEST_CASE("JSON: SPEC §3 field names and order", "[io][json]") {
  const Results r = sample_results();
  const auto j = to_json(r);
  CHECK(keys(j) == std::vector<std::string>{"plancast_version", "scenario", "title", "variant",
                                            "scenario_sha256", "runs", "seed", "sampler", "years",
                                            "report_years", "indicators", "targets", "joint"});
  CHECK(j["variant"].is_null());
  CHECK(j["runs"] == 1000);
  CHECK(j["years"] == nlohmann::json::array({2020, 2021, 2022}));
  CHECK(keys(j["indicators"]) == std::vector<std::string>{"gdp", "share"});
  CHECK(keys(j["indicators"]["gdp"]) ==
        std::vector<std::string>{"unit", "title", "mean", "sd", "min", "max", "quantiles",
                                 "quantiles_ci95", "nonfinite", "floored"});
  // No title key when the title is empty.
  CHECK(keys(j["indicators"]["share"]) == std::vector<std::string>{"unit", "mean", "sd", "min",
                                                                   "max", "quantiles",
                                                                   "quantiles_ci95", "nonfinite"});
  CHECK(keys(j["indicators"]["gdp"]["quantiles"]) ==
        std::vector<std::string>{"p01", "p05", "p10", "p25", "p50", "p75", "p90", "p95", "p99"});
  CHECK(j["indicators"]["gdp"]["mean"].size() == 3);
  CHECK(j["indicators"]["share"]["mean"][2].is_null());  // NaN → null
  CHECK(j["indicators"]["share"]["nonfinite"][2] == 3);

  REQUIRE(j["targets"].size() == 2);
  CHECK(keys(j["targets"][0]) == std::vector<std::string>{"id", "indicator", "year", "op", "value",
                                                          "by", "probability", "std_error", "ci95",
                                                          "hits", "nonfinite"});
  CHECK(keys(j["targets"][1]) == std::vector<std::string>{"id", "indicator", "year", "op", "value",
                                                          "by", "probability", "std_error", "ci95",
                                                          "hits", "nonfinite", "first_reach"});
  CHECK(j["targets"][0]["nonfinite"] == 0);
  CHECK(j["targets"][1]["nonfinite"] == 7);
  CHECK(j["targets"][0]["probability"] == 0.412);
  CHECK(j["targets"][0]["hits"] == 412);
  CHECK(j["targets"][1]["op"] == "<=");
  CHECK(j["targets"][1]["by"] == true);
  CHECK(j["targets"][1]["first_reach"].size() == 3);
  REQUIRE(j["joint"].size() == 1);
  CHECK(keys(j["joint"][0]) ==
        std::vector<std::string>{"year", "targets", "probability", "std_error", "ci95"});
  CHECK(j["joint"][0]["targets"] == nlohmann::json::array({"gdp_2022", "share_by_2022"}));

  Results v = r;
  v.variant = "policy_push";
  CHECK(to_json(v)["variant"] == "policy_push");
}

TEST_CASE("JSON text: 2-space indent, final newline, doubles round-trip", "[io][json]") {
  Results r = sample_results();
  r.indicators[0].mean[1] = 0.1;
  r.indicators[0].sd[1] = 1.0 / 3.0;
  const std::string text = to_json_text(r);
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  CHECK(text.rfind("{\n  \"plancast_version\": \"0.1.0\",\n", 0) == 0);
  CHECK(text.find("time") == std::string::npos);
  CHECK(text.find("thread") == std::string::npos);
  const auto back = nlohmann::json::parse(text);
  CHECK(back["indicators"]["gdp"]["mean"][1].get<double>() == 0.1);
  CHECK(back["indicators"]["gdp"]["sd"][1].get<double>() == 1.0 / 3.0);
  CHECK(text.find("\"mean\": [\n") != std::string::npos);
  CHECK(to_json_text(r) == text);  // deterministic
  // Invalid UTF-8 in a title does not throw.
  r.title = "bad \xff byte";
  CHECK_NOTHROW(to_json_text(r));
}

TEST_CASE("CSV: long format, header, rows and quoting", "[io][csv]") {
  Results r = sample_results();
  r.targets[0].id = "gdp,\"2022\"";
  const std::string text = to_csv_text(r);
  const auto lines = lines_of(text);
  REQUIRE(!lines.empty());
  CHECK(lines[0] == "indicator,year,statistic,value");
  // 2 indicators × 3 years × 14 statistics, gdp's counter "floored" × 3 years, 2 targets × 6,
  // 3 first_reach rows, 1 joint × 5.
  CHECK(lines.size() == 1 + 2 * 3 * 14 + 3 + 2 * 6 + 3 + 5);
  CHECK(lines[1] == "gdp,2020,mean,5509.8");
  CHECK(lines[2] == "gdp,2020,sd,550.98");
  CHECK(lines[5] == "gdp,2020,p01,4407.84");
  CHECK(lines[14] == "gdp,2020,nonfinite,0");
  CHECK(lines[15] == "gdp,2020,floored,0");
  CHECK(text.find("\nshare,2022,mean,\n") != std::string::npos);  // NaN → empty
  check_contains(
      text,
      {"\nshare,2022,nonfinite,3\n", "\n\"target:gdp,\"\"2022\"\"\",2022,probability,0.412\n",
       "\ntarget:share_by_2022,2022,ci95_hi,", "\ntarget:share_by_2022,2021,first_reach,0.1\n",
       "\ntarget:share_by_2022,2022,nonfinite,7\n", "\njoint,2022,hits,100\n"});
  for (const auto& l : lines) {
    // Every row has exactly 4 fields (quoted commas aside).
    if (l.rfind("\"", 0) == 0) continue;
    CHECK(std::count(l.begin(), l.end(), ',') == 3);
  }
}

TEST_CASE("text summary: content and 100-column limit", "[io][text]") {
  Results r = sample_results();
  const std::string text = to_text_summary(r);
  check_contains(text, {"A test scenario", "1000 runs", "seed 42", "41.2%", "by 2022", ">= 6000",
                        "100M CNY", "non-finite"});
  for (const auto& l : lines_of(text)) CHECK(display_width(l) <= kTextWidth);

  // Very long names, units and titles wrap within 100 columns and are never cut (issue 19:
  // the bundled run printed two rows that both read "digital_firms_over_~").
  r.title = std::string(300, 'T') + " 嘉兴数字经济发展规划嘉兴数字经济发展规划嘉兴数字经济发展规划";
  r.variant = std::string(150, 'v');
  r.indicators[0].name = std::string(80, 'n');
  r.indicators[0].unit = std::string(80, 'u');
  r.targets[0].id = std::string(90, 'i');
  r.targets[0].indicator = std::string(90, 'x');
  r.targets[0].value = 1.234e15;
  const std::string wide = to_text_summary(r);
  for (const auto& l : lines_of(wide)) CHECK(display_width(l) <= kTextWidth);
  CHECK(wide.find('~') == std::string::npos);
  // Every character of each long name is printed: its runs of the letter add up to it.
  auto letters = [&wide](char c) {
    std::size_t total = 0, run = 0;
    for (const char x : wide + " ") {
      if (x == c) {
        ++run;
      } else {
        if (run >= 5) total += run;
        run = 0;
      }
    }
    return total;
  };
  CHECK(letters('T') == 300);
  CHECK(letters('v') == 150);
  CHECK(letters('n') == 80);
  CHECK(letters('u') == 80);
  CHECK(letters('i') == 90);
  CHECK(letters('x') == 90);
}

TEST_CASE("break_text and row_lines: identifiers continue on the next line, never cut",
          "[io][text]") {
  CHECK(break_text("digital_firms_over_100", 22) ==
        std::vector<std::string>{"digital_firms_over_100"});
  CHECK(break_text("digital_firms_over_100", 20) ==
        std::vector<std::string>{"digital_firms_over_", "100"});
  CHECK(break_text("digital_firms_over_100", 12) ==
        std::vector<std::string>{"digital_", "firms_over_", "100"});
  CHECK(break_text("abcdefghij", 4) == std::vector<std::string>{"abcd", "efgh", "ij"});
  CHECK(break_text("core_va@2025", 8) == std::vector<std::string>{"core_va@", "2025"});
  CHECK(break_text("嘉兴市工业", 5) == std::vector<std::string>{"嘉兴", "市工", "业"});
  CHECK(break_text("two words here", 9) == std::vector<std::string>{"two words", "here"});
  CHECK(break_text("", 3) == std::vector<std::string>{""});
  CHECK(row_lines({{"firms_10bn_2025", 10, Align::left, "  "}, {"92.7%", 6, Align::right, " "}}) ==
        std::vector<std::string>{"  firms_      92.7%", "  10bn_2025"});
}

TEST_CASE("text summary of the bundled scenario: every name whole", "[io][text][cli]") {
  std::ostringstream out, err;
  REQUIRE(cli_run({"--runs", "500", "--threads", "1"}, out, err) == 0);
  const std::string text = out.str();
  CHECK(text.find('~') == std::string::npos);
  CHECK(text.find("  digital_firms_over_10  ") != std::string::npos);
  CHECK(text.find("  digital_firms_over_100 ") != std::string::npos);
  for (const auto& l : lines_of(text)) CHECK(display_width(l) <= kTextWidth);
}

TEST_CASE("cli: usage errors are thrown, help and version printed", "[cli]") {
  std::ostringstream out, err;
  CHECK(cli_run({"--help"}, out, err) == 0);
  CHECK(out.str().find("--runs N") != std::string::npos);
  CHECK_THROWS_AS(cli_run({"--runs", "abc"}, out, err), UsageError);
  CHECK_THROWS_WITH(cli_run({"--runs", "abc"}, out, err), Catch::Contains("--runs"));
  CHECK_THROWS_AS(cli_run({"--runs", "0"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_run({"--threads", "-1"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_run({"--seed", "1e3"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_run({"--sampler", "foo"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_run({"--no-such-flag"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_run({"--run", "10"}, out, err), UsageError);  // no prefix guessing
  CHECK_THROWS_AS(cli_run({"a.yaml", "b.yaml"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_run({"--json", "-", "--csv", "-"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_validate({}, out, err), UsageError);
  CHECK_THROWS_AS(cli_validate({"/nonexistent/plancast.yaml"}, out, err), ScenarioError);
  CHECK(version_text() == "plancast 0.1.0\n");
  CHECK(global_help().find("validate") != std::string::npos);
}

TEST_CASE("cli: validate and a small run in-process", "[cli]") {
  const std::string scenario =
      std::string(PLANCAST_SOURCE_DIR) + "/scenarios/examples/lognormal_growth.yaml";
  std::ostringstream out, err;
  REQUIRE(cli_validate({scenario}, out, err) == 0);
  CHECK(out.str() == "ok: lognormal_growth (1 indicator, 1 target, 0 variants)\n");

  TempDir dir;
  const std::string json = (dir.path / "r.json").string();
  const std::string csv = (dir.path / "r.csv").string();
  std::ostringstream rout, rerr;
  REQUIRE(cli_run({scenario, "--runs", "2048", "--seed", "3", "--threads", "2", "--json", json,
                   "--csv", csv},
                  rout, rerr) == 0);
  CHECK(rout.str().find("value_2030") != std::string::npos);
  CHECK(rerr.str().empty());  // not a terminal: no progress bar
  const auto j = nlohmann::json::parse(slurp(json));
  CHECK(j["runs"] == 2048);
  CHECK(j["seed"] == 3);
  CHECK(slurp(csv).rfind("indicator,year,statistic,value\n", 0) == 0);
  CHECK(dir.entries() == 2);

  // --json - prints only the JSON; same inputs give the same bytes (and hash).
  std::ostringstream jout, jerr;
  REQUIRE(cli_run({scenario, "--runs", "2048", "--seed", "3", "--threads", "1", "--json", "-"},
                  jout, jerr) == 0);
  CHECK(jout.str() == slurp(json));

  // --seed is applied as --set simulation.seed, so the scenario hash records it.
  std::ostringstream sout, serr;
  REQUIRE(cli_run({scenario, "--runs", "2048", "--set", "simulation.seed=3", "--json", "-"}, sout,
                  serr) == 0);
  CHECK(nlohmann::json::parse(sout.str())["scenario_sha256"] == j["scenario_sha256"]);
}
