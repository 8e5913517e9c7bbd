#!/usr/bin/env bash
# Fault tests for the output transaction (docs/reliability.md#interruption-full-disks-and-unwritable-folders).
# usage: outputs.sh PLANCAST SMALL_SCENARIO LARGE_SCENARIO WORKDIR CASE
# SMALL is a quick scenario (tests/cli/cases/small.yaml); LARGE one whose JSON and CSV are a
# few hundred KB each (tests/faults/slow.yaml at 2,000 runs).
set -u
pc="$1" small="$2" large="$3" work="$4" case="$5"
[[ -d "$work/mnt" ]] && umount "$work/mnt" 2>/dev/null
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
cp "$small" in.yaml
fail() { echo "FAIL ($case): $*" >&2; exit 1; }
# expect CODE REGEX: the exit code and stderr of the last command.
expect() {
  [[ $code -eq $1 ]] || { cat err >&2; fail "exit $code, expected $1"; }
  grep -Eq -- "$2" err || { cat err >&2; fail "stderr does not match '$2'"; }
}
no_temporaries() {
  local left
  left=$(find "$work" -name '*.tmp.*')
  [[ -z "$left" ]] || fail "temporary file left: $left"
}
unchanged() {  # FILE TEXT
  [[ -f "$1" && "$(cat "$1")" == "$2" ]] || fail "$1 was changed: $(head -c 80 "$1" 2>/dev/null)"
}
ok_exit() { [[ $code -eq 0 ]] || { cat err >&2; fail "exit $code, expected 0"; }; }
# wait_on_pipe PID: until PID waits to open or write a pipe nobody reads, as
# /proc/PID/wchan shows (wait_for_partner, pipe_write...); at most 5 s, for kernels that
# do not show it.
wait_on_pipe() {
  local w
  for _ in $(seq 50); do
    w=$(cat "/proc/$1/wchan" 2>/dev/null)
    [[ "$w" == *partner* || "$w" == *fifo* || "$w" == *pipe* ]] && { sleep 0.2; return; }
    sleep 0.1
  done
}
# interrupt_blocked PID: once PID is blocked on a pipe, SIGINT it; it must end within 10 s.
# Sets code to its exit status.
interrupt_blocked() {
  wait_on_pipe "$1"
  kill -0 "$1" 2>/dev/null || fail "plancast ended before the signal"
  kill -INT "$1"
  timeout 10 tail --pid="$1" -s 0.05 -f /dev/null || { kill -KILL "$1"; fail "no exit 10 s after SIGINT"; }
  wait "$1"; code=$?
}
same_input() { cmp -s in.yaml "$small" || fail "the scenario in.yaml was changed"; }
run=("$pc" run in.yaml --runs 2000 --seed 1 --threads 2 --quiet)

