"""plancast.fit (byte-equal to the CLI's `fit --json`, the fragment its text) and the Excel
workbooks of run and compare (the same bytes as the CLI's --xlsx)."""

import subprocess

import pytest

import plancast


def test_fit_matches_cli(cli, source_dir):
    csv = source_dir / "tests" / "cli" / "cases" / "fit_series.csv"
    r = plancast.fit(csv, column="gdp", form="log")
    rc, data, err = cli("fit", csv, "--column", "gdp", "--form", "log")
    assert rc == 0, err
    assert r.to_json().encode("utf-8") == data
    with open(csv, newline="") as f:
        rows = [row for row in __import__("csv").DictReader(f) if row["gdp"].strip()]
    assert r.data["n"] == len(rows) and set(r.data) >= {"trend", "noise", "years", "n"}
    assert "gdp_trend: {dist: normal, mean: " in r.fragment()


def test_fit_argument_errors(source_dir):
    csv = source_dir / "tests" / "cli" / "cases" / "fit_series.csv"
    with pytest.raises(ValueError):
        plancast.fit(csv)  # neither indicator= nor column=
    with pytest.raises(ValueError):
        plancast.fit(csv, column="gdp", form="logistic")  # no cap
    with pytest.raises(plancast.ScenarioError) as e:
        plancast.fit(source_dir / "scenarios" / "jiaxing.yaml", indicator="gdp")
    assert "too few values" in str(e.value)


def test_xlsx_bytes_match_cli(tmp_path, source_dir):
    from conftest import CLI
    small = source_dir / "tests" / "cli" / "cases" / "small.yaml"
    out = tmp_path / "run.xlsx"
    subprocess.run([CLI, "run", str(small), "--runs", "1000", "-q", "--xlsx", str(out)], check=True)
    assert plancast.run(small, runs=1000).to_xlsx() == out.read_bytes()
    cout = tmp_path / "compare.xlsx"
    subprocess.run([CLI, "compare", str(small), "--runs", "1000", "-q", "--xlsx", str(cout)],
                   check=True)
    c = plancast.compare(small, runs=1000)
    written = tmp_path / "again.xlsx"
    assert c.to_xlsx(written) is None
    assert written.read_bytes() == cout.read_bytes()


def test_compare_names_and_overrides():
    c = plancast.compare(runs=500, variants="policy_push")
    assert c.variants == ["base", "policy_push"]
    o = c.overrides()
    assert list(o.columns) == ["variant", "path", "value"]
    row = o[o.path == "parameters.core_trend.mean"].iloc[0]
    assert row.variant == "policy_push" and row.value == 0.19
