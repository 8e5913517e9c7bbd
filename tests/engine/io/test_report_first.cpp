// Tests of the run report's first page (engine/io/report_first.h): the probability in
// calibrated words, axis ticks with the fewest decimals, the target's distribution curve
// (TargetResult::curve) against the reported quantiles, the answers and exceedance curves.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "engine/api/plancast.h"
#include "engine/config/scenario.h"
#include "engine/io/html.h"
#include "engine/io/report.h"
#include "engine/io/report_first.h"
#include "engine/io/svg.h"

using namespace plancast;

TEST_CASE("likelihood words: one word per probability, the IPCC scale", "[report][first]") {
  using html::likelihood_words;
  CHECK(std::string(likelihood_words(1.0)) == "virtually certain");
  CHECK(std::string(likelihood_words(0.99)) == "virtually certain");
  CHECK(std::string(likelihood_words(0.989)) == "very likely");
  CHECK(std::string(likelihood_words(0.90)) == "very likely");
  CHECK(std::string(likelihood_words(0.899)) == "likely");
  CHECK(std::string(likelihood_words(0.66)) == "likely");
  CHECK(std::string(likelihood_words(0.659)) == "about as likely as not");
  CHECK(std::string(likelihood_words(0.33)) == "about as likely as not");
  CHECK(std::string(likelihood_words(0.329)) == "unlikely");
  CHECK(std::string(likelihood_words(0.101)) == "unlikely");
  CHECK(std::string(likelihood_words(0.10)) == "very unlikely");
  CHECK(std::string(likelihood_words(0.037)) == "very unlikely");
  CHECK(std::string(likelihood_words(0.011)) == "very unlikely");
  CHECK(std::string(likelihood_words(0.01)) == "exceptionally unlikely");
  CHECK(std::string(likelihood_words(0.0)) == "exceptionally unlikely");
  Proportion p;
  p.probability = 0.037;
  p.ci95 = {0.036, 0.038};
  CHECK(report::probability_phrase(p) ==
        "very unlikely (3.7%, 95% interval 3.6%\xE2\x80\x93"
        "3.8%)");
}

TEST_CASE("axis ticks: the fewest decimals that write them exactly", "[report][first]") {
  // Ticks 2,500 apart read "12,500", not "12,500.0" (issue 19).
  const svg::Axis a = svg::nice_axis(0, 12400, 5);
  REQUIRE(a.ticks.size() == 6);
  CHECK(a.ticks[1] == 2500);
  CHECK(a.decimals == 0);
  CHECK(a.label(12500) == "12,500");
  CHECK(a.label(2500) == "2500");
  CHECK(svg::tick_decimals({0, 2.5, 5, 7.5}, 2.5) == 1);
  CHECK(svg::tick_decimals({0, 0.25, 0.5, 0.75}, 0.25) == 2);
  CHECK(svg::tick_decimals({0, 25, 50, 75}, 25) == 0);
  CHECK(svg::tick_decimals({0.1, 0.2, 0.30000000000000004}, 0.1) == 1);
  CHECK(svg::tick_decimals({0, 250000, 500000}, 250000) == 0);
  const svg::Axis c = svg::nice_axis(0, 0.9, 4);  // 0.25 apart
  CHECK(c.label(0.25) == "0.25");
  CHECK(c.label(0.5) == "0.50");
}

namespace {

/// tests/report/four.yaml at 3000 runs, through the library API (api::to_report renders the
/// report with its ranking).
const api::RunOutput& four() {
  static const api::RunOutput out = [] {
    LoadOptions o;
    o.runs = 3000;
    api::Execution e;
    e.threads = 2;
    return api::run(api::load(api::ScenarioSource::file(std::string(PLANCAST_SOURCE_DIR) +
                                                        "/tests/report/four.yaml"),
                              o),
                    e);
  }();
  return out;
}

}  // namespace

TEST_CASE("target curve: the run's sketch at every half percentile", "[report][first]") {
  const Results& r = four().results;
  REQUIRE(r.runs == 3000);
  for (const TargetResult& t : r.targets) {
    REQUIRE(t.curve.size() == kCurveLevels);
    for (std::size_t i = 1; i < t.curve.size(); ++i) CHECK(t.curve[i - 1] <= t.curve[i]);
    const IndicatorResult* ind = nullptr;
    for (const IndicatorResult& x : r.indicators) ind = x.name == t.indicator ? &x : ind;
    REQUIRE(ind != nullptr);
    const std::size_t y = static_cast<std::size_t>(t.year - r.years.front());
    // Levels 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95 are points 10, 20, ... of 200: the
    // same order statistics as the reported quantiles.
    const std::size_t at[] = {9, 19, 49, 99, 149, 179, 189};
    const std::size_t q[] = {1, 2, 3, 4, 5, 6, 7};
    for (std::size_t k = 0; k < 7; ++k) CHECK(t.curve[at[k]] == ind->quantiles[q[k]][y]);
  }
}

TEST_CASE("run report: the first page and the exceedance curves", "[report][first]") {
  const api::RunOutput& f = four();
  const std::string html = api::to_report(f);
  const auto answer = html.find("<section id=\"answer\">");
  REQUIRE(answer != std::string::npos);
  CHECK(answer < html.find("<section id=\"targets\">"));
  CHECK(html.find("<section id=\"targets\">") < html.find("<section id=\"indicators\">"));
  for (const TargetResult& t : f.results.targets) {
    const auto at = html.find("id=\"answer-" + t.id + "\"");
    REQUIRE(at != std::string::npos);
    const std::string words = html::likelihood_words(t.p.probability);
    CHECK(html.find("<b>" + words + "</b> (", at) < html.find("</div>", at));
  }
  CHECK(html.find("Moves it most</span> <b>core_trend</b>") != std::string::npos);
  CHECK(html.find("Growth needed</span> 506.9 (2020)") != std::string::npos);
  CHECK(html.find("id=\"exceed-core_va-2025\"") != std::string::npos);
  CHECK(html.find("id=\"exceed-listed_companies-2030\"") != std::string::npos);
  CHECK(html.find("<title>P(value \xE2\x89\xA5 ") != std::string::npos);
  // Without the scenario (merged shards): answers without audit or ranking, curves still.
  const std::string bare = [&] {
    std::ostringstream o;
    write_run_report(o, f.results);
    return o.str();
  }();
  CHECK(bare.find("id=\"answer-core_va_2025\"") != std::string::npos);
  CHECK(bare.find("Growth needed") == std::string::npos);
  CHECK(bare.find("Moves it most") == std::string::npos);
  CHECK(bare.find("id=\"exceed-core_va-2025\"") != std::string::npos);
}
