"""Measure scanflow.imaging on many synthetic pages: accuracy figures and per-function timings.

Not a test (pytest collects nothing here); run: .venv/bin/python -m tests.unit.test_imaging_measure [N]
It prints one JSON object. Timings are single-threaded CPU milliseconds (best of 5) on a 300-dpi A4 page.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

import cv2
import numpy as np

from scanflow import imaging
from tests.unit.test_imaging_synthetic import PageSpec, Scan, random_scan, random_spec, render_page, scan


def _cpu_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return round(best * 1000, 1)


def skew_and_orientation(n: int, seed: int = 1) -> dict[str, object]:
    """Skew error and orientation accuracy over n pages: any quarter turn, ±6°, noise, blur, 200/300 dpi."""
    rng = np.random.default_rng(seed)
    errors, right, confidences, osd_needed = [], 0, [], 0
    for i in range(n):
        spec = random_spec(rng, seed * 100_000 + i)
        s = random_scan(rng, turns=True, colour=bool(i % 5 == 0))
        page = imaging.to_gray(scan(render_page(spec), s))
        skew = imaging.measure_skew(page)
        errors.append(abs(skew.angle - s.skew))
        found = imaging.detect_orientation(imaging.deskew(page, skew.angle))
        right += found.degrees == 90 * s.quarter_turns_cw
        confidences.append(found.confidence)
        osd_needed += found.confidence < 0.5
    err = np.array(errors)
    return {
        "pages": n,
        "skew_error_deg": {"median": round(float(np.median(err)), 4), "p95": round(float(np.percentile(err, 95)), 4),
                           "max": round(float(err.max()), 4)},
        "orientation_accuracy": right / n,
        "orientation_confidence": {"min": min(confidences), "median": float(np.median(confidences))},
        "orientation_below_0.5": osd_needed,
    }


def fingerprints(pairs: int, seed: int = 2) -> dict[str, object]:
    """Fingerprint distances: the same sheet scanned twice vs another text in the same layout."""
    rng = np.random.default_rng(seed)

    def processed(page: np.ndarray, s: Scan) -> np.ndarray:
        gray = scan(page, s)
        gray = imaging.deskew(gray, imaging.measure_skew(gray).angle)
        return imaging.clean_page(gray, mode="gray")

    near, far = [], []
    for i in range(pairs):
        spec = random_spec(rng, seed * 100_000 + i, kinds=("decision", "continuation", "sparse"))
        other = PageSpec(seed=spec.seed + 50_000, kind=spec.kind, family=spec.family, pt=spec.pt,
                         spacing=spec.spacing)
        first = random_scan(rng, max_skew=3)
        again = Scan(**{**first.__dict__, "skew": first.skew + float(rng.uniform(-0.5, 0.5)),
                        "shift": (int(rng.integers(-30, 31)), int(rng.integers(-30, 31))),
                        "noise": float(rng.uniform(0, 12)), "jpeg": int(rng.choice([0, 75, 90])),
                        "seed": first.seed + 1})
        page = render_page(spec)
        a = imaging.page_fingerprint(processed(page, first))
        near.append(imaging.fingerprint_distance(a, imaging.page_fingerprint(processed(page, again))))
        far.append(imaging.fingerprint_distance(a, imaging.page_fingerprint(processed(render_page(other), first))))
    return {"pairs": pairs, "same_sheet_max": max(near), "same_sheet_p90": float(np.percentile(near, 90)),
            "other_text_min": min(far), "other_text_p10": float(np.percentile(far, 10))}


def timings() -> dict[str, float]:
    """CPU ms per function on a 300-dpi A4 page, colour and grey, one thread."""
    cv2.setNumThreads(1)
    page = render_page(PageSpec(seed=7))
    rgb = scan(page, Scan(skew=2.5, paper=(240, 230, 200), lighting=0.15, noise=8, blur=0.7, speckles=200,
                          jpeg=85, colour=True, seed=1))
    gray = imaging.to_gray(rgb)
    straight = imaging.deskew(gray, 2.5)
    cleaned = imaging.clean_page(straight, mode="gray")
    out = {
        "to_gray(rgb)": _cpu_ms(lambda: imaging.to_gray(rgb)),
        "measure_skew": _cpu_ms(lambda: imaging.measure_skew(gray)),
        "deskew(rgb)": _cpu_ms(lambda: imaging.deskew(rgb, 2.5)),
        "deskew(gray)": _cpu_ms(lambda: imaging.deskew(gray, 2.5)),
        "detect_orientation": _cpu_ms(lambda: imaging.detect_orientation(straight)),
        "rotate_orientation(rgb, 90)": _cpu_ms(lambda: imaging.rotate_orientation(rgb, 90)),
        "clean_page(rgb, color)": _cpu_ms(lambda: imaging.clean_page(rgb, mode="color")),
        "clean_page(gray, gray)": _cpu_ms(lambda: imaging.clean_page(straight, mode="gray")),
        "clean_page(gray, bw)": _cpu_ms(lambda: imaging.clean_page(straight, mode="bw")),
        "blank_score": _cpu_ms(lambda: imaging.blank_score(cleaned)),
        "sharpness": _cpu_ms(lambda: imaging.sharpness(straight)),
        "contrast": _cpu_ms(lambda: imaging.contrast(straight)),
        "page_fingerprint": _cpu_ms(lambda: imaging.page_fingerprint(cleaned)),
        "measure_page": _cpu_ms(lambda: imaging.measure_page(cleaned, straight)),
        "find_qr(text page)": _cpu_ms(lambda: imaging.find_qr(cleaned)),
    }

    def chain(pixels: np.ndarray) -> None:
        """What scanflow.pages does with a page: skew, deskew, orientation, clean, measure, QR."""
        g = imaging.to_gray(pixels)
        pixels = imaging.deskew(pixels, imaging.measure_skew(g).angle)
        g = imaging.to_gray(pixels)
        turn = imaging.detect_orientation(g).degrees
        pixels = imaging.rotate_orientation(pixels, turn)
        shown = imaging.clean_page(pixels, mode="color")
        ocr_gray = imaging.to_gray(shown)
        imaging.measure_page(ocr_gray, imaging.rotate_orientation(g, turn))
        imaging.find_qr(ocr_gray)

    out["whole chain, colour page"] = _cpu_ms(lambda: chain(rgb), repeat=3)
    out["whole chain, grey page"] = _cpu_ms(lambda: chain(gray), repeat=3)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    report = {"timings_ms_300dpi": timings(), **skew_and_orientation(n), "fingerprint": fingerprints(max(20, n // 5))}
    sys.stdout.write(json.dumps(report, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
