// Mixed vintages (issue 17, part 3): an indicator with its own base_year after the
// scenario's is simulated from there; the years before it are absent (NaN in Results, null
// in JSON, empty in CSV, "-" in the text summary, no band in the report's fan chart), and
// targets over it before then are located errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "engine/io/csv.h"
#include "engine/io/json.h"
#include "engine/io/report.h"
#include "engine/io/text.h"
#include "tests/support/run.h"

using namespace plancast;
using namespace plancast::test;

namespace {

// gdp from 2023 with noise and a parameter; sw (software revenue) from its own 2024 figure,
// growing 10% a year without noise: sw(y) = 50 * 1.1^(y - 2024) from 2024; share reads both,
// so it starts in 2024 too.
std::string scenario(const std::string& sw_extra) {
  return R"(plancast: 1
name: vintage
base_year: 2023
horizon: 2030
simulation: {runs: 2000, seed: 7}
parameters:
  g: {dist: normal, mean: 0.05, sd: 0.01}
indicators:
  gdp: {base: 100, growth: {trend: g, noise: {sd: 0.02}}}
  sw: {base: 50, )" +
         sw_extra + R"(growth: {trend: 0.1}}
  share: {formula: 100 * sw / gdp}
targets:
  - {id: gdp_2030, indicator: gdp, year: 2030, at_least: 140}
  - {id: sw_by_2028, indicator: sw, year: 2028, at_least: 60, by: true}
  - {id: sw_never, indicator: sw, year: 2030, at_least: 1000, by: true}
report_years: [2023, 2030]
)";
}

const std::string kVintage = scenario("base_year: 2024, ");

}  // namespace

TEST_CASE("a later vintage follows its closed form from its own base year", "[vintage]") {
  const Results r = run_text(kVintage, 1);
  const IndicatorResult& sw = indicator(r, "sw");
  REQUIRE(r.years.front() == 2023);
  CHECK(sw.absent == 1);
  CHECK(std::isnan(sw.mean[0]));
  CHECK(std::isnan(sw.quantiles[4][0]));
  CHECK(sw.nonfinite[0] == 0);  // absent, not non-finite
  for (std::size_t t = 1; t < r.years.size(); ++t) {
    const double expect = 50 * std::pow(1.1, static_cast<double>(r.years[t] - 2024));
    CHECK(sw.mean[t] == Approx(expect).epsilon(1e-12));
    CHECK(sw.min[t] == sw.max[t]);
    CHECK(sw.sd[t] == 0);
  }
  // The formula over it starts with it.
  const IndicatorResult& share = indicator(r, "share");
  CHECK(share.absent == 1);
  CHECK(std::isnan(share.mean[0]));
  CHECK(std::isfinite(share.mean[1]));
  // 50, 55, 60.5: reached first in 2026, in every run; absent before 2024, none not finite.
  const TargetResult& by = target(r, "sw_by_2028");
  CHECK(by.p.hits == r.runs);
  CHECK(by.nonfinite == 0);
  CHECK(std::isnan(by.first_reach[0]));
  CHECK(by.first_reach[2] == 0);
  CHECK(by.first_reach[3] == 1);
  // Never reached: missed in every run, and not for a non-finite value (absent years are
  // neither).
  CHECK(target(r, "sw_never").p.hits == 0);
  CHECK(target(r, "sw_never").nonfinite == 0);
}

TEST_CASE("a later vintage moves no other draw", "[vintage]") {
  // The same scenario without base_year: gdp (its parameter and noise) is the same number
  // for number; sw itself is the same path a year later.
  const Results with = run_text(kVintage, 1);
  const Results without = run_text(scenario(""), 1);
  CHECK(indicator(with, "gdp") == indicator(without, "gdp"));
  CHECK(target(with, "gdp_2030") == target(without, "gdp_2030"));
  CHECK(indicator(without, "sw").absent == 0);
  CHECK(indicator(with, "sw").mean[2] == indicator(without, "sw").mean[1]);
  // And across threads.
  // (as JSON text: NaN, the absent years, equals nothing in Results' ==)
  CHECK(to_json_text(run_text(kVintage, 3)) == to_json_text(with));
}

TEST_CASE("a later vintage with noise is its own path a year later", "[vintage]") {
  // Its draws are keyed by its own years: the same noise from its base year on.
  const std::vector<std::string> noise = {
      "indicators.sw.growth.noise={sd: 0.05, persistence: 0.4}"};
  const Results with = run_text(kVintage, 2, noise);
  const Results without = run_text(scenario(""), 2, noise);
  const IndicatorResult& a = indicator(with, "sw");
  const IndicatorResult& b = indicator(without, "sw");
  REQUIRE(b.sd.back() > 0);
  for (std::size_t t = 0; t + 1 < with.years.size(); ++t) {
    CHECK(a.mean[t + 1] == b.mean[t]);
    CHECK(a.quantiles[1][t + 1] == b.quantiles[1][t]);
    CHECK(a.quantiles[7][t + 1] == b.quantiles[7][t]);
  }
  CHECK(indicator(with, "gdp") == indicator(without, "gdp"));
}

