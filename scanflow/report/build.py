"""The figures of a periodic report, per unit, by SQL aggregation: what every output format shows.

As of the period's end: register cases imported by then (`RegisterCase.imported_at`, the first import),
cases digitised by then (`case_quality.first_archived_at`) and, of those, the ones meeting each criterion as
last evaluated. In the period: cases digitised for the first time, and pages scanned (Page rows of dossiers
archived in the period). The backlog is the queue as it stands when the report is made. The previous period
gives the change in coverage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from scanflow.config import Settings
from scanflow.quality import CRITERIA
from scanflow.quality.backlog import status_counts
from scanflow.quality.stats import last_register_import, register_is_current, unit_sort_key
from scanflow.report.periods import Period
from scanflow.store.models import Dossier, DossierStatus, Page, RegisterCase, utcnow
from scanflow.store.quality import CaseQuality


@dataclass
class UnitRow:
    """One unit's line of the report (or the total line, with `don_vi` None and `total` set)."""

    don_vi: str | None
    register_total: int = 0
    digitized: int = 0
    criteria: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CRITERIA, 0))
    digitized_in_period: int = 0
    pages_in_period: int = 0
    processing: int = 0
    needs_review: int = 0
    quarantined: int = 0
    previous_register_total: int = 0
    previous_digitized: int = 0
    total: bool = False

    @property
    def coverage(self) -> float:
        return self.digitized / self.register_total if self.register_total else 0.0

    @property
    def previous_coverage(self) -> float:
        return self.previous_digitized / self.previous_register_total if self.previous_register_total else 0.0

    @property
    def coverage_change(self) -> float:
        """Change of coverage since the previous period, as a fraction (0.05 = 5 percentage points)."""
        return self.coverage - self.previous_coverage

    @property
    def not_digitized(self) -> int:
        return max(0, self.register_total - self.digitized)

    def add(self, other: UnitRow) -> None:
        for name in ("register_total", "digitized", "digitized_in_period", "pages_in_period", "processing",
                     "needs_review", "quarantined", "previous_register_total", "previous_digitized"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for c in CRITERIA:
            self.criteria[c] += other.criteria[c]


@dataclass
class ReportData:
    """A whole report: the period, the one before it, one row per unit and the total."""

    period: Period
    previous: Period
    generated_at: dt.datetime  # local time
    rows: list[UnitRow]
    total: UnitRow
    don_vi: str | None = None
    register_current: bool = True
    notes: list[str] = field(default_factory=list)


def build_report(session: Session, settings: Settings, period: Period, *, don_vi: str | None = None) -> ReportData:
    """Gather the report of PERIOD (all units, or DON_VI only)."""
    previous = period.previous()
    start, end = period.utc_bounds()
    _, previous_end = previous.utc_bounds()
    rows: dict[str | None, UnitRow] = {}

    def row(unit: str | None) -> UnitRow:
        return rows.setdefault(unit, UnitRow(unit))

    rc = RegisterCase
    query = select(
        rc.don_vi, func.count().filter(rc.imported_at < end), func.count().filter(rc.imported_at < previous_end)
    ).group_by(rc.don_vi)
    for unit, total, before in session.execute(query if don_vi is None else query.where(rc.don_vi == don_vi)):
        row(unit).register_total, row(unit).previous_register_total = total, before

    cq = CaseQuality
    by_end = cq.first_archived_at < end
    query = select(
        cq.don_vi,
        func.count().filter(by_end),
        func.count().filter(cq.first_archived_at < previous_end),
        func.count().filter(and_(cq.first_archived_at >= start, by_end)),
        *(func.count().filter(and_(by_end, getattr(cq, c))) for c in CRITERIA),
    ).group_by(cq.don_vi)
    live = register_is_current(last_register_import(session), settings)
    for unit, digitized, before, new, *met in session.execute(
        query if don_vi is None else query.where(cq.don_vi == don_vi)
    ):
        r = row(unit)
        r.digitized, r.previous_digitized, r.digitized_in_period = digitized, before, new
        r.criteria = {c: (n if c != "song" or live else 0) for c, n in zip(CRITERIA, met, strict=True)}

    query = (
        select(Dossier.don_vi, func.count(Page.id))
        .join(Page, Page.dossier_id == Dossier.id)
        .where(Dossier.status == DossierStatus.archived, Dossier.archived_at >= start, Dossier.archived_at < end)
        .group_by(Dossier.don_vi)
    )
    for unit, pages in session.execute(query if don_vi is None else query.where(Dossier.don_vi == don_vi)):
        row(unit).pages_in_period = pages

    for unit, counts in status_counts(session, don_vi=don_vi).items():
        r = row(unit)
        r.processing, r.needs_review, r.quarantined = (counts[k] for k in ("processing", "needs_review", "quarantined"))

    ordered = [rows[u] for u in sorted(rows, key=unit_sort_key)]
    total = UnitRow(None, total=True)
    for r in ordered:
        total.add(r)
    notes = []
    if not live:
        notes.append(f"Sống = 0: sổ thụ lý chưa được nhập lại trong {settings.register_max_age_days} ngày qua.")
    return ReportData(
        period=period,
        previous=previous,
        generated_at=utcnow().replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None),
        rows=ordered,
        total=total,
        don_vi=don_vi,
        register_current=live,
        notes=notes,
    )
