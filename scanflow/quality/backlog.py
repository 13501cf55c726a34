"""The backlog: units waiting in the inbox, and dossiers in progress, waiting for review or quarantined."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanflow.config import Settings
from scanflow.store.models import Dossier, DossierStatus

BACKLOG_KEYS = ("inbox", "processing", "needs_review", "quarantined", "not_digitized")
STATUS_KEYS: dict[str, str] = {
    DossierStatus.received: "processing",
    DossierStatus.processing: "processing",
    DossierStatus.needs_review: "needs_review",
    DossierStatus.quarantined: "quarantined",
}
READY_MARKER = "READY"
_IGNORED_SUFFIXES = (".tmp", ".part")


def _ignored(name: str) -> bool:
    """Scanner-software litter that is never a unit: hidden files, temporary and partial files, Thumbs.db."""
    return name.startswith((".", "~$")) or name.lower().endswith(_IGNORED_SUFFIXES) or name.lower() == "thumbs.db"


def _settled(entry: os.DirEntry, cutoff: float) -> bool:
    if not entry.is_dir(follow_symlinks=False):
        return entry.stat().st_mtime <= cutoff
    with os.scandir(entry.path) as inner:
        children = [c for c in inner if not _ignored(c.name) or c.name == READY_MARKER]
    if any(c.name == READY_MARKER for c in children):
        return True
    return bool(children) and entry.stat().st_mtime <= cutoff and all(c.stat().st_mtime <= cutoff for c in children)


def count_inbox(session: Session, settings: Settings) -> int:
    """Units waiting in the inbox: a file, or a folder of files, that has settled (unchanged for
    `settle_seconds`, or a folder holding a READY marker), in the inbox or a station's subfolder of it.

    This is the one seam for the watch service: once its state table records the units it has seen, this
    function should count those rows by SQL instead of looking at the disk. SESSION is unused until then.
    """
    del session
    inbox = settings.dir("inbox")
    cutoff = time.time() - settings.settle_seconds
    stations = set(settings.stations)
    folders: list[Path] = [inbox] + [inbox / s for s in sorted(stations)]
    count = 0
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if _ignored(entry.name) or (folder == inbox and entry.name in stations):
                        continue
                    try:
                        count += _settled(entry, cutoff)
                    except OSError:
                        continue  # vanished or unreadable while we looked: not a settled unit
        except OSError:
            continue
    return count


def status_counts(session: Session, *, don_vi: str | None = None, year: int | None = None) -> dict[str | None, dict]:
    """Dossiers in progress, waiting for review and quarantined, per unit (Dossier.don_vi; None: not yet known).

    With a unit or year filter only dossiers already tied to that unit / year are counted.
    """
    query = (
        select(Dossier.don_vi, Dossier.status, func.count())
        .where(Dossier.status.in_(list(STATUS_KEYS)))
        .group_by(Dossier.don_vi, Dossier.status)
    )
    if don_vi is not None:
        query = query.where(Dossier.don_vi == don_vi)
    if year is not None:
        query = query.where(Dossier.year == year)
    out: dict[str | None, dict] = {}
    for unit, status, count in session.execute(query):
        counters = out.setdefault(unit, {"processing": 0, "needs_review": 0, "quarantined": 0})
        counters[STATUS_KEYS[status]] += count
    return out
