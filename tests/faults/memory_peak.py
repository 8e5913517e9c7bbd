#!/usr/bin/env python3
"""The --max-memory estimate against the measured peak (docs/reliability.md, "Limits and caps").

usage: memory_peak.py PLANCAST --largest TEXT SCENARIO [RUN OPTIONS...]

Asks `plancast run SCENARIO OPTIONS --max-memory 1M` for its estimate (the refusal prints it),
checks that the largest part it names starts with TEXT, then runs `plancast run SCENARIO
OPTIONS --json F` and reads its peak resident memory (wait4's ru_maxrss). Fails unless the
estimate is within 1.5x of the peak either way.
"""
import os
import re
import subprocess
import sys
import tempfile

UNITS = {"bytes": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}


def main() -> int:
    args = sys.argv[1:]
    if len(args) < 4 or args[1] != "--largest":
        print(__doc__, file=sys.stderr)
        return 99
    plancast, largest, scenario, options = args[0], args[2], args[3], args[4:]
    refused = subprocess.run([plancast, "run", scenario, *options, "--max-memory", "1M"],
                             capture_output=True, text=True)
    m = re.search(r"run would need about ([0-9.]+) (bytes|KB|MB|GB|TB) of memory \((.*?): ",
                  refused.stderr)
    if refused.returncode != 2 or not m:
        print(f"expected a refusal with the estimate (exit 2), got exit {refused.returncode}:\n"
              f"{refused.stderr}", file=sys.stderr)
        return 1
    estimate = float(m.group(1)) * UNITS[m.group(2)]
    if not m.group(3).startswith(largest):
        print(f"the largest part is '{m.group(3)}', expected '{largest}...':\n{refused.stderr}",
              file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        proc = subprocess.Popen([plancast, "run", scenario, *options, "--quiet", "--json", out],
                                stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 or not os.path.exists(out):
            print(f"the run failed (exit {code})", file=sys.stderr)
            return 1
    peak = usage.ru_maxrss * 1024  # KiB on Linux
    ratio = estimate / peak
    print(f"{os.path.basename(scenario)} {' '.join(options)}: estimated {estimate / 2**20:.1f} MB, "
          f"peak {peak / 2**20:.1f} MB, estimate/peak {ratio:.2f} (largest part: {m.group(3)})")
    if not 1 / 1.5 <= ratio <= 1.5:
        print("FAIL: the estimate is not within 1.5x of the measured peak", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
