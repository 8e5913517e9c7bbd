#!/usr/bin/env bash
# Cost tests (docs/reliability.md, limits): small inputs that once took minutes, each
# written here, run under a time limit and checked for its exit code and message.
# usage: cost.sh PLANCAST WORKDIR CASE
#   variants      a 9.8 KB file with 280 one-line variants validates in < 5 s (was 253 s of CPU)
#   sets          1,000 --set options validate in < 5 s (was 35-96 s)
#   count_rate    count {rate: 1e12}: 2,000 runs in < 10 s (was 0.3 s a run, 600 s)
#   many_variants 1,001 variants are refused at once, located, exit 2
#   variant_cost  800 indicators x 300 variants: refused at once (cost cap), exit 2
#   many_sets     10,001 --set options are refused at once, exit 2
set -u
pc="$1" work="$2" case="$3"
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL ($case): $*" >&2; exit 1; }

# header INDICATORS: a valid scenario up to its variants section.
header() {
  printf 'plancast: 1\nname: many\nbase_year: 2020\nhorizon: 2030\n'
  printf 'parameters:\n  g: {dist: normal, mean: 0.05, sd: 0.01}\nindicators:\n'
  for ((i = 0; i < $1; i++)); do
    printf '  x%d: {base: 100, growth: {trend: g, noise: {sd: 0.01}}}\n' "$i"
  done
  printf 'targets:\n  - {id: t, indicator: x0, year: 2030, at_least: 150}\n'
}
# variants N: N one-line variants.
variants() {
  printf 'variants:\n'
  for ((i = 0; i < $1; i++)); do printf '  v%d: {parameters.g.mean: 0.0%d}\n' "$i" $((i % 9 + 1)); done
}
# within SECONDS CODE STDERR_REGEX CMD...: CMD ends within SECONDS with CODE, stderr matching
# STDERR_REGEX ("-": anything).
within() {
  local limit="$1" want="$2" re="$3"
  shift 3
  local t0 t1 code
  t0=$(date +%s.%N)
  timeout "$limit" "$@" >"$work/out" 2>"$work/err"
  code=$?
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "took %.3f s\n", b - a }'
  [[ $code -ne 124 ]] || fail "still running after $limit s: ${*:1:3} ..."
  [[ $code -eq $want ]] || { head -c 2000 "$work/err" >&2; fail "exit $code, expected $want"; }
  [[ "$re" == - ]] || grep -Eq -- "$re" "$work/err" || { head -c 2000 "$work/err" >&2; fail "stderr does not match /$re/"; }
}

case "$case" in
  variants)
    { header 1; variants 280; } >"$work/v.yaml"
    within 5 0 - "$pc" validate "$work/v.yaml"
    grep -q "280 variants" "$work/out" || fail "no 'ok ... 280 variants': $(cat "$work/out")" ;;
  sets)
    header 1 >"$work/s.yaml"
    args=()
    for ((i = 0; i < 1000; i++)); do args+=(--set "parameters.g.mean=0.0$((i % 9 + 1))"); done
    within 5 0 - "$pc" validate "$work/s.yaml" "${args[@]}" ;;
  count_rate)
    printf 'plancast: 1\nname: huge-rate\nbase_year: 2020\nhorizon: 2050\nindicators:\n' >"$work/c.yaml"
    printf '  n: {base: 0, count: {rate: 1e12, rate_growth: 0.01, exit: 0.03}}\n' >>"$work/c.yaml"
    within 10 0 - "$pc" run "$work/c.yaml" --runs 2000 --quiet --json "$work/c.json"
    [[ -s "$work/c.json" ]] || fail "no results written" ;;
  many_variants)
    { header 1; variants 1001; } >"$work/v.yaml"
    within 5 2 "v\.yaml:11:1: error: 1,001 variants, more than the 1,000 a scenario may have" \
      "$pc" validate "$work/v.yaml" ;;
  variant_cost)
    { header 800; variants 300; } >"$work/v.yaml"
    within 5 2 "v\.yaml:810:1: error: 300 variants of a scenario of [0-9,]+ values: .* more than the 2,000,000 allowed" \
      "$pc" validate "$work/v.yaml" ;;
  many_sets)
    header 1 >"$work/s.yaml"
    args=()
    for ((i = 0; i < 10001; i++)); do args+=(--set "parameters.g.mean=0.05"); done
    within 5 2 "^--set:10001:1: error: 10,001 --set options, more than the 10,000 allowed" \
      "$pc" validate "$work/s.yaml" "${args[@]}" ;;
  *) fail "unknown case" ;;
esac
echo "ok: $case"
