// JSON writer for run results (SPEC §3): field names and order are the interface.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/sim/results.h"

namespace plancast {

/// Results as ordered JSON, fields in SPEC §3 order:
///   plancast_version, scenario, title, variant (null for the base), scenario_sha256, runs,
///   seed, sampler, years, report_years,
///   indicators {NAME: {unit, title (only if non-empty), mean, sd, min, max,
///               quantiles {p01 … p99}, nonfinite, then one array per counter
///               its process declared, under the counter's name}},
///   targets [{id, indicator, year, op, value, by, probability, std_error, ci95, hits,
///             nonfinite, first_reach (only for `by` targets)}],
///   joint [{year, targets, probability, std_error, ci95}].
/// Per-year arrays align with `years`. Non-finite doubles become null. `nonfinite` counts
/// runs whose value was not finite: per indicator and year (left out of the statistics),
/// per target (counted as not met; docs/reliability.md, "Non-finite values"). Nothing depends on
/// the time, host or thread count, so equal Results give equal text.
nlohmann::ordered_json to_json(const Results& results);

/// to_json() dumped with a 2-space indent and a final newline. Doubles are written in
/// nlohmann's shortest round-trip form; invalid UTF-8 in strings is replaced (U+FFFD).
std::string to_json_text(const Results& results);

}  // namespace plancast
