"""Gathering the facts the criteria read, for a set of register cases, with a handful of set-based queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path, PurePosixPath

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from scanflow.config import TaggingSettings, load_profile
from scanflow.errors import ConfigError
from scanflow.quality.criteria import CaseFacts, DocumentFacts, DossierFacts, PageFacts, is_nfc
from scanflow.register.keys import number_key
from scanflow.store.models import Document, Dossier, DossierStatus, Page, RegisterCase, RegisterHistory
from scanflow.store.quality import CaseRecheck, DuplicateResolution

CHUNK = 1000  # cases per round of queries: keeps IN lists well under every engine's parameter limit


@lru_cache(maxsize=64)
def _threshold(profile: str, home: str | None) -> float:
    try:
        return load_profile(profile, Path(home) if home else None).tagging.accept_threshold
    except ConfigError:
        return TaggingSettings().accept_threshold


def accept_threshold(profile: str, home: Path | None) -> float:
    """The accept threshold of the profile a dossier was processed with (the default when it is gone)."""
    return _threshold(profile, str(home) if home else None)


def archived_in(codes: list[str]):  # noqa: ANN201 - SQL expression
    return and_(Dossier.status == DossierStatus.archived, Dossier.ma_ho_so.in_(codes))


def digitised_codes(session: Session) -> Iterator[str]:
    """Every register case with at least one archived dossier, in code order."""
    query = (
        select(Dossier.ma_ho_so)
        .join(RegisterCase, RegisterCase.ma_ho_so == Dossier.ma_ho_so)
        .where(Dossier.status == DossierStatus.archived)
        .group_by(Dossier.ma_ho_so)
        .order_by(Dossier.ma_ho_so)
    )
    yield from session.scalars(query)


def chunks(codes: Iterable[str], size: int = CHUNK) -> Iterator[list[str]]:
    batch: list[str] = []
    for code in codes:
        batch.append(code)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def gather(session: Session, codes: list[str], home: Path | None) -> dict[str, CaseFacts]:
    """The facts of those CODES that are digitised register cases (others are absent from the result)."""
    if not codes:
        return {}
    archived_at = func.coalesce(Dossier.archived_at, Dossier.updated_at)
    cases: dict[str, CaseFacts] = {}
    rows = session.execute(
        select(
            RegisterCase.ma_ho_so, RegisterCase.don_vi, RegisterCase.year, RegisterCase.loai,
            RegisterCase.so_qd_tha, RegisterCase.ngay_qd_tha, RegisterCase.so_ban_an, RegisterCase.ngay_ban_an,
            RegisterCase.ngay_cap_nhat, func.coalesce(func.sum(Dossier.pages_out), 0),
        )
        .join(Dossier, Dossier.ma_ho_so == RegisterCase.ma_ho_so)
        .where(archived_in(codes))
        .group_by(RegisterCase.ma_ho_so)
    )
    for code, don_vi, year, loai, so_qd, ngay_qd, so_ba, ngay_ba, ngay_cap_nhat, pages in rows:
        cases[code] = CaseFacts(
            ma_ho_so=code, don_vi=don_vi, year=year, loai=loai,
            so_qd_tha=so_qd, so_ban_an=so_ba, qd_key=number_key(so_qd, _year(ngay_qd)),
            ban_an_key=number_key(so_ba, _year(ngay_ba)), ngay_cap_nhat=ngay_cap_nhat,
            register_changed_at=None, rechecked_at=None, pages=int(pages),
        )
    if not cases:
        return cases
    present = list(cases)
    for code, changed in session.execute(
        select(RegisterHistory.ma_ho_so, func.max(RegisterHistory.changed_at))
        .where(RegisterHistory.ma_ho_so.in_(present))
        .group_by(RegisterHistory.ma_ho_so)
    ):
        cases[code].register_changed_at = changed
    for code, when in session.execute(
        select(CaseRecheck.ma_ho_so, CaseRecheck.rechecked_at).where(CaseRecheck.ma_ho_so.in_(present))
    ):
        cases[code].rechecked_at = when

    owner: dict[int, str] = {}
    for dossier_id, code, method, confidence, profile, when in session.execute(
        select(Dossier.id, Dossier.ma_ho_so, Dossier.match_method, Dossier.confidence, Dossier.profile, archived_at)
        .where(archived_in(present))
        .order_by(Dossier.id)
    ):
        owner[dossier_id] = code
        cases[code].dossiers.append(
            DossierFacts(dossier_id, method, confidence, accept_threshold(profile, home), _naive(when))
        )

    for row in session.execute(
        select(
            Document.dossier_id, Document.ordinal, Document.type, Document.number, Document.date, Document.pdfa_ok,
            Document.output_path, Document.title, Document.summary, Document.issuer,
        )
        .join(Dossier, Dossier.id == Document.dossier_id)
        .where(archived_in(present))
        .order_by(Document.dossier_id, Document.ordinal)
    ):
        dossier_id, ordinal, doc_type, number, date, pdfa_ok, output_path, title, summary, issuer = row
        name = PurePosixPath(output_path).name if output_path else f"tài liệu {ordinal:03d}"
        cases[owner[dossier_id]].documents.append(
            DocumentFacts(
                dossier_id, ordinal, doc_type, number, number_key(number, _year(date)), bool(pdfa_ok), name,
                all(is_nfc(v) for v in (number, title, summary, issuer)),
            )
        )

    for page in _problem_pages(session, present):
        cases[owner[page.dossier_id]].problem_pages.append(page)
    return cases


def _problem_pages(session: Session, codes: list[str]) -> list[PageFacts]:
    """Pages of the cases' archived dossiers that break a page rule; the NFC check reads every kept page's text."""
    kept = Page.document_id.is_not(None)
    unresolved = and_(Page.duplicate_of.is_not(None), DuplicateResolution.page_id.is_(None))
    suspect = or_(
        and_(kept, or_(Page.ocr_confidence.is_(None), and_(Page.words == 0, Page.blank.is_(False)))),
        and_(kept, Page.blank.is_(True)),
        and_(kept, unresolved),
    )
    columns = (
        Page.id, Page.dossier_id, Page.seq, kept, Page.blank, Page.words, Page.ocr_confidence,
        Page.duplicate_of, DuplicateResolution.page_id,
    )
    base = (
        select(*columns)
        .join(Dossier, Dossier.id == Page.dossier_id)
        .outerjoin(DuplicateResolution, DuplicateResolution.page_id == Page.id)
        .where(archived_in(codes))
    )
    found: dict[int, PageFacts] = {}
    for page_id, dossier_id, seq, is_kept, blank, words, conf, dup, resolved in session.execute(base.where(suspect)):
        found[page_id] = PageFacts(dossier_id, seq, bool(is_kept), bool(blank), words, conf,
                                   dup if resolved is None else None)
    texts = (
        select(Page.id, Page.text, *columns[1:])
        .join(Dossier, Dossier.id == Page.dossier_id)
        .outerjoin(DuplicateResolution, DuplicateResolution.page_id == Page.id)
        .where(archived_in(codes), kept, Page.text.is_not(None))
        .execution_options(yield_per=2000)
    )
    for page_id, text, dossier_id, seq, is_kept, blank, words, conf, dup, resolved in session.execute(texts):
        if is_nfc(text):
            continue
        known = found.get(page_id)
        if known is None:
            known = PageFacts(dossier_id, seq, bool(is_kept), bool(blank), words, conf,
                              dup if resolved is None else None)
        found[page_id] = PageFacts(known.dossier_id, known.seq, known.kept, known.blank, known.words,
                                   known.ocr_confidence, known.duplicate_of, text_nfc=False)
    return list(found.values())


def _year(day: dt.date | None) -> int | None:
    return day.year if day else None


def _naive(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=None) if value.tzinfo else value
