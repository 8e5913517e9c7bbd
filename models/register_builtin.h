// The one bridge between the engine and the processes: registers every built-in process
// type (growth, formula, ...) in a Registry.
#pragma once

#include "engine/core/process.h"

namespace plancast {

/// Adds every built-in process type to `registry`.
void register_builtin(Registry& registry);
/// A registry holding the built-in processes (built once, thread-safe).
const Registry& builtin_registry();

}  // namespace plancast
