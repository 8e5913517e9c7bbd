#!/usr/bin/env bash
# Replays one fuzzing finding through `plancast validate`: exit 0 (valid) or 2 (located
# errors) passes; anything else (a crash, an abort, exit 1, a hang of 60 s) fails.
# usage: replay.sh PLANCAST FILE
timeout 60 "$1" validate "$2" >/dev/null 2>"${TMPDIR:-/tmp}/replay.$$.err"
code=$?
if [[ $code -ne 0 && $code -ne 2 ]]; then
  echo "FAIL: plancast validate $2 exited $code" >&2
  head -5 "${TMPDIR:-/tmp}/replay.$$.err" >&2
  rm -f "${TMPDIR:-/tmp}/replay.$$.err"
  exit 1
fi
rm -f "${TMPDIR:-/tmp}/replay.$$.err"
echo "ok: exit $code"
