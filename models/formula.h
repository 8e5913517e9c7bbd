// formula: an indicator computed each year from same-year indicator values, parameters
// and `year` (SPEC §2.5), evaluated by muparser (bytecode, bulk mode over a block of runs).
//
//   key       type    default  meaning
//   formula   string  -        expression, e.g. "100 * core_va / gdp"; functions: sin cos
//                              tan exp log (natural) log10 sqrt abs min max sum avg, ^ power,
//                              comparisons and the ternary `c ? a : b`
#pragma once

#include <cstdint>

#include "engine/core/process.h"

namespace plancast {

ProcessType formula_process_type();

/// How many times formula workers have had muparser parse their expression (SetExpr), in
/// this process so far: once per worker, never per block or year (a test counts them).
std::uint64_t formula_worker_parses();

}  // namespace plancast
