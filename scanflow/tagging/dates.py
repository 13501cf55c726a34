"""Dates in Vietnamese documents: the place-and-date line, "ngày dd/mm/yyyy", "Ngày: d-m-yyyy"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from scanflow.tagging.layout import header_end
from scanflow.tagging.text import fold_aligned, nfc, ocr_alternation, ocr_regex

__all__ = ["DateRef", "document_date", "find_dates"]

DateKind = Literal["place_date", "long", "numeric"]

_MIN_YEAR, _MAX_YEAR = 1900, 2100

# Digits as OCR returns them: O/o for 0, l/I/| for 1 (matched on folded text, so lower case).
_D = r"[0-9oli|]"
_LONG = re.compile(
    rf"{ocr_regex('ngay')}\s*[:.]?\s*(?P<d>{_D}{{1,2}})\s*[,.]?\s*{ocr_regex('thang')}\s*[:.]?\s*"
    rf"(?P<m>{_D}{{1,2}})\s*[,.]?\s*{ocr_regex('nam')}\s*[:.]?\s*(?P<y>{_D}{{4}})(?![0-9])"
)
_NUMERIC = re.compile(
    rf"(?<![0-9/.\-])(?P<d>{_D}?[0-9])\s?(?P<s>[/.\-])\s?(?P<m>{_D}?[0-9])\s?(?P=s)\s?(?P<y>[12][0-9o]{{3}})"
    r"(?![0-9/])"
)
# The place before ", ngày …": up to five capitalised words ("Tuyên Quang", "TP. Hồ Chí Minh").
_PLACE = re.compile(r"(?:^|(?<=\s))((?:[^\W\d_][\w.]*\s+){0,4}[^\W\d_][\w.]*)\s*,\s*$")
_LABELLED_TOP_LINES = 12
_DAY_LABEL = re.compile(rf"\W*{ocr_regex('ngay')}\s*[:.]?\s*")
_RECORD_OPENING = re.compile(rf"\W*{ocr_alternation('hom nay', 'vao hoi', 'vao luc')}\b")
_OCR_DIGITS = str.maketrans({"o": "0", "O": "0", "l": "1", "i": "1", "I": "1", "|": "1"})


@dataclass(frozen=True)
class DateRef:
    """A date found in a text.

    `kind`: "place_date" (the "Tuyên Quang, ngày 05 tháng 01 năm 2025" line), "long" (ngày … tháng …
    năm … without a place), "numeric" (11/10/2025, 12-3-2025). `start`/`end` index the NFC text, `raw`
    is the matched text, `place` the place name of a place-and-date line.
    """

    date: date
    start: int
    end: int
    kind: DateKind
    raw: str
    place: str | None = None


def _valid(d: str, m: str, y: str) -> date | None:
    try:
        day, month, year = (int(x.translate(_OCR_DIGITS)) for x in (d, m, y))
        value = date(year, month, day)
    except ValueError:
        return None
    return value if _MIN_YEAR <= year <= _MAX_YEAR else None


def _place_before(text: str, start: int) -> str | None:
    line_start = text.rfind("\n", 0, start) + 1
    m = _PLACE.search(text[line_start:start])
    if m is None:
        return None
    words = m.group(1).split()
    kept: list[str] = []
    for word in reversed(words):  # the capitalised words right before the comma
        if not word[:1].isupper():
            break
        if kept and not kept[-1].isupper() and word.isupper() and "." not in word:
            break  # an issuer in capitals on the same OCR line ("TỈNH TUYÊN QUANG Tuyên Quang, ngày")
        kept.insert(0, word)
    if kept and kept[0].rstrip(":").casefold() in {"số", "so"}:
        kept = kept[1:]
    return " ".join(kept) or None


def find_dates(text: str) -> list[DateRef]:
    """Every valid date in `text`, in order of position; offsets index `nfc(text)`.

    Recognises "ngày 05 tháng 01 năm 2025" (with or without diacritics, with OCR's O/l for 0/1), numeric
    dd/mm/yyyy, dd-mm-yyyy and dd.mm.yyyy (one separator kind per date). Impossible dates (31/02) and
    years outside 1900–2100 are dropped, so numbers such as 07/2025/DS-ST never come back as dates.
    """
    text = nfc(text)
    folded = fold_aligned(text)
    found: list[DateRef] = []
    for m in _LONG.finditer(folded):
        value = _valid(m.group("d"), m.group("m"), m.group("y"))
        if value is None:
            continue
        place = _place_before(text, m.start())
        kind: DateKind = "place_date" if place else "long"
        found.append(DateRef(value, m.start(), m.end(), kind, text[m.start() : m.end()], place))
    for m in _NUMERIC.finditer(folded):
        if any(r.start <= m.start() < r.end for r in found):
            continue
        value = _valid(m.group("d"), m.group("m"), m.group("y"))
        if value is not None:
            found.append(DateRef(value, m.start(), m.end(), "numeric", text[m.start() : m.end()]))
    return sorted(found, key=lambda r: r.start)


def document_date(text: str) -> date | None:
    """The document's own date (its date of issue), or None.

    In order of preference: the place-and-date line in the header; a long date in the header or a
    labelled one ("Ngày: 11-10-2025", as under a judgment's number) in the first lines; a place-and-date
    line anywhere (a request form puts it above the signature); the first long date in the text; a date
    on a record's opening line ("Hôm nay, ngày 10/02/2025 …"). Dates cited in the body ("Căn cứ Bản án
    số … ngày 11/10/2025") are never taken while a header date exists.
    """
    text = nfc(text)
    dates = find_dates(text)
    end = header_end(text)
    header = [r for r in dates if r.start < end]
    folded = fold_aligned(text)
    top = [r for r in dates if r.start < max(end, _nth_line_offset(text, _LABELLED_TOP_LINES))]
    for candidates in (
        [r for r in header if r.kind == "place_date"],
        [r for r in header if r.kind == "long"] + [r for r in top if _labelled(folded, r.start)],
        [r for r in dates if r.kind == "place_date"],
        [r for r in dates if r.kind != "numeric"],
        [r for r in dates if _RECORD_OPENING.match(folded, folded.rfind("\n", 0, r.start) + 1)],
    ):
        if candidates:
            return candidates[0].date
    return None


def _nth_line_offset(text: str, n: int) -> int:
    at = -1
    for _ in range(n):
        at = text.find("\n", at + 1)
        if at < 0:
            return len(text)
    return at


def _labelled(folded: str, start: int) -> bool:
    """True when a numeric date follows a "Ngày:" label opening its line."""
    line_start = folded.rfind("\n", 0, start) + 1
    return _DAY_LABEL.fullmatch(folded[line_start:start]) is not None
