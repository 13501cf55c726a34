"""Page measurements: blank detection, sharpness, contrast, and a fingerprint for near-duplicate pages."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scanflow.imaging._prep import PageInk, page_ink, shrink

MEASURE_LONG_SIDE = 1000
# At the ~137-dpi analysis size a letter is well over 30 px of ink; paper grain, speckles and JPEG
# ringing stay below. A component this large is content: a word, a signature, a stamp.
MIN_CONTENT_AREA = 30
MIN_CONTENT_HEIGHT = 4
# A fold line or scanner streak: long and thin. It is not content.
LINE_ASPECT = 25.0


@dataclass(frozen=True)
class BlankResult:
    is_blank: bool
    ink_ratio: float  # share of the page covered by content ink (speckles, borders, fold lines excluded)


def blank_score(gray: np.ndarray, ink: PageInk | None = None) -> BlankResult:
    """Whether a grey page carries no content (INK: its page_ink(), when the caller has it already).

    Robust to paper noise, speckles, scanner-border remains and a fold line: only components of at least
    letter size count. A page with just a signature or one short line is not blank.
    """
    ink = (ink or page_ink(gray)).ink.astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    content = 0
    pieces = 0
    for i in range(1, count):
        w, h, area = stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT], stats[i, cv2.CC_STAT_AREA]
        if area < MIN_CONTENT_AREA or h < MIN_CONTENT_HEIGHT:
            continue
        if max(w, h) / max(1, min(w, h)) > LINE_ASPECT and area < 0.02 * max(w, h) ** 2:
            continue
        content += int(area)
        pieces += 1
    ratio = content / ink.size
    return BlankResult(is_blank=pieces == 0, ink_ratio=round(ratio, 6))


def _small(gray: np.ndarray) -> np.ndarray:
    return shrink(gray, MEASURE_LONG_SIDE)[0]


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian on a copy scaled to a fixed size, so 200- and 300-dpi pages compare."""
    return round(float(cv2.Laplacian(_small(gray), cv2.CV_64F).var()), 2)


def contrast(gray: np.ndarray) -> float:
    """(95th − 5th percentile) / 255 of the grey levels: 0 for a flat page, near 1 for black ink on white."""
    low, high = np.percentile(_small(gray), (5, 95))
    return round(float(high - low) / 255.0, 4)


def page_fingerprint(gray: np.ndarray, ink: PageInk | None = None) -> int:
    """A 64-bit difference hash of the ink layout inside its bounding box (unsigned).

    Shifts, small skew and noise change few bits; pages of different layout many. Pages of the same
    template can come close: compare their text too (scanflow.documents does).
    """
    mask = (ink or page_ink(gray)).ink
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        return 0
    box = mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].astype(np.float32)
    grid = cv2.resize(box, (9, 8), interpolation=cv2.INTER_AREA)
    bits = (grid[:, 1:] > grid[:, :-1]).flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def fingerprint_distance(a: int, b: int) -> int:
    """Number of differing bits between two fingerprints (signed or unsigned 64-bit)."""
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()


@dataclass(frozen=True)
class PageMeasures:
    blank: BlankResult
    sharpness: float
    contrast: float
    fingerprint: int


def measure_page(cleaned: np.ndarray, original: np.ndarray) -> PageMeasures:
    """Every measurement of one page, sharing the ink analysis: blank and fingerprint on the CLEANED grey
    page, sharpness and contrast on the ORIGINAL grey page (what the scanner delivered)."""
    ink = page_ink(cleaned)
    small = _small(original)
    low, high = np.percentile(small, (5, 95))
    return PageMeasures(
        blank=blank_score(cleaned, ink),
        sharpness=round(float(cv2.Laplacian(small, cv2.CV_64F).var()), 2),
        contrast=round(float(high - low) / 255.0, 4),
        fingerprint=page_fingerprint(cleaned, ink),
    )
