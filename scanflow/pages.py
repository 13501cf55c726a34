"""The per-page step, run in worker processes: decode, deskew, orient, clean, measure, OCR, encode."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from scanflow import imaging
from scanflow.config import ImageSettings, OcrSettings, resolve_model_file
from scanflow.errors import ScanflowError
from scanflow.intake.sources import decode_page
from scanflow.ocr import tesseract
from scanflow.ocr.tesseract import Word

OSD_DPI = 150  # OSD needs only the shapes of letters; a reduced copy is several times faster


@dataclass(frozen=True)
class PageTask:
    """Everything a worker needs to process one page, picklable."""

    seq: int  # 1-based position in the dossier
    source: Path  # the master copy under originals/
    kind: str
    frame: int
    dpi: float
    work_dir: Path
    image: ImageSettings
    ocr: OcrSettings


@dataclass
class PageResult:
    """What a worker measured and produced for one page (the image itself is a file in work_dir)."""

    seq: int
    width: int = 0
    height: int = 0
    dpi: float = 0
    color: str = "gray"  # rgb | gray | bw
    encoding: str = "jpeg"  # jpeg | g4
    image_path: Path | None = None
    image_bytes: int = 0
    skew: float = 0.0
    skew_confidence: float = 0.0
    orientation: int = 0
    orientation_method: str = "image"
    blank: bool = False
    ink_ratio: float = 0.0
    sharpness: float = 0.0
    contrast: float = 0.0
    fingerprint: int | None = None
    qr: list[str] = field(default_factory=list)
    words: tuple[Word, ...] = ()
    text: str = ""
    ocr_confidence: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None


def has_colour(rgb: np.ndarray) -> bool:
    """True when the page carries real colour (stamps, coloured ink), not just tinted paper."""
    small = cv2.resize(rgb, (rgb.shape[1] // 4, rgb.shape[0] // 4), interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    saturated = (hsv[..., 1] > 80) & (hsv[..., 2] > 60)
    return float(saturated.mean()) > 0.002


def _encode_jpeg(pixels: np.ndarray, quality: int, path: Path) -> int:
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)
    ok, data = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
    if not ok:
        raise ScanflowError("JPEG encoding failed")
    path.write_bytes(data.tobytes())
    return len(data)


def encode_g4(bw: np.ndarray) -> bytes:
    """Raw CCITT Group 4 data (one strip, BlackIs1 false) of a 0/255 image."""
    buf = io.BytesIO()
    Image.fromarray(bw).convert("1").save(buf, format="TIFF", compression="group4", tiffinfo={278: bw.shape[0]})
    with Image.open(io.BytesIO(buf.getvalue())) as tif:
        offsets = tif.tag_v2[273]
        counts = tif.tag_v2[279]
    if len(offsets) != 1:
        raise ScanflowError("G4 encoder wrote more than one strip")
    raw = buf.getvalue()
    return raw[offsets[0] : offsets[0] + counts[0]]


def _orient(gray: np.ndarray, task: PageTask, result: PageResult) -> int:
    found = imaging.detect_orientation(gray)
    if found.confidence >= task.image.orientation_min_confidence:
        return found.degrees
    scale = OSD_DPI / result.dpi if result.dpi > OSD_DPI else 1.0
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    osd_input = task.work_dir / f"osd-{task.seq:05d}.pgm"
    cv2.imwrite(str(osd_input), small)
    try:
        osd = tesseract.detect_orientation(osd_input, dpi=int(result.dpi * scale))
    finally:
        osd_input.unlink(missing_ok=True)
    if osd is None or osd.confidence < 1.5:
        return found.degrees
    result.orientation_method = "osd"
    return (360 - osd.rotate) % 360  # OSD says how to turn it; scanflow records how the content lay


def process_page(task: PageTask) -> PageResult:
    """Run every per-page step; failures come back as result.error (one line), never as exceptions."""
    result = PageResult(seq=task.seq, dpi=task.dpi)
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[step] = round(now - clock, 4)
        clock = now

    try:
        pixels = decode_page(task.source, task.kind, task.frame, task.dpi)
        lap("decode")
        mode = task.image.mode
        if pixels.ndim == 3 and mode in ("auto", "color"):
            keep_colour = mode == "color" or has_colour(pixels)
        else:
            keep_colour = False
        if pixels.ndim == 3 and not keep_colour:
            pixels = imaging.to_gray(pixels)
        gray = imaging.to_gray(pixels) if pixels.ndim == 3 else pixels

        if task.image.deskew:
            skew = imaging.measure_skew(gray)
            result.skew, result.skew_confidence = skew.angle, skew.confidence
            if abs(skew.angle) >= 0.05:
                pixels = imaging.deskew(pixels, skew.angle)
                gray = imaging.to_gray(pixels) if pixels.ndim == 3 else pixels
        lap("deskew")
        if task.image.rotate:
            result.orientation = _orient(gray, task, result)
            if result.orientation:
                pixels = imaging.rotate_orientation(pixels, result.orientation)
                gray = imaging.rotate_orientation(gray, result.orientation)
        lap("orient")

        clean_mode = "bw" if mode == "bw" else ("color" if pixels.ndim == 3 else "gray")
        shown = imaging.clean_page(pixels, mode=clean_mode, dpi=result.dpi) if task.image.clean else pixels
        ocr_gray = imaging.to_gray(shown) if shown.ndim == 3 else shown
        if clean_mode == "bw" and task.image.clean:
            ocr_gray = imaging.clean_page(gray, mode="gray", dpi=result.dpi)
        lap("clean")

        measures = imaging.measure_page(ocr_gray, gray)
        result.blank, result.ink_ratio = measures.blank.is_blank, measures.blank.ink_ratio
        result.sharpness, result.contrast = measures.sharpness, measures.contrast
        result.fingerprint = measures.fingerprint
        result.qr = imaging.find_qr(ocr_gray)
        lap("measure")
        result.height, result.width = shown.shape[:2]

        if result.blank and task.image.blank_pages == "drop":
            return result
        if not result.blank and not result.qr:
            ocr_input = task.work_dir / f"ocr-{task.seq:05d}.pgm"
            cv2.imwrite(str(ocr_input), ocr_gray)
            try:
                ocr = tesseract.ocr_image(
                    ocr_input,
                    languages=task.ocr.languages,
                    dpi=int(round(result.dpi)),
                    psm=task.ocr.psm,
                    user_words=resolve_model_file(task.ocr.user_words),
                    user_patterns=resolve_model_file(task.ocr.user_patterns),
                    timeout=task.ocr.timeout_seconds,
                )
            finally:
                ocr_input.unlink(missing_ok=True)
            result.words, result.text, result.ocr_confidence = ocr.words, ocr.text, ocr.mean_confidence
        lap("ocr")

        if clean_mode == "bw":
            result.color, result.encoding = "bw", "g4"
            result.image_path = task.work_dir / f"page-{task.seq:05d}.g4"
            data = encode_g4(shown)
            result.image_path.write_bytes(data)
            result.image_bytes = len(data)
        else:
            result.color = "rgb" if shown.ndim == 3 else "gray"
            result.image_path = task.work_dir / f"page-{task.seq:05d}.jpg"
            result.image_bytes = _encode_jpeg(shown, task.image.jpeg_quality, result.image_path)
        lap("encode")
    except ScanflowError as exc:
        result.error = str(exc)
    except MemoryError:
        result.error = f"page {task.seq}: not enough memory to process this page"
    except Exception as exc:  # noqa: BLE001 - a worker must report, not die, on any damaged page
        result.error = f"page {task.seq}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return result
