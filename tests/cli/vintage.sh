#!/usr/bin/env bash
# Every command on a scenario with a later vintage (issue 17 part 3; tests/cli/cases/
# vintage.yaml: software's base year 2024, the scenario's 2023): each succeeds, writes no
# NaN (absent years are null in JSON), and `sensitivity --of` a year before the vintage is
# a usage error.
# Usage: vintage.sh PLANCAST CASES OUTDIR
set -euo pipefail
PC=$1 V=$2/vintage.yaml OUT=$3
rm -rf "$OUT" && mkdir -p "$OUT" && cd "$OUT"
fail() { echo "FAIL: $*" >&2; exit 1; }
nonan() { if grep -qi 'nan' "$@"; then fail "NaN in $*"; fi; }

$PC run "$V" --runs 1000 --json run.json --csv run.csv --report run.html > run.txt
nonan run.json run.csv run.txt
grep -q '"first_year": 2024' run.json || fail "run: no first_year"
grep -q '^software,2023,mean,$' run.csv || fail "run: software 2023 not empty in CSV"
$PC audit "$V" --json audit.json > audit.txt
nonan audit.json audit.txt
grep -q 'history at the base year 2024' audit.txt || fail "audit: base not checked in 2024"
$PC compare "$V" --runs 1000 --json compare.json > compare.txt
nonan compare.json
$PC sensitivity "$V" --of software@2027 --runs 300 --json sobol.json > sobol.txt
$PC sensitivity "$V" --of sw_2027 --method tornado --runs 200 --json tornado.json > tornado.txt
$PC sensitivity "$V" --of sw_share@2030 --method shapley --runs 50 --json shapley.json > shapley.txt
nonan sobol.json tornado.json shapley.json
rc=0
$PC sensitivity "$V" --of software@2023 --runs 100 2> sens_err.txt || rc=$?
[ "$rc" = 2 ] || fail "sensitivity --of software@2023: exit $rc, not 2"
grep -q "software' starts in 2024: it has no value in 2023" sens_err.txt || fail "sensitivity: message"
$PC solve "$V" --target sw_2027 --vary parameters.sw_trend.mean --probability 0.8 --runs 1000 \
  --json solve.json > solve.txt
$PC solve "$V" --target sw_2027 --vary indicators.software.base --probability 0.8 --lo 1000 \
  --hi 3000 --runs 1000 --json solve_base.json > solve_base.txt
nonan solve.json solve_base.json
$PC discover "$V" --target sw_by_2030 --runs 2000 --json discover.json > discover.txt
nonan discover.json
$PC run "$V" --precision 0.05 --runs 20000 --json precision.json > precision.txt
nonan precision.json
grep -q '^precision: ' precision.txt || fail "precision: no verdict"
echo "run, audit, compare, sensitivity (sobol, tornado, shapley), solve, discover, precision: ok"
