"""Register import on PostgreSQL: the same checks as on SQLite (tests/unit/test_register_import.py), on a scratch
database created for the test and dropped after it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanflow.home import init_home, open_home
from scanflow.store.db import Database
from tests.unit.test_register_import import (  # noqa: F401 - collected here again, with the PostgreSQL `database`
    test_bad_and_duplicate_rows_are_reported_and_good_rows_go_in,
    test_chunking_gives_the_same_result,
    test_columns_missing_from_the_file_are_left_alone,
    test_first_import_adds_cases_with_keys,
    test_reimport_same_file_writes_nothing,
    test_reimport_updates_changed_cases_and_keeps_history,
    test_stale_keys_are_refreshed_without_counting_a_change,
)

pytestmark = pytest.mark.e2e
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@pytest.fixture()
def pg_url() -> Iterator[str]:
    import psycopg
    name = f"scanflow_register_{uuid.uuid4().hex[:10]}"
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
def database(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("SCANFLOW_DB_URL", pg_url)
    init_home(tmp_path / "home")
    _, db = open_home(tmp_path / "home")
    assert db.engine.dialect.name == "postgresql"
    yield db
    db.dispose()
