#!/usr/bin/env bash
# Fault tests for output files (docs/reliability.md#interruption-full-disks-and-unwritable-folders).
# usage: unwritable.sh PLANCAST SCENARIO WORKDIR CASE
# Each CASE runs one plancast command whose output cannot be written and checks: exit 1,
# "plancast: error: cannot write ..." on stderr, no output file and no temporary left, and
# an existing output file left exactly as it was.
set -u
pc="$1" scenario="$2" work="$3" case="$4"
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL ($case): $*" >&2; exit 1; }
# expect CODE REGEX: checks the exit code and stderr of the last command.
expect() {
  [[ $code -eq $1 ]] || { cat "$work/err" >&2; fail "exit $code, expected $1"; }
  grep -Eq "$2" "$work/err" || { cat "$work/err" >&2; fail "stderr does not match '$2'"; }
}
no_temporaries() {
  local left
  left=$(find "$work" -name '*.tmp.*')
  [[ -z "$left" ]] || fail "temporary file left: $left"
}
run=("$pc" run "$scenario" --runs 2000 --seed 1 --threads 2 --quiet)

case "$case" in
  missing_folder)  # refused before the run
    "${run[@]}" --json "$work/no/such/folder/out.json" 2>"$work/err"; code=$?
    expect 1 "^plancast: error: cannot write .*out\.json: No such file or directory"
    [[ ! -e "$work/no" ]] || fail "a folder was created" ;;
  parent_is_file)
    echo x > "$work/file"
    "${run[@]}" --csv "$work/file/out.csv" 2>"$work/err"; code=$?
    expect 1 "^plancast: error: cannot write .*out\.csv: Not a directory" ;;
  output_is_folder)
    mkdir "$work/out.json"
    "${run[@]}" --json "$work/out.json" 2>"$work/err"; code=$?
    expect 1 "^plancast: error: cannot write .*out\.json: Is a directory" ;;
  read_only_folder)
    # As root, permissions do not stop writes: drop to user nobody with a copy of the
    # inputs it can read (setpriv, util-linux).
    mkdir "$work/ro"
    echo old > "$work/ro/out.json"
    chmod 555 "$work/ro"
    prefix=()
    if [[ $(id -u) -eq 0 ]]; then
      cp "$pc" "$work/plancast" && cp "$scenario" "$work/s.yaml" && chmod 755 "$work" "$work/plancast" && chmod 644 "$work/s.yaml"
      run=("$work/plancast" run "$work/s.yaml" --runs 2000 --seed 1 --threads 2 --quiet)
      prefix=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    fi
    "${prefix[@]}" "${run[@]}" --json "$work/ro/out.json" 2>"$work/err"; code=$?
    expect 1 "^plancast: error: cannot write .*out\.json: Permission denied"
    [[ "$(cat "$work/ro/out.json")" == old ]] || fail "the existing file was changed" ;;
  file_size_limit)
    # A full disk, imitated: a 4 KiB file-size limit with SIGXFSZ ignored, so write() fails
    # with EFBIG once the JSON passes 4 KiB. The run has finished by then: the failure
    # comes at the very end, and the file that was there must survive untouched.
    echo old > "$work/out.json"
    bash -c 'trap "" XFSZ; ulimit -f 4; exec "$@"' _ "${run[@]}" --json "$work/out.json" \
      2>"$work/err"; code=$?
    expect 1 "^plancast: error: cannot write .*out\.json: File too large"
    [[ "$(cat "$work/out.json")" == old ]] || fail "the existing file was changed" ;;
  dev_full)  # a device that is always full: written in place, fails with ENOSPC
    "${run[@]}" --json /dev/full 2>"$work/err"; code=$?
    expect 1 "^plancast: error: cannot write /dev/full: No space left on device" ;;
  stdout_full)
    "$pc" run "$scenario" --runs 2000 --seed 1 --threads 2 >/dev/full 2>"$work/err"; code=$?
    expect 1 "^plancast: error: cannot write standard output" ;;
  *) fail "unknown case" ;;
esac
no_temporaries
echo "ok ($case)"
