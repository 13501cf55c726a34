"""`scanflow watch` end to end: real files written the way scanners write them, real watchdog, real Tesseract."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import signal
import sqlite3
import subprocess
import threading
import time
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from tests import badfiles, textpage
from tests.conftest import SCANFLOW, run_scanflow

pytestmark = pytest.mark.e2e


class Service:
    """`scanflow watch --json` running in the background; records and log lines are collected as they come."""

    def __init__(self, *args: str, settle: float = 1.0) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [SCANFLOW, "watch", "--json", "--settle-seconds", str(settle), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "SCANFLOW_PROGRESS": "0"},
            start_new_session=True,  # its own process group, so kill() takes the worker processes down with it
        )
        self.records: queue.Queue[tuple[float, dict]] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.wait_log("watching")

    def _read_stdout(self) -> None:
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.records.put((time.monotonic(), json.loads(line)))

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line.rstrip("\n"))

    def wait_log(self, fragment: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(fragment in line for line in self.log):
                return
            assert self.proc.poll() is None, "\n".join(self.log)
            time.sleep(0.05)
        raise AssertionError(f"no {fragment!r} in the log:\n" + "\n".join(self.log))

    def take(self, count: int, timeout: float = 90) -> list[tuple[float, dict]]:
        """The next COUNT records with the time each arrived."""
        got = []
        deadline = time.monotonic() + timeout
        while len(got) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{len(got)}/{count} records after {timeout} s:\n" + "\n".join(self.log))
            try:
                got.append(self.records.get(timeout=min(remaining, 0.5)))
            except queue.Empty:
                assert self.proc.poll() is None, "service died:\n" + "\n".join(self.log)
        return got

    def stop(self) -> float:
        """SIGTERM; returns how long it took to exit (must be clean)."""
        sent = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=40)
        took = time.monotonic() - sent
        assert code == 0, "\n".join(self.log)
        return took

    def kill(self) -> None:
        """kill -9, as a power cut would: the service and its worker processes, with no chance to clean up."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


def _page(path: Path, number: int, *, fmt: str | None = None) -> Path:
    """A one-page 200-dpi decision, different for each NUMBER (so no two are duplicates)."""
    lines = list(textpage.LINES)
    lines[2] = f"Số: {number:03d}/QĐ-THADS"
    return textpage.render(path, dpi=200, lines=lines, fmt=fmt)


