"""Simulated scanning: paper and ink, skew, orientation, blur, noise, speckles, borders and JPEG artefacts."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

import cv2
import numpy as np

from samples.pagelayout import CleanPage

PRINT_INK = (24, 24, 28)
PAPERS = {
    "white": (250, 250, 247),
    "grey": (232, 232, 229),
    "yellowish": (246, 239, 218),
    "recycled": (236, 230, 214),
}


@dataclass(frozen=True)
class Difficulty:
    """Ranges the scan parameters of each page are drawn from."""

    name: str
    dpi: int
    skew_max: float  # degrees, |skew| <= skew_max
    orientations: tuple[tuple[int, float], ...]  # (degrees clockwise, weight)
    noise: tuple[float, float]  # gaussian sigma, grey levels
    speckles: tuple[int, int]
    blur_p: float
    blur: tuple[float, float]  # gaussian sigma in pixels at 300 dpi
    jpeg_p: float
    jpeg: tuple[int, int]  # quality range
    border_p: float
    dark_backing_p: float
    papers: tuple[str, ...]
    p_blank: float  # chance a dossier holds a blank page
    p_duplicate: float  # chance a dossier holds a sheet fed twice
    p_missing: float  # chance a required paper is missing from the dossier


PRESETS: dict[str, Difficulty] = {
    "easy": Difficulty("easy", 300, 1.0, ((0, 1.0),), (1.5, 4.0), (0, 40), 0.2, (0.3, 0.6), 0.0, (85, 95), 0.05,
                       0.0, ("white", "white", "grey"), 0.05, 0.0, 0.0),
    "moderate": Difficulty("moderate", 300, 3.0, ((0, 0.85), (180, 0.15)), (3.0, 8.0), (30, 300), 0.5,
                           (0.4, 0.9), 0.5, (60, 85), 0.3, 0.3, ("white", "grey", "yellowish", "recycled"),
                           0.2, 0.15, 0.05),
    "hard": Difficulty("hard", 200, 6.0, ((0, 0.4), (90, 0.2), (180, 0.2), (270, 0.2)), (8.0, 16.0), (200, 1500),
                       0.9, (0.7, 1.4), 1.0, (35, 45), 0.6, 0.5, ("grey", "yellowish", "recycled"), 0.35, 0.3, 0.1),
}


@dataclass(frozen=True)
class ScanParams:
    """How one page was scanned. Conventions:

    - ``skew``: degrees, positive = the content is rotated counter-clockwise as a viewer sees the image
      (rotate by ``-skew`` about the page centre to straighten it);
    - ``orientation``: 0/90/180/270 = the content is rotated that many degrees clockwise as a viewer sees
      it, applied after the skew (rotate the image counter-clockwise by it to make the page upright);
    - ``borders``: dark scanner strips, (side, width px) in the final image frame;
    - ``blur`` in pixels at the page's dpi; ``noise`` gaussian sigma in grey levels;
    - ``jpeg_quality``: the JPEG quality the page went through, None if never JPEG-compressed.
    """

    skew: float = 0.0
    orientation: int = 0
    paper: str = "white"
    dark_backing: bool = False
    noise: float = 0.0
    speckles: int = 0
    blur: float = 0.0
    jpeg_quality: int | None = None
    borders: tuple[tuple[str, int], ...] = ()
    ink: float = 0.95  # toner density
    fold: bool = False
    show_through: float = 0.0  # strength of the other side's text showing through (blank backs)
    seed: int = 0

    def as_dict(self) -> dict[str, object]:
        d = dataclasses.asdict(self)
        d["borders"] = [list(b) for b in self.borders]
        return d


def sample_scan(preset: Difficulty, rng: random.Random, dpi: int) -> ScanParams:
    """Draw one page's scan parameters from ``preset``."""
    orient = rng.choices([o for o, _ in preset.orientations], [w for _, w in preset.orientations])[0]
    blur = rng.uniform(*preset.blur) * dpi / 300 if rng.random() < preset.blur_p else 0.0
    jpeg = rng.randint(*preset.jpeg) if rng.random() < preset.jpeg_p else None
    borders: list[tuple[str, int]] = []
    if rng.random() < preset.border_p:
        for side in rng.sample(("left", "right", "top", "bottom"), rng.randint(1, 2)):
            borders.append((side, max(2, int(rng.uniform(0.004, 0.025) * dpi * 8.27))))
    return ScanParams(
        skew=round(rng.uniform(-preset.skew_max, preset.skew_max), 2),
        orientation=orient,
        paper=rng.choice(preset.papers),
        dark_backing=rng.random() < preset.dark_backing_p,
        noise=round(rng.uniform(*preset.noise), 2),
        speckles=rng.randint(*preset.speckles),
        blur=round(blur, 2),
        jpeg_quality=jpeg,
        borders=tuple(borders),
        ink=round(rng.uniform(0.82, 0.98), 3),
        seed=rng.getrandbits(32),
    )


def _tone(rgb: tuple[int, int, int], color: bool) -> tuple[float, ...]:
    if color:
        return tuple(float(v) for v in rgb)
    return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2],)


