#!/usr/bin/env bash
# One case of the bad-input catalogue (scenarios/invalid/, expectations in expected.txt).
#
# usage: check.sh PLANCAST CASE_FILE LINE:COL MESSAGE WORK_DIR
#
# Runs `plancast validate CASE_FILE` and `plancast run CASE_FILE --json J --csv C --quiet`
# and checks, for both: exit code 2 within 30 s (no crash, no hang); nothing on standard
# output; every line on standard error of the form `CASE_FILE:LINE:COL: error: ...`, one of
# them at the expected LINE:COL and containing MESSAGE (a plain substring); and for `run`,
# that neither J nor C nor any temporary J.tmp.* / C.tmp.* exists afterwards.
#
# The case `oversized.yaml` is not stored (5 MiB): it is written into WORK_DIR first, a
# valid scenario followed by a comment that takes it past the 4 MiB cap.
set -u
if [[ $# -ne 5 ]]; then
  echo "usage: check.sh PLANCAST CASE_FILE LINE:COL MESSAGE WORK_DIR" >&2
  exit 99
fi
pc="$1" case_file="$2" loc="$3" msg="$4" work="$5"
name=$(basename "$case_file" .yaml)
mkdir -p "$work" || exit 99

if [[ "$name" == oversized ]]; then
  case_file="$work/oversized.yaml"
  {
    printf 'plancast: 1\nname: big\nbase_year: 2020\nhorizon: 2025\n'
    printf 'indicators:\n  gdp: {base: 100, growth: {trend: 0.05}}\n'
    printf '# '
    head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' 'x'
    printf '\n'
  } >"$case_file" || exit 99
fi
[[ -f "$case_file" ]] || { echo "FAIL: no case file $case_file"; exit 1; }

json="$work/$name.json" csv="$work/$name.csv"
fail=0
report() { echo "FAIL [$1]: $2"; fail=1; }

check() {  # check LABEL CMD...
  local label="$1"; shift
  local out="$work/$name.$label.out" err="$work/$name.$label.err"
  timeout 30 "$@" >"$out" 2>"$err" </dev/null
  local rc=$?
  [[ $rc == 124 ]] && report "$label" "did not finish within 30 s (hang?)"
  [[ $rc == 2 ]] || report "$label" "exit code $rc, expected 2"
  [[ -s "$out" ]] && report "$label" "wrote to standard output"
  [[ -s "$err" ]] || report "$label" "nothing on standard error"
  # Every line must be a located error of this file.
  local prefix="$case_file:"
  while IFS= read -r line; do
    if [[ "$line" != "$prefix"* ]] ||
       ! [[ "${line#"$prefix"}" =~ ^[0-9]+:[0-9]+:\ error:\  ]]; then
      report "$label" "not a FILE:LINE:COL: error: line: $line"
    fi
  done <"$err"
  local want="$case_file:$loc: error: " found=0
  while IFS= read -r line; do
    [[ "$line" == "$want"* && "$line" == *"$msg"* ]] && found=1
  done <"$err"
  [[ $found == 1 ]] || report "$label" "no line '$want...$msg...'"
  if [[ $fail -ne 0 ]]; then
    echo "--- $label: $*"
    echo "--- stderr (head):"; head -c 2000 "$err"; echo
    echo "--- stdout (head):"; head -c 500 "$out"; echo
  fi
}

rm -f "$json" "$csv" "$json".tmp.* "$csv".tmp.*
check validate "$pc" validate "$case_file"
check run "$pc" run "$case_file" --json "$json" --csv "$csv" --quiet
for f in "$json" "$csv"; do
  [[ -e "$f" ]] && report run "$f was written"
  compgen -G "$f.tmp.*" >/dev/null && report run "temporary $f.tmp.* left behind"
done
[[ "$name" == oversized ]] && rm -f "$case_file"
if [[ $fail -ne 0 ]]; then exit 1; fi
echo "ok: $name: exit 2, $case_file:$loc: error: ...$msg..."
exit 0
