#!/usr/bin/env bash
# CLI test helper: runs a command and checks its exit code, its stderr and the files it
# leaves behind.
#
# usage: expect.sh [--stdout REGEX] [--exists FILE]... CODE STDERR_REGEX ABSENT_FILE CMD...
#   CODE          the exit code the command must return
#   STDERR_REGEX  extended regex that stderr must match ("-" = anything; CMake drops "")
#   ABSENT_FILE   a file that must not exist afterwards, nor any ABSENT_FILE.tmp.* ("-" = none);
#                 removed before the command runs
#   --stdout RE   stdout must match RE
#   --exists F    F must exist afterwards (removed before; its directory is created)
set -u
stdout_re=""
exists=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --stdout) stdout_re="$2"; shift 2 ;;
    --exists) exists+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
if [[ $# -lt 4 ]]; then
  echo "usage: expect.sh [--stdout RE] [--exists F]... CODE STDERR_REGEX ABSENT_FILE CMD..." >&2
  exit 99
fi
code="$1" err_re="$2" absent="$3"
shift 3
if [[ "$absent" == "$1" ]]; then  # a shifted argument list: never delete the program
  echo "expect.sh: ABSENT_FILE is the command itself ($1); check the arguments" >&2
  exit 99
fi

for f in "${exists[@]+"${exists[@]}"}"; do
  mkdir -p "$(dirname "$f")" && rm -f "$f"
done
[[ "$absent" != "-" ]] && rm -f "$absent"

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?

fail=0
report() { echo "FAIL: $*"; fail=1; }
[[ "$rc" == "$code" ]] || report "exit code $rc, expected $code"
if [[ "$err_re" != "-" ]] && ! grep -Eq -- "$err_re" "$tmp/err"; then
  report "stderr does not match /$err_re/"
fi
if [[ -n "$stdout_re" ]] && ! grep -Eq -- "$stdout_re" "$tmp/out"; then
  report "stdout does not match /$stdout_re/"
fi
if [[ "$absent" != "-" ]]; then
  [[ -e "$absent" ]] && report "$absent exists"
  compgen -G "$absent.tmp.*" >/dev/null && report "temporary $absent.tmp.* left behind"
fi
for f in "${exists[@]+"${exists[@]}"}"; do
  [[ -s "$f" ]] || report "$f missing or empty"
done
if [[ $fail -ne 0 ]]; then
  echo "--- command: $*"
  echo "--- stdout (head):"; head -c 2000 "$tmp/out"
  echo "--- stderr (head):"; head -c 2000 "$tmp/err"
  exit 1
fi
echo "ok: exit $rc: $*"
exit 0
