// Self-contained HTML reports (`--report F.html`): inline CSS and SVG charts, no script, no
// fetched resource, UTF-8, laid out to print on A4. One function per command's result.
#pragma once

#include <ostream>
#include <string>

#include "engine/analysis/audit.h"
#include "engine/analysis/compare.h"
#include "engine/analysis/discover.h"
#include "engine/analysis/drivers.h"
#include "engine/analysis/sensitivity.h"
#include "engine/analysis/shapley.h"
#include "engine/analysis/solve.h"
#include "engine/config/scenario.h"
#include "engine/sim/results.h"

namespace plancast {

/// The report of one run: title, base year, horizon, runs, seed and sampler; the
/// assumptions table (each parameter's distribution and its correlations); the target
/// table (probability, 95% interval, shaded by likelihood); a fan chart per indicator
/// (p05-p95 and p25-p75 bands, median line, history points, target markers, unit on the
/// axis, report years marked); the first-reach curve of each `by` target; and the joint
/// probabilities. `scenario` must be the scenario `results` came from (variant and --set
/// applied): its parameters and history are read from it. Writes the whole document to
/// `out`; throws nothing beyond what the stream does. Pure function of its inputs
/// (no dates, no host names), so the same results give the same bytes.
void write_run_report(std::ostream& out, const Scenario& scenario, const Results& results);

/// The same report when only the results are at hand (e.g. merged shard files): without
/// the assumptions table and the history points, which only the scenario holds.
void write_run_report(std::ostream& out, const Results& results);

/// write_run_report() into a string.
std::string run_report_html(const Scenario& scenario, const Results& results);

/// The same, its first page also naming the assumption that moves each target most
/// (rank_drivers(), engine/analysis/drivers.h).
std::string run_report_html(const Scenario& scenario, const Results& results,
                            const DriverRanking& drivers);

/// The report of `plancast compare`: per target, a bar per variant with its probability
/// and interval and the paired change from base; per indicator, the medians of every
/// variant overlaid on the base's fan; then each variant's run section as in the run
/// report. `base` is the base scenario (assumptions, history).
std::string compare_report_html(const Scenario& base, const Comparison& comparison);

/// The report of `plancast sensitivity --method sobol`: S1 and ST bars with their 95%
/// intervals per parameter, sorted by ST, then the runs' own randomness (noise) as one
/// factor; a note when correlations make the indices depend on the file's order; the
/// assumptions table. `of` describes the
/// outcome in words ("core_va_2025 (1 if core_va >= 1350 in 2025, else 0)").
std::string sobol_report_html(const Scenario& scenario, const SobolResult& result,
                              const std::string& of);

/// The report of `plancast sensitivity --method shapley`: a bar per parameter with its 95%
/// interval, largest first, then the share left to the runs' own randomness; the table;
/// the assumptions table.
std::string shapley_report_html(const Scenario& scenario, const ShapleyResult& result,
                                const std::string& of);

/// The report of `plancast sensitivity --method tornado`: the tornado chart (each
/// parameter's p10 and p90 outcome around the baseline), largest swing first.
std::string tornado_report_html(const Scenario& scenario, const TornadoResult& result,
                                const std::string& of);

/// The report of `plancast audit`: the findings graded ok / warning / inconsistent with their
/// numbers, and per target the growth it needs against history and assumption as a chart.
std::string audit_report_html(const Scenario& scenario, const AuditReport& report);

/// The report of `plancast solve`: the answer with its 95% interval and the bracketing
/// trajectory (the target's probability against the varied value).
std::string solve_report_html(const Scenario& scenario, const SolveResult& result);

/// The report of `plancast discover`: the chosen box's limits per parameter and the peeling
/// trajectory (density against coverage).
std::string discover_report_html(const Scenario& scenario, const DiscoverResult& result,
                                 const DiscoverOptions& options);

}  // namespace plancast
