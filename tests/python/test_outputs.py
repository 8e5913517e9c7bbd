"""The module's results: .to_json() byte-identical to the CLI's --json for the same inputs,
and the DataFrames read from it."""

import numpy as np
import pandas as pd
import pytest

import plancast


def same(result, cli_out):
    rc, data, err = cli_out
    assert rc == 0, err
    assert result.to_json().encode("utf-8") == data


def test_run_bundled_matches_cli(cli):
    same(plancast.run(runs=3000, seed=11), cli("run", "--runs", 3000, "--seed", 11, "-q"))


def test_run_file_options_match_cli(cli, source_dir):
    f = source_dir / "scenarios" / "jiaxing.yaml"
    r = plancast.run(str(f), runs=1500, sampler="lhs", variant="policy_push",
                     set={"parameters.core_trend.mean": 0.13,
                          "parameters.gdp_trend": {"dist": "normal", "mean": 0.08, "sd": 0.01}},
                     threads=2)
    same(r, cli("run", f, "--runs", 1500, "--sampler", "lhs", "--variant", "policy_push",
                "--set", "parameters.core_trend.mean=0.13",
                "--set", 'parameters.gdp_trend={"dist": "normal", "mean": 0.08, "sd": 0.01}',
                "--threads", 2, "-q"))


def test_run_text_and_pathlike_match_file(source_dir):
    f = source_dir / "scenarios" / "jiaxing.yaml"
    by_file = plancast.run(f, runs=800).to_json()
    assert plancast.run(f.read_text(), runs=800).to_json() == by_file  # a str with newlines
    assert plancast.run(text=f.read_text(), runs=800).to_json() == by_file


def test_run_precision_matches_cli(cli):
    same(plancast.run(runs=20000, precision=0.02),
         cli("run", "--runs", 20000, "--precision", 0.02, "-q"))


def test_results_do_not_depend_on_threads():
    assert plancast.run(runs=2000, threads=1).to_json() == plancast.run(runs=2000, threads=3).to_json()


def test_compare_matches_cli(cli):
    same(plancast.compare(runs=1000, variants=["policy_push"], seed=5),
         cli("compare", "--runs", 1000, "--variants", "policy_push", "--seed", 5, "-q"))


@pytest.mark.parametrize("method,runs", [("sobol", 200), ("tornado", 100), ("shapley", 20)])
def test_sensitivity_matches_cli(cli, method, runs):
    same(plancast.sensitivity(of="core_va@2025", method=method, runs=runs),
         cli("sensitivity", "--of", "core_va@2025", "--method", method, "--runs", runs, "-q"))


def test_solve_matches_cli(cli, source_dir):
    f = source_dir / "scenarios" / "jiaxing.yaml"
    r = plancast.solve(f, target="core_va_2025", vary="parameters.core_trend.mean",
                       probability=0.5, runs=500)
    same(r, cli("solve", f, "--target", "core_va_2025", "--vary", "parameters.core_trend.mean",
                "--probability", 0.5, "--runs", 500, "-q"))
    lo, hi = r.value_ci95
    assert lo <= r.value <= hi


def test_audit_and_validate_match_cli(cli, source_dir):
    f = source_dir / "scenarios" / "jiaxing.yaml"
    a = plancast.audit(f)
    rc, data, _ = cli("audit", f)
    assert a.to_json().encode() == data and a.inconsistent == (rc == 1)
    assert set(a.findings()["grade"]) <= {"ok", "warning", "inconsistent"}
    same(plancast.validate(f), cli("validate", f))


def test_discover_matches_cli(cli):
    d = plancast.discover(target="core_va_2025", runs=2000)
    same(d, cli("discover", "--target", "core_va_2025", "--runs", 2000, "-q"))
    assert d.boxes()["chosen"].sum() == 1
    assert list(d.chosen().columns) == ["parameter", "lo", "hi", "quasi_p", "density_without"]


