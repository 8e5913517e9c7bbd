// formula: an indicator computed each year from same-year indicator values, parameters
// and `year` (SPEC §2.5), evaluated by muparser (bytecode, bulk mode over a block of runs).
//
//   key       type    default  meaning
//   formula   string  -        expression, e.g. "100 * core_va / gdp"; functions: sin cos
//                              tan exp log (natural) log10 sqrt abs min max sum avg, ^ power,
//                              comparisons and the ternary `c ? a : b`
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "engine/core/process.h"

namespace plancast {

ProcessType formula_process_type();

/// How many times formula workers have had muparser parse their expression (SetExpr), in
/// this process so far: once per worker, never per block or year (a test counts them).
std::uint64_t formula_worker_parses();

/// Parses a formula of the form `100 * X / Y` or `X / Y * 100` (X, Y identifiers, any
/// spacing, `100.0` allowed). Returns {X, Y}, or two empty strings when it does not match:
/// audit checks such a share through its inputs (ProcessSpec::share_of).
std::pair<std::string, std::string> parse_share_formula(const std::string& formula);

}  // namespace plancast
