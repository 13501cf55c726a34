"""The report as one self-contained HTML file: a table and server-drawn SVG charts, nothing loaded from elsewhere."""

from __future__ import annotations

from html import escape
from pathlib import Path

from scanflow.quality import CRITERIA
from scanflow.report.build import ReportData
from scanflow.report.charts import Bar, hbar_chart
from scanflow.report.columns import COLUMNS, Column, unit_name
from scanflow.report.definitions import CRITERIA_DEFINITIONS

CRITERION_NAMES = {"dung": "Đúng", "du": "Đủ", "sach": "Sạch", "song": "Sống"}

STYLE = """
body { font-family: "Times New Roman", serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
p.meta { margin: 2px 0; color: #444; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #999; padding: 4px 6px; }
th { background: #dde7f3; } td.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; background: #f2f2f2; }
dl dt { font-weight: bold; margin-top: 6px; } dl dd { margin-left: 16px; }
@media print { body { margin: 0; } }
"""


def vn_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def vn_percent(value: float, signed: bool = False) -> str:
    text = f"{value * 100:+.2f}" if signed else f"{value * 100:.2f}"
    return text.replace(".", ",") + "%"


def _cell(column: Column, value: object) -> str:
    if column.kind == "int":
        return f'<td class="num">{vn_number(int(value))}</td>'  # type: ignore[call-overload]
    if column.kind in ("percent", "change"):
        return f'<td class="num">{vn_percent(float(value), signed=column.kind == "change")}</td>'  # type: ignore[arg-type]
    return f"<td>{escape(str(value))}</td>"


def render_html(data: ReportData) -> str:
    """The whole report page."""
    period = data.period
    title = f"Báo cáo số hóa hồ sơ thi hành án — {period.label}"
    head = "".join(f"<th>{escape(c.heading)}</th>" for c in COLUMNS)
    body = []
    for row in [*data.rows, data.total]:
        cls = ' class="total"' if row.total else ""
        body.append(f"<tr{cls}>" + "".join(_cell(c, c.value(row)) for c in COLUMNS) + "</tr>")
    coverage = hbar_chart(
        [Bar(unit_name(r), r.coverage, vn_percent(r.coverage), r.previous_coverage) for r in data.rows],
        title="Tỷ lệ số hóa theo đơn vị",
    )
    digitized = data.total.digitized
    shares = {c: data.total.criteria[c] / digitized if digitized else 0.0 for c in CRITERIA}
    criteria = hbar_chart(
        [Bar(CRITERION_NAMES[c], shares[c], f"{vn_number(data.total.criteria[c])} ({vn_percent(shares[c])})")
         for c in CRITERIA],
        title="Đúng, đủ, sạch, sống trên số hồ sơ đã số hóa",
    )
    scope = f"<p class=\"meta\">Đơn vị: {escape(data.don_vi)}</p>" if data.don_vi else ""
    notes = "".join(f'<p class="meta">{escape(n)}</p>' for n in data.notes)
    definitions = "".join(f"<dt>{escape(n)}</dt><dd>{escape(t)}</dd>" for n, t in CRITERIA_DEFINITIONS)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>"
        "<h1>BÁO CÁO KẾT QUẢ SỐ HÓA HỒ SƠ THI HÀNH ÁN DÂN SỰ</h1>"
        f'<p class="meta">Kỳ báo cáo: <strong>{escape(period.label)}</strong> '
        f"(từ {period.start:%d/%m/%Y} đến {period.last_day:%d/%m/%Y}); so sánh với {escape(data.previous.label)}</p>"
        f"{scope}"
        f'<p class="meta">Lập lúc {data.generated_at:%H:%M ngày %d/%m/%Y} bởi scanflow.</p>{notes}'
        f"<h2>Số liệu theo đơn vị</h2><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        "<h2>Tỷ lệ số hóa theo đơn vị</h2>"
        '<p class="meta">Vạch đỏ: tỷ lệ cuối kỳ trước.</p>'
        f"<figure>{coverage}</figure>"
        f"<h2>Đúng, đủ, sạch, sống</h2><figure>{criteria}</figure>"
        f"<h2>Cách tính</h2><dl>{definitions}</dl>"
        "</body></html>\n"
    )


def write_html(data: ReportData, path: Path) -> None:
    path.write_text(render_html(data), encoding="utf-8")
