"""Document numbers ("số và ký hiệu"): parsing, canonical form, OCR-tolerant comparison, finding in text."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from rapidfuzz import fuzz

from scanflow.tagging.text import fold, fold_aligned, nfc, ocr_alternation, ocr_regex

__all__ = [
    "DocNumber",
    "NumberRef",
    "find_numbers",
    "numbers_match",
    "parse_number",
]

NumberKind = Literal["court", "enforcement", "legal", "administrative"]
NumberRole = Literal["own", "judgment", "qd_tha", "legal", "other"]

# Court case kinds (DS civil, HNGĐ family, KDTM commercial, LĐ labour, HC administrative, HS criminal),
# compared in folded form.
_COURT_KINDS = frozenset({"DS", "HNGD", "KDTM", "LD", "HC", "HS"})
# Enforcement-office symbols: THADS since July 2025, CTHADS / CCTHADS before; all occur in old dossiers.
_INSTANCES = frozenset({"ST", "PT"})
_ENFORCEMENT_TOKENS = frozenset({"THADS", "CTHADS", "CCTHADS", "THA", "CTHA", "CCTHA"})
# Symbol groups as written (TTr, "tờ trình", keeps its lower-case r); OCR often reads their Đ as D.
_TOKEN_SPELLING = {
    "QD": "QĐ",
    "QDST": "QĐST",
    "QDPT": "QĐPT",
    "HNGD": "HNGĐ",
    "LD": "LĐ",
    "ND": "NĐ",
    "TTR": "TTr",
}

_LETTER = "A-ZĐÐ"
_TOKEN = rf"[{_LETTER}][{_LETTER}0-9]*r?(?![^\W\d_])"
# Between number, year and symbol: a slash, or what OCR makes of one (l, I, |, 1, backslash).
_SEP = r"(?P<{name}>\s?[/\\]\s?|[lI|1])"
_NUMBER_RE = re.compile(
    r"(?<![0-9A-Za-z/.\-])"
    r"(?P<num>[0-9][0-9Oo]{0,4}|[Oo][0-9][0-9Oo]{0,3})"
    + _SEP.format(name="sep1")
    + r"(?:(?P<year>[12][0-9Oo]{3})"
    + _SEP.format(name="sep2")
    + r")?"
    rf"(?P<symbol>{_TOKEN}(?:\s{{0,2}}[-–—/]\s{{0,2}}{_TOKEN})*)"
)
_SYMBOL_SPLIT = re.compile(r"\s*([-–—/])\s*")


def _digits(s: str) -> int:
    return int(s.replace("O", "0").replace("o", "0"))


def _canonical_symbol(symbol: str) -> str:
    parts = _SYMBOL_SPLIT.split(nfc(symbol).upper().replace("Ð", "Đ"))
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append("/" if part == "/" else "-")
        else:
            out.append(_TOKEN_SPELLING.get(part, part))
    return "".join(out)


def _symbol_tokens(symbol: str) -> list[str]:
    """Symbol groups in folded upper case ("QĐST-HNGĐ" → ["QDST", "HNGD"])."""
    return [t for t in re.split(r"[-/]", fold(symbol).upper()) if t]


def _symbol_key(symbol: str) -> str:
    return "".join(_symbol_tokens(symbol))


@dataclass(frozen=True)
class DocNumber:
    """A document's number and symbol ("số và ký hiệu").

    `number` is the running number (restarting every year), `year` the year written inside the number
    (court and legal documents: 07/2025/DS-ST) or None (administrative and enforcement documents:
    125/QĐ-THADS, whose year is that of their date), `symbol` the canonical upper-case symbol with `-`
    between groups, `raw` the text it was read from.
    """

    number: int
    year: int | None
    symbol: str
    raw: str = ""

    @property
    def canonical(self) -> str:
        """The standard written form: number with a leading zero below 10, `/`, year if any, symbol."""
        if self.year is None:
            return f"{self.number:02d}/{self.symbol}"
        return f"{self.number:02d}/{self.year}/{self.symbol}"

    @property
    def kind(self) -> NumberKind:
        """What issued it, judged from the symbol: a court, an enforcement office, a legal text, other."""
        tokens = _symbol_tokens(self.symbol)
        if self.year is not None and any(t in _COURT_KINDS for t in tokens):
            return "court"
        if any(t in _ENFORCEMENT_TOKENS or t.endswith("THADS") for t in tokens):
            return "enforcement"
        if self.year is not None:
            return "legal"
        return "administrative"

    def __str__(self) -> str:
        return self.canonical


def _from_match(m: re.Match[str]) -> DocNumber | None:
    year = _digits(m.group("year")) if m.group("year") else None
    if year is not None and not 1945 <= year <= 2100:
        return None
    return DocNumber(_digits(m.group("num")), year, _canonical_symbol(m.group("symbol")), m.group(0))


def parse_number(s: str) -> DocNumber | None:
    """Parse the first document number in `s` ("Số: 125/QĐ-THADS", "07/2025/DS-ST", "10/2025/QĐ- CNHG-DS").

    Tolerates OCR noise: `O` for `0` in digits, `l`/`I`/`|`/`1`/`\\` for the slash after the number or
    year, `Ð`/`D` for `Đ` in known symbol groups (QĐ, HNGĐ, LĐ…), spaces around `/` and `-`. Returns None
    when `s` holds no number followed by a symbol (a blank "Số:    /QĐ-CTHADS" gives None).
    """
    for m in _NUMBER_RE.finditer(nfc(s)):
        parsed = _from_match(m)
        if parsed is not None:
            return parsed
    return None


def _readings(value: str | DocNumber) -> list[DocNumber]:
    """The plausible readings of a number: the parse, plus digit-`1` for a `1` taken as a slash."""
    if isinstance(value, DocNumber):
        return [value]
    m = next((m for m in _NUMBER_RE.finditer(nfc(value)) if _from_match(m)), None)
    if m is None:
        return []
    first = _from_match(m)
    assert first is not None
    readings = [first]
    if m.group("sep1") == "1":
        readings.append(replace(first, number=first.number * 10 + 1))
    return readings


def _number_similarity(a: int, b: int) -> float:
    if a == b:
        return 1.0
    sa, sb = str(a), str(b)
    if len(sa) == len(sb) and sum(x != y for x, y in zip(sa, sb, strict=True)) == 1:
        return 0.3  # one digit apart: an OCR misread is possible, so not a flat conflict
    return 0.0


def _court_parts(symbol: str) -> tuple[frozenset[str], frozenset[str]]:
    """The case kinds (DS, HNGD…) and instances (ST, PT) a court symbol names, folded."""
    tokens = _symbol_tokens(symbol)
    kinds = frozenset(t for t in tokens if t in _COURT_KINDS)
    instances = frozenset(t[-2:] for t in tokens if t in _INSTANCES or (t.startswith("QD") and t[-2:] in _INSTANCES))
    return kinds, instances


def _court_symbols_differ(a: str, b: str) -> bool:
    """True when both symbols clearly name a case kind or instance and they differ (DS-ST vs DS-PT)."""
    (ka, ia), (kb, ib) = _court_parts(a), _court_parts(b)
    return bool((ka and kb and ka != kb) or (ia and ib and ia != ib))


def _pair_score(a: DocNumber, b: DocNumber) -> float:
    number = _number_similarity(a.number, b.number)
    if a.year is not None and b.year is not None:
        year = 1.0 if a.year == b.year else 0.1
    elif a.year is None and b.year is None:
        year = 1.0
    else:
        year = 0.9
    ka, kb = _symbol_key(a.symbol), _symbol_key(b.symbol)
    if ka != kb and _court_symbols_differ(a.symbol, b.symbol):
        return number * year * 0.3  # another kind of case or another instance: another judgment
    symbol = 1.0 if ka == kb else fuzz.ratio(ka, kb) / 100
    return number * year * (0.6 + 0.4 * symbol)


def numbers_match(a: str | DocNumber, b: str | DocNumber) -> float:
    """Score in [0, 1] that `a` and `b` denote the same document number, tolerating OCR noise.

    1.0 when number, year and symbol agree after normalisation (so `07/2025/QĐST - HNGĐ` equals
    `07/2025/QDST-HNGD`); a garbled symbol costs at most 0.4, but court symbols naming another case kind
    or instance (DS-ST vs DS-PT, DS vs HNGĐ) leave at most 0.3; a year present on one side only costs 10%;
    a year conflict leaves at most 0.1; a number one digit off at most 0.3; any other number difference
    0.0. Strings that do not parse are compared as folded text and score at most 0.5. Never trust a read
    number alone: compare it with the register's.
    """
    ra, rb = _readings(a), _readings(b)
    if ra and rb:
        return round(max(_pair_score(x, y) for x in ra for y in rb), 4)
    sa = a.canonical if isinstance(a, DocNumber) else a
    sb = b.canonical if isinstance(b, DocNumber) else b
    ka, kb = re.sub(r"[\W_]", "", fold(sa)), re.sub(r"[\W_]", "", fold(sb))
    if not ka or not kb:
        return 0.0
    return round(0.5 * fuzz.ratio(ka, kb) / 100, 4)


@dataclass(frozen=True)
class NumberRef:
    """A document number found in a text, with where and how it is cited.

    `start`/`end` index the NFC text; `context` is the clause before the number on its line. `role`:
    "own" (the document's own "Số: …" label), "judgment" (a court judgment or decision: "Bản án số …"),
    "qd_tha" (an enforcement decision cited as "Quyết định thi hành án số …"), "legal" (a law, decree,
    circular), "other".
    """

    number: DocNumber
    start: int
    end: int
    role: NumberRole
    context: str


_OWN_LABEL = re.compile(r"(?:^|[\s(])(s[o0])\s*[:.]?\s*$")
_REFERENCE_WORDS = frozenset({"an", "dinh", "tu", "luat", "cu", "bao", "ban", "van", "lai", "thu", "chi"})
_LEGAL_CONTEXT = re.compile(
    ocr_alternation("luat", "nghi dinh", "thong tu", "nghi quyet", "phap lenh", "hien phap")
    + r"\s+(s[o0]\s*)?[:.]?\s*$"
)
_JUDGMENT_CONTEXT = re.compile(ocr_alternation("ban an", "toa an") + "[^;]*$")
_QD_THA_CONTEXT = re.compile(ocr_regex("thi hanh an") + r"\s*(s[o0])?\s*[:.]?\s*$")


def _procedural(number: DocNumber) -> bool:
    """Court case-handling numbers (thụ lý TLST/TLPT, đưa ra xét xử QĐXXST…) cite no judgment."""
    first = _symbol_tokens(number.symbol)[0]
    return first.startswith("TL") or "XX" in first


def _role(text: str, folded: str, start: int, number: DocNumber) -> tuple[NumberRole, str]:
    line_start = text.rfind("\n", 0, start) + 1
    clause_start = max(line_start, text.rfind(";", 0, start) + 1, start - 120)
    before = folded[clause_start:start]
    context = text[clause_start:start].strip()
    own = _OWN_LABEL.search(before)
    if own is not None:
        words = before[: own.start(1)].split()
        label_upper = text[clause_start + own.start(1)].isupper()
        if not words or (label_upper and words[-1] not in _REFERENCE_WORDS):
            return "own", context
    if number.kind == "legal" or _LEGAL_CONTEXT.search(before):
        return "legal", context
    if _procedural(number):
        return "other", context
    if number.kind == "court" or _JUDGMENT_CONTEXT.search(before):
        return "judgment", context
    if number.kind == "enforcement" and _QD_THA_CONTEXT.search(before):
        return "qd_tha", context
    return "other", context


def find_numbers(text: str) -> list[NumberRef]:
    """Every document number in `text`, in order, each with its role and the clause citing it.

    Offsets index `nfc(text)`. In a QĐTHA, "Số: 125/QĐ-THADS" comes back as role "own" and "Căn cứ Bản
    án số 07/2025/DS-ST ngày …" as role "judgment"; dates (11/10/2025) and amounts are not numbers.
    """
    text = nfc(text)
    folded = fold_aligned(text)
    refs = []
    for m in _NUMBER_RE.finditer(text):
        parsed = _from_match(m)
        if parsed is None:
            continue
        role, context = _role(text, folded, m.start(), parsed)
        refs.append(NumberRef(parsed, m.start(), m.end(), role, context))
    return refs
