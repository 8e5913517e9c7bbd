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

/// Audits a loaded scenario (its selected variant). Reads the trend assumptions from the
/// scenario's canonical text (the first trend segment's `rate` of a growth or logistic
/// process, `rate` / `rate_growth` / `exit` of a count). A target outside the range its
/// indicator's process can reach is graded inconsistent (reach.h); the plausibility
/// findings (plausibility.h) come last. Never throws for any process type.
AuditReport audit_scenario(const Scenario& scenario);

/// Parses a formula of the form `100 * X / Y` or `X / Y * 100` (X, Y identifiers, any
/// spacing, `100.0` allowed). Returns {X, Y}, or two empty strings when it does not match.
std::pair<std::string, std::string> parse_share_formula(const std::string& formula);

}  // namespace plancast
