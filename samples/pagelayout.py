"""Page layout for synthetic papers: fonts, word wrap, pagination and clean (undegraded) rendering."""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

A4_MM = (210.0, 297.0)
STYLES = ("regular", "bold", "italic", "bolditalic")
#: Text every font must render (not as .notdef boxes) to be used.
VIETNAMESE_PROBE = ("ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
                    "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐđƠơƯưĂăÂâÊêÔô")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))
_FAMILY_FILES = {
    "Liberation Serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf",
                         "LiberationSerif-BoldItalic.ttf"),
    "Noto Serif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf",
                   "NotoSerif-BoldItalic.ttf"),
    "DejaVu Serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf",
                     "DejaVuSerif-BoldItalic.ttf"),
}


def a4_pixels(dpi: int) -> tuple[int, int]:
    """(width, height) of an A4 page: 2480×3508 at 300 dpi, 1654×2339 at 200 dpi."""
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)


def font_covers(path: str, text: str) -> bool:
    """True when every character of ``text`` has a glyph (renders differently from the .notdef box)."""
    font = ImageFont.truetype(path, 32, layout_engine=ImageFont.Layout.BASIC)
    notdef = font.getmask("\U0010fffd")
    missing = (notdef.size, bytes(notdef))
    for ch in set(text) - {" "}:
        mask = font.getmask(ch)
        if (mask.size, bytes(mask)) == missing:
            return False
    return True


@dataclass(frozen=True)
class FontFamily:
    """A serif family with its four style files."""

    name: str
    files: tuple[str, str, str, str]  # regular, bold, italic, bold italic

    def path(self, style: str) -> str:
        return self.files[STYLES.index(style)]


def _find(filename: str) -> list[Path]:
    return sorted(p for root in FONT_DIRS if Path(root).is_dir() for p in Path(root).rglob(filename))


@functools.cache
def font_families() -> tuple[FontFamily, ...]:
    """Installed serif families that render Vietnamese (Liberation Serif 1.x does not; 2.x does)."""
    found: list[FontFamily] = []
    for name, names in _FAMILY_FILES.items():
        for regular in _find(names[0]):
            paths = tuple(str(regular.parent / n) for n in names)
            if all(Path(p).is_file() and font_covers(p, VIETNAMESE_PROBE) for p in paths):
                found.append(FontFamily(name, paths))  # type: ignore[arg-type]
                break
    if not found:
        raise RuntimeError("no serif font with Vietnamese glyphs found (install fonts-liberation2, "
                           "fonts-dejavu-core or fonts-noto-core)")
    return tuple(found)


def family(name: str | None = None) -> FontFamily:
    """The named family, or the first available (Liberation Serif, metric-compatible with Times New Roman)."""
    families = font_families()
    for f in families:
        if name is None or f.name == name:
            return f
    raise KeyError(f"font family {name!r} not installed; have {[f.name for f in families]}")


@functools.lru_cache(maxsize=256)
def _font(path: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, px, layout_engine=ImageFont.Layout.BASIC)


@functools.lru_cache(maxsize=65536)
def _width(path: str, px: int, text: str) -> float:
    return _font(path, px).getlength(text)


# --- elements a document is made of --------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph, word-wrapped to its column. Sizes in points, distances in millimetres."""

    text: str
    style: str = "regular"
    size: float = 0.0  # 0 = the document's body size
    align: str = "justify"  # left | center | right | justify
    indent: float | None = None  # first-line indent; None = the document's default
    left: float = 0.0  # indent of every line
    before: float | None = None  # space above, in points; None = the document's default
    rule: float = 0.0  # draw a rule under the last line, this fraction of its width (heading underline)
    keep: bool = False  # keep with the next element (titles)
    fit: bool = False  # shrink the font until the text fits on one line (headings)


@dataclass(frozen=True)
class Spacer:
    mm: float


@dataclass(frozen=True)
class Signature:
    """Room for a handwritten signature, optionally with the round red seal over its left part."""

    height: float = 22.0
    stamp: str = ""  # text around the seal's ring; "" = no seal


