// Tests of the HTML reports (engine/io/report.h) and the progress bar's line: content per
// indicator and target, self-containment, escaping, determinism, non-finite values, widths.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <regex>
#include <sstream>
#include <string>

#include "engine/analysis/compare.h"
#include "engine/analysis/sensitivity.h"
#include "engine/cli/options.h"
#include "engine/config/scenario.h"
#include "engine/io/labels.h"
#include "engine/io/report.h"
#include "engine/io/text.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"
#include "tests/support/cli.h"

using namespace plancast;
using plancast::test::check_contains;

namespace {

const std::string kFour = std::string(PLANCAST_SOURCE_DIR) + "/tests/report/four.yaml";

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

struct Four {
  Scenario scenario;
  Results results;
};

const Four& four() {
  static const Four f = [] {
    LoadOptions o;
    o.sets = {"simulation.runs=3000"};
    Four x{load_scenario_file(kFour, o, builtin_registry()), {}};
    RunOptions ro;
    ro.threads = 2;
    x.results = run(x.scenario, builtin_registry(), ro);
    return x;
  }();
  return f;
}

}  // namespace

TEST_CASE("run report: a chart per indicator, every target, nothing fetched", "[report]") {
  const Four& f = four();
  const std::string html = run_report_html(f.scenario, f.results);
  REQUIRE(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<meta charset=\"utf-8\">") != std::string::npos);
  CHECK(html.size() > 20000);
  CHECK(html.substr(html.size() - 8) == "</html>\n");
  // Four indicators, four fan charts, each an <svg> inside its <figure>.
  CHECK(count(html, "<figure class=\"chart\" id=\"indicator-") == 4);
  for (const char* name : {"gdp", "core_va", "core_va_share", "listed_companies"}) {
    const std::size_t at = html.find(std::string("id=\"indicator-") + name + "\"");
    REQUIRE(at != std::string::npos);
    const std::size_t svg = html.find("<svg ", at);
    CHECK(svg < html.find("</figure>", at));
  }
  for (const TargetResult& t : f.results.targets) {
    CHECK(html.find("id=\"target-" + t.id + "\"") != std::string::npos);
  }
  CHECK(html.find("id=\"reach-listed_by_2030\"") != std::string::npos);  // `by` target
  // Self-contained: no URL, no external resource, no script.
  CHECK_FALSE(std::regex_search(html, std::regex("https?:", std::regex::icase)));
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  // The facts at the top and the assumptions.
  check_contains(html, {"<dt>base year</dt><dd>2020</dd>", "<dt>horizon</dt><dd>2030</dd>",
                        "<dt>runs</dt><dd>3000</dd>", "<dt>seed</dt><dd>11</dd>",
                        "<td>core_trend</td><td title=\"normal(mean 0.15, sd 0.035)\"><code>{dist: "
                        "normal, mean: 0.15, sd: 0.035}</code></td>",
                        "GDP growth (地区生产总值) (gdp_trend) and core_trend +0.50"});
  // UTF-8 titles kept, markup escaped.
  CHECK(html.find("数字经济核心产业增加值") != std::string::npos);
  CHECK(html.find("Listed companies &lt;&amp;&gt; &quot;quoted&quot;") != std::string::npos);
  CHECK(html.find("Listed companies <&>") == std::string::npos);
  // No number failed to print.
  CHECK(html.find("nan") == std::string::npos);
  CHECK(html.find("inf") == std::string::npos);
}

TEST_CASE("run report: the same results give the same bytes", "[report]") {
  const Four& f = four();
  std::ostringstream a, b;
  write_run_report(a, f.scenario, f.results);
  write_run_report(b, f.scenario, f.results);
  CHECK(a.str() == b.str());
  CHECK(a.str() == run_report_html(f.scenario, f.results));
}

TEST_CASE("run report from results alone: no assumptions, still every chart", "[report]") {
  const Four& f = four();
  std::ostringstream os;
  write_run_report(os, f.results);
  const std::string html = os.str();
  CHECK(html.find("<h2>Assumptions</h2>") == std::string::npos);
  CHECK(count(html, "<figure class=\"chart\" id=\"indicator-") == 4);
  CHECK(count(html, "class=\"hist\"") == 0);  // history comes from the scenario
  CHECK(count(run_report_html(f.scenario, f.results), "class=\"hist\"") == 5);
}

