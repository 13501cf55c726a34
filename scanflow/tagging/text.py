"""Vietnamese text handling: NFC, tone-mark placement, accent folding, personal names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

__all__ = [
    "NameMatch",
    "compare_names",
    "fold",
    "fold_aligned",
    "is_honorific",
    "nfc",
    "normalize_name",
    "normalize_tones",
    "OCR_CONFUSABLE",
    "ocr_fold",
    "ocr_alternation",
    "ocr_regex",
    "split_names",
    "unique_names",
]

# The five Vietnamese tone marks as combining characters (huyền, sắc, ngã, hỏi, nặng).
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

# `đ` has no decomposition, so it must be mapped by hand; OCR also returns the Icelandic eth for it.
_STROKE_D = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})

_WORD = re.compile(r"[^\W\d_]+")

# Open syllables whose tone placement differs between the two conventions: oa, oe, uy with no final
# consonant (hòa/hoà, khỏe/khoẻ, thủy/thuỷ). With a final consonant both put it on the second vowel.
_MOVABLE_NUCLEUS = re.compile(r"([bcdđghklmnpqrstvx]*)(oa|oe|uy)")

# Honorifics that precede a name: Ông, Bà, Anh, Chị, "Ông bà", "Ông/Bà", and their OCR-undotted forms.
_HONORIFICS = frozenset({"ông", "bà", "anh", "chị", "ong", "ba", "chi"})
_FOLDED_HONORIFICS = frozenset({"ong", "anh"})  # "ba" and "chi" folded are too common to guess at

NAME_MATCH_MIN = 0.85
"""Similarity the letters of two names must reach to count as the same name."""

FOLDED_MISSING_FACTOR = 0.8
"""Score factor when names agree only after folding and one side merely lacks marks (OCR dropped them)."""

FOLDED_CONFLICT_FACTOR = 0.65
"""Score factor when names agree only after folding and the marks disagree (Đoàn vs Doãn)."""


def nfc(s: str) -> str:
    """Return `s` in Unicode NFC, the form scanflow stores and compares (TCVN 6909:2001)."""
    return unicodedata.normalize("NFC", s)


def _split_tone(ch: str) -> tuple[str, str | None]:
    """Split one NFC character into (character without tone mark, tone mark or None)."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = next((c for c in decomposed if c in _TONE_MARKS), None)
    if tone is None:
        return ch, None
    return nfc("".join(c for c in decomposed if c not in _TONE_MARKS)), tone


def _retone_syllable(word: str) -> str:
    bases, tones = zip(*(_split_tone(c) for c in word), strict=True)
    toned = [i for i, t in enumerate(tones) if t is not None]
    if len(toned) != 1:
        return word
    at = toned[0]
    m = _MOVABLE_NUCLEUS.fullmatch("".join(bases).lower())
    if m is None:
        return word
    first = m.start(2)
    if m.group(2) == "uy" and m.group(1).endswith("q"):
        target = first + 1  # "qu" is the onset: quý, never qúy
    else:
        target = first
    if at == target or at not in (first, first + 1):
        return word
    chars = list(bases)
    chars[target] = nfc(chars[target] + tones[at])
    return "".join(chars)


def normalize_tones(s: str) -> str:
    """Return NFC `s` with the tone mark of open `oa`, `oe`, `uy` syllables on their first vowel.

    Canonical form: hòa, khỏe, thủy, Hòa, Ủy — the placement printed in the national heading ("CỘNG HÒA")
    of Decree 30/2020/NĐ-CP's templates ("old/new style" names differ between sources, so none is used).
    `hoà`, `khoẻ`, `thuỷ`, `Uỷ` are rewritten to it; syllables with a final consonant (hoàng, thuyết) are
    the same in both conventions and stay as they are; after `qu` the mark belongs on `y` (quý). Case is
    preserved, and nothing else in the string changes apart from NFC composition.
    """
    return _WORD.sub(lambda m: _retone_syllable(m.group(0)), nfc(s))


def fold(s: str) -> str:
    """Return the accent-insensitive key of `s`: no marks, `đ`→`d`, casefolded, single-spaced, stripped.

    Folding merges different names (Đoàn and Doãn both give "doan"); use it as a fallback key only.
    """
    decomposed = unicodedata.normalize("NFD", s.translate(_STROKE_D))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


