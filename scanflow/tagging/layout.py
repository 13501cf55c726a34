"""Where things sit on a document's first page: national heading, issuer, title, trích yếu, body."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from scanflow.tagging.text import OCR_CONFUSABLE, fold_aligned, nfc, ocr_alternation, ocr_regex

__all__ = [
    "HEADING",
    "MOTTO",
    "Title",
    "find_title",
    "has_heading",
    "header_end",
    "heading_spans",
    "lines_with_offsets",
    "without_heading",
]

HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

_HEADING_MIN = 80
_TITLE_MIN = 85

# Document titles (folded, compact) → as printed. The first words of a title line decide the type.
_TITLE_HEADS: dict[str, str] = {
    "quyetdinh": "QUYẾT ĐỊNH",
    "banan": "BẢN ÁN",
    "donyeucau": "ĐƠN YÊU CẦU",
    "dondenghi": "ĐƠN ĐỀ NGHỊ",
    "bienban": "BIÊN BẢN",
    "thongbao": "THÔNG BÁO",
    "giaybao": "GIẤY BÁO",
    "giaytrieutap": "GIẤY TRIỆU TẬP",
    "giaymoi": "GIẤY MỜI",
    "bienlai": "BIÊN LAI",
    "phieuthu": "PHIẾU THU",
    "phieuchi": "PHIẾU CHI",
    "kehoach": "KẾ HOẠCH",
    "congvan": "CÔNG VĂN",
}
# Lines that open the body of a document (folded): the title region ends before them.
_BODY_OPENINGS = (
    "can cu", "nhan danh", "kinh gui", "hom nay", "tai phien toa", "vao hoi", "vao luc", "hoi dong",
    "toi ten", "ho va ten", "ten toi",
)  # fmt: skip
_BODY_MARKERS = re.compile(rf"^\W*(?:{ocr_alternation(*_BODY_OPENINGS)}|{ocr_regex('dieu')}\s*\d|xet\b)")
# Judgments may print "NHÂN DANH NƯỚC …" above their "BẢN ÁN SỐ: …" line: it does not end a title search.
_INVOCATION = re.compile(rf"^\W*{ocr_regex('nhan danh')}")
# Uppercase lines after a title that name the signing authority, not the title.
_AUTHORITY = re.compile(ocr_alternation("truong", "chap hanh vien", "hoi dong", "nhan danh", "toa an nhan dan"))
_SUMMARY_LABEL = re.compile(rf"^\W*(?:{ocr_regex('ve viec')}|v\s*[/.]\s*v|ve\b)")
_LABEL_LINE = re.compile(rf"^\W*{ocr_alternation('ngay', 'so', 'ky hieu', 'mau so')}\b\s*[:.]")


def _compact(s: str) -> tuple[str, list[int]]:
    """Folded letters and digits of `s` with OCR confusions mapped, and each one's offset in `s`."""
    folded = fold_aligned(s).translate(OCR_CONFUSABLE)
    keep = [(c, i) for i, c in enumerate(folded) if c.isalnum()]
    return "".join(c for c, _ in keep), [i for _, i in keep]


_HEADING_KEY = _compact(HEADING)[0]
_MOTTO_KEY = _compact(MOTTO)[0]


