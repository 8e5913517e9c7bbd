// `plancast audit` as a library: checks a scenario's own numbers (claims against history,
// base values against history, the growth each target needs, what value and share targets
// imply for a denominator) without simulating. docs/analysis.md, "audit", explains each check.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/config/scenario.h"

namespace plancast {

enum class AuditGrade { ok, warning, inconsistent };

/// "ok", "warning", "inconsistent".
const char* to_string(AuditGrade g);

/// A claim is consistent when the CAGR implied by the history differs from the stated one by
/// at most this much (0.5 percentage point: published rates are rounded to 0.1 point, and
/// published values to a few digits).
inline constexpr double kClaimTolerance = 0.005;
/// A base value agrees with the history at the base year when they differ by at most this
/// fraction of the history value (0.5%).
inline constexpr double kBaseTolerance = 0.005;
/// For a share computed from its inputs' base values (`100 * A / B`): published shares are
/// rounded to one decimal, so a difference up to 0.05 point is also accepted.
inline constexpr double kShareRounding = 0.05;

struct AuditFinding {
  std::string kind;     ///< "claim" | "base" | "target" | "implied" | "plausibility"
  std::string subject;  ///< an indicator name or a target id
  AuditGrade grade = AuditGrade::ok;
  std::string message;  ///< one or two sentences with the numbers, for an economist
  /// The numbers behind the message (rates as fractions: 0.176), by name, in a fixed order:
  /// e.g. stated_cagr, implied_cagr, years_needed; for JSON and tests.
  std::vector<std::pair<std::string, double>> values;
  /// Where the finding points in the file (set for unreachable targets and plausibility
  /// findings, which validate and run also print as FILE:LINE:COL: warning: ...).
  SourceLoc loc;

  /// The value named `name`, or NaN.
  double value(const std::string& name) const;
};

struct AuditReport {
  /// Claims, base values, targets, implied, plausibility; file order within each.
  std::vector<AuditFinding> findings;
  std::size_t count(AuditGrade g) const;
  bool inconsistent() const { return count(AuditGrade::inconsistent) > 0; }
};

/// Audits a loaded scenario (its selected variant). Asks each indicator's process how it
/// measures growth (ProcessSpec::growth_measure: the rate a target needs and the rate its
/// history implies, in the process's own terms, and the rate it assumes) and whether it is
/// a share of two others (ProcessSpec::share_of). A target outside the range its
/// indicator's process can reach is graded inconsistent (reach.h); the plausibility
/// findings (plausibility.h) come last. Never throws for any process type.
AuditReport audit_scenario(const Scenario& scenario);

}  // namespace plancast