def test_merge_matches_one_run(cli, tmp_path):
    shards = []
    for k in (2, 1):  # any order
        s = tmp_path / ("shard%d.json" % k)
        rc, _, err = cli("run", "--runs", 1200, "--shard", "%d/2" % k, "--json", s, "-q", json=False)
        assert rc == 0, err
        shards.append(s)
    merged = plancast.merge(shards)
    assert merged.to_json() == plancast.run(runs=1200).to_json()
    rc, data, err = cli("merge", *shards, "-q")
    assert rc == 0, err
    assert merged.to_json().encode() == data


def test_targets_frame():
    r = plancast.run(runs=2000)
    t = r.targets()
    for c in ["id", "indicator", "year", "op", "value", "probability", "ci95_lo", "ci95_hi"]:
        assert c in t.columns
    assert len(t) == len(r.data["targets"])
    first = r.data["targets"][0]
    assert t.loc[0, "id"] == first["id"] and t.loc[0, "probability"] == first["probability"]
    assert t.loc[0, "ci95_lo"] == first["ci95"][0] and t.loc[0, "ci95_hi"] == first["ci95"][1]
    assert ((t["ci95_lo"] <= t["probability"]) & (t["probability"] <= t["ci95_hi"])).all()
    assert (t["hits"] == np.round(t["probability"] * r.runs)).all()


def test_bands_tidy_and_wide():
    r = plancast.run(runs=2000)
    tidy = r.bands()
    assert list(tidy.columns) == ["indicator", "year", "statistic", "value"]
    gdp = r.data["indicators"]["gdp"]
    wide = r.bands("gdp")
    assert list(wide.index) == r.data["years"]
    assert list(wide.columns[:4]) == ["mean", "sd", "min", "max"] and "p50" in wide.columns
    assert wide.loc[2025, "p95"] == gdp["quantiles"]["p95"][r.data["years"].index(2025)]
    # the tidy frame pivoted is the wide one
    back = tidy[tidy.indicator == "gdp"].pivot(index="year", columns="statistic", values="value")
    pd.testing.assert_frame_equal(back[wide.columns], wide, check_names=False)
    assert np.array_equal(r.series("gdp", "mean"), np.array(gdp["mean"]))
    assert r.years.dtype == np.int64 and len(r.years) == len(r.series("gdp"))
    with pytest.raises(KeyError):
        r.bands("no_such_indicator")


def test_compare_frames():
    c = plancast.compare(runs=1000)
    t = c.targets()
    assert set(t["variant"]) == set(c.variants)
    assert t[t.variant == "base"]["difference"].isna().all()
    p = c.probabilities()
    assert list(p.columns) == c.variants
    row = c.data["targets"][0]
    assert p.loc[row["id"], "base"] == row["probability"]["base"]
    assert list(c.medians().columns) == ["indicator", "year", "variant", "median"]


def test_sensitivity_indices():
    s = plancast.sensitivity(of="gdp@2025", runs=200)
    i = s.indices()
    assert list(i.columns[:4]) == ["parameter", "S1", "S1_ci95_lo", "S1_ci95_hi"]
    assert i.set_index("parameter").loc["gdp_trend", "S1"] == s.data["parameters"]["gdp_trend"]["S1"]


def test_sensitivity_indices_follow_the_ranking():
    # One JSON shape for every method (docs/json.md): rows in the order of "ranking".
    for method, runs in (("tornado", 100), ("shapley", 10), ("sobol", 100)):
        s = plancast.sensitivity(of="core_va@2025", method=method, runs=runs)
        assert list(s.indices()["parameter"]) == s.data["ranking"]
        assert set(s.data["ranking"]) == set(s.data["parameters"])


def test_repr_html_frames_the_report():
    r = plancast.run(runs=500)
    h = r._repr_html_()
    assert h.startswith("<iframe srcdoc=") and "&lt;html" in h.lower()
    assert plancast.solve(target="core_va_2025", vary="parameters.core_trend.mean",
                          probability=0.5, runs=300)._repr_html_().startswith("<pre>")
