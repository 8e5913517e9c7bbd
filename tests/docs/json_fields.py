#!/usr/bin/env python3
"""tests/docs/json_fields.py: docs/json.md lists every field each command's JSON has.

usage: json_fields.py PLANCAST SOURCE_DIR WORK_DIR

Runs each command with --json on small scenarios (tests/report/four.yaml and a few test
cases that bring out the optional fields), walks every key path of the output and fails
when docs/json.md does not list it in the command's section; then fails when a table of
docs/json.md lists a field that no command wrote (a field renamed or removed in the program
but not on the page). Paths are written as the page writes them: `targets[].ci95`, with the
scenario's own names (indicators, parameters, variants, years, override paths) replaced by
NAME, PNN, VARIANT, YEAR or PATH.
"""
import json
import os
import re
import subprocess
import sys

# Where a key is a name from the scenario, not a field: (section, normalised parent path)
# -> the placeholder the page writes.
PLACEHOLDERS = {
    ("run", "indicators"): "NAME",
    ("run", "indicators.NAME.quantiles"): "PNN",
    ("run", "indicators.NAME.quantiles_ci95"): "PNN",
    ("run", "events"): "NAME",
    ("compare", "variants[].overrides"): "PATH",
    ("compare", "scenario_sha256"): "VARIANT",
    ("compare", "targets[].probability"): "VARIANT",
    ("compare", "targets[].difference"): "VARIANT",
    ("compare", "medians"): "NAME",
    ("compare", "medians.NAME"): "YEAR",
    ("compare", "medians.NAME.YEAR"): "VARIANT",
    ("sensitivity", "parameters"): "NAME",
    ("discover", "boxes[].limits"): "NAME",
    ("audit", "findings[].values"): "VALUE",
}
PLACEHOLDER_NAMES = set(PLACEHOLDERS.values())

# Fields the page lists that these small cases do not bring out, each with why. Keep short.
NOT_PRODUCED_HERE = {
    ("discover", "boxes[].pasted"): "only when pasting widens the chosen box",
}


def paths(section, doc, out, values):
    """Adds to `out` every normalised key path of `doc`; audit value names to `values`."""

    def walk(node, path):
        if isinstance(node, dict):
            ph = PLACEHOLDERS.get((section, path))
            for key, child in node.items():
                if ph == "VALUE":
                    values.add(key)
                    continue
                seg = ph if ph else key
                p = f"{path}.{seg}" if path else seg
                out.add(p)
                walk(child, p)
        elif isinstance(node, list):
            for child in node:
                if isinstance(child, (dict, list)):
                    walk(child, path + "[]")

    walk(doc, "")


def doc_tables(md):
    """{section: {"fields": set, "values": set}} from docs/json.md: the first column's
    backticked names of each table, by its header ("field" or "value name")."""
    sections, section, header = {}, None, None
    for line in md.splitlines():
        m = re.match(r"^## (\w+)", line)
        if m:
            section = m.group(1)
            sections[section] = {"fields": set(), "values": set()}
            header = None
            continue
        if section is None or not line.startswith("|"):
            header = None if not line.startswith("|") else header
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = {"field": "fields", "value name": "values"}.get(cells[0])
            continue
        if header and set(cells[0]) - set("-: "):
            for name in re.findall(r"`([^`]+)`", cells[0]):
                sections[section][header].add(name)
    return sections


def main():
    pc, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    four = os.path.join(src, "tests/report/four.yaml")
    data = os.path.join(src, "tests/data")
    cases = os.path.join(src, "tests/cli/cases")
    shards = [os.path.join(work, f"shard{k}.json") for k in (1, 2)]
    runs = [
        ("run", ["run", four, "--runs", "400"]),
        ("run", ["run", "--runs", "200"]),  # the bundled scenario: events
        ("run", ["run", four, "--runs", "3000", "--precision", "0.05"]),
        ("run", ["run", os.path.join(cases, "vintage.yaml"), "--runs", "200"]),
        ("compare", ["compare", four, "--runs", "300"]),
        ("sensitivity", ["sensitivity", four, "--of", "core_va@2025", "--runs", "100"]),
        ("sensitivity", ["sensitivity", four, "--of", "core_va@2025", "--method", "shapley",
                         "--runs", "10"]),
        ("sensitivity", ["sensitivity", four, "--of", "core_va@2025", "--method", "tornado",
                         "--runs", "100"]),
        ("solve", ["solve", four, "--target", "core_va_2025", "--vary",
                   "parameters.core_trend.mean", "--probability", "0.5", "--runs", "400"]),
        ("discover", ["discover", four, "--target", "core_va_2025", "--find", "met",
                      "--runs", "2000"]),
        ("audit", ["audit", four]),
        ("audit", ["audit", os.path.join(data, "audit_small.yaml")]),
        ("audit", ["audit", os.path.join(data, "audit_reach.yaml")]),
        ("fit", ["fit", os.path.join(cases, "fit_series.csv"), "--column", "gdp"]),
        ("fit", ["fit", os.path.join(cases, "fit_series.csv"), "--column", "broadband_pct",
                 "--process", "logistic", "--cap", "100"]),
        ("validate", ["validate", four]),
    ]
    for k, shard in enumerate(shards, 1):
        subprocess.run([pc, "run", four, "--runs", "400", "--quiet", "--shard", f"{k}/2",
                        "--json", shard], check=True)
    runs.append(("run", ["merge", *shards]))

    md = open(os.path.join(src, "docs/json.md"), encoding="utf-8").read()
    documented = doc_tables(md)
    written = {s: set() for s in documented}
    values = set()
    fail = 0
    for section, args in runs:
        cmd = [pc, *args, "--json", "-", "--threads", "2"]
        if args[0] in ("audit", "fit", "validate", "merge"):
            cmd = cmd[:-2]  # no --threads
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode not in (0, 1) or not p.stdout.startswith("{"):
            print(f"FAIL: {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()[:300]}")
            fail = 1
            continue
        found = set()
        paths(section, json.loads(p.stdout), found, values)
        written.setdefault(section, set()).update(found)
        doc = documented.get(section, {"fields": set()})["fields"]
        for path in sorted(found):
            if path.split(".")[-1].rstrip("[]") in PLACEHOLDER_NAMES:
                continue  # a name from the scenario: its fields are what is checked
            if path not in doc:
                print(f"FAIL: {args[0]} writes `{path}`, which docs/json.md ({section}) "
                      "does not list")
                fail = 1
    for name in sorted(values - documented["audit"]["values"]):
        print(f"FAIL: audit writes the value `{name}`, which docs/json.md does not list")
        fail = 1
    for section, tables in documented.items():
        for path in sorted(tables["fields"] - written.get(section, set())):
            if (section, path) in NOT_PRODUCED_HERE:
                continue
            print(f"FAIL: docs/json.md ({section}) lists `{path}`, which no command wrote")
            fail = 1
    print("json_fields: " + ("FAILED" if fail else "every field documented, every listed field "
                             f"written ({sum(len(w) for w in written.values())} paths)"))
    return fail


if __name__ == "__main__":
    sys.exit(main())
