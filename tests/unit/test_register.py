"""Register export parsing: dates, encodings and BOM, delimiters, mappings, refused rows and lookup keys."""

from __future__ import annotations

import codecs
import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from scanflow.errors import ConfigError, InputError
from scanflow.register.dates import DateFormatError, parse_date
from scanflow.register.keys import case_year, names_folded, number_key
from scanflow.register.mapping import CANONICAL_COLUMNS, Mapping, header_key, load_mapping
from scanflow.register.reader import RegisterFile
from scanflow.register.rows import RowCleaner, RowRefused, clean_text

HEADER = ",".join(CANONICAL_COLUMNS)
ROW = (
    "THADS-TQ-2025-000001,125/QĐ-THADS,05/01/2025,07/2025/DS-ST,2024-11-20,Tòa án nhân dân khu vực 1 - Tuyên Quang,"
    "Ông Nguyễn Văn Hoà,Bà Trần Thị Thuỷ,theo_yeu_cau,TQ-KV1,Đang thi hành,2025-02-01"
)


def _write(tmp_path: Path, text: str, name: str = "register.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _rows(path: Path, mapping: Mapping | None = None) -> tuple[RegisterFile, list[tuple[int, dict]], list]:
    """Every row of PATH cleaned: ([(line, values)], [(line, reason)])."""
    good, bad = [], []
    with RegisterFile(path, mapping) as source:
        cleaner = RowCleaner(source.layout, source.mapping)
        for line, cells in source.rows():
            try:
                good.append((line, cleaner.clean(cells)))
            except RowRefused as exc:
                bad.append((line, str(exc)))
    return source, good, bad


# -- dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-01-05", dt.date(2025, 1, 5)),
        ("05/01/2025", dt.date(2025, 1, 5)),
        ("5/1/2025", dt.date(2025, 1, 5)),
        ("05-01-2025", dt.date(2025, 1, 5)),
        ("05.01.2025", dt.date(2025, 1, 5)),
        ("2025/1/5", dt.date(2025, 1, 5)),
        ("2025-01-05 00:00:00", dt.date(2025, 1, 5)),
        ("05/01/2025 00:00", dt.date(2025, 1, 5)),
        (" 31/12/2024 ", dt.date(2024, 12, 31)),
        (dt.datetime(2025, 3, 4, 10, 30), dt.date(2025, 3, 4)),
        (dt.date(2025, 3, 4), dt.date(2025, 3, 4)),
        (45658, dt.date(2025, 1, 1)),  # a spreadsheet day serial
        ("", None),
        (None, None),
    ],
)
def test_parse_date_accepts_iso_dmy_and_spreadsheet_values(raw: object, expected: dt.date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("31/02/2025", "không tồn tại"),
        ("2025-13-01", "không tồn tại"),
        ("05/01/25", "cần yyyy-mm-dd hoặc dd/mm/yyyy"),
        ("ngày mai", "cần yyyy-mm-dd"),
        ("05/01-2025", "cần yyyy-mm-dd"),  # mixed separators are a typo, not a date
        ("01/01/1850", "năm ngoài khoảng"),
        (1.5, "không phải ngày"),
    ],
)
def test_parse_date_refuses_with_reason(raw: object, fragment: str) -> None:
    with pytest.raises(DateFormatError, match=fragment):
        parse_date(raw)


# -- headers, encodings, delimiters ----------------------------------------------------------------------------


def test_header_key_folds_accents_case_and_punctuation() -> None:
    assert header_key("Mã hồ sơ") == "ma_ho_so"
    assert header_key("  MA_HO_SO ") == "ma_ho_so"
    assert header_key("Ngày QĐ THA") == "ngay_qd_tha"
    assert header_key(unicodedata.normalize("NFD", "Người phải thi hành")) == "nguoi_phai_thi_hanh"


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_csv_with_and_without_bom_reads_the_same(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(bom + f"{HEADER}\n{ROW}\n".encode())
    source, good, bad = _rows(path)
    assert not bad
    assert source.layout.positions["ma_ho_so"] == 0  # the BOM is not part of the first header
    assert good[0][1]["ma_ho_so"] == "THADS-TQ-2025-000001"


def test_utf16_export_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, f"{HEADER}\r\n{ROW}\r\n".replace(",", "\t"), encoding="utf-16")
    source, good, _ = _rows(path)
    assert source.delimiter == "\t"
    assert good[0][1]["toa_an"] == "Tòa án nhân dân khu vực 1 - Tuyên Quang"


def test_semicolon_delimiter_is_sniffed_even_with_commas_in_values(tmp_path: Path) -> None:
    court = '"Tòa án huyện Yên Sơn, Tuyên Quang"'
    row = ROW.replace(",", ";").replace("Tòa án nhân dân khu vực 1 - Tuyên Quang", court)
    path = _write(tmp_path, f"{HEADER.replace(',', ';')}\n{row}\n")
    source, good, bad = _rows(path)
    assert source.delimiter == ";"
    assert not bad
    assert good[0][1]["toa_an"] == "Tòa án huyện Yên Sơn, Tuyên Quang"


