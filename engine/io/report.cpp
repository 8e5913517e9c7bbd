// Self-contained HTML reports with inline SVG charts (see report.h). Everything is drawn
// here, with no script and no external resource, so the file opens offline, prints on A4
// and is a pure function of the results (same results, same bytes).
#include "engine/io/report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "engine/io/text.h"
#include "engine/random/distribution.h"

namespace plancast {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- text ---------------------------------------------------------------------------------

/// `s` as HTML text: &, <, >, " and ' escaped; invalid UTF-8 bytes become U+FFFD and
/// control characters (other than tab and newline) are dropped, so the file stays valid.
std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          if (b >= 0x20 || b == '\t' || b == '\n') out += static_cast<char>(b);
          if (b == 0x7F) out.pop_back();
      }
      ++i;
      continue;
    }
    const std::size_t len = (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    }
    if (ok) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string printf_str(const char* f, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

/// A coordinate in the SVG: one decimal, "-0.0" written "0".
std::string px(double x) {
  if (!std::isfinite(x)) x = 0;
  std::string s = printf_str("%.1f", x);
  if (s == "-0.0") s = "0.0";
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

/// Thousands separators on the integer part of a plain decimal number ("12345.6" →
/// "12,345.6").
std::string group(const std::string& s) {
  std::size_t start = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  std::size_t end = s.find('.');
  if (end == std::string::npos) end = s.size();
  if (end - start <= 4) return s;  // 1350, not 1,350: four digits read fine
  std::string out = s.substr(0, start);
  for (std::size_t k = start; k < end; ++k) {
    if (k > start && (end - k) % 3 == 0) out += ',';
    out += s[k];
  }
  return out + s.substr(end);
}

/// A value for people: 4 significant digits, thousands grouped ("12,346", "1350", "15.23",
/// "0.1762"); "n/a" when not finite.
std::string value_text(double x) {
  if (!std::isfinite(x)) return "n/a";
  const double a = std::fabs(x);
  if (a >= 1e15) return printf_str("%.3e", x);
  std::string s = a >= 1000 ? printf_str("%.0f", x) : printf_str("%.4g", x);
  if (s.find('e') != std::string::npos) s = printf_str("%.6f", x);  // tiny values
  if (s == "-0") s = "0";
  return group(s);
}

/// Approximate width in px of `s` drawn at `size` px (wide CJK characters count double).
double text_width(const std::string& s, double size) {
  return 0.58 * size * static_cast<double>(display_width(s));
}

std::string percent(double p) {
  return human_percent(p);
}

std::string op_text(const std::string& op) {
  return op == "<=" ? "\xE2\x89\xA4" : "\xE2\x89\xA5";  // ≤ ≥
}

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

// ---- axes ---------------------------------------------------------------------------------

struct Axis {
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  int decimals = 0;
  std::string label(double v) const {
    if (std::fabs(v) < 1e-12 * std::max(std::fabs(lo), std::fabs(hi))) v = 0;
    std::string s = std::fabs(v) >= 1e15
                        ? printf_str("%.2e", v)
                        : printf_str(("%." + std::to_string(decimals) + "f").c_str(), v);
    if (s == "-0" || s.find_first_not_of("-0.") == std::string::npos) s = "0";
    return group(s);
  }
};

/// Ticks at 1, 2, 2.5 or 5 × 10^k covering [lo, hi], about `want` of them; the axis is
/// widened to the outer ticks. The axis spans at most ±kAxisLimit (values beyond are drawn
/// at its edge), so that no step, end or tick can overflow to infinity, and the ticks are
/// counted, not accumulated, so that a step below the ends' resolution cannot loop.
constexpr double kAxisLimit = 1e300;
Axis nice_axis(double lo, double hi, int want = 5) {
  Axis a;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) std::swap(lo, hi);
  lo = std::clamp(lo, -kAxisLimit, kAxisLimit);
  hi = std::clamp(hi, -kAxisLimit, kAxisLimit);
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
    const double pad = std::fabs(hi) > 0 ? std::fabs(hi) * 0.1 : 1.0;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / want;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  a.lo = first * step;
  a.hi = last * step;
  const int n = static_cast<int>(std::min(last - first, 4.0 * want));
  for (int i = 0; i <= n; ++i) a.ticks.push_back((first + i) * step);
  const double lg = std::log10(step);
  a.decimals = std::max(0, -static_cast<int>(std::floor(lg + 1e-9)));
  if (std::fabs(step / std::pow(10.0, std::floor(lg + 1e-9)) - 2.5) < 1e-9) a.decimals += 1;
  return a;
}

// ---- SVG building ---------------------------------------------------------------------------

/// A plot area inside an SVG: maps data (x, y) to pixels.
struct Frame {
  double left = 60, top = 24, width = 560, height = 220;
  double xlo = 0, xhi = 1;
  Axis y;
  double X(double x) const {
    return xhi > xlo ? left + (x - xlo) / (xhi - xlo) * width : left + width / 2;
  }
  double Y(double v) const {
    return top + height - (std::clamp(v, y.lo, y.hi) - y.lo) / (y.hi - y.lo) * height;
  }
};

std::string svg_open(double w, double h, const std::string& label) {
  return "<svg viewBox=\"0 0 " + px(w) + " " + px(h) + "\" role=\"img\" aria-label=\"" +
         esc(label) + "\">\n";
}

std::string text_el(double x, double y, const std::string& s, const std::string& cls,
                    const char* anchor = "start") {
  return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" class=\"" + cls + "\" text-anchor=\"" +
         anchor + "\">" + esc(s) + "</text>\n";
}

std::string line_el(double x1, double y1, double x2, double y2, const std::string& cls) {
  return "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) +
         "\" class=\"" + cls + "\"/>\n";
}

std::string rect_el(double x, double y, double w, double h, const std::string& attrs) {
  return "<rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(0.0, w)) +
         "\" height=\"" + px(std::max(0.0, h)) + "\" " + attrs + "/>\n";
}

/// Horizontal grid lines and labels of the y axis.
std::string y_axis(const Frame& f) {
  std::string s;
  for (double v : f.y.ticks) {
    const double y = f.Y(v);
    s += line_el(f.left, y, f.left + f.width, y, "grid");
    s += text_el(f.left - 6, y + 4, f.y.label(v), "tick", "end");
  }
  return s;
}

/// Year ticks along the bottom: every year when they fit, else every 2, 5 or 10 years;
/// `marked` years (the report years) always labelled, in bold, with a vertical guide.
std::string year_axis(const Frame& f, int first, int last, const std::vector<int>& marked) {
  std::string s;
  const double per_year = last > first ? f.width / (last - first) : f.width;
  int step = 1;
  for (int c : {1, 2, 5, 10, 20, 50}) {
    step = c;
    if (per_year * c >= 34) break;
  }
  const double base = f.top + f.height;
  s += line_el(f.left, base, f.left + f.width, base, "axis");
  std::vector<double> placed;
  for (int y : marked) {
    if (y < first || y > last) continue;
    const double x = f.X(y);
    s += line_el(x, f.top, x, base, "mark");
    s += line_el(x, base, x, base + 4, "axis");
    s += text_el(x, base + 16, std::to_string(y), "tick strong", "middle");
    placed.push_back(x);
  }
  for (int y = first; y <= last; ++y) {
    if (y % step != 0 && !(step == 1)) continue;
    const double x = f.X(y);
    bool clash = false;
    for (double p : placed) clash = clash || std::fabs(p - x) < 32;
    s += line_el(x, base, x, base + 3, "axis");
    if (clash) continue;
    s += text_el(x, base + 16, std::to_string(y), "tick", "middle");
    placed.push_back(x);
  }
  return s;
}

/// Appends "Mx y" (or L, with `cmd`) to a path; step by step, since g++ 12 -O3 warns on
/// "M" + string&& (PR105651).
void path_to(std::string& d, char cmd, double x, double y) {
  d += cmd;
  d += px(x);
  d += ' ';
  d += px(y);
}

/// Polyline through the finite points, split where a value is not finite.
std::string polyline_d(const std::vector<double>& xs, const std::vector<double>& ys) {
  std::string d;
  bool pen = false;
  for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (!std::isfinite(ys[i])) {
      pen = false;
      continue;
    }
    path_to(d, pen ? 'L' : 'M', xs[i], ys[i]);
    pen = true;
  }
  return d;
}

