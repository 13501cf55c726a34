"""Files a scanner station would drop (page images, multi-page TIFF, image-only PDF) and the case register CSV."""

from __future__ import annotations

import csv
import random
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from samples.casegen import REGISTER_HEADER, CaseTruth

#: --format choices: how the pages of one dossier are written.
FORMATS = {
    "folder": "one folder per dossier, page-1.png, page-2.png, … (PNG, lossless)",
    "folder-jpeg": "one folder per dossier, page-1.jpg, page-2.jpg, …",
    "png": "single-page PNG files side by side: <name>-page-1.png, …",
    "jpeg": "single-page JPEG files side by side: <name>-page-1.jpg, …",
    "tiff": "one multi-page TIFF per dossier, LZW",
    "tiff-jpeg": "one multi-page TIFF per dossier, JPEG-compressed",
    "tiff-g4": "one multi-page TIFF per dossier, CCITT Group 4 (pages binarised)",
    "pdf": "one image-only PDF per dossier (scanned, no text layer)",
}
JPEG_FORMATS = ("folder-jpeg", "jpeg", "tiff-jpeg", "pdf")
DEFAULT_JPEG_QUALITY = 85


def _png_bytes(im: Image.Image, dpi: int) -> bytes:
    """PNG with a pHYs chunk. OpenCV's encoder (RLE, fast zlib) is several times quicker than Pillow's on
    noisy scans; Pillow writes the rare 1-bit pages."""
    if im.mode == "1":
        from io import BytesIO

        buf = BytesIO()
        im.save(buf, format="png", dpi=(dpi, dpi))
        return buf.getvalue()
    arr = np.asarray(im)
    if arr.ndim == 3:
        arr = cv2.cvtColor(arr, cv2.COLOR_RGB2BGR)
    params = [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE]
    if hasattr(cv2, "IMWRITE_PNG_FILTER"):  # OpenCV >= 4.11: unfiltered is fastest and smallest on noisy scans
        params += [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE]
    ok, enc = cv2.imencode(".png", arr, params)
    if not ok:
        raise RuntimeError("PNG encoding failed")
    data = enc.tobytes()
    ppm = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    ihdr_end = 8 + 8 + 13 + 4  # signature, IHDR length+type, IHDR data, CRC
    return data[:ihdr_end] + chunk + data[ihdr_end:]


def write_pages(images: Sequence[Image.Image], outdir: Path, name: str, fmt: str, dpi: int,
                jpeg_qualities: Sequence[int | None]) -> list[tuple[str, int]]:
    """Write one dossier's pages; return, for each page, (path relative to ``outdir``, frame index in that
    file). Resolution is stored in every file (PNG pHYs, JPEG JFIF density, TIFF X/YResolution, PDF page
    size). ``jpeg_qualities`` gives each page's quality for the JPEG-based formats."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {sorted(FORMATS)}")
    res = (dpi, dpi)
    out: list[tuple[str, int]] = []
    if fmt in ("folder", "folder-jpeg", "png", "jpeg"):
        ext = "png" if fmt in ("folder", "png") else "jpg"
        for i, (im, q) in enumerate(zip(images, jpeg_qualities, strict=True), 1):
            rel = f"{name}/page-{i}.{ext}" if fmt.startswith("folder") else f"{name}-page-{i}.{ext}"
            path = outdir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if ext == "png":
                path.write_bytes(_png_bytes(im, dpi))
            else:
                (im.convert("L") if im.mode == "1" else im).save(path, dpi=res, quality=q or DEFAULT_JPEG_QUALITY)
            out.append((rel, 0))
        return out
    rel = f"{name}.pdf" if fmt == "pdf" else f"{name}.tif"
    path = outdir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    first, rest = images[0], list(images[1:])
    if fmt == "pdf":
        extra = {} if first.mode == "1" else {"quality": min((q or DEFAULT_JPEG_QUALITY) for q in jpeg_qualities)}
        first.save(path, save_all=True, append_images=rest, resolution=float(dpi), **extra)
    else:
        compression = {"tiff": "tiff_lzw", "tiff-jpeg": "jpeg", "tiff-g4": "group4"}[fmt]
        kwargs: dict[str, object] = {"compression": compression, "dpi": res}
        if fmt == "tiff-jpeg":
            kwargs["quality"] = min((q or DEFAULT_JPEG_QUALITY) for q in jpeg_qualities)
        if fmt == "tiff-g4":
            first, rest = first.convert("1"), [im.convert("1") for im in rest]
        first.save(path, save_all=True, append_images=rest, **kwargs)
    return [(rel, i) for i in range(len(images))]


def write_register(path: Path, cases: Sequence[CaseTruth], rng: random.Random, *, bom: bool = False,
                   dates: str = "iso") -> int:
    """Write the register CSV with the canonical header, rows shuffled. ``dates``: "iso" (yyyy-mm-dd),
    "dmy" (dd/mm/yyyy) or "mixed" (a mix per row, as registers merged from several offices look)."""
    rows = []
    for case in cases:
        style = dates if dates != "mixed" else rng.choice(("iso", "dmy"))
        rows.append(case.register_row(style))
    rng.shuffle(rows)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(REGISTER_HEADER))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
