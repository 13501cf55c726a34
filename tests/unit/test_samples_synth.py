"""Tests of the synthetic dossier generator in samples/ (the ground truth other tests rely on)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
import unicodedata
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from samples.casegen import (
    MA_HO_SO_RE,
    REFORM_DATE,
    date_dash,
    date_long,
    money_in_words,
    old_style_tones,
)
from samples.doctext import DOC_TYPES, REQUIRED
from samples.pagelayout import font_covers, font_families
from samples.synth import (
    REGISTER_HEADER,
    generate,
    make_case,
    make_decoys,
    render_text_page,
    transform_points,
)

QD_RE = re.compile(r"^\d{2,}/QĐ-(THADS|CTHADS|CCTHADS)$")
BAN_AN_RE = re.compile(r"^\d{2,}/\d{4}/((DS|HNGĐ|KDTM|LĐ|HC|HS)-(ST|PT)"
                       r"|QĐ(ST|PT)-(DS|HNGĐ|KDTM)|QĐ-CNHG-(DS|HNGĐ|KDTM))$")
FILED_FIRST = {"qd_tha", "don_yeu_cau", "ban_an"}


def nfc(s: str) -> bool:
    return unicodedata.normalize("NFC", s) == s


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth")
    generate(out, n_dossiers=3, seed=7, dpi=200, difficulty="hard", fmt="folder", pages_max=5, decoys=3,
             extra_cases=4)
    return out, json.loads((out / "truth.json").read_text(encoding="utf-8"))


# --- case data --------------------------------------------------------------------------------------------


def test_cases_have_well_formed_register_fields() -> None:
    rng = random.Random(1)
    for _ in range(80):
        c = make_case(rng)
        assert MA_HO_SO_RE.match(c.ma_ho_so), c.ma_ho_so
        assert c.ma_ho_so.split("-")[-2] == str(c.ngay_qd_tha.year)
        assert QD_RE.match(c.so_qd_tha), c.so_qd_tha
        assert (c.ngay_qd_tha >= REFORM_DATE) == c.so_qd_tha.endswith("/QĐ-THADS")
        assert BAN_AN_RE.match(c.so_ban_an), c.so_ban_an
        assert f"/{c.ngay_ban_an.year}/" in c.so_ban_an
        assert c.ngay_ban_an < c.ngay_qd_tha
        assert c.loai in ("chu_dong", "theo_yeu_cau")
        row = c.register_row()
        assert list(row) == list(REGISTER_HEADER)
        assert all(nfc(v) for v in row.values())
        assert row["don_vi"].split(" ", 1)[0] == c.don_vi


def test_numbers_below_ten_keep_leading_zero() -> None:
    rng = random.Random(3)
    numbers = [make_case(rng) for _ in range(300)]
    for c in numbers:
        assert not re.match(r"^\d/", c.so_qd_tha) and not re.match(r"^\d/", c.so_ban_an)


def test_decoys_share_names_but_not_numbers() -> None:
    rng = random.Random(5)
    case = make_case(rng)
    decoys = make_decoys(case, rng, 6)
    assert len(decoys) == 6
    for d in decoys:
        assert d.decoy_of == case.ma_ho_so
        assert d.nguoi_phai_thi_hanh == case.nguoi_phai_thi_hanh
        assert (d.so_qd_tha, d.so_ban_an) != (case.so_qd_tha, case.so_ban_an)
        assert d.ma_ho_so != case.ma_ho_so
    near = [d for d in decoys if d.decoy_kind == "near_numbers"]
    assert near and all(d.toa_an == case.toa_an and d.year == case.year for d in near)


def test_vietnamese_formatting() -> None:
    assert money_in_words(150_000_000) == "Một trăm năm mươi triệu đồng"
    assert money_in_words(1_050_000) == "Một triệu không trăm năm mươi nghìn đồng"
    assert money_in_words(21_000) == "Hai mươi mốt nghìn đồng"
    assert money_in_words(15_500_000) == "Mười lăm triệu năm trăm nghìn đồng"
    assert date_long(dt.date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert date_long(dt.date(2025, 3, 12)) == "ngày 12 tháng 3 năm 2025"
    assert date_dash(dt.date(2025, 3, 12)) == "12-3-2025"
    assert old_style_tones("Tòa án Hòa Bình, ông Thủy, hoàng") == "Toà án Hoà Bình, ông Thuỷ, hoàng"


def test_fonts_render_vietnamese() -> None:
    fams = font_families()
    assert fams
    for fam in fams:
        assert all(font_covers(p, "Ự ỹ ậ Đ ơ ư") for p in fam.files)


# --- generated dossiers -------------------------------------------------------------------------------------


def test_truth_matches_files_and_filing_order(corpus: tuple[Path, dict]) -> None:
    out, truth = corpus
    assert truth["schema"] == 1 and len(truth["dossiers"]) == 3
    for ds in truth["dossiers"]:
        pages = ds["pages"]
        assert 1 <= len(pages) <= 5
        assert [p["page"] for p in pages] == list(range(1, len(pages) + 1))
        assert sorted({p["file"] for p in pages}) == sorted(ds["inputs"])
        for p in pages:
            im = Image.open(out / p["file"])
            assert (im.width, im.height) == (p["width"], p["height"])
            assert round(im.info["dpi"][0]) == p["dpi"] == 200
            assert p["orientation"] in (0, 90, 180, 270) and abs(p["skew"]) <= 6
            if p["orientation"] in (90, 270):
                assert (p["width"], p["height"]) == (p["clean_height"], p["clean_width"])
            else:
                assert (p["width"], p["height"]) == (p["clean_width"], p["clean_height"])
            assert nfc(p["text"]) and p["text"] == "\n".join(p["lines"])
            assert len(p["boxes"]) == len(p["lines"])
            for x0, y0, x1, y1 in p["boxes"]:  # skewed and turned, every printed line stays on the image
                corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], float)
                m = transform_points(corners, p["skew"], p["orientation"], p["clean_width"], p["clean_height"])
                assert m.min() >= 0 and m[:, 0].max() < p["width"] and m[:, 1].max() < p["height"]
            if p["blank"]:
                assert p["text"] == "" and p["document"] is None
            if p["duplicate_of"] is not None:
                orig = pages[p["duplicate_of"] - 1]
                assert p["duplicate_of"] < p["page"] and orig["text"] == p["text"]
        types = [d["type"] for d in ds["documents"]]
        assert set(types) <= set(DOC_TYPES)
        required = [t for t in types if t in FILED_FIRST]
        assert required == [t for t in REQUIRED[ds["case"]["loai"]] if t in required]
        assert types[: len(required)] == required
        later_dates = [d["date"] for d in ds["documents"][len(required):]]
        assert later_dates == sorted(later_dates)
        assert ds["complete"] == all(t in types for t in REQUIRED[ds["case"]["loai"]])
        covered = sorted(n for d in ds["documents"] for n in d["pages"])
        assert covered == [p["page"] for p in pages if not p["blank"]]
        qd = ds["documents"][0]
        assert qd["type"] == "qd_tha" and qd["number"] == ds["case"]["so_qd_tha"]
        assert f"Số: {qd['number']}" in pages[qd["pages"][0] - 1]["lines"]
        for d in ds["documents"]:
            if d["type"] == "ban_an":
                assert d["number"] == ds["case"]["so_ban_an"]
                assert d["number_printed"].replace(" ", "") == d["number"]
                assert d["number_printed"] in pages[d["pages"][0] - 1]["text"]


def test_register_csv(corpus: tuple[Path, dict]) -> None:
    out, truth = corpus
    with (out / "register.csv").open(encoding="utf-8", newline="") as fh:
        assert not fh.read(1).startswith("\ufeff")
    with (out / "register.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == REGISTER_HEADER
        rows = list(reader)
    assert len(rows) == truth["register_rows"] == 3 + 3 * 3 + 4
    by_code = {r["ma_ho_so"]: r for r in rows}
    assert len(by_code) == len(rows)
    for ds in truth["dossiers"]:
        row = by_code[ds["ma_ho_so"]]
        assert row["so_qd_tha"] == ds["case"]["so_qd_tha"] and row["ngay_qd_tha"] == ds["case"]["ngay_qd_tha"]
        for decoy in ds["decoys"]:
            drow = by_code[decoy["ma_ho_so"]]
            assert drow["nguoi_phai_thi_hanh"] == row["nguoi_phai_thi_hanh"]
            assert (drow["so_qd_tha"], drow["so_ban_an"]) != (row["so_qd_tha"], row["so_ban_an"])


def test_same_seed_same_output(tmp_path: Path) -> None:
    kw = dict(n_dossiers=1, seed=42, dpi=200, difficulty="moderate", pages_max=2, decoys=1, extra_cases=1)
    a = generate(tmp_path / "a", **kw)
    b = generate(tmp_path / "b", **kw)
    assert a.as_dict() == b.as_dict()
    assert a["dossiers"][0]["pages"][0]["file"] == a.dossiers[0].pages[0].file  # truth.json keys work too
    for p in a.dossiers[0].pages:
        assert np.array_equal(np.asarray(Image.open(tmp_path / "a" / p.file)),
                              np.asarray(Image.open(tmp_path / "b" / p.file)))
    assert (tmp_path / "a" / "register.csv").read_bytes() == (tmp_path / "b" / "register.csv").read_bytes()
    c = generate(tmp_path / "c", **{**kw, "seed": 43, "pages_max": 1})
    assert c.dossiers[0].case != a.dossiers[0].case


@pytest.mark.parametrize("fmt", ["tiff", "tiff-g4", "jpeg", "pdf"])
def test_formats_store_dpi(tmp_path: Path, fmt: str) -> None:
    truth = generate(tmp_path, n_dossiers=1, seed=3, dpi=200, difficulty="easy", fmt=fmt, pages_max=2, decoys=0,
                     extra_cases=0, bom=True, scans_subdir="scans")
    ds = truth.dossiers[0]
    assert all(f.startswith("scans/") and (tmp_path / f).is_file() for f in ds.inputs)
    assert (tmp_path / "register.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    if fmt == "pdf":
        pdf = pikepdf.open(tmp_path / ds.inputs[0])
        assert len(pdf.pages) == len(ds.pages)
        box = [float(v) for v in pdf.pages[0].MediaBox]
        assert abs(box[2] - 595.3) < 1.5 and abs(box[3] - 841.9) < 1.5  # A4 in points at the stated dpi
        return
    for p in ds.pages:
        im = Image.open(tmp_path / p.file)
        im.seek(p.frame)
        assert round(im.info["dpi"][0]) == 200
        if fmt == "tiff-g4":
            assert im.mode == "1" and p.bw
    if fmt.startswith("tiff"):
        assert Image.open(tmp_path / ds.inputs[0]).n_frames == len(ds.pages)


# --- single pages: the skew and orientation conventions -----------------------------------------------------


def _ink(im: Image.Image) -> np.ndarray:
    arr = np.asarray(im.convert("L"))
    ys, xs = np.nonzero(arr < 128)
    return np.stack([xs, ys], axis=1)


def test_orientation_swaps_dims_and_turns_clockwise() -> None:
    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    up = render_text_page(lines, dpi=200)
    turned = render_text_page(lines, dpi=200, orientation=90)
    assert (turned.image.width, turned.image.height) == (up.image.height, up.image.width)
    assert turned.truth.orientation == 90 and turned.truth.lines == lines
    # the line sits at the top of the upright page; turned 90° clockwise it sits at the right edge
    assert _ink(up.image)[:, 1].mean() < up.image.height * 0.2
    assert _ink(turned.image)[:, 0].mean() > turned.image.width * 0.8
    # and transform_points predicts where it went
    x0, y0, x1, y1 = up.truth.boxes[0]
    corners = np.array([[x0, y0], [x1, y1]], float)
    mapped = transform_points(corners, 0.0, 90, up.truth.clean_width, up.truth.clean_height)
    ink = _ink(turned.image)
    assert mapped[:, 0].min() - 3 <= ink[:, 0].min() and ink[:, 0].max() <= mapped[:, 0].max() + 3
    assert mapped[:, 1].min() - 3 <= ink[:, 1].min() and ink[:, 1].max() <= mapped[:, 1].max() + 3


@pytest.mark.parametrize("orientation", [0, 90, 180, 270])
def test_transform_points_matches_the_rotation(orientation: int) -> None:
    arr = np.zeros((5, 8), np.uint8)
    arr[1, 2] = 255
    turned = np.rot90(arr, -orientation // 90)  # clockwise
    ys, xs = np.nonzero(turned)
    assert transform_points(np.array([[2, 1]]), 0.0, orientation, 8, 5).tolist() == [[xs[0], ys[0]]]


def test_positive_skew_turns_content_counter_clockwise() -> None:
    line = ["Căn cứ Bản án số 07/2025/DS-ST ngày 11/10/2025 của Tòa án"]
    page = render_text_page(line, dpi=200, skew=4.0, size_pt=12)
    ink = _ink(page.image)
    slope = np.polyfit(ink[:, 0], ink[:, 1], 1)[0]  # image y grows downwards
    assert slope < 0  # right end higher: counter-clockwise as a viewer sees it
    assert abs(np.degrees(np.arctan(-slope)) - 4.0) < 0.5
    assert page.truth.skew == 4.0


def test_render_text_page_truth_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Thu Hà")
    page = render_text_page([decomposed], dpi=200, noise=5.0, jpeg_quality=60, color=True, seed=3)
    assert page.truth.lines == ["Nguyễn Thị Thu Hà"] and page.image.mode == "RGB"
