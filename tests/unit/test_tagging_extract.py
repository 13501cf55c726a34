"""Fields of one document from realistic OCR text."""

from __future__ import annotations

from datetime import date

import pytest

from scanflow.tagging.extract import extract_fields
from scanflow.tagging.text import compare_names
from tests.unit.test_tagging_support import (
    Case,
    ban_an_page2,
    ban_an_text,
    bb_xac_minh_text,
    bien_lai_text,
    cong_van_text,
    court_decision_text,
    don_yeu_cau_text,
    noise,
    qd_cuong_che_text,
    qd_tha_page2,
    qd_tha_text,
)


@pytest.mark.parametrize("merged", [True, False])
def test_qd_tha_theo_yeu_cau(merged: bool) -> None:
    f = extract_fields(qd_tha_text(Case(), merged=merged))
    assert f.type == "qd_tha"
    assert f.number is not None and f.number.canonical == "125/QĐ-THADS"
    assert f.date == date(2025, 11, 5)
    assert f.issuer == "THI HÀNH ÁN DÂN SỰ TỈNH TUYÊN QUANG"
    assert f.title == "QUYẾT ĐỊNH"
    assert f.summary == "Thi hành án theo yêu cầu"
    assert f.loai == "theo_yeu_cau"
    assert f.debtors == ("Nguyễn Văn An",)
    assert f.creditors == ("Trần Thị Bình",)
    assert f.amounts == (150_000_000,)
    assert f.judgment_ref is not None and f.judgment_ref.canonical == "07/2025/DS-ST"
    assert f.judgment_date == date(2025, 10, 11)
    assert f.court == "Tòa án nhân dân khu vực 1 - Tuyên Quang"
    assert f.qd_tha_ref is None


def test_qd_tha_chu_dong() -> None:
    f = extract_fields(qd_tha_text(Case(loai="chu_dong")))
    assert (f.type, f.loai) == ("qd_tha", "chu_dong")
    assert f.creditors == ()  # court fees go to the State
    assert f.amounts == (7_500_000,)


def test_qd_tha_with_continuation_page() -> None:
    f = extract_fields(qd_tha_text(Case()) + "\n" + qd_tha_page2(Case()))
    assert f.number is not None and f.number.canonical == "125/QĐ-THADS"
    assert f.debtors == ("Nguyễn Văn An",)


def test_ban_an_own_number_is_the_judgment_number() -> None:
    f = extract_fields(ban_an_text(Case()) + "\n" + ban_an_page2(Case()))
    assert f.type == "ban_an"
    assert f.number is not None and f.number.canonical == "07/2025/DS-ST"
    assert f.date == date(2025, 10, 11)
    assert f.summary == "V/v tranh chấp hợp đồng vay tài sản"
    assert f.judgment_ref is None  # thụ lý and xét xử numbers are not judgments
    assert f.court == "TÒA ÁN NHÂN DÂN KHU VỰC 1 TUYÊN QUANG"
    assert f.debtors == ("Nguyễn Văn An",)  # bị đơn
    assert f.creditors == ("Trần Thị Bình",)  # nguyên đơn
    assert f.amounts == (150_000_000, 7_500_000)


def test_court_decision() -> None:
    f = extract_fields(court_decision_text())
    assert f.type == "ban_an"
    assert f.number is not None and f.number.canonical == "72/2025/QĐST-HNGĐ"
    assert f.date == date(2025, 3, 15)


def test_don_yeu_cau() -> None:
    f = extract_fields(don_yeu_cau_text(Case(), filed=date(2025, 10, 20)))
    assert f.type == "don_yeu_cau"
    assert f.number is None
    assert f.issuer is None  # a citizen's request has no issuing body
    assert f.date == date(2025, 10, 20)
    assert f.creditors == ("Trần Thị Bình",)
    assert f.debtors == ("Nguyễn Văn An",)
    assert f.judgment_ref is not None and f.judgment_ref.canonical == "07/2025/DS-ST"


def test_later_document_cites_the_qd_tha() -> None:
    f = extract_fields(qd_cuong_che_text(Case(), date(2025, 12, 15)))
    assert f.type == "qd_cuong_che"
    assert f.number is not None and f.number.canonical == "30/QĐ-THADS"
    assert f.date == date(2025, 12, 15)
    assert f.summary == "Về việc cưỡng chế kê biên, xử lý tài sản"
    assert f.qd_tha_ref is not None and f.qd_tha_ref.canonical == "125/QĐ-THADS"
    assert f.qd_tha_date == date(2025, 11, 5)
    assert f.judgment_ref is not None and f.judgment_ref.canonical == "07/2025/DS-ST"
    assert f.loai is None


def test_record_without_number() -> None:
    f = extract_fields(bb_xac_minh_text(Case(), date(2025, 11, 20)))
    assert f.type == "bb_xac_minh"
    assert f.number is None
    assert f.date == date(2025, 11, 20)
    assert f.debtors == ("Nguyễn Văn An",)
    assert f.qd_tha_ref is not None and f.qd_tha_ref.canonical == "125/QĐ-THADS"


def test_receipt_amount() -> None:
    f = extract_fields(bien_lai_text(Case()))
    assert (f.type, f.amounts) == ("bien_lai", (20_000_000,))


def test_letter_is_khac_with_its_number() -> None:
    f = extract_fields(cong_van_text())
    assert f.type == "khac"
    assert f.number is not None and f.number.canonical == "1520/THADS-NV"


def test_parties_in_several_forms() -> None:
    text = (
        "QUYẾT ĐỊNH\nVề việc thi hành án\n"
        "Người phải thi hành án: Ông NGUYỄN VĂN AN và bà Lê Thị Cúc; địa chỉ: thôn 3.\n"
        "Người được thi hành án: Công ty TNHH Xây dựng Hòa Bình, địa chỉ: số 5 đường Tân Trào.\n"
        "Trả cho Ông Đoàn Văn Hoà số tiền 1.250.000 đ.\n"
    )
    f = extract_fields(text)
    assert f.debtors == ("Nguyễn Văn An", "Lê Thị Cúc")
    assert f.creditors == ("Công ty TNHH Xây dựng Hòa Bình", "Đoàn Văn Hòa")
    assert f.amounts == (1_250_000,)


def test_continuation_page_has_no_issuer() -> None:
    f = extract_fields(ban_an_page2(Case()))
    assert (f.type, f.issuer, f.number) == ("khac", None, None)


def test_never_raises_on_junk() -> None:
    for junk in ("", "\n\n", "%%%% ### 12/", "Số:", "QUYẾT ĐỊNH"):
        f = extract_fields(junk)
        assert f.number is None


@pytest.mark.parametrize("seed", range(20))
def test_qd_tha_fields_survive_ocr_noise(seed: int) -> None:
    f = extract_fields(noise(qd_tha_text(Case()), seed, p=0.4, letters=0.1))
    assert f.type == "qd_tha"
    assert f.number is not None and f.number.canonical == "125/QĐ-THADS"
    assert f.date == date(2025, 11, 5)
    assert f.judgment_ref is not None and f.judgment_ref.canonical == "07/2025/DS-ST"
    assert f.judgment_date == date(2025, 10, 11)
    assert f.loai == "theo_yeu_cau"
    assert len(f.debtors) == 1 and compare_names(f.debtors[0], "Nguyễn Văn An").mode != "none"
