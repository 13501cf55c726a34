"""The report as CSV: UTF-8 with a byte-order mark (Excel then shows Vietnamese right), one line per unit."""

from __future__ import annotations

import csv
from pathlib import Path

from scanflow.report.build import ReportData
from scanflow.report.columns import COLUMNS, Column

_SUFFIX = {"percent": " (%)", "change": " (điểm %)"}


def _cell(column: Column, value: object) -> object:
    if column.kind in ("percent", "change"):
        return f"{float(value) * 100:.2f}"  # type: ignore[arg-type]
    return value


def write_csv(data: ReportData, path: Path) -> None:
    """Header, one row per unit, then the total row; percentages as numbers with two decimals."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([c.heading + _SUFFIX.get(c.kind, "") for c in COLUMNS])
        for row in [*data.rows, data.total]:
            writer.writerow([_cell(c, c.value(row)) for c in COLUMNS])
