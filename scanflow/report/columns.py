"""The report's columns, in order, with their Vietnamese headings: one list that every format writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from scanflow.report.build import UnitRow

UNKNOWN_UNIT = "(chưa rõ đơn vị)"
TOTAL_LABEL = "Tổng cộng"

Kind = Literal["text", "int", "percent", "change"]  # change: difference of two percentages


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind
    value: Callable[[UnitRow], object]
    width: int = 12  # characters, for the spreadsheet


def unit_name(row: UnitRow) -> str:
    if row.total:
        return TOTAL_LABEL
    return row.don_vi or UNKNOWN_UNIT


COLUMNS: tuple[Column, ...] = (
    Column("Đơn vị", "text", unit_name, 40),
    Column("Số hồ sơ trong sổ", "int", lambda r: r.register_total, 14),
    Column("Đã số hóa", "int", lambda r: r.digitized),
    Column("Tỷ lệ số hóa", "percent", lambda r: r.coverage),
    Column("Đúng", "int", lambda r: r.criteria["dung"], 10),
    Column("Đủ", "int", lambda r: r.criteria["du"], 10),
    Column("Sạch", "int", lambda r: r.criteria["sach"], 10),
    Column("Sống", "int", lambda r: r.criteria["song"], 10),
    Column("Số hóa mới trong kỳ", "int", lambda r: r.digitized_in_period, 14),
    Column("Số trang quét trong kỳ", "int", lambda r: r.pages_in_period, 14),
    Column("Chưa số hóa", "int", lambda r: r.not_digitized),
    Column("Đang xử lý", "int", lambda r: r.processing),
    Column("Cần xem xét", "int", lambda r: r.needs_review),
    Column("Cách ly (lỗi)", "int", lambda r: r.quarantined),
    Column("Tỷ lệ kỳ trước", "percent", lambda r: r.previous_coverage, 14),
    Column("Thay đổi so với kỳ trước", "change", lambda r: r.coverage_change, 16),
)
