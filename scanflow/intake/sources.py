"""Input files: what a PATH holds (folder, multi-page TIFF, image, PDF), its pages, and decoding one page."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image, ImageSequence, UnidentifiedImageError

from scanflow.errors import InputError

SUPPORTED = "TIFF, JPEG, PNG, BMP or PDF"
A4_WIDTH_IN = 8.27
# Names scanner software and operating systems leave beside real scans.
IGNORED_NAMES = re.compile(r"^(\..*|~\$.*|.*\.(tmp|part|crdownload|partial)|thumbs\.db|desktop\.ini|ready)$", re.I)

# Pillow's own bomb guard raises a warning or error at its limit; scanflow checks sizes itself first.
Image.MAX_IMAGE_PIXELS = None


def sniff(path: Path) -> str | None:
    """The file's format from its first bytes (never from its name): tiff, jpeg, png, bmp, pdf or None."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:2] == b"BM":
        return "bmp"
    if b"%PDF-" in head:
        return "pdf"
    return None


def natural_key(name: str) -> list[object]:
    """Sort key putting page-2 before page-10."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


def is_ignored(name: str) -> bool:
    return bool(IGNORED_NAMES.match(name))


@dataclass(frozen=True)
class Frame:
    """One page inside a source file, as found by inspection (before decoding)."""

    index: int
    width: int
    height: int
    dpi: float


@dataclass(frozen=True)
class SourceFile:
    path: Path
    name: str  # relative to the input PATH, NFC
    kind: str
    frames: tuple[Frame, ...]
    size: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def plausible_dpi(dpi: float | None, width_px: int, height_px: int, default: int) -> float:
    """The file's resolution when believable, else one inferred from the page size (A4-ish), else DEFAULT."""
    if dpi and dpi > 1:
        dpi = round(dpi, 0) if abs(dpi - round(dpi)) < 0.05 else dpi  # PNG stores pixels per metre
        short_in = min(width_px, height_px) / dpi
        if 2.5 <= short_in <= 17:  # up to A2: larger is a wrong resolution tag, not a larger sheet
            return float(dpi)
    short_px = min(width_px, height_px)
    inferred = short_px / A4_WIDTH_IN
    if 100 <= inferred <= 1200:
        # Snap to the common scanner settings so page sizes come out exact.
        for common in (150, 200, 240, 300, 400, 600):
            if abs(inferred - common) / common < 0.08:
                return float(common)
        return round(inferred)
    return float(default)


def _check_size(name: str, width: int, height: int, max_megapixels: float) -> None:
    megapixels = width * height / 1e6
    if megapixels > max_megapixels:
        raise InputError(
            f"{name}: page is {width}×{height} px ({megapixels:.0f} MP), over the {max_megapixels:.0f} MP limit "
            "(a corrupt or hostile file?)"
        )
    if width < 16 or height < 16:
        raise InputError(f"{name}: page is only {width}×{height} px")


def _image_dpi(img: Image.Image) -> float | None:
    dpi = img.info.get("dpi")
    if dpi:
        try:
            return float(dpi[0])
        except (TypeError, ValueError, IndexError):
            return None
    return None


