"""Page clean-up for display and OCR: white paper, dark ink, no scanner borders, no specks."""

from __future__ import annotations

from typing import Literal

import cv2
import numpy as np

from scanflow.imaging import _prep

CleanMode = Literal["color", "gray", "bw"]

# Paper is estimated on a point-sampled copy with this long side (A4 at 300 dpi: 1/8 scale, a pixel
# ≈ 0.7 mm), with a closing over NORMALISE_KERNEL of those pixels (≈ 5 mm): wider than any text stroke or
# stamp line, narrow enough to follow a lighting fall-off. Sampling, not averaging: the closing takes
# the brightest samples anyway, and it is 40× cheaper on a colour page.
NORMALISE_LONG_SIDE = 440
NORMALISE_KERNEL = 7

# After division by the paper estimate, paper sits near 255 and ink at its contrast to the paper;
# everything at or above WHITE_POINT (paper grain, noise, JPEG ringing, show-through, faint folds)
# becomes pure white, the rest is stretched by 255 / WHITE_POINT. Ink is otherwise left as scanned.
WHITE_POINT = 215

# "bw": a normalised grey level below this is ink. Above the midpoint so thin and anti-aliased strokes
# keep their full width.
BW_THRESHOLD = 160

# A speck is ink with at most SPECK_MAX_PIXELS_300DPI ink pixels (≈ 0.4 mm across) in its ~2 mm
# neighbourhood. Dots of i, dot-below diacritics, full stops and dotted leader lines always have a
# glyph or another dot within 2 mm.
SPECK_MAX_PIXELS_300DPI = 14.0
SPECK_BLOCK_MM = 0.7


def to_gray(img: np.ndarray) -> np.ndarray:
    """Grey (H×W uint8) version of `img`: H×W is returned as is; H×W×3 is RGB, H×W×4 RGBA (alpha
    ignored); H×W×1 is squeezed. Luma weights of ITU-R BT.601 (as OpenCV and Pillow use)."""
    if img.ndim == 2:
        return img
    channels = img.shape[2]
    if channels == 1:
        return img[:, :, 0]
    code = cv2.COLOR_RGB2GRAY if channels == 3 else cv2.COLOR_RGBA2GRAY
    return cv2.cvtColor(img, code)


def _normalise(img: np.ndarray) -> np.ndarray:
    """`img` (grey or RGB) divided by its paper estimate, per channel: paper → white, ink kept."""
    h, w = img.shape[:2]
    k = -(-max(h, w) // NORMALISE_LONG_SIDE)
    small = cv2.resize(img, None, fx=1 / k, fy=1 / k, interpolation=cv2.INTER_LINEAR) if k > 1 else img
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (NORMALISE_KERNEL, NORMALISE_KERNEL))
    paper = cv2.blur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), (NORMALISE_KERNEL, NORMALISE_KERNEL))
    # Large dark areas (photos, black bars) are content, not paper: never divide by less than a share
    # of the page's own paper level, so they stay dark instead of being flattened to white.
    floor = _prep.MIN_PAPER_FRACTION * _prep.paper_level(to_gray(paper))
    paper = np.maximum(paper, np.uint8(max(1, floor)))
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(img, paper, scale=255.0 * 255.0 / WHITE_POINT)


def _speck_blocks(ink: np.ndarray, dpi: float) -> tuple[np.ndarray, int]:
    """Top-left corners (ys, xs) of the blocks holding only an isolated speck, and the block size.

    `ink` is a full-size 0/255 mask. Counts are taken per block (≈0.7 mm) and summed over the 3×3
    blocks around, so the whole test costs two small-image operations.
    """
    block = max(2, round(SPECK_BLOCK_MM / 25.4 * dpi))
    h, w = ink.shape
    hb, wb = h // block, w // block
    if hb < 3 or wb < 3:
        return np.empty((0, 2), np.intp), block
    area = cv2.resize(ink[: hb * block, : wb * block], (wb, hb), interpolation=cv2.INTER_AREA)
    counts = area.astype(np.float32) * (block * block / 255.0)
    around = cv2.boxFilter(counts, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    limit = SPECK_MAX_PIXELS_300DPI * (dpi / 300.0) ** 2
    return np.argwhere((counts > 0.5) & (around <= limit)) * block, block


def _whiten_blocks(img: np.ndarray, corners: np.ndarray, block: int) -> None:
    if len(corners) == 0:
        return
    offsets = np.arange(block)
    ys = (corners[:, 0, None] + offsets)[:, :, None]
    xs = (corners[:, 1, None] + offsets)[:, None, :]
    img[ys, xs] = 255


def _whiten_borders(img: np.ndarray, gray: np.ndarray) -> None:
    """Paint the dark scanner borders of the page (found on `gray`, the page before cleaning) white."""
    border = _prep.page_ink(gray).border
    if not border.any():
        return
    h, w = img.shape[:2]
    full = cv2.resize(border.view(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    cv2.bitwise_or(img, (255, 255, 255, 255), dst=img, mask=full)


def clean_page(img: np.ndarray, *, mode: CleanMode = "color", dpi: float | None = None) -> np.ndarray:
    """A cleaned copy of a page image (grey H×W or RGB H×W×3, uint8), for both the PDF and OCR.

    - Paper (grey, yellowed, unevenly lit) becomes pure white: each channel is divided by a smooth
      estimate of the paper under it, and what is within ~16% of paper (grain, noise, show-through,
      faint folds) is pushed to 255. Ink and stamp colours keep their contrast to the paper; large
      dark areas (photos) stay dark.
    - Dark scanner borders and edge strips touching the page edge become white.
    - Isolated specks (≤ ~0.4 mm with nothing else within ~1 mm) become white.

    mode "color" keeps the input's channels (RGB stays RGB, grey stays grey); "gray" returns H×W;
    "bw" returns H×W with only 0 (ink) and 255 (paper), ready for CCITT G4. `dpi` scales the speck
    size; when None it is inferred from the short side as if the page were A4 (210 mm).
    The input is not modified; the output has the input's height and width.
    """
    if mode not in ("color", "gray", "bw"):
        raise ValueError(f"unknown clean mode {mode!r}")
    gray = to_gray(img)
    page = gray if mode != "color" or img.ndim == 2 else (img if img.shape[2] == 3 else img[:, :, :3])
    if dpi is None:
        dpi = _prep.assumed_dpi(gray.shape)
    out = _normalise(np.ascontiguousarray(page))
    ink = cv2.threshold(to_gray(out), BW_THRESHOLD, 255, cv2.THRESH_BINARY_INV)[1]
    if mode == "bw":
        out = 255 - ink
    corners, block = _speck_blocks(ink, dpi)
    _whiten_blocks(out, corners, block)
    _whiten_borders(out, gray)
    return out
