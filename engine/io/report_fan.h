// Fan charts of the indicators (run and compare reports). Internal to engine/io.
#pragma once

#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/results.h"

namespace plancast::report {

/// How a comparison draws scenario k (0: the base) everywhere it appears: a colour and a
/// dash pattern, so that the variants stay apart in greyscale print too. The base is solid;
/// variant k takes colour (k - 1 + (k - 1) / 6) mod 6 and dash pattern (k - 1) mod 6, so 36
/// variants differ in one or the other.
struct LineStyle {
  std::string color;
  std::string dash;  ///< SVG stroke-dasharray; empty: solid
};
LineStyle variant_style(std::size_t k);

/// A line sample in `style` (an inline SVG 26 px wide) for legends and labels.
std::string line_sample(const LineStyle& style);

/// A median line of another scenario drawn over a fan (compare).
struct Overlay {
  std::string name;
  LineStyle style;
  std::vector<double> years;
  std::vector<double> median;
  /// Its probability of each of the base's targets on this indicator, by target id (a target
  /// it lacks is absent): shown beside the base's at the target's marker.
  std::vector<std::pair<std::string, double>> targets;
};

/// The indicators section: a legend, then a fan chart per indicator (p05-p95 and p25-p75
/// bands, the median, history points from `sc` when not null, the targets on it, report
/// years marked); `overlays[i]` adds other scenarios' medians to indicator i's chart.
std::string indicators_section(const Scenario* sc, const Results& r,
                               const std::vector<std::vector<Overlay>>& overlays = {});

}  // namespace plancast::report