@dataclass(frozen=True)
class Columns:
    """Two side-by-side blocks (heading: issuing body | national heading; footer: Nơi nhận | signer).
    Never split across pages. Reading order: the whole left block, then the right block."""

    left: tuple[Para | Spacer | Signature, ...]
    right: tuple[Para | Spacer | Signature, ...]
    split: float = 0.42  # share of the text width given to the left block


Element = Para | Spacer | Signature | Columns


@dataclass(frozen=True)
class DocStyle:
    """How one printed document looks."""

    family: FontFamily
    body_pt: float = 13.5
    leading: float = 1.32  # line pitch / font size
    margins: tuple[float, float, float, float] = (20.0, 30.0, 20.0, 15.0)  # top, left, bottom, right (mm)
    indent: float = 10.0  # first-line indent (mm)
    para_before: float = 3.0  # points


# --- laid-out pages --------------------------------------------------------------------------------------


@dataclass
class TextRun:
    """One printed line. ``y`` is the baseline; ``width`` is set for justified lines."""

    text: str
    style: str
    px: int
    x: float
    y: float
    width: float | None = None

    def bbox(self, fam: FontFamily) -> tuple[int, int, int, int]:
        left, top, right, bottom = _font(fam.path(self.style), self.px).getbbox(self.text, anchor="ls")
        if self.width is not None:
            right = self.width
        return (math.floor(self.x + left), math.floor(self.y + top), math.ceil(self.x + right),
                math.ceil(self.y + bottom))


@dataclass
class Mark:
    """A non-text mark: "rule" (x, y, w; h = thickness), "signature" / "stamp" (box x, y, w, h),
    "but_luc" (handwritten sheet number, text)."""

    kind: str
    x: float
    y: float
    w: float
    h: float
    text: str = ""
    seed: int = 0


@dataclass
class PageLayout:
    """Everything printed on one page, in reading order, in pixels at ``dpi``."""

    dpi: int
    width: int
    height: int
    family: FontFamily
    runs: list[TextRun] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [r.text for r in self.runs]

    def boxes(self) -> list[tuple[int, int, int, int]]:
        return [r.bbox(self.family) for r in self.runs]


