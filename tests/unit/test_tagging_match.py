"""Matching a dossier to its register case: the right case or review, never a decoy."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from scanflow.tagging.extract import extract_fields
from scanflow.tagging.match import (
    DEFAULT_ACCEPT,
    GUARD_CAP,
    DossierFields,
    MatchResult,
    RegisterCase,
    candidate_keys,
    match_case,
)
from scanflow.tagging.numbers import parse_number
from scanflow.tagging.split import split_documents
from tests.unit.test_tagging_support import (
    Case,
    decoys,
    dossier_documents,
    noise,
    qd_tha_text,
    random_case,
    to_register,
)


def read_dossier(
    docs: list[list[str]], *, seed: int | None = None, p: float = 0.4, letters: float = 0.1
) -> DossierFields:
    """What the pipeline does: pages (optionally OCR-noised) → documents → fields → dossier fields."""
    pages = [page for doc in docs for page in doc]
    if seed is not None:
        pages = [noise(page, seed * 100 + i, p=p, letters=letters) for i, page in enumerate(pages)]
    groups = split_documents(pages)
    return DossierFields.from_documents([extract_fields("\n".join(pages[i] for i in g)) for g in groups])


def register_with_decoys(c: Case, seed: int, *, real: bool = True) -> list[RegisterCase]:
    rng = random.Random(seed)
    rows = [to_register(d) for d in decoys(rng, c)] + ([to_register(c)] if real else [])
    rng.shuffle(rows)
    return rows


def test_dossier_fields_from_documents() -> None:
    d = read_dossier(dossier_documents(Case()))
    assert [n.canonical for n in d.so_qd_tha] == ["125/QĐ-THADS"]
    assert d.ngay_qd_tha == date(2025, 11, 5)
    assert [n.canonical for n in d.so_ban_an] == ["07/2025/DS-ST"]
    assert d.ngay_ban_an == date(2025, 10, 11)
    assert d.toa_an == "Tòa án nhân dân khu vực 1 - Tuyên Quang"
    assert d.nguoi_phai_thi_hanh == ("Nguyễn Văn An",)
    assert d.nguoi_duoc_thi_hanh == ("Trần Thị Bình",)
    assert d.loai == "theo_yeu_cau"


def test_right_case_among_decoys() -> None:
    c = Case()
    result = match_case(read_dossier(dossier_documents(c)), register_with_decoys(c, 1))
    assert result.decision == "archived"
    assert result.case == c.ma_ho_so
    assert result.confidence >= DEFAULT_ACCEPT
    best = result.candidates[0]
    assert best.ma_ho_so == c.ma_ho_so
    assert "số QĐTHA khớp (125/QĐ-THADS)" in best.reasons
    assert "tên người phải THA khớp (có dấu)" in best.reasons
    assert [cand.score for cand in result.candidates] == sorted(
        (cand.score for cand in result.candidates), reverse=True
    )
    assert sum(cand.score for cand in result.candidates) <= 1.0


def test_decoys_explain_their_low_scores() -> None:
    c = Case()
    result = match_case(read_dossier(dossier_documents(c)), register_with_decoys(c, 1))
    by_code = {cand.ma_ho_so: cand for cand in result.candidates}
    same_judgment = by_code[f"{c.ma_ho_so}-D2"]
    assert "số bản án khớp (07/2025/DS-ST)" in same_judgment.reasons
    assert "loại việc khác" in same_judgment.reasons
    assert any(r.startswith("số QĐTHA khác") for r in same_judgment.reasons)
    assert any(r.startswith("số QĐTHA khác") for r in by_code[f"{c.ma_ho_so}-D3"].reasons)  # a year earlier
    assert all(cand.score < 0.01 for cand in result.candidates[1:])


def test_only_decoys_needs_review() -> None:
    c = Case()
    result = match_case(read_dossier(dossier_documents(c)), register_with_decoys(c, 1, real=False))
    assert result.decision == "needs_review"
    assert result.case is None
    assert result.confidence <= GUARD_CAP


def test_qd_tha_number_misread_into_a_decoys_needs_review() -> None:
    c = Case()
    decoy = replace(c, ma_ho_so="HS-DECOY", so_qd_tha="126/QĐ-THADS", so_ban_an="19/2025/DS-ST")
    docs = dossier_documents(c)
    docs[0][0] = qd_tha_text(c).replace("Số: 125/QĐ-THADS", "Số: 126/QĐ-THADS")  # OCR read 5 as 6
    for register in ([to_register(c), to_register(decoy)], [to_register(decoy)]):
        result = match_case(read_dossier(docs), register)
        assert result.decision == "needs_review"
        assert result.case is None


def test_names_alone_never_archive() -> None:
    c = Case()
    dossier = DossierFields(nguoi_phai_thi_hanh=(c.debtor,), nguoi_duoc_thi_hanh=(c.creditor,))
    result = match_case(dossier, [to_register(c)])
    assert result.decision == "needs_review"
    assert any("chưa khớp số QĐTHA" in r for r in result.candidates[0].reasons)


def test_doan_and_doan_decoy() -> None:
    real = Case(debtor="Đoàn Văn Hùng")
    decoy = replace(real, ma_ho_so="HS-DOAN", debtor="Doãn Văn Hùng", so_qd_tha="125/QĐ-CCTHADS")
    dossier = DossierFields(
        so_qd_tha=(parse_number("125/QĐ-THADS"),),  # type: ignore[arg-type]
        ngay_qd_tha=real.ngay_qd_tha,
        nguoi_phai_thi_hanh=("Đoàn Văn Hùng",),
    )
    result = match_case(dossier, [to_register(decoy), to_register(real)])
    by_code = {cand.ma_ho_so: cand for cand in result.candidates}
    assert "tên người phải THA khớp (có dấu)" in by_code[real.ma_ho_so].reasons
    assert "tên người phải THA khớp (không dấu)" in by_code["HS-DOAN"].reasons
    assert result.candidates[0].ma_ho_so == real.ma_ho_so
    assert result.decision == "needs_review"  # CTHADS vs CCTHADS is too close to call without more


def test_judgment_path_needs_everything_to_agree() -> None:
    c = Case()
    no_number = DossierFields(
        so_ban_an=(parse_number(c.so_ban_an),),  # type: ignore[arg-type]
        ngay_qd_tha=c.ngay_qd_tha,
        nguoi_phai_thi_hanh=(c.debtor,),
        nguoi_duoc_thi_hanh=(c.creditor,),
        loai="theo_yeu_cau",
    )
    assert match_case(no_number, [to_register(c)]).decision == "archived"
    # The same judgment enforced ex officio (court fees) the same day: loai disagrees, so review.
    fees = replace(c, ma_ho_so="HS-FEES", so_qd_tha="126/QĐ-THADS", loai="chu_dong")
    assert match_case(no_number, [to_register(fees)]).decision == "needs_review"


def test_empty_candidates() -> None:
    assert match_case(DossierFields(), []) == MatchResult(None, 0.0, [], "needs_review")


@pytest.mark.parametrize("accept", [0.5, 0.0, 1.01])
def test_accept_must_be_above_guard_cap(accept: float) -> None:
    with pytest.raises(ValueError, match="accept"):
        match_case(DossierFields(), [], accept=accept)


def test_candidate_keys() -> None:
    keys = candidate_keys(read_dossier(dossier_documents(Case())))
    assert keys == {
        "so_qd_tha": ["125/QĐ-THADS"],
        "so_qd_tha_so": [125],
        "nam_qd_tha": [2025],
        "so_ban_an": ["07/2025/DS-ST"],
        "ten": ["nguyen van an", "tran thi binh"],
    }


@pytest.mark.parametrize("seed", range(40))
def test_noisy_dossiers_with_decoys_never_go_to_a_wrong_case(seed: int) -> None:
    """Random cases, OCR-noised scans, four decoys sharing the parties: the real case or review."""
    rng = random.Random(seed)
    c = random_case(rng, seed)
    dossier = read_dossier(dossier_documents(c), seed=seed)
    present = match_case(dossier, register_with_decoys(c, seed))
    assert present.case in (c.ma_ho_so, None)
    assert present.decision == "archived"  # with its QĐTHA readable, the real case is found
    absent = match_case(dossier, register_with_decoys(c, seed, real=False))
    assert absent.decision == "needs_review"


@pytest.mark.parametrize("seed", range(20))
def test_noisy_dossier_without_qd_tha_number(seed: int) -> None:
    rng = random.Random(seed)
    c = random_case(rng, seed)
    docs = dossier_documents(c)
    docs = [[qd_tha_text(c).replace(f"Số: {c.so_qd_tha}", "Số:      ")], *docs[1:-2]]  # no citation either
    dossier = read_dossier(docs, seed=seed)
    assert dossier.so_qd_tha == ()
    present = match_case(dossier, register_with_decoys(c, seed))
    assert present.case in (c.ma_ho_so, None)
    assert match_case(dossier, register_with_decoys(c, seed, real=False)).decision == "needs_review"
