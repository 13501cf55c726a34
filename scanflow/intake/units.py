"""Units of the watched inbox: which file or folder a path belongs to, the station it came from, its signature."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scanflow.intake.sources import is_ignored

READY_MARKER = "READY"  # dropped into a folder by the scanner (or a person) when the folder is complete


@dataclass(frozen=True)
class UnitRef:
    """One unit: a file or folder directly inside the inbox or inside a station's subfolder."""

    station: str  # "" for the inbox itself
    rel: str  # its name as on disk (one path component)
    path: Path

    @property
    def given(self) -> str:
        """How records and logs name it: station/name, in NFC whatever form the name arrived in."""
        name = f"{self.station}/{self.rel}" if self.station else self.rel
        return unicodedata.normalize("NFC", name)

    @property
    def key(self) -> tuple[str, str]:
        return (self.station, self.rel)


def station_dirs(inbox: Path, stations: tuple[str, ...]) -> dict[str, Path]:
    """The configured station subfolders, keyed by station name ("" is the inbox itself)."""
    dirs = {"": inbox}
    for station in stations:
        dirs[station] = inbox / station
    return dirs


def list_units(inbox: Path, stations: tuple[str, ...]) -> list[UnitRef]:
    """Every unit in the inbox now, stations' subfolders included, oldest first (by name within a folder)."""
    found: list[UnitRef] = []
    for station, folder in station_dirs(inbox, stations).items():
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue  # a station folder not created yet, or a share that is down: the next rescan tries again
        for entry in entries:
            if is_ignored(entry.name) or (not station and entry.name in stations):
                continue
            try:
                if not (entry.is_file() or entry.is_dir()):
                    continue
            except OSError:
                continue
            found.append(UnitRef(station, entry.name, Path(entry.path)))
    return found


def unit_of(path: Path | str, inbox: Path, stations: tuple[str, ...]) -> UnitRef | None:
    """The unit a changed PATH belongs to, or None (outside the inbox, a station folder itself, a temporary file)."""
    try:
        parts = Path(path).relative_to(inbox).parts
    except ValueError:
        return None
    if not parts:
        return None
    station = ""
    if parts[0] in stations:
        station, parts = parts[0], parts[1:]
        if not parts:
            return None
    if is_ignored(parts[0]):
        return None
    folder = inbox / station if station else inbox
    return UnitRef(station, parts[0], folder / parts[0])


Signature = tuple[tuple[str, int, int], ...]


def signature(path: Path) -> Signature | None:
    """What changes while a unit is being written: each file's relative name, size and mtime; None when gone.

    Temporary files (`*.part`, `~$*`...) count too: a folder whose next page is still being written as
    `page-3.tif.part` is not complete.
    """
    try:
        st = path.stat()
    except OSError:
        return None
    if not path.is_dir():
        return (("", st.st_size, st.st_mtime_ns),)
    entries: list[tuple[str, int, int]] = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            try:
                fst = os.stat(full)
            except OSError:
                continue
            entries.append((os.path.relpath(full, path), fst.st_size, fst.st_mtime_ns))
    return tuple(entries)


def has_ready_marker(path: Path) -> bool:
    """True when a folder unit holds a READY file (any case): complete now, no need to wait."""
    if not path.is_dir():
        return False
    try:
        return any(entry.name.upper() == READY_MARKER for entry in os.scandir(path))
    except OSError:
        return False


def total_size(sig: Signature) -> int:
    return sum(size for _, size, _ in sig)


def encode_signature(sig: Signature) -> str:
    """A compact text form for the ledger (compared, never parsed back)."""
    return ";".join(f"{name}:{size}:{mtime}" for name, size, mtime in sig)