# Letters OCR confuses with look-alikes, as regex alternatives over folded (lower-case, unmarked) text.
_LOOKALIKES = {
    "m": "(?:m|rn|nn)",
    "n": "(?:n|ri)",
    "h": "[hb]",
    "b": "[bh]",
    "i": "[il1|!]",
    "l": "[li1|]",
    "o": "[o0]",
    "g": "[gq]",
    "e": "[ec]",
    "c": "[ce]",
    "u": "[uv]",
}


# Single characters OCR returns for one another, mapped to one representative (keeps string length).
OCR_CONFUSABLE = str.maketrans({"l": "i", "1": "i", "|": "i", "!": "i", "0": "o"})


def ocr_fold(s: str) -> str:
    """`fold(s)` with the commonest OCR look-alikes merged (l/1/| → i, 0 → o, b → h, rn → m, ri → n): a
    key for fuzzy comparison of phrases, never for display."""
    return fold(s).translate(OCR_CONFUSABLE).replace("b", "h").replace("rn", "m").replace("ri", "n")


def ocr_regex(phrase: str) -> str:
    """A regex source matching folded `phrase` in folded text despite OCR look-alikes (m/rn, n/ri, h/b,
    i/l/1, o/0, g/q, e/c, u/v) and missing or extra spaces between its words."""
    return "".join(r"\s*" if ch == " " else _LOOKALIKES.get(ch, re.escape(ch)) for ch in fold(phrase))


def ocr_alternation(*phrases: str) -> str:
    """A regex group source matching any of `phrases` via `ocr_regex`."""
    return "(?:" + "|".join(ocr_regex(p) for p in phrases) + ")"


def _fold_char(ch: str) -> str:
    folded = fold(ch) if not ch.isspace() else ch
    return folded if len(folded) == 1 else ch


def fold_aligned(s: str) -> str:
    """Fold `s` character by character, keeping its length, so offsets in the result index `s` itself.

    Meant for NFC input (finders call it on `nfc(text)`): each precomposed letter becomes its bare
    lower-case letter; whitespace is kept as it is; a character whose fold is not one character is kept.
    """
    return "".join(_fold_char(c) for c in s)


def is_honorific(word: str) -> bool:
    """True for a word that precedes a name as an honorific: Ông, Bà, Anh, Chị (any case, OCR-undotted,
    OCR look-alikes such as "Ôrig")."""
    return word.lower() in _HONORIFICS or ocr_fold(word) in _FOLDED_HONORIFICS


def _strip_honorifics(tokens: list[str]) -> list[str]:
    stripped = 0
    while stripped < 2 and len(tokens) > stripped + 1:
        if is_honorific(tokens[stripped]):
            stripped += 1
        else:
            break
    return tokens[stripped:]


def normalize_name(s: str) -> str:
    """Return a personal name in canonical form: NFC, tones as `normalize_tones`, no honorific, Title Case.

    Up to two leading honorifics (Ông, Bà, Anh, Chị, "Ông bà", "Ông/Bà", also OCR-undotted "Ong", "Ba")
    are dropped as long as a name remains; punctuation around words is dropped; whitespace is single.
    "ông  NGUYỄN văn hoà" → "Nguyễn Văn Hòa".
    """
    tokens = _WORD.findall(normalize_tones(s))
    tokens = _strip_honorifics(tokens)
    return " ".join(t[:1].upper() + t[1:].lower() for t in tokens)


_NAME_SEPARATORS = re.compile(r"\s*(?:[;,\n]|\s+và\s+|\s+va\s+)\s*", re.IGNORECASE)


def split_names(s: str | None) -> list[str]:
    """Split a register or document field listing several people into normalised names.

    Separators: `;`, `,`, newline and the word "và". Empty parts are dropped; order is kept; a name given
    twice is returned once.
    """
    if not s:
        return []
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(nfc(s)):
        name = normalize_name(part)
        if name and name not in names:
            names.append(name)
    return names  # exact repeats only: two register entries differing by marks are two people


