"""PDF/A-2b writer and checker: structure, embedded font, NFC text layer, XMP extension schema, atomic publish."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from scanflow.ocr.tesseract import Word, clean_text, parse_tsv
from scanflow.pdf.assemble import PdfPage, publish, write_pdfa
from scanflow.pdf.validate import check_pdfa
from scanflow.pdf.xmp import XmpData, build_xmp, pdf_date, xmp_date

WORDS = (
    Word("Quyết", 100, 100, 120, 40, 95.0, (1, 1, 1)),
    Word("định", 240, 100, 90, 40, 93.0, (1, 1, 1)),
    Word("Số:", 100, 160, 60, 40, 90.0, (1, 1, 2)),
    Word("125/QĐ-THADS", 170, 160, 300, 40, 88.0, (1, 1, 2)),
)


def _page(tmp_path: Path, mode: str = "gray") -> PdfPage:
    pixels = np.full((1169, 827), 255, np.uint8)
    pixels[100:140, 100:330] = 0
    path = tmp_path / "p.jpg"
    image = Image.fromarray(pixels).convert("RGB" if mode == "rgb" else "L")
    image.save(path, quality=60)
    return PdfPage(path, "jpeg", 827, 1169, 100, mode, WORDS)


def _meta(**extra: str | int) -> XmpData:
    return XmpData(
        title="Quyết định thi hành án",
        created=dt.datetime(2026, 1, 5, 8, 30, tzinfo=dt.UTC),
        producer="scanflow test",
        creator_tool="scanflow test",
        identifier="THADS-TQ-2025-000001.001",
        extra=dict(extra),
    )


@pytest.mark.parametrize("mode", ["gray", "rgb"])
def test_written_file_passes_structure_check(tmp_path: Path, mode: str) -> None:
    tmp = write_pdfa([_page(tmp_path, mode)], _meta(maHoSo="THADS-TQ-2025-000001", soTrang=1), tmp_path / "a.pdf",
                     tmp_path / ".tmp")  # fmt: skip
    assert check_pdfa(tmp) == []
    with pikepdf.open(tmp) as pdf:
        assert pdf.pdf_version == "1.7"
        font = pdf.pages[0].Resources.Font.FText
        descendant = font.DescendantFonts[0]
        assert "/FontFile2" in descendant.FontDescriptor
        assert "/Filter" not in pdf.Root.Metadata
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "pdfaExtension:schemas" in xmp
        assert "THADS-TQ-2025-000001" in xmp
        assert str(pdf.docinfo.Title) == "Quyết định thi hành án"


def test_text_layer_is_extractable_in_reading_order(tmp_path: Path) -> None:
    from pdfminer.high_level import extract_text

    tmp = write_pdfa([_page(tmp_path)], _meta(), tmp_path / "a.pdf", tmp_path / ".tmp")
    text = extract_text(str(tmp))
    assert unicodedata.is_normalized("NFC", text)
    assert "Quyết định" in text and "125/QĐ-THADS" in text


def test_checker_finds_what_breaks_pdfa(tmp_path: Path) -> None:
    tmp = write_pdfa([_page(tmp_path)], _meta(), tmp_path / "a.pdf", tmp_path / ".tmp")
    with pikepdf.open(tmp) as pdf:
        del pdf.Root.OutputIntents
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.save(tmp_path / "broken.pdf")
    problems = check_pdfa(tmp_path / "broken.pdf")
    assert "no OutputIntent" in problems
    assert any("automatic actions" in p for p in problems)
    with pikepdf.open(tmp) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="a", user=""))
    assert any("encrypted" in p for p in check_pdfa(tmp_path / "locked.pdf"))


def test_publish_is_an_atomic_rename(tmp_path: Path) -> None:
    tmp = write_pdfa([_page(tmp_path)], _meta(), tmp_path / "x.pdf", tmp_path / ".tmp")
    dest = tmp_path / "archive" / "x.pdf"
    publish(tmp, dest)
    assert dest.is_file() and not tmp.exists()
    assert not list((tmp_path / ".tmp").iterdir())


def test_failed_write_leaves_no_partial_file(tmp_path: Path) -> None:
    bad = PdfPage(tmp_path / "missing.jpg", "jpeg", 10, 10, 100, "gray", ())
    with pytest.raises(FileNotFoundError):
        write_pdfa([bad], _meta(), tmp_path / "y.pdf", tmp_path / ".tmp")
    assert not list((tmp_path / ".tmp").iterdir())


def test_xmp_rejects_undeclared_properties_and_dates_agree() -> None:
    with pytest.raises(ValueError):
        build_xmp(_meta(khongCo="x"))
    when = dt.datetime(2026, 1, 5, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert xmp_date(when) == "2026-01-05T08:30:00+07:00"
    assert pdf_date(when) == "D:20260105083000+07'00'"


def test_ocr_text_cleanup_and_tsv_parsing() -> None:
    assert clean_text("QĐÐ-THADS") == "QĐ-THADS"
    decomposed = unicodedata.normalize("NFD", "Hòa")
    assert clean_text(decomposed) == "Hòa"
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t96.5\tSố:\n"
        "5\t1\t1\t1\t1\t2\t70\t10\t90\t20\t91.0\t07/2025/DS-ST\n"
        "5\t1\t1\t1\t2\t1\t10\t40\t50\t20\t-1\tngày\n"
        "5\t1\t2\t1\t1\t1\t10\t90\t50\t20\t80\tĐiều\n"
    )
    result = parse_tsv(tsv)
    assert result.text == "Số: 07/2025/DS-ST\nngày\n\nĐiều"
    assert result.words[2].conf == 0.0
