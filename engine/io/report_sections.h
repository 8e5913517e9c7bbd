// The parts that more than one report shows: the assumptions table, the target table,
// a target's condition in words, the footer. Internal to engine/io.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/io/html.h"
#include "engine/io/svg.h"
#include "engine/sim/results.h"

namespace plancast::report {

// The documents are written with the two kits at hand.
using namespace html;
using namespace svg;

/// "≤" for "<=", else "≥".
std::string op_text(const std::string& op);

/// One parameter as the assumptions tables show it (HTML report and workbook).
struct AssumptionRow {
  std::string name;
  std::string written;       ///< as the file writes it: "{dist: gamma, mean: 35, sd: 12}"
  std::string distribution;  ///< its own values, shortest exact text (e.g. "normal(0.15, 0.035)")
  std::optional<double> p10, p50, p90;  ///< absent when the distribution cannot be built
  std::string label;                    ///< "TITLE (NAME)", or the name (engine/io/labels.h)
};
/// Every parameter of `sc`, in file order (report_assumptions.cpp).
std::vector<AssumptionRow> assumption_rows(const Scenario& sc);

/// The assumptions as the file writes them: each parameter (label, as written, p10, median
/// and p90, rates as percentages a year), the correlations, each indicator's yearly noise and
/// shocks in words ("8% a year chance of a -5% shock"), and the shared events with, given
/// `results`, the share of the run-years they occurred in.
std::string assumptions_section(const Scenario& sc, const Results* results = nullptr);

/// The indicator of `r` called `name`, or nullptr.
const IndicatorResult* find_indicator(const Results& r, const std::string& name);

/// "≥ 1350 100M CNY in 2025" (or "by 2030").
std::string target_condition(const TargetResult& t, const Results& r);

/// The target table (probability, 95% interval, shaded by likelihood) and the joint
/// probabilities; nothing when `r` has no target.
std::string targets_section(const Results& r);

/// The footer of a run: version, scenario, scenario_sha256.
std::string footer_text(const Results& r);

}  // namespace plancast::report
