"""Periodic reports: periods, the figures per unit against known truth, and the xlsx / csv / html files read back."""

from __future__ import annotations

import csv
import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scanflow.quality.refresh import refresh_all
from scanflow.report import build_report, parse_period, write_report
from scanflow.report.columns import COLUMNS
from scanflow.report.periods import local_midnight_utc
from tests.unit.test_quality_world import (  # noqa: F401 - fixtures
    NOW,
    UNIT_A,
    UNIT_B,
    World,
    any_world_fixture,
    ban_an,
    qd,
    world_fixture,
)

IMPORTED = dt.datetime(2025, 1, 2, 3, 0)


@pytest.mark.parametrize(("text", "code", "label", "start", "end", "previous"), [
    ("2026-06", "2026-06", "Tháng 06/2026", dt.date(2026, 6, 1), dt.date(2026, 7, 1), "2026-05"),
    ("2026-01", "2026-01", "Tháng 01/2026", dt.date(2026, 1, 1), dt.date(2026, 2, 1), "2025-12"),
    ("2026-12", "2026-12", "Tháng 12/2026", dt.date(2026, 12, 1), dt.date(2027, 1, 1), "2026-11"),
    ("2026-Q2", "2026-Q2", "Quý II/2026", dt.date(2026, 4, 1), dt.date(2026, 7, 1), "2026-Q1"),
    ("2026-q1", "2026-Q1", "Quý I/2026", dt.date(2026, 1, 1), dt.date(2026, 4, 1), "2025-Q4"),
    ("2026-H1", "2026-H1", "6 tháng đầu năm 2026", dt.date(2026, 1, 1), dt.date(2026, 7, 1), "2025-H2"),
    ("2026-H2", "2026-H2", "6 tháng cuối năm 2026", dt.date(2026, 7, 1), dt.date(2027, 1, 1), "2026-H1"),
    ("2026", "2026", "Năm 2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1), "2025"),
])
def test_periods(text: str, code: str, label: str, start: dt.date, end: dt.date, previous: str) -> None:
    period = parse_period(text)
    assert (period.code, period.label, period.start, period.end) == (code, label, start, end)
    assert period.previous().code == previous
    lo, hi = period.utc_bounds()
    assert lo == local_midnight_utc(start) and hi == local_midnight_utc(end)


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "2026-H3", "26-06", "June", "2026-6"])
def test_bad_periods_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="2026-Q2"):
        parse_period(bad)


def at(day: str) -> dt.datetime:
    """Noon local time on DAY, as the database stores it (naive UTC)."""
    return local_midnight_utc(dt.date.fromisoformat(day)) + dt.timedelta(hours=12)


def build_quarter(w: World) -> None:
    """2025-Q2 truth: see test_report_figures_equal_the_truth."""
    w.register_import(NOW - dt.timedelta(days=1))
    for code in ("X", "Y", "Z", "W"):
        w.register(code, imported_at=IMPORTED)
    w.register("V", imported_at=at("2025-07-15"))
    w.register("B", don_vi=UNIT_B, imported_at=IMPORTED)
    w.dossier("X", archived_at=at("2025-03-15"))
    w.dossier("Y", [qd()], archived_at=at("2025-05-10"))
    w.dossier("Z", [qd()], archived_at=at("2025-06-20"), duplicates=1)
    w.dossier("Z", [ban_an()], archived_at=at("2025-07-02"))
    w.dossier("W", archived_at=at("2025-08-01"))
    w.dossier("B", status="needs_review", method=None, confidence=0.5)
    with w.database.session() as session:
        refresh_all(session)


def report(w: World, period: str = "2025-Q2", **kw: object):  # noqa: ANN201
    with w.database.session() as session:
        return build_report(session, w.settings, parse_period(period), **kw)