class _Layouter:
    def __init__(self, style: DocStyle, dpi: int, seed: int) -> None:
        self.s = style
        self.dpi = dpi
        self.width, self.height = a4_pixels(dpi)
        top, left, bottom, right = style.margins
        self.left = self.mm(left)
        self.right = self.width - self.mm(right)
        self.top = self.mm(top)
        self.bottom = self.height - self.mm(bottom)
        self.rng = random.Random(seed)
        self.pages: list[PageLayout] = []
        self.y = 0.0
        self.new_page()

    def mm(self, v: float) -> float:
        return v * self.dpi / 25.4

    def pt(self, v: float) -> float:
        return v * self.dpi / 72.0

    def px(self, size_pt: float) -> int:
        return max(6, round(self.pt(size_pt or self.s.body_pt)))

    def pitch(self, px: int) -> float:
        return px * self.s.leading

    @property
    def page(self) -> PageLayout:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(PageLayout(self.dpi, self.width, self.height, self.s.family))
        self.y = self.top
        if len(self.pages) > 1:  # Decree 30: page numbers from page 2, centred in the top margin
            px = self.px(self.s.body_pt - 1)
            font = _font(self.s.family.path("regular"), px)
            text = str(len(self.pages))
            x = (self.left + self.right) / 2 - font.getlength(text) / 2
            self.page.runs.append(TextRun(text, "regular", px, x, self.top * 0.62))

    # -- paragraphs

    def para_px(self, para: Para, width: float) -> int:
        px = self.px(para.size)
        if para.fit:
            path = self.s.family.path(para.style)
            while px > 8 and _width(path, px, para.text) > width * 0.98:  # slack: wrap sums word widths
                px -= 1
        return px

    def wrap(self, para: Para, width: float) -> list[tuple[str, float, bool]]:
        """Lines of ``para`` as (text, x offset, justify?)."""
        px = self.para_px(para, width)
        path = self.s.family.path(para.style)
        indent = self.mm(self.s.indent if para.indent is None else para.indent)
        if para.align in ("center", "right"):
            indent = 0.0
        left = self.mm(para.left)
        space = _width(path, px, " ")
        out: list[tuple[str, float, bool]] = []
        words = para.text.split()
        line: list[str] = []
        line_w = 0.0
        offset = left + indent
        for word in words:
            w = _width(path, px, word)
            if line and offset + line_w + space + w > width:
                out.append((" ".join(line), offset, True))
                line, line_w, offset = [word], w, left
            else:
                line_w += (space if line else 0.0) + w
                line.append(word)
        if line:
            out.append((" ".join(line), offset, False))
        return out

    def para_height(self, para: Para, width: float) -> float:
        return self.pt(self.s.para_before if para.before is None else para.before) + len(
            self.wrap(para, width)) * self.pitch(self.para_px(para, width))

    def place_para(self, para: Para, x0: float, width: float, y: float, page: PageLayout,
                   paginate: bool) -> float:
        px = self.para_px(para, width)
        font = _font(self.s.family.path(para.style), px)
        pitch = self.pitch(px)
        y += self.pt(self.s.para_before if para.before is None else para.before)
        lines = self.wrap(para, width)
        for i, (text, offset, can_justify) in enumerate(lines):
            if paginate and y + pitch > self.bottom:
                self.new_page()
                page, y = self.page, self.y
            baseline = y + px * 1.02
            text_w = font.getlength(text)
            if para.align == "center":
                x = x0 + (width - text_w) / 2
            elif para.align == "right":
                x = x0 + width - text_w
            else:
                x = x0 + offset
            justify = para.align == "justify" and can_justify and " " in text
            run = TextRun(text, para.style, px, x, baseline, width - offset if justify else None)
            page.runs.append(run)
            if para.rule and i == len(lines) - 1:
                rule_w = text_w * para.rule
                page.marks.append(Mark("rule", x + (text_w - rule_w) / 2, baseline + px * 0.3, rule_w,
                                       max(1.0, self.dpi / 160)))
            y += pitch
        return y

    # -- blocks

    def block_height(self, items: Sequence[Para | Spacer | Signature], width: float) -> float:
        h = 0.0
        for it in items:
            if isinstance(it, Para):
                h += self.para_height(it, width)
            elif isinstance(it, Spacer):
                h += self.mm(it.mm)
            else:
                h += self.mm(it.height)
        return h

    def place_block(self, items: Sequence[Para | Spacer | Signature], x0: float, width: float,
                    y: float) -> float:
        for it in items:
            if isinstance(it, Para):
                y = self.place_para(it, x0, width, y, self.page, paginate=False)
            elif isinstance(it, Spacer):
                y += self.mm(it.mm)
            else:
                y = self.place_signature(it, x0, width, y)
        return y

    def place_signature(self, sig: Signature, x0: float, width: float, y: float) -> float:
        h = self.mm(sig.height)
        w = min(width * 0.7, self.mm(45))
        cx = x0 + width / 2
        self.page.marks.append(Mark("signature", cx - w / 2 + self.rng.uniform(-0.1, 0.1) * w, y + h * 0.1,
                                    w, h * 0.8, seed=self.rng.getrandbits(32)))
        if sig.stamp:
            r = self.mm(self.rng.uniform(16.5, 19.0))
            sx = cx - w * self.rng.uniform(0.15, 0.45)
            sy = y + h * self.rng.uniform(0.2, 0.45)
            self.page.marks.append(Mark("stamp", sx - r, sy - r, 2 * r, 2 * r, sig.stamp,
                                        self.rng.getrandbits(32)))
        return y + h

    def place(self, el: Element) -> None:
        width = self.right - self.left
        if isinstance(el, Para):
            self.y = self.place_para(el, self.left, width, self.y, self.page, paginate=True)
        elif isinstance(el, Spacer):
            self.y += self.mm(el.mm)
        elif isinstance(el, Signature):
            if self.y + self.mm(el.height) > self.bottom:
                self.new_page()
            self.y = self.place_signature(el, self.left, width, self.y)
        else:
            lw = width * el.split
            rw = width - lw - self.mm(4)
            h = max(self.block_height(el.left, lw), self.block_height(el.right, rw))
            if self.y + h > self.bottom and self.y > self.top + self.mm(12):
                self.new_page()
            y_left = self.place_block(el.left, self.left, lw, self.y)
            y_right = self.place_block(el.right, self.right - rw, rw, self.y)
            self.y = max(y_left, y_right)

    def element_height(self, el: Element) -> float:
        width = self.right - self.left
        if isinstance(el, Para):
            return self.para_height(el, width)
        if isinstance(el, Spacer):
            return self.mm(el.mm)
        if isinstance(el, Signature):
            return self.mm(el.height)
        lw = width * el.split
        return max(self.block_height(el.left, lw), self.block_height(el.right, width - lw - self.mm(4)))


