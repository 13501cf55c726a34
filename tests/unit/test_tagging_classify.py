"""Document type from the title region, clean and OCR-noised."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanflow.tagging.classify import DOC_TYPES, classify
from tests.unit.test_tagging_support import (
    Case,
    ban_an_page2,
    ban_an_text,
    bb_ke_bien_text,
    bb_xac_minh_text,
    bien_lai_text,
    cong_van_text,
    court_decision_text,
    don_yeu_cau_text,
    noise,
    qd_chua_co_dk_text,
    qd_cuong_che_text,
    qd_dinh_chi_text,
    qd_hoan_text,
    qd_tam_dinh_chi_text,
    qd_tha_page2,
    qd_tha_text,
    thong_bao_text,
)

SAMPLES: dict[str, Callable[[], str]] = {
    "qd_tha": lambda: qd_tha_text(Case()),
    "qd_tha/chu_dong": lambda: qd_tha_text(Case(loai="chu_dong")),
    "qd_tha/block-header": lambda: qd_tha_text(Case(), merged=False),
    "ban_an": lambda: ban_an_text(Case()),
    "ban_an/court-decision": court_decision_text,
    "don_yeu_cau": lambda: don_yeu_cau_text(Case()),
    "bb_xac_minh": lambda: bb_xac_minh_text(Case()),
    "qd_cuong_che": lambda: qd_cuong_che_text(Case()),
    "bb_ke_bien": lambda: bb_ke_bien_text(Case()),
    "qd_hoan": lambda: qd_hoan_text(Case()),
    "qd_tam_dinh_chi": lambda: qd_tam_dinh_chi_text(Case()),
    "qd_dinh_chi": lambda: qd_dinh_chi_text(Case()),
    "qd_chua_co_dk": lambda: qd_chua_co_dk_text(Case()),
    "thong_bao": lambda: thong_bao_text(Case()),
    "bien_lai": lambda: bien_lai_text(Case()),
    "khac/cong-van": cong_van_text,
}


def expected(sample: str) -> str:
    return sample.split("/")[0]


@pytest.mark.parametrize("sample", SAMPLES)
def test_classify_clean(sample: str) -> None:
    code, score = classify(SAMPLES[sample]())
    assert code == expected(sample)
    assert code in DOC_TYPES
    assert score >= (0.6 if code == "khac" else 0.95)


@pytest.mark.parametrize("sample", SAMPLES)
def test_classify_ocr_noise(sample: str) -> None:
    """Diacritics dropped, stacked tones confused, Đ→D, look-alike letters: 30 noisy reads each."""
    text = SAMPLES[sample]()
    wrong = [seed for seed in range(30) if classify(noise(text, seed, p=0.4, letters=0.15))[0] != expected(sample)]
    assert wrong == []


def test_body_citations_do_not_decide_the_type() -> None:
    # A QĐ cưỡng chế cites the judgment and the QĐTHA; a QĐTHA cites the request and the judgment.
    assert classify(qd_cuong_che_text(Case()))[0] == "qd_cuong_che"
    assert classify(qd_tha_text(Case()))[0] == "qd_tha"


def test_continuation_pages_are_khac_with_low_score() -> None:
    for page in (qd_tha_page2(Case()), ban_an_page2(Case())):
        code, score = classify(page)
        assert code == "khac"
        assert score <= 0.6


def test_title_behind_ocr_junk_is_still_a_title() -> None:
    text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n##%% ĐƠN YÊU CẦU THI HÀNH ÁN"
    assert classify(text) == ("don_yeu_cau", 1.0)


def test_mixed_case_title_falls_back_to_long_phrases() -> None:
    text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nĐơn yêu cầu thi hành án\nKính gửi:"
    code, score = classify(text)
    assert code == "don_yeu_cau"
    assert score <= 0.7


def test_unknown_decision_is_khac() -> None:
    text = "QUYẾT ĐỊNH\nVề việc thu hồi quyết định thi hành án\nCăn cứ Luật Thi hành án dân sự;"
    assert classify(text)[0] == "khac"


def test_empty_text() -> None:
    assert classify("") == ("khac", 0.2)


def test_untitled_letter_whose_number_has_no_type_code_is_not_a_decision() -> None:
    """A công văn citing "Quyết định thi hành án số …" in its body, its "V/v" line misread by OCR."""
    text = (
        "CỤC THADS TỈNH NGHỆ AN CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "CHI CỤC THI HÀNH ÁN DÂN SỰ Độc lập - Tự do - Hạnh phúc\n"
        "Số: 25/CCTHADS-NV\n\nV4 cung cấp thông tin tài khoản\n\n"
        "Nghi Lộc, ngày 20 tháng 01 năm 2025\n"
        "Thực hiện Quyết định thi hành án số 357/QĐ-CCTHADS ngày 11/11/2024"
    )
    assert classify(text)[0] == "khac"
