"""Fixity audit: re-hash every archived PDF and every kept original and compare with the database.

A read-only pass that re-derives what must hold instead of trusting state: each file a row names exists and
still has its recorded SHA-256, and every file under archive/ and originals/ is named by some row.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from scanflow.config import Settings
from scanflow.store.db import Database
from scanflow.store.models import Document, Dossier, Original

BLOCK = 1 << 20
SCANNED_DIRS = ("archive", "originals")
# Files that sit beside the archived PDFs without a row of their own: the temporary folder of the PDF writer
# and the Danh mục (list of documents) sidecars regenerated from the rows.
SKIPPED_DIRS = (Path("archive") / ".tmp",)
SIDECAR_SUFFIXES = (".danh-muc.pdf", ".danh-muc.csv")


@dataclass
class Expected:
    """A file some row names: what it should hash to, and who names it."""

    path: str  # relative to the home, POSIX separators
    sha256: str | None
    size: int | None
    kind: str  # document | original
    dossiers: list[int] = field(default_factory=list)
    case: str | None = None


@dataclass
class Problem:
    """One file that fails the audit."""

    kind: str  # missing | changed | orphaned
    path: str
    what: str = ""  # document | original | "" for orphans
    dossiers: list[int] = field(default_factory=list)
    case: str | None = None
    expected: str | None = None
    actual: str | None = None

    def as_json(self) -> dict:
        return {
            "problem": self.kind,
            "path": self.path,
            "file": self.what or None,
            "dossiers": self.dossiers,
            "case": self.case,
            "expected_sha256": self.expected,
            "actual_sha256": self.actual,
        }


@dataclass
class VerifyReport:
    """What the audit looked at and what it found."""

    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, kind: str) -> int:
        return sum(1 for p in self.problems if p.kind == kind)

    def to_json(self) -> str:
        data = {
            "ok": self.ok,
            "files": self.files,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 2),
            "missing": self.count("missing"),
            "changed": self.count("changed"),
            "orphaned": self.count("orphaned"),
            "problems": [p.as_json() for p in self.problems],
        }
        return json.dumps(data, ensure_ascii=False)


def hash_file(path: Path) -> str:
    """SHA-256 of PATH read in 1 MiB blocks (hashlib releases the GIL, so threads hash in parallel)."""
    digest = hashlib.sha256()
    with path.open("rb", buffering=0) as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def expected_files(database: Database) -> dict[str, Expected]:
    """Every file the database names, keyed by its path relative to the home."""
    expected: dict[str, Expected] = {}

    def add(path: str, sha: str | None, size: int | None, kind: str, dossier: int, case: str | None) -> None:
        key = Path(path).as_posix()
        entry = expected.setdefault(key, Expected(key, sha, size, kind, case=case))
        if dossier not in entry.dossiers:
            entry.dossiers.append(dossier)

    with database.session() as session:
        documents = session.execute(
            select(Document.output_path, Document.sha256, Document.size, Document.dossier_id, Dossier.ma_ho_so)
            .join(Dossier, Dossier.id == Document.dossier_id)
            .where(Document.output_path.is_not(None))
            .order_by(Document.id)
            .execution_options(yield_per=2000)
        )
        for path, sha, size, dossier, case in documents:
            add(path, sha, size, "document", dossier, case)
        originals = session.execute(
            select(Original.stored_path, Original.sha256, Original.size, Original.dossier_id, Dossier.ma_ho_so)
            .join(Dossier, Dossier.id == Original.dossier_id)
            .order_by(Original.id)
            .execution_options(yield_per=2000)
        )
        for path, sha, size, dossier, case in originals:
            add(path, sha, size, "original", dossier, case)
    return expected


def _skipped(relative: Path) -> bool:
    if any(relative == d or d in relative.parents for d in SKIPPED_DIRS):
        return True
    name = relative.name
    # Dot files are in-flight temporaries by construction (store_master's .part-*, write_pdfa's .NAME.*.part).
    return name.startswith(".") or name.endswith(SIDECAR_SUFFIXES)


def stored_files(home: Path) -> Iterator[str]:
    """Every file under archive/ and originals/ that an audit accounts for, relative to HOME."""
    for top in SCANNED_DIRS:
        root = home / top
        if not root.is_dir():
            continue
        for folder, dirs, files in os.walk(root):
            base = Path(folder).relative_to(home)
            dirs[:] = sorted(d for d in dirs if not _skipped(base / d))
            for name in sorted(files):
                relative = base / name
                if not _skipped(relative):
                    yield relative.as_posix()


def _check(home: Path, entry: Expected) -> tuple[Expected, Problem | None, int]:
    path = home / entry.path
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return entry, Problem("missing", entry.path, entry.kind, entry.dossiers, entry.case, entry.sha256), 0
    if entry.sha256 is None:
        return entry, None, size
    actual = hash_file(path)
    if actual != entry.sha256:
        return entry, Problem("changed", entry.path, entry.kind, entry.dossiers, entry.case, entry.sha256, actual), size
    return entry, None, size


def verify_archive(
    settings: Settings,
    database: Database,
    *,
    threads: int = 0,
    on_total: Callable[[int], None] | None = None,
    on_file: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Audit the home's archive and originals against DATABASE.

    ON_TOTAL gets the number of bytes to read once it is known, ON_FILE the bytes of each file as it is done
    (both from the calling thread), for a progress bar.
    """
    started = time.perf_counter()
    home = settings.home
    expected = expected_files(database)
    report = VerifyReport()
    orphans = [Problem("orphaned", p) for p in stored_files(home) if p not in expected]
    if on_total is not None:
        on_total(sum(e.size or 0 for e in expected.values()))
    workers = threads or min(8, 2 * (os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify") as pool:
        for _entry, problem, size in pool.map(lambda e: _check(home, e), expected.values()):
            report.files += 1
            report.bytes += size
            if problem is not None:
                report.problems.append(problem)
            if on_file is not None:
                on_file(size)
    report.problems.extend(orphans)
    report.problems.sort(key=lambda p: (("missing", "changed", "orphaned").index(p.kind), p.path))
    report.seconds = time.perf_counter() - started
    return report
