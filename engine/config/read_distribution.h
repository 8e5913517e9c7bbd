// The distribution grammar of the scenario language (SPEC §2.6): a `dist:` map read into a
// DistSpec, every problem reported at its key. Parameters and shock sizes use it.
#pragma once

#include <optional>

#include "engine/config/node_reader.h"
#include "engine/random/distribution_spec.h"

namespace plancast {

/// A distribution map ({dist: normal, mean: .., sd: .., truncate: [lo, hi]}), SPEC §2.6.
/// Ranges: normal sd > 0 (a constant is `dist: fixed`), lognormal sigma > 0 or mean > 0
/// and sd > 0, min < max, min <= mode <= max, beta alpha, beta > 0 (range default [0, 1]),
/// gamma shape, scale > 0 or mean, sd > 0, student_t df > 0 and scale > 0 (loc 0, scale 1
/// by default), empirical/choice values non-empty, choice weights >= 0 with a positive sum
/// and one per value (equal weights when omitted), quantiles p10 < p50 < p90 within the
/// three-term metalog's bound, truncate lo < hi overlapping the support where that is known
/// here. Alternative forms are converted (lognormal mean/sd → mu/sigma, gamma mean/sd →
/// shape/scale). Reports unknown keys of the map (finish()). Returns nullopt after
/// reporting problems. The compiled Distribution (engine/random) checks what only its
/// library can tell: finite quantiles and mass in a truncation window.
std::optional<DistSpec> read_distribution(NodeReader& map);

}  // namespace plancast
