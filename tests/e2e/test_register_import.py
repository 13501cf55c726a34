"""`scanflow register import` through the real CLI into a real SQLite home: CSV, XLSX with a mapping, bad rows,
re-import with history; and `register show`."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from samples.casegen import REGISTER_HEADER
from tests.conftest import run_scanflow

pytestmark = pytest.mark.e2e

ROWS = [
    [
        "THADS-TQ-2025-000001",
        "125/QĐ-THADS",
        "05/01/2025",
        "07/2025/DS-ST",
        "2024-11-20",
        "Tòa án nhân dân khu vực 1 - Tuyên Quang",
        "Ông Nguyễn Văn Hoà",
        "Bà Trần Thị Thuỷ",
        "theo_yeu_cau",
        "TQ-KV1",
        "Đang thi hành",
        "2025-02-01",
    ],
    [
        "THADS-TQ-2025-000002",
        "126/QĐ-THADS",
        "2025-01-06",
        "08/2025/HNGĐ-ST",
        "01/12/2024",
        "Tòa án nhân dân khu vực 2 - Tuyên Quang",
        "Ông Đoàn Văn An",
        "Bà Doãn Thị Bình",
        "chu_dong",
        "TQ-KV2",
        "Đang thi hành",
        "",
    ],
    [
        "THADS-TQ-2024-000003",
        "98/QĐ-CCTHADS",
        "12/06/2024",
        "37/2023/QĐST - HNGĐ",
        "02/02/2024",
        "Tòa án nhân dân huyện Yên Sơn, tỉnh Tuyên Quang",
        "Bà Lê Thị Hà",
        "Ông Phạm Minh Giang",
        "theo_yeu_cau",
        "TQ-KV1",
        "Chưa có điều kiện thi hành",
        "2024-09-30",
    ],
]


def _write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", bom: bool = True) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=delimiter)
        out.writerow(REGISTER_HEADER)
        out.writerows(rows)
    return path


def _show(code: str) -> dict:
    done = run_scanflow("register", "show", code, "--json")
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def test_csv_import_then_reimport_keeps_history(home: Path, tmp_path: Path) -> None:
    first = run_scanflow("register", "import", str(_write_csv(tmp_path / "register.csv", ROWS)))
    assert first.code == 0, first.stderr
    expected = "thêm mới 3 (added) · cập nhật 0 (updated) · không đổi 0 (unchanged) · bị từ chối 0 (rejected)"
    assert expected in first.stdout
    case = _show("THADS-TQ-2025-000001")
    assert case["ngay_qd_tha"] == "2025-01-05" and case["year"] == 2025
    assert (case["qd_key"], case["ban_an_key"]) == ("125/2025", "7/2025")
    assert case["names_folded"] == "nguyen van hoa; tran thi thuy"
    assert case["history"] == []

    again = [list(r) for r in ROWS]
    again[0][10], again[0][11] = "Đã thi hành xong", "15/03/2025"
    again.append(
        ["THADS-TQ-2025-000004", "3/QĐ-THADS", "02/01/2026", "", "", "", "Ông Lò Văn Lực", "", "", "TQ", "", ""]
    )
    path = _write_csv(tmp_path / "register-2.csv", again, delimiter=";", bom=False)
    second = run_scanflow("register", "import", str(path), "--json")
    assert second.code == 0, second.stderr
    summary = json.loads(second.stdout)
    assert {k: summary[k] for k in ("added", "updated", "unchanged", "rejected")} == {
        "added": 1,
        "updated": 1,
        "unchanged": 2,
        "rejected": 0,
    }
    case = _show("THADS-TQ-2025-000001")
    assert case["trang_thai"] == "Đã thi hành xong"
    assert case["changed_at"] > case["imported_at"]
    [entry] = case["history"]
    assert entry["changes"] == {
        "trang_thai": ["Đang thi hành", "Đã thi hành xong"],
        "ngay_cap_nhat": ["2025-02-01", "2025-03-15"],
    }
    assert entry["import_id"] == summary["import_id"] and entry["source"].endswith("register-2.csv")
    assert _show("THADS-TQ-2025-000002")["history"] == []
    text = run_scanflow("register", "show", "THADS-TQ-2025-000001")
    assert "Trạng thái:" in text.stdout and "Đang thi hành → Đã thi hành xong" in text.stdout


def test_bad_rows_are_listed_with_line_numbers_and_good_rows_go_in(home: Path, tmp_path: Path) -> None:
    rows = [
        ROWS[0],
        ["THADS-X-1", "1/QĐ-THADS", "31/02/2025", *[""] * 9],
        ROWS[1],
        ["", "2/QĐ-THADS", *[""] * 10],
        ROWS[0],
    ]
    errors = tmp_path / "errors.csv"
    done = run_scanflow("register", "import", str(_write_csv(tmp_path / "r.csv", rows)), "--errors", str(errors))
    assert done.code == 2  # some rows refused: scripts can tell
    assert "thêm mới 2 (added)" in done.stdout and "bị từ chối 3 (rejected)" in done.stdout
    assert "dòng 3 (THADS-X-1): ngay_qd_tha: ngày không tồn tại '31/02/2025'" in done.stderr
    assert "dòng 5: thiếu mã hồ sơ (ma_ho_so)" in done.stderr
    assert "dòng 6 (THADS-TQ-2025-000001): mã hồ sơ trùng với dòng 2" in done.stderr
    with errors.open(encoding="utf-8-sig", newline="") as fh:
        listed = list(csv.DictReader(fh))
    assert [(r["line"], r["ma_ho_so"]) for r in listed] == [
        ("3", "THADS-X-1"),
        ("5", ""),
        ("6", "THADS-TQ-2025-000001"),
    ]


def test_xlsx_with_mapping(home: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Hồ sơ"
    sheet.append(["SỔ THEO DÕI HỒ SƠ THI HÀNH ÁN"])
    sheet.append(["STT", "Mã HS", "Số QĐ THA", "Ngày ra QĐ", "Bản án số", "Người phải THA", "Loại việc", "Đơn vị"])
    sheet.append(
        [
            1,
            "THADS-TQ-2025-000010",
            "15/QĐ-THADS",
            dt.datetime(2025, 2, 3),
            "09/2024/DS-PT",
            "Ông Nguyễn Văn An",
            "Chủ động",
            "TQ-KV2",
        ]
    )
    sheet.append(
        [2, "THADS-TQ-2025-000011", "16/QĐ-THADS", "04/02/2025", "10/2024/DS-PT", "Bà Hà Thị Lan", "Theo đơn", "TQ-KV2"]
    )
    path = tmp_path / "so-theo-doi.xlsx"
    book.save(path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        'header_row = 2\nsheet = "Hồ sơ"\n[columns]\n"Mã HS" = "ma_ho_so"\n"Ngày ra QĐ" = "ngay_qd_tha"\n'
        '"Bản án số" = "so_ban_an"\n"Người phải THA" = "nguoi_phai_thi_hanh"\n"Loại việc" = "loai"\n'
        '"STT" = ""\n[values.loai]\n"Theo đơn" = "theo_yeu_cau"\n',
        encoding="utf-8",
    )
    done = run_scanflow("register", "import", str(path), "--mapping", str(mapping), "--json")
    assert done.code == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["added"] == 2 and summary["rejected"] == 0
    assert "toa_an" in summary["missing_columns"]
    [note] = [line for line in done.stderr.splitlines() if line.startswith("lưu ý: tệp không có cột")]
    assert "toa_an" in note and "ma_ho_so" not in note
    first, second = _show("THADS-TQ-2025-000010"), _show("THADS-TQ-2025-000011")
    assert (first["so_qd_tha"], first["ngay_qd_tha"], first["loai"]) == ("15/QĐ-THADS", "2025-02-03", "chu_dong")
    assert (second["ngay_qd_tha"], second["loai"], second["ban_an_key"]) == ("2025-02-04", "theo_yeu_cau", "10/2024")


def test_unreadable_inputs_fail_with_one_line(home: Path, tmp_path: Path) -> None:
    missing = run_scanflow("register", "import", str(tmp_path / "none.csv"))
    assert missing.code == 2 and missing.stderr.startswith("scanflow: error:") and "no such file" in missing.stderr
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Mã HS;Số QĐ\nA;1\n", encoding="utf-8")
    done = run_scanflow("register", "import", str(wrong))
    assert done.code == 2 and "no ma_ho_so column" in done.stderr and "Traceback" not in done.stderr
    bad_map = tmp_path / "map.toml"
    bad_map.write_text('[columns]\n"Mã HS" = "ma"\n', encoding="utf-8")
    done = run_scanflow("register", "import", str(wrong), "--mapping", str(bad_map))
    assert done.code == 4 and "not a register column" in done.stderr
    unknown = run_scanflow("register", "show", "KHONG-CO")
    assert unknown.code == 3 and "no case 'KHONG-CO'" in unknown.stderr
