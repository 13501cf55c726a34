"""The dashboard's HTTP tests again, on PostgreSQL (search through tsvector + GIN, counters, review, files)."""

from __future__ import annotations

import pytest

from tests.e2e.test_search_postgres import pg_url  # noqa: F401 - a scratch PostgreSQL database per test
from tests.unit.test_web_app import (  # noqa: F401 - collected here again, with the PostgreSQL `db_url` below
    site,
    test_api_stats_and_search,
    test_csrf_is_required_on_every_post,
    test_dossier_files_and_audit,
    test_failed_sign_ins_are_throttled_per_user,
    test_overview_shows_the_counters,
    test_pages_per_day_and_week,
    test_pages_render_and_load_nothing_from_elsewhere,
    test_review_decisions_from_the_browser_form,
    test_roles,
    test_supervisor_downloads_a_report,
)

pytestmark = pytest.mark.e2e


@pytest.fixture()
def db_url(pg_url: str) -> str:  # noqa: F811 - replaces the SQLite default of the imported tests
    return pg_url
