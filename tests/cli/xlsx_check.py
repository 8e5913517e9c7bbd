#!/usr/bin/env python3
"""--xlsx on run and compare: the workbook opens with openpyxl, its cells are numbers with
formats and equal the JSON of the same run, the same inputs give the same bytes for any
--threads, and a workbook that cannot be written leaves nothing behind.

Usage: xlsx_check.py PLANCAST SCENARIO OUTDIR
"""
import json
import os
import subprocess
import sys

import openpyxl

PC, SCENARIO, OUT, TITLED = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
os.makedirs(OUT, exist_ok=True)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(*args, expect=0):
    p = subprocess.run([PC, *args], capture_output=True, text=True)
    if p.returncode != expect:
        sys.exit(f"FAIL: {' '.join(args)}: exit {p.returncode} (expected {expect})\n{p.stderr}")
    return p


def same(a, b):
    """libxlsxwriter stores numbers to 16 significant digits (Excel keeps 15): equal to
    half a unit in the 16th digit."""
    return isinstance(a, (int, float)) and abs(a - b) <= 5e-16 * abs(b)


def rows(ws):
    """The sheet as a list of dicts keyed by the header row."""
    it = ws.iter_rows(values_only=True)
    head = next(it)
    return [dict(zip(head, r)) for r in it]


# ---- run ----------------------------------------------------------------------------------
x1, x2, js = (os.path.join(OUT, n) for n in ("run1.xlsx", "run2.xlsx", "run.json"))
run("run", SCENARIO, "--runs", "3000", "--threads", "1", "--quiet", "--xlsx", x1, "--json", js)
run("run", SCENARIO, "--runs", "3000", "--threads", "2", "--quiet", "--xlsx", x2)
check(open(x1, "rb").read() == open(x2, "rb").read(), "run workbook bytes differ by --threads")
res = json.load(open(js))
wb = openpyxl.load_workbook(x1)
check(wb.sheetnames[:3] == ["Targets", "Bands", "Assumptions"], f"sheets {wb.sheetnames}")
ws = wb["Targets"]
check(ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:"), "Targets has no filter")
check(ws.freeze_panes == "A2", "Targets header not frozen")
targets = {r["id"]: r for r in rows(ws) if r["id"] and not str(r["id"]).startswith("all of")}
for t in res["targets"]:
    r = targets.get(t["id"])
    check(r is not None, f"target {t['id']} missing")
    if r is None:
        continue
    check(same(r["probability"], t["probability"]),
          f"{t['id']}: probability {r['probability']!r} != {t['probability']!r}")
    check(same(r["95% low"], t["ci95"][0]) and same(r["95% high"], t["ci95"][1]),
          f"{t['id']}: interval")
    check(same(r["target value"], t["value"]) and r["year"] == t["year"], f"{t['id']}: value/year")
# probabilities carry a percent format
prob_col = [c.value for c in ws[1]].index("probability") + 1
check("%" in ws.cell(row=2, column=prob_col).number_format, "probability not formatted as %")

bands = rows(wb["Bands"])
years = res["years"]
for name, ind in res["indicators"].items():
    mine = [b for b in bands if b["indicator"] == name]
    check(len(mine) == len(years), f"{name}: {len(mine)} band rows for {len(years)} years")
    for b in mine:
        t = years.index(b["year"])
        want = ind["quantiles"]["p50"][t]
        check(same(b["p50"], want), f"{name} {b['year']}: p50 {b['p50']} != {want}")
        check(b["unit"] == (ind.get("unit") or None), f"{name}: unit {b['unit']!r}")

assumptions = rows(wb["Assumptions"])
check(len(assumptions) > 0 and all(a["as written"] and a["as written"].startswith("{")
                                   for a in assumptions), "Assumptions: 'as written' missing")
check(all(isinstance(a["median"], float) for a in assumptions), "Assumptions: median not a number")
# Each parameter's title and unit, as a scenario that gives them writes them (TITLED, the
# report's four.yaml: the run's JSON has neither, so they are read from the file).
import yaml  # noqa: E402 (python3-yaml)
tx = os.path.join(OUT, "titled.xlsx")
run("run", TITLED, "--runs", "500", "--quiet", "--xlsx", tx)
declared = yaml.safe_load(open(TITLED, encoding="utf-8"))["parameters"]
titled = rows(openpyxl.load_workbook(tx)["Assumptions"])
check(any(a["title"] for a in titled), "Assumptions: no title in a scenario with titles")
for a in titled:
    spec = declared[a["parameter"]]
    spec = spec if isinstance(spec, dict) else {}
    check((a["title"] or "") == spec.get("title", ""), f"Assumptions: {a['parameter']} title {a['title']!r}")
    check((a["unit"] or "") == spec.get("unit", ""), f"Assumptions: {a['parameter']} unit {a['unit']!r}")

# ---- compare ------------------------------------------------------------------------------
cx = os.path.join(OUT, "compare.xlsx")
run("compare", SCENARIO, "--runs", "2000", "--quiet", "--xlsx", cx)
wb = openpyxl.load_workbook(cx)
for name in ("Targets", "Variants", "Overrides", "Bands", "Assumptions"):
    check(name in wb.sheetnames, f"compare workbook lacks {name}")
overrides = rows(wb["Overrides"])
check(len(overrides) > 0, "compare: no overrides listed")
check(all(o["variant"] and o["path"] and o["value (as written)"] is not None for o in overrides),
      "compare: an override row is incomplete")
variants = rows(wb["Variants"])
check(any(v["variant"] == "base" and v["difference"] is None for v in variants),
      "compare: the base row has a difference")
check(any(v["variant"] != "base" and isinstance(v["difference"], float) for v in variants),
      "compare: no variant difference")

# ---- refused and unwritable ---------------------------------------------------------------
p = run("run", SCENARIO, "--runs", "100", "--xlsx", "-", expect=2)
check("--xlsx" in p.stderr, "--xlsx - not refused with a message")
bad = os.path.join(OUT, "no_such_folder", "x.xlsx")
run("run", SCENARIO, "--runs", "100", "--quiet", "--xlsx", bad, expect=1)
check(not os.path.exists(bad), "a workbook in a missing folder was written")

if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("ok: run and compare workbooks")
