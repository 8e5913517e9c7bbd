// Plausibility warnings (issue 14, part 7): inputs that are legal but probably not what was
// meant (a growth rate written in percent, a share written as a fraction), and, after a
// run, a % series outside [0, 100]. Never errors: validate and run print them as
// `FILE:LINE:COL: warning: MESSAGE` on stderr and exit as before; audit lists the input
// checks as findings of kind "plausibility" (grade warning). docs/analysis.md, "audit".
#pragma once

#include <string>
#include <vector>

#include "engine/analysis/audit.h"
#include "engine/config/scenario.h"
#include "engine/sim/results.h"

namespace plancast {

/// A growth rate is implausible when its median (the number, or the median of the
/// parameter it names) is above this (100% a year) ...
inline constexpr double kMaxPlausibleRate = 1.0;
/// ... or below this (more than half lost every year).
inline constexpr double kMinPlausibleRate = -0.5;

/// True for a unit that marks a share in percent: "%", "% of GDP", "percent" (any case).
bool is_percent_unit(const std::string& unit);

/// Findings of kind "plausibility", grade warning, located, in file order: growth rates
/// (ProcessSpec::growth_rates: growth trends, count rate_growth, firm_population rate;
/// not the logit rate of a logistic) whose median is above 1 or below -0.5, one per
/// constant and one per parameter; the base of a % indicator outside [0, 100], or in
/// (0, 1] when its process has a ceiling of 100.
std::vector<AuditFinding> plausibility_findings(const Scenario& scenario);

/// After a run: a % series (is_percent_unit) whose p99 is above 100 or p01 below 0 in a
/// simulated year; kind "plausibility", located at its indicator.
std::vector<AuditFinding> plausibility_after_run(const Scenario& scenario, const Results& results);

/// The MESSAGE of a warning line: the finding's message, led by "target 'ID': " for a target.
std::string warning_message(const AuditFinding& finding);
/// "FILE:LINE:COL: warning: MESSAGE".
std::string warning_line(const AuditFinding& finding);

/// What validate and run warn about before simulating: every unreachable target
/// (unreachable_target, reach.h), then every plausibility finding.
std::vector<AuditFinding> scenario_warning_findings(const Scenario& scenario);
/// The same as warning lines.
std::vector<std::string> scenario_warnings(const Scenario& scenario);

}  // namespace plancast
