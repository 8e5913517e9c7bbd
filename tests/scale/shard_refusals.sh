#!/usr/bin/env bash
# plancast merge refuses, with exit 2, a clear message and no output file: missing shards,
# a shard given twice, shards of other settings (seed, variant, runs, split), edited or
# broken files. Usage: shard_refusals.sh PLANCAST OUTDIR
set -euo pipefail
PC=$1 OUT=$2
rm -rf "$OUT" && mkdir -p "$OUT" && cd "$OUT"
fail() { echo "FAIL: $*" >&2; exit 1; }
job=(run --runs 3000 --seed 3 --quiet)
for k in 1 2 3; do $PC "${job[@]}" --shard "$k/3" --json "s$k.json"; done
$PC run --runs 3000 --seed 4 --quiet --shard 2/3 --json seed4.json
$PC run --runs 3000 --seed 3 --variant as_published --quiet --shard 2/3 --json variant.json
$PC run --runs 4000 --seed 3 --quiet --shard 2/3 --json runs4000.json
$PC run --runs 3000 --seed 3 --quiet --shard 2/2 --json half.json
sed 's/"target_hits":\[/"target_hits":[1/' s2.json > counts_edited.json
sed 's/"seed":3,/"seed":5,/' s2.json > seed_edited.json
head -c 500 s2.json > truncated.json
printf '{"format": "plancast-shard", "format_version": 99}\n' > future.json
printf '{"results": 1}\n' > other.json

# refused EXPECTED_STDERR_REGEX SHARD...
refused() {
  local want=$1
  shift
  local rc=0
  rm -f out.json
  $PC merge "$@" --json out.json 2> err.txt || rc=$?
  [[ $rc == 2 ]] || fail "merge $*: exit $rc, expected 2 ($(cat err.txt))"
  grep -Eq -- "$want" err.txt || fail "merge $*: stderr '$(cat err.txt)' lacks /$want/"
  [[ ! -e out.json ]] || fail "merge $*: wrote out.json"
  echo "refused: merge $* -> $(head -n 1 err.txt)"
}
refused "shards missing: 2/3 \(given: 1/3, 3/3\)" s1.json s3.json
refused "^s2\.json: error: shard 2/3 given twice \(also s2\.json\)" s1.json s2.json s3.json s2.json
refused "^seed4\.json: error: shard of a different job than s1\.json: seed 4, not 3" \
  s1.json seed4.json s3.json
refused "^variant\.json: error: .*variant 'as_published', not the base" s1.json variant.json s3.json
refused "^runs4000\.json: error: .*4000 runs, not 3000" s1.json runs4000.json s3.json
refused "^half\.json: error: shard 2/2 of a split in 2, but s1\.json is of a split in 3" \
  s1.json half.json s3.json
refused "^counts_edited\.json: error: .*state_sha256 does not match" s1.json counts_edited.json s3.json
refused "^seed_edited\.json: error: .*job_hash does not match" s1.json seed_edited.json s3.json
refused "^truncated\.json:1:[0-9]+: error: not a plancast shard file \(JSON" s1.json truncated.json
refused "^future\.json: error: shard format version 99; this plancast reads 2" future.json
refused "^other\.json: error: not a plancast shard file" other.json
refused "^missing\.json: error: cannot read the shard file" missing.json s2.json s3.json
# Usage errors of --shard and merge.
usage() {
  local want=$1
  shift
  local rc=0
  $PC "$@" 2> err.txt || rc=$?
  [[ $rc == 2 ]] || fail "$*: exit $rc, expected 2"
  grep -Eq -- "$want" err.txt || fail "$*: stderr '$(cat err.txt)' lacks /$want/"
  echo "usage error: $* -> $(head -n 1 err.txt)"
}
usage "--shard: '3' is not K/N" run --shard 3 --json x.json
usage "--shard: 4/3 is out of range" run --shard 4/3 --json x.json
usage "--shard: 0/3 is out of range" run --shard 0/3 --json x.json
usage "--shard needs --json F" run --shard 1/3
usage "--shard cannot be used with --csv" run --shard 1/3 --json x.json --csv x.csv
usage "merge needs SHARD files" merge --json x.json
usage "also a SHARD to read" merge s1.json s2.json s3.json --json s1.json
[[ ! -e x.json ]] || fail "a usage error wrote x.json"
