"""Tables for maintenance runs: a reprocess run and its per-dossier progress, so an interrupted run resumes."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scanflow.store.models import Base, utcnow


class ItemState(enum.StrEnum):
    """Where one dossier of a reprocess run stands."""

    pending = "pending"
    done = "done"
    failed = "failed"  # left as it was; the error says why


class ReprocessRun(Base):
    """One `scanflow reprocess` selection: which dossiers, with what profile, and how far it got."""

    __tablename__ = "reprocess_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selection_key: Mapped[str] = mapped_column(String(64), index=True)  # sha-256 of selection + profile
    selection: Mapped[dict] = mapped_column(JSON)  # the filters as given: all, case, don_vi, since, status
    profile: Mapped[str | None] = mapped_column(String(80))  # None: each dossier's own profile
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)  # last progress: a heartbeat
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    items: Mapped[list[ReprocessItem]] = relationship(
        back_populates="run", order_by="ReprocessItem.position", cascade="all, delete-orphan"
    )


class ReprocessItem(Base):
    """One dossier of a reprocess run, fixed when the run starts so a resumed run redoes exactly the rest."""

    __tablename__ = "reprocess_item"

    run_id: Mapped[int] = mapped_column(ForeignKey("reprocess_run.id", ondelete="CASCADE"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # order of processing
    pages: Mapped[int] = mapped_column(Integer, default=0)  # pages in its originals, for the progress bar
    state: Mapped[str] = mapped_column(String(12), default=ItemState.pending, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    run: Mapped[ReprocessRun] = relationship(back_populates="items")
