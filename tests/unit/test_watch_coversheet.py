"""Cover sheets: the printed QR reads back from a 200-dpi scan of the page, and the register details are on it."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from scanflow import imaging
from scanflow.documents import COVER_PREFIX
from scanflow.errors import InputError
from scanflow.intake.coversheet import normalise_code, render, sheet_for
from scanflow.store.models import RegisterCase


def _pages_at_200_dpi(pdf: Path, tmp_path: Path) -> list[np.ndarray]:
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True)
    return [np.asarray(Image.open(p).convert("L")) for p in sorted(tmp_path.glob("page-*.png"))]


def test_each_code_gets_a_page_whose_qr_reads_back_at_200_dpi(tmp_path: Path) -> None:
    case = RegisterCase(
        ma_ho_so="HS-2025-0101", so_qd_tha="125/QĐ-THADS", ngay_qd_tha=dt.date(2025, 1, 5),
        so_ban_an="07/2025/DS-ST", nguoi_phai_thi_hanh="Nguyễn Văn Ấn", nguoi_duoc_thi_hanh="Trần Thị Thu Hà",
        loai="chu_dong", don_vi="THADS tỉnh Tuyên Quang", year=2025,
    )
    sheets = [sheet_for("HS-2025-0101", case), sheet_for("HS-2025-0999", None)]
    out = render(sheets, tmp_path / "bìa.pdf")

    pages = _pages_at_200_dpi(out, tmp_path)
    assert len(pages) == 2
    expected = [[f"{COVER_PREFIX}HS-2025-0101"], [f"{COVER_PREFIX}HS-2025-0999"]]
    assert [imaging.find_qr(page) for page in pages] == expected
    from pdfminer.high_level import extract_text

    text = " ".join(extract_text(str(out)).split())
    for expected in ("HS-2025-0101", "125/QĐ-THADS ngày 05/01/2025", "Nguyễn Văn Ấn", "Trần Thị Thu Hà",
                     "Chủ động", "THADS tỉnh Tuyên Quang", "chưa có trong sổ thụ lý"):
        assert expected in text, expected


def test_codes_are_checked_before_printing() -> None:
    assert normalise_code(" HS-1 ") == "HS-1"
    for bad in ("", "   ", "HS 1", "x" * 65):
        with pytest.raises(InputError):
            normalise_code(bad)
