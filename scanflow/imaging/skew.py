"""Page skew: measure how far the text lines are rotated off the scanner axes, and rotate them back."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scanflow.imaging import _prep

MAX_ANGLE = 15.0

# Fewer ink pixels than this (at analysis size, ~100 dpi) cannot carry a line direction: a blank page,
# a page number, a few specks.
MIN_INK_PIXELS = 400

# Confidence is log(R) / log(CONFIDENT_RATIO), capped at 1, where R is how much sharper the projection
# profile is at the measured angle than 1.5° either side. Text pages give R ≈ 6–40; a signature, a photo
# or scattered marks give R < 1.4. Below MIN_CONFIDENCE the angle is not trusted and 0.0 is returned.
CONFIDENT_RATIO = 8.0
MIN_CONFIDENCE = 0.2

# Coarse-to-fine search: (half-width of the angle window, step, projection bin in analysis pixels,
# points used). A wide bin makes the coarse profile peak broad enough that its steps cannot miss it.
_COARSE = (MAX_ANGLE, 0.5, 4.0, 4000)
_REFINE = ((0.5, 0.1, 2.0, 15000), (0.1, 0.02, 1.0, 30000))


@dataclass(frozen=True)
class SkewResult:
    """Skew of a page.

    angle: degrees in [-15, 15]; positive = the page content is rotated counter-clockwise as a viewer
        sees it (so `deskew(img, angle)` turns it clockwise by that much). Measured on text lines whether
        they run horizontally or vertically (a page scanned sideways), so it is independent of the page's
        90° orientation.
    confidence: 0..1; 1.0 on normal text pages (even a few lines), 0.0 on blank and near-blank pages.
        Below 0.2 (a signature, a photo, scattered marks) the angle is reported as 0.0.
    """

    angle: float
    confidence: float


def _profile_energy(xs: np.ndarray, ys: np.ndarray, angles_deg: np.ndarray, vertical: bool,
                    bin_px: float) -> np.ndarray:
    """Sharpness of the projection profile of points (xs, ys) for each candidate angle.

    Points are projected across the direction that text lines take when rotated counter-clockwise by
    the angle (horizontal lines, or vertical ones when `vertical`). Sharpness is the sum of squared
    differences between neighbouring bins (Postl's criterion): it peaks when the projection runs along
    the lines, and unlike the plain sum of squares it does not favour the page's shorter side or a
    block-shaped text area. Linear (two-bin) binning keeps the score smooth in the angle.
    """
    rad = np.deg2rad(np.asarray(angles_deg, dtype=np.float64))[:, None].astype(np.float32)
    cos, sin = np.cos(rad), np.sin(rad)
    p = (xs * cos - ys * sin) if vertical else (xs * sin + ys * cos)  # angles × points
    p -= p.min(axis=1, keepdims=True)
    p *= np.float32(1.0 / bin_px)
    lo = p.astype(np.int32)
    frac = p - lo
    bins = int(lo.max()) + 2
    lo += (np.arange(len(rad), dtype=np.int32) * bins)[:, None]  # one histogram row per angle
    size = len(rad) * bins
    hist = np.bincount(lo.ravel(), weights=(1.0 - frac).ravel(), minlength=size)
    hist[1:] += np.bincount(lo.ravel(), weights=frac.ravel(), minlength=size)[:-1]
    d = np.diff(hist.reshape(len(rad), bins), axis=1)
    return np.einsum("ij,ij->i", d, d)


def _take(xs: np.ndarray, ys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """At most n of the points, drawn at random (seeded, so results repeat). Not every k-th point: in
    raster order that lays a lattice over solid areas, whose rows project sharply at a false angle."""
    if len(xs) <= n:
        return xs, ys
    pick = np.random.default_rng(0).integers(0, len(xs), n)
    return xs[pick], ys[pick]


def measure_skew(gray: np.ndarray) -> SkewResult:
    """Skew angle of a grey page (H×W uint8), from the sharpness of its ink projection profiles.

    The ink of a ~100-dpi copy (scanner borders removed) is projected at candidate angles, coarse to fine
    (0.5°, 0.1°, 0.02° steps, then a parabolic fit), for both horizontal and vertical text lines; the
    sharpest profile wins. Only point coordinates are rotated, never the image.
    """
    ink = _prep.page_ink(gray).ink
    ys, xs = np.nonzero(ink)
    if len(xs) < MIN_INK_PIXELS:
        return SkewResult(0.0, 0.0)
    h, w = ink.shape
    xs = xs.astype(np.float32) - np.float32(w / 2)
    ys = ys.astype(np.float32) - np.float32(h / 2)

    half, step, bin_px, n = _COARSE
    angles = np.arange(-half, half + step / 2, step)
    cx, cy = _take(xs, ys, n)
    along_rows = _profile_energy(cx, cy, angles, False, bin_px)
    along_columns = _profile_energy(cx, cy, angles, True, bin_px)
    vertical = along_columns.max() > along_rows.max()
    best = float(angles[int(np.argmax(along_columns if vertical else along_rows))])

    for half, step, bin_px, n in _REFINE:
        angles = np.arange(best - half, best + half + step / 2, step)
        fx, fy = _take(xs, ys, n)
        energy = _profile_energy(fx, fy, angles, vertical, bin_px)
        k = int(np.argmax(energy))
        best = float(angles[k])
    if 0 < k < len(energy) - 1:
        e0, e1, e2 = energy[k - 1: k + 2]
        curvature = e0 - 2 * e1 + e2
        if curvature < 0:
            best += step * 0.5 * (e0 - e2) / curvature
    angle = float(np.clip(best, -MAX_ANGLE, MAX_ANGLE))
    side = _profile_energy(fx, fy, np.array([angle - 1.5, angle + 1.5]), vertical, 1.0)
    ratio = max(float(energy[k]) / max(float(side.mean()), 1e-9), 1.0)
    confidence = min(1.0, float(np.log(ratio) / np.log(CONFIDENT_RATIO)))
    if confidence < MIN_CONFIDENCE:
        return SkewResult(0.0, round(confidence, 3))
    return SkewResult(angle=round(angle, 3), confidence=round(confidence, 3))


def paper_colour(img: np.ndarray) -> tuple[int, ...]:
    """Colour of the bare paper of a page (grey → 1 value, RGB → 3): each channel's 90th percentile over
    a sample of ~1 pixel in 80 (a percentile needs no averaging, and sampling a colour page is 30× cheaper)."""
    k = max(1, -(-max(img.shape[:2]) // 400))
    small = cv2.resize(img, None, fx=1 / k, fy=1 / k, interpolation=cv2.INTER_NEAREST) if k > 1 else img
    if small.ndim == 2:
        return (round(_prep.paper_level(small)),)
    return tuple(round(_prep.paper_level(np.ascontiguousarray(small[..., c]))) for c in range(small.shape[2]))


def deskew(img: np.ndarray, angle: float, *, expand: bool = False) -> np.ndarray:
    """`img` (grey or RGB uint8) rotated clockwise by `angle` degrees about its centre, undoing a skew of
    `angle` as returned by `measure_skew`.

    Corners uncovered by the rotation are filled with the paper colour (`paper_colour`), never black.
    With `expand=False` the page keeps its size (content past the corners, normally blank margin, is
    cut); with `expand=True` the canvas grows to hold the whole rotated page. Bilinear interpolation.
    Returns `img` itself when |angle| < 0.01°.
    """
    if abs(angle) < 0.01:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)  # OpenCV: positive = counter-clockwise
    out_w, out_h = w, h
    if expand:
        c, s = abs(m[0, 0]), abs(m[0, 1])
        out_w, out_h = int(np.ceil(w * c + h * s)), int(np.ceil(w * s + h * c))
        m[0, 2] += (out_w - w) / 2
        m[1, 2] += (out_h - h) / 2
    fill = paper_colour(img)
    return cv2.warpAffine(img, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=fill if len(fill) > 1 else fill[0])