/// Closed band between `lo` and `hi`, one polygon per run of years where both are finite.
std::string band_d(const std::vector<double>& xs, const std::vector<double>& lo,
                   const std::vector<double>& hi) {
  std::string d;
  std::size_t i = 0;
  const std::size_t n = std::min({xs.size(), lo.size(), hi.size()});
  while (i < n) {
    while (i < n && !(std::isfinite(lo[i]) && std::isfinite(hi[i]))) ++i;
    std::size_t j = i;
    while (j < n && std::isfinite(lo[j]) && std::isfinite(hi[j])) ++j;
    if (j > i) {
      for (std::size_t k = i; k < j; ++k) path_to(d, k == i ? 'M' : 'L', xs[k], hi[k]);
      for (std::size_t k = j; k-- > i;) path_to(d, 'L', xs[k], lo[k]);
      d += "Z";
    }
    i = j;
  }
  return d;
}

// ---- pieces of the page ---------------------------------------------------------------------

const char* kCss = R"(
:root { --ink: #1d2733; --muted: #5b6673; --line: #c9d0d8; --fan1: #cfe0f1; --fan2: #8fb9e0;
  --median: #114a82; --target: #c0392b; --hist: #111; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", "Source Han Sans SC",
  "Microsoft YaHei", "PingFang SC", sans-serif; color: var(--ink); margin: 0 auto;
  padding: 18px 22px 40px; max-width: 1180px; font-size: 14px; line-height: 1.4; }
h1 { font-size: 22px; margin: 4px 0 6px; }
h2 { font-size: 17px; margin: 26px 0 8px; border-bottom: 2px solid var(--line);
  padding-bottom: 3px; break-after: avoid; }
h3 { font-size: 14px; margin: 0 0 2px; }
p.sub, .sub { color: var(--muted); font-size: 12.5px; margin: 0 0 4px; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
  gap: 4px 16px; margin: 8px 0 4px; }
dl.facts div { border-left: 3px solid var(--line); padding-left: 8px; }
dl.facts dt { color: var(--muted); font-size: 12px; }
dl.facts dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e7ec;
  vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 1.5px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.prob { font-weight: 700; font-size: 14px; }
