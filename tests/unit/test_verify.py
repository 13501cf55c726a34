"""The fixity audit on hand-made rows and files (SQLite and PostgreSQL): missing, changed and orphaned files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from scanflow.home import init_home, open_home
from scanflow.maintenance.verify import hash_file, verify_archive
from scanflow.store.models import Batch, Document, Dossier, DossierStatus, Original
from tests import scaleout

db_url = scaleout.db_url  # fixture: SQLite, then PostgreSQL


def _write(home: Path, relative: str, data: bytes) -> tuple[str, str, int]:
    path = home / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative, hashlib.sha256(data).hexdigest(), len(data)


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str):
    monkeypatch.setenv("SCANFLOW_DB_URL", db_url)
    home = tmp_path / "home"
    init_home(home)
    settings, database = open_home(home)
    master = b"II*\x00" + bytes(range(256)) * 4000  # > 1 MiB: read in more than one block
    pdf = b"%PDF-1.7\n" + b"x" * 5000
    orig_path, orig_sha, orig_size = _write(home, f"originals/ab/{'ab' * 32}.tiff", master)
    doc_path, doc_sha, doc_size = _write(home, "archive/TQ/2025/HS-1/HS-1.001.pdf", pdf)
    with database.session() as session:
        batch = Batch(kind="process", profile="thads")
        session.add(batch)
        session.flush()
        for n in (1, 2):  # two dossiers share one master: it is checked once and both are named
            dossier = Dossier(batch_id=batch.id, input_path=f"in/{n}", status=DossierStatus.archived,
                              profile="thads", ma_ho_so="HS-1")
            session.add(dossier)
            session.flush()
            session.add(Original(dossier_id=dossier.id, seq=1, name="a.tif", sha256=orig_sha, size=orig_size,
                                 stored_path=orig_path, kind="tiff", page_count=1))
            if n == 1:
                session.add(Document(dossier_id=dossier.id, ordinal=1, output_path=doc_path, sha256=doc_sha,
                                     size=doc_size, pdfa_ok=True))
    yield settings, database, home, orig_path, doc_path
    database.dispose()


def test_a_sound_archive_passes(station) -> None:
    settings, database, home, _, _ = station
    (home / "archive" / ".tmp").mkdir(parents=True, exist_ok=True)
    (home / "archive" / ".tmp" / ".HS-1.001.x.pdf.part").write_bytes(b"half")
    (home / "archive" / "TQ" / "2025" / "HS-1" / "HS-1.danh-muc.pdf").write_bytes(b"%PDF sidecar")
    (home / "originals" / "ab" / ".part-123").write_bytes(b"copy in progress")

    report = verify_archive(settings, database)

    assert report.ok, report.problems
    assert report.files == 2
    assert report.bytes == (home / station[3]).stat().st_size + (home / station[4]).stat().st_size


def test_changed_missing_and_orphaned_files_are_named(station) -> None:
    settings, database, home, orig_path, doc_path = station
    pdf = home / doc_path
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    (home / orig_path).unlink()
    (home / "archive" / "TQ" / "stray.pdf").write_bytes(b"%PDF nobody's")
    (home / "originals" / "cd").mkdir()
    (home / "originals" / "cd" / "lost.png").write_bytes(b"\x89PNG")

    report = verify_archive(settings, database, threads=2)

    found = {(p.kind, p.path) for p in report.problems}
    assert found == {
        ("changed", doc_path),
        ("missing", orig_path),
        ("orphaned", "archive/TQ/stray.pdf"),
        ("orphaned", "originals/cd/lost.png"),
    }
    changed = next(p for p in report.problems if p.kind == "changed")
    assert changed.actual == hash_file(pdf) and changed.expected != changed.actual
    assert changed.case == "HS-1" and changed.what == "document"
    missing = next(p for p in report.problems if p.kind == "missing")
    assert sorted(missing.dossiers) == [1, 2]
    assert [p.kind for p in report.problems] == ["missing", "changed", "orphaned", "orphaned"]
    assert not report.ok and '"missing": 1' in report.to_json()


def test_progress_callbacks_add_up(station) -> None:
    settings, database, *_ = station
    totals: list[int] = []
    done: list[int] = []

    report = verify_archive(settings, database, on_total=totals.append, on_file=done.append)

    assert totals == [sum(done)] == [report.bytes]
