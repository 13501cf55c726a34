"""A builder of stored facts with known truth for the quality tests: register cases, dossiers, documents, pages.

Rows are inserted directly (no OCR), so each test states exactly which facts a case has and what the criteria,
the reasons and the counters must then be.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from scanflow.home import init_home, open_home
from scanflow.store.models import Batch, Document, Dossier, Page, RegisterCase, RegisterHistory, RegisterImport

NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
UNIT_A = "Phòng THADS khu vực 1 - Tuyên Quang"
UNIT_B = "THADS tỉnh Tuyên Quang"
TEXT = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nQuyết định thi hành án"


@dataclass
class Doc:
    """A document to archive: its type, number, date, pages, and whether its PDF/A check passed."""

    type: str
    number: str | None = None
    date: dt.date | None = None
    pages: int = 1
    pdfa_ok: bool = True


def qd(number: str = "12/QĐ-THADS", date: dt.date | None = dt.date(2025, 3, 1)) -> Doc:
    return Doc("qd_tha", number, date)


def ban_an(number: str = "07/2024/DS-ST", date: dt.date | None = dt.date(2024, 11, 5)) -> Doc:
    return Doc("ban_an", number, date)


def don(date: dt.date | None = dt.date(2025, 2, 1)) -> Doc:
    return Doc("don_yeu_cau", None, date)


class World:
    """A station home whose database the test fills with facts."""

    def __init__(self, home: Path) -> None:
        init_home(home)
        self.settings, self.database = open_home(home)
        self._ids = itertools.count(1)
        with self.database.session() as session:
            batch = Batch(kind="process", profile="thads", host="test")
            session.add(batch)
            session.flush()
            self.batch_id = batch.id

    def register(self, code: str, *, don_vi: str | None = UNIT_A, year: int | None = 2025, loai: str = "chu_dong",
                 so_qd_tha: str | None = "12/QĐ-THADS", ngay_qd_tha: dt.date | None = dt.date(2025, 3, 1),
                 so_ban_an: str | None = "07/2024/DS-ST", ngay_ban_an: dt.date | None = dt.date(2024, 11, 5),
                 ngay_cap_nhat: dt.date | None = None, imported_at: dt.datetime | None = None) -> str:
        with self.database.session() as session:
            session.add(RegisterCase(
                ma_ho_so=code, so_qd_tha=so_qd_tha, ngay_qd_tha=ngay_qd_tha, so_ban_an=so_ban_an,
                ngay_ban_an=ngay_ban_an, loai=loai, don_vi=don_vi, year=year, ngay_cap_nhat=ngay_cap_nhat,
                imported_at=imported_at or NOW - dt.timedelta(days=400),
                changed_at=imported_at or NOW - dt.timedelta(days=400),
            ))
        return code

    def register_import(self, finished_at: dt.datetime | None = None) -> int:
        with self.database.session() as session:
            row = RegisterImport(source="register.csv", started_at=(finished_at or NOW) - dt.timedelta(minutes=1),
                                 finished_at=finished_at or NOW)
            session.add(row)
            session.flush()
            return row.id

    def register_change(self, code: str, when: dt.datetime) -> None:
        """A re-import saw CODE change at WHEN (register_history, RegisterCase.changed_at)."""
        import_id = self.register_import(when)
        with self.database.session() as session:
            session.add(RegisterHistory(ma_ho_so=code, import_id=import_id, changed_at=when,
                                        changes={"trang_thai": ["Đang thi hành", "Hoãn thi hành"]}))
            session.get(RegisterCase, code).changed_at = when

    def dossier(self, code: str | None, docs: list[Doc] | None = None, *, status: str = "archived",
                method: str | None = "qr", confidence: float | None = 1.0, archived_at: dt.datetime | None = None,
                don_vi: str | None = "register", year: int | None | str = "register", blank_kept: int = 0,
                blank_dropped: int = 0, without_text: int = 0, no_confidence: int = 0,
                duplicates: int = 0, nfd_pages: int = 0, page_text: str = TEXT) -> int:
        """An input processed into DOCS (default: a QĐTHA and a judgment), with problem pages added as asked."""
        docs = [qd(), ban_an()] if docs is None else docs
        with self.database.session() as session:
            case = session.get(RegisterCase, code) if code else None
            dossier = Dossier(
                batch_id=self.batch_id, input_path=f"/scans/{next(self._ids)}", status=status, ma_ho_so=code,
                match_method=method, confidence=confidence, profile="thads",
                don_vi=(case.don_vi if case else None) if don_vi == "register" else don_vi,
                year=(case.year if case else None) if year == "register" else year,
                archived_at=(archived_at or NOW - dt.timedelta(days=1)) if status in ("archived", "needs_review")
                else None,
            )
            session.add(dossier)
            session.flush()
            seq = 0

            def page(document_id: int | None, **kw: object) -> Page:
                nonlocal seq
                seq += 1
                values: dict[str, object] = {"words": 120, "ocr_confidence": 91.0, "text": page_text, "blank": False}
                values.update(kw)
                row = Page(dossier_id=dossier.id, document_id=document_id, seq=seq, **values)
                session.add(row)
                return row

            first_doc = None
            for ordinal, d in enumerate(docs, start=1):
                document = Document(
                    dossier_id=dossier.id, ordinal=ordinal, type=d.type, number=d.number, date=d.date,
                    page_count=d.pages, output_path=f"archive/x/{code}/{code}.{ordinal:03d}.pdf", pdfa_ok=d.pdfa_ok,
                )
                session.add(document)
                session.flush()
                first_doc = first_doc or document.id
                for _ in range(d.pages):
                    page(document.id)
            for _ in range(blank_kept):
                page(first_doc, blank=True, words=0, text=None)
            for _ in range(blank_dropped):
                page(None, blank=True, words=0, text=None, ocr_confidence=None)
            for _ in range(without_text):
                page(first_doc, words=0, text=None, ocr_confidence=12.0)
            for _ in range(no_confidence):
                page(first_doc, ocr_confidence=None)
            for _ in range(duplicates):
                page(first_doc, duplicate_of=1)
            for _ in range(nfd_pages):
                page(first_doc, text=unicodedata.normalize("NFD", "Quyết định thi hành án"))
            dossier.pages_in = seq
            dossier.pages_out = sum(d.pages for d in docs) + blank_kept + without_text + no_confidence + duplicates \
                + nfd_pages
            dossier.blank_pages = blank_kept + blank_dropped
            return dossier.id

    def page_ids(self, dossier_id: int) -> list[int]:
        with self.database.session() as session:
            return list(session.scalars(select(Page.id).where(Page.dossier_id == dossier_id).order_by(Page.seq)))


PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@contextmanager
def scratch_postgres(name: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the local server for one test, dropped afterwards; yields its URL."""
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{PG_SERVER}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(name="any_world", params=["sqlite", "postgresql"])
def any_world_fixture(request: pytest.FixtureRequest, tmp_path: Path,
                      monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """A World on SQLite and, in a second run, on the local PostgreSQL server."""
    if request.param == "sqlite":
        monkeypatch.delenv("SCANFLOW_DB_URL", raising=False)
        built = World(tmp_path / "home")
        yield built
        built.database.dispose()
        return
    with scratch_postgres(f"scanflow_test_quality_{os.getpid()}") as url:
        monkeypatch.setenv("SCANFLOW_DB_URL", url)
        built = World(tmp_path / "home")
        yield built
        built.database.dispose()


@pytest.fixture(name="world")
def world_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """A World on SQLite."""
    monkeypatch.delenv("SCANFLOW_DB_URL", raising=False)
    built = World(tmp_path / "home")
    yield built
    built.database.dispose()


def test_world_builds_a_digitised_case(any_world: World) -> None:
    world = any_world
    code = world.register("HS-1")
    dossier_id = world.dossier(code, blank_dropped=1)
    with world.database.session() as session:
        dossier = session.get(Dossier, dossier_id)
        assert dossier.ma_ho_so == code and dossier.don_vi == UNIT_A
        assert [d.type for d in dossier.documents] == ["qd_tha", "ban_an"]
        assert [p.document_id is None for p in dossier.pages] == [False, False, True]
