"""Printable QR cover sheets (`scanflow coversheet`): one A4 page per dossier code, placed on top when scanning."""

from __future__ import annotations

import datetime as dt
import io
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from fpdf import FPDF
from PIL import Image

from scanflow import imaging
from scanflow.documents import COVER_PREFIX
from scanflow.errors import InputError, MissingDependencyError
from scanflow.store.models import RegisterCase

QR_MM = 70.0
QR_DPI = 300
MAX_CODE_LENGTH = 64  # RegisterCase.ma_ho_so
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    (r"C:\Windows\Fonts\arial.ttf", r"C:\Windows\Fonts\arialbd.ttf"),
)
LOAI_LABELS = {"chu_dong": "Chủ động", "theo_yeu_cau": "Theo yêu cầu"}


@dataclass(frozen=True)
class CoverSheet:
    """One sheet: the dossier code and the register details printed under it (label, value)."""

    code: str
    details: list[tuple[str, str]] = field(default_factory=list)
    known: bool = False  # the code is in the imported register


def normalise_code(raw: str) -> str:
    """A dossier code as it goes into the QR: NFC, trimmed; InputError when it cannot be one."""
    code = unicodedata.normalize("NFC", raw).strip()
    if not code:
        raise InputError("empty dossier code")
    if len(code) > MAX_CODE_LENGTH:
        raise InputError(f"dossier code {code[:20]}… is longer than {MAX_CODE_LENGTH} characters")
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in code):
        raise InputError(f"dossier code {code!r} contains spaces or control characters")
    return code


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def sheet_for(code: str, case: RegisterCase | None) -> CoverSheet:
    """The sheet for CODE, with the register case's details when it is known."""
    if case is None:
        return CoverSheet(code)
    so_qd = " ngày ".join(v for v in (case.so_qd_tha, _date(case.ngay_qd_tha)) if v)
    ban_an = " ngày ".join(v for v in (case.so_ban_an, _date(case.ngay_ban_an)) if v)
    rows = [
        ("Số QĐTHA", so_qd),
        ("Bản án, quyết định", ban_an),
        ("Tòa án", case.toa_an or ""),
        ("Người phải thi hành án", case.nguoi_phai_thi_hanh or ""),
        ("Người được thi hành án", case.nguoi_duoc_thi_hanh or ""),
        ("Loại việc", LOAI_LABELS.get(case.loai or "", case.loai or "")),
        ("Đơn vị", case.don_vi or ""),
        ("Năm", str(case.year) if case.year else ""),
    ]
    return CoverSheet(code, [(label, value) for label, value in rows if value], known=True)


def _fonts() -> tuple[str, str]:
    for regular, bold in FONT_CANDIDATES:
        if os.path.isfile(regular) and os.path.isfile(bold):
            return regular, bold
    raise MissingDependencyError("no font with Vietnamese letters found: install fonts-dejavu-core")


def qr_png(payload: str) -> bytes:
    """The QR code of PAYLOAD as a PNG sized for QR_MM at QR_DPI."""
    box_px = round(QR_MM / 25.4 * QR_DPI)
    pixels = imaging.make_qr(payload, box_px)
    image = pixels if isinstance(pixels, Image.Image) else Image.fromarray(np.asarray(pixels, dtype=np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(QR_DPI, QR_DPI))
    return buffer.getvalue()


def render(sheets: list[CoverSheet], out: Path, *, printed: dt.date | None = None) -> Path:
    """Write SHEETS to OUT as an A4 PDF, one page each (written beside OUT, then renamed into place)."""
    regular, bold = _fonts()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title("Phiếu bìa quét hồ sơ")
    pdf.set_creator("scanflow")
    pdf.set_auto_page_break(False)
    pdf.add_font("sheet", "", regular)
    pdf.add_font("sheet", "B", bold)
    stamp = (printed or dt.date.today()).strftime("%d/%m/%Y")
    width = 210.0
    for sheet in sheets:
        pdf.add_page()
        pdf.set_font("sheet", "B", 20)
        pdf.set_xy(15, 18)
        pdf.cell(180, 10, "PHIẾU BÌA QUÉT HỒ SƠ", align="C")
        pdf.set_font("sheet", "", 11)
        pdf.set_xy(15, 29)
        pdf.cell(180, 6, "Đặt tờ này lên trên cùng hồ sơ khi quét. Tờ này không được lưu vào hồ sơ điện tử.",
                 align="C")
        pdf.image(io.BytesIO(qr_png(COVER_PREFIX + sheet.code)), x=(width - QR_MM) / 2, y=42, w=QR_MM, h=QR_MM)
        size = 40
        pdf.set_font("sheet", "B", size)
        while pdf.get_string_width(sheet.code) > 180 and size > 14:
            size -= 2
            pdf.set_font("sheet", "B", size)
        pdf.set_xy(15, 42 + QR_MM + 8)
        pdf.cell(180, size * 0.45, sheet.code, align="C")
        y = 42 + QR_MM + 10 + size * 0.45 + 8
        pdf.set_font("sheet", "", 10)
        pdf.set_xy(15, y - 6)
        pdf.cell(180, 5, "Mã hồ sơ", align="C")
        pdf.set_draw_color(120, 120, 120)
        pdf.line(25, y, width - 25, y)
        y += 6
        if sheet.details:
            for label, value in sheet.details:
                pdf.set_font("sheet", "B", 12)
                pdf.set_xy(25, y)
                pdf.cell(62, 7, f"{label}:")
                pdf.set_font("sheet", "", 12)
                pdf.set_xy(88, y)
                pdf.multi_cell(97, 7, value, align="L")
                y = max(y + 7, pdf.get_y()) + 2
        else:
            pdf.set_font("sheet", "", 12)
            pdf.set_xy(25, y)
            pdf.multi_cell(160, 7, "Mã hồ sơ này chưa có trong sổ thụ lý đã nhập vào scanflow: "
                                   "hồ sơ sẽ được lưu theo mã trên, kiểm tra lại mã trước khi quét.")
        pdf.set_font("sheet", "", 9)
        pdf.set_xy(15, 280)
        pdf.cell(180, 5, f"{COVER_PREFIX}{sheet.code} · in ngày {stamp} · scanflow", align="C")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    try:
        pdf.output(str(tmp))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
