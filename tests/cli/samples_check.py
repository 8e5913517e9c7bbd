#!/usr/bin/env python3
"""Checks of `plancast run --samples` (tests/cli/CMakeLists.txt, cli.samples_*).

usage: samples_check.py MODE PLANCAST SCENARIO OUTDIR
  content  the header, the rows and their agreement with the run's own JSON: each target
           column's share of 1s is the reported probability exactly, each event column
           sums to the event's runs on, each indicator column's mean is the JSON mean
           (to 1e-12: the JSON's mean is an exact sum rounded once, the check's fsum too);
           the JSON is byte-identical to a run without --samples
  threads  --threads 1, 2 and 4 give the same bytes, .csv and .csv.gz; the .gz
           decompresses to the .csv
  shards   run --shard K/N --samples for N = 3 and 8 (some shards empty), merged in a
           shuffled order: the same bytes as the unsharded file, .csv and .csv.gz; a
           missing part is refused (exit 2, nothing written)
"""
import csv
import gzip
import json
import math
import os
import subprocess
import sys


def run(pc, *args, code=0):
    p = subprocess.run([pc, *args], capture_output=True, text=True)
    if p.returncode != code:
        sys.exit(f"{' '.join(args)}: exit {p.returncode}, expected {code}\n{p.stderr}")
    return p


def read(path):
    with open(path, "rb") as f:
        return f.read()


def content(pc, scenario, out):
    samples, js, plain = (os.path.join(out, n) for n in ("c.csv", "c.json", "plain.json"))
    run(pc, "run", scenario, "--samples", samples, "--json", js, "-q", "--threads", "2")
    run(pc, "run", scenario, "--json", plain, "-q")
    assert read(js) == read(plain), "--samples changed the JSON results"
    res = json.load(open(js))
    rows = list(csv.reader(open(samples, newline="")))
    header, body = rows[0], rows[1:]
    expected = (["run", "trend", "crisis_chance", "event:crisis"] +
                [f"{o}@{y}" for o in ("gdp", "late", "ratio") for y in res["report_years"]] +
                ["target:gdp_2026", "target:ratio_by_2026"])
    assert header == expected, f"header {header}"
    n = res["runs"]
    assert len(body) == n, f"{len(body)} rows for {n} runs"
    col = {name: [r[i] for r in body] for i, name in enumerate(header)}
    assert col["run"] == [str(i) for i in range(n)], "runs not 0, 1, 2, ..."
    for t in res["targets"]:
        hits = col["target:" + t["id"]]
        assert set(hits) <= {"0", "1"}, t["id"]
        k = hits.count("1")
        assert k == t["hits"] and k / n == t["probability"], (t["id"], k, t["probability"])
    for name, ev in res["events"].items():
        years = [int(v) for v in col["event:" + name]]
        assert sum(years) == sum(ev["runs"]), (name, sum(years), sum(ev["runs"]))
        assert 0 < sum(years) < n * (len(res["years"]) - 1)
    years = res["years"]
    for name, ind in res["indicators"].items():
        for y in res["report_years"]:
            cells = col[f"{name}@{y}"]
            mean = ind["mean"][years.index(y)]
            if mean is None:  # absent that year (a later vintage): every cell empty
                assert set(cells) == {""}, (name, y)
                continue
            values = [float(v) for v in cells]
            got = math.fsum(values) / n
            assert abs(got - mean) <= 1e-12 * abs(mean), (name, y, got, mean)
            assert min(values) == ind["min"][years.index(y)], (name, y)
            assert max(values) == ind["max"][years.index(y)], (name, y)
    # The text is the shortest round trip of each double.
    for v in col["trend"][:50]:
        assert repr(float(v)) == v or repr(float(v)) == v + ".0", v


def threads(pc, scenario, out):
    for ext in ("csv", "csv.gz"):
        files = []
        for t in ("1", "2", "4"):
            f = os.path.join(out, f"t{t}.{ext}")
            run(pc, "run", scenario, "--runs", "3000", "--samples", f, "--threads", t, "-q")
            files.append(read(f))
        assert files[0] == files[1] == files[2], f".{ext} differs between threads"
    plain = read(os.path.join(out, "t1.csv"))
    assert gzip.decompress(read(os.path.join(out, "t1.csv.gz"))) == plain
    assert plain.count(b"\n") == 3001


def shards(pc, scenario, out):
    for ext in ("csv", "csv.gz"):
        whole = os.path.join(out, f"whole.{ext}")
        run(pc, "run", scenario, "--samples", whole, "-q")
        for n in (3, 8):
            parts, jsons = [], []
            for k in range(1, n + 1):
                p, j = (os.path.join(out, f"s{k}of{n}.{e}") for e in (ext, "json"))
                run(pc, "run", scenario, "--shard", f"{k}/{n}", "--json", j, "--samples", p, "-q")
                parts.append(p)
                jsons.append(j)
            merged = os.path.join(out, f"merged{n}.{ext}")
            order = parts[::-1][1:] + parts[-1:]  # any order
            run(pc, "merge", *jsons, *order, "--samples", merged, "-q")
            assert read(merged) == read(whole), f"{n} shards merged differ (.{ext})"
            run(pc, "merge", *order, "--samples", merged + ".alone." + ext, "-q")
            assert read(merged + ".alone." + ext) == read(whole)
            missing = os.path.join(out, f"missing{n}.{ext}")
            p = run(pc, "merge", *jsons, *parts[:-2], parts[-1], "--samples", missing, "-q",
                    code=2)
            assert "samples files" in p.stderr, p.stderr
            assert not os.path.exists(missing), "a refused merge wrote its file"


if __name__ == "__main__":
    mode, pc, scenario, out = sys.argv[1:5]
    os.makedirs(out, exist_ok=True)
    {"content": content, "threads": threads, "shards": shards}[mode](pc, scenario, out)
    print("ok")
