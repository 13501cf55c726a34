"""Splitting a dossier's stream of page texts into documents at first pages."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import date

from rapidfuzz import fuzz

from scanflow.tagging.dates import find_dates
from scanflow.tagging.layout import find_title, has_heading, lines_with_offsets
from scanflow.tagging.numbers import find_numbers
from scanflow.tagging.text import fold, fold_aligned, nfc, ocr_regex

__all__ = ["is_first_page", "is_separator_sheet", "split_documents"]

_TOP_LINES = 10
_TITLE_TOP_LINES = 6
# A separator sheet carries one of these (folded, spaces removed) and little else.
_SEPARATOR_MARKERS = ("tophancach", "trangphancach", "phancachtailieu", "separator", "patcht")
_SEPARATOR_MAX_CHARS = 300
_REFEED_MIN = 95
# "Số: 125/QĐ-THADS" as a page's own label near the top: a first page even if the heading was not read.
_OWN_NUMBER_LINE = re.compile(r"^\W*s[o0]\s*[:.]\s*[0-9o]{1,5}\s*[/l|]")
# After a bare title these lines mean the operative part of a decision or judgment, not a new document.
_OPERATIVE = re.compile(rf"^\W*(?:{ocr_regex('can cu')}|{ocr_regex('dieu')}\s*\d|\d+[.)]|xet\b|-)")


def is_separator_sheet(text: str) -> bool:
    """True for a separator sheet: a short page whose text says it separates documents ("TỜ PHÂN CÁCH")."""
    compact = re.sub(r"\W", "", fold(text))
    return len(text) <= _SEPARATOR_MAX_CHARS and any(m in compact for m in _SEPARATOR_MARKERS)


def is_first_page(text: str) -> bool:
    """True when the page whose text is `text` opens a document.

    Evidence, in the top lines only: the national heading or motto (fuzzy, OCR noise tolerated); a
    "Số: NN/…" label; a title (QUYẾT ĐỊNH, BẢN ÁN, ĐƠN YÊU CẦU, BIÊN BẢN, THÔNG BÁO, BIÊN LAI…) in
    capitals near the top that is not followed by an operative line ("Căn cứ", "Điều 1", "1.") — so the
    "QUYẾT ĐỊNH:" that opens a judgment's operative part on a later page does not split it.
    """
    lines = [line for _, line in lines_with_offsets(nfc(text))]
    top = lines[:_TOP_LINES]
    if has_heading(top):
        return True
    if any(_OWN_NUMBER_LINE.match(fold_aligned(line)) for line in top[:5]):
        return True
    title = find_title(top, max_lines=_TITLE_TOP_LINES)
    if title is None:
        return False
    following = lines[title.line + 1 : title.line + 2]
    return not any(_OPERATIVE.match(fold_aligned(line)) for line in following)


def split_documents(pages: Sequence[str], *, separators: Collection[int] = ()) -> list[list[int]]:
    """Group page indices (0-based, scan order) into documents.

    A document starts at page 0, at every first page (`is_first_page`) and after a separator sheet;
    other pages continue the document before them. A first page that repeats a page of the current
    document (a sheet fed twice; flagging it is the imaging step's job) stays in that document.
    Separator sheets — pages recognised by `is_separator_sheet` or listed in `separators` (e.g. found by
    a patch code or QR on the image) — belong to no document and are left out of the result. Every other
    index appears exactly once, in increasing order. The caller passes the texts of non-blank pages only.
    """
    groups: list[list[int]] = []
    new_document = True
    for i, text in enumerate(pages):
        if i in separators or is_separator_sheet(text):
            new_document = True
            continue
        starts = new_document or not groups or (is_first_page(text) and not _refed(text, groups[-1], pages))
        if starts:
            groups.append([i])
        else:
            groups[-1].append(i)
        new_document = False
    return groups


def _identity(text: str) -> tuple[list[str], list[date]]:
    return [r.number.canonical for r in find_numbers(text)], [r.date for r in find_dates(text)]


def _refed(text: str, group: list[int], pages: Sequence[str]) -> bool:
    """True when `text` repeats a page of `group` (a sheet fed twice): nearly the same text with the same
    numbers and dates. Two decisions from one template differ in those and stay apart."""
    folded, identity = fold(text), _identity(text)
    return any(fuzz.ratio(folded, fold(pages[j])) >= _REFEED_MIN and _identity(pages[j]) == identity for j in group)
