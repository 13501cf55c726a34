"""`scanflow process` end to end on real files with the real Tesseract: good pages and every kind of bad input."""

from __future__ import annotations

import hashlib
import shutil
import unicodedata
from pathlib import Path

import pikepdf
import pytest

from scanflow.pdf.validate import check_pdfa
from tests import badfiles, textpage
from tests.conftest import run_scanflow

pytestmark = pytest.mark.e2e


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pdf_text(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def test_bad_inputs_fail_cleanly_and_the_good_one_still_goes_through(home: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    good = textpage.render(inputs / "good.png")
    empty = inputs / "empty.tif"
    empty.write_bytes(b"")
    truncated = badfiles.truncated(textpage.render(tmp_path / "whole.png"), inputs / "truncated.png")
    not_image = inputs / "notes.jpg"
    not_image.write_text("Đây không phải ảnh quét", encoding="utf-8")
    bomb = badfiles.png_bomb(inputs / "bomb.png")
    locked = badfiles.encrypted_pdf(inputs / "locked.pdf")
    order = [empty, truncated, not_image, good, bomb, locked]
    before = {p: _digest(p) for p in order}

    result = run_scanflow("process", "--json", *map(str, order))

    assert result.code != 0
    assert "Traceback" not in result.stderr
    records = result.json_lines()
    assert [r["input"] for r in records] == [str(p) for p in order]
    by_input = {r["input"]: r for r in records}
    expected = {
        empty: "empty file",
        truncated: "corrupt or truncated",
        not_image: "not a supported scan",
        bomb: "over the 200 MP limit",
        locked: "encrypted",
    }
    for path, fragment in expected.items():
        record = by_input[str(path)]
        assert record["status"] == "quarantined", record
        assert fragment in record["error"] and "\n" not in record["error"]
        assert record["outputs"] == []
    ok = by_input[str(good)]
    assert ok["status"] == "archived" and ok["error"] is None and ok["pages"] == 1
    assert len(ok["outputs"]) >= 1 and all(Path(p).is_file() for p in ok["outputs"])
    assert {p: _digest(p) for p in order} == before  # inputs untouched
    # nothing half-written left in the archive
    assert not [p for p in (home / "archive").rglob("*") if p.is_file() and ".part" in p.name]


def test_archived_pdf_is_pdfa_two_layer_nfc_and_master_kept(home: Path, tmp_path: Path) -> None:
    page = textpage.render(tmp_path / "Quyết định.png", angle=2.5)
    nfd_name = tmp_path / unicodedata.normalize("NFD", "hồ sơ NFD")
    nfd_name.mkdir()
    shutil.copy(page, nfd_name / "trang-1.png")

    result = run_scanflow("process", "--json", str(nfd_name))

    assert result.code == 0, result.stderr
    [record] = result.json_lines()
    [output] = [Path(p) for p in record["outputs"]]
    assert check_pdfa(output) == []
    with pikepdf.open(output) as pdf:
        assert len(pdf.pages) == 1
        page_obj = pdf.pages[0]
        assert len(page_obj.get_images()) == 1  # layer 1: the page image
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert "scanflow" in str(pdf.docinfo.Producer)
    text = _pdf_text(output)  # layer 2: invisible text, extractable
    assert unicodedata.is_normalized("NFC", text)
    folded = " ".join(text.split())
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Quyết định", "thi hành án"):
        assert phrase.casefold() in folded.casefold(), phrase
    masters = [p for p in (home / "originals").rglob("*.png")]
    assert len(masters) == 1 and _digest(masters[0]) == _digest(page)


def test_same_scans_again_are_a_duplicate_not_archived_twice(home: Path, tmp_path: Path) -> None:
    page = textpage.render(tmp_path / "a.png")
    first = run_scanflow("process", "--json", str(page))
    assert first.json_lines()[0]["status"] == "archived"
    second = run_scanflow("process", "--json", str(page))
    [record] = second.json_lines()
    assert second.code == 0
    assert record["status"] == "duplicate" and record["outputs"] == []
    pdfs = [p for p in (home / "archive").rglob("*.pdf") if ".danh-muc." not in p.name]
    assert len(pdfs) == len(first.json_lines()[0]["outputs"])


def test_pdf_with_text_follows_the_profile(home: Path, tmp_path: Path) -> None:
    page = textpage.render(tmp_path / "p.png")
    first = run_scanflow("process", "--json", str(page))
    searchable = Path(first.json_lines()[0]["outputs"][0])
    copy = tmp_path / "co-chu.pdf"
    shutil.copy(searchable, copy)

    keep_profile = tmp_path / "keep.toml"
    keep_profile.write_text('[pdf_input]\nexisting_text = "keep"\n', encoding="utf-8")
    kept = run_scanflow("process", "--json", "--profile", str(keep_profile), str(copy))
    [record] = kept.json_lines()
    assert kept.code != 0 and record["status"] == "quarantined"
    assert "already has a text layer" in record["error"]

    redone = run_scanflow("process", "--json", str(copy))  # thads: redo from the page images
    [record] = redone.json_lines()
    assert record["status"] in ("archived", "duplicate"), record
