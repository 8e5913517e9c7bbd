// CSV writer for run results: one long table `indicator,year,statistic,value` (SPEC §3).
#pragma once

#include <string>

#include "engine/sim/results.h"

namespace plancast {

/// Results as a long-format CSV with the header `indicator,year,statistic,value` and one
/// row per number, so that any tool can pivot it. Rows, in this order:
///  - per indicator (scenario order), per year (ascending): statistics mean, sd, min, max,
///    p01 p05 p10 p25 p50 p75 p90 p95 p99, nonfinite, then the counters its
///    process declared, by name;
///  - per target (scenario order), indicator column `target:ID` (IDs cannot clash with
///    indicator names, which are identifiers without ':'), at the target's year:
///    probability, std_error, ci95_lo, ci95_hi, hits, nonfinite; for `by` targets then one
///    `first_reach` row per year (ascending) with the probability of first reaching the
///    target in that year;
///  - per joint group (ascending year), indicator column `joint`: probability, std_error,
///    ci95_lo, ci95_hi, hits;
///  - per shared event (scenario order), indicator column `event:NAME`, per year
///    (ascending): share (of runs in which it occurred) and runs.
/// A CSV file has one header and one table: there are no separate sections. Doubles are
/// written in the shortest form that reads back to the same double (std::to_chars);
/// non-finite values as an empty field (read as missing by pandas and R). Fields holding a
/// comma, quote or line break are quoted, quotes doubled (RFC 4180). Lines end with "\n".
std::string to_csv_text(const Results& results);

}  // namespace plancast
