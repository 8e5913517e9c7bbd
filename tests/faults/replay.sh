#!/usr/bin/env bash
# Replays one fuzzing finding through a plancast command (validate FILE for scenario
# findings, merge FILE --quiet for shard-file inputs): exit 0 or 2 (located errors, a
# located refusal) passes; anything else (a crash, an abort, exit 1, a hang of 60 s) fails.
# usage: replay.sh PLANCAST COMMAND FILE [ARG...]
err=$(mktemp)
timeout 60 "$1" "$2" "${@:3}" >/dev/null 2>"$err"
code=$?
if [[ $code -ne 0 && $code -ne 2 ]]; then
  echo "FAIL: plancast $2 $3 exited $code" >&2
  head -5 "$err" >&2
  rm -f "$err"
  exit 1
fi
echo "ok: exit $code: $(head -c 200 "$err")"
rm -f "$err"
