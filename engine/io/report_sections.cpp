// The parts that more than one report shows (see report_sections.h): likelihood classes,
// the target table, target conditions, the footer (the assumptions: report_assumptions.cpp).
#include "engine/io/report_sections.h"

#include <algorithm>

#include "engine/io/html.h"
#include "engine/io/svg.h"

namespace plancast::report {

namespace {

// ---- likelihood classes (IPCC calibrated language) -----------------------------------------

struct Likelihood {
  double below;  ///< upper bound of the class
  const char* words;
  const char* css;
  const char* fill;
};

constexpr Likelihood kLikelihood[] = {
    {0.10, "very unlikely (under 10%)", "l0", "#e08060"},
    {0.33, "unlikely (10-33%)", "l1", "#f6cdb4"},
    {0.66, "about as likely as not (33-66%)", "l2", "#eeeeea"},
    {0.90, "likely (66-90%)", "l3", "#c4dcee"},
    {2.00, "very likely (over 90%)", "l4", "#7fb3d8"},
};
const Likelihood& likelihood(double p) {
  for (const Likelihood& l : kLikelihood) {
    if (p < l.below) return l;
  }
  return kLikelihood[4];
}

std::string likelihood_legend() {
  std::string s = "<div class=\"legend\">";
  for (const Likelihood& l : kLikelihood) {
    s += "<span><span class=\"sw ";
    s += l.css;
    s += "\"></span>";
    s += esc(l.words);
    s += "</span>";
  }
  return s + "</div>\n";
}

}  // namespace

std::string op_text(const std::string& op) {
  return op == "<=" ? "\xE2\x89\xA4" : "\xE2\x89\xA5";  // ≤ ≥
}

const IndicatorResult* find_indicator(const Results& r, const std::string& name) {
  for (const IndicatorResult& i : r.indicators) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

std::string target_condition(const TargetResult& t, const Results& r) {
  const IndicatorResult* ind = find_indicator(r, t.indicator);
  std::string s = op_text(t.op) + " " + value_text(t.value);
  if (ind && !ind->unit.empty()) s += (ind->unit == "%" ? "" : " ") + ind->unit;
  s += t.by ? " by " : " in ";
  s += std::to_string(t.year);
  return s;
}

namespace {

/// A probability's 95% interval, escaped: "12.1% – 14.0%".
std::string interval_text(const Proportion& p) {
  return esc(percent(p.ci95[0])) + " \xE2\x80\x93 " + esc(percent(p.ci95[1]));
}

/// A small bar with the probability and a whisker for its interval.
std::string probability_bar(const Proportion& p) {
  const double w = 120, h = 14;
  std::string s = "<svg class=\"pbar\" viewBox=\"0 0 " + px(w) + " " + px(h) +
                  "\" style=\"width:120px;display:inline-block\" aria-hidden=\"true\">";
  s += rect_el(0, 3, w, h - 6, "fill=\"#edf0f3\"");
  const double pr = std::clamp(p.probability, 0.0, 1.0);
  s += rect_el(0, 3, w * pr, h - 6, "fill=\"#35618f\"");
  const double a = w * std::clamp(p.ci95[0], 0.0, 1.0), b = w * std::clamp(p.ci95[1], 0.0, 1.0);
  s += whisker(a, b, h / 2, 5);
  return s + "</svg>";
}

}  // namespace

std::string targets_section(const Results& r) {
  if (r.targets.empty()) return "";
  std::string s = "<h2>Targets</h2>\n";
  s += "<p class=\"sub\">The share of the " + esc(count_text(r.runs)) +
       " runs in which each target is met, with its 95% interval (Wilson). Shading follows the "
       "likelihood scale below.</p>\n";
  s += likelihood_legend();
  s += table_head({"target", "indicator", "condition", "#probability", "#95% interval", ""},
                  " class=\"targets\"");
  for (const TargetResult& t : r.targets) {
    const IndicatorResult* ind = find_indicator(r, t.indicator);
    const std::string ititle = ind && !ind->title.empty() ? ind->title : t.indicator;
    const Likelihood& l = likelihood(t.p.probability);
    s += "<tr id=\"target-" + esc(t.id) + "\"><td><b>" + esc(t.id) + "</b></td><td>" + esc(ititle) +
         "</td><td>" + esc(target_condition(t, r)) + "</td><td class=\"num prob " + l.css +
         "\" title=\"" + esc(l.words) + "\">" + esc(percent(t.p.probability)) +
         "</td><td class=\"num\">" + interval_text(t.p) + "</td><td>" + probability_bar(t.p) +
         "</td></tr>\n";
  }
  s += "</tbody></table>\n";
  if (!r.joint.empty()) {
    s += "<h3 style=\"margin-top:12px\">All of a year's targets met in the same run</h3>\n";
    s += table_head({"year", "targets", "#probability", "#95% interval"});
    for (const JointResult& j : r.joint) {
      std::string ids;
      for (const std::string& id : j.targets) ids += (ids.empty() ? "" : ", ") + id;
      s += "<tr><td>" + std::to_string(j.year) + "</td><td>" + esc(ids) +
           "</td><td class=\"num prob " + likelihood(j.p.probability).css + "\">" +
           esc(percent(j.p.probability)) + "</td><td class=\"num\">" + interval_text(j.p) +
           "</td></tr>\n";
    }
    s += "</tbody></table>\n";
  }
  return s;
}

std::string footer_text(const Results& r) {
  return "plancast " + r.plancast_version + " \xC2\xB7 scenario " + r.scenario +
         " \xC2\xB7 scenario_sha256 " + r.scenario_sha256 +
         " \xC2\xB7 the same scenario, seed and runs give the same results on any machine.";
}

}  // namespace plancast::report
