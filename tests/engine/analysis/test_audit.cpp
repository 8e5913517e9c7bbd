// Tests of `plancast audit`: claims against history in both readings of the core-VA history,
// base values, targets against history and assumptions, implied denominators, the CLI.
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/analysis/audit.h"
#include "engine/cli/cli.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/audit_out.h"
#include "models/formula.h"
#include "models/register_builtin.h"
#include "tests/support/cli.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using namespace plancast::test;

namespace {

const std::string kSource = PLANCAST_SOURCE_DIR;

/// A small scenario with the DATASHEET's core-VA and GDP numbers; `variant` selects a reading.
const std::string kSmall = data_scenario("audit_small");

Scenario load(const std::string& variant, const std::vector<std::string>& sets = {}) {
  LoadOptions opts;
  opts.variant = variant;
  opts.sets = sets;
  return load_scenario_text(kSmall, "audit-small.yaml", opts, builtin_registry());
}

const AuditFinding& find(const AuditReport& r, const std::string& kind,
                         const std::string& subject) {
  for (const AuditFinding& f : r.findings) {
    if (f.kind == kind && f.subject == subject) return f;
  }
  FAIL("no " << kind << " finding for " << subject);
  throw std::logic_error("unreachable");
}

bool has(const AuditReport& r, const std::string& kind, const std::string& subject) {
  for (const AuditFinding& f : r.findings) {
    if (f.kind == kind && f.subject == subject) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("audit: share formula parsing", "[audit]") {
  CHECK(parse_share_formula("100 * core_va / gdp") ==
        std::make_pair(std::string("core_va"), std::string("gdp")));
  CHECK(parse_share_formula("100*a/b").first == "a");
  CHECK(parse_share_formula("a / b * 100").second == "b");
  CHECK(parse_share_formula("100.0 * a_1 / B").second == "B");
  CHECK(parse_share_formula("a / b").first.empty());
  CHECK(parse_share_formula("100 * (a + c) / b").first.empty());
  CHECK(parse_share_formula("core_mfg_va / mfg_va_ratio").first.empty());
}

TEST_CASE("audit: the 2020 reading of the core-VA history is consistent", "[audit]") {
  const AuditReport r = audit_scenario(load(""));
  const AuditFinding& c = find(r, "claim", "core_va");
  CHECK(c.grade == AuditGrade::ok);
  CHECK(c.value("implied_cagr") == Approx(0.1764).margin(5e-5));
  CHECK(c.value("years_needed") == Approx(5.0).margin(0.05));
  CHECK_FALSE(r.inconsistent());
  CHECK(find(r, "base", "core_va").grade == AuditGrade::ok);
  CHECK(find(r, "base", "core_va_share").grade == AuditGrade::ok);
}

TEST_CASE("audit: the as_published reading makes the 17.6% claim inconsistent", "[audit]") {
  const AuditReport r = audit_scenario(load("as_published"));
  const AuditFinding& c = find(r, "claim", "core_va");
  CHECK(c.grade == AuditGrade::inconsistent);
  CHECK(c.value("implied_cagr") == Approx(0.1069).margin(5e-5));
  CHECK(c.value("stated_cagr") == Approx(0.176));
  // The span that would reconcile them: ln(506.9/225)/ln(1.176) = 5.0 years, 2015-2020.
  CHECK(c.value("years_needed") == Approx(std::log(506.9 / 225.0) / std::log(1.176)));
  CHECK(c.value("years_needed") == Approx(5.0).margin(0.05));
  CHECK(c.message.find("2015-2020, not 2015-2023") != std::string::npos);
  CHECK(r.inconsistent());
  // The target then needs 63.2%/yr over 2 years.
  const AuditFinding& t = find(r, "target", "core_va_2025");
  CHECK(t.value("required_rate") == Approx(0.632).margin(5e-4));
  CHECK(t.grade == AuditGrade::warning);
}

TEST_CASE("audit: value and share targets imply the denominator", "[audit]") {
  const AuditReport r = audit_scenario(load(""));
  const AuditFinding& f = find(r, "implied", "gdp");
  CHECK(f.value("implied_value") == Approx(9000));
  CHECK(f.value("required_rate") == Approx(0.1031).margin(5e-5));  // 5,509.8 -> 9,000 in 5 years
  CHECK(f.value("years") == 5);
  CHECK(f.value("history_rate") == Approx(std::pow(5509.8 / 3515.6, 0.2) - 1));
  // 10.3%/yr is more than history (9.4%) and the assumption's p90 (7.5% + 1.28 * 1.5%).
  CHECK(f.grade == AuditGrade::warning);
  CHECK(f.message.find("9,000") != std::string::npos);
  CHECK(f.message.find("10.31%/yr") != std::string::npos);
  // A slower implied GDP is ok: a 12% share implies 11,250, too fast; 20% implies 6,750.
  const AuditReport r2 = audit_scenario(load("", {"targets=[{id: v, indicator: core_va, year: "
                                                  "2025, at_least: 1350}, {id: s, indicator: "
                                                  "core_va_share, year: 2025, at_least: 20}]"}));
  const AuditFinding& g = find(r2, "implied", "gdp");
  CHECK(g.value("implied_value") == Approx(6750));
  CHECK(g.grade == AuditGrade::ok);
}

TEST_CASE("audit: a target against history and the assumption", "[audit]") {
  const AuditReport r = audit_scenario(load(""));
  const AuditFinding& t = find(r, "target", "core_va_2025");
  CHECK(t.value("required_rate") == Approx(0.2164).margin(5e-5));
  CHECK(t.value("assumption_mean") == Approx(0.15));
  CHECK(t.value("assumption_p90") == Approx(0.15 + 1.2815516 * 0.035).margin(1e-6));
  CHECK(t.value("assumption_probability") ==
        Approx(0.5 * std::erfc((0.2164 - 0.15) / 0.035 / std::sqrt(2.0))).margin(2e-4));
  CHECK(t.grade == AuditGrade::warning);
  CHECK(t.message.find("more than the assumption's p90") != std::string::npos);
  // Within history and assumption: ok.
  const AuditReport r2 = audit_scenario(
      load("", {"targets=[{id: easy, indicator: core_va, year: 2025, at_least: 900}]"}));
  CHECK(find(r2, "target", "easy").grade == AuditGrade::ok);
  // Formula target: not checkable, ok; count: arrivals a year; logistic: logit rate.
  CHECK(find(r, "target", "share_2025").grade == AuditGrade::ok);
  CHECK(find(r, "target", "share_2025").message.find("not checkable") != std::string::npos);
  const AuditFinding& l = find(r, "target", "listed_2025");
  CHECK(l.value("net_per_year") == Approx(3.4));
  CHECK(l.value("required_rate") == Approx(3.4));
  CHECK(l.value("assumption_mean") == Approx(3.0));
  const AuditFinding& p = find(r, "target", "pen_2025");
  const double logit_rise = (std::log(0.9 / 0.1) - std::log(0.817 / 0.183)) / 5;
  CHECK(p.value("required_rate") == Approx(logit_rise));
  CHECK(p.grade == AuditGrade::warning);  // constant trend 0.12 < 0.140
}

TEST_CASE("audit: base against history, missing history, real claims, later history", "[audit]") {
  const AuditReport bad = audit_scenario(load("bad_base"));
  CHECK(find(bad, "base", "core_va").grade == AuditGrade::inconsistent);
  CHECK(bad.inconsistent());

  const AuditReport missing = audit_scenario(load("no_history"));
  const AuditFinding& m = find(missing, "claim", "core_va");
  CHECK(m.grade == AuditGrade::warning);
  CHECK(m.message.find("cannot check") != std::string::npos);
  CHECK_FALSE(missing.inconsistent());

  const AuditReport real = audit_scenario(load("real_claim"));
  const AuditFinding& c = find(real, "claim", "core_va");
  CHECK(c.grade == AuditGrade::warning);
  CHECK(c.message.find("constant prices") != std::string::npos);

  const AuditReport later = audit_scenario(load("later_history"));
  bool warned = false;
  for (const AuditFinding& f : later.findings) {
    if (f.kind == "base" && f.subject == "core_va" && f.grade == AuditGrade::warning) {
      warned = true;
      CHECK(f.message.find("2022") != std::string::npos);
    }
  }
  CHECK(warned);
  CHECK_FALSE(has(later, "claim", "gdp"));
}

TEST_CASE("audit: an unknown claim basis is a located error", "[audit]") {
  CHECK_THROWS_AS(
      load("", {"indicators.core_va.claims=[{from: 2015, to: 2020, cagr: 0.1, basis: ppp}]"}),
      ScenarioError);
}

TEST_CASE("audit: the bundled scenario in both readings", "[audit][cli]") {
  const std::string path = kSource + "/scenarios/jiaxing.yaml";
  // 2020 reading: no claim inconsistent, exit 0.
  CliResult base = call(cli_audit, {path, "--json", "-"});
  CHECK(base.code == 0);
  const auto jb = nlohmann::json::parse(base.out);
  for (const auto& f : jb["findings"]) {
    if (f["kind"] == "claim") CHECK(f["grade"] != "inconsistent");
    CHECK(f["grade"] != "inconsistent");
  }
  // as_published: the 17.6% core-VA claim and online retail's 17.32% inconsistent, exit 1.
  CliResult pub = call(cli_audit, {path, "--variant", "as_published", "--json", "-"});
  CHECK(pub.code == 1);
  const auto jp = nlohmann::json::parse(pub.out);
  CHECK(jp["variant"] == "as_published");
  int inconsistent = 0;
  for (const auto& f : jp["findings"]) {
    if (f["grade"] != "inconsistent") continue;
    ++inconsistent;
    CHECK(f["kind"] == "claim");
    CHECK((f["subject"] == "core_va" || f["subject"] == "online_retail"));
  }
  CHECK(inconsistent == 2);
  // The implied GDP of the base reading: 9,000, 10.3%/yr.
  bool implied = false;
  for (const auto& f : jb["findings"]) {
    if (f["kind"] == "implied" && f["subject"] == "gdp") {
      implied = true;
      CHECK(f["values"]["implied_value"].get<double>() == Approx(9000));
      CHECK(f["values"]["required_rate"].get<double>() == Approx(0.1031).margin(5e-5));
    }
  }
  CHECK(implied);
  // Text: every line within 100 columns; the bundled scenario without a file.
  CliResult text = call(cli_audit, {"--variant", "as_published"});
  CHECK(text.code == 1);
  std::istringstream in(text.out);
  for (std::string line; std::getline(in, line);) CHECK(line.size() <= 100);
  CHECK(text.out.find("inconsistent  core_va") != std::string::npos);
}

TEST_CASE("audit: usage errors", "[audit][cli]") {
  CHECK_THROWS_AS(call(cli_audit, {"--frob"}), UsageError);
  CHECK_THROWS_AS(call(cli_audit, {"--json", ""}), UsageError);
  CHECK(call(cli_audit, {"--help"}).code == 0);
}

TEST_CASE("audit text: '1 finding', 'N findings' (issue 19 wording)", "[audit]") {
  Scenario sc;
  sc.name = "one";
  AuditReport r;
  AuditFinding f;
  f.kind = "claim";
  f.subject = "gdp";
  f.message = "the stated rate holds";
  r.findings.push_back(f);
  CHECK(audit_text(sc, r).find("\n1 finding: 1 ok, 0 warnings, 0 inconsistent\n") !=
        std::string::npos);
  r.findings.push_back(f);
  CHECK(audit_text(sc, r).find("\n2 findings: 2 ok, 0 warnings, 0 inconsistent\n") !=
        std::string::npos);
}