def _inspect_image(path: Path, name: str, kind: str, default_dpi: int, max_mp: float) -> tuple[Frame, ...]:
    try:
        with Image.open(path) as img:
            frames = []
            for index, frame in enumerate(ImageSequence.Iterator(img)):
                width, height = frame.size
                _check_size(name, width, height, max_mp)
                frames.append(Frame(index, width, height, plausible_dpi(_image_dpi(frame), width, height, default_dpi)))
    except UnidentifiedImageError:
        raise InputError(f"{name}: not a readable {kind.upper()} image (corrupt or truncated)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"{name}: corrupt or truncated {kind.upper()} file ({_short(exc)})") from None
    if not frames:
        raise InputError(f"{name}: file holds no pages")
    return tuple(frames)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


def _pdf_page_image(page: pikepdf.Page) -> pikepdf.PdfImage | None:
    """The single image that makes up a scanned page, or None for anything else."""
    images = list(page.images.values())
    if len(images) != 1:
        return None
    return pikepdf.PdfImage(images[0])


def pdf_has_text(pdf: pikepdf.Pdf) -> bool:
    """True when any page uses a font, i.e. already carries a text layer (visible or OCR)."""
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        if resources is not None and resources.get("/Font"):
            return True
    return False


def _inspect_pdf(path: Path, name: str, existing_text: str, default_dpi: int, max_mp: float) -> tuple[Frame, ...]:
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        raise InputError(f"{name}: PDF is encrypted (password protected): save an unprotected copy") from None
    except pikepdf.PdfError as exc:
        raise InputError(f"{name}: not a readable PDF (corrupt or truncated: {_short(exc)})") from None
    with pdf:
        if pdf.is_encrypted:
            raise InputError(f"{name}: PDF is encrypted: save an unprotected copy")
        if len(pdf.pages) == 0:
            raise InputError(f"{name}: PDF has no pages")
        if existing_text == "keep" and pdf_has_text(pdf):
            raise InputError(f"{name}: PDF already has a text layer and the profile keeps existing text: not processed")
        frames = []
        for index, page in enumerate(pdf.pages):
            box = [float(v) for v in page.mediabox]
            width_pt, height_pt = abs(box[2] - box[0]), abs(box[3] - box[1])
            image = _pdf_page_image(page)
            if image is not None:
                width, height = image.width, image.height
                dpi = width / (width_pt / 72.0) if width_pt else default_dpi
            else:
                dpi = default_dpi
                width, height = round(width_pt / 72 * dpi), round(height_pt / 72 * dpi)
            _check_size(name, width, height, max_mp)
            frames.append(Frame(index, width, height, plausible_dpi(dpi, width, height, default_dpi)))
    return tuple(frames)


def inspect_file(path: Path, name: str, *, default_dpi: int, max_megapixels: float, existing_text: str) -> SourceFile:
    """Open PATH far enough to know its kind and pages; raise InputError with a one-line reason."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    if size == 0:
        raise InputError(f"{name}: empty file (0 bytes)")
    kind = sniff(path)
    if kind is None:
        raise InputError(f"{name}: not a supported scan ({SUPPORTED})")
    if kind == "pdf":
        frames = _inspect_pdf(path, name, existing_text, default_dpi, max_megapixels)
    else:
        frames = _inspect_image(path, name, kind, default_dpi, max_megapixels)
    return SourceFile(path=path, name=name, kind=kind, frames=frames, size=size)


def list_files(path: Path) -> list[tuple[Path, str]]:
    """The page files of an input: the file itself, or a folder's files in natural order (recursively)."""
    if path.is_file():
        return [(path, unicodedata.normalize("NFC", path.name))]
    if not path.is_dir():
        raise InputError(f"{path}: no such file or folder")
    found = []
    for file in path.rglob("*"):
        rel = file.relative_to(path)
        if any(is_ignored(part) for part in rel.parts) or not file.is_file():
            continue
        found.append((file, unicodedata.normalize("NFC", rel.as_posix())))
    found.sort(key=lambda item: natural_key(item[1]))
    if not found:
        raise InputError(f"{path}: folder holds no scans")
    return found


def inspect_input(path: Path, *, default_dpi: int, max_megapixels: float, existing_text: str) -> list[SourceFile]:
    """Every source file of an input PATH with its pages; InputError on the first bad one."""
    return [
        inspect_file(file, name, default_dpi=default_dpi, max_megapixels=max_megapixels, existing_text=existing_text)
        for file, name in list_files(path)
    ]


def _to_array(img: Image.Image) -> np.ndarray:
    """uint8 grey (H×W) or RGB (H×W×3) pixels of a decoded page."""
    if img.mode in ("1", "L", "I;16", "I", "F", "LA", "P") and not _palette_has_colour(img):
        return np.asarray(img.convert("L"))
    return np.asarray(img.convert("RGB"))


def _palette_has_colour(img: Image.Image) -> bool:
    if img.mode != "P":
        return False
    palette = np.asarray(img.convert("RGB").getpalette() or [], dtype=np.int16).reshape(-1, 3)
    return bool(palette.size) and bool((palette.max(axis=1) - palette.min(axis=1) > 8).any())


def decode_page(path: Path, kind: str, index: int, dpi: float) -> np.ndarray:
    """Decode page INDEX of a source file into pixels; InputError when the data is damaged."""
    try:
        if kind == "pdf":
            return _decode_pdf_page(path, index, dpi)
        with Image.open(path) as img:
            img.seek(index)
            img.load()
            return _to_array(img)
    except InputError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, pikepdf.PdfError) as exc:
        raise InputError(
            f"{path.name}: page {index + 1} cannot be decoded (corrupt or truncated: {_short(exc)})"
        ) from None


def _decode_pdf_page(path: Path, index: int, dpi: float) -> np.ndarray:
    with pikepdf.open(path) as pdf:
        image = _pdf_page_image(pdf.pages[index])
        if image is not None:
            try:
                pil = image.as_pil_image()
                rotate = int(pdf.pages[index].obj.get("/Rotate", 0)) % 360
                if rotate:
                    pil = pil.rotate(-rotate, expand=True)
                return _to_array(pil)
            except (pikepdf.PdfError, NotImplementedError, OSError, ValueError):
                pass  # unusual encodings (JBIG2 without a decoder...) are rendered instead
    import pypdfium2  # rasterise pages that are not a single image

    doc = pypdfium2.PdfDocument(str(path))
    try:
        bitmap = doc[index].render(scale=dpi / 72.0, grayscale=False)
        return _to_array(bitmap.to_pil())
    finally:
        doc.close()
