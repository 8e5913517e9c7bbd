// The compare report (report.h: compare_report_html).
#include <algorithm>

#include "engine/io/labels.h"
#include "engine/io/report.h"
#include "engine/io/report_fan.h"
#include "engine/io/report_sections.h"

namespace plancast {

namespace report {
namespace {

std::string compare_target_chart(const Comparison& c, const TargetComparison& tc) {
  const double row = 26, W = 640;
  const double left = 150, right = 220;  // room for "22.0%  +18.2 [+18.0, +18.4]"
  const double H = 20 + row * static_cast<double>(c.variants.size()) + 26;
  const double pw = W - left - right;
  std::string s = svg_open(W, H, "Probability of " + tc.id + " per variant");
  const double y0 = 12, yb = y0 + row * static_cast<double>(c.variants.size());
  for (int k = 0; k <= 4; ++k) {
    const double x = left + pw * k / 4.0;
    s += line_el(x, y0, x, yb, "grid");
    s += text_el(x, yb + 15, std::to_string(k * 25) + "%", "tick", "middle");
  }
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    const double y = y0 + row * static_cast<double>(i);
    s += text_el(left - 8, y + row / 2 + 4, c.variants[i], i == 0 ? "strong" : "", "end");
    if (!tc.probability[i]) {
      s += text_el(left + 4, y + row / 2 + 4, "no such target", "tick");
      continue;
    }
    const double p = *tc.probability[i];
    s += rect_el(left, y + 5, pw * std::clamp(p, 0.0, 1.0), row - 10,
                 "fill=\"" + variant_style(i).color + "\"");
    // The variant's own 95% interval, from its results.
    if (i < c.results.size()) {
      for (const TargetResult& t : c.results[i].targets) {
        if (t.id != tc.id) continue;
        const double a = left + pw * std::clamp(t.p.ci95[0], 0.0, 1.0);
        const double b = left + pw * std::clamp(t.p.ci95[1], 0.0, 1.0);
        s += whisker(a, b, y + row / 2, 5);
      }
    }
    std::string label = percent(p);
    if (i < tc.difference.size() && tc.difference[i]) {
      const PairedDifference& d = *tc.difference[i];
      label += "  " + difference_points_text(d);
    }
    s += text_el(left + pw + 8, y + row / 2 + 4, label, "", "start");
  }
  s += line_el(left, y0, left, yb, "axis");
  s += "</svg>\n";
  return s;
}

/// What each variant changes from the base, as the file writes it: one row per override.
std::string overrides_section(const Scenario& base, const Comparison& c) {
  bool any = false;
  for (std::size_t i = 1; i < c.overrides.size(); ++i) any = any || !c.overrides[i].empty();
  if (!any) return "";
  std::string s = "<section id=\"overrides\">\n<h2>What each variant changes</h2>\n";
  s += "<p class=\"sub\">Each variant is the base scenario with these values replaced, as the "
       "scenario file writes them; everything else is the base's.</p>\n";
  s += table_head({"variant", "value changed", "new value"});
  for (std::size_t i = 1; i < c.variants.size() && i < c.overrides.size(); ++i) {
    const auto& ovs = c.overrides[i];
    if (ovs.empty()) {
      s += "<tr><td>" + line_sample(variant_style(i)) + " " + esc(c.variants[i]) +
           "</td><td colspan=\"2\">(nothing)</td></tr>\n";
    }
    for (std::size_t k = 0; k < ovs.size(); ++k) {
      const std::string title = path_title(base, ovs[k].first);
      const std::string path =
          (title.empty() ? "" : esc(title) + " ") + "<code>" + esc(ovs[k].first) + "</code>";
      s += "<tr><td>" +
           (k == 0 ? line_sample(variant_style(i)) + " " + esc(c.variants[i]) : std::string()) +
           "</td><td>" + path + "</td><td><code>" + esc(ovs[k].second) + "</code></td></tr>\n";
    }
  }
  return s + "</tbody></table>\n</section>\n";
}

std::string compare_document(const Scenario& base, const Comparison& c) {
  const Results* r0 = c.results.empty() ? nullptr : &c.results.front();
  const std::string title = r0 && !r0->title.empty() ? r0->title : c.scenario;
  std::string s = page_open(title + " \xE2\x80\x94 plancast compare");
  s += "<header>\n<p class=\"sub\">plancast compare</p>\n<h1>" + esc(title) + "</h1>\n";
  s += "<dl class=\"facts\">";
  s += fact("scenario", c.scenario);
  std::string names;
  for (const std::string& v : c.variants) names += (names.empty() ? "" : ", ") + v;
  s += fact("compared", names);
  if (r0 && !r0->years.empty()) {
    s += fact("base year", std::to_string(r0->years.front()));
    s += fact("horizon", std::to_string(r0->years.back()));
  }
  s += fact("runs", count_text(c.runs));
  s += fact("seed", std::to_string(c.seed));
  if (r0) s += fact("sampler", r0->sampler);
  s += "</dl>\n</header>\n";
  s += "<p class=\"sub\">Every variant is run on the same random numbers (run r of each uses the "
       "same draws), so the change from base is measured run by run: its interval (in "
       "percentage points) is much narrower than the difference of two separate runs.</p>\n";

  s += overrides_section(base, c);
  if (!c.targets.empty()) {
    s += "<section id=\"variants\">\n<h2>Targets across variants</h2>\n";
    s += "<p class=\"sub\">Bars: probability of meeting the target in each variant, with its 95% "
         "interval; in brackets the change from base with its 95% interval.</p>\n";
    s += "<div class=\"charts\">\n";
    for (const TargetComparison& tc : c.targets) {
      std::string cond;
      if (r0) {
        for (const TargetResult& t : r0->targets) {
          if (t.id == tc.id) cond = target_condition(t, *r0);
        }
      }
      s += "<figure class=\"chart\" id=\"target-" + esc(tc.id) + "\"><figcaption><h3>" +
           esc(tc.id) + "</h3><p class=\"sub\">" + esc(cond) + "</p></figcaption>\n" +
           compare_target_chart(c, tc) + "</figure>\n";
    }
    s += "</div>\n</section>\n";
  }
  if (r0) {
    // Each base indicator with the other variants' medians over it.
    std::vector<std::vector<Overlay>> overlays(r0->indicators.size());
    for (std::size_t i = 0; i < r0->indicators.size(); ++i) {
      for (std::size_t v = 1; v < c.results.size(); ++v) {
        const IndicatorResult* other = find_indicator(c.results[v], r0->indicators[i].name);
        Overlay o;
        o.name = v < c.variants.size() ? c.variants[v] : "variant";
        o.style = variant_style(v);
        if (other != nullptr) {
          for (int y : c.results[v].years) o.years.push_back(y);
          o.median = other->quantiles[4];
        }
        for (const TargetComparison& tc : c.targets) {
          if (v < tc.probability.size() && tc.probability[v]) {
            o.targets.emplace_back(tc.id, *tc.probability[v]);
          }
        }
        overlays[i].push_back(o);
      }
    }
    s += section("indicators", indicators_section(&base, *r0, overlays));
    // The base's own target table (its ids are the figures' above: not repeated as ids).
    std::string base_targets = targets_section(*r0);
    for (std::size_t at = base_targets.find(" id=\"target-"); at != std::string::npos;
         at = base_targets.find(" id=\"target-", at)) {
      base_targets.replace(at, 12, " id=\"base-target-");
    }
    s += section("base-targets", base_targets);
    s += section("assumptions", assumptions_section(base, r0));
  }
  if (!c.notes.empty()) {
    s += "<h2>Notes</h2>\n<ul class=\"note\">\n";
    for (const std::string& n : c.notes) s += "<li>" + esc(n) + "</li>\n";
    s += "</ul>\n";
  }
  s += page_close(r0 ? footer_text(*r0) : "plancast compare");
  return s;
}

}  // namespace
}  // namespace report

std::string compare_report_html(const Scenario& base, const Comparison& comparison) {
  return report::compare_document(base, comparison);
}

}  // namespace plancast
