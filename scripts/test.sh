#!/usr/bin/env bash
# scripts/test.sh: install every dependency (setup.sh --all), build plancast in Release
# with the tests, benchmarks and MPI into build/, and run the whole test suite. Exits
# non-zero if any step or any test fails.
# Usage: bash scripts/test.sh   (from anywhere; JOBS=N to change parallelism, default 2)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JOBS="${JOBS:-2}"

bash scripts/setup.sh --all
# PLANCAST_MPI: also test plancast under mpirun -n 1, 2, 3 (tests/scale/mpi.sh).
# PLANCAST_PYTHON: the Python module, its pytest suite and the notebook (ctest -L python).
# Tests and benchmarks are off by default (the README's first command builds only the CLI).
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPLANCAST_BUILD_TESTS=ON \
  -DPLANCAST_BUILD_BENCH=ON -DPLANCAST_MPI=ON -DPLANCAST_PYTHON=ON
cmake --build build -j"$JOBS"
ctest --test-dir build --output-on-failure -j"$JOBS"
# Fuzz smoke (issue 7, docs/reliability.md#fuzzing): builds the three libFuzzer targets with
# clang-14 under AddressSanitizer + UBSan (build-fuzz/), replays every scenario of the
# repository and the past findings through them, then fuzzes 30 s each (90 s in all).
# This is also the CI's sanitizer subset; the whole suite under ASan/TSan is by hand
# (scripts/sanitize.sh). SKIP_FUZZ=1 skips it.
if [[ "${SKIP_FUZZ:-0}" != 1 ]]; then
  bash tests/fuzz/run.sh 30
fi
