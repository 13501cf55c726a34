"""Shared low-resolution page analysis: working copy, paper background, ink and scanner-border masks."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Long side of the analysis copy. With whole-number reduction an A4 page at 200 or 300 dpi sits at
# 100 dpi: text strokes stay at least a pixel wide and a text line ~650 px long, which resolves skew to
# a few hundredths of a degree.
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


def to_gray(img: np.ndarray) -> np.ndarray:
    """Grey (H×W uint8) version of `img`: H×W is returned as is; H×W×3 is RGB, H×W×4 RGBA (alpha
    ignored); H×W×1 is squeezed. Luma weights of ITU-R BT.601 (as OpenCV and Pillow use)."""
    if img.ndim == 2:
        return img
    channels = img.shape[2]
    if channels == 1:
        return img[:, :, 0]
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY if channels == 3 else cv2.COLOR_RGBA2GRAY)


def bounded_background(img: np.ndarray, size: tuple[int, int] | None = None, *, long_side: int = 140,
                       kernel: int = 3) -> np.ndarray:
    """Paper brightness under the ink of `img` (grey, or RGB per channel), at `size` (w, h; default
    img's), never below MIN_PAPER_FRACTION of the page's paper level.

    Estimated on a point-sampled copy with a `long_side` long side: a grey closing over `kernel` of its
    pixels removes every dark mark narrower than that (text, rules, stamp rings), a blur of the same
    size smooths what is left, and a linear resize brings it back. Sampling rather than averaging: the
    closing takes the brightest samples anyway, and it is 40× cheaper on a full colour page. The floor
    keeps large dark areas (photos, black bars, scanner borders) dark: they are content, not paper.
    """
    h, w = img.shape[:2]
    k = -(-max(h, w) // long_side)
    tiny = cv2.resize(img, None, fx=1 / k, fy=1 / k, interpolation=cv2.INTER_LINEAR) if k > 1 else img
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel))
    est = cv2.blur(cv2.morphologyEx(tiny, cv2.MORPH_CLOSE, square), (kernel, kernel))
    floor = MIN_PAPER_FRACTION * paper_level(np.ascontiguousarray(to_gray(est)))
    est = np.maximum(est, np.uint8(max(1, floor)))
    return cv2.resize(est, size or (w, h), interpolation=cv2.INTER_LINEAR)


def ink_mask(gray_small: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """Boolean mask of pixels darker than INK_RATIO × the local paper brightness `bg`."""
    return gray_small.astype(np.float32) < bg.astype(np.float32) * INK_RATIO


def _edge_strips(ink: np.ndarray) -> np.ndarray:
    """Dark strips lying along the page edges: in a band 2% deep on each side, ink runs parallel to that
    edge and longer than 1/12 of it (the shadow of a sheet edge, a sliver of a skewed scanner border)."""
    h, w = ink.shape
    u8 = ink.view(np.uint8)
    strips = np.zeros_like(u8)
    dy, dx = max(2, h // 50), max(2, w // 50)
    along_x = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, w // 12), 1))
    along_y = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, h // 12)))
    for band, kernel in ((np.s_[:dy], along_x), (np.s_[h - dy:], along_x),
                         (np.s_[:, :dx], along_y), (np.s_[:, w - dx:], along_y)):
        strips[band] |= cv2.morphologyEx(np.ascontiguousarray(u8[band]), cv2.MORPH_OPEN, kernel)
    return strips


def border_mask(ink: np.ndarray) -> np.ndarray:
    """Dark scanner borders of an ink mask: thick dark regions connected to the page edge, and dark
    strips along the edges (`_edge_strips`).

    Text strokes are thinner than the opening kernel (≈2 mm at A4), so text next to a border is not taken
    with it. Returns an all-False mask when the "border" would cover more than MAX_BORDER_FRACTION of the
    page (a dark photo or a negative is content).
    """
    h, w = ink.shape
    k = max(3, round(max(h, w) / 320)) | 1
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    thick = cv2.morphologyEx(ink.view(np.uint8), cv2.MORPH_OPEN, square)
    strips = _edge_strips(ink)
    thick |= strips
    if not thick.any():
        return np.zeros_like(ink)
    # Everything thick and dark that is connected to the page edge: flood a 1-pixel frame around it.
    framed = cv2.copyMakeBorder(thick, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=1)
    cv2.floodFill(framed, None, (0, 0), 2)
    border = (framed[1:-1, 1:-1] == 2).view(np.uint8) | strips
    if border.mean() > MAX_BORDER_FRACTION:
        return np.zeros_like(ink)
    return cv2.dilate(border, square).view(bool)


@dataclass(frozen=True)
class PageInk:
    """Analysis copy of a page at `factor` × full size (≈100 dpi for A4 at 200 or 300 dpi).

    gray: the area-averaged grey copy; paper: its paper brightness (`bounded_background`);
    ink: pixels darker than INK_RATIO × paper, scanner borders removed; border: the scanner borders.
    """

    gray: np.ndarray
    paper: np.ndarray
    ink: np.ndarray
    border: np.ndarray
    factor: float

    def darkness(self) -> np.ndarray:
        """Ink darkness 0..1 (1 − grey / paper), float32; paper grain (< 0.1) and borders are 0."""
        dark = 1.0 - self.gray.astype(np.float32) / np.maximum(self.paper.astype(np.float32), 1.0)
        dark[(dark < 0.1) | self.border] = 0.0
        return np.clip(dark, 0.0, 1.0, out=dark)


def page_ink(gray: np.ndarray, long_side: int = ANALYSIS_LONG_SIDE) -> PageInk:
    """Analysis of a grey page (H×W uint8; colour is converted): ink at analysis size, borders split off."""
    small, factor = shrink(to_gray(gray), long_side)
    paper = bounded_background(small)
    ink = ink_mask(small, paper)
    border = border_mask(ink)
    return PageInk(gray=small, paper=paper, ink=ink & ~border, border=border, factor=factor)
