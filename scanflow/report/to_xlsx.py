"""The report as an Excel workbook (openpyxl) that opens cleanly in Excel and LibreOffice Calc."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from scanflow.report.build import ReportData
from scanflow.report.columns import COLUMNS
from scanflow.report.definitions import CRITERIA_DEFINITIONS

HEADER_ROW = 5
FORMATS = {"int": "#,##0", "percent": "0.00%", "change": "+0.00%;-0.00%;0.00%"}
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")


def write_xlsx(data: ReportData, path: Path) -> None:
    """Sheet "Báo cáo": title lines, a bold frozen header, one row per unit, a bold total; sheet "Tiêu chí"
    explains the four criteria."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet["A1"] = "BÁO CÁO KẾT QUẢ SỐ HÓA HỒ SƠ THI HÀNH ÁN DÂN SỰ"
    sheet["A1"].font = Font(bold=True, size=14)
    period = data.period
    sheet["A2"] = (f"Kỳ báo cáo: {period.label} (từ {period.start:%d/%m/%Y} đến {period.last_day:%d/%m/%Y}); "
                   f"so sánh với {data.previous.label}")
    scope = f"Đơn vị: {data.don_vi}. " if data.don_vi else ""
    sheet["A3"] = f"{scope}Lập lúc {data.generated_at:%H:%M ngày %d/%m/%Y} bởi scanflow. " + " ".join(data.notes)
    for col, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=column.heading)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = 32
    for offset, row in enumerate([*data.rows, data.total], start=1):
        for col, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=col, value=column.value(row))
            cell.border = _BORDER
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
            if row.total:
                cell.font = Font(bold=True)
                cell.fill = _TOTAL_FILL
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2)
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(data.rows)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    notes = book.create_sheet("Tiêu chí")
    notes["A1"], notes["B1"] = "Tiêu chí", "Cách scanflow đo"
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    for n, (name, text) in enumerate(CRITERIA_DEFINITIONS, start=2):
        notes.cell(row=n, column=1, value=name).font = Font(bold=True)
        notes.cell(row=n, column=2, value=text).alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 110
    notes.freeze_panes = "A2"
    book.properties.title = f"Báo cáo số hóa {period.label}"
    book.properties.creator = "scanflow"
    book.save(path)
