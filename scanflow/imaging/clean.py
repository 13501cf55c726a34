"""Page clean-up for display and OCR: white paper, dark ink, no scanner borders, no specks."""

from __future__ import annotations

from typing import Literal

import cv2
import numpy as np

from scanflow.imaging import _prep
from scanflow.imaging._prep import to_gray

CleanMode = Literal["color", "gray", "bw"]

# Paper is estimated (`_prep.bounded_background`) on a copy with this long side (A4: a pixel ≈ 0.7 mm),
# with a closing over NORMALISE_KERNEL of those pixels (≈ 5 mm): wider than any text stroke or stamp
# line, narrow enough to follow a lighting fall-off.
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


def _normalise(img: np.ndarray) -> np.ndarray:
    """`img` (grey or RGB) divided by its paper estimate, per channel: paper → white, ink kept."""
    paper = _prep.bounded_background(img, long_side=NORMALISE_LONG_SIDE, kernel=NORMALISE_KERNEL)
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
    """Paint the `block`-sized squares at `corners` (as from `_speck_blocks`) white, in place."""
    if len(corners) == 0:
        return
    offsets = np.arange(block)
    ys = (corners[:, 0, None] + offsets)[:, :, None]
    xs = (corners[:, 1, None] + offsets)[:, None, :]
    img[ys, xs] = 255


def _whiten_borders(img: np.ndarray, normalised_gray: np.ndarray) -> None:
    """Paint the dark scanner borders white, found on the grey of the normalised page (paper = 255, so
    ink is simply what is darker than INK_RATIO × 255; the paper floor kept wide borders dark)."""
    small, _ = _prep.shrink(normalised_gray, _prep.ANALYSIS_LONG_SIDE)
    border = _prep.border_mask(small < np.uint8(_prep.INK_RATIO * 255))
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
    size; when None (or ≤ 0) it is inferred from the short side as if the page were A4 (210 mm).
    The input is not modified; the output has the input's height and width.
    """
    if mode not in ("color", "gray", "bw"):
        raise ValueError(f"unknown clean mode {mode!r}")
    page = to_gray(img) if mode != "color" or img.ndim == 2 or img.shape[2] == 1 else img[:, :, :3]
    if not dpi or dpi <= 0:
        dpi = _prep.assumed_dpi(img.shape)
    out = _normalise(np.ascontiguousarray(page))
    out_gray = to_gray(out)
    ink = cv2.threshold(out_gray, BW_THRESHOLD, 255, cv2.THRESH_BINARY_INV)[1]
    if mode == "bw":
        out = 255 - ink
    corners, block = _speck_blocks(ink, dpi)
    _whiten_blocks(out, corners, block)
    _whiten_borders(out, out_gray)
    return out
