#!/usr/bin/env bash
# CLI test helper: starts a long run writing --json FILE, sends SIGTERM after a moment and
# exits with plancast's exit code (expected 130, with FILE not written).
# usage: interrupt.sh PLANCAST SCENARIO JSON_FILE
"$1" run "$2" --runs 1000000000 --quiet --json "$3" &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid"
