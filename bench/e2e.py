#!/usr/bin/env python3
"""End-to-end speed of plancast on bench/scenarios/growth12.yaml.

Prints, for each (runs, threads): the median wall time of --reps repetitions, runs/s,
ns per indicator-year step (wall time / (runs x series x simulated years)) and peak RSS.
Usage: python3 bench/e2e.py [--plancast build/plancast] [--runs 1000000] [--threads 1,2]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "scenarios", "growth12.yaml")
SERIES = 15  # 12 growth indicators + 3 formulas
YEARS = 15   # 2021..2035 simulated (2020 is the base year)


def one_run(plancast, runs, threads):
    t0 = time.perf_counter()
    proc = subprocess.Popen([plancast, "run", SCENARIO, "--runs", str(runs), "--threads",
                             str(threads), "--quiet", "--json", os.devnull])
    # wait4 gives this child's own resource usage (ru_maxrss in KiB on Linux).
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"plancast failed with exit code {proc.returncode}")
    return wall, usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plancast", default=os.path.join(HERE, "..", "build", "plancast"))
    ap.add_argument("--runs", default="1000000")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    print(f"{'runs':>10} {'threads':>7} {'wall s':>8} {'runs/s':>12} {'ns/step':>8} {'RSS MB':>7}")
    for runs in [int(r) for r in args.runs.split(",")]:
        for threads in [int(t) for t in args.threads.split(",")]:
            walls, rss = [], 0
            for _ in range(args.reps):
                w, r = one_run(args.plancast, runs, threads)
                walls.append(w)
                rss = max(rss, r)
            wall = statistics.median(walls)
            ns = wall * 1e9 / (runs * SERIES * YEARS)
            print(f"{runs:>10} {threads:>7} {wall:>8.3f} {runs / wall:>12.0f} {ns:>8.2f} "
                  f"{rss / 1024:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