tr { break-inside: avoid; }
.l0 { background: #e08060; } .l1 { background: #f6cdb4; } .l2 { background: #eeeeea; }
.l3 { background: #c4dcee; } .l4 { background: #7fb3d8; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; color: var(--muted);
  margin: 4px 0; }
.legend span.sw { display: inline-block; width: 14px; height: 10px; margin-right: 4px;
  vertical-align: -1px; border: 1px solid #aab; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr));
  gap: 18px 26px; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure.single { max-width: 760px; }
dl.facts div.wide { grid-column: span 2; }
figcaption { margin-bottom: 2px; }
svg { width: 100%; height: auto; display: block; overflow: visible; }
svg text { font-size: 12px; fill: var(--ink); }
svg .tick { fill: var(--muted); }
svg .strong { font-weight: 700; fill: var(--ink); }
svg .unit { fill: var(--muted); font-size: 11px; }
svg .lab { font-size: 12px; font-weight: 600; fill: #8e2a1c; paint-order: stroke; stroke: #fff; stroke-width: 3.5px;
  stroke-linejoin: round; }
svg .grid { stroke: #e6e9ee; stroke-width: 1; }
svg .axis { stroke: #8a949f; stroke-width: 1; }
svg .mark { stroke: #9aa5b1; stroke-width: 1; stroke-dasharray: 4 3; }
svg .fan1 { fill: var(--fan1); } svg .fan2 { fill: var(--fan2); }
svg .median { fill: none; stroke: var(--median); stroke-width: 2.2; }
svg .hist { fill: var(--hist); }
svg .histline { fill: none; stroke: var(--hist); stroke-width: 1.2; stroke-dasharray: 2 2; }
svg .target { fill: var(--target); stroke: #fff; stroke-width: 1; }
svg .tline { stroke: var(--target); stroke-width: 1.5; }
svg .whisker { stroke: #222; stroke-width: 1.3; }
.note { font-size: 12px; color: var(--muted); }
footer { margin-top: 30px; font-size: 11px; color: var(--muted); border-top: 1px solid var(--line);
  padding-top: 6px; word-break: break-all; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  .charts { grid-template-columns: 1fr; gap: 10px; }  /* one chart per row: 12 px labels stay legible */
  h2 { margin-top: 16px; }
  .pagebreak { break-before: page; }
}
)";

std::string page_open(const std::string& title) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  s += "<title>" + esc(title) + "</title>\n<style>" + std::string(kCss) + "</style>\n";
  s += "</head>\n<body>\n";
  return s;
}

std::string page_close(const std::string& footer) {
  return "<footer>" + esc(footer) + "</footer>\n</body>\n</html>\n";
}

std::string fact(const std::string& name, const std::string& value) {
  return "<div><dt>" + esc(name) + "</dt><dd>" + esc(value) + "</dd></div>";
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

/// Long decimals in a distribution's description (a gamma given by mean and sd is stored as
/// shape 11.559999999999999) shortened to 6 significant digits.
std::string tidy_numbers(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const bool starts = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (!starts) {
      out += text[i++];
      continue;
    }
    std::size_t j = i;
    while (j < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[j])) != 0 || text[j] == '.' ||
            text[j] == 'e' || ((text[j] == '-' || text[j] == '+') && text[j - 1] == 'e'))) {
      ++j;
    }
    const std::string token = text.substr(i, j - i);
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    if (token.size() > 8 && end == token.c_str() + token.size()) {
      out += printf_str("%.6g", v);
    } else {
      out += token;
    }
    i = j;
  }
  return out;
}

std::string assumptions_section(const Scenario& sc) {
  std::string s = "<h2>Assumptions</h2>\n";
  if (sc.parameters.empty()) {
    return s + "<p class=\"sub\">The scenario has no uncertain parameters.</p>\n";
  }
  s += "<p class=\"sub\">Each parameter is drawn once per run from its distribution. The 10th, "
       "50th and 90th percentiles show the range that 8 runs in 10 fall in.</p>\n";
  s += "<table><thead><tr><th>parameter</th><th>distribution</th><th class=\"num\">p10</th>"
       "<th class=\"num\">median</th><th class=\"num\">p90</th></tr></thead><tbody>\n";
  for (const ParameterSpec& p : sc.parameters) {
    std::string dist, q10 = "", q50 = "", q90 = "";
    try {
      const Distribution d(p.dist);
      dist = tidy_numbers(d.describe());
      q10 = value_text(d.quantile(0.1));
      q50 = value_text(d.quantile(0.5));
      q90 = value_text(d.quantile(0.9));
    } catch (const std::exception&) {
      dist = to_string(p.dist.family);
    }
    s += "<tr><td>" + esc(p.name) + "</td><td>" + esc(dist) + "</td><td class=\"num\">" + esc(q10) +
         "</td><td class=\"num\">" + esc(q50) + "</td><td class=\"num\">" + esc(q90) +
         "</td></tr>\n";
  }
  s += "</tbody></table>\n";
  if (!sc.correlations.empty()) {
    s += "<p class=\"sub\">Correlations (Gaussian copula): ";
    bool first = true;
    for (const CorrelationSpec& c : sc.correlations) {
      if (!first) s += "; ";
      first = false;
      s += esc(c.a) + " and " + esc(c.b) + " " + esc(printf_str("%+.2f", c.rho));
    }
    s += ".</p>\n";
  }
  return s;
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

/// A small bar with the probability and a whisker for its interval.
std::string probability_bar(const Proportion& p) {
  const double w = 120, h = 14;
  std::string s = "<svg class=\"pbar\" viewBox=\"0 0 " + px(w) + " " + px(h) +
                  "\" style=\"width:120px;display:inline-block\" aria-hidden=\"true\">";
  s += rect_el(0, 3, w, h - 6, "fill=\"#edf0f3\"");
  const double pr = std::clamp(p.probability, 0.0, 1.0);
  s += rect_el(0, 3, w * pr, h - 6, "fill=\"#35618f\"");
  const double a = w * std::clamp(p.ci95[0], 0.0, 1.0), b = w * std::clamp(p.ci95[1], 0.0, 1.0);
  s += line_el(a, h / 2, b, h / 2, "whisker");
  s += line_el(a, 2, a, h - 2, "whisker");
  s += line_el(b, 2, b, h - 2, "whisker");
  return s + "</svg>";
}

std::string targets_section(const Results& r) {
  if (r.targets.empty()) return "";
  std::string s = "<h2>Targets</h2>\n";
  s += "<p class=\"sub\">The share of the " + esc(group(std::to_string(r.runs))) +
       " runs in which each target is met, with its 95% interval (Wilson). Shading follows the "
       "likelihood scale below.</p>\n";
  s += likelihood_legend();
  s += "<table class=\"targets\"><thead><tr><th>target</th><th>indicator</th><th>condition</th>"
       "<th class=\"num\">probability</th><th class=\"num\">95% interval</th><th></th>"
       "</tr></thead><tbody>\n";
  for (const TargetResult& t : r.targets) {
    const IndicatorResult* ind = find_indicator(r, t.indicator);
    const std::string ititle = ind && !ind->title.empty() ? ind->title : t.indicator;
    const Likelihood& l = likelihood(t.p.probability);
    s += "<tr id=\"target-" + esc(t.id) + "\"><td><b>" + esc(t.id) + "</b></td><td>" + esc(ititle) +
         "</td><td>" + esc(target_condition(t, r)) + "</td><td class=\"num prob " + l.css +
         "\" title=\"" + esc(l.words) + "\">" + esc(percent(t.p.probability)) +
         "</td><td class=\"num\">" + esc(percent(t.p.ci95[0])) + " \xE2\x80\x93 " +
         esc(percent(t.p.ci95[1])) + "</td><td>" + probability_bar(t.p) + "</td></tr>\n";
  }
  s += "</tbody></table>\n";
  if (!r.joint.empty()) {
    s += "<h3 style=\"margin-top:12px\">All of a year's targets met in the same run</h3>\n";
    s += "<table><thead><tr><th>year</th><th>targets</th><th class=\"num\">probability</th>"
         "<th class=\"num\">95% interval</th></tr></thead><tbody>\n";
    for (const JointResult& j : r.joint) {
      std::string ids;
      for (const std::string& id : j.targets) ids += (ids.empty() ? "" : ", ") + id;
      s += "<tr><td>" + std::to_string(j.year) + "</td><td>" + esc(ids) +
           "</td><td class=\"num prob " + likelihood(j.p.probability).css + "\">" +
           esc(percent(j.p.probability)) + "</td><td class=\"num\">" + esc(percent(j.p.ci95[0])) +
           " \xE2\x80\x93 " + esc(percent(j.p.ci95[1])) + "</td></tr>\n";
    }
    s += "</tbody></table>\n";
  }
  return s;
}

/// A median line of another scenario drawn over a fan (compare).
struct Overlay {
  std::string name;
  std::string color;
  std::vector<double> years;
  std::vector<double> median;
};

const char* kOverlayColors[] = {"#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d"};

/// A fan chart of one indicator: bands p05-p95 and p25-p75, the median, history points,
/// the targets on it, report years marked; `overlays` adds other scenarios' medians.
std::string fan_chart(const IndicatorResult& ind, const Results& r,
                      const std::vector<HistoryPoint>& history,
                      const std::vector<Overlay>& overlays = {}) {
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

  Frame f;
  f.y = nice_axis(lo, hi, 5);
  double label_w = 0;
  for (double v : f.y.ticks) label_w = std::max(label_w, text_width(f.y.label(v), 12));
  const double W = 600, H = 290;
  f.left = std::max(40.0, label_w + 14);
  f.top = 24;
  f.width = W - f.left - 22;  // room for the last year's label
  f.height = H - f.top - 34;
  f.xlo = first;
  f.xhi = last;

  const std::string title = ind.title.empty() ? ind.name : ind.title;
  std::string s = svg_open(W, H, "Fan chart of " + title);
  s += y_axis(f);
  if (!ind.unit.empty()) s += text_el(2, 12, ind.unit, "unit", "start");
  // Past and simulated: a light separator at the base year when history precedes it.
  const int base_year = r.years.front();
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
  s += "<path class=\"median\" d=\"" + polyline_d(xs, y50) + "\"/>\n";
  for (std::size_t k = 0; k < overlays.size(); ++k) {
    const Overlay& o = overlays[k];
    std::vector<double> ox, oy;
    for (std::size_t t = 0; t < o.years.size() && t < o.median.size(); ++t) {
      ox.push_back(f.X(o.years[t]));
      oy.push_back(std::isfinite(o.median[t]) ? f.Y(o.median[t]) : kNaN);
    }
    s += "<path d=\"" + polyline_d(ox, oy) + "\" fill=\"none\" stroke=\"" + o.color +
         "\" stroke-width=\"1.8\" stroke-dasharray=\"6 3\"><title>" + esc(o.name + ": median") +
         "</title></path>\n";
  }
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
  // Targets: a diamond at (year, value), a short level line, and a label with the chance,
  // labels kept at least 14 px apart.
  struct Label {
    double x, y;
    bool left;
    std::string text;
  };
  std::vector<Label> labels;
  for (const TargetResult* t : targets) {
    const double x = f.X(t->year), y = f.Y(t->value);
    s += line_el(x - 14, y, x + 14, y, "tline");
    s +=
        "<path class=\"target\" d=\"M" + px(x) + " " + px(y - 6) + "L" + px(x + 6) + " " + px(y) +
        "L" + px(x) + " " + px(y + 6) + "L" + px(x - 6) + " " + px(y) + "Z\"><title>" +
        esc(t->id + ": " + target_condition(*t, r) + ", probability " + percent(t->p.probability)) +
        "</title></path>\n";
    const std::string text =
        t->id + " " + op_text(t->op) + value_text(t->value) + ": " + percent(t->p.probability);
    const bool left = x + 12 + text_width(text, 12) > W;
    labels.push_back({left ? x - 12 : x + 12, y + 4, left, text});
  }
  std::sort(labels.begin(), labels.end(), [](const Label& a, const Label& b) { return a.y < b.y; });
  for (std::size_t k = 1; k < labels.size(); ++k) {
    labels[k].y = std::max(labels[k].y, labels[k - 1].y + 14);
  }
  // Keep the stack inside the plot: shift it up when it runs off the bottom.
  if (!labels.empty() && labels.back().y > H - 20) {
    const double shift = labels.back().y - (H - 20);
    for (Label& l : labels) l.y -= shift;
  }
  for (const Label& l : labels) s += text_el(l.x, l.y, l.text, "lab", l.left ? "end" : "start");
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

std::string fan_legend(bool history, bool targets, const std::vector<Overlay>& overlays = {}) {
  std::string s = "<div class=\"legend\">";
  s += "<span><span class=\"sw\" style=\"background:#cfe0f1\"></span>90% of runs (p05 to "
       "p95)</span>";
  s += "<span><span class=\"sw\" style=\"background:#8fb9e0\"></span>middle half (p25 to "
       "p75)</span>";
  s += "<span><span class=\"sw\" style=\"background:#114a82;height:3px\"></span>median</span>";
  for (const Overlay& o : overlays) {
    s += "<span><span class=\"sw\" style=\"background:" + o.color + ";height:3px\"></span>" +
         esc(o.name) + " (median)</span>";
  }
  if (history) s += "<span>\xE2\x97\x8F history</span>";
  if (targets)
    s += "<span style=\"color:#c0392b\">\xE2\x97\x86 target, with its probability</span>";
  s += "<span>dashed lines: report years</span>";
  return s + "</div>\n";
}

std::vector<HistoryPoint> history_of(const Scenario* sc, const std::string& name) {
  if (sc == nullptr) return {};
  const IndicatorSpec* spec = sc->find_indicator(name);
  return spec ? spec->history : std::vector<HistoryPoint>{};
}

std::string indicators_section(const Scenario* sc, const Results& r,
                               const std::vector<std::vector<Overlay>>& overlays = {}) {
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

/// For a `by` target: per year, the chance that the target is first reached then (bars)
/// and the chance that it has been reached by then (line).
std::string first_reach_chart(const TargetResult& t, const Results& r) {
  const double W = 600, H = 240;
  Frame f;
  f.left = 46;
  f.top = 22;
  f.width = W - f.left - 22;
  f.height = H - f.top - 34;
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
  for (double v : f.y.ticks) {
    const double y = f.Y(v);
    s += line_el(f.left, y, f.left + f.width, y, "grid");
    s += text_el(f.left - 6, y + 4, printf_str("%.0f%%", 100 * v), "tick", "end");
  }
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
    std::uint64_t nonfinite = 0, floored = 0;
    for (auto n : ind.nonfinite) nonfinite += n;
    for (auto n : ind.floored) floored += n;
    if (nonfinite > 0) {
      s += "<li>" + esc(ind.name) + ": " + std::to_string(nonfinite) +
           " values that were not numbers (over all years), left out of its statistics.</li>\n";
    }
    if (floored > 0) {
      s += "<li>" + esc(ind.name) + ": " + std::to_string(floored) +
           " yearly falls floored at -100% (over all runs and years).</li>\n";
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
  s += fact("runs", group(std::to_string(r.runs)));
  s += fact("seed", std::to_string(r.seed));
  s += fact("sampler", r.sampler);
  if (sc != nullptr) s += fact("parameters", std::to_string(sc->parameters.size()));
  s += "</dl>\n</header>\n";
  return s;
}

std::string footer_text(const Results& r) {
  return "plancast " + r.plancast_version + " \xC2\xB7 scenario " + r.scenario +
         " \xC2\xB7 scenario_sha256 " + r.scenario_sha256 +
         " \xC2\xB7 the same scenario, seed and runs give the same results on any machine.";
}

/// `body` in a <section> with an id (a link target, and a handle for print styles); nothing
/// when empty.
std::string section(const char* id, const std::string& body) {
  if (body.empty()) return "";
  return std::string("<section id=\"") + id + "\">\n" + body + "</section>\n";
}

std::string run_document(const Scenario* sc, const Results& r) {
  std::string s = page_open((r.title.empty() ? r.scenario : r.title) + " \xE2\x80\x94 plancast");
  s += run_header(r, sc, "run report");
  s += section("targets", targets_section(r));
  if (sc != nullptr) s += section("assumptions", assumptions_section(*sc));
  s += section("indicators", indicators_section(sc, r));
  s += section("reach", reach_section(r));
  s += section("notes", notes_section(r));
  s += page_close(footer_text(r));
  return s;
}

// ---- compare ----------------------------------------------------------------------------

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
    const char* color = i == 0 ? "#35618f" : kOverlayColors[(i - 1) % 6];
    s += rect_el(left, y + 5, pw * std::clamp(p, 0.0, 1.0), row - 10,
                 "fill=\"" + std::string(color) + "\"");
    // The variant's own 95% interval, from its results.
    if (i < c.results.size()) {
      for (const TargetResult& t : c.results[i].targets) {
        if (t.id != tc.id) continue;
        const double a = left + pw * std::clamp(t.p.ci95[0], 0.0, 1.0);
        const double b = left + pw * std::clamp(t.p.ci95[1], 0.0, 1.0);
        s += line_el(a, y + row / 2, b, y + row / 2, "whisker");
        s += line_el(a, y + 8, a, y + row - 8, "whisker");
        s += line_el(b, y + 8, b, y + row - 8, "whisker");
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
  s += fact("runs", group(std::to_string(c.runs)));
  s += fact("seed", std::to_string(c.seed));
  if (r0) s += fact("sampler", r0->sampler);
  s += "</dl>\n</header>\n";
  s += "<p class=\"sub\">Every variant is run on the same random numbers (run r of each uses the "
       "same draws), so the change from base is measured run by run: its interval (in "
       "percentage points) is much narrower than the difference of two separate runs.</p>\n";

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
        o.color = kOverlayColors[(v - 1) % 6];
        if (other != nullptr) {
          for (int y : c.results[v].years) o.years.push_back(y);
          o.median = other->quantiles[4];
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
    s += section("assumptions", assumptions_section(base));
  }
  if (!c.notes.empty()) {
    s += "<h2>Notes</h2>\n<ul class=\"note\">\n";
    for (const std::string& n : c.notes) s += "<li>" + esc(n) + "</li>\n";
    s += "</ul>\n";
  }
  s += page_close(r0 ? footer_text(*r0) : "plancast compare");
  return s;
}

// ---- sensitivity --------------------------------------------------------------------------

std::string sensitivity_header(const Scenario& sc, const std::string& kind, const std::string& of,
                               std::uint64_t runs, std::uint64_t seed) {
  const std::string title = sc.title.empty() ? sc.name : sc.title;
  std::string s = page_open(title + " \xE2\x80\x94 plancast sensitivity");
  s += "<header>\n<p class=\"sub\">plancast sensitivity (" + esc(kind) + ")</p>\n<h1>" +
       esc(title) + "</h1>\n<dl class=\"facts\">";
  s += "<div class=\"wide\"><dt>outcome</dt><dd>" + esc(of) + "</dd></div>";
  s += fact("scenario", sc.name);
  s += fact("variant", sc.variant.empty() ? "base (none)" : sc.variant);
  s += fact("base year", std::to_string(sc.base_year));
  s += fact("horizon", std::to_string(sc.horizon));
  s += fact("runs", group(std::to_string(runs)));
  s += fact("seed", std::to_string(seed));
  s += "</dl>\n</header>\n";
  return s;
}

/// One bar of an index chart: a value with its 95% interval.
struct IndexBar {
  double v, lo, hi;
  const char* fill;
  const char* what;
};
struct IndexRow {
  std::string name;
  std::vector<IndexBar> bars;
};

/// How the sensitivity whiskers were computed: over replicates of the design (lhs, sobol) or
/// by the bootstrap (mc).
std::string whisker_method(std::uint32_t replicates, std::size_t bootstrap) {
  return replicates > 0
             ? "t interval over " + std::to_string(replicates) + " replicates of the design"
             : "bootstrap, " + std::to_string(bootstrap) + " resamples";
}

/// Horizontal bars with whiskers, one row per parameter (Sobol S1/ST, Shapley effects).
std::string index_chart(const std::vector<IndexRow>& rows, const std::string& label) {
  double name_w = 60;
  for (const IndexRow& r : rows) name_w = std::max(name_w, text_width(r.name, 12));
  std::size_t per_row = 1;
  for (const IndexRow& r : rows) per_row = std::max(per_row, r.bars.size());
  const double W = 640, row = 10 + 12 * static_cast<double>(per_row);
  Frame f;
  f.left = std::min(220.0, name_w + 16);
  f.top = 24;  // tick labels above and below: a long list of parameters stays readable
  f.width = W - f.left - 20;
  f.height = row * static_cast<double>(rows.size());
  double lo = 0, hi = 1;
  for (const IndexRow& r : rows) {
    for (const IndexBar& b : r.bars) {
      lo = std::min({lo, b.lo, b.v});
      hi = std::max({hi, b.hi});
    }
  }
  const Axis ax = nice_axis(lo, hi, 5);
  auto X = [&](double v) { return f.left + (v - ax.lo) / (ax.hi - ax.lo) * f.width; };
  const double H = f.top + f.height + 30;
  std::string s = svg_open(W, H, label);
  for (double v : ax.ticks) {
    s += line_el(X(v), f.top, X(v), f.top + f.height, std::fabs(v) < 1e-12 ? "axis" : "grid");
    s += text_el(X(v), f.top + f.height + 15, ax.label(v), "tick", "middle");
    s += text_el(X(v), f.top - 8, ax.label(v), "tick", "middle");
  }
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const IndexRow& ir = rows[k];
    const double y = f.top + row * static_cast<double>(k);
    s += text_el(f.left - 8, y + row / 2 + 4, ir.name, "", "end");
    for (std::size_t i = 0; i < ir.bars.size(); ++i) {
      const IndexBar& b = ir.bars[i];
      const double dy = 5 + 12 * static_cast<double>(i);
      const double x0 = X(std::min(0.0, b.v)), x1 = X(std::max(0.0, b.v));
      s += rect_el(x0, y + dy, x1 - x0, 11,
                   "fill=\"" + std::string(b.fill) + "\"><title>" +
                       esc(ir.name + " " + b.what + " " + printf_str("%.3f", b.v) + " [" +
                           printf_str("%.3f", b.lo) + ", " + printf_str("%.3f", b.hi) + "]") +
                       "</title></rect");
      const double ym = y + dy + 5.5;
      s += line_el(X(b.lo), ym, X(b.hi), ym, "whisker");
      s += line_el(X(b.lo), ym - 4, X(b.lo), ym + 4, "whisker");
      s += line_el(X(b.hi), ym - 4, X(b.hi), ym + 4, "whisker");
    }
  }
  s += "</svg>\n";
  return s;
}

/// The Sobol and Shapley charts' and tables' row for the runs' own randomness.
const char* const kNoiseRow = "(noise and shocks)";

/// Sobol rows sorted by ST, then the noise.
std::vector<SobolIndex> sobol_rows(const SobolResult& r) {
  std::vector<SobolIndex> sorted = r.parameters;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const SobolIndex& a, const SobolIndex& b) { return a.st > b.st; });
  sorted.push_back(r.noise);
  sorted.back().name = kNoiseRow;
  return sorted;
}

std::string sobol_chart(const SobolResult& r) {
  std::vector<IndexRow> rows;
  for (const SobolIndex& ix : sobol_rows(r)) {
    rows.push_back({ix.name,
                    {IndexBar{ix.s1, ix.s1_lo, ix.s1_hi, "#114a82", "S1 (first order)"},
                     IndexBar{ix.st, ix.st_lo, ix.st_hi, "#8fb9e0", "ST (total)"}}});
  }
  return index_chart(rows, "Sobol indices of " + r.of);
}

std::string interval_cell(double lo, double hi) {
  return printf_str("%.3f", lo) + " \xE2\x80\x93 " + printf_str("%.3f", hi);
}

std::string sobol_document(const Scenario& sc, const SobolResult& r, const std::string& of) {
  std::string s = sensitivity_header(sc, "Sobol indices", of, r.total_runs, r.seed);
  s += "<h2>Which assumptions matter</h2>\n";
  s += "<p class=\"sub\">S1 (dark): the share of the outcome's variance due to the parameter "
       "alone. ST (light): its share including its interactions with the others. The last row "
       "is every random number of a run that is not a parameter (noise, shocks, counts, firm "
       "draws), as one factor. Whiskers: 95% intervals (" +
       whisker_method(r.replicates, r.bootstrap) + "). Mean of the outcome " +
       esc(value_text(r.mean)) + ", variance " + esc(printf_str("%.4g", r.variance)) + "; " +
       esc(group(std::to_string(r.base_runs))) + " base rows.</p>\n";
  if (r.correlated) {
    s += "<p class=\"sub\"><strong>The scenario correlates parameters:</strong> these indices "
         "depend on the order of the parameters in the file (each belongs to the part of its "
         "parameter independent of those listed before it). For an attribution that does not "
         "depend on the order, use <code>--method shapley</code>.</p>\n";
  }
  s += "<div class=\"legend\"><span><span class=\"sw\" style=\"background:#114a82\"></span>S1 "
       "first order</span><span><span class=\"sw\" style=\"background:#8fb9e0\"></span>ST "
       "total</span><span>\xE2\x94\x9C\xE2\x94\xA4 95% interval</span></div>\n";
  s += "<figure class=\"chart single\" id=\"sobol\">" + sobol_chart(r) + "</figure>\n";
  s += "<table><thead><tr><th>parameter</th><th class=\"num\">S1</th><th class=\"num\">95% "
       "interval</th><th class=\"num\">ST</th><th class=\"num\">95% interval</th></tr></thead>"
       "<tbody>\n";
  double sum = 0;
  for (const SobolIndex& ix : sobol_rows(r)) {
    sum += ix.s1;
    s += "<tr><td>" + esc(ix.name) + "</td><td class=\"num\">" + printf_str("%.3f", ix.s1) +
         "</td><td class=\"num\">" + interval_cell(ix.s1_lo, ix.s1_hi) + "</td><td class=\"num\">" +
         printf_str("%.3f", ix.st) + "</td><td class=\"num\">" + interval_cell(ix.st_lo, ix.st_hi) +
         "</td></tr>\n";
  }
  s += "</tbody></table>\n<p class=\"sub\">The S1 (parameters and noise) add up to " +
       printf_str("%.3f", sum) +
       "; the rest of the variance comes from interactions, between parameters and between "
       "parameters and the noise.</p>\n";
  s += assumptions_section(sc);
  s += page_close("plancast \xC2\xB7 scenario " + sc.name + " \xC2\xB7 scenario_sha256 " +
                  sc.sha256);
  return s;
}

std::string shapley_document(const Scenario& sc, const ShapleyResult& r, const std::string& of) {
  std::string s = sensitivity_header(sc, "Shapley effects", of, r.total_runs, r.seed);
  s += "<h2>Which assumptions matter</h2>\n";
  s += "<p class=\"sub\">Each parameter's Shapley effect: its share of the outcome's variance, "
       "averaged over every order in which the parameters could be learnt, so that each "
       "interaction and each correlation is shared among the parameters involved. The effects "
       "do not depend on the order of the file and add up to the share the parameters explain "
       "together; the last row, the rest, is every random number of a run that is not a "
       "parameter (noise, shocks, counts, firm draws). Whiskers: 95% intervals (" +
       whisker_method(r.replicates, r.bootstrap) + "). Mean of the outcome " +
       esc(value_text(r.mean)) + ", variance " + esc(printf_str("%.4g", r.variance)) + "; " +
       esc(group(std::to_string(r.permutations))) + " permutations.</p>\n";
  std::vector<ShapleyEffect> sorted = r.parameters;
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const ShapleyEffect& a, const ShapleyEffect& b) { return a.shapley > b.shapley; });
  sorted.push_back({kNoiseRow, 1 - r.explained, 1 - r.explained_hi, 1 - r.explained_lo});
  std::vector<IndexRow> rows;
  for (const ShapleyEffect& e : sorted) {
    rows.push_back({e.name, {IndexBar{e.shapley, e.lo, e.hi, "#114a82", "Shapley effect"}}});
  }
  s += "<figure class=\"chart single\" id=\"shapley\">" +
       index_chart(rows, "Shapley effects of " + r.of) + "</figure>\n";
  s += "<table><thead><tr><th>parameter</th><th class=\"num\">Shapley effect</th><th "
       "class=\"num\">95% interval</th></tr></thead><tbody>\n";
  for (const ShapleyEffect& e : sorted) {
    s += "<tr><td>" + esc(e.name) + "</td><td class=\"num\">" + printf_str("%.3f", e.shapley) +
         "</td><td class=\"num\">" + interval_cell(e.lo, e.hi) + "</td></tr>\n";
  }
  s += "</tbody></table>\n<p class=\"sub\">The parameters together explain " +
       printf_str("%.3f", r.explained) + " (" + interval_cell(r.explained_lo, r.explained_hi) +
       ") of the variance.</p>\n";
  s += assumptions_section(sc);
  s += page_close("plancast \xC2\xB7 scenario " + sc.name + " \xC2\xB7 scenario_sha256 " +
                  sc.sha256);
  return s;
}

std::string tornado_chart(const TornadoResult& r) {
  double name_w = 60;
  for (const TornadoBar& b : r.parameters) name_w = std::max(name_w, text_width(b.name, 12));
  const double W = 640, row = 28;
  const double left = std::min(220.0, name_w + 16), top = 30;
  const double width = W - left - 24;
  const double height = row * static_cast<double>(r.parameters.size());
  double lo = r.baseline, hi = r.baseline;
  for (const TornadoBar& b : r.parameters) {
    lo = std::min({lo, b.low, b.high});
    hi = std::max({hi, b.low, b.high});
  }
  const Axis ax = nice_axis(lo, hi, 5);
  auto X = [&](double v) { return left + (v - ax.lo) / (ax.hi - ax.lo) * width; };
  const double H = top + height + 30;
  std::string s = svg_open(W, H, "Tornado chart of " + r.of);
  for (double v : ax.ticks) {
    s += line_el(X(v), top, X(v), top + height, "grid");
    s += text_el(X(v), top + height + 15, ax.label(v), "tick", "middle");
  }
  const double xb = X(r.baseline);
  for (std::size_t k = 0; k < r.parameters.size(); ++k) {
    const TornadoBar& b = r.parameters[k];
    const double y = top + row * static_cast<double>(k);
    s += text_el(left - 8, y + row / 2 + 4, b.name, "", "end");
    struct Side {
      double v;
      const char* fill;
      const char* at;
      double pv;
    };
    for (const Side& sd : {Side{b.low, "#e08060", "p10", b.p10_value},
                           Side{b.high, "#35618f", "p90", b.p90_value}}) {
      const double x = X(sd.v);
      s += rect_el(std::min(x, xb), y + 5, std::fabs(x - xb), row - 10,
                   "fill=\"" + std::string(sd.fill) + "\"><title>" +
                       esc(b.name + " at its " + sd.at + " (" + value_text(sd.pv) +
                           "): " + value_text(sd.v)) +
                       "</title></rect");
    }
  }
  s += line_el(xb, top - 6, xb, top + height, "whisker");
  s += text_el(xb, top - 10, "all at median: " + value_text(r.baseline), "lab strong", "middle");
  s += "</svg>\n";
  return s;
}

std::string tornado_document(const Scenario& sc, const TornadoResult& r, const std::string& of) {
  std::string s = sensitivity_header(sc, "tornado", of, r.total_runs, r.seed);
  s += "<h2>Which assumptions matter</h2>\n";
  s += "<p class=\"sub\">Each bar moves one parameter from its median to its 10th percentile "
       "(red) and to its 90th (blue), with every other parameter at its median; the outcome is "
       "the mean over " +
       esc(group(std::to_string(r.runs_per_setting))) +
       " runs per setting (for a target, its probability). Largest swing first.</p>\n";
  s += "<div class=\"legend\"><span><span class=\"sw\" style=\"background:#e08060\"></span>"
       "parameter at its p10</span><span><span class=\"sw\" style=\"background:#35618f\">"
       "</span>parameter at its p90</span></div>\n";
  s += "<figure class=\"chart single\" id=\"tornado\">" + tornado_chart(r) + "</figure>\n";
  s += "<table><thead><tr><th>parameter</th><th class=\"num\">p10 value</th><th class=\"num\">"
       "p90 value</th><th class=\"num\">outcome at p10</th><th class=\"num\">outcome at p90</th>"
       "<th class=\"num\">swing</th></tr></thead><tbody>\n";
  for (const TornadoBar& b : r.parameters) {
    s += "<tr><td>" + esc(b.name) + "</td><td class=\"num\">" + esc(value_text(b.p10_value)) +
         "</td><td class=\"num\">" + esc(value_text(b.p90_value)) + "</td><td class=\"num\">" +
         esc(value_text(b.low)) + "</td><td class=\"num\">" + esc(value_text(b.high)) +
         "</td><td class=\"num\">" + esc(value_text(b.swing)) + "</td></tr>\n";
  }
  s += "</tbody></table>\n";
  s += assumptions_section(sc);
  s += page_close("plancast \xC2\xB7 scenario " + sc.name + " \xC2\xB7 scenario_sha256 " +
                  sc.sha256);
  return s;
}

}  // namespace

void write_run_report(std::ostream& out, const Scenario& scenario, const Results& results) {
  out << run_document(&scenario, results);
}

void write_run_report(std::ostream& out, const Results& results) {
  out << run_document(nullptr, results);
}

std::string run_report_html(const Scenario& scenario, const Results& results) {
  return run_document(&scenario, results);
}

std::string compare_report_html(const Scenario& base, const Comparison& comparison) {
  return compare_document(base, comparison);
}

std::string sobol_report_html(const Scenario& scenario, const SobolResult& result,
                              const std::string& of) {
  return sobol_document(scenario, result, of);
}

std::string shapley_report_html(const Scenario& scenario, const ShapleyResult& result,
                                const std::string& of) {
  return shapley_document(scenario, result, of);
}

std::string tornado_report_html(const Scenario& scenario, const TornadoResult& result,
                                const std::string& of) {
  return tornado_document(scenario, result, of);
}

}  // namespace plancast
