#!/usr/bin/env bash
# tests/fuzz/run.sh: builds the libFuzzer targets with clang-14 (AddressSanitizer and
# UndefinedBehaviorSanitizer on, whole project instrumented) into build-fuzz/ and fuzzes
# each target for SECONDS seconds, one after the other.
#
#   bash tests/fuzz/run.sh [SECONDS] [TARGET...]        default: 30 s each, all three targets
#   bash tests/fuzz/run.sh --replay DIR...              run every file of DIR once per target
#
# Targets: fuzz_scenario (the scenario loader and validator, then compile and an 8-run
# simulation of what loads), fuzz_formula (one `formula:` text in a fixed scenario) and
# fuzz_shard (one shard file through merge: parse, header, checksum, state checks).
# Seeds: every YAML under scenarios/ and tests/ for fuzz_scenario, tests/fuzz/seeds/formula
# for fuzz_formula, tests/fuzz/seeds/shard for fuzz_shard (shards of tests/scale/forged.yaml
# and tests/cli/cases/small.yaml; remake them with `run --shard` when kShardFormatVersion
# changes, e.g. build/plancast run tests/scale/forged.yaml --runs 600 --shard 1/2 --json F).
# The growing corpus is kept in build-fuzz/corpus/TARGET; a crash, leak or timeout (one
# input running over 60 s of wall time: a hang; less would flag a merely slow input on a
# loaded machine) is written to build-fuzz/artifacts/ and makes the script exit 1. A
# finding goes, minimised, into tests/fuzz/regressions/TARGET/ (replayed by ctest in the
# normal build: tests/faults, and tests/scale for fuzz_shard). Env: BUILD (default
# build-fuzz), JOBS (2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BUILD="${BUILD:-build-fuzz}"
JOBS="${JOBS:-2}"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPLANCAST_BUILD_TESTS=OFF -DPLANCAST_BUILD_BENCH=OFF \
  -DPLANCAST_FUZZ=ON "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link $SAN" \
  "-DCMAKE_EXE_LINKER_FLAGS=$SAN" >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target fuzz_scenario fuzz_formula fuzz_shard

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

seeds_of() {
  case "$1" in
    fuzz_scenario) echo scenarios tests/cli/cases tests/fuzz/regressions/fuzz_scenario ;;
    fuzz_formula) echo tests/fuzz/seeds/formula tests/fuzz/regressions/fuzz_formula ;;
    fuzz_shard) echo tests/fuzz/seeds/shard tests/fuzz/regressions/fuzz_shard ;;
    *) echo "run.sh: unknown target '$1'" >&2; exit 2 ;;
  esac
}
dict_of() {
  case "$1" in
    fuzz_scenario) echo "-dict=tests/fuzz/scenario.dict" ;;
    fuzz_shard) echo "-dict=tests/fuzz/shard.dict" ;;
  esac
}

if [ "${1:-}" = "--replay" ]; then
  shift
  for t in fuzz_scenario fuzz_formula fuzz_shard; do
    files=$(find "$@" -type f 2>/dev/null | sort)
    [ -n "$files" ] && "$BUILD/$t" -runs=1 $files
  done
  exit 0
fi

SECONDS_EACH="${1:-30}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(fuzz_scenario fuzz_formula fuzz_shard)
mkdir -p "$BUILD/artifacts"
for t in "${TARGETS[@]}"; do
  mkdir -p "$BUILD/corpus/$t"
  seeds=()
  for d in $(seeds_of "$t"); do [ -d "$d" ] && seeds+=("$d"); done
  echo "== $t: ${SECONDS_EACH}s"
  "$BUILD/$t" "$BUILD/corpus/$t" "${seeds[@]}" $(dict_of "$t") \
    -max_total_time="$SECONDS_EACH" -timeout=60 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$t-"
done
