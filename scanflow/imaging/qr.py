"""QR codes on pages: reading cover sheets (`scanflow:hoso/<ma_ho_so>`) and drawing them."""

from __future__ import annotations

import cv2
import numpy as np

from scanflow.imaging import _prep

# Codes are looked for on a copy with about this long side (A4 at 200/300 dpi → 100 dpi; a 70 mm
# cover-sheet code then has ~9 px modules), and at full size only when one is seen there but not read.
DETECT_LONG_SIDE = 1400
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks

# A QR code has three solid finder centres of 3×3 modules. A page whose dark areas nowhere hold a
# square this wide (≈ 3 modules of 0.3 mm) has no readable code, and the decoders are skipped.
MIN_FINDER_MM = 0.9


def _may_hold_code(small: np.ndarray, px_per_mm: float) -> bool:
    """Cheap pre-check on the reduced page: is any dark area wide enough to be a finder centre?"""
    dark = (small < 0.5 * _prep.paper_level(small)).view(np.uint8)
    side = max(2, round(MIN_FINDER_MM * px_per_mm))
    return bool(cv2.erode(dark, np.ones((side, side), np.uint8)).any())


def _decode(gray: np.ndarray) -> tuple[list[str], bool]:
    """(payloads read, whether any code was seen at all) on `gray`: the ArUco-based multi-code detector,
    then the classic one, then the classic single-code reader."""
    seen = False
    for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
        try:
            ok, texts, points, _ = detector.detectAndDecodeMulti(gray)
        except cv2.error:
            continue
        seen = seen or (ok and points is not None and len(points) > 0)
        found = [t for t in texts if t] if ok else []
        if found:
            return found, True
    try:
        single, points, _ = cv2.QRCodeDetector().detectAndDecode(gray)
    except cv2.error:
        return [], seen
    return ([single] if single else []), seen or points is not None


def find_qr(gray: np.ndarray) -> list[str]:
    """Decoded payloads of the QR codes on a grey page (H×W uint8), each once, in detection order.

    Reads a ~100-dpi copy (enough for codes of 15 mm and more); the full-size page is decoded only when
    a code was seen there but not read. Pages with no dark area big enough for a finder pattern return
    [] after a ~5 ms check. Reads codes turned by any angle, under noise, blur and JPEG artefacts.
    """
    gray = _prep.to_gray(gray)
    small, factor = _prep.shrink(gray, DETECT_LONG_SIDE)
    if not _may_hold_code(small, _prep.assumed_dpi(small.shape) / 25.4):
        return []
    texts, seen = _decode(small)
    if not texts and seen and factor < 1.0:
        texts, _ = _decode(gray)
    return list(dict.fromkeys(texts))


def make_qr(text: str, box_px: int) -> np.ndarray:
    """A box_px × box_px grey image (uint8, 0 = dark module, 255 = white) of `text` as a QR code.

    Error correction level Q (reads with a quarter of the code soiled or written over), whole-pixel
    modules (nearest-neighbour scaling), a quiet zone of at least QUIET_ZONE modules, centred.
    Raises ValueError when box_px cannot give each module at least one pixel.
    """
    params = cv2.QRCodeEncoder.Params()
    params.correction_level = cv2.QRCODE_ENCODER_CORRECT_LEVEL_Q
    code = cv2.QRCodeEncoder.create(params).encode(text)
    if code.ndim == 3:
        code = cv2.cvtColor(code, cv2.COLOR_BGR2GRAY)
    rows, cols = np.nonzero(code < 128)
    symbol = code[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]  # drop the encoder's margin
    modules = symbol.shape[0]
    scale = box_px // (modules + 2 * QUIET_ZONE)
    if scale < 1:
        raise ValueError(f"{box_px} px is too small for a {modules}-module QR code with its quiet zone")
    side = modules * scale
    big = cv2.resize(symbol, (side, side), interpolation=cv2.INTER_NEAREST)
    out = np.full((box_px, box_px), 255, np.uint8)
    top = (box_px - side) // 2
    out[top: top + side, top: top + side] = np.where(big < 128, 0, 255).astype(np.uint8)
    return out
