"""The dossier's "Danh mục tài liệu" (list of documents, cover page 3) as CSV and PDF beside its documents."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto"))
HEADERS = ("STT", "Loại tài liệu", "Số và ký hiệu", "Ngày tháng", "Cơ quan ban hành", "Trích yếu nội dung", "Số trang")


@dataclass(frozen=True)
class Entry:
    """One line of the list: a document of the dossier."""

    ordinal: int
    type_name: str
    number: str | None
    date: str | None  # dd/mm/yyyy as staff write it
    issuer: str | None
    summary: str | None
    pages: int


def _atomic_write(dest: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_csv(entries: list[Entry]) -> bytes:
    """UTF-8 with BOM so Excel opens the Vietnamese text correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for e in entries:
        writer.writerow(
            [e.ordinal, e.type_name, e.number or "", e.date or "", e.issuer or "", e.summary or "", e.pages]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _font(name: str) -> Path:
    for directory in FONT_DIRS:
        for candidate in (directory / f"{name}.ttf", directory / f"{name.replace('DejaVu', 'Noto')}.ttf"):
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(f"font {name}.ttf not found: apt-get install fonts-dejavu-core")


def to_pdf(title: str, entries: list[Entry]) -> bytes:
    """An A4 landscape table with the dossier code as title, in a font that covers Vietnamese."""
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_creator("scanflow")
    pdf.set_title(f"Danh mục tài liệu — {title}")
    pdf.add_font("DejaVu", "", str(_font("DejaVuSans")))
    pdf.add_font("DejaVu", "B", str(_font("DejaVuSans-Bold")))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 9, "DANH MỤC TÀI LIỆU", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 7, f"Hồ sơ: {title}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 9)
    widths = (12, 55, 40, 24, 55, 78, 14)
    with pdf.table(col_widths=widths, headings_style=FontFace(emphasis="BOLD"), line_height=5.5) as table:
        table.row(HEADERS)
        for e in entries:
            table.row(
                [
                    str(e.ordinal),
                    e.type_name,
                    e.number or "",
                    e.date or "",
                    e.issuer or "",
                    e.summary or "",
                    str(e.pages),
                ]
            )
    return bytes(pdf.output())


def write(folder: Path, stem: str, entries: list[Entry]) -> tuple[Path, Path]:
    """Write <stem>.danh-muc.csv and .pdf into FOLDER atomically; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"{stem}.danh-muc.csv"
    pdf_path = folder / f"{stem}.danh-muc.pdf"
    _atomic_write(csv_path, to_csv(entries))
    _atomic_write(pdf_path, to_pdf(stem, entries))
    return csv_path, pdf_path
