"""An invisible-text font for the OCR layer: one empty glyph, half an em wide, for every character."""

from __future__ import annotations

import functools
import io

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

UNITS_PER_EM = 1000
ADVANCE = 500  # every character is half an em wide; words are stretched to their boxes with Tz
FONT_NAME = "ScanflowGlyphLess"


@functools.cache
def font_program() -> bytes:
    """A minimal TrueType font (glyphs .notdef and one empty glyph) to embed as FontFile2."""
    builder = FontBuilder(UNITS_PER_EM, isTTF=True)
    order = [".notdef", "blank"]
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({0x20: "blank"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({name: empty for name in order})
    builder.setupHorizontalMetrics({name: (ADVANCE, 0) for name in order})
    builder.setupHorizontalHeader(ascent=UNITS_PER_EM, descent=0)
    builder.setupNameTable({"familyName": FONT_NAME, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=UNITS_PER_EM, sTypoDescender=0, usWinAscent=UNITS_PER_EM, usWinDescent=0)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def cid_to_gid_map() -> bytes:
    """CIDToGIDMap sending every 16-bit CID (the character's code point) to glyph 1, never .notdef."""
    return b"\x00\x01" * 65536


def to_unicode_cmap() -> bytes:
    """A ToUnicode CMap: each 2-byte code is the UTF-16 code unit of the character it shows."""
    highs = [hi for hi in range(256) if not 0xD8 <= hi <= 0xDF]  # surrogates are never shown alone
    blocks = []
    for start in range(0, len(highs), 100):  # at most 100 ranges per block (PDF 32000-1, 9.10.3)
        chunk = highs[start : start + 100]
        ranges = "\n".join(f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in chunk)
        blocks.append(f"{len(chunk)} beginbfrange\n{ranges}\nendbfrange\n")
    body = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "".join(blocks)
        + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    return body.encode("ascii")


def encode(text: str) -> bytes:
    """Text as the 2-byte codes this font shows (characters outside the BMP become U+FFFD)."""
    return "".join(ch if ord(ch) <= 0xFFFF and not 0xD800 <= ord(ch) <= 0xDFFF else "\ufffd" for ch in text).encode(
        "utf-16-be"
    )
