// The public API (engine/api/plancast.h only): the bundled scenario run through the API
// gives byte for byte what `plancast run --json -` prints; bad YAML is a located
// ScenarioError; compare, solve and sensitivity at tiny run counts; and every command's
// scenario_sha256 is that of the scenario loaded with its overrides (issue 15, part 1).
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "engine/api/plancast.h"
#include "tests/support/cli.h"

using namespace plancast;
using api::ScenarioSource;

namespace {

/// Standard output of `plancast ARGS`.
std::string plancast_stdout(const std::string& args) {
  return test::binary_stdout("", args);
}

const std::string kLognormal =
    std::string(PLANCAST_SOURCE_DIR) + "/scenarios/examples/lognormal_growth.yaml";

LoadOptions with_runs(std::uint64_t n) {
  LoadOptions o;
  o.runs = n;
  return o;
}

/// The scenario as `--set simulation.runs=N` loads it.
std::string sha_with_set_runs(const ScenarioSource& source, std::uint64_t n) {
  LoadOptions o;
  o.sets = {"simulation.runs=" + std::to_string(n)};
  return api::load(source, o).sha256;
}

}  // namespace

TEST_CASE("api: the bundled scenario's JSON is what plancast run prints", "[api]") {
  const Scenario sc = api::load(ScenarioSource::bundled(), with_runs(2000));
  CHECK(sc.simulation.runs == 2000);
  const api::RunOutput r = api::run(sc);
  const std::string json = api::to_json(r);
  CHECK(json == plancast_stdout("run --runs 2000 --json -"));
  // Typed runs and --set simulation.runs=N are one scenario.
  CHECK(sc.sha256 == sha_with_set_runs(ScenarioSource::bundled(), 2000));
  CHECK(nlohmann::json::parse(json)["scenario_sha256"] == sc.sha256);
}

TEST_CASE("api: bad YAML text is a ScenarioError with file, line and column", "[api]") {
  const std::string text = "plancast: 1\nname: x\nbase_year: [2020\n";
  try {
    api::load(ScenarioSource::yaml(text, "mine.yaml"));
    FAIL("no error");
  } catch (const ScenarioError& e) {
    REQUIRE(!e.diagnostics().empty());
    const SourceLoc& at = e.diagnostics().front().loc;
    CHECK(at.file == "mine.yaml");
    CHECK(at.line > 0);
    CHECK(at.col > 0);
  }
  // A typed override's problem is located at its flag.
  LoadOptions o;
  o.runs = 0;
  try {
    api::load(ScenarioSource::file(kLognormal), o);
    FAIL("no error");
  } catch (const ScenarioError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].loc == SourceLoc{"--runs", 0, 0});
    CHECK_THAT(e.diagnostics()[0].message, Catch::StartsWith("runs=0 (must be in [1,"));
  }
}

TEST_CASE("api: typed overrides create a missing simulation map; --set is numbered as typed",
          "[api][set]") {
  const std::string text =
      "plancast: 1\nname: nosim\nbase_year: 2020\nhorizon: 2022\n"
      "indicators:\n  gdp: {base: 100, growth: {trend: [{until: 2022, rate: 0.05}]}}\n";
  LoadOptions o;
  o.runs = 300;
  o.seed = 4;
  o.sampler = Sampler::lhs;
  const Scenario sc = api::load(ScenarioSource::yaml(text, "n.yaml"), o);
  CHECK(sc.simulation.runs == 300);
  CHECK(sc.simulation.seed == 4);
  CHECK(sc.simulation.sampler == "lhs");
  CHECK(sc.numbers.at("simulation.runs") == 300);
  // The user's --set options count from 1 whatever typed options come first.
  o.sets = {"indicators.gdp.base=abc"};
  try {
    api::load(ScenarioSource::yaml(text, "n.yaml"), o);
    FAIL("no error");
  } catch (const ScenarioError& e) {
    REQUIRE(!e.diagnostics().empty());
    CHECK(e.diagnostics()[0].loc.file == "--set");
    CHECK(e.diagnostics()[0].loc.line == 1);
    CHECK(e.diagnostics()[0].loc.col == 21);  // just after '='
  }
}

TEST_CASE("api: compare records what ran, variants loaded with the base's runs", "[api]") {
  const ScenarioSource bundled = ScenarioSource::bundled();
  api::CompareRequest rq;
  rq.variants = std::vector<std::string>{"policy_push"};
  const api::CompareOutput c = api::compare(bundled, with_runs(500), rq);
  REQUIRE(c.entries.size() == 2);
  CHECK(c.comparison.runs == 500);
  const auto j = nlohmann::json::parse(api::to_json(c));
  CHECK(j["scenario_sha256"]["base"] == sha_with_set_runs(bundled, 500));
  LoadOptions v;
  v.variant = "policy_push";
  v.sets = {"simulation.runs=500"};
  CHECK(j["scenario_sha256"]["policy_push"] == api::load(bundled, v).sha256);
  CHECK_THAT(api::to_text(c), Catch::Contains("policy_push"));
}

TEST_CASE("api: solve and sensitivity record the scenario loaded with their overrides", "[api]") {
  const ScenarioSource lognormal = ScenarioSource::file(kLognormal);
  SolveOptions so;
  so.target = "value_2030";
  so.path = "parameters.trend.mean";
  so.probability = 0.8;
  const api::SolveOutcome s = api::solve(lognormal, with_runs(2000), so);
  CHECK(s.result.runs == 2000);
  CHECK(s.result.current == s.scenario.numbers.at("parameters.trend.mean"));
  CHECK(nlohmann::json::parse(api::to_json(s))["scenario_sha256"] ==
        sha_with_set_runs(lognormal, 2000));

  api::SensitivityRequest rq;
  rq.of = "value_2030";
  rq.method = SensitivityMethod::tornado;
  rq.runs = 200;
  const api::SensitivityOutcome t = api::sensitivity(lognormal, {}, rq);
  CHECK(t.scenario.simulation.runs == 200);
  CHECK(std::get<TornadoResult>(t.result).runs_per_setting == 200);
  CHECK(nlohmann::json::parse(api::to_json(t))["scenario_sha256"] ==
        sha_with_set_runs(lognormal, 200));
  // What the CLI prints for the same request.
  CHECK(api::to_json(t) ==
        plancast_stdout("sensitivity " + kLognormal +
                        " --of value_2030 --method tornado --runs 200 --json -"));
}

TEST_CASE("api: validate and audit", "[api]") {
  const api::ValidateOutput v = api::validate(ScenarioSource::bundled());
  CHECK_THAT(api::to_text(v), Catch::StartsWith("ok: jiaxing-digital-economy"));
  const api::AuditOutcome a = api::audit(ScenarioSource::bundled());
  CHECK(!a.report.inconsistent());
  CHECK(api::to_json(a) == plancast_stdout("audit --json -"));
}