def test_not_utf8_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(f"{HEADER}\n".encode() + unicodedata.normalize("NFD", "THADS-1,Tòa án\n").encode("cp1258"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        RegisterFile(path)


def test_missing_key_column_names_the_columns_found(tmp_path: Path) -> None:
    path = _write(tmp_path, "Mã HS,Số QĐ\nA,1\n")
    with pytest.raises(InputError, match=r"no ma_ho_so column.*Mã HS, Số QĐ.*--mapping"):
        RegisterFile(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty file"):
        RegisterFile(_write(tmp_path, ""))


def test_vietnamese_headers_and_nfd_values_are_normalised(tmp_path: Path) -> None:
    header = "Mã hồ sơ,Số QĐ THA,Người phải thi hành,Người được thi hành án,Ghi chú"
    body = unicodedata.normalize("NFD", "HS-1,12/QĐ-THADS,Ông  Đoàn   Văn Hòa,Bà Lê Thị Hà,x\n")
    source, good, _ = _rows(_write(tmp_path, f"{header}\n{body}"))
    assert source.layout.positions["so_qd_tha"] == 1
    assert source.layout.ignored == ["Người được thi hành án", "Ghi chú"]  # "… án" is one word too many
    assert "nguoi_duoc_thi_hanh" in source.layout.missing
    value = good[0][1]["nguoi_phai_thi_hanh"]
    assert value == "Ông Đoàn Văn Hòa"
    assert unicodedata.is_normalized("NFC", value)


def test_quoted_multiline_cell_keeps_line_numbers_right(tmp_path: Path) -> None:
    text = f'{HEADER}\n{ROW}\nHS-2,"1/QĐ-THADS\nghi chú",31/02/2025,,,,,,,,,\nHS-3,2/QĐ-THADS,,,,,,,,,,\n'
    _, good, bad = _rows(_write(tmp_path, text))
    assert [line for line, _ in good] == [2, 5]
    assert bad == [(3, "ngay_qd_tha: ngày không tồn tại '31/02/2025'")]
    assert good[1][1]["ma_ho_so"] == "HS-3"


# -- refused rows -------------------------------------------------------------------------------------------


def test_bad_rows_carry_line_number_and_reason(tmp_path: Path) -> None:
    lines = [
        HEADER,
        ROW,
        ",1/QĐ-THADS,,,,,,,,,,",  # no ma_ho_so
        "HS-3,2/QĐ-THADS,2025-02-30,,,,,,,,,",
        "HS-4,3/QĐ-THADS,,,,,,,bắt buộc,,,",
        "HS-5,4/QĐ-THADS,,,,,,,,,,,extra",
        "HS-6," + "9" * 121 + ",,,,,,,,,,",
        "",  # blank lines are skipped, not refused
        "HS-8,5/QĐ-THADS",  # short row: trailing cells empty
    ]
    _, good, bad = _rows(_write(tmp_path, "\n".join(lines) + "\n"))
    reasons = dict(bad)
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "thiếu mã hồ sơ" in reasons[3]
    assert reasons[4].startswith("ngay_qd_tha: ngày không tồn tại")
    assert reasons[5].startswith("loai: giá trị không hợp lệ 'bắt buộc'")
    assert "13 ô" in reasons[6] and "12 cột" in reasons[6]
    assert reasons[7] == "so_qd_tha: quá dài (121 ký tự, tối đa 120)"
    assert [(line, values["ma_ho_so"]) for line, values in good] == [(2, "THADS-TQ-2025-000001"), (9, "HS-8")]
    assert good[1][1]["ngay_qd_tha"] is None


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("Chủ động", "chu_dong"), ("THEO YÊU CẦU", "theo_yeu_cau"), ("theo-yeu-cau", "theo_yeu_cau"), ("", None)],
)
def test_loai_accepts_vietnamese_words(tmp_path: Path, raw: str, stored: str | None) -> None:
    _, good, bad = _rows(_write(tmp_path, f"ma_ho_so,loai\nHS-1,{raw}\n"))
    assert not bad
    assert good[0][1]["loai"] == stored


def test_clean_text_for_spreadsheet_cells() -> None:
    assert clean_text(12345.0) == "12345"
    assert clean_text(12) == "12"
    assert clean_text(dt.datetime(2025, 1, 2, 0, 0)) == "2025-01-02"
    assert clean_text("  a \n b ") == "a b"
    assert clean_text("   ") is None


# -- mapping ------------------------------------------------------------------------------------------------


def test_mapping_renames_columns_and_values(tmp_path: Path) -> None:
    mapping_path = _write(
        tmp_path,
        """
header_row = 2
[columns]
"Mã HS" = "ma_ho_so"
"Số QĐTHA" = "so_qd_tha"
"Ngày ra QĐ" = "ngay_qd_tha"
"Loại việc" = "loai"
"STT" = ""
[values.loai]
"CĐ" = "chu_dong"
"YC" = "theo_yeu_cau"
[values.don_vi]
"Phòng KV1" = "TQ-KV1"
""",
        name="map.toml",
    )
    mapping = load_mapping(mapping_path)
    text = (
        "DANH SÁCH HỒ SƠ THI HÀNH ÁN\n"
        "STT;Mã HS;Số QĐTHA;Ngày ra QĐ;Loại việc;Đơn vị\n"
        "1;HS-1;12/QĐ-THADS;03/02/2025;cđ;phòng kv1\n"
    )
    source, good, bad = _rows(_write(tmp_path, text), mapping)
    assert not bad
    assert source.layout.ignored == ["STT"]
    assert good == [
        (
            3,
            {
                "ma_ho_so": "HS-1",
                "so_qd_tha": "12/QĐ-THADS",
                "ngay_qd_tha": dt.date(2025, 2, 3),
                "loai": "chu_dong",
                "don_vi": "TQ-KV1",
            },
        )
    ]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('[columns]\n"A" = "ma_hs"\n', "not a register column"),
        ('[columns]\n"A" = "ma_ho_so"\n"B" = "ma_ho_so"\n', "both map to 'ma_ho_so'"),
        ('[values.loai]\n"CĐ" = 1\n', "must map source values to text"),
        ('[values.mau]\n"x" = "y"\n', "values.mau: not a register column"),
        ("header_row = 0\n", "header_row must be"),
        ('delimiter = ";;"\n', "delimiter must be one character"),
        ("colums = {}\n", "unknown key 'colums'"),
        ("[columns\n", "not valid TOML"),
    ],
)
def test_invalid_mapping_names_file_and_key(tmp_path: Path, body: str, fragment: str) -> None:
    path = _write(tmp_path, body, name="map.toml")
    with pytest.raises(ConfigError) as info:
        load_mapping(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)