def _low_freq(rng: np.random.Generator, h: int, w: int, lo: float, hi: float, cells: int = 6) -> np.ndarray:
    small = rng.uniform(lo, hi, (cells, max(2, cells * w // h))).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _apply_ink(planes: list[np.ndarray], x: int, y: int, cov: np.ndarray, ink: tuple[float, ...],
               strength: float) -> None:
    h, w = planes[0].shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(w, x + cov.shape[1]), min(h, y + cov.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    a = cov[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float32) * (strength / 255.0)
    for plane, k in zip(planes, ink, strict=True):
        plane[y0:y1, x0:x1] *= 1.0 - a * (1.0 - k / 255.0)


def _dark_strip(img: np.ndarray, side: str, width: int, dark: int) -> None:
    """Darken a scanner-edge strip of ``width`` px with a short soft ramp into the page."""
    n = img.shape[1] if side in ("left", "right") else img.shape[0]
    ramp = max(2, width // 3)
    prof = np.full(min(n, width + ramp), 255, np.uint8)
    prof[:width] = dark
    prof[width:] = np.linspace(dark, 255, len(prof) - width).astype(np.uint8)
    if side in ("right", "bottom"):
        prof = prof[::-1]
    if side in ("left", "right"):
        region = img[:, :len(prof)] if side == "left" else img[:, n - len(prof):]
        prof2 = prof[None, :, None] if img.ndim == 3 else prof[None, :]
    else:
        region = img[:len(prof)] if side == "top" else img[n - len(prof):]
        prof2 = prof[:, None, None] if img.ndim == 3 else prof[:, None]
    np.minimum(region, prof2, out=region)


def rotation_matrix(skew: float, width: int, height: int) -> np.ndarray:
    """The 2×3 affine map of the skew (about the page centre, positive = counter-clockwise on screen)."""
    return cv2.getRotationMatrix2D((width / 2, height / 2), skew, 1.0)


def transform_points(points: np.ndarray, skew: float, orientation: int, width: int, height: int) -> np.ndarray:
    """Map (N, 2) points of the clean upright page (``width`` × ``height``) to the scanned image."""
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    m = rotation_matrix(skew, width, height)
    pts = pts @ m[:, :2].T + m[:, 2]
    x, y = pts[:, 0].copy(), pts[:, 1].copy()
    w, h = width, height
    for _ in range((orientation // 90) % 4):  # 90° clockwise: (x, y) -> (h - 1 - y, x); width and height swap
        x, y = h - 1 - y, x
        w, h = h, w
    return np.stack([x, y], axis=1)


_ROTATE = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}


def scan(clean: CleanPage, params: ScanParams, color: bool, *, jpeg_roundtrip: bool = True,
         ghost: np.ndarray | None = None) -> np.ndarray:
    """Turn a clean page into a scanned image: uint8, (H, W) grey or (H, W, 3) RGB. ``ghost`` is text
    coverage of the sheet's other side (mirrored here) that shows through when ``params.show_through``."""
    rng = np.random.default_rng(params.seed)
    cv2.setRNGSeed(params.seed % 2**31)
    h, w = clean.text.shape
    # reflectance of paper + toner, as one grey plane; the printing ink is near-neutral
    ink = _tone(PRINT_INK, False)[0]
    refl = clean.text.astype(np.float32)
    refl *= _low_freq(rng, h, w, params.ink - 0.08, params.ink, cells=10)
    refl *= (1.0 - ink / 255.0) / 255.0
    np.subtract(1.0, refl, out=refl)
    refl *= _low_freq(rng, h, w, 0.965, 1.01)
    if ghost is not None and params.show_through > 0:
        refl *= 1.0 - ghost[:, ::-1].astype(np.float32) * (params.show_through / 255.0)
    if params.fold:
        y = int(h * rng.uniform(0.45, 0.55))
        prof = np.exp(-0.5 * ((np.arange(h, dtype=np.float32) - y) / (h * 0.002)) ** 2)
        refl *= (1.0 - 0.06 * prof)[:, None]
    planes = [refl * p for p in _tone(PAPERS[params.paper], color)]
    for patch in clean.inks:
        _apply_ink(planes, patch.x, patch.y, patch.coverage, _tone(patch.rgb, color), float(rng.uniform(0.75, 0.95)))
    img = cv2.convertScaleAbs(planes[0]) if len(planes) == 1 else cv2.merge([cv2.convertScaleAbs(p) for p in planes])
    if params.skew:
        back = 45 if params.dark_backing else 238
        img = cv2.warpAffine(img, rotation_matrix(params.skew, w, h), (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=(back, back, back))
    k = (params.orientation // 90) % 4
    if k:
        img = cv2.rotate(img, _ROTATE[k])
    hh, ww = img.shape[:2]
    for side, width in params.borders:
        _dark_strip(img, side, width, int(rng.uniform(25, 70)))
    if params.blur > 0:
        img = cv2.GaussianBlur(img, (0, 0), params.blur)
    if params.noise > 0:
        noise = np.empty((hh, ww), np.float32)
        cv2.randn(noise, 0.0, float(params.noise))
        img = cv2.add(img, noise if img.ndim == 2 else cv2.merge([noise] * 3), dtype=cv2.CV_8U)
    if params.speckles:
        scale = min(ww, hh) / 2480  # radii were chosen for 300 dpi
        xs = rng.integers(0, ww, params.speckles)
        ys = rng.integers(0, hh, params.speckles)
        rs = rng.integers(1, 4, params.speckles)
        vs = rng.integers(30, 140, params.speckles)
        for x, y, r, v in zip(xs, ys, rs, vs, strict=True):
            cv2.circle(img, (int(x), int(y)), max(1, round(r * scale)), (int(v),) * 3, -1, cv2.LINE_AA)
    if jpeg_roundtrip and params.jpeg_quality:
        img = jpeg_artefacts(img, params.jpeg_quality)
    return img


def jpeg_artefacts(img: np.ndarray, quality: int) -> np.ndarray:
    """Round-trip through JPEG at ``quality`` (what a scanner saving JPEG internally leaves behind)."""
    bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR) if img.ndim == 3 else img
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    dec = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return cv2.cvtColor(dec, cv2.COLOR_BGR2RGB) if img.ndim == 3 else dec


def binarize(img: np.ndarray) -> np.ndarray:
    """Bulk-scanning black & white: Otsu threshold, True = white paper."""
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img
    _, bw = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return bw > 0
