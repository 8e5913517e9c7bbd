#!/usr/bin/env bash
# docs/scale-out.md, "What merge refuses": makes the shards of a small job, breaks them one
# way at a time and prints, for each case, what `plancast merge` says (scripts/docs_samples.py
# runs it for the page's sample). Usage: bash tests/docs/merge_refusals.sh [PLANCAST]
set -u
pc="$(command -v "${1:-plancast}")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 99
unset PLANCAST_SHARD_KEY
cp "$root/tests/cli/cases/small.yaml" small.yaml  # a relative path: the same bytes anywhere
shard() { "$pc" run small.yaml --runs 3000 --quiet "$@"; }
for k in 1 2 3; do shard --seed 3 --shard $k/3 --json s$k.json; done
shard --seed 4 --shard 2/3 --json seed4.json
shard --seed 3 --shard 2/2 --json half.json
edit() {  # edit FROM TO PYTHON-EXPRESSION-OF-t: a copy of FROM with its text changed
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
t = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(eval(sys.argv[3]))
PY
}
edit s2.json e2.json 't.replace("\"nonfinite\":0", "\"nonfinite\":1", 1)'
head -c 500 s1.json > t.json
truncate -s 300M big.json
edit s1.json d.json 't.replace("\"shift\":[", "\"shift\":{\"x\":[", 1).replace("],\"cells\"", "]},\"cells\"", 1)'
edit s1.json k.json 't.replace("\"seed\":3,", "\"seed\":3,\"seed\":3,", 1)'
case_() {  # case_ PROBLEM FILES...: the problem, then the first line merge prints
  local what="$1"; shift
  printf '%s\n  %s\n' "$what" "$("$pc" merge "$@" --json out.json 2>&1 | head -1)"
}
case_ "a shard missing" s1.json s3.json
case_ "a shard given twice" s1.json s2.json s2.json s3.json
case_ "another scenario or setting" s1.json seed4.json s3.json
case_ "another split" s1.json half.json
case_ "an edited file" s1.json e2.json s3.json
case_ "a broken or foreign file" t.json s2.json s3.json
case_ "a file over 256 MiB" big.json s2.json s3.json
case_ "something a shard does not have there" d.json s2.json s3.json
case_ "a key given twice" k.json s2.json s3.json
export PLANCAST_SHARD_KEY=0123456789abcdef
for k in 1 2; do shard --seed 3 --shard $k/3 --json h$k.json; done
edit h2.json x2.json 't.replace("\"nonfinite\":0", "\"nonfinite\":1", 1)'
case_ "key set, shard written without it" s1.json h2.json s3.json
case_ "key set, HMAC wrong (edited, or another key)" h1.json x2.json s3.json
PLANCAST_SHARD_KEY= case_ "key set but empty" h1.json h2.json s3.json
unset PLANCAST_SHARD_KEY
case_ "key not set, shard has an HMAC" h1.json s2.json s3.json
