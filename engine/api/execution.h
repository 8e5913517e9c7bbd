// What the API's calls share (not a public interface): Execution turned into the
// runner's options, the cancel check and the memory budget check.
#pragma once

#include <cstdint>
#include <functional>

#include "engine/analysis/memory.h"
#include "engine/api/plancast.h"
#include "engine/sim/runner.h"

namespace plancast::api {

RunOptions run_options(const Execution& e);
/// Interrupted when e.cancel is set.
void throw_if_cancelled(const Execution& e);
/// With e.max_memory: `estimate(budget)` checked against it (RunError when over), then
/// the cancel flag (the estimate's pilot simulates).
void check_budget(const Execution& e, const char* command,
                  const std::function<MemoryEstimate(std::uint64_t budget)>& estimate);

/// After a run: Interrupted when cancelled, then the plausibility warnings of its results.
void after_run(RunOutput& out, const Execution& e);

}  // namespace plancast::api
