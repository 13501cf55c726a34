"""Helpers for the scale-out tests: scratch PostgreSQL databases, an isolated Redis broker, real `scanflow worker`
processes, and small 200-dpi dossiers (text pages and scanflow cover sheets).

The servers are the real ones on this machine (scripts/services.sh starts them); a test fails, never skips,
when they are not there.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import psycopg
import pytest
import redis
from PIL import Image

from tests import textpage
from tests.conftest import SCANFLOW

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
BROKER = "redis://127.0.0.1:6379/13"  # each test gets its own namespace in it: concurrent runs never meet
VISIBILITY_TIMEOUT = 30  # seconds before a dead worker's page goes to another worker


@contextmanager
def scratch_database(prefix: str = "scanflow_t") -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards; yields its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a scratch PostgreSQL database."""
    with scratch_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each database scanflow supports in turn: a SQLite file, then a scratch PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scanflow.db'}"
        return
    with scratch_database() as url:
        yield url


@pytest.fixture
def pg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str) -> Path:
    """An initialised SCANFLOW_HOME whose database is a scratch PostgreSQL database."""
    path = tmp_path / "home"
    monkeypatch.setenv("SCANFLOW_HOME", str(path))
    monkeypatch.setenv("SCANFLOW_DB_URL", pg_url)
    monkeypatch.setenv("SCANFLOW_PROGRESS", "0")
    done = subprocess.run([SCANFLOW, "init"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "postgresql" in done.stdout
    return path


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The test broker under a namespace of this test's own (removed afterwards), with a short visibility timeout.

    Other runs of the same tests (CI in another checkout, another engineer) may use the same Redis at the same
    time: without the namespace their workers would take this test's pages.
    """
    name = f"scanflow-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("SCANFLOW_BROKER_URL", BROKER)
    monkeypatch.setenv("SCANFLOW_BROKER_NAMESPACE", name)
    monkeypatch.setenv("SCANFLOW_VISIBILITY_TIMEOUT", str(VISIBILITY_TIMEOUT))
    yield BROKER
    client = redis.Redis.from_url(BROKER)
    keys = list(client.scan_iter(match=f"{name}:*"))
    if keys:
        client.delete(*keys)
    client.close()


class Worker:
    """A real `scanflow worker` process in its own process group, its log in a file."""

    RECEIVED = re.compile(r"Task scanflow\.page\[([0-9a-f-]+)\] received")
    SUCCEEDED = re.compile(r"Task scanflow\.page\[([0-9a-f-]+)\] succeeded")

    def __init__(self, log: Path, concurrency: int = 1, env: dict[str, str] | None = None) -> None:
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen(
            [SCANFLOW, "worker", "--concurrency", str(concurrency)],
            stdout=self._out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.text():
                return
            assert self.proc.poll() is None, f"worker exited: {self.text()[-2000:]}"
            time.sleep(0.2)
        raise AssertionError(f"worker not ready after {timeout} s: {self.text()[-2000:]}")

    def received(self) -> list[str]:
        return self.RECEIVED.findall(self.text())

    def succeeded(self) -> list[str]:
        return self.SUCCEEDED.findall(self.text())

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), as a power cut would."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        self._out.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        self._out.close()


def text_dossier(folder: Path, pages: int, tag: str, *, dpi: int = 200) -> Path:
    """A folder of PAGES real text pages, each one different (TAG and the page number are on it)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, pages + 1):
        lines = [f"Hồ sơ {tag} - trang {n}", *textpage.LINES[(n - 1) % 3 :]]
        textpage.render(folder / f"trang-{n:02d}.png", dpi=dpi, lines=lines, angle=0.4 * n)
    return folder


def cover_sheet(path: Path, ma_ho_so: str, *, dpi: int = 200) -> Path:
    """A scanflow cover sheet: an A4 page with the QR code scanflow:hoso/<ma_ho_so>."""
    qr = cv2.QRCodeEncoder.create().encode(f"scanflow:hoso/{ma_ho_so}")
    box = round(dpi * 1.6)
    qr = cv2.resize(qr, (box, box), interpolation=cv2.INTER_NEAREST)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    page = np.full((height, width), 245, dtype=np.uint8)
    top, left = round(dpi * 1.0), width - box - round(dpi * 1.0)
    page[top : top + box, left : left + box] = qr
    Image.fromarray(page).save(path, dpi=(dpi, dpi))
    return path


def case_dossier(folder: Path, ma_ho_so: str, pages: int, tag: str) -> Path:
    """A dossier whose first sheet is the cover of case MA_HO_SO, followed by PAGES text pages."""
    text_dossier(folder, pages, tag)
    cover_sheet(folder / "trang-00.png", ma_ho_so)
    return folder


def archived_files(home: Path) -> list[str]:
    """The documents' PDFs under archive/ (no temporary files, no Danh mục sidecars), relative to the home."""
    root = home / "archive"
    return sorted(
        p.relative_to(home).as_posix()
        for p in root.rglob("*.pdf")
        if ".tmp" not in p.parts and not p.name.endswith(".danh-muc.pdf")
    )
