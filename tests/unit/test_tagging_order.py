"""Filing order (Circular 04/2023/TT-BTP, art. 31) for both kinds of dossier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from scanflow.tagging.extract import extract_fields
from scanflow.tagging.order import filing_order
from scanflow.tagging.split import split_documents
from tests.unit.test_tagging_support import Case, dossier_documents


@dataclass(frozen=True)
class Doc:
    type: str
    date: date | None


def names(docs: list[Doc], order: list[int]) -> list[str]:
    return [f"{docs[i].type}@{docs[i].date:%m-%d}" if docs[i].date else f"{docs[i].type}@-" for i in order]


SCANNED = [
    Doc("thong_bao", date(2025, 11, 10)),
    Doc("ban_an", date(2025, 10, 11)),
    Doc("bb_xac_minh", date(2025, 11, 20)),
    Doc("khac", None),  # an attachment scanned after the record it belongs to
    Doc("don_yeu_cau", date(2025, 10, 20)),
    Doc("qd_tha", date(2025, 11, 5)),
    Doc("bien_lai", date(2025, 11, 10)),  # same date as the notice: scan order breaks the tie
]


def test_chu_dong_order() -> None:
    assert names(SCANNED, filing_order(SCANNED, "chu_dong")) == [
        "qd_tha@11-05",
        "ban_an@10-11",
        "don_yeu_cau@10-20",
        "thong_bao@11-10",
        "bien_lai@11-10",
        "bb_xac_minh@11-20",
        "khac@-",
    ]


def test_theo_yeu_cau_order() -> None:
    assert names(SCANNED, filing_order(SCANNED, "theo_yeu_cau")) == [
        "qd_tha@11-05",
        "don_yeu_cau@10-20",
        "ban_an@10-11",
        "thong_bao@11-10",
        "bien_lai@11-10",
        "bb_xac_minh@11-20",
        "khac@-",
    ]


def test_first_instance_then_appeal_and_a_second_qd_tha_later() -> None:
    docs = [
        Doc("ban_an", date(2025, 9, 1)),  # appeal
        Doc("qd_tha", date(2025, 12, 1)),  # e.g. a replacement decision
        Doc("ban_an", date(2025, 5, 1)),  # first instance
        Doc("qd_tha", date(2025, 10, 1)),
        Doc("thong_bao", date(2025, 11, 1)),
    ]
    assert names(docs, filing_order(docs, "chu_dong")) == [
        "qd_tha@10-01",
        "ban_an@05-01",
        "ban_an@09-01",
        "thong_bao@11-01",
        "qd_tha@12-01",
    ]


def test_undated_first_document_goes_first_among_later_papers() -> None:
    docs = [Doc("khac", None), Doc("thong_bao", date(2025, 1, 1)), Doc("qd_tha", date(2025, 1, 2))]
    assert filing_order(docs, "chu_dong") == [2, 0, 1]


def test_order_is_a_permutation_and_empty_is_empty() -> None:
    assert sorted(filing_order(SCANNED, "theo_yeu_cau")) == list(range(len(SCANNED)))
    assert filing_order([], "chu_dong") == []


def test_unknown_loai_raises() -> None:
    with pytest.raises(ValueError, match="loai"):
        filing_order(SCANNED, "khac")


def test_order_of_an_extracted_dossier_scanned_backwards() -> None:
    docs = dossier_documents(Case(loai="theo_yeu_cau"))[::-1]
    pages = [p for d in docs for p in d]
    fields = [extract_fields("\n".join(pages[i] for i in group)) for group in split_documents(pages)]
    ordered = [fields[i].type for i in filing_order(fields, "theo_yeu_cau")]
    assert ordered == ["qd_tha", "don_yeu_cau", "ban_an", "bb_xac_minh", "qd_cuong_che"]
