#!/bin/bash
# tests/fuzz/asan_cli.sh: the plancast command itself built in build-fuzz/ (clang ASan+UBSan;
# configure it first with tests/fuzz/run.sh), run over the commands: every fault case, every interrupt,
# every analysis command on small inputs, and the whole invalid catalogue through validate.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
T=$(mktemp -d) && chmod 755 "$T"  # user nobody must reach it (read_only_folder case)
P=$PWD/${BUILD:-build-fuzz}/plancast
cmake --build "${BUILD:-build-fuzz}" -j"${JOBS:-2}" --target plancast >/dev/null || exit 1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fail=0; n=0
chk() { n=$((n+1)); local want=$1; shift; "$@" >$T/asan_out 2>$T/asan_err; c=$?; if ! [[ " $want " == *" $c "* ]]; then echo "FAIL($c): $*"; head -20 $T/asan_err; fail=$((fail+1)); fi; if grep -q "Sanitizer\|runtime error" $T/asan_err; then echo "REPORT: $*"; head -30 $T/asan_err; fail=$((fail+1)); fi; }
S=tests/cli/cases/small.yaml
chk 0 $P run $S --runs 3000 --threads 2 --json $T/a.json --csv $T/a.csv
chk 0 $P run --runs 3000 --threads 2 --sampler sobol
chk 0 $P run --runs 3000 --threads 3 --sampler lhs --variant as_published
chk 0 $P run --precision 0.02 --runs 40000 --threads 2
chk 0 $P validate scenarios/jiaxing.yaml
chk "0 1" $P audit scenarios/jiaxing.yaml --json $T/au.json
chk 0 $P compare --runs 3000 --threads 2 --json $T/c.json
chk 0 $P sensitivity tests/cli/cases/sens_ishigami.yaml --of f_high --runs 1000 --threads 2
chk 0 $P sensitivity --of core_va_2025 --method tornado --runs 2000 --threads 2
chk "0 1" $P solve $S --target gdp_2025 --vary parameters.trend.mean --probability 0.5 --runs 2000 --threads 2
chk 0 $P discover --target core_va_2025 --runs 5000 --threads 2
chk 0 $P models
for c in missing_folder parent_is_file output_is_folder read_only_folder file_size_limit dev_full stdout_full; do chk 0 bash tests/faults/unwritable.sh $P $S $T/uw/$c $c; done
for c in "INT run tests/faults/slow.yaml --runs 1000000000" "TERM compare tests/faults/slow.yaml --runs 100000000" "INT sensitivity tests/faults/slow.yaml --of t --runs 1000000" "INT solve tests/faults/slow.yaml --target t --vary parameters.g.mean --probability 0.5 --runs 1000000" "TERM discover tests/faults/slow.yaml --target t --runs 1000000"; do set -- $c; sig=$1; shift; chk 130 bash tests/cli/interrupt.sh --signal $sig --after 5 $P $T/int.json -- "$@" --quiet; done
for f in scenarios/invalid/*.yaml tests/fuzz/regressions/fuzz_scenario/*; do chk 2 $P validate $f; done
for m in "compare --runs 100000000 --max-memory 8M" "discover --target core_va_2025 --runs 1000000 --max-memory 4M" "run --max-memory 12X"; do chk 2 $P $m; done
echo "asan_cli: $n commands, $fail failures"
rm -rf "$T"
[[ $fail -eq 0 ]]
