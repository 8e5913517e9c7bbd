#!/usr/bin/env bash
# tests/report/screenshots.sh: the screenshots in docs/img/, taken from the Jiaxing reports
# by the same Chromium helper the tests use (chromium.sh: a page with any console message
# fails). By hand, after a change to the report's look:
#
#   bash tests/report/screenshots.sh build/plancast [docs/img]
#
# Each view is a copy of a report with one extra style rule that hides the other sections,
# so a shot shows one part at a readable size.
set -euo pipefail
pc=$(readlink -f "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest=$(readlink -f "${2:-$here/../../docs/img}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"

"$pc" run --quiet --report "$work/jiaxing.html"
"$pc" compare --quiet --runs 50000 --report "$work/compare.html"
"$pc" sensitivity --quiet --of core_va_2025 --report "$work/sobol.html"
"$pc" audit --report "$work/audit.html" >/dev/null || test $? -eq 1  # exit 1: inconsistent
"$pc" solve "$here/../../scenarios/jiaxing.yaml" --quiet --target core_va_2025 \
  --vary parameters.core_trend.mean --probability 0.5 --runs 5000 --report "$work/solve.html"
"$pc" discover --quiet --target core_va_2025 --report "$work/discover.html"

# view SOURCE NAME CSS: a copy of SOURCE with CSS added at the end of its style sheet.
view() {
  sed "s|</style>|$3</style>|" "$1" >"$work/$2.html"
}
shot() {  # shot NAME WIDTHxHEIGHT
  bash "$here/chromium.sh" "$work/$1.html" "$dest/$1.png" "$2"
  python3 "$here/png_check.py" "$dest/$1.png"
}

# 1. The run report's first page: each target's answer in words and numbers.
view "$work/jiaxing.html" report-answer \
  "#targets, #exceedance, #assumptions, #indicators, #reach, #notes, footer { display: none }"
shot report-answer 1100x1100
# 1b. The target table, and the exceedance curves of the target indicators.
view "$work/jiaxing.html" report-targets \
  "header, #answer, #exceedance, #assumptions, #indicators, #reach, #notes, footer { display: none }"
shot report-targets 1100x700
view "$work/jiaxing.html" report-exceedance \
  "header, #answer, #targets, #assumptions, #indicators, #reach, #notes, footer { display: none }"
shot report-exceedance 1100x800
# 1c. The assumptions as the file writes them, with noise, shocks and events.
view "$work/jiaxing.html" report-assumptions \
  "header, #answer, #targets, #exceedance, #indicators, #reach, #notes, footer { display: none }"
shot report-assumptions 1100x1000
# 2. Fan charts of the indicators with 2025 targets.
keep='#indicator-core_va, #indicator-core_va_share, #indicator-online_retail, #indicator-software_revenue'
view "$work/jiaxing.html" report-fans \
  "header, #answer, #targets, #exceedance, #assumptions, #reach, #notes, footer { display: none } #indicators figure { display: none } #indicators :is($keep) { display: block }"
shot report-fans 1100x760
# 3. Compare: probability bars per target.
view "$work/compare.html" report-compare \
  "#indicators, #base-targets, #assumptions, footer { display: none } #variants figure:nth-of-type(n+5) { display: none }"
shot report-compare 1100x760
# 4. Sensitivity: S1 and ST of the core value-added target.
view "$work/sobol.html" report-sobol "#assumptions-x { display: none }"
shot report-sobol 1100x900
# 5. Audit: the needed growth of each target against history and assumption.
view "$work/audit.html" report-audit "#findings, #assumptions, footer { display: none }"
shot report-audit 1100x900
# 6. Solve: the answer and how the search bracketed it.
view "$work/solve.html" report-solve "#search table, #search p.sub, #assumptions, footer { display: none }"
shot report-solve 1100x800
# 7. Discover: the chosen box and the peeling trajectory.
view "$work/discover.html" report-discover "#assumptions, footer { display: none }"
shot report-discover 1100x1000
echo "screenshots.sh: written to $dest"
