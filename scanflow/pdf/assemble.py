"""PDF/A-2b assembly without Ghostscript: page image + invisible text layer, XMP, OutputIntent, atomic write."""

from __future__ import annotations

import importlib.resources
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream

from scanflow.ocr.tesseract import Word
from scanflow.pdf import glyphless
from scanflow.pdf.xmp import XmpData, build_xmp, info_dict

FONT_RESOURCE = "/FText"
IMAGE_RESOURCE = "/Im0"


@dataclass(frozen=True)
class PdfPage:
    """One page ready for the PDF: its encoded image file, geometry and the words read on it."""

    image_path: Path
    encoding: str  # jpeg | g4 (raw CCITT Group 4 data)
    width: int  # pixels
    height: int
    dpi: float
    color: str  # rgb | gray | bw
    words: Sequence[Word]


def srgb_profile() -> bytes:
    """The sRGB IEC61966-2.1 ICC profile (v2) shipped with OCRmyPDF, for the PDF/A OutputIntent."""
    return importlib.resources.files("ocrmypdf.data").joinpath("sRGB.icc").read_bytes()


class _Resources:
    """Objects shared by every page of one file: the glyphless font."""

    def __init__(self, pdf: Pdf) -> None:
        font_file = Stream(pdf, glyphless.font_program())
        font_file.Length1 = len(glyphless.font_program())
        descriptor = pdf.make_indirect(
            Dictionary(
                Type=Name.FontDescriptor,
                FontName=Name("/" + glyphless.FONT_NAME),
                Flags=5,
                FontBBox=Array([0, 0, glyphless.ADVANCE, glyphless.UNITS_PER_EM]),
                ItalicAngle=0,
                Ascent=glyphless.UNITS_PER_EM,
                Descent=0,
                CapHeight=glyphless.UNITS_PER_EM,
                StemV=80,
                FontFile2=pdf.make_indirect(font_file),
            )
        )
        cid_font = pdf.make_indirect(
            Dictionary(
                Type=Name.Font,
                Subtype=Name.CIDFontType2,
                BaseFont=Name("/" + glyphless.FONT_NAME),
                CIDSystemInfo=Dictionary(
                    Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
                ),
                FontDescriptor=descriptor,
                DW=glyphless.ADVANCE,
                CIDToGIDMap=pdf.make_indirect(Stream(pdf, glyphless.cid_to_gid_map())),
            )
        )
        self.font = pdf.make_indirect(
            Dictionary(
                Type=Name.Font,
                Subtype=Name.Type0,
                BaseFont=Name("/" + glyphless.FONT_NAME),
                Encoding=Name("/Identity-H"),
                DescendantFonts=Array([cid_font]),
                ToUnicode=pdf.make_indirect(Stream(pdf, glyphless.to_unicode_cmap())),
            )
        )


def _image_xobject(pdf: Pdf, page: PdfPage) -> Stream:
    data = page.image_path.read_bytes()
    stream = Stream(pdf, data)
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width = page.width
    stream.Height = page.height
    if page.encoding == "jpeg":
        stream.Filter = Name.DCTDecode
        stream.BitsPerComponent = 8
        stream.ColorSpace = Name.DeviceRGB if page.color == "rgb" else Name.DeviceGray
    elif page.encoding == "g4":
        stream.Filter = Name.CCITTFaxDecode
        stream.DecodeParms = Dictionary(K=-1, Columns=page.width, Rows=page.height, BlackIs1=False)
        stream.BitsPerComponent = 1
        stream.ColorSpace = Name.DeviceGray
    else:
        raise ValueError(f"unknown page image encoding {page.encoding!r}")
    return stream


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def text_layer(words: Sequence[Word], dpi: float, page_height_pt: float) -> bytes:
    """Content-stream operators drawing WORDS invisibly (render mode 3), each stretched over its box.

    Every word but the last of a line carries a trailing space, stretched to reach the next word,
    so copy-paste and text extraction see the spaces.
    """
    scale = 72.0 / dpi
    ops: list[str] = ["BT", "3 Tr"]
    for _, group in groupby(words, key=lambda w: w.line_key):
        line = list(group)
        bottom = max(w.top + w.height for w in line)
        top = min(w.top for w in line)
        size = max(1.0, (bottom - top) * scale)
        baseline = page_height_pt - bottom * scale
        for i, word in enumerate(line):
            last = i == len(line) - 1
            text = word.text if last else word.text + " "
            span_px = word.width if last else max(word.width, line[i + 1].left - word.left)
            natural = len(text) * size * glyphless.ADVANCE / glyphless.UNITS_PER_EM
            stretch = 100.0 * span_px * scale / natural if natural else 100.0
            ops.append(
                f"{FONT_RESOURCE} {_num(size)} Tf {_num(stretch)} Tz "
                f"1 0 0 1 {_num(word.left * scale)} {_num(baseline)} Tm <{glyphless.encode(text).hex()}> Tj"
            )
    ops.append("ET")
    return "\n".join(ops).encode("ascii")


