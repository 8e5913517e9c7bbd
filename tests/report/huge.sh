#!/usr/bin/env bash
# Issue 13 (3): reports of values near ±1.8e308 finish, in bounded memory and time, for run,
# compare and merge. usage: huge.sh PLANCAST OUTDIR
set -u
pc="$1" out="$2"
scn="$(dirname "${BASH_SOURCE[0]}")/huge.yaml"
mkdir -p "$out" && rm -f "$out"/*
fail=0
check() {  # NAME CMD...: exit 0 within 60 s and 1 GB of address space, report written
  local name="$1"; shift
  # The address-space limit is left off under AddressSanitizer, whose shadow memory needs
  # terabytes of it (scripts/sanitize.sh sets ASAN_OPTIONS).
  ( [[ -n "${ASAN_OPTIONS:-}" ]] || ulimit -v 1000000; timeout 60 "$@" --quiet ) 2>"$out/$name.err"
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "FAIL $name: exit $rc"; cat "$out/$name.err"; fail=1; return
  fi
  local size
  size=$(stat -c %s "$out/$name.html" 2>/dev/null || echo 0)
  if [[ $size -lt 1000 || $size -gt 2000000 ]]; then
    echo "FAIL $name: report of $size bytes"; fail=1; return
  fi
  if grep -qiE 'nan|inf"' "$out/$name.html"; then
    echo "FAIL $name: a non-finite number in the SVG"; fail=1; return
  fi
  echo "ok $name ($size bytes)"
}
check run "$pc" run "$scn" --runs 10 --report "$out/run.html"
check compare "$pc" compare "$scn" --runs 10 --report "$out/compare.html"
"$pc" run "$scn" --runs 600 --shard 1/2 --json "$out/s1.json" --quiet &&
  "$pc" run "$scn" --runs 600 --shard 2/2 --json "$out/s2.json" --quiet || fail=1
check merge "$pc" merge "$out/s1.json" "$out/s2.json" --report "$out/merge.html"
exit $fail
