"""The intake ledger on a real database: its state machine, and what start-up reconciliation does after a crash."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scanflow.home import init_home, open_home
from scanflow.intake.ledger import Ledger, PartSpec
from scanflow.intake.units import UnitRef
from scanflow.pipeline import Outcome
from scanflow.store.intake import IntakeUnit, UnitState
from scanflow.store.models import Batch, Document, Dossier, DossierStatus, utcnow


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    monkeypatch.delenv("SCANFLOW_DB_URL", raising=False)
    init_home(tmp_path / "home")
    settings, database = open_home(tmp_path / "home")
    yield Ledger(database, settings, "tram-1")
    database.dispose()


def _unit(ledger: Ledger, name: str, parts: int = 1) -> tuple[int, list]:
    ref = UnitRef("may-1", name, ledger.settings.dir("inbox") / "may-1" / name)
    unit_id, state = ledger.seen(ref, "file")
    assert state == UnitState.waiting
    given = ref.given
    if parts == 1:
        specs = [PartSpec(1, given, 1, 1)]
    else:
        specs = [PartSpec(n, f"{given}#{n}", n, n) for n in range(1, parts + 1)]
    rows = ledger.start(unit_id, "sig", 10, specs, [])
    return unit_id, rows


def _dossier(ledger: Ledger, given: str, status: str, *, created: dt.datetime | None = None) -> int:
    with ledger.db.session() as session:
        batch = Batch(kind="watch", profile="thads", host="tram-1", station="may-1")
        session.add(batch)
        session.flush()
        row = Dossier(batch_id=batch.id, input_path=given, station="may-1", status=status, profile="thads",
                      created_at=created or utcnow())
        session.add(row)
        session.flush()
        return row.id


def _count(ledger: Ledger, model) -> int:  # noqa: ANN001
    with ledger.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_one_live_row_per_inbox_path_and_a_new_one_after_it_is_closed(ledger: Ledger) -> None:
    ref = UnitRef("", "scan.tif", ledger.settings.dir("inbox") / "scan.tif")
    first, _ = ledger.seen(ref, "file")
    assert ledger.seen(ref, "file") == (first, UnitState.waiting)
    ledger.start(first, "sig", 1, [PartSpec(1, "scan.tif", 1, 1)], [])
    assert ledger.seen(ref, "file") == (first, UnitState.processing)
    ledger.finish(first)
    ledger.close(first)
    second, state = ledger.seen(ref, "file")
    assert second != first and state == UnitState.waiting


def test_an_interrupted_attempt_is_removed_and_the_unit_redone(ledger: Ledger) -> None:
    unit_id, rows = _unit(ledger, "run.tif")
    stale = _dossier(ledger, rows[0].given, DossierStatus.processing)
    older = _dossier(ledger, rows[0].given, DossierStatus.archived, created=utcnow() - dt.timedelta(days=1))
    report = ledger.reconcile()
    assert report.removed_dossiers == [stale]
    assert report.redo == [unit_id]
    assert ledger.unit(unit_id).state == UnitState.waiting
    assert ledger.unit(unit_id).interruptions == 1
    assert _count(ledger, Dossier) == 1  # yesterday's archived scan of the same name is not this attempt's
    assert ledger.parts(unit_id)[0].status is None and older


def test_a_committed_outcome_is_kept_and_the_unit_moves_on_to_clearing(ledger: Ledger) -> None:
    unit_id, rows = _unit(ledger, "run.tif", parts=3)
    done = _dossier(ledger, rows[0].given, DossierStatus.archived)
    dup = _dossier(ledger, rows[1].given, DossierStatus.duplicate)
    stale = _dossier(ledger, rows[2].given, DossierStatus.processing)
    report = ledger.reconcile()
    assert report.redo == [unit_id] and report.removed_dossiers == [stale]
    parts = ledger.parts(unit_id)
    assert [(p.status, p.dossier_id) for p in parts] == [
        (DossierStatus.archived, done), (DossierStatus.duplicate, dup), (None, None)
    ]
    # The redo keeps what was committed and runs only the rest.
    again = ledger.start(unit_id, "sig", 10, [PartSpec(n, rows[n - 1].given, n, n) for n in (1, 2, 3)], [])
    assert [p.status for p in again] == [DossierStatus.archived, DossierStatus.duplicate, None]
    ledger.part_outcome(again[2].id, Outcome(input=again[2].given, status="quarantined", error="bad", dossier_id=None))
    assert ledger.finish(unit_id) == "mixed"

    unit2, rows2 = _unit(ledger, "other.tif")
    _dossier(ledger, rows2[0].given, DossierStatus.needs_review)
    report = ledger.reconcile()
    assert report.resumed == [unit2] and ledger.unit(unit2).state == UnitState.done


def test_outputs_published_by_an_interrupted_attempt_are_deleted(ledger: Ledger) -> None:
    unit_id, rows = _unit(ledger, "run.tif")
    archive = ledger.settings.dir("archive")
    old = archive / "THADS-A" / "2025" / "HS-1" / "HS-1.001.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF old")
    past = (utcnow() - dt.timedelta(hours=1)).replace(tzinfo=dt.UTC).timestamp()
    os.utime(old, (past, past))
    kept = _dossier(ledger, "earlier.tif", DossierStatus.archived)
    referenced = archive / "THADS-A" / "2025" / "HS-1" / "HS-1.002.pdf"
    referenced.write_bytes(b"%PDF committed")
    with ledger.db.session() as session:
        session.add(Document(dossier_id=kept, ordinal=2, output_path=str(referenced.relative_to(ledger.settings.home))))
    stale = _dossier(ledger, rows[0].given, DossierStatus.processing)
    orphan = archive / "_chua_xac_dinh" / "lo-9" / f"hs-{stale}.001.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF published, never committed")
    sidecar = orphan.with_name("hs-1.danh-muc.pdf")  # the Danh mục of another dossier: written after its commit
    sidecar.write_bytes(b"%PDF list")
    (archive / ".tmp").mkdir()
    (archive / ".tmp" / "x.pdf").write_bytes(b"a writer's temp file")

    report = ledger.reconcile()

    assert report.orphan_outputs == [str(orphan.relative_to(ledger.settings.home))]
    assert not orphan.exists() and old.exists() and referenced.exists() and sidecar.exists()
    assert (archive / ".tmp" / "x.pdf").exists()
    assert unit_id in report.redo


def test_status_counts_per_station(ledger: Ledger) -> None:
    _unit(ledger, "a.tif")
    ledger.seen(UnitRef("may-1", "b.tif", Path("/x")), "file")
    ledger.seen(UnitRef("", "c.tif", Path("/x")), "file")
    _dossier(ledger, "may-1/d.tif", DossierStatus.needs_review)
    by_station = {s.station: s for s in ledger.station_status()}
    assert (by_station["may-1"].waiting, by_station["may-1"].in_progress, by_station["may-1"].needs_review) == (1, 1, 1)
    assert by_station[""].waiting == 1
    with ledger.db.session() as session:
        assert session.scalar(select(func.count()).select_from(IntakeUnit)) == 3
