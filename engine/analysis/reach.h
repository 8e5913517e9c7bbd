// Targets that no simulated future can meet (issue 14, part 6): a target outside the range
// of values its indicator's process can take (ProcessSpec::reachable, engine/core/process.h).
// The one check behind audit's `inconsistent` grade and the `warning:` of validate and run.
#pragma once

#include <optional>
#include <string>

#include "engine/analysis/audit.h"
#include "engine/config/scenario.h"

namespace plancast {

/// The range of the output series `output` as its indicator's process states it; nullopt
/// when the process cannot say (a formula) or no indicator produces it.
std::optional<ValueRange> output_range(const Scenario& scenario, const std::string& output);

/// True when `value` with `op` lies outside `range`: at_least above hi (or at an open hi),
/// at_most below lo (or at an open lo).
bool outside(const ValueRange& range, TargetOp op, double value);

/// A finding of kind "target", grade inconsistent, located at the target, when the target
/// lies outside the range of its indicator (its probability is then 0 in every run); with
/// the reason and what to write instead. nullopt when it can be met, or nobody can say.
std::optional<AuditFinding> unreachable_target(const Scenario& scenario, const TargetSpec& target);

}  // namespace plancast
