// Issue 19 part 2 and the compare charts of part 1: the assumptions as the file writes them
// (every parameter's form, each indicator's noise and shocks, the events with their share of
// the runs, the correlations), parameters' `title` and `unit` in every output that names a
// parameter (engine/io/labels.h), and a style and a target label of its own for every variant.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "engine/analysis/compare.h"
#include "engine/analysis/discover.h"
#include "engine/analysis/sensitivity.h"
#include "engine/config/scenario.h"
#include "engine/io/compare_out.h"
#include "engine/io/discover_out.h"
#include "engine/io/html.h"
#include "engine/io/labels.h"
#include "engine/io/report.h"
#include "engine/io/report_fan.h"
#include "engine/io/sensitivity_out.h"
#include "engine/io/solve_out.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"
#include "tests/support/cli.h"

using namespace plancast;
using plancast::report::LineStyle;
using plancast::report::variant_style;
using plancast::test::check_contains;

namespace {

const char* const kLabels = R"(plancast: 1
name: labels
base_year: 2020
horizon: 2026
simulation: {runs: 2000, seed: 3}
parameters:
  eu_semis_trend: {dist: normal, mean: 0.02155, sd: 0.01, title: EU chip output growth}
  fabs: {dist: gamma, mean: 35, sd: 12, title: New fabs a year, unit: fabs}
  expert: {dist: quantiles, p10: 1, p50: 2, p90: 4}
  fixed_share: 0.5
correlations:
  - [eu_semis_trend, fabs, 0.3]
events:
  recession: {probability: 0.08}
indicators:
  chips:
    title: EU chip output
    unit: bn EUR
    base: 100
    growth:
      trend: eu_semis_trend
      noise: {sd: 0.015, persistence: 0.3}
      shocks: {event: recession, size: -0.05}
  other:
    base: 10
    growth:
      trend: 0.03
      shocks: {probability: 0.08, size: {dist: uniform, min: -0.15, max: -0.03}}
  fab_count:
    base: 0
    count: {rate: fabs}
  mix: {formula: chips * fixed_share + expert}
targets:
  - {id: chips_2026, indicator: chips, year: 2026, at_least: 110}
  - {id: chips_low_2026, indicator: chips, year: 2026, at_most: 112}
variants:
  fast: {parameters.eu_semis_trend.mean: 0.04}
  same: {parameters.fabs.mean: 35}
)";

Scenario labels_scenario(const std::string& variant = "") {
  LoadOptions o;
  o.variant = variant;
  return load_scenario_text(kLabels, "labels.yaml", o, builtin_registry());
}

/// The figure of indicator `name` in `html`.
std::string figure(const std::string& html, const std::string& name) {
  const std::size_t at = html.find("<figure class=\"chart\" id=\"indicator-" + name + "\"");
  REQUIRE(at != std::string::npos);
  return html.substr(at, html.find("</figure>", at) - at);
}

/// The y of every <text class="lab"> (the target labels) of an SVG.
std::vector<double> label_ys(const std::string& svg) {
  std::vector<double> ys;
  const std::regex re("<text x=\"[-0-9.]+\" y=\"([-0-9.]+)\" class=\"lab\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it) {
    ys.push_back(std::stod((*it)[1]));
  }
  return ys;
}

/// The smallest y of the outer band (p05-p95) of a fan chart: its top edge.
double band_top(const std::string& svg) {
  const std::size_t at = svg.find("<path class=\"fan1\" d=\"");
  REQUIRE(at != std::string::npos);
  const std::string d = svg.substr(at + 22, svg.find('"', at + 22) - at - 22);
  double top = 1e9;
  const std::regex re("[ML]([-0-9.]+) ([-0-9.]+)");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), re); it != std::sregex_iterator(); ++it) {
    top = std::min(top, std::stod((*it)[2]));
  }
  return top;
}

}  // namespace

