#!/usr/bin/python3
"""The benchmark model (bench/scenarios/growth12.yaml) in numpy, as a careful user would write
it: vectorised over runs, every value kept, np.quantile at the end.

Usage: /usr/bin/python3 bench/numpy_growth12.py RUNS [--json OUT]
Writes the same summaries as plancast's JSON (target probabilities, quantiles per indicator
and year) so that bench/e2e.py can check that the two agree within Monte Carlo error.
"""
import argparse
import json
import sys
import time

import numpy as np

K = 12
BASE_YEAR, HORIZON = 2020, 2035
YEARS = HORIZON - BASE_YEAR + 1  # 16 values per series, the base year included
NOISE_SD, PERSISTENCE = 0.03, 0.3
LEVELS = [0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99]
NAMES = [f"g{k}" for k in range(K)] + ["share01", "total", "ratio"]


def simulate(runs, seed=12345):
    rng = np.random.default_rng(seed)
    mean = 0.03 + 0.005 * np.arange(K)
    corr = np.eye(K)
    for a, b, rho in [(0, 1, 0.6), (0, 2, 0.3), (1, 2, 0.4), (3, 4, -0.2)]:
        corr[a, b] = corr[b, a] = rho
    chol = np.linalg.cholesky(corr)
    trend = mean[:, None] + 0.02 * (chol @ rng.standard_normal((K, runs)))  # (K, runs)

    values = np.empty((len(NAMES), YEARS, runs))  # every value kept: series, year, run
    x = np.repeat((100.0 + 10.0 * np.arange(K))[:, None], runs, axis=1)
    eps = np.zeros((K, runs))
    innov = NOISE_SD * np.sqrt(1.0 - PERSISTENCE**2)
    for t in range(YEARS):
        if t > 0:
            z = rng.standard_normal((K, runs))
            eps = NOISE_SD * z if t == 1 else PERSISTENCE * eps + innov * z
            x = x * (1.0 + np.maximum(trend + eps, -1.0))
        values[:K, t] = x
        values[K, t] = 100.0 * x[0] / (x[0] + x[1])
        values[K + 1, t] = x.sum(axis=0)
        values[K + 2, t] = x[11] / x[0]
    return values


def summarise(values):
    """What the user wants from the runs: target probabilities and quantiles."""
    runs = values.shape[2]
    idx = {n: i for i, n in enumerate(NAMES)}
    t = lambda year: year - BASE_YEAR  # noqa: E731
    p = {
        "g0_2025": float(np.mean(values[idx["g0"], t(2025)] >= 120)),
        "share_2030": float(np.mean(values[idx["share01"], t(2030)] >= 48)),
        "total_2035": float(np.mean(values[idx["total"], t(2035)] >= 5000)),
        # `by: true`: reached in any year up to 2035, the base year included.
        "ratio_2035": float(np.mean(np.any(values[idx["ratio"], : t(2035) + 1] <= 4, axis=0))),
    }
    # plancast's quantile is the value of rank floor(q (n - 1)): numpy's method "lower".
    q = np.quantile(values, LEVELS, axis=2, method="lower")  # (levels, series, years)
    return {
        "runs": runs,
        "targets": p,
        "quantiles": {n: q[:, i, :].tolist() for i, n in enumerate(NAMES)},
    }


def bands(values):
    """For the agreement check only (not timed): a 5-sigma Monte Carlo band around each
    quantile, for comparing with another independent sample of the same size: the sample
    quantiles at levels q -/+ d, d = 5 sqrt(2 q (1 - q) / n) (two samples' sd of the
    empirical CDF at the quantile)."""
    runs = values.shape[2]
    d = [5.0 * np.sqrt(2.0 * lv * (1.0 - lv) / runs) for lv in LEVELS]
    lo = np.quantile(values, [max(0.0, lv - e) for lv, e in zip(LEVELS, d)], axis=2,
                     method="lower")
    hi = np.quantile(values, [min(1.0, lv + e) for lv, e in zip(LEVELS, d)], axis=2,
                     method="higher")
    return {
        "band_lo": {n: lo[:, i, :].tolist() for i, n in enumerate(NAMES)},
        "band_hi": {n: hi[:, i, :].tolist() for i, n in enumerate(NAMES)},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("runs", type=int)
    ap.add_argument("--json")
    args = ap.parse_args()
    t0 = time.perf_counter()
    values = simulate(args.runs)
    out = summarise(values)
    out["seconds"] = time.perf_counter() - t0  # the model and its summaries, as timed
    if args.json:
        out.update(bands(values))
        with open(args.json, "w") as f:
            json.dump(out, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
