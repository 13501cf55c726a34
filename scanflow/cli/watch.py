"""`scanflow watch` (the watched-folder service), `scanflow status` and `scanflow coversheet`."""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import sys
import threading
import warnings
from pathlib import Path
from typing import Annotated

import typer

from scanflow.cli.common import STATUS_LABELS, HomeOption, app, run_guarded
from scanflow.errors import ConfigError, DatabaseError

STATION_ROOT_LABEL = "inbox/"


def _log_to_stderr(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    logger = logging.getLogger("scanflow")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    # Damaged scans are expected here and each gets its own one-line reason; Pillow's warnings would only repeat it.
    warnings.filterwarnings("ignore", category=UserWarning, module="PIL")


def log_line(outcome, station: str) -> str:  # noqa: ANN001 - pipeline.Outcome
    """One readable line per finished dossier: time, station, dossier, pages, seconds, outcome, input."""
    label = STATUS_LABELS.get(outcome.status, outcome.status)
    fields = [
        dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        station or "-",
        outcome.case or "-",
        f"{outcome.pages} trang",
        f"{outcome.seconds:.1f} s",
        label,
        outcome.input,
    ]
    line = "  ".join(fields)
    return f"{line}  — {outcome.error}" if outcome.error else line


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(_signum, _frame) -> None:  # noqa: ANN001
        stop.set()

    for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)


@app.command()
@run_guarded
def watch(
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="Profile name (profiles/NAME.toml).")] = None,
    settle_seconds: Annotated[
        float | None,
        typer.Option("--settle-seconds", min=0.5, help="Seconds without change before a scan is taken (settings)."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per finished dossier per line.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-j", help="Worker processes; 0 = settings.")] = 0,
    polling: Annotated[bool, typer.Option("--polling", help="Poll the inbox instead of file events.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="More detail in the log.")] = False,
    home: HomeOption = None,
) -> None:
    """Watch the inbox and the stations' subfolders, archiving every scan dropped there, until Ctrl-C or SIGTERM.

    One line per finished dossier goes to stdout (JSON with --json); the service's own log goes to stderr.
    """
    from scanflow.config import load_profile
    from scanflow.executors import make_executor
    from scanflow.home import open_home
    from scanflow.intake.watch import WatchOptions, WatchService

    settings, database = open_home(home)
    chosen = load_profile(profile or settings.profile, settings.home)
    _log_to_stderr(verbose)
    options = WatchOptions(
        settle_seconds=settle_seconds if settle_seconds is not None else settings.settle_seconds,
        force_polling=polling or settings.force_polling,
        rescan_seconds=settings.rescan_seconds,
    )

    def emit(outcome, station: str) -> None:  # noqa: ANN001
        typer.echo(outcome.to_json() if json_out else log_line(outcome, station))
        sys.stdout.flush()

    runner = make_executor(settings.executor, settings, workers or settings.worker_count)
    stop = threading.Event()
    _stop_on_signals(stop)
    try:
        WatchService(settings, chosen, database, runner, options, emit).run(stop)
    finally:
        database.dispose()


@app.command()
@run_guarded
def status(
    json_out: Annotated[bool, typer.Option("--json", help="The counts as one JSON object.")] = False,
    home: HomeOption = None,
) -> None:
    """Per station: scans waiting, in progress, failed (in quarantine/), duplicates set aside, needing review."""
    from scanflow.home import open_home
    from scanflow.intake.ledger import Ledger
    from scanflow.intake.watch import service_pid

    settings, database = open_home(home)
    try:
        rows = Ledger(database, settings, "").station_status()
    finally:
        database.dispose()
    pid = service_pid(settings.home)
    if json_out:
        typer.echo(json.dumps({
            "service": {"running": pid is not None, "pid": pid if pid and pid > 0 else None},
            "stations": [row.__dict__ for row in rows],
        }, ensure_ascii=False))
        return
    if pid is None:
        typer.echo("Dịch vụ watch: không chạy")
    else:
        typer.echo(f"Dịch vụ watch: đang chạy{f' (pid {pid})' if pid > 0 else ''}")
    headers = ("Trạm", "Đang chờ", "Đang xử lý", "Lỗi", "Trùng lặp", "Cần xem xét")
    table = [headers] + [
        (r.station or STATION_ROOT_LABEL, str(r.waiting), str(r.in_progress), str(r.failed), str(r.duplicates),
         str(r.needs_review))
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    for row in table:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        typer.echo("  ".join(cells))


@app.command()
@run_guarded
def coversheet(
    codes: Annotated[list[str], typer.Argument(help="Dossier codes (mã hồ sơ), one sheet each.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The PDF to write.")] = Path("covers.pdf"),
    home: HomeOption = None,
) -> None:
    """Print QR cover sheets (one A4 page per code) to put on top of each dossier in a scan run.

    The watched inbox splits a run at each sheet and files the pages after it under that code; the sheet itself
    is left out. The register case's details are printed when the case is known.
    """
    from scanflow.home import open_home
    from scanflow.intake.coversheet import normalise_code, render, sheet_for
    from scanflow.store.models import RegisterCase

    normalised = [normalise_code(code) for code in codes]
    cases: dict[str, RegisterCase] = {}
    try:
        settings, database = open_home(home)
    except (ConfigError, DatabaseError) as exc:
        typer.echo(f"scanflow: register details left out ({exc})", err=True)
    else:
        try:
            with database.session() as session:
                for code in set(normalised):
                    case = session.get(RegisterCase, code)
                    if case is not None:
                        cases[code] = case
        finally:
            database.dispose()
    sheets = [sheet_for(code, cases.get(code)) for code in normalised]
    render(sheets, output)
    unknown = [s.code for s in sheets if not s.known]
    typer.echo(f"{output}: {len(sheets)} phiếu bìa" + (f"; chưa có trong sổ thụ lý: {', '.join(unknown)}"
                                                       if unknown else ""))
