// Targets that no simulated future can meet: see reach.h.
#include "engine/analysis/reach.h"

#include <cmath>

#include "engine/core/format.h"

namespace plancast {

namespace {

/// A number as a planner writes it: up to 6 significant digits, no trailing zeros.
std::string short_num(double x) {
  return general_text(x, 6);
}

}  // namespace

std::optional<ValueRange> output_range(const Scenario& sc, const std::string& output) {
  for (const IndicatorSpec& ind : sc.indicators) {
    for (std::size_t k = 0; k < ind.outputs.size(); ++k) {
      if (ind.outputs[k] != output) continue;
      if (!ind.spec) return std::nullopt;
      return ind.spec->reachable(ind, k);
    }
  }
  return std::nullopt;
}

bool outside(const ValueRange& r, TargetOp op, double v) {
  if (op == TargetOp::at_least) return v > r.hi || (v == r.hi && r.hi_open);
  return v < r.lo || (v == r.lo && r.lo_open);
}

std::optional<AuditFinding> unreachable_target(const Scenario& sc, const TargetSpec& t) {
  const std::optional<ValueRange> range = output_range(sc, t.indicator);
  if (!range || !outside(*range, t.op, t.value)) return std::nullopt;
  const bool at_least = t.op == TargetOp::at_least;
  const double bound = at_least ? range->hi : range->lo;
  const bool open = at_least ? range->hi_open : range->lo_open;
  AuditFinding f;
  f.kind = "target";
  f.subject = t.id;
  f.grade = AuditGrade::inconsistent;
  f.loc = t.loc;
  f.values.emplace_back("target", t.value);
  f.values.emplace_back(at_least ? "reachable_max" : "reachable_min", bound);
  f.message = t.indicator;
  f.message += at_least ? " >= " : " <= ";
  f.message += short_num(t.value);
  f.message += t.by ? " by " : " in ";
  f.message += std::to_string(t.year);
  f.message += ": cannot be met in any simulated future: ";
  f.message += at_least ? range->why_hi : range->why_lo;
  f.message += ", so its probability is 0.";
  if (at_least && open && bound > 0) {
    // "Full coverage" of a share with a ceiling: the level a published figure rounded to
    // whole percent reports as 100% (0.5% of the ceiling below it).
    f.message += " For \"full coverage\" write a level just below " + short_num(bound) +
                 ", e.g. at_least: " + short_num(bound - 0.005 * bound);
    f.message += bound == 100 ? " (what a share published in whole percent reports as 100%)"
                              : " (half a percent of it below)";
    f.message += ", or raise the cap if it is not a real ceiling.";
  } else if (open) {
    f.message += " Write a level just " + std::string(at_least ? "below " : "above ") +
                 short_num(bound) + " instead.";
  } else {
    f.message += std::string(" The ") + (at_least ? "most" : "least") + " it can reach is " +
                 short_num(bound) + ": check the target or the process's settings.";
  }
  return f;
}

}  // namespace plancast
