"""Errors: bad scenarios raise plancast.ScenarioError (a ValueError) with the CLI's located
diagnostics; bad arguments raise ValueError or TypeError before any work."""

import re

import pytest

import plancast

BAD = """plancast: 1
name: bad
base_year: 2020
horizon: 2025
simulation: {runs: 100, seed: 1}
indicators:
  gdp:
    model: growth
    base: 100
    growth: {dist: normal, mean: 0.05, sd: -1}
"""


def test_scenario_error_is_located():
    with pytest.raises(plancast.ScenarioError) as info:
        plancast.run(text=BAD)
    e = info.value
    assert isinstance(e, ValueError)
    assert e.diagnostics, "no diagnostics"
    d = e.diagnostics[0]
    assert (d.file, d.severity) == ("<text>", "error")
    assert d.line >= 6 and d.column >= 1 and d.message
    assert str(d) == "<text>:%d:%d: error: %s" % (d.line, d.column, d.message)
    assert d.to_dict() == {"file": "<text>", "line": d.line, "column": d.column,
                           "severity": "error", "message": d.message}
    assert str(d) in str(e)


@pytest.mark.parametrize("case", ["cycle.yaml", "correlation_above_one.yaml", "bad_utf8.yaml"])
def test_diagnostics_are_the_clis(cli, source_dir, case):
    f = source_dir / "scenarios" / "invalid" / case
    rc, _, err = cli("validate", f, json=False)
    assert rc == 2
    expected = [line for line in err.splitlines() if re.search(r": error: ", line)]
    with pytest.raises(plancast.ScenarioError) as info:
        plancast.validate(str(f))
    assert [str(d) for d in info.value.diagnostics] == expected


def test_missing_file_is_a_scenario_error():
    with pytest.raises(plancast.ScenarioError) as info:
        plancast.run("no/such/file.yaml")
    assert info.value.diagnostics[0].file == "no/such/file.yaml"


def test_set_errors_are_located_at_set():
    with pytest.raises(plancast.ScenarioError) as info:
        plancast.run(runs=100, set={"parameters.no_such.mean": 1})
    assert info.value.diagnostics[0].file.startswith("--set")


@pytest.mark.parametrize("kwargs,error", [
    ({"runs": 0}, ValueError),
    ({"runs": "100"}, TypeError),
    ({"runs": 1.5}, TypeError),
    ({"seed": -1}, ValueError),
    ({"threads": 99999}, ValueError),
    ({"sampler": "halton"}, ValueError),
    ({"set": ["a=1"]}, TypeError),
    ({"precision": 0.7}, ValueError),
    ({"variant": "no_such_variant"}, plancast.ScenarioError),
    ({"progress": "yes"}, TypeError),
])
def test_run_argument_errors(kwargs, error):
    with pytest.raises(error):
        plancast.run(**kwargs)


def test_usage_errors_of_the_analyses():
    with pytest.raises(ValueError, match="unknown variant"):
        plancast.compare(runs=100, variants=["nope"])
    with pytest.raises(ValueError, match="not a method"):
        plancast.sensitivity(of="gdp@2025", method="morris", runs=10)
    with pytest.raises(ValueError):
        plancast.sensitivity(of="no_such_target", runs=10)
    with pytest.raises(ValueError, match="no target"):
        plancast.solve(target="nope", vary="parameters.core_trend.mean", probability=0.5, runs=100)
    with pytest.raises(ValueError):
        plancast.solve(target="core_va_2025", vary="x", probability=1.5)
    with pytest.raises(ValueError):
        plancast.discover(target="core_va_2025", find="sometimes")
    with pytest.raises(TypeError):
        plancast.run(42)
    with pytest.raises(TypeError):
        plancast.run("a.yaml", text="b")


def test_merge_refuses_missing_shards(cli, tmp_path):
    s = tmp_path / "one.json"
    rc, _, err = cli("run", "--runs", 1200, "--shard", "1/2", "--json", s, "-q", json=False)
    assert rc == 0, err
    with pytest.raises(ValueError):
        plancast.merge([s])
    with pytest.raises(plancast.ScenarioError):
        plancast.merge([s, s])
