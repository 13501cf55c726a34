"""Clearing the inbox: removing what was archived, setting failures and duplicates aside with a reason file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from scanflow.pdf.assemble import fsync_dir

DUPLICATES_DIR = "_trung-lap"  # trùng lặp: scans already archived, set aside instead of archived twice
REASON_SUFFIX = ".reason.txt"
REMOVED_PREFIX = ".scanflow-removed-"  # a folder being deleted; hidden, so never taken for a unit
MAX_NAME_BYTES = 255  # one path component on ext4, NTFS and SMB shares

WHAT_TO_DO = {
    "quarantined": "Cần làm: kiểm tra bản quét (quét lại hoặc lưu lại tệp) rồi chép lại vào thư mục inbox.",
    "duplicate": "Cần làm: không phải lưu lại; nếu đúng là quét trùng thì xoá tệp này.",
}


def reason_line(status: str, error: str | None) -> str:
    """The one line of a reason file: what went wrong, then what to do."""
    what = " ".join((error or "không xử lý được").split())
    return f"{what} — {WHAT_TO_DO.get(status, WHAT_TO_DO['quarantined'])}"


def fit_name(name: str, reserve: int) -> str:
    """NAME shortened (keeping its extension) so that NAME plus RESERVE bytes fits one path component."""
    limit = MAX_NAME_BYTES - reserve
    if len(name.encode("utf-8", "surrogateescape")) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    budget = limit - len(suffix.encode("utf-8", "surrogateescape")) - 1
    encoded = stem.encode("utf-8", "surrogateescape")[:budget]
    return encoded.decode("utf-8", "ignore") + "~" + suffix


def target_for(quarantine: Path, name: str, status: str) -> Path:
    """A free place in quarantine/ (duplicates in quarantine/_trung-lap/) for NAME and its reason file."""
    folder = quarantine / DUPLICATES_DIR if status == "duplicate" else quarantine
    base = fit_name(name, len(REASON_SUFFIX) + 5)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    candidate = folder / base
    n = 2
    while candidate.exists() or candidate.with_name(candidate.name + REASON_SUFFIX).exists():
        candidate = folder / (f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})")
        n += 1
    return candidate


def reason_path(target: Path) -> Path:
    return target.with_name(target.name + REASON_SUFFIX)


def set_aside(source: Path, target: Path, reason: str) -> None:
    """Move SOURCE (file or folder) to TARGET with TARGET.reason.txt beside it; safe to repeat after a crash."""
    target.parent.mkdir(parents=True, exist_ok=True)
    note = reason_path(target)
    tmp_note = note.with_name(f".{note.name}.tmp")
    tmp_note.write_text(reason + "\n", encoding="utf-8")
    os.replace(tmp_note, note)
    if source.exists() or source.is_symlink():
        try:
            os.replace(source, target)
        except OSError:
            # Another filesystem (an inbox on a network share): copy under a hidden name, then swap in.
            staging = target.with_name(f".{target.name}.part")
            if source.is_dir():
                shutil.rmtree(staging, ignore_errors=True)
                shutil.copytree(source, staging)
            else:
                shutil.copy2(source, staging)
            os.replace(staging, target)
            remove(source)
    fsync_dir(target.parent)


def remove(path: Path) -> None:
    """Remove a file, or a folder after renaming it to a hidden name so it never looks like a half-changed unit."""
    if path.is_dir() and not path.is_symlink():
        hidden = path.with_name(fit_name(f"{REMOVED_PREFIX}{path.name}", 0))
        try:
            os.replace(path, hidden)
        except OSError:
            hidden = path
        shutil.rmtree(hidden, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    fsync_dir(path.parent)
