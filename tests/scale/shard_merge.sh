#!/usr/bin/env bash
# Shards merged in any order reproduce the single-process run byte for byte (issue 8):
# JSON, CSV, the summary and the report; empty shards; lhs (which stratifies over all runs);
# a variant and --set; and a shard of a job of more than 2^32 runs.
# Usage: shard_merge.sh PLANCAST OUTDIR SOURCE_DIR
set -euo pipefail
PC=$1 OUT=$2 SRC=$3
rm -rf "$OUT" && mkdir -p "$OUT" && cd "$OUT"
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The bundled scenario, 7000 runs (7 blocks) in 3 shards, each with other threads.
$PC run --runs 7000 --seed 3 --json single.json --csv single.csv --report single.html > single.txt
for k in 1 2 3; do
  $PC run --runs 7000 --seed 3 --threads "$k" --shard "$k/3" --json "s$k.json" --quiet
done
for order in "1 2 3" "3 1 2" "2 3 1" "3 2 1"; do
  files=()
  for k in $order; do files+=("s$k.json"); done
  $PC merge "${files[@]}" --json m.json --csv m.csv --report m.html > m.txt
  cmp single.json m.json || fail "order $order: JSON differs"
  cmp single.csv m.csv || fail "order $order: CSV differs"
  cmp single.html m.html || fail "order $order: report differs"
  cmp single.txt m.txt || fail "order $order: summary differs"
done
echo "bundled: 3 shards merged in 4 orders = single run (JSON, CSV, report, summary)"

# 2. A variant, --set and the lhs sampler; 5 shards of 3 blocks (two shards are empty).
SMALL=$SRC/tests/cli/cases/small.yaml
args=("$SMALL" --variant fast --set simulation.sampler=lhs --runs 700 --seed 9)
$PC run "${args[@]}" --json single2.json --quiet
for k in 1 2 3 4 5; do $PC run "${args[@]}" --shard "$k/5" --json "t$k.json" --quiet; done
grep -q '"runs":0,' t1.json || fail "shard 1/5 of 3 blocks should be empty"
$PC merge t5.json t3.json t1.json t4.json t2.json --json m2.json --quiet
cmp single2.json m2.json || fail "lhs/variant/--set: JSON differs"
$PC merge t2.json t4.json t1.json t5.json t3.json --json - > m2_stdout.json
cmp single2.json m2_stdout.json || fail "merge --json -: differs"
echo "small/lhs/variant/--set: 5 shards (2 empty) merged = single run"

# 2b. Mixed vintages (issue 17 part 3): an indicator absent in the first year; 3 shards on
#     other threads merged = the single run, absent cells and all.
VINT=$SRC/tests/cli/cases/vintage.yaml
$PC run "$VINT" --runs 1500 --json v.json --csv v.csv --report v.html > v.txt
for k in 1 2 3; do $PC run "$VINT" --runs 1500 --threads "$k" --shard "$k/3" --json "v$k.json" --quiet; done
$PC merge v3.json v1.json v2.json --json vm.json --csv vm.csv --report vm.html > vm.txt
for f in json csv html txt; do cmp "v.$f" "vm.$f" || fail "vintage: $f differs"; done
grep -q '"first_year": 2024' v.json || fail "vintage: no first_year"
echo "vintage: 3 shards merged = single run (JSON, CSV, report, summary)"

# 3. 64-bit run counts: 6,000,000,001 runs are 23,437,501 blocks of 256; the last of 10^6
#    shards holds blocks [23437477, 23437501): 23 full blocks and the last run, run indices
#    above 2^32.
$PC run "$SMALL" --runs 6000000001 --shard 1000000/1000000 --json big.json --quiet
grep -q '"runs":6000000001,' big.json || fail "runs not kept as 6000000001"
grep -q '"first_block":23437477,"last_block":23437501' big.json || fail "wrong block range"
grep -q '"runs":5889,' big.json || fail "the state should hold 23*256+1 runs"
echo "6000000001 runs: shard 1000000/1000000 holds 5889 runs of blocks 23437477..23437500"
