"""The review queue on PostgreSQL: assign and reject move files and rows together there too (a scratch database
per test, dropped after it)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SCANFLOW
from tests.e2e.test_register_postgres import pg_url  # noqa: F401 - fixture
from tests.e2e.test_review_queue import (  # noqa: F401 - collected here again, with the PostgreSQL `home`
    test_assign_moves_files_and_rows_together,
    test_reject_sets_files_aside_and_assign_undoes_it,
    waiting,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def home(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:  # noqa: F811
    path = tmp_path / "home"
    monkeypatch.setenv("SCANFLOW_HOME", str(path))
    monkeypatch.setenv("SCANFLOW_DB_URL", pg_url)
    monkeypatch.setenv("SCANFLOW_PROGRESS", "0")
    done = subprocess.run([SCANFLOW, "init"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert not (path / "scanflow.db").exists()  # the rows really are in PostgreSQL
    yield path
