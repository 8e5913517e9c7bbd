// The audit report (report.h: audit_report_html): the findings graded ok / warning /
// inconsistent with their numbers, and per target the growth it needs against history and
// assumption as a small chart.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/core/format.h"
#include "engine/io/audit_out.h"
#include "engine/io/report.h"
#include "engine/io/report_command.h"
#include "engine/io/report_sections.h"

namespace plancast {

namespace report {
namespace {

/// A grade's badge colours (background, text), as the run report's likelihood shades:
/// inconsistent red, warning amber, ok blue.
const char* grade_style(AuditGrade g) {
  switch (g) {
    case AuditGrade::inconsistent:
      return "background:#e08060;color:#fff";
    case AuditGrade::warning:
      return "background:#f6cdb4;color:#1d2733";
    case AuditGrade::ok:
      break;
  }
  return "background:#c4dcee;color:#1d2733";
}

std::string badge(AuditGrade g) {
  return std::string("<span style=\"") + grade_style(g) +
         ";padding:1px 7px;border-radius:3px;font-weight:600;white-space:nowrap\">" + to_string(g) +
         "</span>";
}

/// A finding's numbers, one per line: "required_rate 0.2183".
std::string values_cell(const AuditFinding& f) {
  std::string s;
  for (const auto& [name, v] : f.values) {
    s += (s.empty() ? "" : "<br>") + std::string("<code>") + esc(name) + "</code> " +
         esc(std::isfinite(v) ? general_text(v, 6) : "n/a");
  }
  return s;
}

/// The table of one kind of finding; nothing when there is none.
std::string findings_table(const AuditReport& r, const char* kind) {
  std::string rows;
  for (const AuditFinding& f : r.findings) {
    if (f.kind != kind) continue;
    rows += "<tr id=\"finding-" + esc(f.kind + "-" + f.subject) + "\"><td>" + badge(f.grade) +
            "</td><td>" + esc(f.subject) + "</td><td>" + esc(f.message) +
            (f.loc.line > 0 ? "<br><span class=\"sub\">" + esc(f.loc.str()) + "</span>" : "") +
            "</td><td class=\"num\">" + values_cell(f) + "</td></tr>\n";
  }
  if (rows.empty()) return "";
  return "<h3>" + esc(audit_section_title(kind)) + "</h3>\n" +
         table_head({"grade", "subject", "finding", "#numbers"}) + rows + "</tbody></table>\n";
}

/// One target's needed rate (red line) against the history's rate (black diamond) and the
/// assumption's p10-p90 (bar) with its mean (tick), on one rate axis; nothing when the
/// finding has no required rate.
std::string rate_chart(const AuditFinding& f) {
  const double need = f.value("required_rate"), hist = f.value("history_rate");
  const double mean = f.value("assumption_mean"), p10 = f.value("assumption_p10"),
               p90 = f.value("assumption_p90");
  if (!std::isfinite(need)) return "";
  const bool has_hist = std::isfinite(hist);
  const bool has_assumption = std::isfinite(mean);
  double lo = std::min(0.0, need), hi = std::max(0.0, need);
  for (double v : {hist, mean, p10, p90}) {
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  const Axis ax = nice_axis(lo, hi, 5);
  const double W = 520, left = 96, width = W - left - 84, row = 26,
               top = 10;  // room for "mean 0.2667"
  const int rows = 1 + (has_hist ? 1 : 0) + (has_assumption ? 1 : 0);
  const double H = top + row * rows + 28;
  auto X = [&](double v) {
    return left + (std::clamp(v, ax.lo, ax.hi) - ax.lo) / (ax.hi - ax.lo) * width;
  };
  std::string s = svg_open(W, H, "Growth needed by " + f.subject);
  const double base = top + row * rows;
  for (double v : ax.ticks) {
    s += line_el(X(v), top, X(v), base, std::fabs(v) < 1e-12 ? "axis" : "grid");
    s += text_el(X(v), base + 15, ax.label(v), "tick", "middle");
  }
  double y = top;
  auto label = [&](const char* what) { s += text_el(left - 8, y + row / 2 + 4, what, "", "end"); };
  label("needed");
  s += rect_el(X(std::min(0.0, need)), y + 7, std::fabs(X(need) - X(0)), row - 14,
               "fill=\"#c0392b\"><title>" + esc("needed " + value_text(need)) + "</title></rect");
  s += text_el(X(need) + (need >= 0 ? 6 : -6), y + row / 2 + 4, value_text(need), "lab",
               need >= 0 ? "start" : "end");
  y += row;
  if (has_hist) {
    label("history");
    const double x = X(hist), c = y + row / 2;
    s += "<path class=\"hist\" d=\"M" + px(x) + " " + px(c - 6) + "L" + px(x + 6) + " " + px(c) +
         "L" + px(x) + " " + px(c + 6) + "L" + px(x - 6) + " " + px(c) + "Z\"><title>" +
         esc("history " + value_text(hist)) + "</title></path>\n";
    s += text_el(x + 10, c + 4, value_text(hist), "tick");
    y += row;
  }
  if (has_assumption) {
    label("assumption");
    const double a = X(std::isfinite(p10) ? p10 : mean), b = X(std::isfinite(p90) ? p90 : mean);
    s += rect_el(a, y + 6, std::max(2.0, b - a), row - 12,
                 "class=\"fan2\"><title>" +
                     esc("assumption p10 " + value_text(p10) + ", p90 " + value_text(p90)) +
                     "</title></rect");
    s += line_el(X(mean), y + 3, X(mean), y + row - 3, "median");
    s += text_el(std::max(a, b) + 6, y + row / 2 + 4, "mean " + value_text(mean), "tick");
  }
  s += line_el(X(need), top, X(need), base, "tline");
  s += "</svg>\n";
  return s;
}

std::string targets_charts(const Scenario& sc, const AuditReport& r) {
  std::string charts;
  for (const AuditFinding& f : r.findings) {
    if (f.kind != "target" && f.kind != "implied") continue;
    const std::string chart = rate_chart(f);
    if (chart.empty()) continue;
    const TargetSpec* t = f.kind == "target" ? find_target(sc, f.subject) : nullptr;
    const double p = f.value("assumption_probability");
    std::string sub =
        t != nullptr ? target_words(sc, *t) : f.subject + ": the value the targets imply together";
    if (std::isfinite(p)) sub += " \xC2\xB7 P(assumed rate reaches it) " + percent(p);
    charts += "<figure class=\"chart\" id=\"growth-" + esc(f.kind + "-" + f.subject) +
              "\"><figcaption><h3>" + esc(f.subject) + " " + badge(f.grade) +
              "</h3><p class=\"sub\">" + esc(sub) + "</p></figcaption>\n" + chart + "</figure>\n";
  }
  if (charts.empty()) return "";
  return "<h2>Growth each target needs</h2>\n<p class=\"sub\">Red: the rate a year the target "
         "needs from the base (for an implied value, the rate the targets together need of "
         "it); diamond: the rate the history shows; bar: the scenario's "
         "assumption from its p10 to its p90, the line its mean. Rates in the indicator's own "
         "terms (a growth rate as a fraction: 0.1 is 10% a year; the finding says which).</p>\n"
         "<div class=\"charts\">\n" +
         charts + "</div>\n";
}

std::string audit_document(const Scenario& sc, const AuditReport& r) {
  const auto n = [&](AuditGrade g) { return std::to_string(r.count(g)); };
  std::string s = command_header(sc, "audit",
                                 {{"findings", std::to_string(r.findings.size())},
                                  {"ok", n(AuditGrade::ok)},
                                  {"warnings", n(AuditGrade::warning)},
                                  {"inconsistent", n(AuditGrade::inconsistent)}});
  s += "<p class=\"sub\">The scenario's own numbers checked against each other, without "
       "simulating. <strong>inconsistent</strong>: numbers that contradict each other (a "
       "stated rate the history does not bear out, a target the model cannot reach); "
       "<strong>warning</strong>: a target that needs more than history or the assumption, or "
       "an implausible input; <strong>ok</strong>: nothing to say. " +
       std::string(r.inconsistent() ? "Something is inconsistent: plancast audit exits 1."
                                    : "Nothing is inconsistent.") +
       "</p>\n";
  s += "<div class=\"legend\">" + badge(AuditGrade::ok) + badge(AuditGrade::warning) +
       badge(AuditGrade::inconsistent) + "</div>\n";
  s += section("growth", targets_charts(sc, r));
  std::string tables;
  for (const char* kind : {"claim", "base", "target", "implied", "plausibility"}) {
    tables += findings_table(r, kind);
  }
  if (!tables.empty()) tables = "<h2>Findings</h2>\n" + tables;
  s += section("findings", tables);
  return s + command_close(sc);
}

}  // namespace
}  // namespace report

std::string audit_report_html(const Scenario& scenario, const AuditReport& report) {
  return report::audit_document(scenario, report);
}

}  // namespace plancast
