// The discover report (report.h: discover_report_html): the chosen box's limits per
// parameter and the peeling trajectory, density against coverage.
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

/// Density (y) against coverage (x) of every box of the trajectory, from the whole sample
/// (coverage 1) inwards; the chosen box ringed and labelled, the pasted box hollow.
std::string trajectory_chart(const DiscoverResult& r) {
  Frame f;
  f.left = 56;
  f.top = 20;
  f.width = 540;
  f.height = 260;
  double clo = 1, dlo = 1, dhi = 0;
  for (const PrimBox& b : r.boxes) {
    clo = std::min(clo, b.coverage);
    dlo = std::min(dlo, b.density), dhi = std::max(dhi, b.density);
  }
  const Axis xa = nice_axis(std::max(0.0, clo), 1, 5);
  f.xlo = xa.lo;
  f.xhi = xa.hi;
  f.y = nice_axis(std::max(0.0, dlo), std::min(1.0, std::max(dhi, dlo + 0.01)), 5);
  std::string s =
      svg_open(f.left + f.width + 30, f.top + f.height + 44, "PRIM trajectory of " + r.target);
  s += probability_axes(f, xa, true, "coverage: share of the runs of interest inside the box");
  std::vector<double> xs, ys;
  for (const PrimBox& b : r.boxes) {
    xs.push_back(f.X(b.coverage));
    ys.push_back(f.Y(b.density));
  }
  s += "<path class=\"median\" d=\"" + polyline_d(xs, ys) + "\"/>\n";
  for (std::size_t k = 0; k < r.boxes.size(); ++k) {
    const PrimBox& b = r.boxes[k];
    std::string tip = "box " + std::to_string(k) + ": coverage " + percent(b.coverage) +
                      ", density " + percent(b.density) + ", mass " + percent(b.mass);
    if (b.pasted) tip += " (pasted)";
    s += "<circle cx=\"" + px(xs[k]) + "\" cy=\"" + px(ys[k]) + "\" r=\"" +
         (k == r.chosen ? "5.5" : "2.6") + "\" " +
         (k == r.chosen ? "fill=\"#c0392b\" stroke=\"#fff\""
          : b.pasted    ? "fill=\"#fff\" stroke=\"#114a82\""
                        : "fill=\"#114a82\"") +
         "><title>" + esc(tip) + "</title></circle>\n";
  }
  if (r.chosen < r.boxes.size()) {
    const bool right = xs[r.chosen] < f.left + f.width * 0.7;
    s += text_el(xs[r.chosen] + (right ? 9 : -9), ys[r.chosen] + 20,
                 "chosen box " + std::to_string(r.chosen), "lab strong", right ? "start" : "end");
  }
  s += "</svg>\n";
  return s;
}

/// One restricted parameter: its sample range as a grey bar, the box's limits on it in
/// colour.
std::string limits_bar(const DiscoverResult& r, const BoxParameter& bp) {
  const auto& range = r.range[bp.index];
  const double W = 200, H = 16;
  const double span = range[1] > range[0] ? range[1] - range[0] : 1;
  auto X = [&](double v) {
    return 2 + (std::clamp(v, range[0], range[1]) - range[0]) / span * (W - 4);
  };
  std::string s = "<svg viewBox=\"0 0 " + px(W) + " " + px(H) +
                  "\" role=\"img\" style=\"width:200px;display:inline-block\" aria-label=\"" +
                  esc(r.parameters[bp.index] + " limits") + "\">";
  s += rect_el(2, 5, W - 4, 6, "fill=\"#e3e7ec\"");
  s += rect_el(X(bp.lo), 2, std::max(2.0, X(bp.hi) - X(bp.lo)), 12, "fill=\"#c0392b\"");
  return s + "</svg>";
}

std::string limits_text(const DiscoverResult& r, const BoxParameter& bp) {
  const auto& range = r.range[bp.index];
  const bool lo = bp.lo > range[0], hi = bp.hi < range[1];
  if (lo && hi) return general_text(bp.lo, 4) + " to " + general_text(bp.hi, 4);
  return hi ? op_text("<=") + " " + general_text(bp.hi, 4)
            : op_text(">=") + " " + general_text(bp.lo, 4);
}

