"""OpenCV page-image operations as pure functions on numpy arrays (grey H×W or RGB H×W×3, uint8)."""

from scanflow.imaging.clean import clean_page, to_gray
from scanflow.imaging.metrics import (
    BlankResult,
    PageMeasures,
    blank_score,
    contrast,
    fingerprint_distance,
    measure_page,
    page_fingerprint,
    sharpness,
)
from scanflow.imaging.orient import OrientationResult, detect_orientation, rotate_orientation
from scanflow.imaging.qr import find_qr, make_qr
from scanflow.imaging.skew import SkewResult, deskew, measure_skew

__all__ = [
    "BlankResult",
    "OrientationResult",
    "PageMeasures",
    "SkewResult",
    "blank_score",
    "clean_page",
    "contrast",
    "deskew",
    "detect_orientation",
    "find_qr",
    "fingerprint_distance",
    "make_qr",
    "measure_page",
    "measure_skew",
    "page_fingerprint",
    "rotate_orientation",
    "sharpness",
    "to_gray",
]
