#!/usr/bin/env bash
# plancast merge refuses, with exit 2, a clear message and no output file: missing shards,
# a shard given twice, shards of other settings (seed, variant, runs, split), edited or
# broken files; hostile files (deep nesting, oversize, /dev/zero, duplicate keys); shards
# whose contents are impossible although their checksum was recomputed (forge.py); and the
# HMAC under PLANCAST_SHARD_KEY (issue 13). KEEP_GOING=1 reports every failing case
# instead of stopping at the first, and FORGE="--sorted" makes forge.py write format 2's
# checksum: together they show what a plancast before issue 13 lets through.
# Usage: shard_refusals.sh PLANCAST OUTDIR SOURCE_DIR
set -euo pipefail
PC=$1 OUT=$2 SRC=$3
rm -rf "$OUT" && mkdir -p "$OUT" && cd "$OUT"
failures=0
fail() {
  echo "FAIL: $*" >&2
  [[ -n "${KEEP_GOING:-}" ]] || exit 1
  failures=$((failures + 1))
}
unset PLANCAST_SHARD_KEY
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
# (In a subshell limited to 4 GB of address space and 60 s: an older plancast reading
# /dev/zero or a huge file fails instead of taking the machine's memory. NO_ULIMIT=1 for
# a sanitizer build, which reserves more address space than that.)
refused() {
  local want=$1
  shift
  local rc=0
  rm -f out.json
  (if [[ -z "${NO_ULIMIT:-}" && -z "${ASAN_OPTIONS:-}" ]]; then ulimit -v 4000000; fi
    exec timeout 60 $PC merge "$@" --json out.json) 2> err.txt || rc=$?
  [[ $rc == 2 ]] || fail "merge $*: exit $rc, expected 2 ($(head -c 300 err.txt))"
  grep -Eq -- "$want" err.txt || fail "merge $*: stderr '$(head -c 300 err.txt)' lacks /$want/"
  [[ ! -e out.json ]] || fail "merge $*: wrote out.json"
  echo "refused: merge $(echo "$@" | cut -c 1-60) -> $(head -c 200 err.txt | head -n 1)"
}
refused "shards missing: 2/3 \(given: 1/3, 3/3\)" s1.json s3.json
refused "^s2\.json: error: shard 2/3 given twice \(also s2\.json\)" s1.json s2.json s3.json s2.json
refused "^seed4\.json: error: shard of a different job than s1\.json: seed 4, not 3" \
  s1.json seed4.json s3.json
refused "^variant\.json: error: .*variant 'as_published', not the base" s1.json variant.json s3.json
refused "^runs4000\.json: error: .*4000 runs, not 3000" s1.json runs4000.json s3.json
refused "^half\.json: error: shard 2/2 of a split in 2, but s1\.json is of a split in 3" \
  s1.json half.json s3.json
refused "^counts_edited\.json:1:[0-9]+: error: .*state_sha256 does not match" s1.json \
  counts_edited.json s3.json
refused "^seed_edited\.json:1:[0-9]+: error: .*job_hash does not match" s1.json seed_edited.json \
  s3.json
refused "^truncated\.json:1:[0-9]+: error: not a plancast shard file \(JSON" s1.json truncated.json
refused "^future\.json:1:48: error: shard format version 99; this plancast reads 5" future.json
refused "^other\.json:1:2: error: not a plancast shard file \(\"results\" is not part of a shard\)" \
  other.json
refused "^missing\.json: error: cannot read the shard file" missing.json s2.json s3.json

# Hostile files (issue 13, defect 1). A real shard whose state is 100,000 nested arrays
# (200 KB): once a crash (SIGSEGV) in the checksum's recursive re-serialisation; now
# refused at its first '[', where a shard has an object (and in any case at the 9th
# level of nesting: tests/fuzz/regressions/fuzz_shard/deep_state.json, test_shard.cpp).
python3 - s2.json deep.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["state"] = "STATE"
text = json.dumps(d).replace('"STATE"', "[" * 100000 + "]" * 100000)
open(sys.argv[2], "w").write(text)
PY
refused "^deep\.json:1:[0-9]+: error: not a valid plancast shard file \(an array where a shard has an object\)" \
  deep.json s2.json
# Larger than the 256 MiB limit: a (sparse) regular file is refused before reading; a pipe
# and a FIFO that never end are read only up to the limit; /dev/zero stops at its first byte.
truncate -s 300M huge.json
refused "^huge\.json: error: the file is larger than a shard file may be \(314572800 bytes; at most 256 MiB\)" \
  huge.json
