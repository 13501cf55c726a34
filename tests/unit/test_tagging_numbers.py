"""Document numbers: parsing, canonical form, OCR-tolerant comparison, finding with roles."""

from __future__ import annotations

import pytest

from scanflow.tagging.numbers import DocNumber, find_numbers, numbers_match, parse_number
from tests.unit.test_tagging_support import Case, ban_an_text, noise, qd_cuong_che_text, qd_tha_text


@pytest.mark.parametrize(
    ("raw", "canonical", "kind"),
    [
        ("Số: 15/QĐ-BNV", "15/QĐ-BNV", "administrative"),
        ("05/BNV-VP", "05/BNV-VP", "administrative"),
        ("Số: 125/QĐ-THADS", "125/QĐ-THADS", "enforcement"),
        ("09/QĐ-CCTHADS", "09/QĐ-CCTHADS", "enforcement"),
        ("9/QĐ-CTHADS", "09/QĐ-CTHADS", "enforcement"),
        ("07/2025/DS-ST", "07/2025/DS-ST", "court"),
        ("72/2025/QĐST-HNGĐ", "72/2025/QĐST-HNGĐ", "court"),
        ("10/2025/QĐ- CNHG-DS", "10/2025/QĐ-CNHG-DS", "court"),
        ("37/2023/QĐST - HNGĐ", "37/2023/QĐST-HNGĐ", "court"),
        ("12/2024/LĐ-PT", "12/2024/LĐ-PT", "court"),
        ("62/2015/NĐ-CP", "62/2015/NĐ-CP", "legal"),
        ("26/2008/QH12", "26/2008/QH12", "legal"),
        ("12/TTr-UBND", "12/TTr-UBND", "administrative"),
    ],
)
def test_parse_number_real_formats(raw: str, canonical: str, kind: str) -> None:
    parsed = parse_number(raw)
    assert parsed is not None
    assert parsed.canonical == canonical
    assert str(parsed) == canonical
    assert parsed.kind == kind


@pytest.mark.parametrize(
    ("noisy", "canonical"),
    [
        ("125lQD-THADS", "125/QĐ-THADS"),  # / read as l, Đ as D
        ("125IQĐ-THADS", "125/QĐ-THADS"),
        ("125 / QĐ-THADS", "125/QĐ-THADS"),
        ("9/QÐ-THADS", "09/QĐ-THADS"),  # eth for Đ
        ("O7/2O25/DS-ST", "07/2025/DS-ST"),  # O for 0
        ("07l2025lDS - ST", "07/2025/DS-ST"),
        ("0712025/DS-ST", "07/2025/DS-ST"),  # / read as 1
        ("72/2025/QDST-HNGD", "72/2025/QĐST-HNGĐ"),
    ],
)
def test_parse_number_ocr_noise(noisy: str, canonical: str) -> None:
    parsed = parse_number(noisy)
    assert parsed is not None
    assert parsed.canonical == canonical


@pytest.mark.parametrize("blank", ["QĐ-CTHADS", "Số:      /QĐ-CTHADS", "ngày 11/10/2025", "150.000.000 đồng", ""])
def test_parse_number_none_without_number_and_symbol(blank: str) -> None:
    assert parse_number(blank) is None


def test_doc_number_fields() -> None:
    assert parse_number("Số: 07/2025/DS-ST") == DocNumber(7, 2025, "DS-ST", "07/2025/DS-ST")
    assert parse_number("Số: 125/QĐ-THADS") == DocNumber(125, None, "QĐ-THADS", "125/QĐ-THADS")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("07/2025/DS-ST", "07/2025/DS-ST"),
        ("37/2023/QĐST - HNGĐ", "37/2023/QĐST-HNGĐ"),
        ("10/2025/QĐ- CNHG-DS", "10/2025/QD-CNHG-DS"),
        ("125lQD-THADS", "125/QĐ-THADS"),
        ("7/2025/DS-ST", "07/2025/DS-ST"),
    ],
)
def test_numbers_match_same_number(a: str, b: str) -> None:
    assert numbers_match(a, b) == 1.0


