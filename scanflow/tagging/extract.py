"""Fields of one document from its OCR text: type, own number and date, issuer, parties, amounts, citations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from scanflow.tagging.classify import DocType, classify_title
from scanflow.tagging.classify import classify as classify_text
from scanflow.tagging.dates import DateRef, document_date, find_dates
from scanflow.tagging.layout import find_title, has_heading, header_end, lines_with_offsets, without_heading
from scanflow.tagging.numbers import DocNumber, NumberRef, find_numbers, parse_number
from scanflow.tagging.text import (
    fold,
    fold_aligned,
    is_honorific,
    nfc,
    normalize_name,
    normalize_tones,
    ocr_alternation,
    ocr_regex,
    unique_names,
)

__all__ = ["DocumentFields", "extract_fields"]

Loai = Literal["chu_dong", "theo_yeu_cau"]


@dataclass(frozen=True)
class DocumentFields:
    """What one document says about itself and its case (all text NFC, names normalised).

    `number`/`date` are the document's own ("Số: 125/QĐ-THADS", its place-and-date line; for a judgment
    "Bản án số: 07/2025/DS-ST" and its "Ngày:"), `issuer` the issuing body (top left, as printed),
    `title` the title line(s), `summary` the trích yếu ("Về việc thi hành án"). `debtors` are the
    người phải thi hành án, `creditors` the người được thi hành án (in a judgment: bị đơn / nguyên đơn),
    `amounts` sums in VND in order of first mention. `judgment_ref`/`judgment_date`/`court` describe the
    judgment the document cites, `qd_tha_ref`/`qd_tha_date` the QĐTHA it cites. `loai` is read from a
    QĐTHA's title (chủ động / theo yêu cầu), None elsewhere.
    """

    type: DocType
    type_score: float
    number: DocNumber | None = None
    date: date | None = None
    issuer: str | None = None
    title: str | None = None
    summary: str | None = None
    debtors: tuple[str, ...] = ()
    creditors: tuple[str, ...] = ()
    amounts: tuple[int, ...] = ()
    judgment_ref: DocNumber | None = None
    judgment_date: date | None = None
    qd_tha_ref: DocNumber | None = None
    qd_tha_date: date | None = None
    court: str | None = None
    loai: Loai | None = None


# Labels after which the names of the parties follow (folded text).
_DEBTOR_LABELS = re.compile(
    r"\b"
    + ocr_alternation(
        "nguoi phai thi hanh an la",
        "nguoi phai thi hanh an",
        "cho thi hanh an doi voi",
        "bi don",
        "nguoi bi yeu cau thi hanh an",
        "nguoi bi yeu cau",
    )
)
_CREDITOR_LABELS = re.compile(
    r"\b"
    + ocr_alternation(
        "nguoi duoc thi hanh an la",
        "nguoi duoc thi hanh an",
        "nguoi yeu cau thi hanh an",
        "nguoi yeu cau",
        "nguyen don",
        "don yeu cau thi hanh an cua",
        "don yeu cau cua",
    )
    + r"|\b"
    + ocr_alternation("tra cho", "tra lai cho", "thanh toan cho", "hoan tra cho", "boi thuong cho", "giao cho")
)
# Words after a name that start something else on a merged OCR line: Địa chỉ, Sinh năm, Trú tại, CCCD…
_NAME_STOP = frozenset({"dia", "sinh", "tru", "noi", "cccd", "cmnd", "dien", "can", "ngay", "so", "tai"})
_ORG_PREFIXES = re.compile(
    r"(cong ty|tong cong ty|ngan hang|chi nhanh|hop tac xa|doanh nghiep|quy tin dung|uy ban nhan dan)\b"
)
_ORG_END = re.compile(r"[;,\n(]|\s(?:dia chi|tru so|do ong|do ba|dai dien)\b")
_TOKEN = re.compile(r"[^\W\d_]+|\S")
_AMOUNT = re.compile(
    r"(?<![0-9.,])(?P<n>[0-9o]{1,3}(?:\s?[.,]\s?[0-9o]{3})+|[0-9]{4,})\s*"
    + ocr_alternation("dong", "vnd", "d")
    + r"(?![a-z])"
)
_COURT = re.compile(ocr_regex("toa an"))
_COURT_END = re.compile(r"[;\n(]|\.\s|\s(?:da co hieu luc|co hieu luc|ve viec|ve\s|va\s|theo\s|xet xu)")
_CITED_DATE_GAP = re.compile(rf"\W*(?:{ocr_regex('ngay')})?\W*")
_LOAI: dict[Loai, re.Pattern[str]] = {
    "theo_yeu_cau": re.compile(ocr_regex("theo yeu cau")),
    "chu_dong": re.compile(ocr_regex("chu dong")),
}


def _names_after(text: str, start: int) -> list[str]:
    """Names of people (or one organisation) written right after a label ending at `start`."""
    window = text[start : start + 240]
    folded = fold_aligned(window)
    lead = re.match(r"[\s:;\-–]*(?:la\s+)?", folded)
    at = lead.end() if lead else 0
    org = _ORG_PREFIXES.match(folded, at)
    if org is not None:
        end = _ORG_END.search(folded, org.end())
        name = window[at : end.start() if end else len(window)].strip()
        return [normalize_tones(" ".join(name.split()[:14]))]
    tokens = [(m.group(0), m.start()) for m in _TOKEN.finditer(window, at)]
    names: list[str] = []
    k = 0
    while k < len(tokens):
        while k < len(tokens) and (is_honorific(tokens[k][0]) or tokens[k][0] in "/()"):
            k += 1
        words: list[str] = []
        while k < len(tokens) and len(words) < 6:
            word, pos = tokens[k]
            if not (word.isalpha() and word[0].isupper()) or fold(word) in _NAME_STOP:
                break
            if words and "\n" in window[tokens[k - 1][1] : pos]:
                break
            words.append(word)
            k += 1
        if len(words) < 2:
            break
        names.append(normalize_name(" ".join(words)))
        joins = k + 1 < len(tokens) and fold(tokens[k][0]) in {"va", ",", ";"} and is_honorific(tokens[k + 1][0])
        if not joins:
            break
        k += 1
    return names


def _parties(text: str, folded: str, labels: re.Pattern[str]) -> tuple[str, ...]:
    """Everyone named after one of `labels`, first mention kept (an OCR variant of a name counts once)."""
    return tuple(unique_names(name for m in labels.finditer(folded) for name in _names_after(text, m.end())))


def _amounts(folded: str) -> tuple[int, ...]:
    found: list[int] = []
    for m in _AMOUNT.finditer(folded):
        value = int(re.sub(r"[.,\s]", "", m.group("n")).replace("o", "0"))
        if value > 0 and value not in found:
            found.append(value)
    return tuple(found)


def _issuer(lines: list[str]) -> str | None:
    """The issuing body: capital words at the top left, with the national heading and "Số:" cut away."""
    pieces: list[str] = []
    for line in lines[:6]:
        line = without_heading(line)
        label = re.search(r"(?:^|\s)so\s*[:.]", fold_aligned(line))
        if label is not None:
            line = line[: label.start()]
        words: list[str] = []
        for word in line.split():
            letters = [c for c in word if c.isalpha()]
            if letters and sum(c.isupper() for c in letters) < 0.6 * len(letters):
                break
            words.append(word)
        piece = " ".join(words).strip(" -–_*")
        if sum(c.isalpha() for c in piece) >= 3:
            pieces.append(piece)
    return " ".join(pieces) or None


def _date_after(dates: list[DateRef], folded: str, end: int) -> date | None:
    """The date cited right after a number ("… số 07/2025/DS-ST ngày 11/10/2025")."""
    for ref in dates:
        if ref.start >= end and _CITED_DATE_GAP.fullmatch(folded[end : ref.start]):
            return ref.date
        if ref.start > end + 40:
            break
    return None


def _court_after(text: str, folded: str, end: int) -> str | None:
    found = _COURT.search(folded, end, end + 160)
    if found is None:
        return None
    at = found.start()
    stop = _COURT_END.search(folded, at)
    court = text[at : stop.start() if stop else min(len(text), at + 100)]
    return " ".join(court.split()).rstrip(" ,.-") or None


def _first(refs: list[NumberRef], role: str, other_than: DocNumber | None) -> NumberRef | None:
    for ref in refs:
        if ref.role == role and (other_than is None or ref.number.canonical != other_than.canonical):
            return ref
    return None


def _loai(subject: str, folded_text: str) -> Loai | None:
    for where in (subject, folded_text[:4000]):
        for loai, pattern in _LOAI.items():
            if pattern.search(where):
                return loai
    return None


def extract_fields(text: str) -> DocumentFields:
    """Read the fields of the document whose (multi-page, joined) OCR text is `text`.

    Never raises on odd input: fields that cannot be read are None or empty. The own number is the
    "Số:" in the header (for a judgment, its "Bản án số:"), never a number cited in the body; the own date
    is `document_date(text)`. Numbers read here are OCR reads: validate them against the register.
    """
    text = nfc(text)
    folded = fold_aligned(text)
    lines = [line for _, line in lines_with_offsets(text)]
    title = find_title(lines)
    if title is not None:
        issuer = _issuer(lines[: title.line])
        doc_type, type_score = classify_title(title, " ".join(lines[: title.line]))
    else:
        # Without a title only a page carrying the national heading has an issuer block at its top.
        issuer = _issuer(lines) if has_heading(lines[:6]) else None
        doc_type, type_score = classify_text(text)
    body = header_end(text)
    refs = find_numbers(text)
    header_refs = [r for r in refs if r.start < body]
    number: DocNumber | None
    if doc_type == "ban_an":
        # "BẢN ÁN SỐ: 07/2025/DS-ST" may follow "NHÂN DANH NƯỚC …", so look in the title line first.
        in_title = parse_number(title.text) if title else None
        first_court = next((r.number for r in header_refs if r.number.kind == "court"), None)
        number = in_title if in_title is not None and in_title.kind == "court" else first_court
    else:
        number = next((r.number for r in header_refs if r.role == "own"), None)
    dates = find_dates(text)
    judgment = _first(refs, "judgment", number)
    qd_tha = _first(refs, "qd_tha", number)
    if doc_type == "ban_an":
        court = issuer if issuer and _COURT.search(fold(issuer)) else None
    else:
        court = _court_after(text, folded, judgment.end) if judgment else None
    subject = fold(f"{title.text} {title.summary or ''}") if title else ""
    return DocumentFields(
        type=doc_type,
        type_score=type_score,
        number=number,
        date=document_date(text),
        issuer=issuer,
        title=title.text if title else None,
        summary=title.summary if title else None,
        debtors=_parties(text, folded, _DEBTOR_LABELS),
        creditors=_parties(text, folded, _CREDITOR_LABELS),
        amounts=_amounts(folded),
        judgment_ref=judgment.number if judgment else None,
        judgment_date=_date_after(dates, folded, judgment.end) if judgment else None,
        qd_tha_ref=qd_tha.number if qd_tha else None,
        qd_tha_date=_date_after(dates, folded, qd_tha.end) if qd_tha else None,
        court=court,
        loai=_loai(subject, fold(text)) if doc_type == "qd_tha" else None,
    )
