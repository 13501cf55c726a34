"""Normalised lookup keys of a register case: decision and judgment numbers, folded party names.

The pipeline's candidate search computes the same keys from what it reads on the scans, with these same
functions, so a register row and a scanned document meet on equal keys.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from scanflow.tagging.numbers import DocNumber, parse_number
from scanflow.tagging.text import fold, split_names

_LEADING_NUMBER = re.compile(r"\s*(?:s[ốo]\s*[:.]?\s*)?0*(\d{1,6})(?!\d)", re.IGNORECASE)
NAMES_SEPARATOR = "; "


@lru_cache(maxsize=1 << 18)
def number_key(text: str | DocNumber | None, year: int | None = None) -> str | None:
    """The key of a document number: "<number>/<year>", e.g. "125/2025"; None when no number is found.

    `text` is the number as written (register cell, OCR) or already parsed (a `DocNumber`).

    The symbol is left out on purpose: OCR garbles it, and one office's symbol changed in 2025
    (QĐ-CCTHADS → QĐ-THADS) while the number and year identify the decision within an office. The year
    is the one written in the number (court documents: 07/2025/DS-ST → "7/2025"), else `year` (give the
    year of the document's date for QĐTHA numbers such as 125/QĐ-THADS). Leading zeros and OCR's O for 0
    do not matter (via `tagging.numbers.parse_number`). Without any year the key is the number alone.
    A text that does not parse as a number with a symbol keys on its leading digits ("125" → "125/<year>").
    Searching without a year: the keys of number N lie in the range ["N/", "N/~"), which an index serves.
    """
    if not text:
        return None
    parsed = text if isinstance(text, DocNumber) else parse_number(text)
    if parsed is not None:
        number, found_year = parsed.number, parsed.year or year
    else:
        m = _LEADING_NUMBER.match(text)
        if m is None:
            return None
        number, found_year = int(m.group(1)), year
    return f"{number}/{found_year}" if found_year else str(number)


def case_year(ngay_qd_tha: dt.date | None, so_qd_tha: str | None) -> int | None:
    """The year a case is filed under: that of its QĐTHA's date, else the year written in its number."""
    if ngay_qd_tha is not None:
        return ngay_qd_tha.year
    if so_qd_tha:
        parsed = parse_number(so_qd_tha)
        if parsed is not None:
            return parsed.year
    return None


@lru_cache(maxsize=1 << 18)
def _folded_names(field: str) -> tuple[str, ...]:
    return tuple(fold(name) for name in split_names(field))


def names_folded(*fields: str | None) -> str | None:
    """Every party named in `fields` (debtors, creditors…), accent-folded, once each, joined by "; ".

    Names go through `tagging.text.split_names` (honorifics dropped, tone placement and case normalised)
    and `fold` (no marks, đ→d, lower case): "Ông Nguyễn Văn Hoà và bà Trần Thị Thuỷ" →
    "nguyen van hoa; tran thi thuy". Folding merges Đoàn and Doãn: a key for finding candidates, never
    for deciding between them.
    """
    names: list[str] = []
    for value in fields:
        if value:
            for name in _folded_names(value):
                if name not in names:
                    names.append(name)
    return NAMES_SEPARATOR.join(names) or None