rm -f huge.json
refused "^/dev/stdin: error: the file is larger than a shard file may be \(more than 256 MiB\)" \
  /dev/stdin < <(yes '{"format": "plancast-shard"}')
mkfifo endless.fifo
(yes ' ' > endless.fifo 2> /dev/null || true) &
refused "^endless\.fifo: error: the file is larger than a shard file may be" endless.fifo
wait
refused "^/dev/zero:1:1: error: not a plancast shard file \(a NUL byte" /dev/zero
refused "^\.: error: cannot read the shard file \(it is a folder\)" .

# A number beyond the range of a double (found by fuzz_shard): once exit 1 with the JSON
# library's message, now a located refusal.
sed 's/"runs":3000,/"runs":1e400,/' s2.json > number_overflow.json
refused "^number_overflow\.json:1:[0-9]+: error: not a plancast shard file \(number overflow parsing '1e400'\)" \
  s1.json number_overflow.json s3.json

# Impossible contents with the checksum recomputed (issue 13, defect 8): forge.py edits a
# real shard of tests/scale/forged.yaml and writes a fresh state_sha256, so only plancast's
# content checks can refuse it. Cell c is indicator c / 6, year 2020 + c % 6 (gdp, gap,
# odd, never); target 0 is gdp_2025, target 1 gdp_by_2025 (first_reach[6..11]).
F=$SRC/tests/scale/forged.yaml
$PC run "$F" --shard 1/2 --json f1.json --quiet
$PC run "$F" --shard 2/2 --json f2.json --quiet
$PC run "$F" --json f_single.json --quiet
forged() {  # forged NAME EXPECTED_STDERR_REGEX FORGE_ARGS...
  local name=$1 want=$2
  shift 2
  python3 "$SRC/tests/scale/forge.py" f1.json "$name.json" ${FORGE:-} "$@"
  refused "^$name\.json:[0-9]+:[0-9]+: error: .*$want" "$name.json" f2.json
}
# The forger itself is faithful: an unedited re-forge merges to the single run's results.
python3 "$SRC/tests/scale/forge.py" f1.json f1_again.json ${FORGE:-}
$PC merge f1_again.json f2.json --json f_merged.json --quiet || fail "forge.py's checksum differs"
cmp f_single.json f_merged.json || fail "forge.py without edits changed the results"
forged reach_1e18 "first_reach/9: 1000000000000000000 is more than the shard's runs \(1024\)" \
  "s['first_reach'][9] = 10**18"
forged wrapped "cells/5/finite: 9223372036854776832 is more than the shard's runs" \
  "c = s['cells'][5]; c['finite'] += 2**63; c['nonfinite'] += 2**63; c['zero'] += 2**63"
forged min_nan "cells/5/min: 'nan' where only a finite number can occur" \
  "s['cells'][5]['min'] = 'nan'"
forged min_above_max "cells/5/min: min 0x.* is above max" \
  "c = s['cells'][5]; c['min'], c['max'] = c['max'], c['min']"
forged max_too_high "cells/5/max: the sketch's highest value is not the max" \
  "s['cells'][5]['max'] = '0x1p+20'"
forged no_finite_min "cells/23/min: not inf in a cell without finite values" \
  "s['cells'][23]['min'] = '0x1p+0'"
forged nonfinite_sum "cells/5/nonfinite: finite \(1024\) \+ nonfinite \(5\) is not the shard's 1024 runs" \
  "s['cells'][5]['nonfinite'] = 5"
forged floored "cells/3/counters/floored: 5000 is more than the shard's runs allow" \
  "s['cells'][3]['counters']['floored'] = 5000"
forged counter_elsewhere "cells/6/counters: \"counters\" is not part of a state" \
  "s['cells'][6]['counters'] = {'floored': 0}"
forged sketch_count "cells/5/zero: the sketch holds 1034 values, not the cell's 1024" \
  "s['cells'][5]['zero'] = 10"
forged mean_off "cells/5/sum: the mean it gives is not between min and max" \
  "s['cells'][5]['sum'] = {'partials': ['0x1p+40'], 'special': '0x0p+0'}"
forged special_finite "cells/5/sum/special: a finite non-zero value" \
  "s['cells'][5]['sum']['special'] = '0x1p+0'"
forged reach_sum "target_hits/1: gdp_by_2025: [0-9]+ hits, but its first-reach counts add up to" \
  "s['first_reach'][9] += 1"
