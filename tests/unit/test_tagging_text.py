"""Vietnamese text handling: NFC, tone placement, folding, names."""

from __future__ import annotations

import re
import unicodedata

import pytest

from scanflow.tagging.text import (
    compare_names,
    fold,
    fold_aligned,
    is_honorific,
    nfc,
    normalize_name,
    normalize_tones,
    ocr_regex,
    split_names,
    unique_names,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def test_nfc_composes_nfd_input() -> None:
    assert nfd("Nguyễn") != "Nguyễn"
    assert nfc(nfd("Nguyễn")) == "Nguyễn"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("hoà", "hòa"),
        ("Hoà", "Hòa"),
        ("HOÀ", "HÒA"),
        ("thuỷ", "thủy"),
        ("Thuý", "Thúy"),
        ("khoẻ", "khỏe"),
        ("Uỷ ban", "Ủy ban"),
        ("Cộng hoà xã hội", "Cộng hòa xã hội"),
        ("hòa", "hòa"),  # already canonical
        ("hoàng", "hoàng"),  # final consonant: same in both conventions
        ("thuyết", "thuyết"),
        ("quý", "quý"),  # qu + y: the mark belongs on y
        ("qúy", "quý"),
        ("mùa", "mùa"),
    ],
)
def test_normalize_tones_puts_the_mark_on_the_first_vowel(written: str, canonical: str) -> None:
    assert normalize_tones(written) == canonical
    assert normalize_tones(nfd(written)) == canonical


def test_normalize_tones_leaves_other_text_alone() -> None:
    text = "Số: 125/QĐ-THADS, ngày 05 tháng 01 năm 2025 — Nguyễn Thị Thu Hà"
    assert normalize_tones(text) == text


def test_fold_drops_marks_and_maps_d_stroke() -> None:
    assert fold("Đoàn") == "doan"
    assert fold("Doãn") == "doan"
    assert fold("  ĐOÀN\tVăn   Ân ") == "doan van an"
    assert fold("Ðức") == "duc"  # OCR's eth for Đ
    assert fold(nfd("Nguyễn Thị Thủy")) == "nguyen thi thuy"


def test_fold_aligned_keeps_offsets() -> None:
    text = "Căn cứ Bản án số 07/2025/DS-ST\nngày 11/10/2025"
    folded = fold_aligned(text)
    assert len(folded) == len(text)
    assert folded.index("ban an") == text.index("Bản án")


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Ông Nguyễn Văn An", "Nguyễn Văn An"),
        ("bà  TRẦN THỊ BÌNH", "Trần Thị Bình"),
        ("Anh Lê Văn Hoà", "Lê Văn Hòa"),
        ("Chị Phạm Thị Thuỷ", "Phạm Thị Thủy"),
        ("Ông bà Đoàn Văn Cường", "Đoàn Văn Cường"),
        ("Ông/Bà: Vũ Thu Hà", "Vũ Thu Hà"),
        ("Ong Nguyen Van An", "Nguyen Van An"),
        ("Ôrig Nguyễn Văn An", "Nguyễn Văn An"),  # OCR look-alike of Ông
        (nfd("Ông Nguyễn Thị Hòa"), "Nguyễn Thị Hòa"),
        ("Bà", "Bà"),  # nothing left to strip down to
    ],
)
def test_normalize_name(raw: str, name: str) -> None:
    assert normalize_name(raw) == name


def test_is_honorific() -> None:
    assert all(is_honorific(w) for w in ("Ông", "bà", "Anh", "CHỊ", "Ong"))
    assert not any(is_honorific(w) for w in ("Nguyễn", "Bá", "An"))


def test_compare_names_accented_match() -> None:
    assert compare_names("Nguyễn Thị Hòa", "nguyễn thị hoà") == compare_names("a b", "a b")
    match = compare_names(nfd("Ông Trần Thị Thủy"), "TRẦN THỊ THUỶ")
    assert (match.score, match.mode) == (1.0, "accented")


def test_compare_names_doan_and_doan_are_different_names() -> None:
    different = compare_names("Đoàn Văn An", "Doãn Văn An")
    ocr_dropped = compare_names("Đoàn Văn An", "Doan Van An")
    same = compare_names("Đoàn Văn An", "Đoàn Văn An")
    assert different.mode == "folded"
    assert ocr_dropped.mode == "folded"
    assert same.mode == "accented"
    assert different.score < ocr_dropped.score < same.score


def test_compare_names_folded_always_below_accented() -> None:
    accented = compare_names("Nguyễn Văn Thành", "Nguyễn Văn Thànhh")  # a letter typo, marks agree
    folded = compare_names("Nguyễn Văn Thành", "Nguyen Van Thanh")
    assert accented.mode == "accented"
    assert folded.mode == "folded"
    assert folded.score < accented.score


def test_compare_names_stacked_tone_confusion_is_folded() -> None:
    match = compare_names("Nguyễn Văn Tuấn", "Nguyến Văn Tuấn")
    assert match.mode == "folded"


def test_compare_names_ocr_lookalikes() -> None:
    marks_agree = compare_names("Trần Thị Bình", "Trần Thị Bìrih")
    assert marks_agree.mode == "accented"
    assert 0.85 <= marks_agree.score < 1.0
    assert compare_names("Trần Thị Bình", "Tran Thi Birih").mode == "folded"


@pytest.mark.parametrize(("a", "b"), [("Nguyễn Văn An", "Nguyễn Văn Anh"), ("Lê Thị Lan", "Trần Văn Nam")])
def test_compare_names_different_people(a: str, b: str) -> None:
    match = compare_names(a, b)
    assert match.mode == "none"
    assert match.score < 0.5


def test_compare_names_empty() -> None:
    assert compare_names("", "Nguyễn Văn An").mode == "none"


def test_split_names() -> None:
    assert split_names("Nguyễn Văn An; bà Lê Thị Cúc và Ông Trần Văn Bình, Nguyễn Văn An") == [
        "Nguyễn Văn An",
        "Lê Thị Cúc",
        "Trần Văn Bình",
    ]
    assert split_names(None) == []


def test_unique_names_merges_ocr_variants() -> None:
    assert unique_names(["Trần Thị Bình", "Tran Thi Binh", "Trần Tbi Bình", " ", "Lê Văn Cường"]) == [
        "Trần Thị Bình",
        "Lê Văn Cường",
    ]


@pytest.mark.parametrize("noisy", ["ngay", "ngày", "rigày", "nqay"])
def test_ocr_regex_tolerates_lookalikes(noisy: str) -> None:
    assert re.fullmatch(ocr_regex("ngay"), fold(noisy))
