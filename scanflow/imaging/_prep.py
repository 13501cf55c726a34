"""Shared low-resolution page analysis: working copy, paper background, ink and scanner-border masks."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Long side of the analysis copy. An A4 page then sits at ~137 dpi: text strokes stay at least a pixel
# wide and a text line ~1100 px long, which resolves skew to a few hundredths of a degree.
ANALYSIS_LONG_SIDE = 1600

# A pixel is ink when it is this much darker than the paper around it. Faint fold lines, paper grain and
# JPEG ringing stay above; pencil-light strokes, blue ballpoint and red stamps (in grey) fall below.
INK_RATIO = 0.72

# Uneven lighting on document scanners darkens paper by far less than this; anything darker than
# this fraction of the page's paper level is content (a photo, a black bar, a scanner border), not paper.
MIN_PAPER_FRACTION = 0.6

# Scanner borders never cover more than this share of a page; a larger dark region is page content.
MAX_BORDER_FRACTION = 0.4

A4_SHORT_SIDE_IN = 210 / 25.4


def assumed_dpi(shape: tuple[int, ...]) -> float:
    """Resolution of a page image if its short side is A4's 210 mm; only scales size limits."""
    return min(shape[:2]) / A4_SHORT_SIDE_IN


def shrink(img: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """`img` area-averaged down by the smallest whole factor that brings its long side to ≤ `long_side`.

    Returns (copy, factor ≤ 1). Whole factors take OpenCV's fast path (4× quicker than arbitrary ones)
    and put 200- and 300-dpi scans of the same paper at about the same analysis resolution.
    """
    h, w = img.shape[:2]
    k = -(-max(h, w) // long_side)
    if k <= 1:
        return img, 1.0
    return cv2.resize(img, None, fx=1 / k, fy=1 / k, interpolation=cv2.INTER_AREA), 1 / k


def paper_level(gray_small: np.ndarray) -> float:
    """Grey level of the bare paper: the 90th percentile, since ink covers well under 10% of a page."""
    cum = np.cumsum(cv2.calcHist([gray_small], [0], None, [256], [0, 256]).ravel())
    return float(np.searchsorted(cum, 0.9 * cum[-1]))


def background(img: np.ndarray, size: tuple[int, int] | None = None) -> np.ndarray:
    """Paper brightness under the ink (grey or per colour channel), at `size` (w, h; default img's).

    Estimated on a copy with a ~140 px long side (an A4 pixel ≈ 2 mm): a grey closing over 3×3 of those
    pixels removes every dark mark narrower than ~6 mm (text, lines, stamp rings), a 3×3 blur smooths
    what is left, and a linear resize brings it back. Dark areas wider than that (photos, borders) are
    kept as part of the estimate; callers floor it (`bounded_background`).
    """
    h, w = img.shape[:2]
    tiny, _ = shrink(img, 140)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    est = cv2.blur(cv2.morphologyEx(tiny, cv2.MORPH_CLOSE, k), (3, 3))
    return cv2.resize(est, size or (w, h), interpolation=cv2.INTER_LINEAR)


def bounded_background(gray_small: np.ndarray) -> np.ndarray:
    """`background` floored at MIN_PAPER_FRACTION of the paper level (large dark areas are content)."""
    bg = background(gray_small)
    floor = int(MIN_PAPER_FRACTION * paper_level(gray_small))
    return np.maximum(bg, np.uint8(max(floor, 1)))


def ink_mask(gray_small: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """Boolean mask of pixels darker than INK_RATIO × the local paper brightness `bg`."""
    return gray_small.astype(np.float32) < bg.astype(np.float32) * INK_RATIO


def border_mask(ink: np.ndarray) -> np.ndarray:
    """Dark scanner borders of an ink mask: thick dark regions and dark strips touching the page edge.

    Text strokes are thinner than the opening kernel (≈2 mm), so text next to a border is not taken with
    it; a thin dark line along an edge counts when most of that row or column is dark.
    """
    h, w = ink.shape
    u8 = ink.view(np.uint8)
    k = max(3, round(max(h, w) / 320)) | 1
    thick = cv2.morphologyEx(u8, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    depth_y, depth_x = max(2, h // 50), max(2, w // 50)
    rows = ink[:depth_y].mean(axis=1) > 0.5, ink[h - depth_y:].mean(axis=1) > 0.5
    cols = ink[:, :depth_x].mean(axis=0) > 0.5, ink[:, w - depth_x:].mean(axis=0) > 0.5
    thick[:depth_y][rows[0]] = 1
    thick[h - depth_y:][rows[1]] = 1
    thick[:, :depth_x][:, cols[0]] = 1
    thick[:, w - depth_x:][:, cols[1]] = 1
    if not thick.any():
        return np.zeros_like(ink)
    # Everything dark and thick that is connected to the page edge: flood a 1-pixel frame around it.
    framed = cv2.copyMakeBorder(thick, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=1)
    cv2.floodFill(framed, None, (0, 0), 2)
    border = (framed[1:-1, 1:-1] == 2).view(np.uint8)
    if border.mean() > MAX_BORDER_FRACTION:  # a dark photo or a negative, not a scanner border
        return np.zeros_like(ink)
    border = cv2.dilate(border, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return border.view(bool)


@dataclass(frozen=True)
class PageInk:
    """Analysis copy of a page: `ink` (bool, borders removed), `border` (bool) at `factor` × full size."""

    ink: np.ndarray
    border: np.ndarray
    factor: float


def page_ink(gray: np.ndarray, long_side: int = ANALYSIS_LONG_SIDE) -> PageInk:
    """Ink of a grey page at analysis size, scanner borders split off."""
    small, factor = shrink(gray, long_side)
    ink = ink_mask(small, bounded_background(small))
    border = border_mask(ink)
    return PageInk(ink=ink & ~border, border=border, factor=factor)
