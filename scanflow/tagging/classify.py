"""Document type from the title region: scanflow's codes (qd_tha, ban_an, don_yeu_cau…) per DOMAIN.md."""

from __future__ import annotations

import re
from typing import Literal

from rapidfuzz.distance import Levenshtein

from scanflow.tagging.layout import Title, find_title, lines_with_offsets
from scanflow.tagging.text import fold, nfc, ocr_fold

__all__ = ["DOC_TYPES", "DocType", "classify", "classify_title"]

DocType = Literal[
    "qd_tha",
    "ban_an",
    "don_yeu_cau",
    "bb_xac_minh",
    "qd_cuong_che",
    "bb_ke_bien",
    "qd_hoan",
    "qd_tam_dinh_chi",
    "qd_dinh_chi",
    "qd_chua_co_dk",
    "thong_bao",
    "bien_lai",
    "khac",
]
DOC_TYPES: tuple[DocType, ...] = (
    "qd_tha", "ban_an", "don_yeu_cau", "bb_xac_minh", "qd_cuong_che", "bb_ke_bien", "qd_hoan",
    "qd_tam_dinh_chi", "qd_dinh_chi", "qd_chua_co_dk", "thong_bao", "bien_lai", "khac",
)  # fmt: skip

# The subject of a decision (its title and trích yếu, folded), checked in this order: the more specific
# first ("tạm đình chỉ" before "đình chỉ"; decisions about a QĐTHA before the QĐTHA itself).
_DECISION_SUBJECTS: tuple[tuple[DocType, tuple[str, ...]], ...] = (
    ("qd_chua_co_dk", ("chua co dieu kien",)),
    ("qd_tam_dinh_chi", ("tam dinh chi",)),
    ("qd_dinh_chi", ("dinh chi thi hanh an", "dinh chi viec thi hanh an", "dinh chi")),
    ("qd_hoan", ("hoan thi hanh an", "hoan viec thi hanh an", "hoan cuong che")),
    ("qd_cuong_che", ("cuong che", "ke bien", "khau tru", "tru vao thu nhap", "phong toa")),
    ("khac", ("thu hoi", "sua doi", "bo sung", "huy quyet dinh", "uy thac", "mien", "giam", "tra lai don")),
    ("qd_tha", ("thi hanh an", "theo yeu cau", "chu dong")),
)
_RECORD_SUBJECTS: tuple[tuple[DocType, tuple[str, ...]], ...] = (
    ("bb_xac_minh", ("xac minh",)),
    ("bb_ke_bien", ("ke bien", "xu ly tai san", "cuong che", "giao tai san", "tam giu")),
)
_NOTICE_HEADS = {"THÔNG BÁO", "GIẤY BÁO", "GIẤY TRIỆU TẬP", "GIẤY MỜI"}
_RECEIPT_HEADS = {"BIÊN LAI", "PHIẾU THU", "PHIẾU CHI"}
_REQUEST_HEADS = {"ĐƠN YÊU CẦU", "ĐƠN ĐỀ NGHỊ"}
_WORD_MIN = 0.6
_PHRASE_MIN = 0.8
_LETTER_SUBJECT = re.compile(r"\W*v\s*[/.]\s*v\b")
# Without a readable title, only these long phrases anywhere in the first lines are trusted. ("NHÂN
# DANH NƯỚC …" is not among them: fuzzily it matches the national heading every document carries.)
_UNTITLED_PHRASES: tuple[tuple[DocType, str], ...] = (
    ("don_yeu_cau", "don yeu cau thi hanh an"),
    ("bb_xac_minh", "bien ban xac minh dieu kien thi hanh an"),
    ("qd_chua_co_dk", "chua co dieu kien thi hanh an"),
    ("qd_tha", "quyet dinh thi hanh an"),
)


# Type codes that open the symbol of a numbered document (Decree 30/2020/NĐ-CP); letters carry none.
_TYPE_CODES = {"QD", "TB", "BB", "KH", "GM", "HD", "BC", "NQ", "CT", "TTR", "GB", "GTT", "PT", "PC", "BL"}
_OWN_NUMBER = re.compile(r"^\s*s[oố]\s*[:.]?\s*\d{1,6}\s*[/l|]\s*([A-Za-zĐđ]+)", re.IGNORECASE)


def _is_letter_number(lines: list[str]) -> bool:
    """Whether the document's own "Số:" line has a symbol that starts with an issuer, not a type code."""
    for line in lines:
        match = _OWN_NUMBER.match(line)
        if match:
            return fold(match.group(1)).upper() not in _TYPE_CODES
    return False


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", text) is not None


