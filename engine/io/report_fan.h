// Fan charts of the indicators (run and compare reports). Internal to engine/io.
#pragma once

#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/results.h"

namespace plancast::report {

/// A median line of another scenario drawn over a fan (compare).
struct Overlay {
  std::string name;
  std::string color;
  std::vector<double> years;
  std::vector<double> median;
};

/// The line colours of the variants after the base, in turn.
extern const char* const kOverlayColors[6];

/// The indicators section: a legend, then a fan chart per indicator (p05-p95 and p25-p75
/// bands, the median, history points from `sc` when not null, the targets on it, report
/// years marked); `overlays[i]` adds other scenarios' medians to indicator i's chart.
std::string indicators_section(const Scenario* sc, const Results& r,
                               const std::vector<std::vector<Overlay>>& overlays = {});

}  // namespace plancast::report