case "$case" in
  input_json_name)  # the scenario named as an output, by name, for every output kind
    for flag in --json --csv --report; do
      "${run[@]}" "$flag" in.yaml 2>err; code=$?
      expect 2 "^plancast: error: $flag 'in.yaml' is also the scenario 'in.yaml': an output may not replace an input"
      same_input
    done ;;
  input_other_spelling)
    mkdir sub
    for out in ./in.yaml sub/../in.yaml "$work/in.yaml"; do
      "${run[@]}" --csv "$out" 2>err; code=$?
      expect 2 "^plancast: error: --csv '.*in.yaml' is also the scenario 'in.yaml'"
      same_input
    done
    ln in.yaml hard.yaml  # a hard link is the same file too
    "${run[@]}" --json hard.yaml 2>err; code=$?
    expect 2 "is also the scenario 'in.yaml'"
    same_input ;;
  input_symlink)
    ln -s in.yaml link.yaml
    "${run[@]}" --report link.yaml 2>err; code=$?
    expect 2 "^plancast: error: --report 'link.yaml' is also the scenario 'in.yaml' \(through a symbolic link\)"
    same_input
    [[ -L link.yaml ]] || fail "the link was replaced" ;;
  input_every_command)  # every command that reads a scenario and writes --json
    for c in "validate in.yaml" "audit in.yaml" "compare in.yaml --runs 100" \
             "sensitivity in.yaml --of gdp_2025 --runs 100" "discover in.yaml --target gdp_2025 --runs 100" \
             "solve in.yaml --target gdp_2025 --vary parameters.trend.mean --probability 0.5 --runs 100"; do
      # shellcheck disable=SC2086
      "$pc" $c --json ./in.yaml 2>err; code=$?
      expect 2 "--json './in.yaml' is also the scenario 'in.yaml'"
      same_input
    done
    "$pc" run in.yaml --runs 1000 --shard 1/1 --json s1.json --quiet 2>err || fail "shard run failed"
    cp s1.json s1.copy
    "$pc" merge s1.json --csv ./s1.json 2>err; code=$?
    expect 2 "--csv './s1.json' is also a SHARD to read 's1.json'"
    cmp -s s1.json s1.copy || fail "the shard was changed" ;;
  two_outputs_one_file)
    "${run[@]}" --json s.out --csv ./s.out 2>err; code=$?
    expect 2 "^plancast: error: --json 's.out' and --csv './s.out' name the same file"
    [[ ! -e s.out ]] || fail "s.out was written"
    ln -s later.json dangling.json
    "${run[@]}" --json dangling.json --report later.json 2>err; code=$?
    expect 2 "--json 'dangling.json' and --report 'later.json' name the same file \(through a symbolic link\)"
    [[ ! -e later.json ]] || fail "later.json was written" ;;
  disk_full_two_outputs)
    # The disk fills while the second output is written: both old files must stay as they
    # were. A small tmpfs (as root), else a per-file size limit (ulimit -f, SIGXFSZ
    # ignored): sized from the outputs' real sizes so that the JSON fits and the CSV not.
    large_run=("$pc" run "$large" --runs 2000 --seed 1 --threads 2 --quiet)
    "${large_run[@]}" --json size.json --csv size.csv 2>err || fail "the sizing run failed"
    js=$(stat -c %s size.json) cs=$(stat -c %s size.csv)
    rm -f size.json size.csv
    mkdir mnt
    if [[ $(id -u) -eq 0 ]] && mount -t tmpfs -o size=$(( (js + cs / 2) / 4096 * 4096 + 3 * 4096 )) tmpfs mnt 2>/dev/null; then
      trap 'umount "$work/mnt" 2>/dev/null' EXIT
      echo old-json > mnt/j.json && echo old-csv > mnt/c.csv
      "${large_run[@]}" --json mnt/j.json --csv mnt/c.csv 2>err; code=$?
      expect 1 "^plancast: error: cannot write mnt/c.csv: No space left on device"
      echo "tmpfs of $(df -B1 --output=size mnt | tail -1) bytes; JSON $js, CSV $cs bytes"
    else
      (( js < cs - 8192 )) || fail "the JSON ($js) must be smaller than the CSV ($cs) for ulimit -f"
      limit=$(( (js + cs) / 2 / 1024 ))
      echo old-json > mnt/j.json && echo old-csv > mnt/c.csv
      bash -c 'trap "" XFSZ; ulimit -f "$1"; shift; exec "$@"' _ "$limit" "${large_run[@]}" \
        --json mnt/j.json --csv mnt/c.csv 2>err; code=$?
      expect 1 "^plancast: error: cannot write mnt/c.csv: File too large"
      echo "no tmpfs: ulimit -f $limit KiB; JSON $js, CSV $cs bytes"
    fi
    unchanged mnt/j.json old-json
    unchanged mnt/c.csv old-csv ;;
  symlink_live)  # the file a link names is replaced; the link stays a link
    echo old > real.json
    ln -s real.json link.json
    "${run[@]}" --json link.json 2>err; code=$?
    ok_exit
    [[ -L link.json ]] || fail "link.json is no longer a symbolic link"
    grep -q '"runs": 2000' real.json || fail "real.json does not hold the results" ;;
  symlink_dangling)  # the same rule for a link to a file not yet there: it is created
    mkdir results
    ln -s results/latest.json link.json
    "${run[@]}" --json link.json 2>err; code=$?
    ok_exit
    [[ -L link.json ]] || fail "the dangling link was replaced by a regular file"
    grep -q '"runs": 2000' results/latest.json || fail "the link's target was not created" ;;
  mode_owner)  # a replaced file keeps its mode and (as root) its owner and group
    echo old > out.json
    chmod 600 out.json
    [[ $(id -u) -eq 0 ]] && chown 65534:65534 out.json
    before=$(stat -c '%a %u %g' out.json)
    "${run[@]}" --json out.json 2>err; code=$?
    ok_exit
    after=$(stat -c '%a %u %g' out.json)
    [[ "$after" == "$before" ]] || fail "mode/owner/group $before became $after"
    grep -q '"runs": 2000' out.json || fail "out.json does not hold the results" ;;
  leftovers)
    # What a run killed by SIGKILL while writing left: this version's temporary (its lock
    # died with it) and an earlier version's out.json.tmp.PID (an hour old, no such
    # process) are removed by the next run; one a live process holds locked is kept.
    head -c 2000000 /dev/zero > out.json.tmp.plancast-AbC123
    head -c 2000000 /dev/zero > out.json.tmp.2147483646
    touch -d '1 hour ago' out.json.tmp.2147483646
    : > out.json.tmp.plancast-LiVe99
    exec 9<out.json.tmp.plancast-LiVe99  # this shell is the live writer: it holds the lock
    flock 9 || fail "flock"
    "${run[@]}" --json out.json 2>err 9<&-; code=$?
    exec 9<&-
    ok_exit
    [[ -e out.json.tmp.plancast-LiVe99 ]] || fail "a live writer's temporary was removed"
    rm out.json.tmp.plancast-LiVe99
    grep -q '"runs": 2000' out.json || fail "out.json does not hold the results" ;;
  sigkill_while_writing)
    # SIGKILL while the outputs are written: large JSON and CSV staged, the run then blocked
    # writing a third output into a pipe nobody reads. Nothing may be left or changed.
    mkfifo pipe.html
    echo old > big.csv
    env --default-signal=INT,TERM "$pc" run "$large" --runs 2000 --seed 1 --threads 2 --quiet \
      --json big.json --csv big.csv --report pipe.html 2>err &
    pid=$!
    wait_on_pipe "$pid"
    kill -0 "$pid" 2>/dev/null || fail "plancast ended before the signal"
    kill -KILL "$pid"; wait "$pid" 2>/dev/null
    [[ ! -e big.json ]] || fail "big.json was written"
    unchanged big.csv old
    no_temporaries
    "${run[@]}" --json big.json 2>err; code=$?  # and the next run leaves nothing either
    ok_exit
    no_temporaries ;;
  interrupt_while_writing)
    # SIGINT while the outputs are written (blocked on a pipe nobody reads): exit 130 and
    # nothing committed, as for an interrupt during the simulation.
    mkfifo pipe.csv
    echo old > out.json
    env --default-signal=INT,TERM "${run[@]}" --json out.json --csv pipe.csv 2>err &
    interrupt_blocked $!
    expect 130 "^plancast: interrupted; no output written"
    unchanged out.json old
    # The same while standard output (470 KB of CSV) waits on a pipe that is not read.
    mkfifo stdout.pipe
    exec 8<>stdout.pipe  # this shell holds the pipe open and never reads it
    env --default-signal=INT,TERM "$pc" run "$large" --runs 2000 --seed 1 --threads 2 --quiet \
      --json out.json --csv - 2>err >stdout.pipe 8<&- &
    interrupt_blocked $!
    exec 8<&-
    expect 130 "^plancast: interrupted; no output written"
    unchanged out.json old ;;
  sigpipe)  # the reader goes away (| head): exit 1 and the message, not death by SIGPIPE
    "$pc" run "$large" --runs 2000 --seed 1 --threads 2 --quiet --csv - 2>err | head -1 >head.out
    code=${PIPESTATUS[0]}
    expect 1 "^plancast: error: cannot write standard output: Broken pipe"
    [[ "$(cat head.out)" == "indicator,year,statistic,value" ]] || fail "head got '$(cat head.out)'" ;;
  dev_stdout)  # /dev/stdout is standard output as it stands: a pipe, or a file appended to
    "${run[@]}" --json /dev/stdout 2>err | cat > piped.json; code=${PIPESTATUS[0]}
    ok_exit
    grep -q '"runs": 2000' piped.json || fail "nothing came through the pipe"
    echo first > log.txt
    "${run[@]}" --json /dev/stdout >> log.txt 2>err; code=$?
    ok_exit
    [[ "$(head -1 log.txt)" == first ]] || fail "the file opened for appending was replaced"
    grep -q '"runs": 2000' log.txt || fail "the results were not appended" ;;
  *) fail "unknown case" ;;
esac
no_temporaries
echo "ok ($case)"
