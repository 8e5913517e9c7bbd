// plancast's public C++ API: the one header a program that links plancast::plancast
// includes (installed as <plancast/plancast.h>). Load a scenario, run it, write results.
//
// Provisional: it gathers the engine headers for load → simulate → JSON until the API of
// issue 15 part 2 (engine/api/) replaces it at this path.
#pragma once

#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/json.h"
#include "engine/sim/results.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"
