#!/usr/bin/python3
"""End-to-end benchmark of docs/performance.md: plancast, numpy and the floor kernel side by
side in one run, on the model of bench/scenarios/growth12.yaml.

For each implementation, run count and thread count it prints the median (over --reps
repetitions) wall time, CPU time, runs/s, ns per indicator-year step (wall time /
(runs x 15 series x 15 simulated years)) and the peak RSS; then the ratios of the
performance issue (numpy / plancast, plancast / floor, 2-thread parallel efficiency, RSS
growth with the run count) and the agreement of plancast's probabilities and quantiles with
numpy's within Monte Carlo error. Ratios are measured in this one run, so that other load on
the machine touches both sides alike; CPU times are shown too, being less sensitive to it.

Usage: /usr/bin/python3 bench/e2e.py [--plancast build/plancast] [--floor PATH]
       [--runs 1000000,4000000] [--threads 1,2] [--numpy-runs 1000000] [--reps 3]
       [--impls plancast,floor,numpy] [--smoke]
--smoke (CI): tiny sizes, no targets judged; exits 1 only if the results disagree.
numpy is Debian's python3-numpy: run this with /usr/bin/python3.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "scenarios", "growth12.yaml")
NUMPY_MODEL = os.path.join(HERE, "numpy_growth12.py")
SERIES = 15  # 12 growth indicators + 3 formulas
YEARS = 15   # 2021..2035 simulated (2020 is the base year)
ALPHA = 2e-4  # the sketch's worst-case relative error, 2 x QuantileSketch::kRelativeAccuracy (1e-4)


def timed(cmd):
    """Runs cmd; returns (wall s, CPU s (user + sys), peak RSS MB, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    # wait4 gives this child's own resource usage (ru_maxrss in KiB on Linux).
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{cmd[0]} failed with exit code {code}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def measure(kind, args, runs, threads, json_out=None):
    if kind == "plancast":
        cmd = [args.plancast, "run", SCENARIO, "--runs", str(runs), "--threads", str(threads),
               "--quiet", "--json", json_out or os.devnull]
    elif kind == "numpy":
        cmd = ["/usr/bin/python3", NUMPY_MODEL, str(runs)] + (["--json", json_out] if json_out else [])
    else:
        cmd = [args.floor, str(runs), str(threads)]
    wall, cpu, rss, _ = timed(cmd)
    if kind == "numpy" and json_out:
        # The model's own time: without the interpreter's start and the bands for the check.
        wall = json.load(open(json_out))["seconds"]
    return wall, cpu, rss


def agreement(plancast_json, numpy_json):
    """Lines describing each disagreement beyond Monte Carlo error (empty: they agree)."""
    pc, npy = json.load(open(plancast_json)), json.load(open(numpy_json))
    n1, n2 = pc["runs"], npy["runs"]
    bad, worst = [], 0.0
    for t in pc["targets"]:
        p1, p2 = t["probability"], npy["targets"][t["id"]]
        se = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) ** 0.5
        z = abs(p1 - p2) / se if se > 0 else (0.0 if p1 == p2 else float("inf"))
        worst = max(worst, z)
        if z > 5:
            bad.append(f"target {t['id']}: plancast {p1:.5f}, numpy {p2:.5f} ({z:.1f} sigma)")
    names = ["p01", "p05", "p10", "p25", "p50", "p75", "p90", "p95", "p99"]
    cells = 0
    for ind, res in pc["indicators"].items():
        for k, name in enumerate(names):
            for y, v in enumerate(res["quantiles"][name]):
                lo, hi = npy["band_lo"][ind][k][y], npy["band_hi"][ind][k][y]
                cells += 1
                # All values of this model are positive: the sketch's value lies within
                # relative error alpha of a sample quantile inside the 5-sigma band.
                if not (lo * (1 - ALPHA) * (1 - 1e-12) <= v <= hi * (1 + ALPHA) * (1 + 1e-12)):
                    bad.append(f"{ind} {name} year {2020 + y}: plancast {v:.6g} outside "
                               f"numpy's band [{lo:.6g}, {hi:.6g}] (alpha {ALPHA})")
    return bad, worst, cells


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--plancast", default=os.path.join(HERE, "..", "build", "plancast"))
    ap.add_argument("--floor", default=os.path.join(HERE, "..", "build", "bench", "plancast_floor"))
    ap.add_argument("--runs", default="1000000,4000000")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--numpy-runs", default=None,
                    help="run counts for numpy (default: the smallest of --runs)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--impls", default="plancast,floor,numpy",
                    help="which implementations to run (default: all three)")
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    runs_list = [int(r) for r in args.runs.split(",")]
    threads_list = [int(t) for t in args.threads.split(",")]
    numpy_runs = ([int(r) for r in args.numpy_runs.split(",")] if args.numpy_runs
                  else [min(runs_list)])
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")

    tmp = tempfile.mkdtemp(prefix="plancast-e2e-")
    rows = {}  # (kind, runs, threads) -> (wall, cpu, rss) medians
    print(f"{'impl':>9} {'runs':>9} {'thr':>3} {'wall s':>8} {'cpu s':>8} {'runs/s':>10} "
          f"{'ns/step':>8} {'RSS MB':>7}")
    for runs in runs_list:
        impls = args.impls.split(",")
        jobs = [(k, t) for k in ("plancast", "floor") if k in impls for t in threads_list]
        if runs in numpy_runs and "numpy" in impls:
            jobs.append(("numpy", 1))
        samples = {j: [] for j in jobs}
        # Repetitions interleaved, so that a change of load touches every implementation.
        for rep in range(args.reps):
            for kind, t in jobs:
                out = None
                if rep == 0 and kind in ("plancast", "numpy") and t == threads_list[0]:
                    out = os.path.join(tmp, f"{kind}-{runs}.json")
                samples[(kind, t)].append(measure(kind, args, runs, t, out))
        for (kind, t), s in samples.items():
            wall = statistics.median(x[0] for x in s)
            cpu = statistics.median(x[1] for x in s)
            rss = max(x[2] for x in s)
            rows[(kind, runs, t)] = (wall, cpu, rss)
            ns = wall * 1e9 / (runs * SERIES * YEARS)
            print(f"{kind:>9} {runs:>9} {t:>3} {wall:>8.3f} {cpu:>8.3f} {runs / wall:>10.0f} "
                  f"{ns:>8.2f} {rss:>7.1f}")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")

    print("\nratios (medians, measured side by side above):")
    checks = []
    for runs in runs_list:
        if ("numpy", runs, 1) in rows:
            for t in threads_list:
                r = rows[("numpy", runs, 1)][0] / rows[("plancast", runs, t)][0]
                print(f"  numpy / plancast wall, {runs} runs, plancast on {t} thread(s): {r:.2f}x")
                if t == 1:
                    checks.append((f"plancast >= 20x faster than numpy at {runs} runs (1 thread)",
                                   r >= 20))
        for t in threads_list if ("floor", runs, 1) in rows else []:
            r = rows[("plancast", runs, t)][0] / rows[("floor", runs, t)][0]
            rc = rows[("plancast", runs, t)][1] / rows[("floor", runs, t)][1]
            print(f"  plancast / floor per step, {runs} runs, {t} thread(s): {r:.2f}x wall, "
                  f"{rc:.2f}x CPU")
            if t == 1:
                checks.append((f"plancast <= 1.5x the floor per step at {runs} runs", r <= 1.5))
        if 1 in threads_list and 2 in threads_list:
            for kind in ("plancast", "floor"):
                if (kind, runs, 1) not in rows:
                    continue
                e = rows[(kind, runs, 1)][0] / (2 * rows[(kind, runs, 2)][0])
                print(f"  {kind} 2-thread parallel efficiency, {runs} runs: {e:.2f}")
                if kind == "plancast":
                    checks.append((f"2-thread efficiency >= 0.9 at {runs} runs", e >= 0.9))
    if len(runs_list) > 1:
        lo, hi = min(runs_list), max(runs_list)
        for t in threads_list:
            a, b = rows[("plancast", lo, t)][2], rows[("plancast", hi, t)][2]
            print(f"  plancast peak RSS {hi} vs {lo} runs, {t} thread(s): {b:.1f} / {a:.1f} MB "
                  f"= {b / a:.3f}")
            checks.append((f"RSS flat ({hi} within 10% of {lo} runs, {t} thr) and < 100 MB",
                           b <= 1.1 * a and b < 100))

    failed = False
    # The floor must draw exactly plancast's numbers: the sum of its runs' final values of
    # g0..g11 equals runs x the sum of plancast's 2035 means (up to summation rounding).
    if "floor" in args.impls.split(",") and "plancast" in args.impls.split(","):
        runs = min(runs_list)
        pj = os.path.join(tmp, f"plancast-{runs}.json")
        if os.path.exists(pj):
            _, _, _, out = timed([args.floor, str(runs), "1"])
            floor_sum = float(out.split()[1])
            pc = json.load(open(pj))["indicators"]
            pc_sum = runs * sum(pc[f"g{k}"]["mean"][-1] for k in range(12))
            rel = abs(floor_sum - pc_sum) / abs(pc_sum)
            same = rel < 1e-9
            print(f"\nfloor draws = plancast draws at {runs} runs: sum of final values "
                  f"{floor_sum:.10g} vs {pc_sum:.10g} (relative difference {rel:.1e}): "
                  f"{'same' if same else 'DIFFERENT'}")
            checks.append(("the floor draws plancast's random numbers", same))
            failed = failed or not same

    for runs in numpy_runs:
        pj, nj = os.path.join(tmp, f"plancast-{runs}.json"), os.path.join(tmp, f"numpy-{runs}.json")
        if not (os.path.exists(pj) and os.path.exists(nj)):
            continue
        bad, worst, cells = agreement(pj, nj)
        print(f"\nagreement at {runs} runs: 4 target probabilities (largest gap {worst:.2f} "
              f"sigma) and {cells} quantiles against numpy's 5-sigma bands: "
              f"{'agree' if not bad else f'{len(bad)} disagree'}")
        for line in bad[:20]:
            print("  " + line)
        checks.append((f"probabilities and quantiles agree with numpy at {runs} runs", not bad))
        failed = failed or bool(bad)

    if not args.smoke:
        print("\ntargets of the performance issue:")
        for what, ok in checks:
            print(f"  {'MET    ' if ok else 'NOT MET'} {what}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
