"""The inbox state machine in the database: each unit's state and its parts' committed outcomes, and the
start-up reconciliation that makes a crash at any moment end with every input processed exactly once."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from scanflow.config import Settings
from scanflow.intake.units import UnitRef
from scanflow.pipeline import Outcome
from scanflow.store.db import Database
from scanflow.store.intake import ACTIVE_STATES, IntakePart, IntakeUnit, UnitState
from scanflow.store.models import Batch, Document, Dossier, DossierStatus, utcnow

BATCH_KIND = "watch"
# Dossier rows are matched to the attempt that made them by time; allow for clocks read a little apart.
CLOCK_SLACK = dt.timedelta(seconds=2)
DOCUMENT_NAME = re.compile(r"^.+\.\d{3,}\.pdf$")  # the pipeline's <stem>.<ordinal>.pdf


@dataclass(frozen=True)
class PartSpec:
    """A part as planned before processing (see intake.covers.PartPlan), with where it was written."""

    seq: int
    given: str
    first_page: int  # 1-based
    last_page: int
    cover: str | None = None
    work_path: str | None = None  # relative to the home; None when the part is the unit itself


@dataclass(frozen=True)
class PartRow:
    """A part as recorded: what to run, and its committed outcome (None until then)."""

    id: int
    seq: int
    given: str
    work_path: str | None
    status: str | None
    error: str | None
    dossier_id: int | None
    set_aside: str | None


@dataclass
class Reconciled:
    """What start-up reconciliation found and did."""

    resumed: list[int] = field(default_factory=list)  # units whose outcome was committed: finish clearing them
    redo: list[int] = field(default_factory=list)  # units interrupted while processing: processed again
    removed_dossiers: list[int] = field(default_factory=list)  # rows of interrupted attempts, deleted
    orphan_outputs: list[str] = field(default_factory=list)  # archive files no row refers to, deleted
    closed_batches: int = 0


@dataclass(frozen=True)
class StationStatus:
    """`scanflow status`, one station: counts staff act on."""

    station: str
    waiting: int = 0  # in the inbox, not yet complete (or being read again)
    in_progress: int = 0
    failed: int = 0  # in quarantine/, not yet dealt with
    duplicates: int = 0  # in quarantine/_trung-lap/, not yet dealt with
    needs_review: int = 0  # dossiers waiting for a person's decision


def _aggregate(statuses: list[str | None]) -> str | None:
    known = {s for s in statuses if s}
    if not known:
        return None
    return known.pop() if len(known) == 1 else "mixed"


class Ledger:
    """Reads and moves the intake state machine; every method is one committed transaction."""

    def __init__(self, database: Database, settings: Settings, host: str) -> None:
        self.db = database
        self.settings = settings
        self.host = host

    # -- following units ----------------------------------------------------------------------------

    def live_units(self) -> dict[tuple[str, str], tuple[int, str]]:
        """Units not finished yet: {(station, rel_path): (id, state)}."""
        with self.db.session() as session:
            rows = session.execute(
                select(IntakeUnit.station, IntakeUnit.rel_path, IntakeUnit.id, IntakeUnit.state).where(
                    IntakeUnit.state.in_(ACTIVE_STATES)
                )
            ).all()
        return {(station, rel): (unit_id, state) for station, rel, unit_id, state in rows}

    def seen(self, ref: UnitRef, kind: str) -> tuple[int, str]:
        """The live row for REF, created (waiting) when there is none: (id, state)."""
        with self.db.session() as session:
            row = session.scalars(
                select(IntakeUnit).where(
                    IntakeUnit.station == ref.station,
                    IntakeUnit.rel_path == ref.rel,
                    IntakeUnit.state.in_(ACTIVE_STATES),
                )
            ).first()
            if row is None:
                row = IntakeUnit(station=ref.station, rel_path=ref.rel, given=ref.given, kind=kind,
                                 state=UnitState.waiting, host=self.host, attempts=0, interruptions=0, size=0)
                session.add(row)
                session.flush()
            return row.id, row.state

    def gone(self, unit_id: int) -> None:
        """The unit left the inbox before it was processed."""
        with self.db.session() as session:
            row = session.get(IntakeUnit, unit_id)
            if row is not None and row.state == UnitState.waiting:
                row.state, row.closed_at = UnitState.gone, utcnow()

    def note_attempt(self, unit_id: int, attempts: int, error: str) -> None:
        with self.db.session() as session:
            row = session.get(IntakeUnit, unit_id)
            row.attempts, row.error = attempts, error

    def start(
        self, unit_id: int, signature: str, size: int, parts: list[PartSpec], masters: list[str]
    ) -> list[PartRow]:
        """Enter `processing` with PARTS listed (committed before any dossier row is made); parts an earlier,
        interrupted attempt already committed keep their outcome and are not run again. Returns every part."""
        with self.db.session() as session:
            unit = session.get(IntakeUnit, unit_id)
            planned = {spec.given for spec in parts}
            for old in list(unit.parts):
                if old.status is None and old.given not in planned:
                    unit.parts.remove(old)
            existing = {p.given: p for p in unit.parts}
            next_seq = max((p.seq for p in unit.parts), default=0)
            for spec in parts:
                row = existing.get(spec.given)
                if row is None:
                    next_seq += 1
                    unit.parts.append(self._part(spec, next_seq))
                elif row.status is None:
                    row.work_path = spec.work_path
            unit.state = UnitState.processing
            unit.signature, unit.size, unit.masters = signature, size, masters or None
            unit.started_at = utcnow()
            unit.error = None
            session.flush()
            return [self._row(p) for p in sorted(unit.parts, key=lambda p: p.seq)]

    @staticmethod
    def _part(spec: PartSpec, seq: int) -> IntakePart:
        return IntakePart(seq=seq, given=spec.given, cover=spec.cover, first_page=spec.first_page,
                          last_page=spec.last_page, work_path=spec.work_path)

    @staticmethod
    def _row(p: IntakePart) -> PartRow:
        return PartRow(p.id, p.seq, p.given, p.work_path, p.status, p.error, p.dossier_id, p.set_aside)

    def parts(self, unit_id: int) -> list[PartRow]:
        with self.db.session() as session:
            unit = session.get(IntakeUnit, unit_id)
            return [self._row(p) for p in unit.parts]

    def unit(self, unit_id: int) -> IntakeUnit:
        with self.db.session() as session:
            return session.get(IntakeUnit, unit_id)

    def part_outcome(self, part_id: int, outcome: Outcome) -> None:
        """Record a part's committed outcome (the pipeline has already committed the dossier row)."""
        with self.db.session() as session:
            part = session.get(IntakePart, part_id)
            part.status, part.error = outcome.status, outcome.error
            part.dossier_id, part.seconds = outcome.dossier_id, outcome.seconds

    def finish(self, unit_id: int) -> str | None:
        """Every part has its outcome: the unit is `done` (its inbox copy still to clear). Returns the outcome."""
        with self.db.session() as session:
            unit = session.get(IntakeUnit, unit_id)
            unit.outcome = _aggregate([p.status for p in unit.parts])
            unit.error = next((p.error for p in unit.parts if p.error), None)
            unit.state, unit.finished_at = UnitState.done, utcnow()
            return unit.outcome

    def mark_set_aside(self, part_id: int, target: str) -> None:
        """Where a part goes in quarantine/, committed before it is moved so a repeat moves it to the same place."""
        with self.db.session() as session:
            session.get(IntakePart, part_id).set_aside = target

    def close(self, unit_id: int) -> None:
        with self.db.session() as session:
            unit = session.get(IntakeUnit, unit_id)
            unit.state, unit.closed_at = UnitState.closed, utcnow()

    def units_in(self, state: UnitState) -> list[int]:
        with self.db.session() as session:
            return list(session.scalars(select(IntakeUnit.id).where(IntakeUnit.state == state).order_by(IntakeUnit.id)))

    # -- after a crash --------------------------------------------------------------------------------

    def _attempt_rows(self, session, unit: IntakeUnit, part: IntakePart) -> list[Dossier]:  # noqa: ANN001
        """Dossier rows made for PART by the unit's last attempt (watch batches only, by input name and time)."""
        station = unit.station or None
        query = (
            select(Dossier)
            .join(Batch, Batch.id == Dossier.batch_id)
            .where(
                Batch.kind == BATCH_KIND,
                Dossier.input_path == part.given,
                Dossier.station.is_(None) if station is None else Dossier.station == station,
            )
            .order_by(Dossier.id)
        )
        if unit.started_at is not None:
            query = query.where(Dossier.created_at >= unit.started_at - CLOCK_SLACK)
        return list(session.scalars(query))

    def reconcile(self) -> Reconciled:
        """Settle what a crash (or kill -9) left half-done, before anything new is processed.

        For each unit left `processing`: a part whose dossier row was committed keeps that outcome; rows of the
        interrupted attempt still `processing` are deleted with any files they published, so the redo leaves
        one row and one set of outputs. Units with every part committed move on to `done` (clear the inbox);
        the others go back to `waiting` and are processed again. Must run while no other watch service runs on
        this home (the service holds a lock).
        """
        report = Reconciled()
        stale_since: list[dt.datetime] = []
        with self.db.session() as session:
            units = session.scalars(select(IntakeUnit).where(IntakeUnit.state == UnitState.processing)).all()
            for unit in units:
                for part in unit.parts:
                    if part.status is not None:
                        continue
                    for row in self._attempt_rows(session, unit, part):
                        if row.status == DossierStatus.processing:
                            report.removed_dossiers.append(row.id)
                            stale_since.append(row.created_at)
                            session.delete(row)
                        else:
                            part.status, part.error, part.dossier_id = row.status, row.error, row.id
                            part.seconds = row.seconds
                if all(p.status is not None for p in unit.parts) and unit.parts:
                    unit.outcome = _aggregate([p.status for p in unit.parts])
                    unit.error = next((p.error for p in unit.parts if p.error), None)
                    unit.state, unit.finished_at = UnitState.done, utcnow()
                    report.resumed.append(unit.id)
                else:
                    unit.state = UnitState.waiting
                    unit.interruptions += 1
                    report.redo.append(unit.id)
            open_batches = session.scalars(
                select(Batch).where(Batch.kind == BATCH_KIND, Batch.finished_at.is_(None), Batch.host == self.host)
            ).all()
            for batch in open_batches:
                batch.finished_at = utcnow()
            report.closed_batches = len(open_batches)
        if stale_since:
            report.orphan_outputs = self._remove_orphan_outputs(min(stale_since) - CLOCK_SLACK)
        return report

    def _remove_orphan_outputs(self, since: dt.datetime) -> list[str]:
        """Delete archived documents (`<stem>.<NNN>.pdf`) written since SINCE that no document row refers to: an
        interrupted attempt published them but never committed (its row was deleted above). Sidecars such as the
        Danh mục (`.danh-muc.pdf`) are written only after a commit and are left alone."""
        archive = self.settings.dir("archive")
        home = self.settings.home
        cutoff = since.replace(tzinfo=dt.UTC).timestamp()
        candidates: dict[str, Path] = {}
        for root, dirs, files in os.walk(archive):
            dirs[:] = [d for d in dirs if not d.startswith(".")]  # .tmp/ belongs to writers in progress
            for name in files:
                if not DOCUMENT_NAME.match(name):
                    continue
                path = Path(root) / name
                try:
                    if path.stat().st_mtime < cutoff:
                        continue
                except OSError:
                    continue
                candidates[str(path.relative_to(home))] = path
        if not candidates:
            return []
        with self.db.session() as session:
            known = set()
            names = list(candidates)
            for start in range(0, len(names), 500):
                chunk = names[start : start + 500]
                known.update(session.scalars(select(Document.output_path).where(Document.output_path.in_(chunk))))
        removed = []
        for rel, path in candidates.items():
            if rel not in known:
                path.unlink(missing_ok=True)
                removed.append(rel)
        return removed

    # -- status ---------------------------------------------------------------------------------------

    def station_status(self) -> list[StationStatus]:
        """Counts per station; the configured stations always appear, others when they have something."""
        counts: dict[str, Counter] = {s: Counter() for s in ("", *self.settings.stations)}
        home = self.settings.home
        with self.db.session() as session:
            for station, state, n in session.execute(
                select(IntakeUnit.station, IntakeUnit.state, func.count())
                .where(IntakeUnit.state.in_(ACTIVE_STATES))
                .group_by(IntakeUnit.station, IntakeUnit.state)
            ):
                key = "waiting" if state == UnitState.waiting else "in_progress"
                counts.setdefault(station, Counter())[key] += n
            for station, status, set_aside in session.execute(
                select(IntakeUnit.station, IntakePart.status, IntakePart.set_aside)
                .join(IntakePart, IntakePart.unit_id == IntakeUnit.id)
                .where(IntakePart.set_aside.is_not(None))
            ):
                if (home / set_aside).exists():
                    key = "duplicates" if status == DossierStatus.duplicate else "failed"
                    counts.setdefault(station, Counter())[key] += 1
            for station, n in session.execute(
                select(Dossier.station, func.count())
                .where(Dossier.status == DossierStatus.needs_review)
                .group_by(Dossier.station)
            ):
                counts.setdefault(station or "", Counter())["needs_review"] += n
        return [StationStatus(station, **dict(c)) for station, c in counts.items()]