def layout(elements: Iterable[Element], style: DocStyle, dpi: int, seed: int = 0) -> list[PageLayout]:
    """Lay ``elements`` out on as many A4 pages as they need. A title marked ``keep`` moves to the next
    page with what follows it; two-column blocks (heading, signatures) are never split."""
    lay = _Layouter(style, dpi, seed)
    items = list(elements)
    for i, el in enumerate(items):
        if isinstance(el, Para) and el.keep and i + 1 < len(items):
            need = lay.element_height(el) + min(lay.element_height(items[i + 1]), lay.pitch(lay.px(0)) * 2)
            if lay.y + need > lay.bottom and lay.y > lay.top + lay.mm(12):
                lay.new_page()
        lay.place(el)
    return lay.pages


# --- clean rendering -------------------------------------------------------------------------------------


@dataclass
class InkPatch:
    """A coloured mark (signature, seal, handwriting): coverage 0-255 placed at (x, y)."""

    x: int
    y: int
    coverage: np.ndarray
    rgb: tuple[int, int, int]


@dataclass
class CleanPage:
    """A page before scanning: printed-text coverage (uint8, 255 = full toner) and coloured ink patches."""

    text: np.ndarray
    inks: list[InkPatch]


BLUE_INK = (28, 48, 150)
SEAL_RED = (212, 38, 48)


def _signature_patch(w: int, h: int, seed: int, dpi: int) -> np.ndarray:
    rng = random.Random(seed)
    img = np.zeros((h, w), np.uint8)
    thick = max(2, round(dpi / 110))
    x = w * 0.08
    pts: list[tuple[float, float]] = []
    n = rng.randint(5, 9)
    for i in range(n):
        x += w * 0.84 / n
        amp = h * rng.uniform(0.15, 0.42)
        for t in np.linspace(0, 2 * math.pi, 14):
            pts.append((x + math.cos(t + i) * w * 0.05 * rng.uniform(0.6, 1.4),
                        h * 0.5 + math.sin(t * rng.choice((1, 2))) * amp))
    arr = np.array(pts, np.float32)
    arr[:, 0] = cv2.GaussianBlur(arr[:, 0].reshape(-1, 1), (1, 5), 1.2).ravel()
    arr[:, 1] = cv2.GaussianBlur(arr[:, 1].reshape(-1, 1), (1, 5), 1.2).ravel()
    cv2.polylines(img, [np.round(arr).astype(np.int32)], False, 255, thick, cv2.LINE_AA)
    y0 = int(h * rng.uniform(0.55, 0.8))
    cv2.line(img, (int(w * 0.1), y0), (int(w * rng.uniform(0.6, 0.95)), y0 - int(h * 0.1)), 255, thick,
             cv2.LINE_AA)
    return img


