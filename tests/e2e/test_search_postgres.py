"""Full-text search on PostgreSQL (tsvector + GIN): the same checks as on SQLite, on a scratch database."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from scanflow.home import init_home, open_home
from scanflow.search import index_dossier
from tests.unit.test_web_search import (  # noqa: F401 - collected here again, with the PostgreSQL `db` below
    PAGES,
    add_dossier,
    test_exact_search_keeps_marks,
    test_folded_search_ignores_marks,
    test_index_follows_the_dossier,
    test_nfd_query_and_text,
)

pytestmark = pytest.mark.e2e
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@pytest.fixture()
def pg_url():
    import psycopg
    name = f"scanflow_search_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL not reachable (scripts/services.sh starts it): {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture()
def db(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SCANFLOW_DB_URL", pg_url)
    init_home(tmp_path / "home")
    _, database = open_home(tmp_path / "home")
    with database.session() as session:
        assert session.get_bind().dialect.name == "postgresql"
        for code, texts in PAGES.items():
            index_dossier(session, add_dossier(session, code, texts))
    yield database
    database.dispose()
