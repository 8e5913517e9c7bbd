#!/usr/bin/env python3
"""Variance of estimates over repeated seeds at equal runs, mc vs lhs vs sobol (docs/samplers.md)."""
# Usage: python3 bench/variance_reduction.py [--plancast build/plancast] [--seeds 40]
#        [--runs 4096] [--threads 0] [--bundled] [--json FILE]
# For each case it runs `plancast run CASE.yaml --sampler S --seed K --runs N --json -` for
# K = 1..seeds and reports, per output, Var_mc / Var_S of the estimate across seeds (how
# many times more mc runs would give the same precision). Pure standard library.

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile


def one_growth(name, growth):
    """A scenario of one log-growth indicator whose trend is one normal parameter."""
    return f"""plancast: 1
name: {name}
base_year: 2020
horizon: 2030
parameters:
  trend: {{dist: normal, mean: 0.05, sd: 0.02}}
indicators:
  x:
    base: 100
    growth: {{{growth}, form: log}}
targets:
  - {{id: x_170, indicator: x, year: 2030, at_least: 170}}
"""


SMOOTH = one_growth("smooth", "trend: trend")
NOISY = one_growth("noisy", "trend: trend, noise: {sd: 0.03}")

THREE = """plancast: 1
name: three
base_year: 2020
horizon: 2030
parameters:
  g1: {dist: normal, mean: 0.05, sd: 0.02}
  g2: {dist: uniform, min: 0.02, max: 0.08}
  share: {dist: triangular, min: 0.3, mode: 0.4, max: 0.6}
correlations:
  - [g1, g2, 0.4]
indicators:
  a:
    base: 100
    growth: {trend: g1, form: log}
  b:
    base: 80
    growth: {trend: g2, form: log}
  x:
    formula: share * a + (1 - share) * b
targets:
  - {id: x_170, indicator: x, year: 2030, at_least: 170}
"""

SAMPLERS = ("mc", "lhs", "sobol")


def run_once(plancast, path, sampler, seed, runs, threads):
    """One run; path None runs the bundled scenario."""
    cmd = [plancast, "run"] + ([path] if path else []) + [
        "--sampler", sampler, "--seed", str(seed), "--runs", str(runs), "--json", "-",
        "--quiet"]
    if threads:
        cmd += ["--threads", str(threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def estimates(result, indicator, target_index):
    """The mean of the indicator in the last year and the target's probability."""
    mean = result["indicators"][indicator]["mean"][-1]
    prob = result["targets"][target_index]["probability"]
    return mean, prob


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plancast", default=os.path.join("build", "plancast"))
    ap.add_argument("--seeds", type=int, default=40)
    ap.add_argument("--runs", type=int, default=4096)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--bundled", action="store_true",
                    help="also the bundled Jiaxing scenario (first indicator, first target)")
    ap.add_argument("--json", help="write the table as JSON to this file")
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for name, text, ind in (("smooth (1 parameter, no noise)", SMOOTH, "x"),
                                ("noisy (1 parameter, noise sd 0.03)", NOISY, "x"),
                                ("three parameters, correlated, no noise", THREE, "x")):
            path = os.path.join(tmp, name.split()[0] + ".yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            cases.append((name, path, ind, 0))
        if args.bundled:
            cases.append(("bundled Jiaxing", None, None, 0))

        for name, path, ind, tgt in cases:
            per = {}
            for s in SAMPLERS:
                means, probs = [], []
                for k in range(1, args.seeds + 1):
                    res = run_once(args.plancast, path, s, k, args.runs, args.threads)
                    indicator = ind or next(iter(res["indicators"]))
                    m, p = estimates(res, indicator, tgt)
                    means.append(m)
                    probs.append(p)
                per[s] = (statistics.variance(means), statistics.variance(probs),
                          statistics.fmean(means), statistics.fmean(probs))
            label_ind = ind or "first indicator"
            for s in ("lhs", "sobol"):
                rows.append({
                    "case": name, "sampler": s,
                    "mean_ratio": ratio(per["mc"][0], per[s][0]),
                    "probability_ratio": ratio(per["mc"][1], per[s][1]),
                    "indicator": label_ind,
                    "mc_mean": per["mc"][2], "mc_probability": per["mc"][3],
                })

    print(f"Var(mc) / Var(sampler) over {args.seeds} seeds x {args.runs} runs "
          f"(mean of the indicator in the last year; probability of the first target)")
    print(f"{'case':42} {'sampler':8} {'mean':>10} {'probability':>12}")
    for r in rows:
        print(f"{r['case']:42} {r['sampler']:8} {fmt(r['mean_ratio']):>10} "
              f"{fmt(r['probability_ratio']):>12}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"seeds": args.seeds, "runs": args.runs, "rows": rows}, f, indent=1)
    return 0


def ratio(a, b):
    if b == 0:
        return math.inf if a > 0 else math.nan
    return a / b


def fmt(x):
    if math.isinf(x) or math.isnan(x):
        return str(x)
    return f"{x:.3g}"


if __name__ == "__main__":
    sys.exit(main())