TEST_CASE("parameter labels and values: title (name), rates as percentages a year", "[report]") {
  const Scenario sc = labels_scenario();
  CHECK(parameter_label(sc, "eu_semis_trend") == "EU chip output growth (eu_semis_trend)");
  CHECK(parameter_label(sc, "expert") == "expert");
  CHECK(parameter_label(sc, "recession") == "recession");  // not a parameter: as it is
  CHECK(path_title(sc, "parameters.eu_semis_trend.mean") == "EU chip output growth");
  CHECK(path_title(sc, "parameters.eu_semis_trend") == "EU chip output growth");
  CHECK(path_title(sc, "simulation.runs").empty());
  CHECK(is_rate_parameter(sc, "eu_semis_trend"));  // a growth trend
  CHECK_FALSE(is_rate_parameter(sc, "fabs"));      // a count's arrival rate, with a unit
  CHECK_FALSE(is_rate_parameter(sc, "expert"));
  const auto num = [](double x) { return html::value_text(x); };
  CHECK(parameter_value(sc, "eu_semis_trend", 0.02155, num) == "2.2% a year");
  CHECK(parameter_value(sc, "fabs", 35, num) == "35 fabs");
  CHECK(parameter_value(sc, "expert", 2, num) == "2");
  CHECK(rate_text(0.15) == "15% a year");
  CHECK(rate_text(0.0025) == "0.25% a year");
  CHECK(percent_text(-0.05) == "-5%");
}

TEST_CASE("run report: every assumption as written, with noise, shocks and events", "[report]") {
  const Scenario sc = labels_scenario();
  RunOptions ro;
  ro.threads = 2;
  const Results r = run(sc, builtin_registry(), ro);
  const std::string html = run_report_html(sc, r);
  check_contains(html, {
                           // Each parameter by its label, in the form the file used.
                           "<td>EU chip output growth (eu_semis_trend)</td>",
                           "<code>{dist: normal, mean: 0.02155, sd: 0.01}</code>",
                           "<code>{dist: gamma, mean: 35, sd: 12}</code>",
                           "<code>{dist: quantiles, p10: 1, p50: 2, p90: 4}</code>",
                           "<td>fixed_share</td>",
                           "<code>0.5</code>",
                           // A rate's percentiles as percentages a year, a unit after values.
                           ">2.2% a year</td>",
                           " fabs</td>",
                           // Noise and shocks in words, the event with its share of the runs.
                           "Yearly noise and shocks</h3>",
                           "sd 1.5% around the trend of its yearly rate, persistence 0.3",
                           "in the years of event recession, a shock of -5%, added to the "
                           "yearly rate",
                           "8% a year chance of a shock of -15% to -3% (uniform), added to the "
                           "yearly rate",
                           "<td>recession</td><td>8% a year</td><td>2021\xE2\x80\x93"
                           "2026</td><td>chips</td>",
                           // The correlations by their labels.
                           "EU chip output growth (eu_semis_trend) and New fabs a year (fabs) "
                           "+0.30",
                       });
  // The event's share of the run-years, from these results.
  REQUIRE(r.events.size() == 1);
  double sum = 0;
  for (std::size_t t = 1; t < r.years.size(); ++t) sum += r.events[0].share[t];
  const std::string share = html::percent(sum / static_cast<double>(r.years.size() - 1));
  CHECK(html.find("<td>chips</td><td class=\"num\">" + share + "</td>") != std::string::npos);
  // The title and unit are not part of the distribution as written.
  CHECK(html.find("title: EU chip") == std::string::npos);
}

TEST_CASE("fan chart: target labels above the band, never over each other", "[report]") {
  const Scenario sc = labels_scenario();
  RunOptions ro;
  ro.threads = 2;
  const std::string fig = figure(run_report_html(sc, run(sc, builtin_registry(), ro)), "chips");
  const std::vector<double> ys = label_ys(fig);
  REQUIRE(ys.size() == 2);  // both targets of chips
  const double top = band_top(fig);
  for (double y : ys) CHECK(y + 4 <= top);  // a label's baseline and descent above the band
  CHECK(std::abs(ys[0] - ys[1]) >= 14);
}