TEST_CASE("run report: hostile text and non-finite values", "[report]") {
  Results r = four().results;
  r.title = "<script>alert(1)</script> \xFF\xFE bad bytes";
  r.indicators[0].title = "\"quoted\" & <b>bold</b>";
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (auto& q : r.indicators[1].quantiles) q[3] = nan;      // a year of NaN in every quantile
  r.indicators[2].quantiles[4].assign(r.years.size(), nan);  // a median that is all NaN
  r.targets[0].p.probability = nan;
  const std::string html = run_report_html(four().scenario, r);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("\xEF\xBF\xBD\xEF\xBF\xBD bad bytes") != std::string::npos);  // U+FFFD
  CHECK(html.find("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("nan") == std::string::npos);
  CHECK(html.find("n/a") != std::string::npos);
}

TEST_CASE("compare and sensitivity reports", "[report]") {
  const Four& f = four();
  const Registry& reg = builtin_registry();
  std::vector<CompareEntry> entries;
  LoadOptions o;
  o.sets = {"simulation.runs=2000"};
  entries.push_back({"base", load_scenario_file(kFour, o, reg)});
  o.variant = "policy_push";
  entries.push_back({"policy_push", load_scenario_file(kFour, o, reg)});
  RunOptions ro;
  ro.threads = 2;
  const Comparison c = compare(entries, reg, ro);
  const std::string html = compare_report_html(entries.front().scenario, c);
  CHECK(count(html, "<figure class=\"chart\" id=\"indicator-") == 4);
  CHECK(count(html, "policy_push: median") == 4);
  for (const TargetComparison& t : c.targets) {
    CHECK(html.find("<figure class=\"chart\" id=\"target-" + t.id + "\">") != std::string::npos);
  }
  CHECK_FALSE(std::regex_search(html, std::regex("https?:", std::regex::icase)));

  SensitivityOptions so;
  so.runs = 256;
  so.threads = 2;
  const SensitivityOutput out = resolve_output(f.scenario, "core_va@2025");
  const SobolResult s = sobol_sensitivity(f.scenario, reg, out, so);
  const std::string sh = sobol_report_html(f.scenario, s, "core_va@2025");
  CHECK(sh.find("id=\"sobol\"><svg") != std::string::npos);
  for (const SobolIndex& ix : s.parameters) {
    CHECK(sh.find("<td>" + parameter_label(f.scenario, ix.name) + "</td>") != std::string::npos);
  }
  const TornadoResult t = tornado_sensitivity(f.scenario, reg, out, so);
  const std::string th = tornado_report_html(f.scenario, t, "core_va@2025");
  CHECK(th.find("id=\"tornado\"><svg") != std::string::npos);
  CHECK(count(th, "at its p10 (") == t.parameters.size());
  CHECK_FALSE(std::regex_search(sh + th, std::regex("https?:", std::regex::icase)));
}

TEST_CASE("progress bar line: runs, runs/s, time left, within the terminal", "[report][progress]") {
  using plancast::cli::ProgressBar;
  const std::string l = ProgressBar::line(420000, 1000000, 2.0, 100);
  CHECK(l ==
        "[############------------------]  42%  420,000/1,000,000 runs  210,000 runs/s  3s left");
  CHECK(ProgressBar::line(1000, 1000000, 10.0, 100).find("2h46m left") != std::string::npos);
  CHECK(ProgressBar::line(50, 100, 25.0, 100).find("2 runs/s  25s left") != std::string::npos);
  CHECK(ProgressBar::line(30, 100, 60.0, 100).find("2m20s left") != std::string::npos);
  CHECK(ProgressBar::line(0, 100, 0.0, 100).find("runs/s") == std::string::npos);
  for (int cols = 20; cols <= 200; cols += 7) {
    const std::string s = ProgressBar::line(123456789, 1000000000, 3.7, cols);
    CHECK(static_cast<int>(s.size()) <= cols - 1);
    CHECK(s.find("%") != std::string::npos);
  }
  // Narrow terminals lose the bar before the numbers.
  CHECK(ProgressBar::line(123456789, 1000000000, 3.7, 50).rfind("[", 0) == std::string::npos);
  CHECK(ProgressBar::line(5, 10, 1.0, 60).rfind("[", 0) == 0);
}

TEST_CASE("text summary of the four-indicator scenario fits 100 columns", "[report][text]") {
  const std::string text = to_text_summary(four().results);
  std::istringstream in(text);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    CHECK(display_width(line) <= kTextWidth);
  }
  CHECK(lines > 10);
  CHECK(text.find("100M CNY") != std::string::npos);
}
