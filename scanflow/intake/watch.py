"""The watched-folder service: finds units in the inbox, waits until they settle, runs them through the pipeline
and clears the inbox, so that a crash at any moment neither loses nor duplicates a dossier."""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from scanflow.config import Profile, Settings
from scanflow.errors import ConfigError, InputError
from scanflow.intake import quarantine
from scanflow.intake.covers import PageMarks, PageRef, is_whole, plan_parts, read_marks, unit_pages, write_part
from scanflow.intake.ledger import BATCH_KIND, Ledger, PartRow, PartSpec
from scanflow.intake.settle import SettleTracker, Watched
from scanflow.intake.sources import SourceFile, decode_page, sha256_file
from scanflow.intake.units import (
    UnitRef,
    encode_signature,
    list_units,
    signature,
    station_dirs,
    total_size,
    unit_of,
)
from scanflow.ocr import tesseract
from scanflow.pages import PageTask
from scanflow.pipeline import InputSpec, Outcome, Pipeline, content_key, store_master
from scanflow.store.db import Database
from scanflow.store.models import DossierStatus

LOG = logging.getLogger("scanflow.watch")

TICK_SECONDS = 0.25  # how often settle is checked
POLL_SECONDS = 1.0  # the polling observer's interval
STOP_GRACE_SECONDS = 15.0  # on SIGTERM, dossiers in flight may finish this long; the rest is redone next start
CANCEL_WAIT_SECONDS = 5.0
PAGES_PER_WORKER = 4  # small units settled together are run as one group of about this many pages per worker
LOCK_NAME = "watch.lock"
QUIET_EVENTS = frozenset({"opened", "closed_no_write"})  # reads, the service's own included: nothing changed
WORK_SUBDIR = "watch"
NETWORK_FILESYSTEMS = frozenset({
    "cifs", "smb3", "smbfs", "nfs", "nfs4", "9p", "afs", "ncpfs", "ceph", "glusterfs", "fuse.sshfs",
    "fuse.davfs2", "davfs", "fuse.rclone", "fuse.s3fs", "fuse.glusterfs", "fuse.cephfs", "vboxsf", "virtiofs",
})


@dataclass(frozen=True)
class WatchOptions:
    """How the service watches (from the settings, overridden on the command line)."""

    settle_seconds: float
    force_polling: bool = False
    rescan_seconds: float = 60.0


# -- one service per home -------------------------------------------------------------------------------


class HomeLock:
    """An exclusive lock on <home>/work/watch.lock while the service runs; the file holds the holder's pid."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            holder = read_pid(self.path)
            raise ConfigError(
                f"another 'scanflow watch' is already running on this home{f' (pid {holder})' if holder else ''}"
            )
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def read_pid(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def service_pid(home: Path) -> int | None:
    """The pid of the watch service running on HOME, or None when none is."""
    path = home / "work" / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None  # never started here (or not readable by this user: nothing to tell)
    try:
        if _try_lock(fd):
            return None
    finally:
        os.close(fd)
    return read_pid(path) or -1


# -- events or polling ---------------------------------------------------------------------------------


def _unescape_mount(field_text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field_text)


def filesystem_type(path: Path) -> str | None:
    """The type of the filesystem holding PATH (Linux: from /proc/self/mounts), or None when unknown."""
    try:
        mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    real = os.path.realpath(path)
    best, kind = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount = _unescape_mount(fields[1])
        inside = real == mount or real.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, kind = mount, fields[2]
    return kind


def _windows_remote(path: Path) -> bool:
    text = str(path)
    if text.startswith("\\\\"):
        return True
    import ctypes

    drive = os.path.splitdrive(os.path.abspath(text))[0] + "\\"
    return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # DRIVE_REMOTE


def network_share(paths: list[Path]) -> str | None:
    """Why file events cannot be trusted for PATHS (one is on a network share), or None."""
    for path in paths:
        if sys.platform == "win32":
            if _windows_remote(path):
                return f"{path} is on a network share"
            continue
        kind = filesystem_type(path)
        if kind in NETWORK_FILESYSTEMS:
            return f"{path} is on a network share ({kind})"
    return None


class _Events(FileSystemEventHandler):
    """Passes every changed path on to the service's loop; what changed is re-read there, not trusted here."""

    def __init__(self, changed: queue.SimpleQueue, wake: threading.Event) -> None:
        self.changed = changed
        self.wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in QUIET_EVENTS:
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                self.changed.put(os.fsdecode(path))
        self.wake.set()


