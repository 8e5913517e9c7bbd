#!/usr/bin/env bash
# tests/report/progress_test.sh: the progress bar and Ctrl-C (issue 5).
#
# usage: progress_test.sh MODE PLANCAST OUTDIR
#   tmux   plancast in a tmux terminal: a long run shows "[###---]  NN%  done/total runs
#          N runs/s  Ns left" on stderr; Ctrl-C (tmux send-keys C-c, a real SIGINT from
#          the terminal) stops it within seconds with exit 130 and no --report/--json file;
#          with --quiet no bar appears. Exit 77 (skipped) only when tmux is absent.
#   piped  stderr to a file (not a terminal): no bar, no carriage return, even for a run
#          of several seconds.
set -uo pipefail
mode=$1 pc=$2 out=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scenario=$here/four.yaml
fail=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}
mkdir -p "$out"
rm -f "$out"/*

case "$mode" in
tmux)
  command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
  sock="plancast-test-$$"
  t() { tmux -L "$sock" -f /dev/null "$@"; }
  trap 't kill-server 2>/dev/null' EXIT
  # A run far too long to finish (10^9 runs); the pane keeps its last screen.
  cmd="'$pc' run '$scenario' --runs 1000000000 --threads 1 --report '$out/r.html' --json '$out/r.json'; echo EXIT=\$?; sleep 60"
  TERM=xterm-256color t new-session -d -s bar -x 100 -y 20 "$cmd"
  seen=""
  for _ in $(seq 1 60); do
    sleep 0.5
    screen=$(t capture-pane -p -t bar)
    if grep -qE '^\[[#-]+\] +[0-9]+%  [0-9,]+/1,000,000,000 runs  [0-9,]+ runs/s  [0-9hms]+ left' <<<"$screen"; then
      seen=$(grep -E 'runs/s' <<<"$screen")
      break
    fi
  done
  echo "screen: $seen"
  check "progress bar seen in the terminal" test -n "$seen"
  check "progress bar fits the 100-column terminal" test "${#seen}" -lt 100
  sent=$(date +%s.%N)
  t send-keys -t bar C-c
  code=""
  for _ in $(seq 1 40); do
    sleep 0.25
    code=$(t capture-pane -p -t bar | sed -n 's/^EXIT=\([0-9]*\)$/\1/p')
    [ -n "$code" ] && break
  done
  took=$(echo "$(date +%s.%N) - $sent" | bc 2>/dev/null || echo "?")
  echo "stopped after ${took}s with exit ${code:-none}"
  check "Ctrl-C: exit 130 within 10 s" test "$code" = 130
  after=$(t capture-pane -p -t bar)
  check "Ctrl-C: bar erased, the reason said" bash -c "! grep -q 'runs/s' <<<\"\$1\" && grep -q 'interrupted' <<<\"\$1\"" _ "$after"
  check "Ctrl-C: no report file" test ! -e "$out/r.html"
  check "Ctrl-C: no json file" test ! -e "$out/r.json"
  check "Ctrl-C: no temporary left" bash -c "! ls '$out' | grep -q tmp"
  t kill-session -t bar
  # --quiet: no bar in the same terminal.
  TERM=xterm-256color t new-session -d -s quiet -x 100 -y 20 \
    "'$pc' run '$scenario' --runs 1000000000 --threads 1 --quiet; echo EXIT=\$?; sleep 60"
  sleep 3
  check "--quiet: no bar after 3 s" bash -c "! tmux -L '$sock' capture-pane -p -t quiet | grep -q 'runs'"
  t send-keys -t quiet C-c
  ;;
piped)
  # A few seconds of work (well past the bar's 1 s delay), stderr to a file.
  "$pc" run "$scenario" --runs 400000 --threads 1 --json "$out/p.json" >"$out/stdout.txt" 2>"$out/stderr.txt"
  rc=$?
  check "piped run: exit 0 (got $rc)" test "$rc" -eq 0
  check "piped run: no progress text on stderr" bash -c "! grep -q 'runs/s' '$out/stderr.txt'"
  check "piped run: no carriage return on stderr" bash -c "! grep -q \$'\\r' '$out/stderr.txt'"
  check "piped run: summary on stdout" grep -q 'core_va_2025' "$out/stdout.txt"
  ;;
*)
  echo "usage: progress_test.sh tmux|piped PLANCAST OUTDIR" >&2
  exit 2
  ;;
esac
exit "$fail"
