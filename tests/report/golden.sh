#!/usr/bin/env bash
# tests/report/golden.sh: the HTML reports, byte for byte, against tests/golden/report_*.html.txt
# (issue 15, part 4: splitting engine/io/report.cpp must not move a byte). The saved files end
# in .txt so that tools reading the tree as source (`duplicates`, linters) pass over them.
#
# usage: golden.sh PLANCAST OUTDIR [--update]
#   Renders the run, compare and sensitivity (sobol, shapley, tornado) reports of the bundled
#   scenario, the run and compare reports of tests/report/four.yaml (a "reached by" target,
#   history, CJK titles, markup to escape, correlations) and the run report of
#   tests/report/notes.yaml (the Notes section) and of tests/report/families.yaml (every
#   distribution family in the assumptions table), the audit reports of both scenarios, a
#   solve report of four.yaml and a discover report of the bundled one, each at a small run
#   count, and compares
#   them with the saved files. --update rewrites the saved files instead.
#
# One normalisation: the footer's scenario_sha256 (64 hex digits, checked present) is
# replaced by "SHA256", since issue 15 part 1 changes which text that hash describes for
# compare and sensitivity; the report code only copies it. Nothing else in a report
# depends on the time, the host or the thread count (--threads 1 and 2 give the same bytes,
# checked below).
set -uo pipefail
pc=$1 out=$2 update=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
golden=$(cd "$here/../golden" && pwd)
mkdir -p "$out"
rm -f "$out"/*.html
fail=0

render() {  # render NAME COMMAND...: COMMAND writes $out/NAME.html
  local name=$1
  shift
  if ! "$@" --quiet --report "$out/$name.html" 2>"$out/$name.err"; then
    echo "FAIL: $name: plancast failed"
    cat "$out/$name.err"
    fail=1
  fi
}

render report_run_2000 "$pc" run --runs 2000 --threads 2
render report_compare_2000 "$pc" compare --runs 2000 --threads 2
render report_sobol_200 "$pc" sensitivity --of core_va_2025 --runs 200 --threads 2
render report_shapley_200 "$pc" sensitivity --of core_va@2025 --method shapley --runs 200 \
  --threads 2
render report_tornado_200 "$pc" sensitivity --of core_va_share_2025 --method tornado \
  --runs 200 --threads 2
render report_four_run_2000 "$pc" run "$here/four.yaml" --runs 2000 --threads 2
render report_four_compare_2000 "$pc" compare "$here/four.yaml" --runs 2000 --threads 2
render report_notes_300 "$pc" run "$here/notes.yaml" --runs 300 --threads 2
render report_families_1000 "$pc" run "$here/families.yaml" --runs 1000 --threads 2
render report_audit "$pc" audit
render report_four_audit "$pc" audit "$here/four.yaml"
render report_four_solve_1000 "$pc" solve "$here/four.yaml" --target core_va_2025 \
  --vary parameters.core_trend.mean --probability 0.5 --runs 1000 --threads 2
render report_discover_2000 "$pc" discover --target core_va_2025 --runs 2000 --threads 2
# The thread count does not reach the bytes.
render threads1_run_2000 "$pc" run --runs 2000 --threads 1
if ! cmp -s "$out/report_run_2000.html" "$out/threads1_run_2000.html"; then
  echo "FAIL: run report differs between --threads 1 and 2"
  fail=1
fi
rm -f "$out/threads1_run_2000.html"

for f in "$out"/report_*.html; do
  name=$(basename "$f")
  if ! grep -qE 'scenario_sha256 [0-9a-f]{64}' "$f"; then
    echo "FAIL: $name: no scenario_sha256 in the footer"
    fail=1
  fi
  sed -E 's/scenario_sha256 [0-9a-f]{64}/scenario_sha256 SHA256/' "$f" >"$f.norm"
  if [[ $update == --update ]]; then
    cp "$f.norm" "$golden/$name.txt"
    echo "updated: tests/golden/$name.txt"
  elif cmp -s "$f.norm" "$golden/$name.txt"; then
    echo "ok: $name identical ($(stat -c %s "$f.norm") bytes)"
  else
    echo "FAIL: $name differs from tests/golden/$name.txt:"
    diff "$golden/$name.txt" "$f.norm" | head -20
    fail=1
  fi
done
exit "$fail"
