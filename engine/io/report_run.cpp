// The run report (report.h: write_run_report, run_report_html).
#include <algorithm>
#include <cmath>

#include "engine/io/report.h"
#include "engine/io/report_fan.h"
#include "engine/io/report_first.h"
#include "engine/io/report_sections.h"

namespace plancast {

namespace report {
namespace {

/// For a `by` target: per year, the chance that the target is first reached then (bars)
/// and the chance that it has been reached by then (line).
std::string first_reach_chart(const TargetResult& t, const Results& r) {
  const double W = 600, H = 240;
  Frame f = Frame::inside(W, H, 46, 22, 22, 34);
  // Years from the base to the target's year.
  std::vector<int> years;
  std::vector<double> each, cum;
  double c = 0;
  for (std::size_t k = 0; k < r.years.size() && k < t.first_reach.size(); ++k) {
    if (r.years[k] > t.year) break;
    years.push_back(r.years[k]);
    const double v = std::isfinite(t.first_reach[k]) ? t.first_reach[k] : 0;
    each.push_back(v);
    c += v;
    cum.push_back(c);
  }
  if (years.empty()) return "";
  f.xlo = years.front() - 0.5;
  f.xhi = years.back() + 0.5;
  const double top = std::max(0.05, std::min(1.0, cum.back() * 1.1));
  f.y = nice_axis(0, top, 5);
  std::string s = svg_open(W, H, "First-reach curve of " + t.id);
  s += percent_axis(f);
  const double bw = std::max(2.0, f.width / static_cast<double>(years.size()) * 0.6);
  std::vector<double> xs, ys;
  for (std::size_t k = 0; k < years.size(); ++k) {
    const double x = f.X(years[k]);
    s += rect_el(
        x - bw / 2, f.Y(each[k]), bw, f.Y(0) - f.Y(each[k]),
        "fill=\"#8fb9e0\"><title>" +
            esc(std::to_string(years[k]) + ": first reached in " + percent(each[k]) + " of runs") +
            "</title></rect");
    xs.push_back(x);
    ys.push_back(f.Y(cum[k]));
  }
  s += "<path class=\"median\" d=\"" + polyline_d(xs, ys) + "\"/>\n";
  for (std::size_t k = 0; k < years.size(); ++k) {
    s += "<circle cx=\"" + px(xs[k]) + "\" cy=\"" + px(ys[k]) +
         "\" r=\"2.6\" fill=\"#114a82\"><title>" +
         esc("reached by " + std::to_string(years[k]) + ": " + percent(cum[k])) +
         "</title></circle>\n";
  }
  s += text_el(xs.back() - 8, ys.back() - 8,
               "by " + std::to_string(years.back()) + ": " + percent(cum.back()), "lab strong",
               "end");
  Frame fx = f;
  s += year_axis(fx, years.front(), years.back(), {t.year});
  s += "</svg>\n";
  std::string fig = "<figure class=\"chart\" id=\"reach-" + esc(t.id) + "\"><figcaption><h3>" +
                    esc(t.id) + ": when is it first reached?</h3><p class=\"sub\">" +
                    esc(target_condition(t, r)) +
                    " \xC2\xB7 bars: first reached that year; line: reached by that year"
                    "</p></figcaption>\n" +
                    s + "</figure>\n";
  return fig;
}

std::string reach_section(const Results& r) {
  std::string charts;
  for (const TargetResult& t : r.targets) {
    if (t.by && !t.first_reach.empty()) charts += first_reach_chart(t, r);
  }
  if (charts.empty()) return "";
  return "<h2>Targets \xE2\x80\x9Creached by\xE2\x80\x9D a year</h2>\n"
         "<p class=\"sub\">A target reached by a year is met if the indicator reaches the level in "
         "any year up to then.</p>\n<div class=\"charts\">\n" +
         charts + "</div>\n";
}

std::string notes_section(const Results& r) {
  std::string s;
  for (const TargetResult& t : r.targets) {
    if (t.nonfinite > 0) {
      s += "<li>Target " + esc(t.id) + ": " + std::to_string(t.nonfinite) + " of " +
           std::to_string(r.runs) + " runs had a value of " + esc(t.indicator) +
           " that was not a number, and count as not met.</li>\n";
    }
  }
  for (const IndicatorResult& ind : r.indicators) {
    std::uint64_t nonfinite = 0;
    for (auto n : ind.nonfinite) nonfinite += n;
    if (nonfinite > 0) {
      s += "<li>" + esc(ind.name) + ": " + std::to_string(nonfinite) +
           " values that were not numbers (over all years), left out of its statistics.</li>\n";
    }
    for (const CounterResult& c : ind.counters) {
      std::uint64_t total = 0;
      for (auto n : c.per_year) total += n;
      if (total > 0) {
        s += "<li>" + esc(ind.name) + ": " + std::to_string(total) + " " + esc(c.report_note) +
             ".</li>\n";
      }
    }
  }
  return s.empty() ? "" : "<h2>Notes</h2>\n<ul class=\"note\">\n" + s + "</ul>\n";
}

std::string run_header(const Results& r, const Scenario* sc, const std::string& kind) {
  std::string s = "<header>\n<p class=\"sub\">plancast " + esc(kind) + "</p>\n<h1>" +
                  esc(r.title.empty() ? r.scenario : r.title) + "</h1>\n";
  s += "<dl class=\"facts\">";
  s += fact("scenario", r.scenario);
  s += fact("variant", r.variant ? *r.variant : "base (none)");
  if (!r.years.empty()) {
    s += fact("base year", std::to_string(r.years.front()));
    s += fact("horizon", std::to_string(r.years.back()));
  }
  s += fact("runs", count_text(r.runs));
  s += fact("seed", std::to_string(r.seed));
  s += fact("sampler", r.sampler);
  if (sc != nullptr) s += fact("parameters", std::to_string(sc->parameters.size()));
  s += "</dl>\n</header>\n";
  return s;
}

std::string run_document(const Scenario* sc, const Results& r, const DriverRanking* drivers) {
  std::string s = page_open((r.title.empty() ? r.scenario : r.title) + " \xE2\x80\x94 plancast");
  s += run_header(r, sc, "run report");
  s += section("answer", first_page_section(sc, r, drivers));
  s += section("targets", targets_section(r));
  s += section("exceedance", exceedance_section(r));
  if (sc != nullptr) s += section("assumptions", assumptions_section(*sc, &r));
  s += section("indicators", indicators_section(sc, r));
  s += section("reach", reach_section(r));
  s += section("notes", notes_section(r));
  s += page_close(footer_text(r));
  return s;
}

}  // namespace
}  // namespace report

void write_run_report(std::ostream& out, const Scenario& scenario, const Results& results) {
  out << report::run_document(&scenario, results, nullptr);
}

void write_run_report(std::ostream& out, const Results& results) {
  out << report::run_document(nullptr, results, nullptr);
}

std::string run_report_html(const Scenario& scenario, const Results& results) {
  return report::run_document(&scenario, results, nullptr);
}

std::string run_report_html(const Scenario& scenario, const Results& results,
                            const DriverRanking& drivers) {
  return report::run_document(&scenario, results, &drivers);
}

}  // namespace plancast