def _phrase_score(phrase: str, text: str) -> float:
    """How well `phrase` occurs as consecutive words of `text` (both OCR keys), in [0, 1].

    1.0 for an exact occurrence. Phrases of 8 characters or more may also match word by word: words of
    up to three letters exactly, longer ones at least _WORD_MIN similar, all on average _PHRASE_MIN
    similar; shorter phrases must be exact. Word alignment keeps "đình chỉ" from being carved out of
    "quyết định thi hành", and exact short words keep "chỉ" from passing for "thi".
    """
    if _contains(text, phrase):
        return 1.0
    if len(phrase) < 8:
        return 0.0
    want, words = phrase.split(), text.split()
    best = 0.0
    for i in range(len(words) - len(want) + 1):
        sims = [Levenshtein.normalized_similarity(a, b) for a, b in zip(want, words[i:], strict=False)]
        if all(s == 1.0 or (len(w) > 3 and s >= _WORD_MIN) for w, s in zip(want, sims, strict=True)):
            best = max(best, sum(sims) / len(sims))
    return round(best, 4) if best >= _PHRASE_MIN else 0.0


def _by_subject(rules: tuple[tuple[DocType, tuple[str, ...]], ...], text: str) -> tuple[DocType, float] | None:
    """The first rule, in priority order, one of whose phrases occurs (exactly or fuzzily) in `text`."""
    key = ocr_fold(text)
    for code, phrases in rules:
        score = max(_phrase_score(ocr_fold(p), key) for p in phrases)
        if score:
            return code, score
    return None


def classify_title(title: Title, issuer: str = "") -> tuple[DocType, float]:
    """Type code and score for a found title region; `issuer` is the header text above the title.

    A decision issued by a court (issuer "TÒA ÁN …") is a court decision, filed as `ban_an`.
    """
    head = title.head
    # The subject is what follows the title word: "QUYẾT ĐỊNH" itself must not feed "định".
    subject = " ".join(title.text.split()[len(head.split()) :] + (title.summary or "").split())
    court = _contains(ocr_fold(issuer), "toa an")
    if head == "BẢN ÁN" or (court and head == "QUYẾT ĐỊNH"):
        return "ban_an", title.score
    if head in _REQUEST_HEADS:
        return "don_yeu_cau", title.score
    if head in _NOTICE_HEADS:
        return "thong_bao", title.score
    if head in _RECEIPT_HEADS:
        return "bien_lai", title.score
    if head == "BIÊN BẢN":
        found = _by_subject(_RECORD_SUBJECTS, subject)
    elif head == "QUYẾT ĐỊNH":
        found = _by_subject(_DECISION_SUBJECTS, subject)
    elif head == "KẾ HOẠCH":
        found = _by_subject((("qd_cuong_che", ("cuong che",)),), subject)
    else:
        found = None
    if found is None:
        return "khac", round(0.6 * title.score, 4)
    code, score = found
    return code, round(title.score * score, 4)


def classify(text: str) -> tuple[DocType, float]:
    """Type code of the document whose first page text is `text`, and a score in [0, 1].

    Reads the title region only (title line, its continuation and trích yếu), so body citations such as
    "Căn cứ Bản án số …" in a QĐTHA never decide the type. Titles are matched in folded form and fuzzily
    (OCR noise, lost diacritics). Without a readable title a few unambiguous long phrases in the first
    lines are tried at a reduced score (≤ 0.7); a letter's "V/v …" line gives ("khac", 0.6); otherwise
    ("khac", 0.2).
    """
    lines = [line for _, line in lines_with_offsets(nfc(text))]
    title = find_title(lines)
    if title is not None:
        issuer = " ".join(lines[: title.line])
        return classify_title(title, issuer)
    top = ocr_fold(" ".join(lines[:20]))
    if _contains(top, "nhan danh nuoc"):
        return "ban_an", 0.7
    top = re.split(r"\bcan cu\b", top, maxsplit=1)[0]
    if any(_LETTER_SUBJECT.match(fold(line)) for line in lines[:12]):
        return "khac", 0.6  # a letter (công văn) carries "V/v …" under its number and no title
    if _is_letter_number(lines[:12]):
        return "khac", 0.5  # "Số: 25/CCTHADS-NV": a number without a type code is a letter's
    for code, phrase in _UNTITLED_PHRASES:
        score = _phrase_score(ocr_fold(phrase), top)
        if score:
            return code, round(0.7 * score, 4)
    return "khac", 0.2