def test_numbers_match_degrades_with_evidence() -> None:
    assert numbers_match("125/QĐ-THADS", "521/QĐ-THADS") == 0.0
    assert numbers_match("125/QĐ-THADS", "126/QĐ-THADS") <= 0.3  # one digit: maybe a misread, never a match
    assert numbers_match("07/2024/DS-ST", "07/2025/DS-ST") <= 0.1  # numbers restart every year
    assert numbers_match("07/2025/DS-ST", "07/2025/DS-PT") <= 0.3  # another instance, another judgment
    assert numbers_match("07/2025/DS-ST", "07/2025/HNGĐ-ST") <= 0.3
    assert 0.85 <= numbers_match("125/QĐ-CTHADS", "125/QĐ-CCTHADS") < 1.0  # a dropped letter
    assert 0.85 <= numbers_match("123/HDANN", "123/HD/NN") < 1.0  # DOMAIN's Tesseract example


def test_numbers_match_year_from_one_side_only() -> None:
    with_year = DocNumber(125, 2025, "QĐ-THADS")
    assert numbers_match(with_year, "125/QĐ-THADS") == 0.9
    assert numbers_match(with_year, DocNumber(125, 2024, "QĐ-THADS")) <= 0.1


def test_numbers_match_slash_read_as_one() -> None:
    assert numbers_match("11QĐ-THADS", "11/QĐ-THADS") == 1.0  # "11QĐ": slash lost, not "1/QĐ"
    assert numbers_match("11QĐ-THADS", "01/QĐ-THADS") == 1.0  # or "1" is the slash


def test_numbers_match_unparseable_is_weak() -> None:
    assert numbers_match("QĐ-THADS", "125/QĐ-THADS") <= 0.5
    assert numbers_match("", "") == 0.0


@pytest.mark.parametrize("seed", range(20))
def test_numbers_match_survives_noiser(seed: int) -> None:
    for number in ("125/QĐ-THADS", "07/2025/DS-ST", "72/2025/QĐST-HNGĐ", "09/QĐ-CCTHADS"):
        noisy = noise(f"Số: {number}", seed, p=0.5)
        assert numbers_match(noisy, number) >= 0.85, noisy


def test_find_numbers_roles_in_qd_tha() -> None:
    refs = find_numbers(qd_tha_text(Case()))
    roles = {r.number.canonical: r.role for r in refs}
    assert roles == {
        "125/QĐ-THADS": "own",
        "26/2008/QH12": "legal",
        "62/2015/NĐ-CP": "legal",
        "07/2025/DS-ST": "judgment",
    }
    judgment = next(r for r in refs if r.role == "judgment")
    assert judgment.context == "Căn cứ Bản án số"


def test_find_numbers_distinguishes_cited_qd_tha_from_own() -> None:
    refs = find_numbers(qd_cuong_che_text(Case()))
    assert [(r.number.canonical, r.role) for r in refs if r.role in ("own", "qd_tha", "judgment")] == [
        ("30/QĐ-THADS", "own"),
        ("07/2025/DS-ST", "judgment"),
        ("125/QĐ-THADS", "qd_tha"),
    ]


def test_find_numbers_in_judgment_skips_procedural_numbers() -> None:
    refs = find_numbers(ban_an_text(Case()))
    assert refs[0].number.canonical == "07/2025/DS-ST"
    assert {r.number.canonical: r.role for r in refs[1:]} == {
        "45/2025/TLST-DS": "other",  # thụ lý
        "50/2025/QĐXXST-DS": "other",  # đưa vụ án ra xét xử
    }


def test_find_numbers_offsets_index_nfc_text() -> None:
    text = "Số: 125/QĐ-THADS\nCăn cứ Quyết định số 10/2025/QĐ- CNHG-DS ngày 01/02/2025 của Tòa án"
    refs = find_numbers(text)
    assert [text[r.start : r.end] for r in refs] == ["125/QĐ-THADS", "10/2025/QĐ- CNHG-DS"]
    assert [r.role for r in refs] == ["own", "judgment"]


def test_find_numbers_ignores_dates_and_amounts() -> None:
    assert find_numbers("ngày 11/10/2025, Ngày: 12-3-2025, số tiền 150.000.000 đồng") == []
