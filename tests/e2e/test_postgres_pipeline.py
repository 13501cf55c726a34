"""The whole station on the real PostgreSQL server: init (the same Alembic migrations), process, verify, reprocess."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from scanflow.home import open_home
from scanflow.store.models import Dossier, Page
from tests import scaleout
from tests.conftest import run_scanflow
from tests.scaleout import archived_files, case_dossier, text_dossier

pg_url, pg_home = scaleout.pg_url, scaleout.pg_home  # fixtures

pytestmark = pytest.mark.e2e


def test_process_verify_and_reprocess_on_postgresql(pg_home: Path, tmp_path: Path) -> None:
    inputs = [case_dossier(tmp_path / "in" / "a", "HS-2025-0042", 2, "PG"), text_dossier(tmp_path / "in" / "b", 1, "B")]

    done = run_scanflow("process", "--json", *map(str, inputs))

    assert done.code == 0, done.stderr
    records = done.json_lines()
    assert [r["status"] for r in records] == ["archived", "archived"]
    assert records[0]["case"] == "HS-2025-0042"
    settings, database = open_home(pg_home)
    try:
        assert database.engine.dialect.name == "postgresql"
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(Dossier)) == 2
            pages = session.scalars(select(Page).order_by(Page.dossier_id, Page.seq)).all()
            assert len(pages) == 4  # cover + 2 pages, 1 page
            assert all(p.fingerprint is None or -(1 << 63) <= p.fingerprint < (1 << 63) for p in pages)
            assert all(isinstance(p.timings, dict) for p in pages)  # JSON columns come back as JSON
            assert any(p.text and "QUYẾT ĐỊNH" in p.text for p in pages)
    finally:
        database.dispose()
    names = archived_files(pg_home)
    assert len(names) == sum(len(r["outputs"]) for r in records) >= 2

    assert run_scanflow("verify").code == 0
    again = run_scanflow("reprocess", "--all", "--json")
    assert again.code == 0, again.stderr
    assert [(r["status"], r["case"], r["pages"]) for r in again.json_lines()] == [
        ("archived", "HS-2025-0042", 2),
        ("archived", None, 1),
    ]
    assert archived_files(pg_home) == names
    check = run_scanflow("verify", "--json")
    assert check.code == 0, check.stdout
    assert check.json_lines()[0]["files"] == len(names) + 4  # the PDFs and four originals
