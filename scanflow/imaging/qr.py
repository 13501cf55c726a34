"""QR codes on pages: reading cover sheets (`scanflow:hoso/<ma_ho_so>`) and drawing them."""

from __future__ import annotations

import cv2
import numpy as np

from scanflow.imaging._prep import shrink

DETECT_LONG_SIDE = 1400
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def _decode(gray: np.ndarray) -> tuple[list[str], bool]:
    detector = cv2.QRCodeDetector()
    try:
        ok, texts, points, _ = detector.detectAndDecodeMulti(gray)
    except cv2.error:
        return [], False
    if not ok or points is None:
        return [], False
    return [t for t in texts if t], True


def find_qr(gray: np.ndarray) -> list[str]:
    """Decoded QR payloads on a grey page; a reduced copy first, full size only when a code was seen unread."""
    small, factor = shrink(gray, DETECT_LONG_SIDE)
    texts, seen = _decode(small)
    if texts or factor == 1.0:
        return texts
    if seen:
        return _decode(gray)[0]
    return []


def make_qr(text: str, box_px: int) -> np.ndarray:
    """A grey image of about BOX_PX × BOX_PX showing TEXT as a QR code with its quiet zone."""
    code = cv2.QRCodeEncoder.create().encode(text)
    if code.ndim == 3:
        code = cv2.cvtColor(code, cv2.COLOR_BGR2GRAY)
    modules = code.shape[0]
    scale = max(1, box_px // (modules + 2 * QUIET_ZONE))
    big = cv2.resize(code, (modules * scale, modules * scale), interpolation=cv2.INTER_NEAREST)
    pad = QUIET_ZONE * scale
    return np.pad(big, pad, constant_values=255).astype(np.uint8)