forged reach_early "first_reach/3: gdp_2025 is not a 'by' target: no run reaches it first in 2023" \
  "s['first_reach'][3] = 1"
forged joint_high "joint_hits/0: [0-9]+ runs meeting all targets of the year; their hits allow" \
  "s['joint_hits'][0] = s['target_hits'][1]"
forged runs_more "runs: the shard holds 1025 runs; shard 1/2 has 1024" \
  "s['runs'] += 1; [c.update(nonfinite=c['nonfinite'] + 1) for c in s['cells']]"
forged extra_key "\"extra\" is not part of a shard's state" "s['extra'] = 1"
# Fields of the non-finite rule (docs/reliability.md, "Non-finite values"): a run is met or
# non-finite, never both; a sum's carry is at most 4 units of 2^1023 per run.
forged target_nonfinite "target_nonfinite/0: target 0: 1024 non-finite runs and [0-9]+ hits are more than" \
  "s['target_nonfinite'][0] = 1024"
forged carry "cells/5/sum/carry: 5000 is not a carry 1024 runs can make" \
  "s['cells'][5]['sum']['carry'] = 5000"
forged bucket_zero "cells/5/positive/0/1: an empty sketch bucket" \
  "b = s['cells'][5]['positive'][0]; b.insert(1, 0); b[0] -= 1"
# Duplicate keys (last one wins in nlohmann-json): a reader sees the first, plancast would
# have used the second, which the recomputed checksum covers.
forged dup_state "\\(the key \"joint_hits\" is given twice in one object\\)" \
  --dup-state 'joint_hits=[580]' "s['joint_hits'][0] = 0"
forged dup_head "\\(the key \"seed\" is given twice in one object\\)" --dup-head 'seed=99'

# The HMAC (issue 13): PLANCAST_SHARD_KEY when writing and when merging.
export PLANCAST_SHARD_KEY=correct-horse-battery-staple
$PC run "$F" --shard 1/2 --json h1.json --quiet
$PC run "$F" --shard 2/2 --json h2.json --quiet
grep -q '"shard_hmac_sha256":"[0-9a-f]\{64\}"' h1.json || fail "h1.json carries no HMAC"
! grep -q state_sha256 h1.json || fail "h1.json carries a plain checksum besides its HMAC"
$PC merge h1.json h2.json --json h_merged.json --quiet
cmp f_single.json h_merged.json || fail "HMAC shards merged to other results"
refused "^f1\.json:1:[0-9]+: error: the shard has a plain checksum, not an HMAC \(it was written without PLANCAST_SHARD_KEY\)" \
  f1.json f2.json
refused "^f2\.json:1:[0-9]+: error: the shard has a plain checksum" h1.json f2.json
python3 "$SRC/tests/scale/forge.py" h1.json h_forged.json --key wrong-key "s['joint_hits'][0] -= 1"
refused "^h_forged\.json:1:[0-9]+: error: the shard's HMAC does not match: it was edited, or written with another PLANCAST_SHARD_KEY" \
  h_forged.json h2.json
python3 "$SRC/tests/scale/forge.py" h1.json h_plain_forged.json "s['joint_hits'][0] -= 1"
refused "^h_plain_forged\.json:1:[0-9]+: error: the shard has a plain checksum" h_plain_forged.json h2.json
PLANCAST_SHARD_KEY=another-key refused "^h1\.json:1:[0-9]+: error: the shard's HMAC does not match" \
  h1.json h2.json
# The key holder can still forge (documented): forge.py with the right key is accepted.
python3 "$SRC/tests/scale/forge.py" h1.json h_keyholder.json --key "$PLANCAST_SHARD_KEY"
$PC merge h_keyholder.json h2.json --json h_kh.json --quiet || fail "forge.py's HMAC differs from plancast's"
unset PLANCAST_SHARD_KEY
refused "^h1\.json:1:[0-9]+: error: the shard is protected by an HMAC \(it was written with PLANCAST_SHARD_KEY set\): set PLANCAST_SHARD_KEY to the same key to merge it" \
  h1.json h2.json
PLANCAST_SHARD_KEY= refused "^plancast: error: PLANCAST_SHARD_KEY is set but empty" f1.json f2.json
rc=0
PLANCAST_SHARD_KEY= $PC run "$F" --shard 1/2 --json empty_key.json --quiet 2> err.txt || rc=$?
[[ $rc == 2 && ! -e empty_key.json ]] || fail "run --shard with an empty key: exit $rc"

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
[[ $failures == 0 ]] || { echo "$failures failures" >&2; exit 1; }
