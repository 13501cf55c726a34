"""Dates: the three formats, validation, OCR noise, the document's own date."""

from __future__ import annotations

from datetime import date

import pytest

from scanflow.tagging.dates import document_date, find_dates
from tests.unit.test_tagging_support import (
    Case,
    ban_an_text,
    bb_xac_minh_text,
    bien_lai_text,
    don_yeu_cau_text,
    noise,
    qd_tha_text,
)


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("Tuyên Quang, ngày 05 tháng 01 năm 2025", date(2025, 1, 5), "place_date"),
        ("ngày 5 tháng 1 năm 2025", date(2025, 1, 5), "long"),
        ("Bản án số 07/2025/DS-ST ngày 11/10/2025 của Tòa án", date(2025, 10, 11), "numeric"),
        ("Ngày: 12-3-2025", date(2025, 3, 12), "numeric"),
        ("ngày 12.03.2025", date(2025, 3, 12), "numeric"),
        ("Tuyen Quang, ngay 05 thang 01 nam 2025", date(2025, 1, 5), "place_date"),  # diacritics lost
        ("Hà Nội, ngày O5 tháng 0l năm 2O25", date(2025, 1, 5), "place_date"),  # O for 0, l for 1
        ("Tuyên Quang, rigày 05 tbáng 01 narn 2025", date(2025, 1, 5), "place_date"),  # look-alikes
        ("ngày 11 / 10 / 2025", date(2025, 10, 11), "numeric"),
    ],
)
def test_find_dates_formats(text: str, expected: date, kind: str) -> None:
    found = find_dates(text)
    assert [(r.date, r.kind) for r in found] == [(expected, kind)]


def test_find_dates_place_and_offsets() -> None:
    text = "Số: 125/QĐ-THADS    TP. Hồ Chí Minh, ngày 05 tháng 01 năm 2025"
    (ref,) = find_dates(text)
    assert ref.place == "TP. Hồ Chí Minh"
    assert text[ref.start : ref.end] == ref.raw == "ngày 05 tháng 01 năm 2025"


def test_find_dates_place_ignores_issuer_on_the_same_ocr_line() -> None:
    (ref,) = find_dates("TỈNH TUYÊN QUANG Tuyên Quang, ngày 05 tháng 01 năm 2025")
    assert ref.place == "Tuyên Quang"


@pytest.mark.parametrize("text", ["ngày 31/02/2025", "ngày 32 tháng 1 năm 2025", "ngày 01/13/2025", "12/3/1850"])
def test_find_dates_drops_impossible_dates(text: str) -> None:
    assert find_dates(text) == []


def test_find_dates_ignores_numbers_and_amounts() -> None:
    assert find_dates("Số: 07/2025/DS-ST; 125/QĐ-THADS; 150.000.000 đồng; Điều 7, 7a") == []


def test_find_dates_in_order() -> None:
    text = "ngày 11/10/2025 rồi Tuyên Quang, ngày 05 tháng 11 năm 2025 và 12-3-2025"
    assert [r.date for r in find_dates(text)] == [date(2025, 10, 11), date(2025, 11, 5), date(2025, 3, 12)]


def test_document_date_is_the_place_date_line_not_a_citation() -> None:
    assert document_date(qd_tha_text(Case())) == date(2025, 11, 5)  # not 11/10/2025 cited in the body
    assert document_date(qd_tha_text(Case(), merged=False)) == date(2025, 11, 5)


def test_document_date_of_a_judgment_is_under_its_number() -> None:
    assert document_date(ban_an_text(Case(ngay_ban_an=date(2025, 10, 11)))) == date(2025, 10, 11)


def test_document_date_of_a_request_is_above_the_signature() -> None:
    assert document_date(don_yeu_cau_text(Case(), filed=date(2025, 10, 20))) == date(2025, 10, 20)


def test_document_date_of_a_record_is_on_its_opening_line() -> None:
    assert document_date(bb_xac_minh_text(Case(), date(2025, 11, 20))) == date(2025, 11, 20)


def test_document_date_of_a_receipt_is_labelled() -> None:
    assert document_date(bien_lai_text(Case(), date(2025, 11, 25))) == date(2025, 11, 25)


def test_document_date_none_without_dates() -> None:
    assert document_date("QUYẾT ĐỊNH\nVề việc thi hành án") is None


@pytest.mark.parametrize("seed", range(25))
def test_document_date_survives_ocr_noise(seed: int) -> None:
    text = noise(qd_tha_text(Case()), seed, p=0.4, letters=0.1)
    assert document_date(text) == date(2025, 11, 5)