def unique_names(names: Iterable[str]) -> list[str]:
    """`names` as given, each person once: a later name matching an earlier one (accented or folded, e.g.
    an OCR variant) is dropped; order of first mention is kept; blank names are dropped. Two people whose
    names differ only in marks (Đoàn / Doãn) count as one: prefer review to a silent split."""
    kept: list[str] = []
    for name in names:
        name = name.strip()
        if name and all(compare_names(name, other).mode == "none" for other in kept):
            kept.append(name)
    return kept


@dataclass(frozen=True)
class NameMatch:
    """How well two names agree.

    `mode` is "accented" when the names agree with their diacritics, "folded" when they agree only once
    diacritics are removed (weaker: a folded score is always below an accented one), "none" otherwise.
    """

    score: float
    mode: Literal["accented", "folded", "none"]


def _marks(ch: str) -> frozenset[str]:
    marks = {c for c in unicodedata.normalize("NFD", ch) if unicodedata.combining(c)}
    if ch in "đĐðÐ":
        marks.add("stroke")
    return frozenset(marks)


def _diacritic_differences(a: str, b: str, fa: str, fb: str) -> tuple[int, int]:
    """Count letters equal after folding whose marks differ: (one side lacks marks, marks conflict)."""
    missing = conflict = 0
    for op in Levenshtein.opcodes(fa, fb):
        if op.tag != "equal":
            continue
        for i, j in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True):
            if a[i] == b[j]:
                continue
            ma, mb = _marks(a[i]), _marks(b[j])
            if ma <= mb or mb <= ma:
                missing += 1
            else:
                conflict += 1
    return missing, conflict


def _given_names_agree(fa: str, fb: str) -> bool:
    """The given name (last word) decides identity: short ones must be equal, long ones nearly so."""
    ga, gb = fa.rsplit(" ", 1)[-1], fb.rsplit(" ", 1)[-1]
    if ga == gb:
        return True
    return min(len(ga), len(gb)) >= 4 and fuzz.ratio(ga, gb) >= 75


def compare_names(a: str, b: str) -> NameMatch:
    """Compare two personal names, accented form first, folded form as a fallback.

    Both sides go through `normalize_name` (so NFD input, tone placement, honorifics and case do not
    matter). Guarantees:
    - identical accented names → score 1.0, mode "accented";
    - names whose letters are similar (≥ NAME_MATCH_MIN) and whose marks agree wherever letters agree →
      mode "accented", score = accented similarity (≥ NAME_MATCH_MIN);
    - names equal or similar only after folding → mode "folded", score at most FOLDED_MISSING_FACTOR when
      one side just lacks marks (OCR dropped them: "Nguyen Van An"), at most FOLDED_CONFLICT_FACTOR when
      marks contradict (Đoàn vs Doãn, or an OCR tone confusion), hence always below an accented match;
    - otherwise mode "none" with a score below 0.5.
    Letter-level OCR look-alikes (rn/m, ri/n, l/i…) lower the similarity but are forgiven when deciding
    whether the names match at all. A different given name (An vs Anh) never matches.
    """
    ka, kb = normalize_name(a).casefold(), normalize_name(b).casefold()
    if not ka or not kb:
        return NameMatch(0.0, "none")
    if ka == kb:
        return NameMatch(1.0, "accented")
    fa, fb = fold_aligned(ka), fold_aligned(kb)
    oa, ob = ocr_fold(ka), ocr_fold(kb)
    folded = max(fuzz.ratio(fa, fb), fuzz.ratio(oa, ob)) / 100
    if folded < NAME_MATCH_MIN or not (_given_names_agree(fa, fb) or _given_names_agree(oa, ob)):
        return NameMatch(round(folded * 0.5, 4), "none")
    missing, conflict = _diacritic_differences(ka, kb, fa, fb)
    accented = fuzz.ratio(ka, kb) / 100
    if missing == conflict == 0 and accented >= NAME_MATCH_MIN:
        return NameMatch(round(accented, 4), "accented")
    factor = FOLDED_CONFLICT_FACTOR if conflict else FOLDED_MISSING_FACTOR
    return NameMatch(round(folded * factor, 4), "folded")
