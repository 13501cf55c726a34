"""Page orientation: which of the four quarter turns brings a (deskewed) text page upright."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scanflow.imaging import _prep

# Fewer ink pixels than this at analysis size (~100 dpi) cannot show a text direction.
MIN_INK_PIXELS = 400

# Text lines run along the axis whose projection profile is sharper; a ratio below this is a tie.
DIRECTION_TIE_RATIO = 1.5
PROFILE_BLUR_MM = 0.5

# Line anatomy, in units of the text's x-height (estimated as the median glyph-component height):
CORE_WINDOW = 2.2  # half-window of the local maximum that x-height bands are measured against
CORE_LEVEL = 0.5  # a row is in an x-height band when its ink reaches this fraction of that maximum
CORE_SMOOTH = 0.22  # profile smoothing before the test (evens out serif rows)
CORE_GAP = 0.55  # gaps this small inside an x-height band are closed
EXTENT = 0.4  # a glyph reaching this far above (below) its band is an ascender (descender)
MARK_DISTANCE = 0.6  # a detached mark this close above (below) a band is a diacritic above (below)
MAX_GLYPH = (5.5, 16.0)  # larger components (height, width) are rules, stamps, pictures
MARK_WEIGHT = 2.0  # detached marks are the stronger cue: Vietnamese puts most of its diacritics above

STRIPS = 8  # lines are measured in vertical strips, so columns and residual skew do not blur them

# Confidence of the up/down call is the smaller of |balance| / BALANCE_SURE and z / Z_SURE, where
# balance = (up − down) / (up + down) over the weighted votes and z = (up − down) / sqrt(up + down).
# Text pages give balance 0.4–0.8 and z ≥ 10; a lone short line z ≈ 3–5.
BALANCE_SURE = 0.3
Z_SURE = 6.0


@dataclass(frozen=True)
class OrientationResult:
    """Orientation of a page.

    degrees: 0, 90, 180 or 270 — how far the content is rotated clockwise as a viewer sees it;
        `rotate_orientation(img, degrees)` (a counter-clockwise turn by that much) makes it upright.
    confidence: 0..1; ≥ 0.5 (mostly 1.0) on Latin/Vietnamese text pages, even a few lines. Low on blank
        pages, signatures, pictures and scripts without Latin line anatomy; the caller should then ask
        Tesseract OSD.
    """

    degrees: int
    confidence: float


def _line_sharpness(ink: np.ndarray, axis: int) -> float:
    """How sharply ink is organised in lines along `axis` (1: horizontal lines, 0: vertical ones).

    Sum of squared differences between neighbouring values of the ink profile across the lines, after a
    blur of PROFILE_BLUR_MM: line-to-line structure (≥ 4 mm) stays, the stems of letters (≤ 1 mm),
    which also show in the profile along the lines, go.
    """
    profile = np.asarray(ink.sum(axis=axis, dtype=np.int32), dtype=np.float32).reshape(-1, 1)
    sigma = PROFILE_BLUR_MM * min(ink.shape) / 210.0
    d = np.diff(cv2.GaussianBlur(profile, (1, 0), sigma).ravel().astype(np.float64))
    return float(np.dot(d, d))


def _x_height(heights: np.ndarray, areas: np.ndarray, long_side: int) -> float:
    """Median height of letter-sized components, bounded to what a page of that size can carry."""
    letters = heights[areas >= 4]
    xh = float(np.median(letters)) if len(letters) else long_side / 130
    return float(np.clip(xh, long_side / 400, long_side / 40))


def _line_cores(lines: np.ndarray, xh: float) -> tuple[np.ndarray, np.ndarray]:
    """x-height bands of horizontal text lines, per vertical strip: (H×STRIPS bool, strip edges)."""
    h, w = lines.shape
    edges = np.linspace(0, w, STRIPS + 1).astype(int)
    prof = np.add.reduceat(lines, edges[:-1], axis=1, dtype=np.int32).astype(np.float32)
    # Odd kernel sizes only: OpenCV anchors even kernels off-centre, which would bias up against down.
    smooth = max(1, round(CORE_SMOOTH * xh)) | 1
    prof = cv2.blur(prof, (1, smooth))
    local_max = cv2.dilate(prof, np.ones((2 * round(CORE_WINDOW * xh) + 1, 1), np.uint8))
    core = ((prof >= CORE_LEVEL * local_max) & (prof > 0)).view(np.uint8)
    gap = max(3, round(CORE_GAP * xh)) | 1
    core = cv2.morphologyEx(core, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    core = cv2.morphologyEx(core, cv2.MORPH_OPEN, np.ones((3, 1), np.uint8))
    return core.view(bool), edges


def _anatomy_votes(lines: np.ndarray) -> tuple[float, float]:
    """Weighted evidence (up, down) that horizontal text lines in `lines` (uint8 0/1) are upright.

    Up: glyphs reaching above their line's x-height band (ascenders, capitals, stacked diacritics)
    and detached marks just above a band. Down: glyphs reaching below (descenders) and marks just
    below (dot-below, commas). The measure is symmetric: turning the page by 180° swaps the two.
    """
    h, w = lines.shape
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    if n <= 1:
        return 0.0, 0.0
    x0, y0, cw, ch, area = (stats[1:, i] for i in range(5))
    xh = _x_height(ch, area, max(h, w))
    core, edges = _line_cores(lines, xh)
    s_count = core.shape[1]
    rows = np.arange(h)[:, None]
    far = 4 * h
    starts = core & ~np.vstack([np.zeros((1, s_count), bool), core[:-1]])
    ends = core & ~np.vstack([core[1:], np.zeros((1, s_count), bool)])
    # Per strip and row: the nearest band top at or below, band bottom at or above, and the top and
    # bottom of the band a row lies in.
    next_top = np.minimum.accumulate(np.where(starts, rows, far)[::-1], axis=0)[::-1]
    next_top = np.vstack([next_top, np.full((1, s_count), far)])
    prev_bottom = np.maximum.accumulate(np.where(ends, rows, -far), axis=0)
    own_top = np.maximum.accumulate(np.where(starts, rows, -far), axis=0)
    own_bottom = np.minimum.accumulate(np.where(ends, rows, far)[::-1], axis=0)[::-1]
    core_rows = np.vstack([np.zeros((1, s_count), np.int32), np.cumsum(core, axis=0, dtype=np.int32)])

    y1 = y0 + ch - 1
    strip = np.clip(np.searchsorted(edges, x0 + cw // 2, side="right") - 1, 0, s_count - 1)
    glyph = (ch <= MAX_GLYPH[0] * xh) & (cw <= MAX_GLYPH[1] * xh) & (area >= 2)
    on_core = core_rows[y1 + 1, strip] > core_rows[y0, strip]

    top = np.where(core[y0, strip], own_top[y0, strip], next_top[y0, strip])
    bottom = own_bottom[np.clip(top, 0, h - 1), strip]
    band = np.maximum(bottom - top + 1, 2)
    reach_up, reach_down = (top - y0) / band, (y1 - bottom) / band
    ascender = glyph & on_core & (reach_up > EXTENT) & (reach_down <= EXTENT)
    descender = glyph & on_core & (reach_down > EXTENT) & (reach_up <= EXTENT)

    floating = glyph & ~on_core
    band_below, band_above = next_top[y1 + 1, strip], prev_bottom[y0, strip]
    gap_below, gap_above = band_below - y1, y0 - band_above
    mark_above = floating & (gap_below < gap_above) & (gap_below <= MARK_DISTANCE * xh)
    mark_below = floating & (gap_above < gap_below) & (gap_above <= MARK_DISTANCE * xh)

    up = float(ascender.sum()) + MARK_WEIGHT * float(mark_above.sum())
    down = float(descender.sum()) + MARK_WEIGHT * float(mark_below.sum())
    return up, down


def detect_orientation(gray: np.ndarray) -> OrientationResult:
    """Orientation of a deskewed grey page (H×W uint8) from text-line direction and line anatomy.

    Direction: text lines run along the axis with the sharper ink projection profile. Up or down:
    with the lines turned horizontal, Latin/Vietnamese glyphs and diacritics reach above the
    x-height band far more often than below it (`_anatomy_votes`); the balance decides and its
    strength, together with the direction's, gives the confidence.
    """
    ink = _prep.page_ink(gray).ink
    if np.count_nonzero(ink) < MIN_INK_PIXELS:
        return OrientationResult(0, 0.0)
    ink = ink.view(np.uint8)
    along_rows, along_cols = _line_sharpness(ink, 1), _line_sharpness(ink, 0)
    vertical = along_cols > along_rows
    direction_ratio = max(along_rows, along_cols) / max(min(along_rows, along_cols), 1e-9)
    # A page whose content sits 90° clockwise is upright after a quarter turn counter-clockwise.
    lines = cv2.rotate(ink, cv2.ROTATE_90_COUNTERCLOCKWISE) if vertical else ink
    up, down = _anatomy_votes(lines)
    upright = up >= down
    degrees = (90 if upright else 270) if vertical else (0 if upright else 180)
    total = up + down
    if total == 0:
        return OrientationResult(degrees, 0.0)
    balance = abs(up - down) / total
    z = abs(up - down) / np.sqrt(total)
    direction = np.clip(np.log(direction_ratio / DIRECTION_TIE_RATIO) / np.log(2.0), 0.0, 1.0)
    confidence = float(min(balance / BALANCE_SURE, z / Z_SURE, 1.0) * direction)
    return OrientationResult(degrees, round(confidence, 3))


_TURNS = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}


def rotate_orientation(img: np.ndarray, degrees: int) -> np.ndarray:
    """`img` (grey or RGB) turned counter-clockwise by `degrees` (a multiple of 90), exactly, no resampling.

    Undoes a clockwise rotation of `degrees` as reported by `detect_orientation`. Returns `img` itself
    for 0 (mod 360).
    """
    if degrees % 90:
        raise ValueError(f"orientation must be a multiple of 90 degrees, got {degrees}")
    turns = (degrees // 90) % 4
    return img if turns == 0 else cv2.rotate(img, _TURNS[turns])
