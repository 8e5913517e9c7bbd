"""result.samples(): every run as a row (issue 18 part 2), against the CLI's --samples."""

import gzip
import math
import subprocess

import pytest

import plancast
from conftest import CLI

SCENARIO = "tests/cli/cases/samples.yaml"


def test_samples_frame_matches_cli_file_and_json(source_dir, tmp_path):
    path = source_dir / SCENARIO
    r = plancast.run(path, samples=True, threads=2)
    df = r.samples()
    f = tmp_path / "s.csv"
    subprocess.run([CLI, "run", str(path), "--samples", str(f), "-q"], check=True)
    mine = tmp_path / "module.csv"
    file_df = plancast.run(path, samples=str(mine)).samples()  # written by the module
    assert mine.read_bytes() == f.read_bytes()
    assert df.equals(file_df)
    assert list(df.index) == list(range(r.runs))
    assert df.index.name == "run"
    # Exact: each target's share of 1s is its probability, each column's extremes the JSON's.
    targets = r.targets().set_index("id")
    for tid, row in targets.iterrows():
        assert df["target:" + tid].sum() == row["hits"]
        assert df["target:" + tid].mean() == row["probability"]
    gdp = r.bands("gdp")
    assert df["gdp@2026"].max() == gdp.loc[2026, "max"]
    assert math.isclose(math.fsum(df["gdp@2026"]) / r.runs, gdp.loc[2026, "mean"], rel_tol=1e-12)
    assert df["late@2021"].isna().all()  # before its first year


def test_samples_years_and_gzip_file(source_dir, tmp_path):
    path = source_dir / SCENARIO
    f = tmp_path / "s.csv.gz"
    r = plancast.run(path, samples=f, samples_years=[2026], runs=700)
    df = r.samples()
    assert [c for c in df.columns if "@" in c] == ["gdp@2026", "late@2026", "ratio@2026"]
    cli = tmp_path / "cli.csv.gz"
    subprocess.run([CLI, "run", str(path), "--runs", "700", "--samples-years", "2026",
                    "--samples", str(cli), "-q"], check=True)
    assert f.read_bytes() == cli.read_bytes()
    assert gzip.decompress(f.read_bytes()).count(b"\n") == 701


def test_samples_refused_and_errors(source_dir, tmp_path):
    assert plancast.SAMPLES_MAX_BYTES == 1 << 30
    with pytest.raises(ValueError, match="over the limit"):
        plancast.run(samples=True, runs=10_000_000)  # estimated above 1 GiB: refused at once
    with pytest.raises(ValueError, match="over the limit"):
        plancast.run(samples=True, runs=1000, max_samples_size=1000)
    with pytest.raises(plancast.ScenarioError) as e:
        plancast.run(samples_years=[2025, 2099])
    d = e.value.diagnostics[0]
    assert (d.file, d.line, d.column) == ("--samples-years", 1, 6)
    with pytest.raises(ValueError, match="no samples"):
        plancast.run(runs=500).samples()
    with pytest.raises(ValueError, match="should end in .csv"):
        plancast.run(samples=tmp_path / "x.txt", runs=500)
    assert not (tmp_path / "x.txt").exists()
