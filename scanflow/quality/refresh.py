"""Keeping `case_quality` and `quality_reason` in step with the facts: after a dossier is archived, re-assigned or
re-checked, after a duplicate flag is resolved, and wholesale (`scanflow stats --refresh`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from scanflow.config import Settings
from scanflow.quality.criteria import Verdict, judge, register_stale_message
from scanflow.quality.facts import chunks, digitised_codes, gather
from scanflow.store.models import Dossier, DossierStatus, Page, RegisterCase, RegisterHistory, utcnow
from scanflow.store.quality import CaseQuality, CaseRecheck, DuplicateResolution, QualityReason

RESOLUTIONS = ("distinct", "intended")  # not the same sheet after all | the repeat is kept on purpose


def verdict_rows(verdict: Verdict, evaluated_at: dt.datetime) -> tuple[dict, list[dict]]:
    """The `case_quality` row and `quality_reason` rows that store VERDICT."""
    row = {
        "ma_ho_so": verdict.ma_ho_so,
        "don_vi": verdict.don_vi,
        "year": verdict.year,
        "dossiers": verdict.dossiers,
        "pages": verdict.pages,
        "first_archived_at": verdict.first_archived_at,
        "last_archived_at": verdict.last_archived_at,
        "evaluated_at": evaluated_at,
        **verdict.flags,
    }
    reasons = [
        {
            "ma_ho_so": verdict.ma_ho_so,
            "dossier_id": f.dossier_id,
            "criterion": f.criterion,
            "code": f.code,
            "message": f.message,
            "detail": f.detail,
        }
        for f in verdict.failures
    ]
    return row, reasons


def refresh_cases(session: Session, codes: Iterable[str], *, home: Path | None = None) -> int:
    """Re-judge CODES from their facts and store the result; codes no longer digitised lose their row.

    Runs inside the caller's transaction. On PostgreSQL the register rows are locked first so that two
    workers finishing two parts of one case at once do not both insert its row. Returns how many of the
    codes are digitised.
    """
    session.flush()
    stored = 0
    now = utcnow()
    for chunk in chunks(sorted(set(c for c in codes if c))):
        session.execute(select(RegisterCase.ma_ho_so).where(RegisterCase.ma_ho_so.in_(chunk)).with_for_update())
        verdicts = [judge(facts) for facts in gather(session, chunk, home).values()]
        session.execute(delete(QualityReason).where(QualityReason.ma_ho_so.in_(chunk)))
        session.execute(delete(CaseQuality).where(CaseQuality.ma_ho_so.in_(chunk)))
        _store(session, verdicts, now)
        stored += len(verdicts)
    return stored


def _store(session: Session, verdicts: list[Verdict], now: dt.datetime) -> None:
    rows, reasons = [], []
    for verdict in verdicts:
        row, why = verdict_rows(verdict, now)
        rows.append(row)
        reasons.extend(why)
    if rows:
        session.execute(insert(CaseQuality), rows)
    if reasons:
        session.execute(insert(QualityReason), reasons)


def refresh_dossier(session: Session, dossier_id: int, *, previous_case: str | None = None,
                    home: Path | None = None) -> None:
    """Re-judge the case of dossier DOSSIER_ID (call it after the dossier's rows are written, same session).

    Pass PREVIOUS_CASE when the dossier has just been moved off another case (review re-assignment), so
    that case is re-judged too. HOME lets the dossier's profile be found among the home's profiles (its
    accept threshold is read); without it the bundled profiles are used.
    """
    session.flush()
    dossier = session.get(Dossier, dossier_id)
    codes = {previous_case} if previous_case else set()
    if dossier is not None and dossier.ma_ho_so:
        codes.add(dossier.ma_ho_so)
    codes |= set(session.scalars(select(QualityReason.ma_ho_so).where(QualityReason.dossier_id == dossier_id)))
    refresh_cases(session, codes, home=home)


def refresh_after_import(session: Session, import_id: int, *, home: Path | None = None) -> int:
    """Re-judge what register import IMPORT_ID changed: the cases it updated (their register_history rows),
    and cases it added that already had archived dossiers (scanned with a cover sheet before the register
    knew them). Returns how many of those are digitised. Call it once at the end of an import."""
    changed = select(RegisterHistory.ma_ho_so).where(RegisterHistory.import_id == import_id)
    unjudged = (
        select(Dossier.ma_ho_so)
        .join(RegisterCase, RegisterCase.ma_ho_so == Dossier.ma_ho_so)
        .outerjoin(CaseQuality, CaseQuality.ma_ho_so == Dossier.ma_ho_so)
        .where(Dossier.status == DossierStatus.archived, CaseQuality.ma_ho_so.is_(None))
    )
    codes = set(session.scalars(changed)) | set(session.scalars(unjudged))
    return refresh_cases(session, codes, home=home)


def refresh_all(session: Session, *, home: Path | None = None) -> int:
    """Rebuild `case_quality` and `quality_reason` from the facts for every digitised case; returns the count."""
    codes = list(digitised_codes(session))
    session.execute(delete(QualityReason))
    session.execute(delete(CaseQuality))
    now = utcnow()
    count = 0
    for chunk in chunks(codes):
        verdicts = [judge(facts) for facts in gather(session, chunk, home).values()]
        _store(session, verdicts, now)
        count += len(verdicts)
    return count


def resolve_duplicate(session: Session, page_id: int, resolution: str, *, by: str | None = None,
                      home: Path | None = None) -> None:
    """Record a person's decision on a page flagged as a near-duplicate, and re-judge its case."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution must be one of {', '.join(RESOLUTIONS)}")
    page = session.get(Page, page_id)
    if page is None:
        raise LookupError(f"no page {page_id}")
    existing = session.get(DuplicateResolution, page_id)
    if existing is None:
        session.add(DuplicateResolution(page_id=page_id, resolution=resolution, resolved_by=by))
    else:
        existing.resolution, existing.resolved_by, existing.resolved_at = resolution, by, utcnow()
    refresh_dossier(session, page.dossier_id, home=home)


def mark_rechecked(session: Session, ma_ho_so: str, *, by: str | None = None,
                   when: dt.datetime | None = None, home: Path | None = None) -> None:
    """Record that a person re-checked the digital dossier of MA_HO_SO against the register ("sống")."""
    when = when or utcnow()
    existing = session.get(CaseRecheck, ma_ho_so)
    if existing is None:
        session.add(CaseRecheck(ma_ho_so=ma_ho_so, rechecked_at=when, rechecked_by=by))
    else:
        existing.rechecked_at, existing.rechecked_by = when, by
    refresh_cases(session, [ma_ho_so], home=home)


@dataclass(frozen=True)
class Reason:
    """Why a case or one of its dossiers misses a criterion, as shown to a supervisor."""

    criterion: str
    code: str
    message: str
    dossier_id: int | None


def case_reasons(session: Session, ma_ho_so: str, *, settings: Settings | None = None,
                 dossier_id: int | None = None) -> list[Reason]:
    """The stored reasons of a case (of one dossier of it, plus the case-wide ones, when DOSSIER_ID is given),
    plus the register-age reason of "sống" when SETTINGS are given and the register import is too old."""
    from scanflow.quality.stats import last_register_import, register_is_current

    query = select(QualityReason).where(QualityReason.ma_ho_so == ma_ho_so)
    if dossier_id is not None:
        query = query.where(or_(QualityReason.dossier_id == dossier_id, QualityReason.dossier_id.is_(None)))
    reasons = [Reason(r.criterion, r.code, r.message, r.dossier_id)
               for r in session.scalars(query.order_by(QualityReason.id))]
    if settings is not None and session.get(CaseQuality, ma_ho_so) is not None:
        last = last_register_import(session)
        if not register_is_current(last, settings):
            reasons.append(Reason("song", "register_stale",
                                  register_stale_message(last, settings.register_max_age_days), None))
    return reasons


def dossier_reasons(session: Session, dossier_id: int, *, settings: Settings | None = None) -> list[Reason]:
    """The reasons a supervisor sees on dossier DOSSIER_ID: its own and its case's."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or not dossier.ma_ho_so:
        return []
    return case_reasons(session, dossier.ma_ho_so, settings=settings, dossier_id=dossier_id)
