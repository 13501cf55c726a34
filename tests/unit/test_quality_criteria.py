"""The four criteria as pure rules over one case's facts: each rule passes on a complete case and fails, with the
right code, dossier and Vietnamese text, on exactly the defect it names."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from scanflow.quality.criteria import (
    RULES,
    CaseFacts,
    DocumentFacts,
    DossierFacts,
    PageFacts,
    judge,
    keys_agree,
)
from scanflow.register.keys import number_key

ARCHIVED = dt.datetime(2026, 5, 10, 3, 0)


def doc(doc_type: str, number: str | None = None, date: dt.date | None = None, *, dossier_id: int = 1,
        ordinal: int = 1, pdfa_ok: bool = True, fields_nfc: bool = True) -> DocumentFacts:
    year = date.year if date else None
    return DocumentFacts(dossier_id, ordinal, doc_type, number, number_key(number, year), pdfa_ok,
                         f"HS.{ordinal:03d}.pdf", fields_nfc)


def complete(**changes: object) -> CaseFacts:
    """A case whose single part meets every criterion."""
    facts = CaseFacts(
        ma_ho_so="HS-1", don_vi="U", year=2025, loai="chu_dong",
        so_qd_tha="12/QĐ-THADS", so_ban_an="07/2024/DS-ST",
        qd_key=number_key("12/QĐ-THADS", 2025), ban_an_key=number_key("07/2024/DS-ST", 2024),
        ngay_cap_nhat=None, register_changed_at=None, rechecked_at=None, pages=3,
        dossiers=[DossierFacts(1, "qr", 1.0, 0.85, ARCHIVED)],
        documents=[doc("qd_tha", "12/QĐ-THADS", dt.date(2025, 3, 1)),
                   doc("ban_an", "07/2024/DS-ST", dt.date(2024, 11, 5), ordinal=2)],
    )
    return dataclasses.replace(facts, **changes)


def failed(facts: CaseFacts) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in judge(facts).failures:
        out.setdefault(f.code, []).append(f)
    return out


def test_complete_case_meets_all_four() -> None:
    verdict = judge(complete())
    assert verdict.failures == []
    assert verdict.flags == {"dung": True, "du": True, "sach": True, "song": True}
    assert (verdict.dossiers, verdict.pages, verdict.first_archived_at) == (1, 3, ARCHIVED)


def test_rules_are_named_documented_and_unique() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    assert {r.criterion for r in RULES} == {"dung", "du", "sach", "song"}
    for r in RULES:
        assert r.doc and r.label and r.label[0].isupper()


# -- đúng


@pytest.mark.parametrize(("method", "confidence", "ok"), [
    ("qr", None, True), ("manual", 0.2, True), ("auto", 0.85, True), ("auto", 0.97, True),
    ("auto", 0.84, False), ("auto", None, False), (None, None, False),
])
def test_match_method_and_threshold(method: str | None, confidence: float | None, ok: bool) -> None:
    facts = complete(dossiers=[DossierFacts(7, method, confidence, 0.85, ARCHIVED)])
    verdict = judge(facts)
    assert verdict.meets("dung") is ok
    if not ok:
        (failure,) = verdict.failures
        assert (failure.code, failure.dossier_id, failure.criterion) == ("match_unconfirmed", 7, "dung")
        assert failure.message.startswith("Chưa xác nhận thuộc vụ việc trong sổ")


def test_qd_tha_number_mismatch_names_the_file_and_both_numbers() -> None:
    facts = complete(documents=[doc("qd_tha", "13/QĐ-THADS", dt.date(2025, 3, 1), dossier_id=4),
                                doc("ban_an", "07/2024/DS-ST", ordinal=2, dossier_id=4)],
                     dossiers=[DossierFacts(4, "qr", 1.0, 0.85, ARCHIVED)])
    found = failed(facts)
    assert set(found) == {"qd_tha_number_mismatch"}
    (failure,) = found["qd_tha_number_mismatch"]
    assert failure.dossier_id == 4
    assert "13/QĐ-THADS" in failure.message and "12/QĐ-THADS" in failure.message and "HS.001.pdf" in failure.message


def test_numbers_agree_despite_messy_spacing_ocr_and_office_symbol_change() -> None:
    facts = complete(documents=[doc("qd_tha", "Số: 12/QD-CCTHADS", dt.date(2025, 3, 1)),
                                doc("ban_an", "07/2024/DS - ST", ordinal=2)])
    assert judge(facts).failures == []


def test_qd_tha_number_without_date_agrees_on_the_number() -> None:
    facts = complete(documents=[doc("qd_tha", "12/QĐ-THADS", None), doc("ban_an", "07/2024/DS-ST", ordinal=2)])
    assert judge(facts).meets("dung")
    assert keys_agree("12", "12/2025") and keys_agree("12/2025", "12")
    assert not keys_agree("12/2024", "12/2025") and not keys_agree("13", "12/2025")


def test_unread_numbers_fail_dung() -> None:
    facts = complete(documents=[doc("qd_tha", None), doc("ban_an", None, ordinal=2)])
    found = failed(facts)
    assert set(found) == {"qd_tha_number_unread", "ban_an_number_unread"}
    assert "không đọc được số trên quyết định thi hành án" in found["qd_tha_number_unread"][0].message
    assert all(f.criterion == "dung" for fs in found.values() for f in fs)


def test_one_matching_judgment_is_enough() -> None:
    facts = complete(documents=[doc("qd_tha", "12/QĐ-THADS", dt.date(2025, 3, 1)),
                                doc("ban_an", "03/2024/DS-ST", ordinal=2), doc("ban_an", "07/2024/DS-ST", ordinal=3)])
    assert judge(facts).failures == []
    facts = complete(documents=[doc("qd_tha", "12/QĐ-THADS", dt.date(2025, 3, 1)),
                                doc("ban_an", "03/2024/DS-ST", ordinal=2)])
    (failure,) = judge(facts).failures
    assert failure.code == "ban_an_number_mismatch" and "03/2024/DS-ST" in failure.message


def test_register_without_numbers_cannot_be_confirmed() -> None:
    facts = complete(so_ban_an=None, ban_an_key=None)
    (failure,) = judge(facts).failures
    assert failure.code == "register_number_missing" and "số bản án" in failure.message


# -- đủ


def test_missing_judgment_fails_du_and_dung() -> None:
    facts = complete(documents=[doc("qd_tha", "12/QĐ-THADS", dt.date(2025, 3, 1))])
    found = failed(facts)
    assert set(found) == {"missing_ban_an", "ban_an_number_unread"}
    assert found["missing_ban_an"][0].dossier_id is None
    assert "hồ sơ không có bản án" in found["ban_an_number_unread"][0].message
    verdict = judge(facts)
    assert verdict.flags == {"dung": False, "du": False, "sach": True, "song": True}


def test_request_required_only_for_cases_on_request() -> None:
    assert set(failed(complete(loai="theo_yeu_cau"))) == {"missing_don_yeu_cau"}
    with_request = complete(loai="theo_yeu_cau", documents=[*complete().documents, doc("don_yeu_cau", ordinal=3)])
    assert judge(with_request).failures == []


def test_case_in_two_parts_is_judged_as_a_whole() -> None:
    facts = complete(
        dossiers=[DossierFacts(1, "qr", 1.0, 0.85, ARCHIVED),
                  DossierFacts(2, "qr", 1.0, 0.85, ARCHIVED.replace(day=20))],
        documents=[doc("qd_tha", "12/QĐ-THADS", dt.date(2025, 3, 1), dossier_id=1),
                   doc("ban_an", "07/2024/DS-ST", dossier_id=2, ordinal=2)],
    )
    verdict = judge(facts)
    assert verdict.failures == []
    assert (verdict.dossiers, verdict.first_archived_at, verdict.last_archived_at) == (
        2, ARCHIVED, ARCHIVED.replace(day=20))


@pytest.mark.parametrize(("page", "ok"), [
    (PageFacts(1, 3, kept=True, blank=False, words=0, ocr_confidence=40.0, duplicate_of=None), False),
    (PageFacts(1, 3, kept=True, blank=False, words=50, ocr_confidence=None, duplicate_of=None), False),
    (PageFacts(1, 3, kept=False, blank=False, words=0, ocr_confidence=None, duplicate_of=None), True),
])
def test_pages_without_text(page: PageFacts, ok: bool) -> None:
    verdict = judge(complete(problem_pages=[page]))
    assert verdict.meets("du") is ok
    if not ok:
        assert verdict.failures[0].code == "page_without_text"
        assert verdict.failures[0].message == "Trang không nhận dạng được chữ: trang 3"


# -- sạch


def test_unresolved_duplicate_and_kept_blank_pages_fail_sach() -> None:
    pages = [
        PageFacts(1, 4, kept=True, blank=False, words=90, ocr_confidence=90.0, duplicate_of=2),
        PageFacts(1, 5, kept=True, blank=True, words=0, ocr_confidence=95.0, duplicate_of=None),
    ]
    found = failed(complete(problem_pages=pages))
    assert set(found) == {"duplicate_page", "blank_page_kept"}
    assert found["duplicate_page"][0].message == "Trang trùng lặp chưa xử lý: trang 4 trùng trang 2"
    assert found["blank_page_kept"][0].message == "Còn trang trắng trong tệp lưu trữ: trang 5"


def test_invalid_pdfa_and_non_nfc_text_fail_sach() -> None:
    docs = [doc("qd_tha", "12/QĐ-THADS", dt.date(2025, 3, 1), pdfa_ok=False),
            doc("ban_an", "07/2024/DS-ST", ordinal=2, fields_nfc=False)]
    page = PageFacts(1, 2, kept=True, blank=False, words=9, ocr_confidence=80.0, duplicate_of=None, text_nfc=False)
    found = failed(complete(documents=docs, problem_pages=[page]))
    assert set(found) == {"pdfa_invalid", "text_not_nfc"}
    assert found["pdfa_invalid"][0].message == "Tệp không đạt chuẩn PDF/A: HS.001.pdf"
    assert found["text_not_nfc"][0].message == "Văn bản chưa chuẩn hóa Unicode NFC: trang 2, HS.002.pdf"


def test_two_qd_tha_numbers_conflict() -> None:
    docs = [doc("qd_tha", "12/QĐ-THADS", dt.date(2025, 3, 1)),
            doc("qd_tha", "45/QĐ-THADS", dt.date(2025, 3, 9), ordinal=2),
            doc("ban_an", "07/2024/DS-ST", ordinal=3)]
    found = failed(complete(documents=docs))
    assert set(found) == {"conflicting_qd_tha", "qd_tha_number_mismatch"}
    assert found["conflicting_qd_tha"][0].message == "Nhiều số QĐTHA khác nhau trong hồ sơ: 12/QĐ-THADS, 45/QĐ-THADS"


# -- sống


def test_register_updated_after_digitisation_fails_song_until_rechecked() -> None:
    stale = complete(ngay_cap_nhat=dt.date(2026, 6, 1))
    (failure,) = judge(stale).failures
    assert failure.code == "older_than_register" and failure.criterion == "song"
    assert "01/06/2026" in failure.message
    assert judge(dataclasses.replace(stale, rechecked_at=dt.datetime(2026, 6, 2, 2, 0))).failures == []
    assert judge(complete(ngay_cap_nhat=dt.date(2026, 5, 1))).failures == []


def test_change_seen_on_reimport_counts_when_the_export_has_no_update_date() -> None:
    assert not judge(complete(register_changed_at=ARCHIVED + dt.timedelta(hours=1))).meets("song")
    assert judge(complete(register_changed_at=ARCHIVED - dt.timedelta(hours=1))).meets("song")
    assert judge(complete(register_changed_at=None)).meets("song")  # first import only: no update
