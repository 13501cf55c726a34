"""Read-only queries behind the dashboard's pages: filtered dossier lists, backlog, throughput over time."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from scanflow.config import Settings
from scanflow.quality.criteria import CRITERIA
from scanflow.quality.refresh import Reason, dossier_reasons
from scanflow.quality.stats import last_register_import, register_is_current
from scanflow.store.models import Document, Dossier, DossierStatus, Page, RegisterCase
from scanflow.store.quality import CaseQuality


@dataclass(frozen=True)
class DossierFilter:
    """What the dossier list is narrowed to; None means any."""

    unit: str | None = None
    year: int | None = None
    status: str | None = None
    criterion: str | None = None  # only dossiers whose case fails this criterion
    code: str | None = None  # part of the mã hồ sơ or of the input path

    def as_query(self) -> dict[str, str]:
        """The filter as URL query parameters (for links that keep it)."""
        pairs = {"unit": self.unit, "year": self.year, "status": self.status, "criterion": self.criterion,
                 "code": self.code}
        return {k: str(v) for k, v in pairs.items() if v not in (None, "")}


def _filtered(query: Select, flt: DossierFilter) -> Select:
    if flt.unit:
        query = query.where(Dossier.don_vi == flt.unit)
    if flt.year:
        query = query.where(Dossier.year == flt.year)
    if flt.status:
        query = query.where(Dossier.status == flt.status)
    if flt.criterion in CRITERIA:
        failing = select(CaseQuality.ma_ho_so).where(getattr(CaseQuality, flt.criterion).is_(false()))
        query = query.where(Dossier.ma_ho_so.in_(failing))
    if flt.code:
        like = f"%{flt.code.strip()}%"
        query = query.where(or_(Dossier.ma_ho_so.ilike(like), Dossier.input_path.ilike(like)))
    return query


def list_dossiers(session: Session, flt: DossierFilter, page: int = 1, per_page: int = 50) -> tuple[list[Dossier], int]:
    """One page of dossiers matching FLT, newest first, and how many match in all."""
    total = session.scalar(_filtered(select(func.count()).select_from(Dossier), flt)) or 0
    rows = session.scalars(
        _filtered(select(Dossier), flt)
        .order_by(Dossier.updated_at.desc(), Dossier.id.desc())
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return list(rows), total


def dossier_choices(session: Session) -> tuple[list[str], list[int]]:
    """The units and years that occur among dossiers, for the dossier list's filter menus."""
    units = sorted(u for u in session.scalars(select(Dossier.don_vi).distinct()) if u)
    years = sorted((y for y in session.scalars(select(Dossier.year).distinct()) if y), reverse=True)
    return units, years


def register_units(session: Session) -> list[str]:
    """The units of the register (indexed column), for the report form."""
    return sorted(u for u in session.scalars(select(RegisterCase.don_vi).distinct()) if u)


def register_years(session: Session) -> list[int]:
    """The years of the register's cases and of the dossiers, newest first, for the year menus."""
    years = {y for y in session.scalars(select(RegisterCase.year).distinct()) if y}
    years |= {y for y in session.scalars(select(Dossier.year).distinct()) if y}
    return sorted(years, reverse=True)


def unit_exists(session: Session, unit: str) -> bool:
    """Whether UNIT names a unit of the register or of some dossier."""
    in_register = select(RegisterCase.ma_ho_so).where(RegisterCase.don_vi == unit).limit(1)
    in_dossiers = select(Dossier.id).where(Dossier.don_vi == unit).limit(1)
    return session.scalar(in_register) is not None or session.scalar(in_dossiers) is not None


def _local(value: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) time in the server's time zone, where the office's days begin and end."""
    return value.replace(tzinfo=dt.UTC).astimezone()


def _archived_pages(session: Session, since: dt.datetime, unit: str | None) -> list[tuple[dt.datetime, int]]:
    query = select(Dossier.archived_at, Dossier.pages_out).where(
        Dossier.archived_at >= since, Dossier.status.in_((DossierStatus.archived, DossierStatus.needs_review))
    )
    if unit:
        query = query.where(Dossier.don_vi == unit)
    return [(at, pages or 0) for at, pages in session.execute(query)]


def pages_per_day(session: Session, days: int = 30, unit: str | None = None,
                  today: dt.date | None = None) -> list[tuple[dt.date, int]]:
    """Pages archived on each of the last DAYS local days (oldest first, zero days included)."""
    today = today or dt.datetime.now().astimezone().date()
    first = today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first, dt.time()).astimezone().astimezone(dt.UTC).replace(tzinfo=None)
    totals: Counter[dt.date] = Counter()
    for at, pages in _archived_pages(session, since, unit):
        totals[_local(at).date()] += pages
    return [(first + dt.timedelta(days=i), totals[first + dt.timedelta(days=i)]) for i in range(days)]


def pages_per_week(session: Session, weeks: int = 12, unit: str | None = None,
                   today: dt.date | None = None) -> list[tuple[dt.date, int]]:
    """Pages archived in each of the last WEEKS ISO weeks, keyed by the week's Monday (oldest first)."""
    today = today or dt.datetime.now().astimezone().date()
    this_monday = today - dt.timedelta(days=today.weekday())
    first = this_monday - dt.timedelta(weeks=weeks - 1)
    days = (today - first).days + 1
    totals: Counter[dt.date] = Counter()
    for day, pages in pages_per_day(session, days, unit, today):
        totals[day - dt.timedelta(days=day.weekday())] += pages
    return [(first + dt.timedelta(weeks=i), totals[first + dt.timedelta(weeks=i)]) for i in range(weeks)]


def load_dossier(session: Session, dossier_id: int) -> Dossier | None:
    """A dossier with its documents, pages and originals loaded."""
    return session.scalar(
        select(Dossier)
        .where(Dossier.id == dossier_id)
        .options(
            selectinload(Dossier.documents).selectinload(Document.pages),
            selectinload(Dossier.pages),
            selectinload(Dossier.originals),
        )
    )


@dataclass(frozen=True)
class CaseVerdict:
    """The four criteria for a dossier's case as last evaluated, and the reasons it misses some."""

    passed: dict[str, bool]
    reasons: list[Reason]
    evaluated_at: dt.datetime | None


def case_verdict(session: Session, dossier: Dossier, settings: Settings) -> CaseVerdict | None:
    """The quality verdict of the dossier's case, or None when the case was never evaluated."""
    if not dossier.ma_ho_so:
        return None
    row = session.get(CaseQuality, dossier.ma_ho_so)
    if row is None:
        return None
    live = register_is_current(last_register_import(session), settings)
    passed = {c: bool(getattr(row, c)) for c in CRITERIA}
    passed["song"] = passed["song"] and live  # as the counters decide it
    return CaseVerdict(passed, dossier_reasons(session, dossier.id, settings=settings), row.evaluated_at)


def page_number(session: Session, page: Page) -> int:
    """PAGE's number inside its document's PDF (1-based)."""
    return session.scalar(
        select(func.count()).where(Page.document_id == page.document_id, Page.seq <= page.seq)
    ) or 1


def review_queue(session: Session, page: int = 1, per_page: int = 25) -> tuple[list[Dossier], int]:
    """Dossiers waiting for a person to decide their case, oldest first."""
    where = Dossier.status == DossierStatus.needs_review
    total = session.scalar(select(func.count()).select_from(Dossier).where(where)) or 0
    rows = session.scalars(
        select(Dossier).where(where).order_by(Dossier.created_at, Dossier.id).limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return list(rows), total