def _stamp_patch(size: int, text: str, seed: int, fam: FontFamily) -> np.ndarray:
    rng = random.Random(seed)
    pad = 4
    n = size + 2 * pad
    img = Image.new("L", (n, n), 0)
    draw = ImageDraw.Draw(img)
    c = n / 2
    r = size / 2
    ring = max(3, size // 55)
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=ring)
    draw.ellipse((c - r * 0.66, c - r * 0.66, c + r * 0.66, c + r * 0.66), outline=255, width=max(2, ring // 2))
    # five-pointed star in the centre
    star = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = r * (0.22 if k % 2 == 0 else 0.09)
        star.append((c + rr * math.cos(a), c + rr * math.sin(a)))
    draw.polygon(star, fill=255)
    font = _font(fam.path("bold"), max(8, int(r * 0.2)))
    chars = list(text.upper() + " ★ ")
    step = 2 * math.pi / max(len(chars), 1)
    for k, ch in enumerate(chars):
        a = -math.pi / 2 - math.pi * 0.92 + k * step
        tile = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(tile).text((font.size, font.size), ch, font=font, fill=255, anchor="mm")
        tile = tile.rotate(-math.degrees(a) - 90, resample=Image.Resampling.BILINEAR)
        rr = r * 0.83
        img.paste(255, (int(c + rr * math.cos(a) - font.size), int(c + rr * math.sin(a) - font.size)), tile)
    arr = np.asarray(img, np.float32)
    # uneven ink pressure
    field_ = cv2.resize(np.asarray([[rng.uniform(0.55, 1.0) for _ in range(4)] for _ in range(4)], np.float32),
                        (n, n), interpolation=cv2.INTER_CUBIC)
    return np.clip(arr * field_, 0, 255).astype(np.uint8)


def _but_luc_patch(text: str, px: int, fam: FontFamily, seed: int) -> np.ndarray:
    font = _font(fam.path("italic"), px)
    w = int(font.getlength(text)) + px
    img = Image.new("L", (w, px * 2), 0)
    ImageDraw.Draw(img).text((px // 2, px * 1.5), text, font=font, fill=255, anchor="ls")
    img = img.rotate(random.Random(seed).uniform(-8, 8), resample=Image.Resampling.BILINEAR, expand=True)
    return np.asarray(img)


def render_clean(page: PageLayout) -> CleanPage:
    """Draw ``page``: text coverage for the printed lines plus ink patches for signatures, seals and the
    handwritten sheet number."""
    img = Image.new("L", (page.width, page.height), 0)
    draw = ImageDraw.Draw(img)
    fam = page.family
    for run in page.runs:
        font = _font(fam.path(run.style), run.px)
        if run.width is None:
            draw.text((run.x, run.y), run.text, font=font, fill=255, anchor="ls")
            continue
        words = run.text.split(" ")
        widths = [font.getlength(w) for w in words]
        gap = (run.width - sum(widths)) / (len(words) - 1)
        x = run.x
        for word, w in zip(words, widths, strict=True):
            draw.text((x, run.y), word, font=font, fill=255, anchor="ls")
            x += w + gap
    inks: list[InkPatch] = []
    for m in page.marks:
        if m.kind == "rule":
            draw.rectangle((m.x, m.y, m.x + m.w, m.y + m.h), fill=255)
        elif m.kind == "signature":
            inks.append(InkPatch(int(m.x), int(m.y), _signature_patch(int(m.w), int(m.h), m.seed, page.dpi),
                                 BLUE_INK))
        elif m.kind == "stamp":
            inks.append(InkPatch(int(m.x), int(m.y), _stamp_patch(int(m.w), m.text, m.seed, fam), SEAL_RED))
        elif m.kind == "but_luc":
            inks.append(InkPatch(int(m.x), int(m.y), _but_luc_patch(m.text, int(m.h), fam, m.seed), BLUE_INK))
    return CleanPage(np.asarray(img), inks)
