"""Shared fixtures: a fresh station home per test and a runner for the real `scanflow` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCANFLOW = str(Path(sys.executable).parent / "scanflow")


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.startswith("{")]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An initialised SCANFLOW_HOME (SQLite) in a temporary folder, exported to the environment."""
    path = tmp_path / "home"
    monkeypatch.setenv("SCANFLOW_HOME", str(path))
    monkeypatch.delenv("SCANFLOW_DB_URL", raising=False)
    monkeypatch.setenv("SCANFLOW_PROGRESS", "0")
    done = subprocess.run([SCANFLOW, "init"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return path


def run_scanflow(
    *args: str, env: dict[str, str] | None = None, timeout: int = 600, cwd: Path | None = None
) -> CliResult:
    """Run the installed `scanflow` command as a user would and capture its output."""
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(
        [SCANFLOW, *args], capture_output=True, text=True, env=full_env, timeout=timeout, check=False, cwd=cwd
    )
    return CliResult(done.returncode, done.stdout, done.stderr)