# -- the service ----------------------------------------------------------------------------------------


@dataclass
class _Job:
    """A settled unit with its parts, ready for the pipeline."""

    watched: Watched
    unit_id: int
    runs: list[tuple[PartRow, InputSpec, list[SourceFile] | Outcome]]
    pages: int
    remaining: int = 0
    outcomes: list[Outcome] = field(default_factory=list)


class WatchService:
    """Watches the home's inbox until STOP is set; EMIT gets each finished dossier's Outcome and station."""

    def __init__(
        self,
        settings: Settings,
        profile: Profile,
        database: Database,
        executor,  # noqa: ANN001 - LocalExecutor | CeleryExecutor
        options: WatchOptions,
        emit: Callable[[Outcome, str], None],
    ) -> None:
        self.settings = settings
        self.profile = profile
        self.db = database
        self.executor = executor
        self.options = options
        self.emit = emit
        self.inbox = settings.dir("inbox")
        self.stations = settings.stations
        self.work = settings.dir("work") / WORK_SUBDIR
        self.ledger = Ledger(database, settings, socket.gethostname())
        self.tracker = SettleTracker(options.settle_seconds)
        self.mode = ""
        self._lock = threading.Lock()
        self._emit_lock = threading.Lock()
        self._changed: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._settled: queue.Queue[Watched] = queue.Queue()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._observer: BaseObserver | None = None
        self._unclear: set[int] = set()  # units whose inbox copy could not be cleared yet (lane only)
        self._pipeline = Pipeline(settings, profile, database, executor, kind=BATCH_KIND)

    # -- life cycle -------------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Serve until STOP is set, then stop within 30 s; raises ScanflowError when it cannot start."""
        tesseract.require_languages(self.profile.ocr.languages)
        lock = HomeLock(self.settings.dir("work") / LOCK_NAME)
        lock.acquire()
        try:
            self.inbox.mkdir(parents=True, exist_ok=True)
            for station in self.stations:
                (self.inbox / station).mkdir(exist_ok=True)
            self._recover()
            self._start_observer()
            lane = threading.Thread(target=self._lane, name="scanflow-lane", daemon=True)
            lane.start()
            LOG.info(
                "watching %s (%s), settle %g s, %d worker(s)",
                self.inbox, self.mode, self.options.settle_seconds, getattr(self.executor, "workers", 1),
            )
            self._loop(stop)
            LOG.info("stopping")
            self._stop(lane)
        finally:
            lock.release()
        LOG.info("stopped")

    def _loop(self, stop: threading.Event) -> None:
        # Signatures are re-read a few times per settle period (a large folder on a share is many stat calls).
        poll_every = max(TICK_SECONDS, min(1.0, self.options.settle_seconds / 4))
        last_rescan = last_poll = float("-inf")
        while not stop.is_set():
            self._wake.wait(TICK_SECONDS)
            self._wake.clear()
            now = time.monotonic()
            while True:
                try:
                    path = self._changed.get_nowait()
                except queue.Empty:
                    break
                ref = unit_of(path, self.inbox, self.stations)
                if ref is not None:
                    self._follow(ref, now)
            if now - last_rescan >= self.options.rescan_seconds:
                for ref in list_units(self.inbox, self.stations):
                    self._follow(ref, now)
                last_rescan = now
            if now - last_poll < poll_every:
                continue
            last_poll = now
            with self._lock:
                settled, gone = self.tracker.poll(now)
            for watched in gone:
                if watched.row_id is not None:
                    self.ledger.gone(watched.row_id)
            for watched in settled:
                self._settled.put(watched)

    def _stop(self, lane: threading.Thread) -> None:
        """Let the group in flight finish for a while, then cancel it; cancelled units are redone next start."""
        self._stopping.set()
        if self._observer is not None:
            self._observer.stop()
        lane.join(STOP_GRACE_SECONDS)
        if lane.is_alive():
            LOG.warning("dossiers still in progress after %g s: cancelling, they are redone at the next start",
                        STOP_GRACE_SECONDS)
            self.executor.close(cancel=True)
            lane.join(CANCEL_WAIT_SECONDS)
            if lane.is_alive():
                for child in multiprocessing.active_children():
                    child.terminate()
                lane.join(2.0)
        else:
            self.executor.close()
        if self._observer is not None:
            self._observer.join(2.0)

    def _start_observer(self) -> None:
        handler = _Events(self._changed, self._wake)
        folders = list(station_dirs(self.inbox, self.stations).values())
        reason = "force_polling is set" if self.options.force_polling else network_share(folders)
        if reason is None:
            try:
                observer: BaseObserver = Observer()
                observer.schedule(handler, str(self.inbox), recursive=True)
                observer.start()
                self._observer, self.mode = observer, "file events"
                return
            except OSError as exc:
                reason = f"file events unavailable ({exc.strerror or exc})"
        observer = PollingObserver(timeout=POLL_SECONDS)
        observer.schedule(handler, str(self.inbox), recursive=True)
        observer.start()
        self._observer, self.mode = observer, f"polling every {POLL_SECONDS:g} s: {reason}"

    # -- start-up recovery -------------------------------------------------------------------------------

    def _recover(self) -> None:
        """Finish what the last run left: reconcile the ledger, clear units already committed, tidy work/."""
        report = self.ledger.reconcile()
        if report.removed_dossiers:
            LOG.warning("interrupted processing found: removed %d unfinished dossier row(s) and %d unreferenced "
                        "output file(s); %d unit(s) will be processed again", len(report.removed_dossiers),
                        len(report.orphan_outputs), len(report.redo))
        elif report.redo:
            LOG.warning("%d unit(s) were interrupted before any dossier was recorded: processing them again",
                        len(report.redo))
        for unit_id in self.ledger.units_in("done"):
            self._clear(unit_id)
        live_units = self.ledger.live_units()
        for (station, rel), (unit_id, state) in live_units.items():
            folder = self.inbox / station if station else self.inbox
            if state == "waiting" and not (folder / rel).exists():
                self.ledger.gone(unit_id)  # removed from the inbox while the service was down
        live = {unit_id for unit_id, _ in live_units.values()}
        if self.work.is_dir():
            for entry in self.work.iterdir():
                if entry.name.startswith("u") and entry.name[1:].isdigit() and int(entry.name[1:]) not in live:
                    shutil.rmtree(entry, ignore_errors=True)
        for folder in station_dirs(self.inbox, self.stations).values():
            for leftover in folder.glob(f"{quarantine.REMOVED_PREFIX}*"):
                shutil.rmtree(leftover, ignore_errors=True)

    # -- following units ---------------------------------------------------------------------------------

    def _follow(self, ref: UnitRef, now: float) -> None:
        with self._lock:
            if ref.key in self.tracker:
                return
        try:
            kind = "folder" if ref.path.is_dir() else "file"
        except OSError:
            return
        if not ref.path.exists():
            return
        unit_id, state = self.ledger.seen(ref, kind)
        if state != "waiting":
            return  # being processed, or its outcome is committed and the inbox is being cleared
        with self._lock:
            self.tracker.follow(ref, now, unit_id)

    # -- processing (one lane: units settled together run as one group so the pool stays busy) ------------

    def _lane(self) -> None:
        self._warm_up()
        budget = PAGES_PER_WORKER * max(1, getattr(self.executor, "workers", 1))
        last_retry = time.monotonic()
        while not self._stopping.is_set():
            if self._unclear and time.monotonic() - last_retry >= self.options.rescan_seconds:
                last_retry = time.monotonic()
                for unit_id in sorted(self._unclear):
                    self._clear(unit_id)
            try:
                first = self._settled.get(timeout=TICK_SECONDS)
            except queue.Empty:
                continue
            jobs: list[_Job] = []
            contents: set[str] = set()
            pages = 0
            candidate: Watched | None = first
            while candidate is not None and not self._stopping.is_set():
                job = self._guarded_prepare(candidate, contents)
                if job is not None:
                    jobs.append(job)
                    pages += job.pages
                candidate = None
                if pages < budget:
                    try:
                        candidate = self._settled.get_nowait()
                    except queue.Empty:
                        candidate = None
            if jobs and not self._stopping.is_set():
                self._run(jobs)

    def _warm_up(self) -> None:
        """Start the worker processes now (imports, OpenCV, Tesseract probe) so the first scan does not wait."""
        workers = max(1, getattr(self.executor, "workers", 1))
        self.work.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="warm-", dir=self.work) as tmp:
            blank = Path(tmp) / "blank.png"
            Image.fromarray(np.full((400, 300), 255, np.uint8)).save(blank, dpi=(100, 100))
            tasks = [PageTask(i, blank, "png", 0, 100.0, Path(tmp), self.profile.image, self.profile.ocr)
                     for i in range(1, workers + 1)]
            try:
                for _ in self.executor.map_pages(tasks):
                    pass
            except Exception as exc:  # noqa: BLE001 - a failed warm-up only costs the first scan some time
                LOG.warning("worker warm-up failed: %s", exc)

    def _guarded_prepare(self, watched: Watched, contents: set[str]) -> _Job | None:
        try:
            return self._prepare(watched, contents)
        except Exception as exc:  # noqa: BLE001 - one unit's trouble must not stop the service
            with self._lock:
                again = self.tracker.retry(watched, time.monotonic())
            if again:
                LOG.warning("%s: cannot prepare it (%s: %s); trying again later", watched.ref.given,
                            type(exc).__name__, exc)
            else:
                LOG.exception("%s: cannot prepare it; left until the service restarts", watched.ref.given)
            return None

    def _prepare(self, watched: Watched, contents: set[str]) -> _Job | None:
        """Check a settled unit parses, split it at cover sheets, record its parts: a job, or None for later.

        CONTENTS holds the content keys of the units already in this group: the same scans dropped twice at
        once wait for the next group, where the pipeline sees the first one archived and sets this one aside.
        """
        ref, unit_id = watched.ref, watched.row_id
        now = time.monotonic()
        sig = signature(ref.path)
        if sig is None:
            self.ledger.gone(unit_id)
            with self._lock:
                self.tracker.release(watched)
            return None
        if sig != watched.sig:
            with self._lock:
                self.tracker.requeue(watched, now, sig)
            return None
        station = ref.station or None
        whole = InputSpec(ref.path, ref.given, station)
        found = self._pipeline.inspect(whole)
        try:
            if isinstance(found, Outcome):
                raise InputError(found.error or "unreadable")
            pages = unit_pages(found)
            if len(pages) == 1:
                decode_page(pages[0].file.path, pages[0].file.kind, pages[0].frame.index, pages[0].frame.dpi)
                marks = [PageMarks(cover=None, blank=False)]  # one page cannot be split
            else:
                marks = [read_marks(page) for page in pages]
        except InputError as exc:
            with self._lock:
                again = self.tracker.retry(watched, now)
            if again:
                self.ledger.note_attempt(unit_id, watched.attempts, str(exc))
                LOG.info("%s: not readable yet (%s); look again in %g s (%d/%d)", ref.given, exc,
                         self.tracker.backoff(watched.attempts), watched.attempts, self.tracker.max_retries)
                return None
            LOG.warning("%s: still not readable after %d looks: %s", ref.given, watched.attempts + 1, exc)
            specs = [PartSpec(1, ref.given, 1, 1)]
            masters: list[str] = []
            inspected: list[list[SourceFile] | Outcome] = [found]
            page_count = 1
        else:
            if signature(ref.path) != sig:
                with self._lock:
                    self.tracker.requeue(watched, time.monotonic(), signature(ref.path))
                return None
            hashes = [sha256_file(f.path) for f in found]
            key = content_key(hashes)
            if key in contents:
                with self._lock:
                    self.tracker.hold(watched, time.monotonic() + max(self.options.settle_seconds, 1.0))
                return None
            contents.add(key)
            specs, masters, inspected = self._parts(ref, unit_id, found, hashes, pages, marks)
            page_count = len(pages)
        rows = self.ledger.start(unit_id, encode_signature(sig), total_size(sig), specs, masters)
        by_given = {given: found_ for given, found_ in zip((s.given for s in specs), inspected, strict=True)}
        runs = []
        for row in rows:
            if row.status is not None:
                continue
            path = self.settings.home / row.work_path if row.work_path else ref.path
            spec = InputSpec(path, row.given, station)
            runs.append((row, spec, by_given.get(row.given) or self._pipeline.inspect(spec)))
        return _Job(watched, unit_id, runs, page_count, remaining=len(runs))

    def _parts(
        self,
        ref: UnitRef,
        unit_id: int,
        found: list[SourceFile],
        hashes: list[str],
        pages: list[PageRef],
        marks: list[PageMarks],
    ) -> tuple[list[PartSpec], list[str], list[list[SourceFile] | Outcome]]:
        plan, dropped = plan_parts(marks)
        for part in dropped:
            LOG.warning("%s: pages %d-%d hold only a cover sheet%s or blank pages: left out", ref.given,
                        part.first + 1, part.last + 1, f" ({part.cover})" if part.cover else "")
        if is_whole(plan, len(pages)):
            return [PartSpec(1, ref.given, 1, len(pages), plan[0].cover)], [], [found]
        # A split scan: keep the scan itself as the master, then write each dossier's pages as its own input.
        originals = self.settings.dir("originals")
        masters = [
            str(store_master(f.path, sha, f.kind, originals).relative_to(self.settings.home))
            for f, sha in zip(found, hashes, strict=True)
        ]
        folder = self.work / f"u{unit_id}"
        stem = Path(ref.rel).stem if ref.path.is_file() else ref.rel
        specs = []
        inspected: list[list[SourceFile] | Outcome] = []
        for part in plan:
            name = quarantine.fit_name(f"{stem}#{part.seq}", 40)
            written = write_part(pages[part.first : part.last + 1], folder, name)
            given = f"{ref.given}#{part.seq}"
            specs.append(PartSpec(part.seq, given, part.first + 1, part.last + 1, part.cover,
                                  str(written.relative_to(self.settings.home))))
            inspected.append(self._pipeline.inspect(InputSpec(written, given, ref.station or None)))
        return specs, masters, inspected

    def _run(self, jobs: list[_Job]) -> None:
        """Run the jobs' parts as one pipeline run; each unit is cleared as soon as its last part is committed."""
        owners: list[tuple[_Job, PartRow]] = []
        specs: list[InputSpec] = []
        inspected: dict[int, list[SourceFile] | Outcome] = {}
        for job in jobs:
            if not job.runs:
                self._complete(job)
                continue
            for row, spec, found in job.runs:
                inspected[len(specs)] = found
                specs.append(spec)
                owners.append((job, row))
        if not specs:
            return
        try:
            for index, outcome in enumerate(self._pipeline.run(specs, inspected)):
                job, row = owners[index]
                self.ledger.part_outcome(row.id, outcome)
                self._emit(outcome, job.watched.ref.station)
                job.remaining -= 1
                if job.remaining == 0:
                    self._complete(job)
        except BaseException as exc:
            unfinished = sorted({job.watched.ref.given for job in jobs if job.remaining})
            if self._stopping.is_set():
                LOG.warning("stopped while processing %s: redone at the next start", ", ".join(unfinished))
            else:
                LOG.error("processing failed (%s: %s); %s left for the next start", type(exc).__name__, exc,
                          ", ".join(unfinished))

    def _complete(self, job: _Job) -> None:
        self.ledger.finish(job.unit_id)
        self._clear(job.unit_id)
        with self._lock:
            self.tracker.release(job.watched)

    def _emit(self, outcome: Outcome, station: str) -> None:
        with self._emit_lock:
            self.emit(outcome, station)

    # -- clearing the inbox -------------------------------------------------------------------------------

    def _clear(self, unit_id: int) -> None:
        """Take a `done` unit out of the inbox: archived → removed (the master is in originals/); failed and
        duplicate parts → quarantine/ with a reason file. Repeating it after a crash is harmless."""
        unit = self.ledger.unit(unit_id)
        parts = self.ledger.parts(unit_id)
        folder = self.inbox / unit.station if unit.station else self.inbox
        source = folder / unit.rel_path
        split = any(p.work_path for p in parts)
        current = signature(source)
        unchanged = current is not None and encode_signature(current) == unit.signature
        if current is not None and not unchanged:
            LOG.warning("%s changed after it was processed: left in the inbox, it will be processed as a new scan",
                        unit.given)
        try:
            for part in parts:
                if part.status not in (DossierStatus.quarantined, DossierStatus.duplicate):
                    continue
                item = self.settings.home / part.work_path if part.work_path else source
                if not part.work_path and not unchanged and part.set_aside is None:
                    continue
                target = part.set_aside
                if target is None:
                    name = item.name if part.work_path else unit.rel_path
                    path = quarantine.target_for(self.settings.dir("quarantine"), name, part.status)
                    target = str(path.relative_to(self.settings.home))
                    self.ledger.mark_set_aside(part.id, target)
                quarantine.set_aside(item, self.settings.home / target, quarantine.reason_line(part.status, part.error))
                LOG.info("%s → %s", part.given, target)
            if unchanged and (split or all(p.status in (DossierStatus.archived, DossierStatus.needs_review)
                                           for p in parts)):
                quarantine.remove(source)
            if split:
                shutil.rmtree(self.work / f"u{unit_id}", ignore_errors=True)
        except OSError as exc:
            if unit_id not in self._unclear:
                LOG.error("%s: cannot clear it from the inbox (%s); trying again every %g s", unit.given, exc,
                          self.options.rescan_seconds)
            self._unclear.add(unit_id)
            return
        self._unclear.discard(unit_id)
        self.ledger.close(unit_id)