def _upper_ratio(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def lines_with_offsets(text: str) -> list[tuple[int, str]]:
    """The lines of `nfc(text)` with the offset where each starts; empty lines are skipped."""
    text = nfc(text)
    out = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((offset, line))
        offset += len(line) + 1
    return out


def heading_spans(line: str) -> list[tuple[int, int]]:
    """Spans of `line` holding the national heading or the motto, found fuzzily despite OCR noise.

    The heading counts only in capitals (as printed), so "nước Cộng hòa xã hội chủ nghĩa Việt Nam" in a
    sentence is not one; the motto counts in any case.
    """
    compact, where = _compact(line)
    spans = []
    for key, needs_caps in ((_HEADING_KEY, True), (_MOTTO_KEY, False)):
        if len(compact) < 0.6 * len(key):
            continue
        found = fuzz.partial_ratio_alignment(key, compact)
        if found is None or found.score < _HEADING_MIN or found.dest_end <= found.dest_start:
            continue
        start, end = where[found.dest_start], where[found.dest_end - 1] + 1
        if needs_caps and _upper_ratio(line[start:end]) < 0.6:
            continue
        spans.append((start, end))
    return spans


def without_heading(line: str) -> str:
    """`line` with the national heading and motto cut out (two-column headers share OCR lines)."""
    spans = heading_spans(line)
    if not spans:
        return line
    pieces, at = [], 0
    for start, end in sorted(spans):
        pieces.append(line[at:start])
        at = max(at, end)
    pieces.append(line[at:])
    return " ".join(p.strip() for p in pieces if p.strip())


def has_heading(lines: Sequence[str]) -> bool:
    """True when any of `lines` carries the national heading or the motto."""
    return any(heading_spans(line) for line in lines)


def _title_head(line: str) -> tuple[str, float] | None:
    """The title word a line starts with (as printed) and how well it matched, or None."""
    compact, _ = _compact(line)
    best: tuple[str, float] | None = None
    for key, printed in _TITLE_HEADS.items():
        k = key.translate(OCR_CONFUSABLE)
        prefix = compact[: len(k)]
        if prefix == k:
            score = 1.0
        elif len(k) >= 7:
            score = fuzz.ratio(prefix, k) / 100
            if score * 100 < _TITLE_MIN:
                continue
        else:
            continue
        if best is None or score > best[1] or (score == best[1] and len(printed) > len(best[0])):
            best = (printed, score)
    return best


@dataclass(frozen=True)
class Title:
    """A document's title region.

    `head` is the title word as printed ("QUYẾT ĐỊNH", "BẢN ÁN"…), `score` how well OCR text matched it,
    `text` the title line(s) as read, `summary` the trích yếu line ("Về việc thi hành án") or None,
    `line` the index of the title line in the lines searched, `end` the index just past the region.
    """

    head: str
    score: float
    text: str
    summary: str | None
    line: int
    end: int


def _is_title_line(line: str, head: str) -> bool:
    stripped = line.strip()
    if stripped.endswith(":") or len(stripped) > 140:
        return False  # "QUYẾT ĐỊNH:" opens the operative part of a decision or judgment
    if head == "BẢN ÁN" and _compact(line)[0].startswith("bananso"):
        return True  # the judgment's own "Bản án số: 07/2025/DS-ST" is printed in mixed case
    return _upper_ratio(stripped) >= 0.6


def find_title(lines: Sequence[str], max_lines: int = 25) -> Title | None:
    """Find the title among the first `max_lines` of `lines`, before the body starts.

    A title line starts with a known title word (fuzzily), is mostly capitals once the national heading
    is cut out of it, and does not end with ":". Following capital lines continue the title unless they
    name the signing authority; the trích yếu is the next "Về việc …"/"V/v …" line within four lines,
    else the next mixed-case line before the body. Indices in the result index `lines`.
    """
    cleaned = [without_heading(ln).strip() for ln in lines]
    filled = [i for i, ln in enumerate(cleaned) if ln]
    for pos, i in enumerate(filled):
        if i >= max_lines:
            return None
        line = cleaned[i]
        folded_line = fold_aligned(line)
        if _BODY_MARKERS.match(folded_line) and not _INVOCATION.match(folded_line):
            return None
        found = _title_head(line)
        if found is None or not _is_title_line(line, found[0]):
            continue
        head, score = found
        after = filled[pos + 1 :]
        parts = [line]
        taken = 0
        for j in after[:2]:
            nxt = cleaned[j]
            folded = fold_aligned(nxt)
            if _upper_ratio(nxt) < 0.8 or _AUTHORITY.search(folded) or _BODY_MARKERS.match(folded):
                break
            parts.append(nxt)
            taken += 1
        rest = after[taken:]
        summary, end = None, (rest[0] if rest else len(lines))
        for j in rest[:4]:
            folded = fold_aligned(cleaned[j])
            if _BODY_MARKERS.match(folded):
                break
            if _SUMMARY_LABEL.match(folded):
                summary, end = cleaned[j], j + 1
                break
        if summary is None and rest:
            nxt = cleaned[rest[0]]
            folded = fold_aligned(nxt)
            if not (_upper_ratio(nxt) >= 0.8 or _BODY_MARKERS.match(folded) or _LABEL_LINE.match(folded)):
                summary, end = nxt, rest[0] + 1
        return Title(head, score, " ".join(parts), summary, i, end)
    return None


def header_end(text: str) -> int:
    """Offset in `nfc(text)` where the header (issuer, number, date, title) ends and the body begins.

    The body begins at the first line opening it ("Căn cứ", "NHÂN DANH", "Kính gửi", "Hôm nay",
    "Điều 1"…); without one, after the title region; without a title, after the first 15 lines.
    """
    text = nfc(text)
    lines = lines_with_offsets(text)
    for offset, line in lines:
        if _BODY_MARKERS.match(fold_aligned(line)):
            return offset
    title = find_title([ln for _, ln in lines])
    if title is not None and title.end < len(lines):
        return lines[title.end][0]
    if len(lines) > 15:
        return lines[15][0]
    return len(text)
