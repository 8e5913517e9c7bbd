// The SVG kit of the reports: coordinates, nice axes, a plot frame, elements (text, line,
// rectangle), year and value axes, paths of lines and bands. Internal to engine/io.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace plancast::svg {

/// A coordinate in the SVG: one decimal, "-0.0" written "0".
std::string px(double x);

/// Approximate width in px of `s` drawn at `size` px (wide CJK characters count double).
double text_width(const std::string& s, double size);

/// A value axis: its ends, ticks and the decimals of their labels.
struct Axis {
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  int decimals = 0;
  std::string label(double v) const;  ///< a tick's label, thousands grouped
};

/// The fewest decimals (0 to 15) that write every tick exactly (to a millionth of `step`, the
/// spacing of the ticks): {0, 2500, 5000, ...} none, {0, 2.5, 5} one, {0, 0.25, 0.5} two.
int tick_decimals(const std::vector<double>& ticks, double step);

/// Ticks at 1, 2, 2.5 or 5 × 10^k covering [lo, hi], about `want` of them; the axis is
/// widened to the outer ticks.
Axis nice_axis(double lo, double hi, int want = 5);

/// A plot area inside an SVG: maps data (x, y) to pixels.
struct Frame {
  double left = 60, top = 24, width = 560, height = 220;
  double xlo = 0, xhi = 1;
  Axis y;
  /// The plot area of a `w` × `h` SVG with these margins.
  static Frame inside(double w, double h, double left, double top, double right, double bottom) {
    Frame f;
    f.left = left;
    f.top = top;
    f.width = w - left - right;
    f.height = h - top - bottom;
    return f;
  }
  double X(double x) const {
    return xhi > xlo ? left + (x - xlo) / (xhi - xlo) * width : left + width / 2;
  }
  double Y(double v) const {
    return top + height - (std::clamp(v, y.lo, y.hi) - y.lo) / (y.hi - y.lo) * height;
  }
};

std::string svg_open(double w, double h, const std::string& label);
std::string text_el(double x, double y, const std::string& s, const std::string& cls,
                    const char* anchor = "start");
std::string line_el(double x1, double y1, double x2, double y2, const std::string& cls);
std::string rect_el(double x, double y, double w, double h, const std::string& attrs);

/// An interval's whisker: a line from x `a` to `b` at height `y`, with end ticks `half` up
/// and down.
std::string whisker(double a, double b, double y, double half);

/// Horizontal grid lines and labels of the y axis.
std::string y_axis(const Frame& f);

/// As y_axis() for an axis of probabilities: the labels in whole percent ("40%").
std::string percent_axis(const Frame& f);

/// Year ticks along the bottom: every year when they fit, else every 2, 5 or 10 years;
/// `marked` years (the report years) always labelled, in bold, with a vertical guide.
std::string year_axis(const Frame& f, int first, int last, const std::vector<int>& marked);

/// Appends "Mx y" (or L, with `cmd`) to a path.
void path_to(std::string& d, char cmd, double x, double y);

/// Polyline through the finite points, split where a value is not finite.
std::string polyline_d(const std::vector<double>& xs, const std::vector<double>& ys);

/// Closed band between `lo` and `hi`, one polygon per run of years where both are finite.
std::string band_d(const std::vector<double>& xs, const std::vector<double>& lo,
                   const std::vector<double>& hi);

}  // namespace plancast::svg
