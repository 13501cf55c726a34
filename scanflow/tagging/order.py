"""Filing order of a dossier's documents (Circular 04/2023/TT-BTP, art. 31)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

__all__ = ["FiledDocument", "filing_order"]


class FiledDocument(Protocol):
    """What ordering needs of a document: its type code and its own date (DocumentFields has both)."""

    @property
    def type(self) -> str: ...

    @property
    def date(self) -> date | None: ...


# The leading slots of each kind of dossier, by document type.
_LEADING: dict[str, tuple[str, ...]] = {
    "chu_dong": ("qd_tha", "ban_an"),
    "theo_yeu_cau": ("qd_tha", "don_yeu_cau", "ban_an"),
}


def filing_order(docs: Sequence[FiledDocument], loai: str) -> list[int]:
    """Indices of `docs` (given in scan order) in the order they are filed in the dossier.

    `loai` is "chu_dong" (ex officio: 1. the QĐTHA, 2. the judgment(s)) or "theo_yeu_cau" (on request:
    1. the QĐTHA, 2. the request papers, 3. the judgment(s)). The leading QĐTHA is the earliest one; the
    other leading slots take every document of their type, by date. Everything else follows by date;
    an undated document keeps the date of the document scanned just before it (an attachment stays with
    what it came with), and ties keep scan order. Returns a permutation of `range(len(docs))`.
    Raises ValueError for any other `loai`.
    """
    if loai not in _LEADING:
        raise ValueError(f"loai must be one of {sorted(_LEADING)}, not {loai!r}")
    effective: list[date] = []
    previous = date.min
    for doc in docs:
        previous = doc.date or previous
        effective.append(previous)

    def by_date(i: int) -> tuple[date, int]:
        return effective[i], i

    remaining = sorted(range(len(docs)), key=by_date)
    ordered: list[int] = []
    for slot, doc_type in enumerate(_LEADING[loai]):
        matching = [i for i in remaining if docs[i].type == doc_type]
        taken = matching[:1] if slot == 0 else matching
        ordered.extend(taken)
        remaining = [i for i in remaining if i not in taken]
    return ordered + remaining
