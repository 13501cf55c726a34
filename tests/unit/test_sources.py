"""Input inspection: formats sniffed from content, natural page order, DPI, and every kind of bad input."""

from pathlib import Path

import pytest

from scanflow.errors import InputError
from scanflow.intake.sources import (
    decode_page,
    inspect_input,
    list_files,
    natural_key,
    plausible_dpi,
    sniff,
)
from tests import badfiles

OPTS = {"default_dpi": 300, "max_megapixels": 200, "existing_text": "redo"}


def test_natural_order_puts_page_2_before_page_10(tmp_path: Path) -> None:
    for n in (10, 2, 1):
        badfiles.page_image(tmp_path / f"page-{n}.png")
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    (tmp_path / ".hidden.png").write_bytes(b"x")
    (tmp_path / "scan.tmp").write_bytes(b"x")
    assert [name for _, name in list_files(tmp_path)] == ["page-1.png", "page-2.png", "page-10.png"]
    assert sorted(["a10", "a2", "A1"], key=natural_key) == ["A1", "a2", "a10"]


def test_format_is_sniffed_from_content_not_name(tmp_path: Path) -> None:
    jpeg_named_png = badfiles.page_image(tmp_path / "x.png", fmt="JPEG")
    assert sniff(jpeg_named_png) == "jpeg"
    (tmp_path / "notes.png").write_text("chỉ là văn bản", encoding="utf-8")
    assert sniff(tmp_path / "notes.png") is None


def test_dpi_from_metadata_or_inferred_from_a4() -> None:
    assert plausible_dpi(200, 1654, 2339, 300) == 200
    assert plausible_dpi(72, 2480, 3508, 300) == 300  # 72 dpi on a 2480 px page means 34 inches: wrong
    assert plausible_dpi(None, 1654, 2339, 300) == 200
    assert plausible_dpi(None, 100, 100, 300) == 300


def test_good_image_inspected_and_decoded(tmp_path: Path) -> None:
    path = badfiles.page_image(tmp_path / "a.png")
    [source] = inspect_input(path, **OPTS)
    assert source.kind == "png" and len(source.frames) == 1
    assert source.frames[0].dpi == 200
    pixels = decode_page(path, "png", 0, 200)
    assert pixels.shape == (2339, 1654)


@pytest.mark.parametrize(
    ("maker", "message"),
    [
        (lambda d: (d / "empty.tif").write_bytes(b"") and d / "empty.tif" or d / "empty.tif", "empty file"),
        (lambda d: (d / "x.jpg").write_text("not an image") and d / "x.jpg", "not a supported scan"),
        (lambda d: badfiles.png_bomb(d / "bomb.png"), "over the 200 MP limit"),
        (lambda d: badfiles.encrypted_pdf(d / "locked.pdf"), "encrypted"),
    ],
    ids=["zero-byte", "not-an-image", "decompression-bomb", "encrypted-pdf"],
)
def test_bad_inputs_rejected_with_one_line(tmp_path: Path, maker, message: str) -> None:
    path = maker(tmp_path)
    with pytest.raises(InputError) as info:
        inspect_input(path, **OPTS)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_truncated_image_fails_at_decode_with_one_line(tmp_path: Path) -> None:
    good = badfiles.page_image(tmp_path / "good.png")
    bad = badfiles.truncated(good, tmp_path / "bad.png")
    [source] = inspect_input(bad, **OPTS)
    with pytest.raises(InputError) as info:
        decode_page(bad, source.kind, 0, 200)
    assert "corrupt or truncated" in str(info.value)


def test_empty_folder_rejected(tmp_path: Path) -> None:
    (tmp_path / "ho-so").mkdir()
    with pytest.raises(InputError, match="holds no scans"):
        inspect_input(tmp_path / "ho-so", **OPTS)
