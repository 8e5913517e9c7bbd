"""Shared fixtures: the CLI next to the module (PLANCAST_CLI, set by CTest) and the
repository (PLANCAST_SOURCE_DIR); run_cli returns what the CLI wrote with --json."""

import os
import pathlib
import subprocess

import pytest

SOURCE = pathlib.Path(os.environ.get("PLANCAST_SOURCE_DIR",
                                     pathlib.Path(__file__).resolve().parents[2]))
CLI = os.environ.get("PLANCAST_CLI", str(SOURCE / "build" / "plancast"))


@pytest.fixture
def source_dir():
    return SOURCE


@pytest.fixture
def cli(tmp_path):
    """cli(args...) -> (returncode, the --json file's bytes or None, stderr)."""

    def call(*args, json=True):
        out = tmp_path / "cli.json"
        if out.exists():
            out.unlink()
        argv = [CLI, *map(str, args)] + (["--json", str(out)] if json else [])
        p = subprocess.run(argv, capture_output=True, text=True)
        return p.returncode, (out.read_bytes() if out.exists() else None), p.stderr

    return call
