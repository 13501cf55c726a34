"""The watched inbox's ledger: one row per unit found in the inbox and one per dossier (part) it was split into."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scanflow.store.models import Base, utcnow


class UnitState(enum.StrEnum):
    """Where an inbox unit is; only `closed` and `gone` are final.

    waiting → processing → done → closed: a unit is `processing` from the moment its parts are listed until
    every part's outcome is committed (`done`); it is `closed` once its inbox copy is removed or moved to
    quarantine/. `gone`: it left the inbox before it settled (renamed, deleted by a person).
    """

    waiting = "waiting"
    processing = "processing"
    done = "done"
    closed = "closed"
    gone = "gone"


ACTIVE_STATES = (UnitState.waiting, UnitState.processing, UnitState.done)
_ACTIVE_SQL = "state IN ('waiting', 'processing', 'done')"


class IntakeUnit(Base):
    """A file or folder dropped in the inbox (or a station's subfolder): one scan run, one or more dossiers."""

    __tablename__ = "intake_unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station: Mapped[str] = mapped_column(String(120), default="")  # "" for the inbox itself
    rel_path: Mapped[str] = mapped_column(Text)  # its name inside the station folder, exactly as on disk
    given: Mapped[str] = mapped_column(Text)  # "station/name" in NFC: what records and logs show
    kind: Mapped[str] = mapped_column(String(10))  # file | folder
    state: Mapped[str] = mapped_column(String(20), default=UnitState.waiting, index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))  # archived | needs_review | duplicate | quarantined | mixed
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # times it was found settled but not readable
    interruptions: Mapped[int] = mapped_column(Integer, default=0)  # processing cut short (crash, stop), redone
    signature: Mapped[str | None] = mapped_column(Text)  # sizes and mtimes when it settled
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    masters: Mapped[list | None] = mapped_column(JSON)  # originals/ copies of a split scan, relative to the home
    host: Mapped[str] = mapped_column(String(255), default="")
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # the current (last) processing attempt
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    parts: Mapped[list[IntakePart]] = relationship(
        back_populates="unit", order_by="IntakePart.seq", cascade="all, delete-orphan"
    )

    __table_args__ = (
        # At most one live unit per inbox path; finished ones stay as history.
        Index(
            "ux_intake_unit_live_path",
            "station",
            "rel_path",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
    )


class IntakePart(Base):
    """One dossier of a unit: the whole unit, or the pages from one cover sheet to the next."""

    __tablename__ = "intake_part"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("intake_unit.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1-based
    given: Mapped[str] = mapped_column(Text)  # the pipeline's input name (Dossier.input_path)
    cover: Mapped[str | None] = mapped_column(String(64))  # mã hồ sơ read from its cover sheet
    first_page: Mapped[int] = mapped_column(Integer, default=1)  # 1-based pages of the unit
    last_page: Mapped[int] = mapped_column(Integer, default=1)
    work_path: Mapped[str | None] = mapped_column(Text)  # the part written under work/, relative to the home
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="SET NULL"), index=True)
    status: Mapped[str | None] = mapped_column(String(20))  # the committed outcome; None until then
    error: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float | None] = mapped_column(Float)
    set_aside: Mapped[str | None] = mapped_column(Text)  # quarantine/ path it was moved to, relative to the home

    unit: Mapped[IntakeUnit] = relationship(back_populates="parts")

    __table_args__ = (UniqueConstraint("unit_id", "seq", name="uq_intake_part_seq"),)
