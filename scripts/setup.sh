#!/usr/bin/env bash
# scripts/setup.sh: install the Debian 12 packages plancast needs.
#   bash scripts/setup.sh         what building and running plancast need (the README's
#                                 first command): compiler, CMake and the libraries
#   bash scripts/setup.sh --all   also what the tests, benchmarks, fuzzers, MPI and the
#                                 browser checks need (the README's second command)
# Idempotent: when all packages are already installed it returns at once (no apt-get
# update). Run as root (or as a user with sudo) on Debian 12 (bookworm).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

RUN_PACKAGES=(
  build-essential g++ cmake                               # toolchain (g++ 12, CMake 3.25)
  libyaml-cpp-dev                                         # scenario files (yaml-cpp 0.7)
  libeigen3-dev                                           # Cholesky of the correlation matrix
  libtbb-dev                                              # parallel blocks of runs
  libboost-program-options-dev libboost-math-dev          # CLI; quantiles of distributions
  libboost-random-dev libboost-dev                        # Sobol sequences
  libmuparser-dev                                         # formula indicators
  nlohmann-json3-dev                                      # JSON results
  libfmt-dev libutfcpp-dev                                # number text; UTF-8 width and wrap
  librandom123-dev                                        # Philox counter-based generator
  libhwy-dev                                              # SIMD Philox/ziggurat (Highway)
  libssl-dev                                              # SHA-256 of the scenario
  libxlsxwriter-dev                                       # Excel workbooks (--xlsx)
  zlib1g-dev                                              # gzip samples (--samples F.csv.gz)
)
TEST_PACKAGES=(
  ninja-build pkg-config git                              # presets, sanitizer and fuzz builds
  catch2                                                  # unit tests (Catch2 2.13)
  python3 python3-numpy                                   # benchmark and test helpers
  libbenchmark-dev                                        # micro benchmarks
  clang-format                                            # house style
  clang-14 libclang-rt-14-dev                             # libFuzzer and sanitizers (tests/fuzz)
  openmpi-bin libopenmpi-dev                              # PLANCAST_MPI (mpirun tests)
  chromium fonts-noto-cjk                                 # HTML report tests and screenshots
  tmux                                                    # progress-bar test in a terminal
  python3-openpyxl python3-yaml                           # reads the --xlsx workbooks back
  python3-pybind11 pybind11-dev python3-numpy             # the Python module (PLANCAST_PYTHON)
  python3-pandas python3-matplotlib python3-pytest        # its DataFrames, plots and tests
  python3-nbconvert python3-ipykernel                     # the worked notebook, executed
)

PACKAGES=("${RUN_PACKAGES[@]}")
case "${1:-}" in
  "") ;;
  --all) PACKAGES+=("${TEST_PACKAGES[@]}") ;;
  *)
    echo "usage: bash scripts/setup.sh [--all]" >&2
    exit 2
    ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -E)
  else
    echo "setup.sh: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 1
  fi
fi

echo "setup.sh: installing ${missing[*]}"
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"
echo "setup.sh: done"
