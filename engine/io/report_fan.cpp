// Fan charts of the indicators (see report_fan.h).
#include "engine/io/report_fan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "engine/io/html.h"
#include "engine/io/report_sections.h"
#include "engine/io/svg.h"

namespace plancast::report {

LineStyle variant_style(std::size_t k) {
  // Dark2 (ColorBrewer), dark enough on white and apart in hue; the dashes keep them apart in
  // greyscale.
  static const char* const kColors[6] = {"#d95f02", "#1b9e77", "#7570b3",
                                         "#e7298a", "#66a61e", "#a6761d"};
  static const char* const kDashes[6] = {"7 3", "2 2.5", "9 3 2 3", "4 4", "1 4", "12 3 2 3 2 3"};
  if (k == 0) return {"#114a82", ""};
  const std::size_t v = k - 1;
  return {kColors[(v + v / 6) % 6], kDashes[v % 6]};
}

std::string line_sample(const LineStyle& style) {
  std::string s =
      "<svg width=\"26\" height=\"10\" viewBox=\"0 0 26 10\" aria-hidden=\"true\" "
      "style=\"width:26px;height:10px;display:inline-block;vertical-align:middle\"><line x1=\"1\" "
      "y1=\"5\" x2=\"25\" y2=\"5\" "
      "stroke=\"" +
      style.color + "\" stroke-width=\"2.5\"";
  if (!style.dash.empty()) s += " stroke-dasharray=\"" + style.dash + "\"";
  return s + "/></svg>";
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// One line of a target's label block above the plot: its text, and the style of the
/// scenario it is about (none: the block's first line, the target itself).
struct LabelLine {
  std::string text;
  std::optional<LineStyle> style;
};

/// The label block of target `t`: "◆ ID ≥VALUE: P" (with overlays "base P"), then one line
/// per overlay with its own probability.
std::vector<LabelLine> target_label(const TargetResult& t, const std::vector<Overlay>& overlays) {
  std::string head = "\xE2\x97\x86 " + t.id + " " + op_text(t.op) + value_text(t.value) + ": ";
  head += (overlays.empty() ? "" : "base ") + percent(t.p.probability);
  std::vector<LabelLine> lines{{head, std::nullopt}};
  for (std::size_t k = 0; k < overlays.size(); ++k) {
    const Overlay& o = overlays[k];
    std::string text = o.name + ": no such target";
    for (const auto& [id, p] : o.targets) {
      if (id == t.id) text = o.name + " " + percent(p);
    }
    lines.push_back({text, o.style});
  }
  return lines;
}

/// Height in px of one label line.
constexpr double kLabelLine = 14;

/// A fan chart of one indicator: bands p05-p95 and p25-p75, the median, history points,
/// the targets on it, report years marked; `overlays` adds other scenarios' medians.
std::string fan_chart(const IndicatorResult& ind, const Results& r,
                      const std::vector<HistoryPoint>& history,
                      const std::vector<Overlay>& overlays) {
  const std::vector<double>& p05 = ind.quantiles[1];
  const std::vector<double>& p25 = ind.quantiles[3];
  const std::vector<double>& p50 = ind.quantiles[4];
  const std::vector<double>& p75 = ind.quantiles[5];
  const std::vector<double>& p95 = ind.quantiles[7];
  std::vector<const TargetResult*> targets;
  for (const TargetResult& t : r.targets) {
    if (t.indicator == ind.name) targets.push_back(&t);
  }
  if (r.years.empty()) return "";
  int first = r.years.front(), last = r.years.back();
  for (const HistoryPoint& h : history) first = std::min(first, h.year);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  auto take = [&](double v) {
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  };
  for (std::size_t t = 0; t < r.years.size(); ++t) {
    if (t < p05.size()) take(p05[t]);
    if (t < p95.size()) take(p95[t]);
  }
  for (const HistoryPoint& h : history) take(h.value);
  for (const TargetResult* t : targets) take(t->value);
  for (const Overlay& o : overlays)
    for (double v : o.median) take(v);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  // Start at zero when the data sit not far above it: growth reads better from zero.
  if (lo > 0 && lo < 0.35 * hi) lo = 0;

  // The targets' labels go above the plot, one line each, so they never cover the band or
  // each other; a dotted guide leads down to each marker.
  std::vector<std::vector<LabelLine>> blocks;
  std::size_t n_lines = 0;
  for (const TargetResult* t : targets) {
    blocks.push_back(target_label(*t, overlays));
    n_lines += blocks.back().size();
  }
  const double labels_h = n_lines ? kLabelLine * static_cast<double>(n_lines) + 12 : 0;

  Frame f;
  f.y = nice_axis(lo, hi, 5);
  double label_w = 0;
  for (double v : f.y.ticks) label_w = std::max(label_w, text_width(f.y.label(v), 12));
  const double W = 600, H = 290 + labels_h;
  f.left = std::max(40.0, label_w + 14);
  f.top = 24 + labels_h;
  f.width = W - f.left - 22;  // room for the last year's label
  f.height = H - f.top - 34;
  f.xlo = first;
  f.xhi = last;

  const std::string title = ind.title.empty() ? ind.name : ind.title;
  std::string s = svg_open(W, H, "Fan chart of " + title);
  s += y_axis(f);
  if (!ind.unit.empty()) s += text_el(2, 12, ind.unit, "unit", "start");
  // Past and simulated: a light separator at the base year when history precedes it (a
  // later vintage's own base year: it has no band before it).
  const int base_year = r.years[std::min(ind.absent, r.years.size() - 1)];
  if (first < base_year) {
    const double xb = f.X(base_year);
    s += rect_el(f.left, f.top, xb - f.left, f.height, "fill=\"#f6f7f9\"");
    s += text_el(f.left + 4, f.top + 12, "history", "tick");
  }
  std::vector<double> xs, y05, y25, y50, y75, y95;
  for (std::size_t t = 0; t < r.years.size(); ++t) {
    xs.push_back(f.X(r.years[t]));
    auto fin = [&](const std::vector<double>& v) {
      return t < v.size() && std::isfinite(v[t]) ? f.Y(v[t]) : kNaN;
    };
    y05.push_back(fin(p05));
    y25.push_back(fin(p25));
    y50.push_back(fin(p50));
    y75.push_back(fin(p75));
    y95.push_back(fin(p95));
  }
  s += "<path class=\"fan1\" d=\"" + band_d(xs, y05, y95) + "\"><title>" +
       esc("5th to 95th percentile of runs") + "</title></path>\n";
  s += "<path class=\"fan2\" d=\"" + band_d(xs, y25, y75) + "\"><title>" +
       esc("25th to 75th percentile of runs") + "</title></path>\n";
  // The variants' medians first, wide and dashed; the base's on top, solid and narrower, so
  // that a variant equal to the base shows on both sides of it.
  for (std::size_t k = 0; k < overlays.size(); ++k) {
    const Overlay& o = overlays[k];
    std::vector<double> ox, oy;
    for (std::size_t t = 0; t < o.years.size() && t < o.median.size(); ++t) {
      ox.push_back(f.X(o.years[t]));
      oy.push_back(std::isfinite(o.median[t]) ? f.Y(o.median[t]) : kNaN);
    }
    s += "<path d=\"" + polyline_d(ox, oy) + "\" fill=\"none\" stroke=\"" + o.style.color +
         "\" stroke-width=\"4\"" +
         (o.style.dash.empty() ? "" : " stroke-dasharray=\"" + o.style.dash + "\"") + "><title>" +
         esc(o.name + ": median") + "</title></path>\n";
  }
  s += "<path class=\"median\" d=\"" + polyline_d(xs, y50) + "\"/>\n";
  s += year_axis(f, first, last, r.report_years);
  // History: points joined by a dotted line.
  if (!history.empty()) {
    std::vector<double> hx, hy;
    for (const HistoryPoint& h : history) {
      hx.push_back(f.X(h.year));
      hy.push_back(f.Y(h.value));
    }
    if (history.size() > 1) s += "<path class=\"histline\" d=\"" + polyline_d(hx, hy) + "\"/>\n";
    for (std::size_t k = 0; k < history.size(); ++k) {
      s += "<circle class=\"hist\" cx=\"" + px(hx[k]) + "\" cy=\"" + px(hy[k]) +
           "\" r=\"3.2\"><title>" +
           esc(std::to_string(history[k].year) + ": " + value_text(history[k].value) +
               " (history)") +
           "</title></circle>\n";
    }
  }
  // Targets: a diamond at (year, value), a short level line, and the label block above the
  // plot (one line per scenario), led to the marker by a dotted guide.
  double line_y = 24 + kLabelLine;
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const TargetResult* t = targets[k];
    const double x = f.X(t->year), y = f.Y(t->value);
    s += line_el(x - 14, y, x + 14, y, "tline");
    s +=
        "<path class=\"target\" d=\"M" + px(x) + " " + px(y - 6) + "L" + px(x + 6) + " " + px(y) +
        "L" + px(x) + " " + px(y + 6) + "L" + px(x - 6) + " " + px(y) + "Z\"><title>" +
        esc(t->id + ": " + target_condition(*t, r) + ", probability " + percent(t->p.probability)) +
        "</title></path>\n";
    const std::vector<LabelLine>& block = blocks[k];
    double block_w = 0;
    for (const LabelLine& l : block) {
      block_w = std::max(block_w, text_width(l.text, 12) + (l.style ? 24 : 0));
    }
    // From the marker rightwards when it fits, else ending at the right edge.
    const double x0 = std::max(2.0, std::min(x - 6, W - 4 - block_w));
    const double guide_top = line_y + kLabelLine * static_cast<double>(block.size() - 1) + 3;
    s += "<path d=\"M" + px(x) + " " + px(guide_top) + "L" + px(x) + " " + px(y - 7) +
         "\" stroke=\"#c0392b\" stroke-width=\"0.8\" stroke-dasharray=\"1.5 2\" fill=\"none\"/>\n";
    for (const LabelLine& l : block) {
      if (l.style) {
        s += "<line x1=\"" + px(x0 + 2) + "\" y1=\"" + px(line_y - 4) + "\" x2=\"" + px(x0 + 20) +
             "\" y2=\"" + px(line_y - 4) + "\" stroke=\"" + l.style->color +
             "\" stroke-width=\"2.5\"" +
             (l.style->dash.empty() ? "" : " stroke-dasharray=\"" + l.style->dash + "\"") + "/>";
        s += text_el(x0 + 24, line_y, l.text, "lab", "start");
      } else {
        s += text_el(x0, line_y, l.text, "lab", "start");
      }
      line_y += kLabelLine;
    }
  }
  s += "</svg>\n";

  std::string fig = "<figure class=\"chart\" id=\"indicator-" + esc(ind.name) + "\">";
  fig += "<figcaption><h3>" + esc(title) + "</h3><p class=\"sub\">" + esc(ind.name);
  if (!ind.unit.empty()) fig += " \xC2\xB7 " + esc(ind.unit);
  const std::size_t te = r.years.size() - 1;
  if (te < p50.size()) {
    fig += " \xC2\xB7 median " + esc(value_text(p50[te])) + " in " + std::to_string(r.years[te]);
    if (te < p05.size() && te < p95.size()) {
      fig += " (90% of runs " + esc(value_text(p05[te])) + " \xE2\x80\x93 " +
             esc(value_text(p95[te])) + ")";
    }
  }
  fig += "</p></figcaption>\n" + s + "</figure>\n";
  return fig;
}

std::string fan_legend(bool history, bool targets, const std::vector<Overlay>& overlays) {
  std::string s = "<div class=\"legend\">";
  s += swatch("background:#cfe0f1", "90% of runs (p05 to p95)");
  s += swatch("background:#8fb9e0", "middle half (p25 to p75)");
  if (overlays.empty()) {
    s += swatch("background:#114a82;height:3px", "median");
  } else {
    s += "<span>" + line_sample(variant_style(0)) + " base (median)</span>";
  }
  for (const Overlay& o : overlays) {
    s += "<span>" + line_sample(o.style) + " " + esc(o.name) + " (median)</span>";
  }
  if (history) s += "<span>\xE2\x97\x8F history</span>";
  if (targets)
    s += "<span style=\"color:#c0392b\">\xE2\x97\x86 target, with its probability" +
         std::string(overlays.empty() ? "" : " in each scenario") + "</span>";
  s += "<span>dashed lines: report years</span>";
  return s + "</div>\n";
}

std::vector<HistoryPoint> history_of(const Scenario* sc, const std::string& name) {
  if (sc == nullptr) return {};
  const IndicatorSpec* spec = sc->find_indicator(name);
  return spec ? spec->history : std::vector<HistoryPoint>{};
}

}  // namespace

std::string indicators_section(const Scenario* sc, const Results& r,
                               const std::vector<std::vector<Overlay>>& overlays) {
  if (r.indicators.empty()) return "";
  std::string s = "<h2 class=\"pagebreak\">Indicators</h2>\n";
  s += "<p class=\"sub\">For each indicator and year, the range of the simulated runs: the light "
       "band holds 90% of runs, the dark band the middle half, the line is the median.</p>\n";
  bool any_history = false;
  for (const IndicatorResult& ind : r.indicators) {
    any_history = any_history || !history_of(sc, ind.name).empty();
  }
  s += fan_legend(any_history, !r.targets.empty(),
                  overlays.empty() ? std::vector<Overlay>{} : overlays.front());
  s += "<div class=\"charts\">\n";
  for (std::size_t i = 0; i < r.indicators.size(); ++i) {
    const IndicatorResult& ind = r.indicators[i];
    s += fan_chart(ind, r, history_of(sc, ind.name),
                   i < overlays.size() ? overlays[i] : std::vector<Overlay>{});
  }
  return s + "</div>\n";
}

}  // namespace plancast::report
