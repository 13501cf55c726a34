"""Read-only PDF/A-2b structure check (veraPDF cannot be installed here): the rules scanflow can get wrong."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
from pikepdf import Name

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


def _xmp_values(xmp: bytes) -> dict[str, str]:
    """Flat {namespace-qualified tag: text} of the XMP packet's simple and single-item properties."""
    body = re.sub(rb"<\?xpacket[^>]*\?>", b"", xmp)
    root = ElementTree.fromstring(body)
    values: dict[str, str] = {}
    for desc in root.iter(f"{RDF}Description"):
        for attr, value in desc.attrib.items():
            values.setdefault(attr, value)
        for child in desc:
            items = [li.text or "" for li in child.iter(f"{RDF}li")]
            values.setdefault(child.tag, items[0] if items else (child.text or "").strip())
    return values


def _walk_fonts(resources: pikepdf.Dictionary, seen: set[tuple[int, int]]) -> list[pikepdf.Dictionary]:
    fonts: list[pikepdf.Dictionary] = []
    if resources is None:
        return fonts
    for font in (resources.get("/Font") or {}).values():
        fonts.append(font)
    for xobj in (resources.get("/XObject") or {}).values():
        if xobj.get("/Subtype") == Name.Form and xobj.objgen not in seen:
            seen.add(xobj.objgen)
            fonts.extend(_walk_fonts(xobj.get("/Resources"), seen))
    return fonts


def _font_embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == Name.Type3:
        return True
    if font.get("/Subtype") == Name.Type0:
        return all(_font_embedded(d) for d in font.DescendantFonts)
    desc = font.get("/FontDescriptor")
    return desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def check_pdfa(path: Path) -> list[str]:
    """Problems that make PATH not PDF/A-2b (empty list: none found). Never modifies the file."""
    problems: list[str] = []
    with path.open("rb") as fh:
        header = fh.read(16)
    match = re.match(rb"%PDF-1\.(\d)", header)
    if not match or int(match.group(1)) > 7:
        problems.append(f"header {header[:8]!r}: PDF/A-2 needs PDF 1.x with x ≤ 7")
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return [*problems, "encrypted"]
    except pikepdf.PdfError as exc:
        return [*problems, f"not a readable PDF: {exc}"]
    with pdf:
        if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
            problems.append("encrypted")
        if "/ID" not in pdf.trailer:
            problems.append("trailer has no /ID")
        problems += _check_metadata(pdf)
        problems += _check_output_intent(pdf)
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if "/Names" in pdf.Root and key in pdf.Root.Names:
                problems.append(f"document has {key[1:]}")
        if "/OpenAction" in pdf.Root or "/AA" in pdf.Root:
            problems.append("document has automatic actions")
        seen: set[tuple[int, int]] = set()
        for number, page in enumerate(pdf.pages, start=1):
            if "/AA" in page.obj:
                problems.append(f"page {number}: automatic actions")
            for font in _walk_fonts(page.obj.get("/Resources"), seen):
                if not _font_embedded(font):
                    problems.append(f"page {number}: font {font.get('/BaseFont')} not embedded")
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                filters = obj.get("/Filter")
                names = [filters] if isinstance(filters, Name) else list(filters or [])
                if Name.LZWDecode in names:
                    problems.append("LZW-compressed stream")
                    break
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == Name.JavaScript:
                problems.append("JavaScript action")
                break
    return problems


def _check_metadata(pdf: pikepdf.Pdf) -> list[str]:
    if "/Metadata" not in pdf.Root:
        return ["no XMP metadata"]
    stream = pdf.Root.Metadata
    problems = []
    if "/Filter" in stream:
        problems.append("XMP metadata stream is compressed")
    try:
        values = _xmp_values(stream.read_bytes())
    except ElementTree.ParseError as exc:
        return [*problems, f"XMP is not well-formed: {exc}"]
    part = values.get(f"{PDFAID}part")
    conformance = values.get(f"{PDFAID}conformance")
    if part != "2" or (conformance or "").upper() not in ("B", "U"):
        problems.append(f"XMP pdfaid is part={part} conformance={conformance}, expected 2/B")
    title = values.get("{http://purl.org/dc/elements/1.1/}title")
    if "/Title" in pdf.docinfo and str(pdf.docinfo.Title) != (title or ""):
        problems.append("Info /Title differs from XMP dc:title")
    producer = values.get("{http://ns.adobe.com/pdf/1.3/}Producer")
    if "/Producer" in pdf.docinfo and str(pdf.docinfo.Producer) != (producer or ""):
        problems.append("Info /Producer differs from XMP pdf:Producer")
    return problems


def _check_output_intent(pdf: pikepdf.Pdf) -> list[str]:
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        return ["no OutputIntent"]
    pdfa = [oi for oi in intents if oi.get("/S") == Name.GTS_PDFA1]
    if not pdfa:
        return ["no GTS_PDFA1 OutputIntent"]
    profile = pdfa[0].get("/DestOutputProfile")
    if profile is None or not isinstance(profile, pikepdf.Stream):
        return ["OutputIntent has no ICC profile"]
    data = profile.read_bytes()
    if data[36:40] != b"acsp" or int(profile.get("/N", 0)) not in (1, 3, 4):
        return ["OutputIntent ICC profile is not a valid ICC profile"]
    return []


def text_is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)
