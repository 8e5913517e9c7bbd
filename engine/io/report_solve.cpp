// The solve report (report.h: solve_report_html): the answer with its interval and the
// bracketing trajectory, the target's probability against the varied value.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/core/format.h"
#include "engine/io/report.h"
#include "engine/io/report_command.h"
#include "engine/io/report_sections.h"

namespace plancast {

namespace report {
namespace {

/// The varied value as text: 6 significant digits (the JSON has the exact one).
std::string v6(double v) {
  return general_text(v, 6);
}

/// Probability (y) against the varied value (x): every evaluation with all the runs, the
/// probability sought (dashed), the answer with its 95% interval (band) and the value the
/// scenario has (grey line) when it is in view.
std::string trajectory_chart(const SolveResult& r) {
  std::vector<SolveEvaluation> ev = r.evaluations;
  std::stable_sort(ev.begin(), ev.end(), [](const SolveEvaluation& a, const SolveEvaluation& b) {
    return a.value < b.value;
  });
  double xlo = std::min(r.value_ci95[0], r.value), xhi = std::max(r.value_ci95[1], r.value);
  double plo = r.probability, phi = r.probability;
  for (const SolveEvaluation& e : ev) {
    xlo = std::min(xlo, e.value), xhi = std::max(xhi, e.value);
    plo = std::min(plo, e.probability), phi = std::max(phi, e.probability);
  }
  const Axis xa = nice_axis(xlo, xhi, 6);
  Frame f;
  f.left = 56;
  f.top = 20;
  f.width = 560;
  f.height = 240;
  f.xlo = xa.lo;
  f.xhi = xa.hi;
  f.y = nice_axis(std::max(0.0, plo), std::min(1.0, phi), 5);
  std::string s = svg_open(f.left + f.width + 24, f.top + f.height + 44,
                           "Probability of " + r.target + " against " + r.path);
  s += probability_axes(f, xa, false, r.path);
  const double base = f.top + f.height;
  // The answer's interval, then the answer.
  const double a = f.X(r.value_ci95[0]), b = f.X(r.value_ci95[1]);
  s += rect_el(a, f.top, std::max(1.0, b - a), f.height,
               "class=\"fan1\"><title>" +
                   esc("95% interval " + v6(r.value_ci95[0]) + " to " + v6(r.value_ci95[1])) +
                   "</title></rect");
  s += line_el(f.X(r.value), f.top, f.X(r.value), base, "tline");
  if (r.current && *r.current >= xa.lo && *r.current <= xa.hi) {
    s += line_el(f.X(*r.current), f.top, f.X(*r.current), base, "mark");
    s += text_el(f.X(*r.current) + 4, f.top + 12, "as written " + v6(*r.current), "tick");
  }
  s += line_el(f.left, f.Y(r.probability), f.left + f.width, f.Y(r.probability), "mark");
  s += text_el(f.left + f.width - 4, f.Y(r.probability) - 6, "sought " + percent(r.probability),
               "tick", "end");
  std::vector<double> xs, ys;
  for (const SolveEvaluation& e : ev) {
    xs.push_back(f.X(e.value));
    ys.push_back(f.Y(e.probability));
  }
  s += "<path class=\"median\" d=\"" + polyline_d(xs, ys) + "\"/>\n";
  for (std::size_t k = 0; k < ev.size(); ++k) {
    s += "<circle cx=\"" + px(xs[k]) + "\" cy=\"" + px(ys[k]) +
         "\" r=\"3\" fill=\"#114a82\"><title>" +
         esc(r.path + " = " + v6(ev[k].value) + ": " + percent(ev[k].probability)) +
         "</title></circle>\n";
  }
  s += text_el(f.X(r.value) + 6, f.Y(r.probability) + 16, v6(r.value), "lab strong");
  s += "</svg>\n";
  return s;
}

std::string solve_document(const Scenario& sc, const SolveResult& r) {
  std::string s = command_header(sc, "solve",
                                 {{"target", r.target},
                                  {"varied", r.path},
                                  {"probability sought", percent(r.probability)},
                                  {"runs", count_text(r.runs)},
                                  {"seed", std::to_string(r.seed)}});
  const TargetSpec* t = find_target(sc, r.target);
  s += "<section id=\"answer\">\n<h2>Answer</h2>\n";
  s += "<p style=\"font-size:17px;margin:6px 0\"><code>" + esc(r.path) + "</code> = <strong>" +
       esc(v6(r.value)) + "</strong> <span class=\"sub\">(95% interval " +
       esc(v6(r.value_ci95[0])) + " to " + esc(v6(r.value_ci95[1])) + ")</span></p>\n";
  s += "<p class=\"sub\">At this value target " + esc(r.target) +
       (t != nullptr ? " (" + esc(target_words(sc, *t)) + ")" : std::string()) +
       " is met with probability " + esc(percent(r.probability)) +
       ". The interval is the Monte Carlo uncertainty of the value: the probability's standard "
       "error " +
       esc(fmt::format("{:.4f}", r.std_error)) + " over " + esc(count_text(r.runs)) +
       " runs, divided by the slope " + esc(value_text(r.slope)) +
       " (change of the probability per unit of the value) near the answer.";
  if (r.current) s += " The scenario as written has " + esc(v6(*r.current)) + ".";
  s += "</p>\n";
  s += table_head({"", "#value", "#probability"});
  s += table_row("final bracket, low end",
                 {esc(v6(r.bracket[0])), esc(percent(r.bracket_probability[0]))});
  s += table_row("final bracket, high end",
                 {esc(v6(r.bracket[1])), esc(percent(r.bracket_probability[1]))});
  s += table_row("range searched", {esc(v6(r.searched[0]) + " to " + v6(r.searched[1])),
                                    r.expanded ? "grown from the value as written" : "--lo/--hi"});
  s += "</tbody></table>\n</section>\n";
  std::string traj =
      "<h2>How the search bracketed it</h2>\n<p class=\"sub\">Each point: the "
      "probability of " +
      esc(r.target) + " with " + esc(r.path) +
      " set to that value, on the same random numbers (common random numbers, "
      "so the curve is smooth); the dashed line is the probability sought, the "
      "red line the answer and the shaded band its 95% interval.</p>\n";
  traj += "<figure class=\"chart single\" id=\"trajectory\">" + trajectory_chart(r) + "</figure>\n";
  traj +=
      table_head({"#evaluation", "#value", "#probability"}, " style=\"width:auto;min-width:50%\"");
  for (std::size_t k = 0; k < r.evaluations.size(); ++k) {
    const SolveEvaluation& e = r.evaluations[k];
    traj += "<tr><td class=\"num\">" + std::to_string(k + 1) + "</td><td class=\"num\">" +
            esc(v6(e.value)) + "</td><td class=\"num\">" + esc(percent(e.probability)) +
            "</td></tr>\n";
  }
  traj += "</tbody></table>\n";
  if (r.coarse_evaluations > 0) {
    traj += "<p class=\"sub\">Before these, " + std::to_string(r.coarse_evaluations) +
            " evaluations on " + esc(count_text(r.coarse_runs)) +
            " runs found where to look; they are not shown.</p>\n";
  }
  s += section("search", traj);
  return s + command_close(sc);
}

}  // namespace
}  // namespace report

std::string solve_report_html(const Scenario& scenario, const SolveResult& result) {
  return report::solve_document(scenario, result);
}

}  // namespace plancast