TEST_CASE("compare report: every variant its own style, label and definition", "[report]") {
  const Registry& reg = builtin_registry();
  std::vector<CompareEntry> entries{{"base", labels_scenario()},
                                    {"fast", labels_scenario("fast")},
                                    {"same", labels_scenario("same")}};
  RunOptions ro;
  ro.threads = 2;
  const Comparison c = compare(entries, reg, ro);
  const std::string html = compare_report_html(entries.front().scenario, c);
  const std::string fig = figure(html, "chips");
  // Distinct dash patterns; the base's median (solid) drawn after, on top of, the variants'.
  const LineStyle fast = variant_style(1), same = variant_style(2);
  CHECK(fast.dash != same.dash);
  CHECK(fast.color != same.color);
  CHECK(variant_style(0).dash.empty());
  // 36 variants differ in colour or dash pattern.
  std::set<std::pair<std::string, std::string>> styles;
  for (std::size_t k = 1; k <= 36; ++k)
    styles.insert({variant_style(k).color, variant_style(k).dash});
  CHECK(styles.size() == 36);
  const std::size_t base_at = fig.find("<path class=\"median\"");
  for (const LineStyle& s : {fast, same}) {
    const std::size_t at = fig.find("stroke=\"" + s.color +
                                    "\" stroke-width=\"4\" stroke-dasharray=\"" + s.dash + "\"");
    CHECK(at != std::string::npos);
    CHECK(at < base_at);
  }
  // The legend shows each variant's line.
  check_contains(html, {"fast (median)", "same (median)", "base (median)"});
  // At each target marker, every scenario's own probability.
  for (const TargetComparison& tc : c.targets) {
    CHECK(fig.find(tc.id) != std::string::npos);
    CHECK(fig.find("base " + html::percent(*tc.probability[0])) != std::string::npos);
    CHECK(fig.find(">fast " + html::percent(*tc.probability[1]) + "<") != std::string::npos);
    CHECK(fig.find(">same " + html::percent(*tc.probability[2]) + "<") != std::string::npos);
  }
  const std::vector<double> ys = label_ys(fig);
  CHECK(ys.size() == 6);  // two targets, three scenarios each
  for (double y : ys) CHECK(y + 4 <= band_top(fig));
  for (std::size_t i = 1; i < ys.size(); ++i) CHECK(ys[i] - ys[i - 1] >= 14);
  // What each variant changes, by the parameter's title, in the report and the text.
  CHECK(html.find("EU chip output growth <code>parameters.eu_semis_trend.mean</code>") !=
        std::string::npos);
  CHECK(compare_text(c, &entries.front().scenario)
            .find("parameters.eu_semis_trend.mean: 0.04 (EU chip output growth)") !=
        std::string::npos);
}

TEST_CASE("sensitivity, solve and discover name parameters by their titles", "[report]") {
  const Scenario sc = labels_scenario();
  const Registry& reg = builtin_registry();
  SensitivityOptions so;
  so.runs = 256;
  so.threads = 2;
  const SensitivityOutput out = resolve_output(sc, "chips_2026");
  const SobolResult s = sobol_sensitivity(sc, reg, out, so);
  const std::string label = "EU chip output growth (eu_semis_trend)";
  // The text's column widens to the longest label up to 34 columns (the header's
  // "parameter" is padded to them); a longer label breaks over lines, never cut.
  const std::string st = sobol_text(s, out, sc);
  CHECK(st.find("\nparameter" + std::string(25 + 5, ' ') + "S1") != std::string::npos);
  CHECK(std::regex_search(st, std::regex("\nEU chip output growth +-?0\\.")));
  CHECK(st.find("\n(eu_semis_trend)\n") != std::string::npos);
  CHECK(sobol_report_html(sc, s, "chips_2026").find("<td>" + label + "</td>") != std::string::npos);
  const TornadoResult t = tornado_sensitivity(sc, reg, out, so);
  CHECK(tornado_text(t, out, sc).find("\ngrowth\n(eu_semis_trend)\n") != std::string::npos);
  const std::string th = tornado_report_html(sc, t, "chips_2026");
  CHECK(th.find("<td>" + label + "</td>") != std::string::npos);
  CHECK(th.find(label + " at its p10 (") != std::string::npos);
  CHECK(std::regex_search(th, std::regex("<td class=\"num\">[0-9.]+% a year</td>")));

  SolveResult sr;
  sr.target = "chips_2026";
  sr.path = "parameters.eu_semis_trend.mean";
  // The path as the file writes it, then what it is.
  CHECK(solve_text(sc, sr).find("\nparameters.eu_semis_trend.mean = ") != std::string::npos);
  CHECK(solve_text(sc, sr).find("\n  (the mean of EU chip output growth)\n") != std::string::npos);

  // PRIM on a sample where the target is met exactly when the first parameter is high.
  std::vector<double> x;
  std::vector<std::uint8_t> y;
  for (int j = 0; j < 400; ++j) x.push_back(j / 400.0);
  for (int j = 0; j < 400; ++j) x.push_back(((j * 37) % 400) / 400.0);
  for (int j = 0; j < 400; ++j) y.push_back(j >= 300 ? 1 : 0);
  DiscoverOptions dopt;
  DiscoverResult d = prim(x, y, {"eu_semis_trend", "expert"}, dopt);
  d.target = "chips_2026";
  const std::string dt = discover_text(d, dopt, &sc);
  CHECK(dt.find("    " + label + "\n    eu_semis_trend  ") != std::string::npos);
  CHECK(discover_text(d, dopt).find("eu_semis_trend") != std::string::npos);
}
