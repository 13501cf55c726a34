"""`scanflow reprocess`: killed part-way and run again, it finishes the rest once, in place, under the same names."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scanflow.home import open_home
from scanflow.store.maintenance import ReprocessItem, ReprocessRun
from scanflow.store.models import Document, Dossier, Original, Page
from tests.conftest import SCANFLOW, run_scanflow
from tests.scaleout import archived_files, case_dossier, text_dossier

pytestmark = pytest.mark.e2e


def _state(home: Path) -> dict:
    """Everything reprocessing must keep: dossier rows, their case and status, pages, file names."""
    _, database = open_home(home)
    try:
        with database.session() as session:
            dossiers = {
                d.id: (d.status, d.ma_ho_so, d.pages_in, d.pages_out, d.batch_id, d.archived_at,
                       sorted(doc.output_path for doc in d.documents))
                for d in session.scalars(select(Dossier).order_by(Dossier.id))
            }
            pages = dict(session.execute(select(Page.dossier_id, func.count()).group_by(Page.dossier_id)).all())
            originals = session.scalar(select(func.count()).select_from(Original))
            hashes = {doc.output_path: doc.sha256 for doc in session.scalars(select(Document))}
    finally:
        database.dispose()
    return {"dossiers": dossiers, "pages": pages, "originals": originals, "hashes": hashes}


def _file_hashes(home: Path) -> dict[str, str]:
    return {p: hashlib.sha256((home / p).read_bytes()).hexdigest() for p in archived_files(home)}


def test_reprocess_killed_then_resumed_redoes_each_dossier_once(home: Path, tmp_path: Path) -> None:
    inputs = [
        case_dossier(tmp_path / "in" / "a", "HS-2025-0101", 1, "A"),
        text_dossier(tmp_path / "in" / "b", 2, "B"),
        case_dossier(tmp_path / "in" / "c", "HS-2025-0101", 1, "C"),  # the same case again: ordinal 002
        text_dossier(tmp_path / "in" / "d", 1, "D"),
    ]
    done = run_scanflow("process", "--json", "--workers", "2", *map(str, inputs))
    assert done.code == 0, done.stderr
    before = _state(home)
    names = archived_files(home)
    assert any(n.endswith("HS-2025-0101/HS-2025-0101.001.pdf") for n in names), names
    assert any(n.endswith("HS-2025-0101/HS-2025-0101.002.pdf") for n in names), names
    old_hashes = _file_hashes(home)

    dry = run_scanflow("reprocess", "--all", "--dry-run", "--json")
    assert dry.code == 0, dry.stderr
    assert [r["dossier_id"] for r in dry.json_lines()] == sorted(before["dossiers"])

    # First run: killed -9 as soon as the first dossier is reported.
    proc = subprocess.Popen([SCANFLOW, "reprocess", "--all", "--json", "--jobs", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ}, start_new_session=True)
    first = json.loads(proc.stdout.readline())
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert first["error"] is None and first["dossier_id"] == min(before["dossiers"])

    left = run_scanflow("reprocess", "--all", "--dry-run", "--json").json_lines()
    assert first["dossier_id"] not in [r["dossier_id"] for r in left]

    # Second run: resumes, redoes only what was not finished.
    again = run_scanflow("reprocess", "--all", "--json", "--jobs", "2")
    assert again.code == 0, again.stderr
    redone = [r["dossier_id"] for r in again.json_lines()]
    assert redone == [r["dossier_id"] for r in left]
    assert sorted([first["dossier_id"], *redone]) == sorted(before["dossiers"])

    after = _state(home)
    assert after["dossiers"] == before["dossiers"]  # same rows, cases, statuses, counts, names, archived_at
    assert after["pages"] == before["pages"] and after["originals"] == before["originals"]
    assert archived_files(home) == names
    assert _file_hashes(home) == after["hashes"]  # rows describe the new files
    assert _file_hashes(home) != old_hashes  # and they are new files (fresh XMP dates)
    assert run_scanflow("verify").code == 0
    assert not list((home / "work").iterdir()), "the killed run's page files were not cleared"

    _, database = open_home(home)
    try:
        with database.session() as session:
            runs = session.scalars(select(ReprocessRun).order_by(ReprocessRun.id)).all()
            assert len(runs) == 1 and runs[0].finished_at is not None
            assert (runs[0].total, runs[0].done, runs[0].failed) == (4, 4, 0)
            states = session.scalars(select(ReprocessItem.state)).all()
            assert sorted(states) == ["done"] * 4
    finally:
        database.dispose()

    # Nothing left: a new run of one case starts afresh, and is as harmless as the first.
    one = run_scanflow("reprocess", "--case", "HS-2025-0101", "--json")
    assert one.code == 0, one.stderr
    assert len(one.json_lines()) == 2
    assert _state(home)["dossiers"] == before["dossiers"]
    assert run_scanflow("verify").code == 0


def test_reprocess_keeps_a_case_a_person_confirmed(home: Path, tmp_path: Path) -> None:
    dossier = text_dossier(tmp_path / "in" / "x", 1, "X")
    assert run_scanflow("process", str(dossier)).code == 0
    (old,) = archived_files(home)
    assert "_chua_xac_dinh" in old
    # What `review assign --force` leaves: the case is confirmed by a person (the files' move is review's job).
    _, database = open_home(home)
    try:
        with database.session() as session:
            row = session.scalars(select(Dossier)).one()
            row.status, row.ma_ho_so, row.match_method, row.confidence = "archived", "HS-2025-0202", "manual", 1.0
            row.match_detail = {"review": [{"action": "assign", "by": "thu-ky"}]}
    finally:
        database.dispose()

    done = run_scanflow("reprocess", "--case", "HS-2025-0202", "--json")

    assert done.code == 0, done.stderr
    (record,) = done.json_lines()
    assert (record["status"], record["case"]) == ("archived", "HS-2025-0202")
    assert archived_files(home) == [f"archive/khong-don-vi/khong-nam/HS-2025-0202/HS-2025-0202.{n:03d}.pdf"
                                    for n in range(1, record["documents"] + 1)]
    assert not (home / old).parent.exists(), "the dossier's old folder was left behind"
    _, database = open_home(home)
    try:
        with database.session() as session:
            row = session.scalars(select(Dossier)).one()
            assert (row.match_method, row.confidence) == ("manual", 1.0)
            assert row.match_detail == {"review": [{"action": "assign", "by": "thu-ky"}]}
    finally:
        database.dispose()
    assert run_scanflow("verify").code == 0
