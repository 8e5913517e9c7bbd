#!/usr/bin/env bash
# Replays one shard-file fuzzing input (tests/fuzz/regressions/fuzz_shard/) through
# `plancast merge`: exit 2 (a located refusal) or 0 passes; anything else (a crash, an
# abort, exit 1, a hang of 60 s) fails. usage: replay_shard.sh PLANCAST FILE
err=$(mktemp)
timeout 60 "$1" merge "$2" --quiet > /dev/null 2> "$err"
code=$?
if [[ $code -ne 0 && $code -ne 2 ]]; then
  echo "FAIL: plancast merge $2 exited $code" >&2
  head -5 "$err" >&2
  rm -f "$err"
  exit 1
fi
echo "ok: exit $code: $(head -c 200 "$err")"
rm -f "$err"
