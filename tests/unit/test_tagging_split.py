"""Splitting a dossier's page stream into documents."""

from __future__ import annotations

import random

import pytest

from scanflow.tagging.split import is_first_page, is_separator_sheet, split_documents
from tests.unit.test_tagging_support import (
    Case,
    ban_an_page2,
    ban_an_text,
    bb_ke_bien_text,
    bien_lai_text,
    court_decision_text,
    dossier_documents,
    noise,
    qd_tha_page2,
    qd_tha_text,
    thong_bao_text,
)


def expected_groups(docs: list[list[str]]) -> list[list[int]]:
    groups, at = [], 0
    for doc in docs:
        groups.append(list(range(at, at + len(doc))))
        at += len(doc)
    return groups


def test_split_a_dossier_in_filing_order() -> None:
    docs = dossier_documents(Case())
    pages = [page for doc in docs for page in doc]
    assert split_documents(pages) == expected_groups(docs)


@pytest.mark.parametrize("seed", range(30))
def test_split_shuffled_noisy_dossier(seed: int) -> None:
    rng = random.Random(seed)
    docs = dossier_documents(Case(loai=rng.choice(["chu_dong", "theo_yeu_cau"])))
    docs += [[thong_bao_text(Case())], [bb_ke_bien_text(Case())], [bien_lai_text(Case())]]
    rng.shuffle(docs)
    pages = [noise(page, seed * 100 + i, p=0.4, letters=0.1) for i, page in enumerate(p for d in docs for p in d)]
    assert split_documents(pages) == expected_groups(docs)


def test_continuation_pages_do_not_split() -> None:
    # Page 2 of a judgment opens with "QUYẾT ĐỊNH:" (its operative part), page 2 of a QĐ with "Điều 4.".
    assert not is_first_page(ban_an_page2(Case()))
    assert not is_first_page(qd_tha_page2(Case()))
    assert not is_first_page("QUYẾT ĐỊNH\nCăn cứ khoản 3 Điều 26 Bộ luật Tố tụng dân sự;")  # colon lost


def test_first_page_without_readable_heading() -> None:
    text = qd_tha_text(Case()).split("\n", 3)[3]  # heading and motto lines lost, "Số:" kept
    assert is_first_page(text)
    assert is_first_page("QUYẾT ĐỊNH\nVề việc hoãn thi hành án\nCHẤP HÀNH VIÊN")  # only the title


def test_heading_in_a_sentence_is_not_a_boundary() -> None:
    page = "theo pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam, các bên thỏa thuận như sau:"
    assert not is_first_page(page)


def test_court_decision_is_a_first_page() -> None:
    assert is_first_page(court_decision_text())


def test_separator_sheets_split_and_are_dropped() -> None:
    a, b = ban_an_page2(Case()), qd_tha_page2(Case())
    assert is_separator_sheet("TỜ PHÂN CÁCH\n---")
    assert not is_separator_sheet(a)
    assert split_documents([a, "TO PHAN CACH", b, a]) == [[0], [2, 3]]
    assert split_documents([a, b, a, b], separators={1}) == [[0], [2, 3]]


def test_sheet_fed_twice_stays_in_its_document() -> None:
    c = Case()
    first, second = qd_tha_text(c), qd_tha_page2(c)
    refed = noise(first, 1, p=0.05)
    assert split_documents([first, refed, second, ban_an_text(c)]) == [[0, 1, 2], [3]]
    other_decision = qd_tha_text(Case(so_qd_tha="126/QĐ-THADS", debtor="Lê Văn Cường"))
    assert split_documents([first, other_decision]) == [[0], [1]]


def test_first_page_always_opens_a_document() -> None:
    assert split_documents([ban_an_page2(Case()), qd_tha_page2(Case())]) == [[0, 1]]
    assert split_documents([]) == []


def test_every_index_once_in_order() -> None:
    docs = dossier_documents(Case())
    pages = [ban_an_text(Case())] + [p for d in docs for p in d] + [qd_tha_text(Case())]
    groups = split_documents(pages)
    assert [i for g in groups for i in g] == list(range(len(pages)))