std::string discover_document(const Scenario& sc, const DiscoverResult& r,
                              const DiscoverOptions& o) {
  const char* what = r.find_missed ? "missed" : "met";
  const double share =
      r.runs ? static_cast<double>(r.of_interest) / static_cast<double>(r.runs) : 0.0;
  std::string s = command_header(
      sc, "discover",
      {{"target", r.target},
       {"runs of interest", std::string("target ") + what},
       {"runs", count_text(r.runs)},
       {std::string("runs ") + what, count_text(r.of_interest) + " (" + percent(share) + ")"},
       {"peeled at a time", percent(o.alpha) + " of the box"},
       {"smallest box", percent(o.min_mass) + " of the runs"}});
  const TargetSpec* t = find_target(sc, r.target);
  const PrimBox& c = r.boxes[r.chosen];
  std::string box = "<h2>When is " + esc(r.target) + " mostly " + what + "?</h2>\n";
  box += "<p class=\"sub\">" + (t != nullptr ? esc(target_words(sc, *t)) + ". " : std::string()) +
         "PRIM (Friedman &amp; Fisher 1999) looks for a box of parameter values in which the "
         "target is " +
         what + " far more often than overall (" + esc(percent(share)) + " of the runs).</p>\n";
  box += "<p style=\"font-size:15px;margin:6px 0\">Chosen box " + std::to_string(r.chosen) +
         ": <strong>" + esc(percent(c.density)) + "</strong> of the runs in it have the target " +
         what + " (density); it holds <strong>" + esc(percent(c.coverage)) +
         "</strong> of all the runs where it is " + what + " (coverage) and " +
         esc(percent(c.mass)) + " of all runs (mass).</p>\n";
  if (r.chosen_parameters.empty()) {
    box +=
        "<p class=\"sub\">No parameter is restricted: no box does better than the whole "
        "sample.</p>\n";
  } else {
    box += table_head({"parameter", "limits", "#sample range", "#quasi-p", "#density without",
                       "box within the sample"});
    for (const BoxParameter& bp : r.chosen_parameters) {
      const auto& range = r.range[bp.index];
      box += "<tr><td>" + esc(r.parameters[bp.index]) + "</td><td><strong>" +
             esc(limits_text(r, bp)) + "</strong></td><td class=\"num\">" +
             esc(general_text(range[0], 4) + " to " + general_text(range[1], 4)) +
             "</td><td class=\"num\">" + esc(general_text(bp.quasi_p, 2)) +
             "</td><td class=\"num\">" + esc(percent(bp.density_without)) + "</td><td>" +
             limits_bar(r, bp) + "</td></tr>\n";
    }
    box +=
        "</tbody></table>\n<p class=\"sub\">quasi-p: the chance of the box's density were the "
        "limit on that parameter dropped (a one-sided binomial test); above 0.05 the limit is "
        "probably noise. Density without: the box's density with that limit removed.</p>\n";
  }
  s += section("box", box);
  std::string traj =
      "<h2>The peeling trajectory</h2>\n<p class=\"sub\">Each point is a box, "
      "from the whole sample (coverage 100%) inwards, each peel removing " +
      esc(general_text(100 * o.alpha, 3)) +
      "% of the box's runs: smaller boxes are denser but cover fewer of the "
      "runs of interest. The chosen box (red) has the highest harmonic mean of "
      "coverage and density; a reader may prefer another, listed in the JSON.</p>\n";
  traj += "<figure class=\"chart single\" id=\"trajectory\">" + trajectory_chart(r) + "</figure>\n";
  s += section("trajectory", traj);
  return s + command_close(sc);
}

}  // namespace
}  // namespace report

std::string discover_report_html(const Scenario& scenario, const DiscoverResult& result,
                                 const DiscoverOptions& options) {
  return report::discover_document(scenario, result, options);
}

}  // namespace plancast