def test_xlsx_rows_with_dates_numbers_and_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Ghi chú"
    sheet = book.create_sheet("Danh sách")
    sheet.append(["Mã hồ sơ", "so_qd_tha", "ngay_qd_tha", "ngay_ban_an", "loai"])
    sheet.append([20250001, "12/QĐ-THADS", dt.datetime(2025, 2, 3), "04/01/2025", "Chủ động"])
    sheet.append([None, None, None, None, None])
    sheet.append(["HS-2", "13/QĐ-THADS", "31/02/2025", None, None])
    path = tmp_path / "register.xlsx"
    book.save(path)
    mapping = Mapping(sheet="Danh sách")
    source, good, bad = _rows(path, mapping)
    assert source.kind == "xlsx"
    assert good == [
        (
            2,
            {
                "ma_ho_so": "20250001",
                "so_qd_tha": "12/QĐ-THADS",
                "ngay_qd_tha": dt.date(2025, 2, 3),
                "ngay_ban_an": dt.date(2025, 1, 4),
                "loai": "chu_dong",
            },
        )
    ]
    assert bad == [(4, "ngay_qd_tha: ngày không tồn tại '31/02/2025'")]
    with pytest.raises(InputError, match="no sheet 'Sheet9'"):
        RegisterFile(path, Mapping(sheet="Sheet9"))


# -- keys ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "key"),
    [
        ("125/QĐ-THADS", 2025, "125/2025"),
        ("05/QĐ-CCTHADS", 2023, "5/2023"),
        ("Số: 05/QD-CTHADS", 2023, "5/2023"),  # OCR without Đ
        ("07/2025/DS-ST", None, "7/2025"),
        ("07/2025/DS-ST", 2024, "7/2025"),  # the number's own year wins
        ("37/2023/QĐST - HNGĐ", None, "37/2023"),
        ("125", 2025, "125/2025"),
        ("125/QĐ-THADS", None, "125"),
        ("", 2025, None),
        ("không số", 2025, None),
    ],
)
def test_number_key(text: str, year: int | None, key: str | None) -> None:
    assert number_key(text, year) == key


def test_number_key_of_a_parsed_number_equals_that_of_its_text() -> None:
    from scanflow.tagging.numbers import parse_number

    parsed = parse_number("Số: 125/QĐ-THADS")
    assert parsed is not None
    assert number_key(parsed, 2025) == number_key("125/QĐ-THADS", 2025) == "125/2025"


def test_case_year_prefers_the_decision_date() -> None:
    assert case_year(dt.date(2024, 12, 30), "125/2025/QĐ-THADS") == 2024
    assert case_year(None, "125/2025/QĐ-THADS") == 2025
    assert case_year(None, "125/QĐ-THADS") is None


def test_names_folded_splits_strips_honorifics_and_dedupes() -> None:
    folded = names_folded("Ông Nguyễn Văn Hoà và bà Trần Thị Thuỷ", unicodedata.normalize("NFD", "Bà Trần Thị Thủy"))
    assert folded == "nguyen van hoa; tran thi thuy"
    assert names_folded("Ông Đoàn Văn An") == names_folded("Ông Doãn Văn An")  # folded: a search key only
    assert names_folded(None, "") is None
