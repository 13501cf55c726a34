"""Search keys of page text and queries (folded and exact), and snippets cut around what matched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from scanflow.tagging.text import fold_aligned, nfc, normalize_tones

Mode = Literal["folded", "exact"]
MODES: tuple[str, ...] = ("folded", "exact")

# The tokens both full-text engines see: runs of letters and digits (FTS5 unicode61 and PostgreSQL's
# parser both split on everything else), so a query token never holds characters the index dropped.
_TOKEN = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"|(\S+)')


def _lower_aligned(s: str) -> str:
    return "".join(low if len(low := c.lower()) == 1 else c for c in s)


def display_text(text: str) -> str:
    """Page text as shown in snippets and as the exact key is built from: NFC, classic tone placement."""
    return normalize_tones(nfc(text))


def exact_key(text: str) -> str:
    """The exact key: marks kept (bán ≠ bàn), case and tone placement (hoà = hòa) ignored.

    Same length as `display_text(text)`, so an offset in one is an offset in the other.
    """
    return _lower_aligned(display_text(text))


def folded_key(text: str) -> str:
    """The accent-insensitive key: no marks, đ → d, lower case; same length as `display_text(text)`."""
    return fold_aligned(_lower_aligned(display_text(text)))


def key_for(mode: Mode, text: str) -> str:
    """The key of TEXT for MODE."""
    return folded_key(text) if mode == "folded" else exact_key(text)


def index_terms(mode: Mode, text: str) -> str:
    """What the full-text engine indexes for TEXT in MODE: the key's tokens, one space between them."""
    return " ".join(_TOKEN.findall(key_for(mode, text)))


def parse_query(query: str, mode: Mode) -> list[list[str]]:
    """The query as phrases of tokens, in the key of MODE: `"a b" c` → [["a", "b"], ["c"]].

    Every phrase must occur on a page for it to match (AND); a phrase's tokens must be adjacent.
    """
    phrases = []
    for quoted, bare in _PHRASE.findall(nfc(query)):
        part = quoted if quoted else bare
        tokens = _TOKEN.findall(key_for(mode, part))
        if tokens:
            phrases.append(tokens)
    return phrases


@dataclass(frozen=True)
class Snippet:
    """A short excerpt of a page's text with the spans that matched (offsets into `text`)."""

    text: str
    spans: tuple[tuple[int, int], ...]


def _phrase_pattern(tokens: list[str]) -> re.Pattern[str]:
    body = r"[\W_]+".join(re.escape(t) for t in tokens)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])")


def snippet(text: str, phrases: list[list[str]], mode: Mode, width: int = 160) -> Snippet:
    """About WIDTH characters of TEXT around the first place a phrase matches, every match inside marked.

    Matching runs on the key of MODE, which has the same length as the displayed text, so the spans
    point at the accented words the user sees.
    """
    shown = " ".join(display_text(text).split())
    key = key_for(mode, shown)
    if len(key) != len(shown):  # a character whose key is not one character: show the key itself
        shown = key
    patterns = [_phrase_pattern(p) for p in phrases if p]
    found = sorted((m.start(), m.end()) for pat in patterns for m in pat.finditer(key))
    anchor = found[0][0] if found else 0
    start = max(0, anchor - width // 3)
    if start:
        space = shown.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(shown), start + width)
    if end < len(shown):
        space = shown.find(" ", end)
        end = space if 0 <= space - end < 20 else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(shown) else ""
    spans: list[tuple[int, int]] = []
    last_end = start
    for a, b in found:
        if a < last_end or b > end:
            continue
        a, b = a - start + len(prefix), b - start + len(prefix)
        if spans and not (prefix + shown[start:end])[spans[-1][1] : a].strip():
            spans[-1] = (spans[-1][0], b)  # words matched one after the other read as one mark
        else:
            spans.append((a, b))
        last_end = b + start - len(prefix)
    return Snippet(prefix + shown[start:end] + suffix, tuple(spans))
