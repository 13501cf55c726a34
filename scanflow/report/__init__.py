"""Periodic reports sent upward (month, quarter, half-year, year): figures per unit, as xlsx, csv or html."""

from __future__ import annotations

from pathlib import Path

from scanflow.report.build import ReportData, UnitRow, build_report
from scanflow.report.periods import Period, parse_period

FORMATS = ("xlsx", "csv", "html")

__all__ = ["FORMATS", "Period", "ReportData", "UnitRow", "build_report", "parse_period", "write_report"]


def write_report(data: ReportData, path: Path, fmt: str) -> None:
    """Write DATA to PATH as FMT (one of FORMATS); the file is replaced atomically."""
    if fmt == "xlsx":
        from scanflow.report.to_xlsx import write_xlsx as writer
    elif fmt == "csv":
        from scanflow.report.to_csv import write_csv as writer
    elif fmt == "html":
        from scanflow.report.to_html import write_html as writer
    else:
        raise ValueError(f"unknown report format {fmt!r}")
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    try:
        writer(data, tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
