// Excel workbooks of run and compare results (`--xlsx F.xlsx`), written with libxlsxwriter:
// numbers as numbers with formats, units in their own column, filters on every table.
//
// run:     Targets, Bands, Assumptions, About
// compare: Targets (the base), Variants (every target under every variant, with the paired
//          difference), Overrides (what each variant changes, as written), Bands (the base),
//          Assumptions (the base), About
// The sheets and their columns are documented in docs/user-guide.md ("Excel workbooks").
// The same results give the same bytes: the workbook's creation date is fixed (2000-01-01).
#pragma once

#include <string>
#include <vector>

#include "engine/analysis/compare.h"
#include "engine/config/scenario.h"
#include "engine/sim/results.h"

namespace plancast {

/// The workbook of one run, as the bytes of an .xlsx file. RunError when libxlsxwriter
/// cannot build it (e.g. no temporary space).
std::string run_workbook(const Results& results, const Scenario& scenario);

/// The workbook of a comparison; `entries` are the scenarios compared ("base" first).
std::string compare_workbook(const Comparison& comparison,
                             const std::vector<CompareEntry>& entries);

}  // namespace plancast
