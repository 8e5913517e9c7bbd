#!/usr/bin/env bash
# scripts/sanitize.sh: builds plancast and its tests under a sanitizer and runs the suite.
#
#   bash scripts/sanitize.sh asan [CTEST ARGS...]   AddressSanitizer + UBSan, in build-asan/
#   bash scripts/sanitize.sh tsan [CTEST ARGS...]   ThreadSanitizer, in build-tsan/
#
# Both use g++ (the compiler of the normal build), -O1 -g, and stop at the first report
# (halt_on_error / -fno-sanitize-recover), so any finding fails its test. CTEST ARGS select
# tests, e.g. `-L cli` or `-E statistical`; default: the whole suite. Env: JOBS (default 2).
# The CI runs `asan` on a subset (scripts/test.sh, ASAN_SUBSET); docs/reliability.md
# records the full runs and their figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JOBS="${JOBS:-2}"
kind="${1:-}"
shift || true
case "$kind" in
  asan)
    dir=build-asan
    flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    ;;
  tsan)
    dir=build-tsan
    flags="-O1 -g -fsanitize=thread -fno-omit-frame-pointer"
    # oneTBB and libgomp (muparser's OpenMP) come from Debian, not built with TSan: their
    # internal synchronisation is invisible to it. scripts/tsan.supp names only frames
    # inside those libraries, never plancast code (see the file).
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp"
    ;;
  *)
    echo "usage: bash scripts/sanitize.sh asan|tsan [CTEST ARGS...]" >&2
    exit 2
    ;;
esac
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DPLANCAST_BUILD_TESTS=ON \
  -DPLANCAST_BUILD_BENCH=OFF "-DCMAKE_CXX_FLAGS=$flags" \
  "-DCMAKE_EXE_LINKER_FLAGS=${flags#-O1 -g }" >/dev/null
cmake --build "$dir" -j"$JOBS"
ctest --test-dir "$dir" --output-on-failure -j"$JOBS" --timeout 1500 "$@"
