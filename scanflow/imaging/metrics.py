"""Page measurements: blank detection, sharpness, contrast and a near-duplicate fingerprint."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from scanflow.imaging import _prep

# --- blank pages -------------------------------------------------------------------------------------
# Ink closer than this share of the width/height to the page edge is ignored (border and punch-hole
# remains, finger shadows).
BLANK_MARGIN = 0.03
# Marks of less ink than this are specks and dust (a dust grain of 1 mm across has ~0.8 mm²; most
# letters of 11–14 pt text have more, and a word or a signature stroke far more).
MIN_MARK_MM2 = 1.0
# Gaps up to this are bridged when grouping ink into marks (letters into words, fold-line dashes).
MARK_BRIDGE_MM = 3.0
# A mark longer than this share of the page side and at most LINE_THICKNESS analysis pixels (~1 mm)
# thick on average is a fold, a crease or a ruled line, not writing.
LINE_MIN_LENGTH = 0.25
LINE_THICKNESS = 4.0
# Below this share of ink (after the exclusions above) a page is blank (≈ 5 mm² of ink on A4). A single
# short line of text or a bare signature gives ≥ 3e-4; paper noise, specks and folds give 0.
BLANK_MAX_INK = 1e-4

# --- sharpness / contrast ----------------------------------------------------------------------------
SHARPNESS_LONG_SIDE = 1000
CONTRAST_INK_SHARE = 0.005

# --- fingerprint -------------------------------------------------------------------------------------
# Ink darkness is sampled on a grid of FP_CELL_MM cells, FP_COLUMNS × FP_ROWS (170 × 260 mm) from the
# top-left corner of the text, after a Gaussian blur of half a cell; the layout (everything broader than
# FP_HIGHPASS cells) is subtracted, leaving where the words and line ends fall. 64 signed random
# projections of that pattern (SimHash) are the bits: Hamming distance ≈ 64 × angle / π between two
# pages' patterns.
FP_CELL_MM = 3.0
FP_COLUMNS, FP_ROWS = 56, 86
FP_BLUR = 0.5
FP_HIGHPASS = 3.0
FP_SEED = 20250601
# Same sheet scanned twice: ≤ 7 bits over 100 synthetic pairs; different text in the same layout: ≥ 15.
NEAR_DUPLICATE_DISTANCE = 11


@dataclass(frozen=True)
class BlankResult:
    """Blank-page verdict.

    is_blank: True when the page carries no writing: paper texture, noise, specks, scanner-border
        remains, punch holes near the edge and straight fold lines do not count; a signature alone or a
        single short line of text does.
    ink_ratio: share of the page (inside a 3% margin, at ~100 dpi) covered by the ink that counts.
    """

    is_blank: bool
    ink_ratio: float


def blank_score(gray: np.ndarray, analysis: _prep.PageInk | None = None) -> BlankResult:
    """Whether a grey page (H×W uint8) is blank, and how much ink it carries (`analysis`: the page's
    `_prep.page_ink`, when the caller has it already).

    Marks are the connected groups of ink after bridging gaps of MARK_BRIDGE_MM along rows and columns,
    so a dashed, noisy fold line is judged as the one long thin line it is, and a word as one mark.
    """
    ink = (analysis or _prep.page_ink(gray)).ink
    h, w = ink.shape
    my, mx = round(h * BLANK_MARGIN), round(w * BLANK_MARGIN)
    inner = np.ascontiguousarray(ink[my: h - my, mx: w - mx]).view(np.uint8)
    if not inner.any():
        return BlankResult(True, 0.0)
    px_per_mm = min(h, w) / 210.0
    bridge = max(3, round(MARK_BRIDGE_MM * px_per_mm)) | 1
    marks = cv2.morphologyEx(inner, cv2.MORPH_CLOSE, np.ones((1, bridge), np.uint8))
    marks = cv2.morphologyEx(marks, cv2.MORPH_CLOSE, np.ones((bridge, 1), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    ink_of = np.bincount(labels[inner.view(bool)], minlength=n)[1:].astype(np.float64)
    length = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]).astype(np.float64)
    speck = ink_of < MIN_MARK_MM2 * px_per_mm**2
    straight_line = (length >= LINE_MIN_LENGTH * min(h, w)) & (
        stats[1:, cv2.CC_STAT_AREA] <= LINE_THICKNESS * length)
    ratio = float(ink_of[~speck & ~straight_line].sum()) / inner.size
    return BlankResult(is_blank=ratio < BLANK_MAX_INK, ink_ratio=round(ratio, 6))


def _normalised_copy(gray: np.ndarray) -> np.ndarray:
    """`gray` area-resampled to a long side of SHARPNESS_LONG_SIDE, whatever its dpi."""
    small, _ = _prep.shrink(_prep.to_gray(gray), 2 * SHARPNESS_LONG_SIDE)
    h, w = small.shape
    f = SHARPNESS_LONG_SIDE / max(h, w)
    size = (max(1, round(w * f)), max(1, round(h * f)))
    return cv2.resize(small, size, interpolation=cv2.INTER_AREA)


def _sharpness(copy: np.ndarray) -> float:
    return round(float(cv2.Laplacian(copy, cv2.CV_32F).var()), 2)


def sharpness(gray: np.ndarray) -> float:
    """Focus measure: variance of the Laplacian of a copy resampled to a 1000-px long side.

    Comparable across scan resolutions of the same paper; it grows with the amount of text, so compare
    pages of similar content (a sharp 300-dpi text page: several thousand; visibly blurred: a few hundred).
    """
    return _sharpness(_normalised_copy(gray))


def contrast(gray: np.ndarray) -> float:
    """Ink-to-paper contrast 0..1: (95th − 0.5th percentile grey level) / 255, at full resolution (no
    averaging of thin strokes into the paper) inside a 3% margin.

    The 0.5th percentile lands in the ink on pages with at least a few lines of writing (text covers
    several % of a page); faded or over-exposed scans score low, and so do blank pages and pages with
    only a signature or a single line.
    """
    gray = _prep.to_gray(gray)
    h, w = gray.shape
    my, mx = round(h * BLANK_MARGIN), round(w * BLANK_MARGIN)
    cum = np.cumsum(cv2.calcHist([gray[my: h - my, mx: w - mx]], [0], None, [256], [0, 256]).ravel())
    ink, paper = np.searchsorted(cum, [CONTRAST_INK_SHARE * cum[-1], 0.95 * cum[-1]])
    return round(float(paper - ink) / 255.0, 4)


def _text_edge(profile: np.ndarray, floor: float, window: int) -> float:
    """Sub-pixel position where the first substantial run of `profile` (≥ floor) rises through half of
    its own local maximum: the top of the first text line, or the left margin. Relative to that run's
    own height, so a short first line or an indent does not move it."""
    above = profile >= floor
    if not above.any():
        return 0.0
    first = int(np.argmax(above))
    lo = max(0, first - window)
    seg = profile[lo: first + window]
    level = 0.5 * float(seg.max())
    k = lo + int(np.argmax(seg >= level))
    if k == 0:
        return 0.0
    rise = max(float(profile[k] - profile[k - 1]), 1e-6)
    return k - 1 + (level - float(profile[k - 1])) / rise


@lru_cache(maxsize=1)
def _projections() -> np.ndarray:
    # RandomState's stream is frozen by NumPy, so fingerprints stay comparable across versions.
    rs = np.random.RandomState(FP_SEED)
    return rs.standard_normal((64, FP_ROWS * FP_COLUMNS)).astype(np.float32)


def page_fingerprint(gray: np.ndarray, analysis: _prep.PageInk | None = None) -> int:
    """64-bit perceptual hash of a deskewed, upright, cleaned grey page (H×W uint8), for near-duplicates.

    Two scans of the same sheet (other noise, JPEG, ±0.5° skew before deskew, a few mm shift) come
    within NEAR_DUPLICATE_DISTANCE bits (`fingerprint_distance`); different text in the same layout
    lands ~20–32 bits apart. Anchored at the first text line and the left margin, scaled as if the page
    were 210 mm wide. Unsigned (0 ≤ value < 2**64); blank pages hash to 0. Layout-identical pages that
    differ only in a few words (a name, a number) can fall within the duplicate distance: confirm with
    the OCR text. `analysis`: the page's `_prep.page_ink`, when the caller has it already.
    """
    analysis = analysis or _prep.page_ink(gray)
    dark = analysis.darkness()
    h, w = dark.shape
    px_per_mm = min(h, w) / 210.0
    ink = analysis.ink.view(np.uint8)
    window = max(2, round(2 * px_per_mm))
    x0 = _text_edge(ink.sum(axis=0, dtype=np.float32), 0.02 * h, window)
    y0 = _text_edge(ink.sum(axis=1, dtype=np.float32), 0.02 * w, window)
    cell = FP_CELL_MM * px_per_mm
    # Blurred at half size (4× cheaper; the blur is ~3 analysis pixels wide at that size).
    half = cv2.resize(dark, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(half, (0, 0), FP_BLUR * cell / 2)
    xs = ((x0 + (np.arange(FP_COLUMNS, dtype=np.float32) + 0.5) * cell) / 2 - 0.25).astype(np.float32)
    ys = ((y0 + (np.arange(FP_ROWS, dtype=np.float32) + 0.5) * cell) / 2 - 0.25).astype(np.float32)
    map_x, map_y = np.meshgrid(xs, ys)
    grid = cv2.remap(blurred, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    detail = grid - cv2.GaussianBlur(grid, (0, 0), FP_HIGHPASS)
    bits = _projections() @ detail.ravel() > 0
    return int(np.packbits(bits).view(">u8")[0])


def fingerprint_distance(a: int, b: int) -> int:
    """Hamming distance (0..64) between two `page_fingerprint`s, each signed or unsigned 64-bit (a
    database BIGINT round trip); ≤ NEAR_DUPLICATE_DISTANCE: the same sheet."""
    return ((a ^ b) & 0xFFFF_FFFF_FFFF_FFFF).bit_count()


@dataclass(frozen=True)
class PageMeasures:
    """Every per-page measurement (see the functions of the same names)."""

    blank: BlankResult
    sharpness: float
    contrast: float
    fingerprint: int


def measure_page(cleaned: np.ndarray, original: np.ndarray) -> PageMeasures:
    """All measurements of one page with one ink analysis: blank and fingerprint on the CLEANED grey page
    (`clean_page` output), sharpness and contrast on the ORIGINAL grey page (what the scanner delivered)."""
    analysis = _prep.page_ink(cleaned)
    copy = _normalised_copy(original)
    return PageMeasures(
        blank=blank_score(cleaned, analysis),
        sharpness=_sharpness(copy),
        contrast=contrast(original),
        fingerprint=page_fingerprint(cleaned, analysis),
    )
