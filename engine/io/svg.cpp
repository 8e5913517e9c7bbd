// The SVG kit of the reports (see svg.h): coordinates, axes and ticks, lines, rectangles,
// text, paths of lines and bands.
#include "engine/io/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/io/html.h"
#include "engine/io/text.h"

namespace plancast::svg {

using html::esc;

/// A coordinate in the SVG: one decimal, "-0.0" written "0".
std::string px(double x) {
  if (!std::isfinite(x)) x = 0;
  std::string s = fmt::format("{:.1f}", x);
  if (s == "-0.0") s = "0.0";
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

/// Approximate width in px of `s` drawn at `size` px (wide CJK characters count double).
double text_width(const std::string& s, double size) {
  return 0.58 * size * static_cast<double>(display_width(s));
}

std::string Axis::label(double v) const {
  if (std::fabs(v) < 1e-12 * std::max(std::fabs(lo), std::fabs(hi))) v = 0;
  if (std::fabs(v) >= 1e15) return fmt::format("{:.2e}", v);
  const std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s == "-0" || s.find_first_not_of("-0.") == std::string::npos) return "0";
  return html::fixed(v, decimals);
}

/// The fewest decimals (0 to 15) that write every tick exactly, to a millionth of the step:
/// ticks 2,500 apart need none ("12,500", never "12,500.0"), 2.5 apart one, 0.25 apart two.
int tick_decimals(const std::vector<double>& ticks, double step) {
  for (int d = 0; d < 15; ++d) {
    const double scale = std::pow(10.0, d);
    bool exact = true;
    for (double t : ticks) {
      exact = exact && std::fabs(std::round(t * scale) / scale - t) <= 1e-6 * step;
    }
    if (exact) return d;
  }
  return 15;
}

/// Ticks at 1, 2, 2.5 or 5 × 10^k covering [lo, hi], about `want` of them; the axis is
/// widened to the outer ticks. The axis spans at most ±kAxisLimit (values beyond are drawn
/// at its edge), so that no step, end or tick can overflow to infinity, and the ticks are
/// counted, not accumulated, so that a step below the ends' resolution cannot loop.
constexpr double kAxisLimit = 1e300;
Axis nice_axis(double lo, double hi, int want) {
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
  a.decimals = tick_decimals(a.ticks, step);
  return a;
}

std::string svg_open(double w, double h, const std::string& label) {
  return "<svg viewBox=\"0 0 " + px(w) + " " + px(h) + "\" role=\"img\" aria-label=\"" +
         esc(label) + "\">\n";
}

std::string text_el(double x, double y, const std::string& s, const std::string& cls,
                    const char* anchor) {
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

std::string whisker(double a, double b, double y, double half) {
  return line_el(a, y, b, y, "whisker") + line_el(a, y - half, a, y + half, "whisker") +
         line_el(b, y - half, b, y + half, "whisker");
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

/// As y_axis() for an axis of probabilities: the labels in whole percent ("40%").
std::string percent_axis(const Frame& f) {
  std::string s;
  for (double v : f.y.ticks) {
    const double y = f.Y(v);
    s += line_el(f.left, y, f.left + f.width, y, "grid");
    s += text_el(f.left - 6, y + 4, fmt::format("{:.0f}%", 100 * v), "tick", "end");
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

}  // namespace plancast::svg
