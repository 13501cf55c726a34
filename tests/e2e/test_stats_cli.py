"""`scanflow stats` and `scanflow report` through the real command, over stored facts with known truth.

The facts are built directly (tests/unit/test_quality_world.py) so the counters are known exactly; the command
runs in its own process like a supervisor's terminal would run it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import run_scanflow
from tests.unit.test_quality_stats import EXPECTED, build_truth, refresh_each
from tests.unit.test_quality_world import UNIT_B, World

pytestmark = pytest.mark.e2e


@pytest.fixture
def truth_home(home: Path) -> Path:
    world = World(home)
    refresh_each(world, build_truth(world))
    world.database.dispose()
    return home


def test_json_is_exactly_the_counters(truth_home: Path) -> None:
    done = run_scanflow("stats", "--json")
    assert done.code == 0, done.stderr
    assert done.stdout.count("\n") == 1
    assert json.loads(done.stdout) == EXPECTED
    scoped = json.loads(run_scanflow("stats", "--json", "--don-vi", UNIT_B, "--year", "2024").stdout)
    assert (scoped["register_total"], scoped["digitized"], scoped["criteria"]["dung"]) == (2, 1, 1)


def test_readable_table_in_vietnamese(truth_home: Path) -> None:
    done = run_scanflow("stats")
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    labels = {line.split("  ")[0].strip(): line.split()[-1] for line in lines[2:9]}
    assert labels["Tổng số hồ sơ trong sổ"] == "13"
    assert labels["Đã số hóa"] == "10"
    assert labels["Tỷ lệ số hóa"] == "76,92%"
    for word in ("Đúng", "Đủ", "Sạch", "Sống", "Tồn đọng", "Cần xem xét", "Chưa số hóa", "Theo đơn vị:", UNIT_B):
        assert word in done.stdout


def test_check_passes_then_catches_a_tampered_counter(truth_home: Path) -> None:
    done = run_scanflow("stats", "--check")
    assert done.code == 0, done.stdout + done.stderr
    assert "Kiểm tra: khớp (10 hồ sơ đã số hóa" in done.stdout
    with sqlite3.connect(truth_home / "scanflow.db") as conn:
        conn.execute("UPDATE case_quality SET sach = 1 WHERE ma_ho_so = 'A5'")
    done = run_scanflow("stats", "--check")
    assert done.code == 7
    assert "A5: Sạch: lưu đạt, tính lại không đạt" in done.stdout
    assert "criteria.sach: hiển thị 10, tính lại 9" in done.stdout
    report = json.loads(run_scanflow("stats", "--check", "--json").stdout)
    assert report["ok"] is False and report["stats"]["criteria"]["sach"] == 10
    done = run_scanflow("stats", "--refresh", "--check")
    assert done.code == 0, done.stdout
    assert json.loads(run_scanflow("stats", "--json").stdout) == EXPECTED


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html"])
def test_report_files(truth_home: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"bao-cao.{fmt}"
    done = run_scanflow("report", "--period", "2026", "-o", str(out))
    assert done.code == 0, done.stderr
    assert "Đã ghi báo cáo kỳ Năm 2026" in done.stdout
    assert out.stat().st_size > 0
    if fmt == "xlsx":
        sheet = load_workbook(out)["Báo cáo"]
        assert sheet.cell(row=5, column=1).value == "Đơn vị"


def test_report_refuses_a_bad_period_in_one_line(truth_home: Path, tmp_path: Path) -> None:
    done = run_scanflow("report", "--period", "2026-Q7", "-o", str(tmp_path / "x.xlsx"))
    assert done.code == 3
    assert done.stderr.strip().count("\n") == 0 and "2026-Q2" in done.stderr
    done = run_scanflow("report", "--period", "2026", "--format", "pdf", "-o", str(tmp_path / "x.pdf"))
    assert done.code == 3 and "xlsx, csv, html" in done.stderr


def test_stats_on_a_folder_that_is_not_a_home(tmp_path: Path) -> None:
    done = run_scanflow("stats", "--json", "--home", str(tmp_path / "nowhere"))
    assert done.code == 4
    assert "scanflow init" in done.stderr and "Traceback" not in done.stderr