def _sql(home: Path, query: str) -> list[tuple]:
    with sqlite3.connect(home / "scanflow.db") as conn:
        return conn.execute(query).fetchall()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _wait_until(check, timeout: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _settings(home: Path, **watch: object) -> None:
    config = home / "scanflow.toml"
    text = config.read_text(encoding="utf-8")
    for key, value in watch.items():
        rendered = json.dumps(value)
        text = "\n".join(
            f"{key} = {rendered}" if line.split("=")[0].strip() == key else line for line in text.splitlines()
        )
    config.write_text(text + "\n", encoding="utf-8")


def test_slow_writer_and_write_then_rename_are_taken_only_when_complete(home: Path, tmp_path: Path) -> None:
    inbox = home / "inbox"
    slow_source = _page(tmp_path / "slow.tif", 1, fmt="TIFF")
    data = slow_source.read_bytes()
    service = Service(settle=2.0)
    try:
        chunks = 10
        with (inbox / "máy quét chậm.tif").open("wb") as out:  # an SMB writer: a chunk a second over 10 s
            for n in range(chunks):
                out.write(data[n * len(data) // chunks : (n + 1) * len(data) // chunks])
                out.flush()
                time.sleep(1.0)
        written = time.monotonic()
        renamed_source = _page(tmp_path / "renamed.png", 2)
        part = inbox / "đổi tên.png.part"
        part.write_bytes(renamed_source.read_bytes())
        os.rename(part, inbox / "đổi tên.png")

        records = {r["input"]: (t, r) for t, r in service.take(2)}
        arrived, slow = records["máy quét chậm.tif"]
        assert slow["status"] == "archived" and slow["pages"] == 1, slow
        # never before the file had been still for settle-seconds (measured from its mtime, which the
        # clock here reads a little after the write: allow that slack, far less than the 1 s between chunks)
        assert arrived - written >= 1.5
        assert records["đổi tên.png"][1]["status"] == "archived"
        _wait_until(lambda: not _files(inbox))  # both cleared from the inbox once committed
        masters = {_digest(p) for p in _files(home / "originals")}
        assert _digest(slow_source) in masters  # the whole file, not a prefix, was archived
        assert not _files(home / "quarantine")
        assert service.stop() < 30
    finally:
        if service.proc.poll() is None:
            service.kill()


def test_folder_filled_page_by_page_and_nfd_names_within_the_latency_budget(home: Path, tmp_path: Path) -> None:
    inbox = home / "inbox"
    service = Service(settle=2.0)
    try:
        folder = inbox / unicodedata.normalize("NFD", "Hồ sơ Nguyễn Văn Ấn")
        folder.mkdir()
        for n in range(1, 4):  # the scanner adds a page every 1.5 s
            _page(tmp_path / f"trang-{n}.png", 10 + n)
            os.replace(tmp_path / f"trang-{n}.png", folder / f"trang-{n}.png")
            time.sleep(1.5)
        [(_, record)] = service.take(1)
        assert record["input"] == unicodedata.normalize("NFC", "Hồ sơ Nguyễn Văn Ấn")
        assert record["status"] == "archived" and record["pages"] == 3, record

        name = unicodedata.normalize("NFD", "Quyết định thi hành án số 5.png")
        staged = _page(tmp_path / "staged.png", 20)
        os.replace(staged, inbox / name)
        dropped = time.monotonic()
        [(arrived, single)] = service.take(1)
        assert single["input"] == unicodedata.normalize("NFC", name) and single["status"] == "archived"
        [(timings,)] = _sql(home, "SELECT page.timings FROM page JOIN dossier ON dossier.id = page.dossier_id "
                                  f"WHERE dossier.input_path = '{single['input']}'")
        page_seconds = sum(json.loads(timings).values())
        assert arrived - dropped <= page_seconds + 2.0 + 2.0, (arrived - dropped, page_seconds)

        _wait_until(lambda: not _files(inbox))
        rows = _sql(home, "SELECT input_path, status FROM dossier ORDER BY id")
        assert [unicodedata.is_normalized("NFC", path) for path, _ in rows] == [True, True]
        assert service.stop() < 30
    finally:
        if service.proc.poll() is None:
            service.kill()


def test_corrupt_file_goes_to_quarantine_with_a_reason_and_a_duplicate_is_set_aside(home: Path, tmp_path: Path) -> None:
    inbox = home / "inbox"
    good = _page(tmp_path / "tốt.png", 30)
    badfiles.truncated(good, inbox / "hỏng.png")
    (inbox / "ghi chú.pdf").write_text("không phải bản quét", encoding="utf-8")
    (inbox / "Thumbs.db").write_bytes(b"\0" * 64)
    (inbox / "~$tạm.tif").write_bytes(b"\0" * 64)
    service = Service(settle=1.0)
    try:
        (inbox / "tốt.png").write_bytes(good.read_bytes())
        first = {r["input"]: r for _, r in service.take(3, timeout=120)}
        assert first["tốt.png"]["status"] == "archived"
        for name in ("hỏng.png", "ghi chú.pdf"):
            assert first[name]["status"] == "quarantined" and first[name]["error"], first[name]
            _wait_until((home / "quarantine" / name).is_file)  # moved right after the outcome is committed
            reason = (home / "quarantine" / f"{name}.reason.txt").read_text(encoding="utf-8")
            assert reason.count("\n") == 1 and first[name]["error"] in reason and "Cần làm" in reason
        (inbox / "quét lại.png").write_bytes(good.read_bytes())  # the same sheet scanned again
        [(_, again)] = service.take(1)
        assert again["status"] == "duplicate" and again["outputs"] == []
        _wait_until((home / "quarantine" / "_trung-lap" / "quét lại.png").is_file)
        assert "Cần làm" in (home / "quarantine" / "_trung-lap" / "quét lại.png.reason.txt").read_text("utf-8")
        _wait_until(lambda: sorted(p.name for p in inbox.iterdir()) == ["Thumbs.db", "~$tạm.tif"])
        status = json.loads(run_scanflow("status", "--json").stdout)
        assert status["service"] == {"running": True, "pid": service.proc.pid}
        [root] = [s for s in status["stations"] if s["station"] == ""]
        assert (root["failed"], root["duplicates"], root["waiting"]) == (2, 1, 0)
        assert service.stop() < 30
    finally:
        if service.proc.poll() is None:
            service.kill()


def _documents_on_disk(home: Path) -> list[str]:
    """Archived document PDFs (`<stem>.<NNN>.pdf`; not the Danh mục sidecars, not writers' temp files)."""
    found = (home / "archive").rglob("*.pdf")
    return sorted(str(p.relative_to(home)) for p in found if ".tmp" not in p.parts and p.stem.split(".")[-1].isdigit())


def test_kill_9_at_any_moment_then_restart_processes_every_input_exactly_once(home: Path, tmp_path: Path) -> None:
    inbox = home / "inbox"
    names = [f"hồ sơ {n}.png" for n in range(1, 5)]
    for n, name in enumerate(names, start=1):
        _page(tmp_path / name, 40 + n)
    service = Service(settle=1.0)
    for name in names:
        os.replace(tmp_path / name, inbox / name)
    # 1: killed while a unit is being processed (its dossier row may exist, its files may be half-published)
    _wait_until(lambda: _sql(home, "SELECT count(*) FROM dossier WHERE status = 'processing'")[0][0] > 0)
    service.kill()
    # 2: killed right after an outcome was committed, before the inbox was cleared
    service = Service(settle=1.0)
    assert any("interrupted processing found: removed" in line for line in service.log), service.log
    _wait_until(lambda: _sql(home, "SELECT count(*) FROM dossier WHERE status = 'archived'")[0][0] > 0, timeout=90)
    service.kill()
    # 3: runs to the end
    service = Service(settle=1.0)
    try:
        _wait_until(lambda: not _files(inbox), timeout=120)
        _wait_until(lambda: _sql(home, "SELECT count(*) FROM intake_unit WHERE state NOT IN ('closed')")[0][0] == 0)
        rows = _sql(home, "SELECT input_path, status FROM dossier ORDER BY input_path")
        assert rows == [(name, "archived") for name in sorted(names)], rows
        documents = [path for (path,) in _sql(home, "SELECT output_path FROM document ORDER BY output_path")]
        assert _documents_on_disk(home) == documents  # no output twice, none left over from a killed attempt
        assert len(documents) == len(names)
        assert _sql(home, "SELECT count(*) FROM original")[0][0] == len(names)
        units = _sql(home, "SELECT given, outcome FROM intake_unit WHERE state = 'closed' ORDER BY given")
        assert units == [(name, "archived") for name in sorted(names)]
        assert not _files(home / "quarantine")
        assert service.stop() < 30
    finally:
        if service.proc.poll() is None:
            service.kill()


def test_polling_mode_with_stations_and_a_ready_marker(home: Path, tmp_path: Path) -> None:
    _settings(home, force_polling=True, stations=["may-1"])
    assert run_scanflow("init").code == 0
    inbox = home / "inbox"
    service = Service(settle=20.0)  # long settle: only the READY marker can make this quick
    try:
        assert any("polling" in line for line in service.log)
        folder = inbox / "may-1" / "hs READY"
        folder.mkdir()
        _page(folder / "1.png", 50)
        (folder / "READY").write_text("", encoding="utf-8")
        [(arrived, record)] = service.take(1, timeout=20)
        assert record["input"] == "may-1/hs READY" and record["status"] == "archived"
        assert _sql(home, "SELECT station FROM dossier")[0] == ("may-1",)
        _wait_until(lambda: not folder.exists())
        text = run_scanflow("status").stdout
        assert "may-1" in text and "Đang chờ" in text
        assert service.stop() < 30
    finally:
        if service.proc.poll() is None:
            service.kill()


def test_one_long_scan_of_several_dossiers_is_split_at_its_cover_sheets(home: Path, tmp_path: Path) -> None:
    codes = ["HS-2025-0101", "HS-2025-0102", "HS-2025-0103"]
    covers_pdf = tmp_path / "covers.pdf"
    made = run_scanflow("coversheet", *codes, "-o", str(covers_pdf))
    assert made.code == 0, made.stderr
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", str(covers_pdf), str(tmp_path / "cover")], check=True)
    covers = sorted(tmp_path.glob("cover-*.png"))
    content = [_page(tmp_path / f"p{n}.png", 60 + n) for n in range(1, 5)]
    run_order = [covers[0], content[0], covers[1], content[1], content[2], covers[2], content[3]]
    images = [Image.open(p).convert("L") for p in run_order]
    scan = tmp_path / "đợt quét.tif"
    images[0].save(scan, save_all=True, append_images=images[1:], compression="tiff_deflate", dpi=(200, 200))
    service = Service(settle=1.0)
    try:
        staged = home / "inbox" / ".đợt quét.tif"
        staged.write_bytes(scan.read_bytes())
        os.replace(staged, home / "inbox" / "đợt quét.tif")
        records = [r for _, r in service.take(3, timeout=120)]
        assert [r["input"] for r in records] == [f"đợt quét.tif#{n}" for n in (1, 2, 3)]
        assert [r["case"] for r in records] == codes
        assert [r["pages"] for r in records] == [1, 2, 1]  # cover sheets left out
        assert all(r["status"] == "archived" for r in records), records
        _wait_until(lambda: not _files(home / "inbox"))
        [(masters,)] = _sql(home, "SELECT masters FROM intake_unit")
        [master] = json.loads(masters)
        assert _digest(home / master) == _digest(scan)  # the scan run itself is kept as the master
        assert not (home / "work" / "watch").exists() or not _files(home / "work" / "watch")
        assert service.stop() < 30
    finally:
        if service.proc.poll() is None:
            service.kill()


def test_sigterm_while_processing_stops_within_30_s_and_a_restart_finishes(home: Path, tmp_path: Path) -> None:
    inbox = home / "inbox"
    pages = [Image.open(_page(tmp_path / f"t{n}.png", 70 + n)).convert("L") for n in range(4)]
    pages[0].save(tmp_path / "dài.tif", save_all=True, append_images=pages[1:], compression="tiff_deflate",
                  dpi=(200, 200))
    names = ["dài.tif", "một.png", "hai.png"]
    _page(tmp_path / "một.png", 80)
    _page(tmp_path / "hai.png", 81)
    service = Service(settle=1.0)
    for name in names:
        os.replace(tmp_path / name, inbox / name)
    _wait_until(lambda: _sql(home, "SELECT count(*) FROM dossier WHERE status = 'processing'")[0][0] > 0)
    assert service.stop() < 30
    service = Service(settle=1.0)
    try:
        _wait_until(lambda: not _files(inbox), timeout=120)
        _wait_until(lambda: _sql(home, "SELECT count(*) FROM intake_unit WHERE state != 'closed'")[0][0] == 0)
        rows = _sql(home, "SELECT input_path, status, pages_in FROM dossier ORDER BY input_path")
        assert rows == [("dài.tif", "archived", 4), ("hai.png", "archived", 1), ("một.png", "archived", 1)], rows
        assert service.stop() < 30
    finally:
        if service.proc.poll() is None:
            service.kill()
