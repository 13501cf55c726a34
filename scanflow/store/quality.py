"""Tables of the quality module: per-case verdicts on the four criteria, their reasons, and the human decisions
(duplicate pages resolved, dossiers re-checked) that the criteria read.

`case_quality` and `quality_reason` are derived: `scanflow stats --check` recomputes them from the facts
(dossiers, documents, pages, the register, and the two decision tables here) and reports any difference.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from scanflow.store.models import Base, Dossier, RegisterCase, utcnow


class CaseQuality(Base):
    """One digitised register case (at least one archived dossier under it): the four criteria as last evaluated.

    `don_vi` and `year` are copied from the register at evaluation so that counting needs no join with the
    1,000,000-row register. `song` holds the per-case part of "sống" (the digital dossier is at least as new
    as the register entry); whether the register import itself is recent is decided when counting.
    """

    __tablename__ = "case_quality"

    ma_ho_so: Mapped[str] = mapped_column(String(64), primary_key=True)
    don_vi: Mapped[str | None] = mapped_column(String(120))
    year: Mapped[int | None] = mapped_column(Integer)
    dossiers: Mapped[int] = mapped_column(Integer, default=0)  # archived dossiers (parts) under the case
    pages: Mapped[int] = mapped_column(Integer, default=0)  # pages in the archived PDFs
    first_archived_at: Mapped[dt.datetime] = mapped_column(DateTime)  # when the case first became digitised
    last_archived_at: Mapped[dt.datetime] = mapped_column(DateTime)
    dung: Mapped[bool] = mapped_column(Boolean, default=False)  # đúng: correct
    du: Mapped[bool] = mapped_column(Boolean, default=False)  # đủ: complete
    sach: Mapped[bool] = mapped_column(Boolean, default=False)  # sạch: clean
    song: Mapped[bool] = mapped_column(Boolean, default=False)  # sống: live (per-case part)
    evaluated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class QualityReason(Base):
    """Why a digitised case fails a criterion: a machine code and a short Vietnamese text for the supervisor.

    `dossier_id` names the dossier (part) the problem is in; NULL when it concerns the case as a whole
    (a required document missing from every part, say).
    """

    __tablename__ = "quality_reason"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ma_ho_so: Mapped[str] = mapped_column(String(64), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(4))  # dung | du | sach | song
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSON)


class DuplicateResolution(Base):
    """A person's decision on a page flagged as a near-duplicate (Page.duplicate_of): the flag no longer counts."""

    __tablename__ = "duplicate_resolution"

    page_id: Mapped[int] = mapped_column(ForeignKey("page.id", ondelete="CASCADE"), primary_key=True)
    resolution: Mapped[str] = mapped_column(String(20))  # distinct: not the same sheet | intended: kept on purpose
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CaseRecheck(Base):
    """A person re-checked a digital dossier against the register entry ("sống": re-checked after an update)."""

    __tablename__ = "case_recheck"

    ma_ho_so: Mapped[str] = mapped_column(String(64), primary_key=True)
    rechecked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    rechecked_by: Mapped[str | None] = mapped_column(String(120))


# Covering indexes for the counters, so that `stats` reads indexes only (1,000,000 register cases in well under 1 s).
Index("ix_case_quality_counters", CaseQuality.don_vi, CaseQuality.year, CaseQuality.dung, CaseQuality.du,
      CaseQuality.sach, CaseQuality.song)
Index("ix_case_quality_first_archived", CaseQuality.first_archived_at)
Index("ix_register_case_year_unit", RegisterCase.year, RegisterCase.don_vi)
Index("ix_dossier_backlog", Dossier.status, Dossier.don_vi, Dossier.year)
