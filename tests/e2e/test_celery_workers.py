"""Celery execution with two real workers, one killed -9 mid-task: its page is redone elsewhere, every dossier is
archived exactly once and the counters are right. Runs on the real PostgreSQL and Redis."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scanflow.executors.celery_app import decode_result, decode_task, encode_result, encode_task
from scanflow.home import open_home
from scanflow.ocr.tesseract import Word
from scanflow.pages import PageResult, PageTask
from scanflow.store.models import Batch, Document, Dossier, Page
from tests import scaleout
from tests.conftest import SCANFLOW, run_scanflow
from tests.scaleout import VISIBILITY_TIMEOUT, Worker, archived_files, case_dossier, text_dossier

pg_url, pg_home, broker = scaleout.pg_url, scaleout.pg_home, scaleout.broker  # fixtures

pytestmark = pytest.mark.e2e


def test_messages_carry_paths_relative_to_the_home(tmp_path: Path) -> None:
    from scanflow.config import ImageSettings, OcrSettings

    here, there = tmp_path / "station" / "home", Path("/mnt/share/scanflow")
    task = PageTask(seq=3, source=here / "originals/ab/x.tiff", kind="tiff", frame=1, dpi=200.0,
                    work_dir=here / "work/hs-1-abc", image=ImageSettings(mode="bw"), ocr=OcrSettings(psm=6))
    data = encode_task(task, here)
    assert data["source"] == "originals/ab/x.tiff" and data["work_dir"] == "work/hs-1-abc"
    moved = decode_task(data, there)
    assert moved.source == there / "originals/ab/x.tiff" and moved.image == task.image and moved.ocr == task.ocr
    assert moved.ocr.languages == ("vie", "eng")

    word = Word("Quyết", 10, 20, 30, 40, 91.5, (1, 2, 3))
    result = PageResult(seq=3, image_path=there / "work/hs-1-abc/p1/page-00003.jpg", words=(word,),
                        fingerprint=(1 << 64) - 5, qr=["scanflow:hoso/HS-1"], timings={"ocr": 1.2})
    back = decode_result(encode_result(result, there), here)
    assert back == PageResult(seq=3, image_path=here / "work/hs-1-abc/p1/page-00003.jpg", words=(word,),
                              fingerprint=(1 << 64) - 5, qr=["scanflow:hoso/HS-1"], timings={"ocr": 1.2})


def test_no_worker_is_a_clear_error(home: Path, broker: str, tmp_path: Path) -> None:
    dossier = text_dossier(tmp_path / "in" / "a", 1, "A")
    done = run_scanflow("process", "--executor", "celery", str(dossier), timeout=60)
    assert done.code == 4, done.stderr
    assert "no scanflow worker answers" in done.stderr and "Traceback" not in done.stderr


def test_waiting_ends_when_every_worker_is_gone(home: Path, broker: str, tmp_path: Path) -> None:
    from scanflow.config import load_profile, load_settings
    from scanflow.errors import ConfigError
    from scanflow.executors.celery import CeleryExecutor
    from scanflow.intake.sources import inspect_input

    (source,) = inspect_input(text_dossier(tmp_path / "in" / "a", 1, "A"), default_dpi=200, max_megapixels=200,
                              existing_text="redo")
    work = home / "work" / "hs-0-test"
    work.mkdir()
    profile = load_profile("thads", home)
    tasks = [PageTask(seq=n, source=source.path, kind=source.kind, frame=0, dpi=200.0, work_dir=work,
                      image=profile.image, ocr=profile.ocr) for n in range(1, 7)]
    worker = Worker(tmp_path / "worker.log")
    try:
        worker.wait_ready()
        executor = CeleryExecutor(load_settings(home), 1, give_up=6)
        results = executor.map_pages(tasks)
        assert next(results).error is None  # while the worker is there, pages come back
        worker.kill()
        started = time.monotonic()
        with pytest.raises(ConfigError, match="no scanflow worker has answered"):
            list(results)
        assert time.monotonic() - started < 30
        executor.close(cancel=True)
    finally:
        worker.kill()


def test_two_workers_one_killed_mid_task(pg_home: Path, broker: str, tmp_path: Path) -> None:
    inputs = [case_dossier(tmp_path / "in" / "hs1", "HS-2025-0301", 2, "1")]
    inputs += [text_dossier(tmp_path / "in" / f"hs{n}", 2, str(n)) for n in (2, 3, 4)]
    victim = Worker(tmp_path / "worker-a.log")
    survivor = Worker(tmp_path / "worker-b.log")
    try:
        victim.wait_ready()
        survivor.wait_ready()
        started = time.monotonic()
        proc = subprocess.Popen([SCANFLOW, "process", "--executor", "celery", "--json", *map(str, inputs)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
        deadline = time.monotonic() + 120
        while not victim.received() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # into the page: decoding and OCR take about a second at 200 dpi
        in_hand = set(victim.received()) - set(victim.succeeded())
        victim.kill()
        assert in_hand, f"the victim had finished its task before the kill: {victim.text()[-1500:]}"

        out, err = proc.communicate(timeout=VISIBILITY_TIMEOUT + 150)
        elapsed = time.monotonic() - started
    finally:
        victim.kill()
        survivor.stop()

    assert proc.returncode == 0, err
    assert "Traceback" not in err
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [r["input"] for r in records] == list(map(str, inputs))
    assert all(r["status"] == "archived" and r["pages"] == 2 for r in records), records
    assert records[0]["case"] == "HS-2025-0301"
    assert in_hand <= set(survivor.succeeded()), "the killed worker's page was not redone by the other one"
    assert elapsed < VISIBILITY_TIMEOUT + 120

    settings, database = open_home(pg_home)
    try:
        with database.session() as session:
            dossiers = session.scalars(select(Dossier).order_by(Dossier.id)).all()
            assert [d.status for d in dossiers] == ["archived"] * 4  # each once: no second row, no duplicate
            assert [d.pages_in for d in dossiers] == [3, 2, 2, 2] and [d.pages_out for d in dossiers] == [2] * 4
            per_dossier = dict(session.execute(select(Page.dossier_id, func.count()).group_by(Page.dossier_id)).all())
            assert per_dossier == {d.id: d.pages_in for d in dossiers}
            seqs = session.execute(select(Page.dossier_id, Page.seq, func.count()).group_by(Page.dossier_id, Page.seq)
                                   .having(func.count() > 1)).all()
            assert seqs == []
            assert session.scalar(select(func.count()).select_from(Document)) == sum(len(r["outputs"]) for r in records)
            assert session.scalar(select(func.count()).select_from(Batch)) == 1
    finally:
        database.dispose()
    assert len(archived_files(pg_home)) == sum(len(r["outputs"]) for r in records)
    assert not [p for p in (pg_home / "work").iterdir()], "work folders left behind"
    assert run_scanflow("verify").code == 0