TEST_CASE("a later vintage's absent years are null in JSON and empty in CSV", "[vintage]") {
  const Results r = run_text(kVintage, 1);
  const auto j = to_json(r);
  const auto& sw = j["indicators"]["sw"];
  CHECK(sw["mean"][0].is_null());
  CHECK(sw["quantiles"]["p50"][0].is_null());
  CHECK(sw["quantiles_ci95"]["p50"][0][0].is_null());
  CHECK(sw["nonfinite"][0].is_null());
  CHECK(sw["nonfinite"][1] == 0);
  CHECK(sw["mean"][1] == 50.0);
  CHECK(sw["first_year"] == 2024);
  CHECK(!j["indicators"]["gdp"].contains("first_year"));
  CHECK(j["targets"][1]["first_reach"][0].is_null());
  const std::string csv = to_csv_text(r);
  CHECK(csv.find("sw,2023,mean,\n") != std::string::npos);
  CHECK(csv.find("sw,2023,nonfinite,\n") != std::string::npos);
  CHECK(csv.find("sw,2024,mean,50\n") != std::string::npos);
  CHECK(csv.find("gdp,2023,mean,100\n") != std::string::npos);
}

TEST_CASE("the text summary shows a dash where a later vintage is absent", "[vintage]") {
  const Results r = run_text(kVintage, 1);
  const std::string text = to_text_summary(r);
  // The sw row of 2023: four dashes; its 2030 row: 50 * 1.1^6 = 88.578.
  const auto row = text.find("\n  sw ");
  REQUIRE(row != std::string::npos);
  const std::string line = text.substr(row + 1, text.find('\n', row + 1) - row - 1);
  CHECK(line.find("2023") != std::string::npos);
  CHECK(line.find(" - ") != std::string::npos);
  CHECK(line.find("nan") == std::string::npos);
  CHECK(text.find("88.58") != std::string::npos);
  CHECK(nonfinite_warnings(r).empty());
}

TEST_CASE("the fan chart of a later vintage has no band before its base year", "[vintage]") {
  const Scenario sc = load_text(kVintage);
  const Results r = run_text(kVintage, 1);
  const std::string html = run_report_html(sc, r);
  // The 5-95% band is one polygon: a point per year up and back (2n points, 2n - 1 'L').
  auto band_points = [&](const std::string& name) {
    const auto fig = html.find("id=\"indicator-" + name + "\"");
    REQUIRE(fig != std::string::npos);
    const auto d = html.find("class=\"fan1\" d=\"", fig) + 16;
    const std::string path = html.substr(d, html.find('"', d) - d);
    CHECK(path.find('M') == 0);
    CHECK(path.find('M', 1) == std::string::npos);
    std::size_t ls = 0;
    for (char c : path) ls += c == 'L' ? 1 : 0;
    return ls + 1;
  };
  CHECK(band_points("gdp") == 2 * 8);
  CHECK(band_points("sw") == 2 * 7);
  CHECK(band_points("share") == 2 * 7);
}

TEST_CASE("targets before a later vintage's base year are located errors", "[vintage]") {
  std::string before = kVintage;
  before.replace(before.find("year: 2028"), 10, "year: 2024");
  const std::string e = errors_of(before);
  CHECK(e.find("test.yaml:14:43: error: year=2024 (indicator 'sw' starts in 2024, its "
               "base_year: a target over it must be in [2025, 2030])") != std::string::npos);
  // On the formula over it: it starts when its input does.
  std::string on_share = kVintage;
  on_share.replace(on_share.find("indicator: sw, year: 2028"), 25, "indicator: share, year: 2024");
  CHECK(errors_of(on_share).find("year=2024 (indicator 'share' starts in 2024, when its inputs "
                                 "do") != std::string::npos);
  // The scenario's own base year is refused as before for the others.
  CHECK(errors_of(kVintage).empty());
}

TEST_CASE("an indicator's base_year must lie in the scenario's years", "[vintage]") {
  CHECK(errors_of(scenario("base_year: 2022, "))
            .find("test.yaml:10:29: error: base_year=2022 of indicator 'sw' (must be in [2023, "
                  "2029]") != std::string::npos);
  CHECK(errors_of(scenario("base_year: 2030, ")).find("base_year=2030 of indicator 'sw'") !=
        std::string::npos);
  CHECK(!errors_of(scenario("base_year: 2024.5, ")).empty());
  // The scenario's own base year is the same as none.
  // (every number; the scenario's text, and so its hash, differs)
  const Results same = run_text(scenario("base_year: 2023, "), 1);
  const Results none = run_text(scenario(""), 1);
  CHECK(same.indicators == none.indicators);
  CHECK(same.targets == none.targets);
  CHECK(same.scenario_sha256 != none.scenario_sha256);
}

TEST_CASE("a later vintage's history may reach its own base year", "[vintage]") {
  std::string h = kVintage;
  h.replace(h.find("base_year: 2024, "), 17, "base_year: 2024, history: {2020: 40, 2024: 50}, ");
  CHECK(errors_of(h).empty());
}
