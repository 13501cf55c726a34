"""`scanflow register import` and `scanflow register show`: the case register from the command line."""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from scanflow.cli.common import HomeOption, app, fail, run_guarded
from scanflow.errors import ExitCode

register_app = typer.Typer(
    help="Sổ hồ sơ: nhập danh sách vụ việc từ hệ thống quản lý, xem một hồ sơ.", no_args_is_help=True
)
app.add_typer(register_app, name="register")

ERRORS_SHOWN = 50  # refused rows printed to stderr; --errors FILE gets them all

COLUMN_LABELS = {
    "ma_ho_so": "Mã hồ sơ",
    "so_qd_tha": "Số QĐTHA",
    "ngay_qd_tha": "Ngày QĐTHA",
    "so_ban_an": "Số bản án/quyết định",
    "ngay_ban_an": "Ngày bản án",
    "toa_an": "Tòa án",
    "nguoi_phai_thi_hanh": "Người phải thi hành án",
    "nguoi_duoc_thi_hanh": "Người được thi hành án",
    "loai": "Loại",
    "don_vi": "Đơn vị",
    "trang_thai": "Trạng thái",
    "ngay_cap_nhat": "Ngày cập nhật",
    "year": "Năm",
    "imported_at": "Nhập lần đầu",
    "changed_at": "Thay đổi lần cuối",
}


def summary_line(report) -> str:  # noqa: ANN001 - ImportReport
    """The one-line outcome: Vietnamese labels, the English word beside each count for scripts and logs."""
    return (
        f"Nhập sổ xong: thêm mới {report.added} (added) · cập nhật {report.updated} (updated) · "
        f"không đổi {report.unchanged} (unchanged) · bị từ chối {report.rejected} (rejected) "
        f"— {report.seconds:.1f} s"
    )


class _Progress:
    """A tqdm bar on stderr, created at the first report (when the total is known); silent when disabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None

    def update(self, position: int, total: int, unit: str) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                unit=unit,
                desc="Nhập sổ",
                file=sys.stderr,
                dynamic_ncols=True,
                unit_scale=unit == "B",
                leave=False,
            )
        self.bar.update(position - self.bar.n)

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            typer.echo(line, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@register_app.command("import")
@run_guarded
def import_cmd(
    file: Annotated[Path, typer.Argument(help="Register export: CSV (UTF-8, `,` or `;`) or XLSX.")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="TOML mapping other column names/values to scanflow's.")
    ] = None,
    errors: Annotated[
        Path | None, typer.Option("--errors", help="Write every refused row (line, ma_ho_so, reason) to this CSV.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
    home: HomeOption = None,
) -> None:
    """Import (upsert by ma_ho_so) the case register; changes are kept as history.

    Canonical columns: ma_ho_so, so_qd_tha, ngay_qd_tha, so_ban_an, ngay_ban_an, toa_an, nguoi_phai_thi_hanh,
    nguoi_duoc_thi_hanh, loai (chu_dong|theo_yeu_cau), don_vi, trang_thai, ngay_cap_nhat; dates yyyy-mm-dd or
    dd/mm/yyyy. Refused rows are listed with their line number and reason; the others still go in.
    Exit code 2 when any row was refused.
    """
    from scanflow.home import open_home
    from scanflow.register import import_register, load_mapping

    chosen = load_mapping(mapping) if mapping is not None else None
    settings, database = open_home(home)
    show_bar = sys.stderr.isatty() and os.environ.get("SCANFLOW_PROGRESS", "1") != "0"
    shown = 0
    error_file = None
    error_writer = None
    if errors is not None:
        try:
            error_file = errors.open("w", encoding="utf-8-sig", newline="")
        except OSError as exc:
            fail(f"cannot write {errors}: {exc.strerror}", ExitCode.bad_args)
        error_writer = csv.writer(error_file)
        error_writer.writerow(["line", "ma_ho_so", "reason"])
    progress = _Progress(show_bar)

    def on_error(error) -> None:  # noqa: ANN001 - RowError
        nonlocal shown
        if error_writer is not None:
            error_writer.writerow([error.line, error.ma_ho_so or "", error.reason])
        if shown < ERRORS_SHOWN:
            progress.write(f"từ chối {error}")
        shown += 1

    try:
        report = import_register(
            database, file, chosen, on_error=on_error, on_progress=progress.update, home=settings.home
        )
    finally:
        progress.close()
        database.dispose()
        if error_file is not None:
            error_file.close()
    if report.missing_columns:
        missing = ", ".join(report.missing_columns)
        typer.echo(f"lưu ý: tệp không có cột {missing}: các hồ sơ đã có giữ nguyên giá trị các cột này", err=True)
    if report.ignored_columns:
        typer.echo(f"lưu ý: bỏ qua các cột không dùng: {', '.join(report.ignored_columns)}", err=True)
    if report.rejected > ERRORS_SHOWN:
        more = report.rejected - ERRORS_SHOWN
        hint = f" (đủ trong {errors})" if errors is not None else " (dùng --errors FILE để xem đủ)"
        typer.echo(f"… và {more} dòng bị từ chối khác{hint}", err=True)
    typer.echo(json.dumps(report.as_json(), ensure_ascii=False) if json_out else summary_line(report))
    if report.rejected:
        raise typer.Exit(int(ExitCode.input_failed))


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="seconds") if hasattr(value, "hour") else value.isoformat()
    return str(value)


@register_app.command("show")
@run_guarded
def show_cmd(
    ma_ho_so: Annotated[str, typer.Argument(help="Mã hồ sơ of the case.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the case and its history as JSON.")] = False,
    home: HomeOption = None,
) -> None:
    """One register case with the history of its changes across imports."""
    from scanflow.home import open_home
    from scanflow.register.history import case_history
    from scanflow.store.models import RegisterCase
    from scanflow.tagging.text import nfc

    _, database = open_home(home)
    try:
        with database.session() as session:
            case = session.get(RegisterCase, nfc(ma_ho_so.strip()))
            if case is None:
                fail(f"no case {ma_ho_so!r} in the register", ExitCode.bad_args)
            history = case_history(session, case.ma_ho_so)
    finally:
        database.dispose()
    fields = {c: getattr(case, c) for c in (*COLUMN_LABELS, "qd_key", "ban_an_key", "names_folded")}
    if json_out:
        data = {k: (_fmt(v) if v is not None and hasattr(v, "isoformat") else v) for k, v in fields.items()}
        data["history"] = [h.as_json() for h in history]
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    for column, label in COLUMN_LABELS.items():
        typer.echo(f"{label + ':':<26}{_fmt(fields[column])}")
    typer.echo(f"Lịch sử thay đổi: {len(history) or 'chưa có'}")
    for entry in history:
        typer.echo(f"  {_fmt(entry.changed_at)} (lần nhập {entry.import_id})")
        for column, (old, new) in entry.changes.items():
            typer.echo(f"    {COLUMN_LABELS.get(column, column)}: {_fmt(old)} → {_fmt(new)}")