def test_report_figures_equal_the_truth(any_world: World) -> None:
    build_quarter(any_world)
    data = report(any_world)
    assert [r.don_vi for r in data.rows] == [UNIT_A, UNIT_B]
    a, b = data.rows
    # Register by the period's end: X Y Z W (V came later). Digitised by then: X (Q1), Y, Z (Q2); W in Q3.
    assert (a.register_total, a.digitized, a.digitized_in_period) == (4, 3, 2)
    assert (a.previous_register_total, a.previous_digitized) == (4, 1)
    assert (a.coverage, a.previous_coverage, a.coverage_change) == (0.75, 0.25, 0.5)
    # Y lacks its judgment (not đúng, not đủ); Z has an unresolved duplicate page (not sạch).
    assert a.criteria == {"dung": 2, "du": 2, "sach": 2, "song": 3}
    # Pages of dossiers archived in Q2: Y (1 page) and Z's first part (1 page + its duplicate).
    assert a.pages_in_period == 3
    assert (a.not_digitized, a.needs_review) == (1, 0)
    assert (b.register_total, b.digitized, b.needs_review, b.not_digitized) == (1, 0, 1, 1)
    assert (data.total.register_total, data.total.digitized, data.total.pages_in_period) == (5, 3, 3)
    assert data.total.criteria == {"dung": 2, "du": 2, "sach": 2, "song": 3}
    assert data.previous.code == "2025-Q1"
    later = report(any_world, "2025-Q3")
    assert (later.rows[0].register_total, later.rows[0].digitized, later.rows[0].digitized_in_period) == (5, 4, 1)
    assert later.rows[0].pages_in_period == 3  # Z's second part (1) and W (2)


def test_report_for_one_unit(world: World) -> None:
    build_quarter(world)
    data = report(world, don_vi=UNIT_B)
    assert [r.don_vi for r in data.rows] == [UNIT_B]
    assert data.total.register_total == 1


def test_xlsx_reads_back_formatted(world: World, tmp_path: Path) -> None:
    build_quarter(world)
    path = tmp_path / "bao-cao.xlsx"
    write_report(report(world), path, "xlsx")
    book = load_workbook(path)
    sheet = book["Báo cáo"]
    assert sheet["A1"].value == "BÁO CÁO KẾT QUẢ SỐ HÓA HỒ SƠ THI HÀNH ÁN DÂN SỰ"
    assert "Quý II/2025" in sheet["A2"].value and "Quý I/2025" in sheet["A2"].value
    header = [c.value for c in sheet[5]]
    assert header == [c.heading for c in COLUMNS]
    assert all(c.font.bold for c in sheet[5])
    assert sheet.freeze_panes == "B6"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6, max_row=8)]
    by_heading = [dict(zip(header, r, strict=True)) for r in rows]
    assert [r["Đơn vị"] for r in by_heading] == [UNIT_A, UNIT_B, "Tổng cộng"]
    first = by_heading[0]
    assert (first["Số hồ sơ trong sổ"], first["Đã số hóa"], first["Tỷ lệ số hóa"]) == (4, 3, 0.75)
    assert (first["Đúng"], first["Đủ"], first["Sạch"], first["Sống"]) == (2, 2, 2, 3)
    assert (first["Số trang quét trong kỳ"], first["Thay đổi so với kỳ trước"]) == (3, 0.5)
    coverage_col = header.index("Tỷ lệ số hóa") + 1
    assert sheet.cell(row=6, column=coverage_col).number_format == "0.00%"
    assert sheet.cell(row=8, column=1).font.bold  # the total line
    assert sheet.column_dimensions["A"].width >= 30
    assert "Tiêu chí" in book.sheetnames


def test_csv_reads_back(world: World, tmp_path: Path) -> None:
    build_quarter(world)
    path = tmp_path / "bao-cao.csv"
    write_report(report(world), path, "csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Đơn vị"] for r in rows] == [UNIT_A, UNIT_B, "Tổng cộng"]
    assert rows[0]["Tỷ lệ số hóa (%)"] == "75.00"
    assert rows[0]["Thay đổi so với kỳ trước (điểm %)"] == "50.00"
    assert rows[2]["Số hồ sơ trong sổ"] == "5" and rows[2]["Cần xem xét"] == "1"


class _Page(HTMLParser):
    """Collects what a self-contained page must and must not have."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)
        self._in_cell = tag in ("td", "th")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells.append(data)


def test_html_is_self_contained_with_charts(world: World, tmp_path: Path) -> None:
    build_quarter(world)
    path = tmp_path / "bao-cao.html"
    write_report(report(world), path, "html")
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert page.external == []
    assert page.tags.count("svg") == 2 and page.tags.count("table") == 1
    assert page.cells[: len(COLUMNS)] == [c.heading for c in COLUMNS]
    first = page.cells[len(COLUMNS): 2 * len(COLUMNS)]
    assert first[:4] == [UNIT_A, "4", "3", "75,00%"]
    assert "+50,00%" in first
    assert "Tổng cộng" in page.cells


def test_written_atomically(world: World, tmp_path: Path) -> None:
    build_quarter(world)
    path = tmp_path / "bao-cao.csv"
    path.write_text("old")
    with pytest.raises(ValueError):
        write_report(report(world), path, "pdf")
    assert path.read_text() == "old"
    write_report(report(world), path, "csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.csv", "home"]
