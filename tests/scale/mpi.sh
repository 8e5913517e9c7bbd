#!/usr/bin/env bash
# Under mpirun -n 1, 2 and 3, plancast's outputs are byte-identical to the single-process
# run (issue 8): run (JSON and CSV), compare, sensitivity, solve, discover and run --shard;
# a bad input fails once, with exit 2, on every rank count.
# Usage: mpi.sh MPIRUN PLANCAST OUTDIR SOURCE_DIR
set -euo pipefail
MPIRUN=$1 PC=$2 OUT=$3 SRC=$4
rm -rf "$OUT" && mkdir -p "$OUT" && cd "$OUT"
fail() { echo "FAIL: $*" >&2; exit 1; }
# CI runs as root in a container: allow root, more ranks than cores, and shared memory
# without the single-copy mechanism (needs ptrace rights containers often lack).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_rmaps_base_oversubscribe=1
# More ranks than cores: a rank waiting in a collective yields instead of spinning.
export OMPI_MCA_mpi_yield_when_idle=1
mpi() {
  local n=$1
  shift
  echo "+ mpirun -n $n plancast $*" >&2
  timeout 300 "$MPIRUN" -n "$n" --oversubscribe --mca btl self,vader "$PC" "$@"
}
SMALL=$SRC/tests/cli/cases/small.yaml
ISHIGAMI=$SRC/tests/cli/cases/sens_ishigami.yaml

# name: COMMAND ARGS... (each writes --json NAME.json; run also --csv)
$PC run --runs 7000 --seed 3 --json run.json --csv run.csv --quiet
$PC compare --runs 2000 --seed 3 --json compare.json --quiet
$PC sensitivity "$ISHIGAMI" --of f@2021 --runs 2000 --seed 5 --json sobol.json --quiet
$PC sensitivity "$ISHIGAMI" --of f_high --method tornado --runs 1000 --json tornado.json --quiet
$PC solve "$SMALL" --target gdp_2025 --vary parameters.trend.mean --probability 0.5 \
  --runs 3000 --json solve.json --quiet
$PC discover --target core_va_2025 --runs 2000 --json discover.json --quiet
for n in 1 2 3; do
  mpi "$n" run --runs 7000 --seed 3 --threads 1 --json "run_$n.json" --csv "run_$n.csv" --quiet
  cmp run.json "run_$n.json" || fail "run, $n ranks: JSON differs"
  cmp run.csv "run_$n.csv" || fail "run, $n ranks: CSV differs"
  mpi "$n" compare --runs 2000 --seed 3 --threads 1 --json "compare_$n.json" --quiet
  cmp compare.json "compare_$n.json" || fail "compare, $n ranks: differs"
  mpi "$n" sensitivity "$ISHIGAMI" --of f@2021 --runs 2000 --seed 5 --threads 1 \
    --json "sobol_$n.json" --quiet
  cmp sobol.json "sobol_$n.json" || fail "sensitivity sobol, $n ranks: differs"
  echo "$n ranks: run, compare, sensitivity = single process"
done
mpi 3 sensitivity "$ISHIGAMI" --of f_high --method tornado --runs 1000 --json tornado_3.json --quiet
cmp tornado.json tornado_3.json || fail "sensitivity tornado, 3 ranks: differs"
mpi 3 solve "$SMALL" --target gdp_2025 --vary parameters.trend.mean --probability 0.5 \
  --runs 3000 --json solve_3.json --quiet
cmp solve.json solve_3.json || fail "solve, 3 ranks: differs"
mpi 2 discover --target core_va_2025 --runs 2000 --json discover_2.json --quiet
cmp discover.json discover_2.json || fail "discover, 2 ranks: differs"
echo "3 ranks: tornado, solve; 2 ranks: discover = single process"

# The summary is printed once (by rank 0).
$PC run --runs 3000 --seed 3 > summary.txt
mpi 3 run --runs 3000 --seed 3 > summary_3.txt
cmp summary.txt summary_3.txt || fail "summary under 3 ranks differs (printed more than once?)"

# Shards computed by 2 and 3 ranks each merge to the single run.
mpi 2 run --runs 7000 --seed 3 --shard 1/2 --json shard1.json --quiet
mpi 3 run --runs 7000 --seed 3 --shard 2/2 --json shard2.json --quiet
$PC merge shard2.json shard1.json --json merged.json --quiet
cmp run.json merged.json || fail "shards made under mpirun: merge differs"
echo "shards made by 2 and 3 ranks merge to the single run"

# Bad input: exit 2, the located error once, no file.
rc=0
mpi 3 run "$SRC/scenarios/invalid/nan.yaml" --json bad.json > bad.out 2> bad.err || rc=$?
[[ $rc == 2 ]] || fail "bad input under 3 ranks: exit $rc, expected 2"
[[ $(grep -c "nan\.yaml:[0-9]*:[0-9]*: error: " bad.err) == 1 ]] ||
  fail "bad input under 3 ranks: expected the error once, got: $(cat bad.err)"
[[ ! -e bad.json ]] || fail "bad input under 3 ranks wrote bad.json"
echo "bad input under 3 ranks: exit 2, one located error, no file"
