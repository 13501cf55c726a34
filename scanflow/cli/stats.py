"""`scanflow stats` (the KPI: coverage, the four criteria, the backlog) and `scanflow report` (periodic reports)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from scanflow.cli.common import HomeOption, app, fail, run_guarded
from scanflow.errors import ExitCode

UNKNOWN_UNIT = "(chưa rõ đơn vị)"
CRITERIA_ROWS = (("dung", "Đúng"), ("du", "Đủ"), ("sach", "Sạch"), ("song", "Sống"))
BACKLOG_ROWS = (
    ("inbox", "Chờ trong thư mục nhận"),
    ("processing", "Đang xử lý"),
    ("needs_review", "Cần xem xét"),
    ("quarantined", "Cách ly (lỗi)"),
    ("not_digitized", "Chưa số hóa"),
)


def vn_int(value: int) -> str:
    """12345 → "12.345" (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def vn_pct(value: float) -> str:
    """0.1234 → "12,34%"."""
    return f"{value * 100:.2f}%".replace(".", ",")


def stats_table(data: dict, scope: str, notes: list[str]) -> list[str]:
    """The readable form of the counters, Vietnamese labels."""
    digitized = data["digitized"]
    lines = [f"Thống kê số hóa hồ sơ thi hành án — {scope}", ""]
    rows = [
        ("Tổng số hồ sơ trong sổ", vn_int(data["register_total"]), ""),
        ("Đã số hóa", vn_int(digitized), ""),
        ("Tỷ lệ số hóa", vn_pct(data["coverage"]), ""),
    ]
    for key, label in CRITERIA_ROWS:
        count = data["criteria"][key]
        share = f"({vn_pct(count / digitized)} số đã số hóa)" if digitized else ""
        rows.append((label, vn_int(count), share))
    rows.append(("Tồn đọng", "", ""))
    rows += [(f"  {label}", vn_int(data["backlog"][key]), "") for key, label in BACKLOG_ROWS]
    width = max(len(r[0]) for r in rows)
    lines += [f"{label:<{width}}  {value:>12}  {extra}".rstrip() for label, value, extra in rows]
    lines += notes
    if data["by_don_vi"]:
        header = ("Đơn vị", "Trong sổ", "Đã số hóa", "Tỷ lệ", "Đúng", "Đủ", "Sạch", "Sống", "Đang xử lý",
                  "Cần xem xét", "Cách ly", "Chưa số hóa")
        table = [header]
        for unit in data["by_don_vi"]:
            c, b = unit["criteria"], unit["backlog"]
            table.append((
                unit["don_vi"] or UNKNOWN_UNIT, vn_int(unit["register_total"]), vn_int(unit["digitized"]),
                vn_pct(unit["coverage"]), vn_int(c["dung"]), vn_int(c["du"]), vn_int(c["sach"]), vn_int(c["song"]),
                vn_int(b["processing"]), vn_int(b["needs_review"]), vn_int(b["quarantined"]),
                vn_int(b["not_digitized"]),
            ))
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        lines += ["", "Theo đơn vị:"]
        for n, row in enumerate(table):
            cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
            lines.append("  ".join(cells))
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
    return lines


@app.command()
@run_guarded
def stats(
    don_vi: Annotated[str | None, typer.Option("--don-vi", help="Only this unit (đơn vị), as in the register.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only register cases of this year.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object (the same as /api/stats).")] = False,
    check: Annotated[bool, typer.Option("--check", help="Recompute everything from the stored facts and list "
                                                        "any difference; exit 7 if there is one.")] = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Recompute and store the criteria of every "
                                                            "digitised case first.")] = False,
    home: HomeOption = None,
) -> None:
    """Coverage of the register, the four criteria (đúng, đủ, sạch, sống) and the backlog."""
    from scanflow.home import open_home
    from scanflow.quality.stats import compute_stats

    settings, database = open_home(home)
    try:
        if refresh:
            from scanflow.quality.refresh import refresh_all

            with database.session() as session:
                count = refresh_all(session, home=settings.home)
            if not json_out:
                typer.echo(f"Đã đánh giá lại {vn_int(count)} hồ sơ đã số hóa.")
        with database.session() as session:
            data = compute_stats(session, settings=settings, don_vi=don_vi, year=year)
            notes = [] if json_out else _notes(session, settings, data)
            report = None
            if check:
                from scanflow.quality.check import check as run_check

                report = run_check(session, settings, don_vi=don_vi, year=year)
    finally:
        database.dispose()
    if json_out and report is None:
        typer.echo(json.dumps(data, ensure_ascii=False))
    elif json_out:
        typer.echo(json.dumps({"ok": report.ok, "cases": report.cases, "differences": report.differences,
                               "stats": data}, ensure_ascii=False))
    else:
        scope = ", ".join(p for p in (f"đơn vị {don_vi}" if don_vi else "", f"năm {year}" if year else "") if p)
        for line in stats_table(data, scope or "toàn bộ", notes):
            typer.echo(line)
        if report is not None:
            typer.echo("")
            if report.ok:
                typer.echo(f"Kiểm tra: khớp ({vn_int(report.cases)} hồ sơ đã số hóa được tính lại từ dữ liệu gốc).")
            else:
                typer.echo(f"Kiểm tra: {len(report.differences)} khác biệt so với tính lại từ dữ liệu gốc:")
                for line in report.differences:
                    typer.echo(f"  {line}")
                typer.echo("Chạy 'scanflow stats --refresh' để tính lại và lưu.")
    if report is not None and not report.ok:
        raise typer.Exit(int(ExitCode.check_failed))


def _notes(session, settings, data: dict) -> list[str]:  # noqa: ANN001
    from scanflow.quality.criteria import register_stale_message
    from scanflow.quality.stats import last_register_import, register_is_current

    last = last_register_import(session)
    if data["digitized"] and not register_is_current(last, settings):
        return ["", f"Lưu ý: Sống = 0 vì {register_stale_message(last, settings.register_max_age_days).lower()}."]
    return []


@app.command()
@run_guarded
def report(
    period: Annotated[str, typer.Option("--period", help="2026-06 (month), 2026-Q2, 2026-H1 or 2026.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    fmt: Annotated[str | None, typer.Option("--format", help="xlsx | csv | html (default: from -o).")] = None,
    don_vi: Annotated[str | None, typer.Option("--don-vi", help="Only this unit.")] = None,
    home: HomeOption = None,
) -> None:
    """The periodic report sent upward: per unit, coverage, the four criteria, pages scanned, backlog, change."""
    from scanflow.errors import ScanflowError
    from scanflow.home import open_home
    from scanflow.report import FORMATS, build_report, parse_period, write_report

    chosen = (fmt or output.suffix.lstrip(".") or "xlsx").lower()
    if chosen not in FORMATS:
        fail(f"unknown report format {chosen!r}: use one of {', '.join(FORMATS)}", ExitCode.bad_args)
    try:
        wanted = parse_period(period)
    except ValueError as exc:
        fail(str(exc), ExitCode.bad_args)
    settings, database = open_home(home)
    try:
        with database.session() as session:
            data = build_report(session, settings, wanted, don_vi=don_vi)
    finally:
        database.dispose()
    try:
        write_report(data, output, chosen)
    except OSError as exc:
        raise ScanflowError(f"cannot write {output}: {exc.strerror}") from None
    typer.echo(f"Đã ghi báo cáo kỳ {data.period.label}: {output} ({len(data.rows)} đơn vị)")
