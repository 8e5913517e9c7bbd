#!/usr/bin/env bash
# CLI test helper: starts a long plancast command writing --json FILE, sends it a signal
# once it is running, and exits with plancast's exit code (expected 130, FILE not written).
# Prints on stdout how long plancast took to stop after the signal ("stopped in 0.123 s").
#
# usage: interrupt.sh PLANCAST SCENARIO JSON_FILE                  (run, SIGTERM after 2 s)
#        interrupt.sh --signal INT|TERM [--after SECONDS] PLANCAST JSON_FILE -- COMMAND ARGS...
#
# The command is started with SIGINT and SIGTERM at their default disposition (env
# --default-signal): a background job of a non-interactive shell otherwise starts with
# SIGINT ignored, and plancast keeps an ignored signal ignored (as nohup expects).
# A command still running 30 s after the signal is killed and counts as a hang (exit 124).
set -u
sig=TERM after=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --signal) sig="$2"; shift 2 ;;
    --after) after="$2"; shift 2 ;;
    *) break ;;
  esac
done
if [[ "${3:-}" == "--" ]]; then
  pc="$1" json="$2"
  shift 3
  cmd=("$pc" "$@" --json "$json")
else
  cmd=("$1" run "$2" --runs 1000000000 --quiet --json "$3")
  json="$3"
fi
rm -f "$json" "$json".tmp.*
env --default-signal=INT,TERM "${cmd[@]}" &
pid=$!
sleep "$after"
if ! kill -0 "$pid" 2>/dev/null; then
  wait "$pid"
  echo "interrupt.sh: the command ended before the signal (exit $?); make it run longer" >&2
  exit 98
fi
t0=$(date +%s.%N)
kill -"$sig" "$pid"
# Wait for it to end (polled every 10 ms), at most 30 s: longer is a hang (the time is
# printed, never asserted).
if ! timeout 30 tail --pid="$pid" -s 0.01 -f /dev/null; then
  kill -KILL "$pid"
  wait "$pid"
  echo "interrupt.sh: still running 30 s after SIG$sig" >&2
  exit 124
fi
t1=$(date +%s.%N)
wait "$pid"
code=$?
awk -v a="$t0" -v b="$t1" -v s="$sig" -v c="$code" \
  'BEGIN { printf "stopped in %.3f s after SIG%s (exit %d)\n", b - a, s, c }'
exit "$code"
