"""scanflow.imaging on synthetic Vietnamese pages with known skew, orientation, defects and content."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
import pytest
from PIL import Image

from scanflow import imaging
from scanflow.imaging.metrics import NEAR_DUPLICATE_DISTANCE
from tests.unit.test_imaging_synthetic import PageSpec, Scan, random_scan, random_spec, render_page, scan


@lru_cache(maxsize=32)
def _page(seed: int, kind: str = "decision", dpi: int = 200) -> np.ndarray:
    rng = np.random.default_rng(seed)
    spec = random_spec(rng, seed, kinds=(kind,))
    return render_page(PageSpec(seed=seed, dpi=dpi, kind=kind, family=spec.family, pt=spec.pt,
                                spacing=spec.spacing))


def _scanned(seed: int, s: Scan, kind: str = "decision", dpi: int = 200) -> np.ndarray:
    return scan(_page(seed, kind, dpi), s, page_dpi=dpi)


# --- skew ---------------------------------------------------------------------------------------------

def test_skew_error_within_targets_on_noisy_pages_in_all_orientations() -> None:
    rng = np.random.default_rng(2024)
    errors = []
    for i in range(24):
        dpi = 300 if i % 4 == 0 else 200
        s = random_scan(rng, turns=True)
        s = Scan(**{**s.__dict__, "dpi": None})
        page = scan(_page(100 + i, ("decision", "continuation", "sparse")[i % 3], dpi), s, page_dpi=dpi)
        result = imaging.measure_skew(page)
        assert result.confidence >= 0.5
        errors.append(abs(result.angle - s.skew))
    assert np.median(errors) <= 0.2
    assert np.percentile(errors, 95) <= 0.5


def test_skew_sign_follows_the_viewer_and_deskew_undoes_it() -> None:
    page = Image.fromarray(_page(1))
    turned = np.asarray(page.rotate(3.0, resample=Image.BILINEAR, fillcolor=255))  # Pillow: counter-clockwise
    measured = imaging.measure_skew(turned)
    assert measured.angle == pytest.approx(3.0, abs=0.1)
    straight = imaging.deskew(turned, measured.angle)
    assert straight.shape == turned.shape
    assert abs(imaging.measure_skew(straight).angle) <= 0.1


def test_skew_of_a_page_scanned_sideways() -> None:
    page = _scanned(2, Scan(skew=-4.0, quarter_turns_cw=1, noise=6, seed=1))
    assert imaging.measure_skew(page).angle == pytest.approx(-4.0, abs=0.2)


@pytest.mark.parametrize("kind", ["blank", "signature"])
def test_skew_is_zero_and_unsure_without_text_lines(kind: str) -> None:
    page = _scanned(3, Scan(skew=3.0, noise=8, speckles=200, seed=2), kind=kind)
    result = imaging.measure_skew(page)
    assert result.angle == 0.0
    assert result.confidence < 0.2


def test_deskew_fills_corners_with_the_paper_colour() -> None:
    rgb = _scanned(4, Scan(paper=(240, 228, 190), colour=True, seed=3))
    out = imaging.deskew(rgb, 5.0)
    assert out.shape == rgb.shape and out.dtype == np.uint8
    assert np.abs(out[2, 2].astype(int) - (240, 228, 190)).max() <= 3
    grown = imaging.deskew(rgb, 5.0, expand=True)
    assert grown.shape[0] > rgb.shape[0] and grown.shape[1] > rgb.shape[1]
    assert imaging.deskew(rgb, 0.0) is rgb


# --- orientation --------------------------------------------------------------------------------------

def test_orientation_all_four_turns_confident_and_right() -> None:
    rng = np.random.default_rng(7)
    for i in range(10):
        kind = ("decision", "continuation", "sparse")[i % 3]
        s = random_scan(rng)
        upright = scan(_page(200 + i, kind), Scan(**{**s.__dict__, "dpi": None}), page_dpi=200)
        upright = imaging.deskew(upright, imaging.measure_skew(upright).angle)
        for turns in range(4):
            turned = np.ascontiguousarray(np.rot90(upright, -turns))  # content clockwise by 90°·turns
            found = imaging.detect_orientation(turned)
            assert (found.degrees, i) == (90 * turns, i)
            assert found.confidence >= 0.5


def test_rotate_orientation_undoes_a_clockwise_turn() -> None:
    page = _page(5)
    for degrees in (0, 90, 180, 270):
        turned = np.rot90(page, -degrees // 90)
        assert np.array_equal(imaging.rotate_orientation(np.ascontiguousarray(turned), degrees), page)
    with pytest.raises(ValueError):
        imaging.rotate_orientation(page, 45)


@pytest.mark.parametrize("kind", ["blank", "signature"])
def test_orientation_unsure_without_text(kind: str) -> None:
    page = _scanned(6, Scan(noise=8, speckles=200, seed=4), kind=kind)
    assert imaging.detect_orientation(page).confidence < 0.2


# --- cleaning -----------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _dirty_colour_page() -> np.ndarray:
    return _scanned(8, Scan(paper=(238, 226, 188), lighting=0.25, noise=8, blur=0.6, speckles=400,
                            border=30, jpeg=80, colour=True, seed=5))


def _stamp_ring(shape: tuple[int, ...], width: int) -> np.ndarray:
    """Where `scan(colour=True)` draws its red stamp (outer ring)."""
    h, w = shape[:2]
    ring = np.zeros((h, w), np.uint8)
    cv2.circle(ring, (int(w * 0.62), int(h * 0.8)), int(min(w, h) * 0.09), 1, width)
    return ring.astype(bool)


def _text_mask(page: np.ndarray) -> np.ndarray:
    """Where the clean page has text: dark, dilated to cover anti-aliased edges."""
    return cv2.dilate((page < 128).astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)


def test_clean_page_whitens_paper_and_keeps_text_dark() -> None:
    dirty = _dirty_colour_page()
    before = dirty.copy()
    clean = imaging.clean_page(dirty, mode="color")
    assert np.array_equal(dirty, before)
    assert clean.shape == dirty.shape and clean.dtype == np.uint8
    text = _text_mask(_page(8))
    paper = ~text
    paper[:60] = paper[:, :60] = False  # the border strips, checked below
    assert np.median(clean[paper]) == 255
    assert np.mean(clean[paper] >= 250) > 0.99
    ink = imaging.to_gray(clean)[_page(8) < 64]
    assert np.percentile(ink, 50) < 100
    assert np.median(imaging.to_gray(dirty)[paper]) < 225  # the test page really was dingy


def test_clean_page_removes_scanner_borders_and_isolated_specks() -> None:
    page = _page(9, "sparse")
    dirty = scan(page, Scan(border=30, seed=6), page_dpi=200)
    rng = np.random.default_rng(1)
    empty = np.argwhere(cv2.dilate((page < 200).astype(np.uint8), np.ones((61, 61), np.uint8)) == 0)
    specks = empty[rng.choice(len(empty), 60, replace=False)]
    specks = specks[(specks[:, 0] > 60) & (specks[:, 1] > 60)]
    for y, x in specks:
        cv2.circle(dirty, (int(x), int(y)), 1, 20, -1)
    clean = imaging.clean_page(dirty, mode="gray")
    assert clean[:, :30].min() >= 250 and clean[:15].min() >= 250
    assert all(clean[y - 2: y + 3, x - 2: x + 3].min() >= 250 for y, x in specks)
    assert imaging.to_gray(clean)[page < 64].mean() < 90


def test_clean_page_bw_is_binary_and_keeps_the_text() -> None:
    dirty = _dirty_colour_page()
    bw = imaging.clean_page(dirty, mode="bw")
    assert bw.ndim == 2 and set(np.unique(bw)) <= {0, 255}
    page = _page(8)
    assert np.mean(bw[page < 64] == 0) > 0.95
    paper = ~_text_mask(page) & ~_stamp_ring(page.shape, 60)
    paper[:60] = paper[:, :60] = False
    assert np.mean(bw[paper] == 255) > 0.999


def test_clean_page_keeps_a_red_stamp_red_and_compresses_better() -> None:
    dirty = _dirty_colour_page()
    clean = imaging.clean_page(dirty, mode="color")
    stamp = clean[_stamp_ring(clean.shape, 2) & (_page(8) > 200)].astype(int)
    assert np.median(stamp[:, 0] - stamp[:, 1]) > 60

    def jpeg_size(img: np.ndarray) -> int:
        return len(cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 80])[1])

    assert jpeg_size(clean) < 0.8 * jpeg_size(dirty)


def test_clean_page_gray_mode_and_grey_input() -> None:
    dirty = _dirty_colour_page()
    assert imaging.clean_page(dirty, mode="gray").ndim == 2
    assert imaging.clean_page(imaging.to_gray(dirty), mode="color").ndim == 2
    with pytest.raises(ValueError):
        imaging.clean_page(dirty, mode="sepia")  # type: ignore[arg-type]


def test_to_gray_accepts_grey_rgb_and_rgba() -> None:
    rgb = np.zeros((4, 5, 3), np.uint8)
    rgb[..., 0] = 255
    assert imaging.to_gray(rgb)[0, 0] == 76  # BT.601 red
    rgba = np.dstack([rgb, np.full((4, 5), 7, np.uint8)])
    assert np.array_equal(imaging.to_gray(rgba), imaging.to_gray(rgb))
    grey = np.full((4, 5), 9, np.uint8)
    assert imaging.to_gray(grey) is grey


# --- blank pages, sharpness, contrast -----------------------------------------------------------------

def test_blank_page_with_noise_specks_border_and_fold_is_blank() -> None:
    for seed, s in enumerate([
        Scan(noise=10, speckles=500, border=30, fold=0.15, jpeg=75, seed=7),
        Scan(skew=2.0, paper=(235, 225, 190), lighting=0.2, noise=6, speckles=200, fold=0.35, seed=8),
        Scan(noise=12, blur=1.0, border=60, colour=True, stamp=False, seed=9),
    ]):
        page = imaging.to_gray(_scanned(seed, s, kind="blank"))
        result = imaging.blank_score(page)
        assert result.is_blank, (seed, result)


@pytest.mark.parametrize("kind", ["signature", "one_line", "sparse"])
def test_page_with_a_signature_or_one_line_is_not_blank(kind: str) -> None:
    for seed in range(3):
        page = _scanned(seed, Scan(noise=10, speckles=300, fold=0.15, seed=seed), kind=kind)
        result = imaging.blank_score(page)
        assert not result.is_blank, (kind, seed, result)


def test_page_with_only_a_stamp_is_not_blank() -> None:
    page = _scanned(3, Scan(noise=8, colour=True, seed=10), kind="blank")
    assert not imaging.blank_score(imaging.to_gray(page)).is_blank


def test_sharpness_drops_with_blur_and_compares_across_dpi() -> None:
    sharp300 = imaging.sharpness(_page(10, dpi=300))
    sharp200 = imaging.sharpness(_page(10, dpi=200))
    blurred = imaging.sharpness(_scanned(10, Scan(blur=2.5, seed=1), dpi=300))
    assert 0.7 < sharp200 / sharp300 < 1.4
    assert blurred < 0.5 * sharp300


def test_contrast_is_high_for_black_on_white_and_low_when_faded() -> None:
    page = _page(11)
    faded = (255 - (255 - page.astype(np.int16)) * 0.3).astype(np.uint8)
    assert imaging.contrast(page) > 0.9
    assert imaging.contrast(faded) < 0.35
    assert imaging.contrast(_page(11, "blank")) == 0.0


# --- near-duplicate fingerprint -----------------------------------------------------------------------

def _processed(page: np.ndarray, s: Scan) -> np.ndarray:
    gray = scan(page, s, page_dpi=200)
    gray = imaging.deskew(gray, imaging.measure_skew(gray).angle)
    return imaging.clean_page(gray, mode="gray")


def test_fingerprint_separates_refed_sheets_from_other_pages_of_the_same_layout() -> None:
    rng = np.random.default_rng(33)
    near, far = [], []
    for i in range(8):
        kind = ("decision", "continuation", "sparse", "continuation")[i % 4]
        spec = random_spec(rng, 300 + i, kinds=(kind,))
        spec = PageSpec(seed=spec.seed, dpi=200, kind=kind, family=spec.family, pt=spec.pt, spacing=spec.spacing)
        other = PageSpec(seed=spec.seed + 500, dpi=200, kind=kind, family=spec.family, pt=spec.pt,
                         spacing=spec.spacing)
        first = Scan(**{**random_scan(rng, max_skew=3).__dict__, "dpi": None})
        again = Scan(**{**first.__dict__, "skew": first.skew + float(rng.uniform(-0.5, 0.5)),
                        "shift": (int(rng.integers(-20, 21)), int(rng.integers(-20, 21))),
                        "noise": float(rng.uniform(0, 12)), "seed": first.seed + 1})
        page = render_page(spec)
        a = imaging.page_fingerprint(_processed(page, first))
        near.append(imaging.fingerprint_distance(a, imaging.page_fingerprint(_processed(page, again))))
        far.append(imaging.fingerprint_distance(a, imaging.page_fingerprint(_processed(render_page(other), first))))
    assert max(near) <= NEAR_DUPLICATE_DISTANCE < min(far), (near, far)


def test_fingerprint_is_unsigned_64_bit_and_distance_takes_signed_values() -> None:
    fp = imaging.page_fingerprint(_page(12))
    assert 0 <= fp < 2**64
    signed = fp - 2**64 if fp >= 2**63 else fp
    assert imaging.fingerprint_distance(fp, signed) == 0
    assert imaging.fingerprint_distance(0, -1) == 64
    assert imaging.page_fingerprint(_page(12, "blank")) == 0


def test_measure_page_bundles_the_measurements() -> None:
    page = _page(13)
    measures = imaging.measure_page(page, page)
    assert not measures.blank.is_blank
    assert measures.fingerprint == imaging.page_fingerprint(page)
    assert measures.sharpness == imaging.sharpness(page) and measures.contrast == imaging.contrast(page)


# --- QR -----------------------------------------------------------------------------------------------

PAYLOAD = "scanflow:hoso/HS-2025-0101"


def test_make_qr_is_the_requested_size_binary_with_a_quiet_zone() -> None:
    code = imaging.make_qr(PAYLOAD, 400)
    assert code.shape == (400, 400) and code.dtype == np.uint8
    assert set(np.unique(code)) == {0, 255}
    rows = np.flatnonzero((code == 0).any(axis=1))
    assert rows[0] >= 4 * 400 // 45 - 1  # ≥ 4 modules of white above
    assert imaging.find_qr(np.pad(code, 50, constant_values=255)) == [PAYLOAD]
    with pytest.raises(ValueError):
        imaging.make_qr(PAYLOAD, 20)


@pytest.mark.parametrize("dpi,skew,turns", [(300, 4.0, 0), (200, -6.0, 1), (200, 12.0, 2)])
def test_qr_on_a_cover_sheet_reads_back_after_skew_noise_and_jpeg(dpi: int, skew: float, turns: int) -> None:
    sheet = np.full((round(11.69 * dpi), round(8.27 * dpi)), 255, np.uint8)
    code = imaging.make_qr(PAYLOAD, round(40 / 25.4 * dpi))  # 40 mm
    sheet[dpi: dpi + code.shape[0], sheet.shape[1] - dpi - code.shape[1]: sheet.shape[1] - dpi] = code
    scanned = scan(sheet, Scan(skew=skew, quarter_turns_cw=turns, noise=10, blur=1.0, speckles=200, jpeg=70,
                               seed=dpi), page_dpi=dpi)
    assert imaging.find_qr(scanned) == [PAYLOAD]


def test_no_qr_on_a_text_page() -> None:
    assert imaging.find_qr(_scanned(14, Scan(noise=8, seed=3))) == []
