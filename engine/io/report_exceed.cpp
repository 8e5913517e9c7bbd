// Exceedance curves of the target indicators (report_first.h: exceedance_section).
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "engine/io/report_first.h"
#include "engine/io/report_sections.h"

namespace plancast::report {

namespace {

/// P(value >= v) read off a curve (quantiles at curve_level(i)): the share of levels whose
/// quantile is at least v, to the curve's half-percentile resolution.
double exceedance_at(const std::vector<double>& curve, double v) {
  const auto below = std::lower_bound(curve.begin(), curve.end(), v) - curve.begin();
  if (below == 0) return 1.0;
  if (below == static_cast<std::ptrdiff_t>(curve.size())) return 0.0;
  return 1.0 - curve_level(static_cast<std::size_t>(below - 1)) -
         0.5 / static_cast<double>(kCurveLevels + 1);
}

/// Where a target sits on its curve: the run's own probability when the target is "at least
/// v in a year" (exactly P(value >= v)), 1 - p for "at most v" (P(value > v), the same up to
/// ties), else (reached "by" a year) read off the curve.
double target_height(const TargetResult& t) {
  if (!t.by) return t.op == ">=" ? t.p.probability : 1.0 - t.p.probability;
  return exceedance_at(t.curve, t.value);
}

std::string exceedance_chart(const std::vector<const TargetResult*>& group, const Results& r) {
  const TargetResult& first = *group.front();
  const std::vector<double>& curve = first.curve;
  const IndicatorResult* ind = find_indicator(r, first.indicator);
  const std::string unit = ind != nullptr ? ind->unit : "";
  double lo = curve.front(), hi = curve.back();
  for (const TargetResult* t : group) lo = std::min(lo, t->value), hi = std::max(hi, t->value);
  const Axis xa = nice_axis(lo, hi, 6);
  const double W = 600, H = 250;
  Frame f = Frame::inside(W, H, 46, 18, 24, 48);
  f.xlo = xa.lo;
  f.xhi = xa.hi;
  f.y = nice_axis(0, 1, 5);
  const std::string what = first.indicator + " in " + std::to_string(first.year);
  std::string s = svg_open(W, H, "Exceedance curve of " + what);
  s += percent_axis(f);
  const double base = f.top + f.height;
  s += line_el(f.left, base, f.left + f.width, base, "axis");
  for (double v : xa.ticks) {
    const double x = f.X(v);
    s += line_el(x, base, x, base + 3, "axis");
    s += text_el(x, base + 16, xa.label(v), "tick", "middle");
  }
  if (!unit.empty()) s += text_el(f.left + f.width, base + 32, unit, "unit", "end");
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    xs.push_back(f.X(curve[i]));
    ys.push_back(f.Y(1.0 - curve_level(i)));
  }
  s += "<path class=\"median\" d=\"" + polyline_d(xs, ys) + "\"/>\n";
  // A tooltip on every 5th percentile: the value exceeded in that share of runs.
  for (std::size_t i = 0; i < curve.size(); ++i) {
    if ((i + 1) % 10 != 0) continue;
    s += "<circle class=\"pt\" cx=\"" + px(xs[i]) + "\" cy=\"" + px(ys[i]) +
         "\" r=\"2.4\"><title>" +
         esc("P(value \xE2\x89\xA5 " + value_text(curve[i]) +
             ") = " + percent(1.0 - curve_level(i))) +
         "</title></circle>\n";
  }
  double label_y = f.top + 12;
  for (const TargetResult* t : group) {
    const double x = f.X(t->value), y = f.Y(target_height(*t));
    const std::string label = t->id + " " + op_text(t->op) + " " + value_text(t->value) + ": " +
                              percent(t->p.probability);
    s += line_el(x, f.top, x, base, "tline");
    s += "<circle class=\"target\" cx=\"" + px(x) + "\" cy=\"" + px(y) + "\" r=\"4\"><title>" +
         esc(label + (t->by ? " (reached by " + std::to_string(t->year) + ")" : "")) +
         "</title></circle>\n";
    const bool right = x < f.left + f.width / 2;
    s += text_el(right ? x + 6 : x - 6, label_y, label, "lab", right ? "start" : "end");
    label_y += 15;
  }
  s += "</svg>\n";
  return "<figure class=\"chart\" id=\"exceed-" + esc(first.indicator) + "-" +
         std::to_string(first.year) + "\"><figcaption><h3>" + esc(what) +
         ": the chance of reaching each value</h3><p class=\"sub\">share of runs with a value "
         "\xE2\x89\xA5 x (every half percentile of the run); red: the targets, with their "
         "probability</p></figcaption>\n" +
         s + "</figure>\n";
}

}  // namespace

std::string exceedance_section(const Results& r) {
  // One chart per (indicator, year) that some target judges, in the order targets first
  // name them.
  std::vector<std::vector<const TargetResult*>> groups;
  for (const TargetResult& t : r.targets) {
    if (t.curve.size() != kCurveLevels) continue;
    auto same = [&](const std::vector<const TargetResult*>& g) {
      return g.front()->indicator == t.indicator && g.front()->year == t.year;
    };
    const auto it = std::find_if(groups.begin(), groups.end(), same);
    if (it != groups.end()) {
      it->push_back(&t);
    } else {
      groups.push_back({&t});
    }
  }
  if (groups.empty()) return "";
  std::string s =
      "<h2>How far each target is</h2>\n<p class=\"sub\">For each indicator a "
      "target judges, in the target's year: the chance that it reaches at least "
      "each value (hover over a point for its numbers).</p>\n<div class=\"charts\">\n";
  for (const auto& g : groups) s += exceedance_chart(g, r);
  return s + "</div>\n";
}

}  // namespace plancast::report
