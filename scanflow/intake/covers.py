"""Splitting one scan run into dossiers at its QR cover sheets, and writing each part for the pipeline."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, TiffImagePlugin

from scanflow import imaging
from scanflow.documents import cover_code
from scanflow.intake.sources import Frame, SourceFile, decode_page
from scanflow.pages import PageResult


@dataclass(frozen=True)
class PageRef:
    """One page of a unit: which file, which frame."""

    file: SourceFile
    frame: Frame


@dataclass(frozen=True)
class PageMarks:
    """What the intake needs to know about a page before the pipeline sees it."""

    cover: str | None  # mã hồ sơ on a scanflow cover sheet
    blank: bool


@dataclass(frozen=True)
class PartPlan:
    """One dossier of a unit: pages FIRST..LAST (0-based, inclusive), starting with its cover sheet if any."""

    seq: int
    first: int
    last: int
    cover: str | None


def unit_pages(files: list[SourceFile]) -> list[PageRef]:
    """The unit's pages in scan order."""
    return [PageRef(f, frame) for f in files for frame in f.frames]


def _gray(pixels: np.ndarray) -> np.ndarray:
    return imaging.to_gray(pixels) if pixels.ndim == 3 else pixels


def read_marks(page: PageRef) -> PageMarks:
    """Decode one page (InputError when damaged) and look for a cover-sheet QR and blankness."""
    pixels = decode_page(page.file.path, page.file.kind, page.frame.index, page.frame.dpi)
    gray = _gray(pixels)
    # A stand-in page result lets the pipeline's own cover-sheet reading decide, so both agree on the payload.
    code = cover_code(PageResult(seq=page.frame.index + 1, qr=imaging.find_qr(gray)))
    return PageMarks(cover=code, blank=imaging.blank_score(gray).is_blank)


def plan_parts(marks: list[PageMarks]) -> tuple[list[PartPlan], list[PartPlan]]:
    """Where the dossiers of a scan run start: (parts to process, parts left out because they hold no content).

    A cover sheet starts a new dossier; pages before the first cover form a dossier of their own. A part with
    nothing but its cover and blank pages (a cover scanned twice, the blank back of a sheet) is left out. When
    nothing is left, the whole unit is one part so the pipeline records why it failed.
    """
    count = len(marks)
    starts = [i for i, m in enumerate(marks) if m.cover]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ranges = [(start, (starts[n + 1] - 1) if n + 1 < len(starts) else count - 1) for n, start in enumerate(starts)]
    kept: list[PartPlan] = []
    dropped: list[PartPlan] = []
    for first, last in ranges:
        cover = marks[first].cover
        content = [m for m in marks[first : last + 1] if not m.cover and not m.blank]
        plan = PartPlan(0, first, last, cover)
        (kept if content else dropped).append(plan)
    if not kept:
        return [PartPlan(1, 0, max(count - 1, 0), marks[0].cover if marks else None)], dropped
    numbered = [PartPlan(n, p.first, p.last, p.cover) for n, p in enumerate(kept, start=1)]
    return numbered, [PartPlan(0, p.first, p.last, p.cover) for p in dropped]


def is_whole(parts: list[PartPlan], page_count: int) -> bool:
    """True when the plan is the unit itself: one part over every page (the pipeline reads a first-page cover)."""
    return len(parts) == 1 and parts[0].first == 0 and parts[0].last == page_count - 1


def _page_image(page: PageRef) -> Image.Image:
    pixels = decode_page(page.file.path, page.file.kind, page.frame.index, page.frame.dpi)
    if pixels.ndim == 2 and not np.any((pixels != 0) & (pixels != 255)):
        return Image.fromarray(pixels).convert("1")  # bilevel scans stay bilevel (and small, in G4)
    return Image.fromarray(pixels)


def _write_tiff(pages: list[PageRef], dest: Path) -> None:
    """A multi-page TIFF written one page at a time (a long scan run never sits in memory at once)."""
    with dest.open("w+b") as fh:
        with TiffImagePlugin.AppendingTiffWriter(fh) as tiff:
            for page in pages:
                image = _page_image(page)
                compression = "group4" if image.mode == "1" else "tiff_adobe_deflate"
                image.save(tiff, format="TIFF", compression=compression, dpi=(page.frame.dpi, page.frame.dpi))
                tiff.newFrame()
        fh.flush()
        os.fsync(fh.fileno())


def write_part(pages: list[PageRef], dest_dir: Path, stem: str) -> Path:
    """Write one part losslessly under DEST_DIR and return it: a folder of the original files when the part is
    made of whole single-page files, else a multi-page TIFF (deflate, G4 for bilevel pages) keeping each DPI.

    Written under a temporary name and renamed, so a part that exists is complete.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    whole_files = all(len(p.file.frames) == 1 for p in pages)
    if whole_files:
        final = dest_dir / stem
        tmp = dest_dir / f".{stem}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for page in pages:
            target = tmp / page.file.name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(page.file.path, target)
            except OSError:
                shutil.copy2(page.file.path, target)
    else:
        final = dest_dir / f"{stem}.tif"
        tmp = dest_dir / f".{stem}.tif.tmp"
        _write_tiff(pages, tmp)
    if final.is_dir():
        shutil.rmtree(final)
    os.replace(tmp, final)
    return final