def add_page(pdf: Pdf, resources: _Resources, page: PdfPage) -> None:
    width_pt = page.width * 72.0 / page.dpi
    height_pt = page.height * 72.0 / page.dpi
    image = pdf.make_indirect(_image_xobject(pdf, page))
    content = f"q {_num(width_pt)} 0 0 {_num(height_pt)} 0 0 cm {IMAGE_RESOURCE} Do Q\n".encode("ascii")
    content += text_layer(page.words, page.dpi, height_pt)
    pdf_page = pikepdf.Page(
        Dictionary(
            Type=Name.Page,
            MediaBox=Array([0, 0, round(width_pt, 3), round(height_pt, 3)]),
            Resources=Dictionary(
                XObject=Dictionary({IMAGE_RESOURCE: image}),
                Font=Dictionary({FONT_RESOURCE: resources.font}),
            ),
            Contents=pdf.make_indirect(Stream(pdf, content)),
        )
    )
    pdf.pages.append(pdf_page)


def _finish_pdfa(pdf: Pdf, meta: XmpData) -> None:
    icc = Stream(pdf, srgb_profile())
    icc.N = 3
    pdf.Root.OutputIntents = Array(
        [
            Dictionary(
                Type=Name.OutputIntent,
                S=Name.GTS_PDFA1,
                OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
                Info=pikepdf.String("sRGB IEC61966-2.1"),
                DestOutputProfile=pdf.make_indirect(icc),
            )
        ]
    )
    xmp = Stream(pdf, build_xmp(meta))
    xmp.Type = Name.Metadata
    xmp.Subtype = Name.XML
    pdf.Root.Metadata = pdf.make_indirect(xmp)
    lang = pikepdf.String(meta.language)
    pdf.Root.Lang = lang
    for key, value in info_dict(meta).items():
        pdf.docinfo[key] = pikepdf.String(value)


def fsync_dir(path: Path) -> None:
    if os.name == "nt":
        return  # NTFS cannot fsync a directory handle; the rename itself is journalled
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_pdfa(pages: Iterable[PdfPage], meta: XmpData, dest: Path, tmp_dir: Path) -> Path:
    """Write a PDF/A-2b file of PAGES to a temporary file in TMP_DIR and return its path.

    The caller verifies the file and then publishes it with publish(); DEST only names the temp file.
    tmp_dir must be on the same filesystem as the final location so the rename is atomic.
    """
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.stem}.", suffix=".pdf.part", dir=tmp_dir)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with Pdf.new() as pdf:
            resources = _Resources(pdf)
            for page in pages:
                add_page(pdf, resources, page)
            _finish_pdfa(pdf, meta)
            pdf.save(
                tmp,
                force_version="1.7",
                fix_metadata_version=False,
                compress_streams=True,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
            )
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def publish(tmp: Path, dest: Path) -> None:
    """Move a verified temp file to DEST atomically (same filesystem) and make the rename durable."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, dest)
    fsync_dir(dest.parent)
