#!/usr/bin/env python3
"""The "questions" benchmark (issue 16, docs/performance.md): every question of the issue's
table asked of the bundled Jiaxing scenario, each timed.

For each command: wall time (time.perf_counter around the child), CPU time (user + sys of
the child, from os.wait4) and peak resident memory (the child's ru_maxrss), medians over
--reps repetitions, and the fastest wall time (the figure a drifting machine moves least),
the commands interleaved (rep 1 of every command, then rep 2, ...) so a
change in the machine's load touches them all alike; and runs/s where the command reports
how many runs it simulated. Prints a markdown table.

--smoke runs each command once at tiny sizes and checks only that it exits 0 and writes
valid JSON (CTest: bench_questions_smoke, label bench); no timing is asserted anywhere.

Python 3 standard library only.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCENARIO = os.path.join(HERE, "..", "scenarios", "jiaxing.yaml")
TARGET = "core_va_2025"
VARY = "parameters.core_trend.mean"


def questions(scenario, smoke, target=TARGET, vary=VARY):
    """(name, arguments, runs_of(json)) for each question. Full size: each command's own
    defaults (run and compare: the file's 100,000 runs). Smoke: tiny sizes."""
    small = (lambda *a: list(a)) if smoke else (lambda *a: [])
    return [
        ("run", ["run", scenario] + small("--runs", "2000"),
         lambda d: d["runs"]),
        ("compare (4 variants)", ["compare", scenario] + small("--runs", "1000"),
         lambda d: d["runs"] * len(d["variants"])),
        ("sensitivity --method sobol",
         ["sensitivity", scenario, "--of", target, "--method", "sobol"] + small("--runs", "100"),
         lambda d: d["runs"]),
        ("sensitivity --method tornado",
         ["sensitivity", scenario, "--of", target, "--method", "tornado"] +
         small("--runs", "100"),
         lambda d: d["runs"]),
        ("discover --target " + target, ["discover", scenario, "--target", target] +
         small("--runs", "1000"),
         lambda d: d["runs"]),
        ("run --precision 0.01", ["run", scenario, "--precision", "0.01"] +
         small("--runs", "2000"),
         lambda d: d["runs"]),
        ("solve --target %s --vary %s --probability 0.5" % (target, vary),
         ["solve", scenario, "--target", target, "--vary", vary,
          "--probability", "0.5"] + small("--runs", "500"),
         lambda d: d.get("total_runs", d["runs"] * d.get("evaluations", 1))),
    ]


def machine():
    """One line naming the CPU: its model, family and model numbers, CPU count and widest
    vector unit (Linux's /proc/cpuinfo; the platform's name elsewhere). Figures measured in
    different sessions are comparable only on the same machine: this says which one it was."""
    info = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                info.setdefault(key.strip(), value.strip())
    except OSError:
        return "machine: %s, %d CPUs" % (platform.processor() or platform.machine(),
                                         os.cpu_count() or 1)
    flags = set(info.get("flags", "").split())
    widest = next((name for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"),
                                           ("sse4_2", "SSE4.2")) if flag in flags), "none named")
    return "machine: %s (family %s, model %s), %d CPUs, widest vector unit %s" % (
        info.get("model name", "?"), info.get("cpu family", "?"), info.get("model", "?"),
        os.cpu_count() or 1, widest)


def time_child(argv):
    """Runs argv; returns (exit status, wall s, user+sys s, peak RSS bytes, stderr text)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return child.returncode, wall, cpu, usage.ru_maxrss * 1024, text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plancast", action="append",
                    help="a plancast executable (default build/plancast); give it more than "
                         "once to time several side by side, interleaved, one table each")
    ap.add_argument("--scenario", default=DEFAULT_SCENARIO, help="the scenario file")
    ap.add_argument("--threads", type=int, default=2, help="--threads of every command")
    ap.add_argument("--reps", type=int, default=3, help="repetitions (medians are reported)")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny sizes, one repetition; check exit 0 and valid JSON only")
    ap.add_argument("--target", default=TARGET, help="the target the analyses ask about")
    ap.add_argument("--vary", default=VARY, help="the input solve varies")
    ap.add_argument("--only", default="",
                    help="comma-separated substrings: keep the questions whose name has one")
    args = ap.parse_args()
    binaries = args.plancast or ["build/plancast"]
    reps = 1 if args.smoke else max(1, args.reps)
    qs = questions(os.path.abspath(args.scenario), args.smoke, args.target, args.vary)
    if args.only:
        keep = [s for s in args.only.split(",") if s]
        qs = [q for q in qs if any(s in q[0] for s in keep)]
    failures = []
    samples = {(b, name): [] for b in binaries for name, _, _ in qs}
    runs = {}
    with tempfile.TemporaryDirectory(prefix="plancast-questions-") as tmp:
        for rep in range(reps):
            for i, (name, cmd, runs_of), binary in [(i, q, b) for i, q in enumerate(qs)
                                                   for b in binaries]:
                out = os.path.join(tmp, "q%d.json" % i)
                if os.path.exists(out):
                    os.remove(out)
                argv = [binary] + cmd + ["--threads", str(args.threads), "--quiet",
                                                "--json", out]
                rc, wall, cpu, rss, err = time_child(argv)
                if rc != 0:
                    failures.append("%s: exit %d: %s\n  %s" % (name, rc, " ".join(argv),
                                                               err.strip()[-2000:]))
                    continue
                try:
                    with open(out, encoding="utf-8") as f:
                        doc = json.load(f)
                except (OSError, ValueError) as e:
                    failures.append("%s: no valid JSON (%s): %s" % (name, e, " ".join(argv)))
                    continue
                try:
                    runs[binary, name] = int(runs_of(doc))
                except (KeyError, TypeError, ValueError):
                    runs[binary, name] = None  # the command does not say how many runs it did
                samples[binary, name].append((wall, cpu, rss))
                print("rep %d/%d  %-40.40s %7.3f s wall  %s" % (rep + 1, reps, name, wall, binary),
                      file=sys.stderr)
    for binary in binaries:
        print("| question (%s, %d threads) | wall s | min wall s | user+sys s | peak RSS MiB | runs "
              "| runs/s |" % (os.path.basename(args.scenario), args.threads))
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, _, _ in qs:
            s = samples[binary, name]
            if not s:
                print("| `%s` | failed | | | | | |" % name)
                continue
            wall = statistics.median(x[0] for x in s)
            fastest = min(x[0] for x in s)
            cpu = statistics.median(x[1] for x in s)
            rss = statistics.median(x[2] for x in s) / 2**20
            n = runs.get((binary, name))
            rate = "%.0f" % (n / wall) if n and wall > 0 else "n/a"
            print("| `%s` | %.3f | %.3f | %.3f | %.0f | %s | %s |" %
                  (name, wall, fastest, cpu, rss, n if n is not None else "n/a", rate))
        print("\nmedians of %d (and the fastest, which a drifting machine moves least); plancast "
              "%s, scenario %s\n%s\n" %
              (reps, binary, args.scenario, machine()))
    if failures:
        print("\n".join(["FAILED:"] + failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
