"""Page thumbnails cut from the archived PDFs' page images, cached as JPEG under work/thumbs."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pikepdf
from pikepdf import PdfImage
from PIL import Image

THUMB_WIDTH = 240


def _page_image(pdf_path: Path, page_index: int) -> Image.Image:
    """The largest image drawn on the page, decoded (JPEG data at reduced scale when possible)."""
    with pikepdf.open(pdf_path) as pdf:
        page = pdf.pages[page_index]
        # get_images() (pikepdf >= 10.9) also finds images inside form XObjects
        images = list((page.get_images() if hasattr(page, "get_images") else page.images).values())
        if not images:
            raise LookupError(f"{pdf_path.name}: page {page_index + 1} holds no image")
        stream = max(images, key=lambda s: int(s.get("/Width", 0)) * int(s.get("/Height", 0)))
        if stream.get("/Filter") == pikepdf.Name.DCTDecode:
            image = Image.open(io.BytesIO(stream.read_raw_bytes()))
            image.draft(image.mode, (THUMB_WIDTH * 2, THUMB_WIDTH * 4))  # decode at 1/2..1/8 scale
            image.load()
            return image
        return PdfImage(stream).as_pil_image()


def thumbnail(pdf_path: Path, page_index: int, cache_dir: Path, key: str) -> Path:
    """A JPEG, THUMB_WIDTH pixels wide, of page PAGE_INDEX (0-based) of PDF_PATH; made once per KEY.

    KEY must change when the PDF does (the document's SHA-256 does), so a reprocessed file never shows
    an old picture.
    """
    target = cache_dir / key[:2] / f"{key}-{page_index + 1}.jpg"
    if target.is_file():
        return target
    image = _page_image(pdf_path, page_index)
    if image.mode not in ("RGB", "L"):
        image = image.convert("L" if image.mode in ("1", "LA", "I", "I;16") else "RGB")
    height = max(1, round(image.height * THUMB_WIDTH / image.width))
    image = image.resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part-", suffix=".jpg", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            image.save(out, "JPEG", quality=80, optimize=True)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
