"""Shared CLI pieces: the Typer app, the --home option, one-line errors and exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scanflow import __version__
from scanflow.errors import ExitCode, ScanflowError

app = typer.Typer(
    help="scanflow: scans → Vietnamese searchable PDF/A-2b, tagged against the case register.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

STATUS_LABELS = {
    "archived": "đã lưu trữ",
    "needs_review": "cần xem xét",
    "quarantined": "cách ly",
    "duplicate": "trùng lặp",
}

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", envvar="SCANFLOW_HOME", help="Station home folder (default ~/scanflow)."),
]


def fail(message: str, code: ExitCode) -> None:
    """Print one line to stderr and exit with CODE."""
    typer.echo(f"scanflow: error: {message}", err=True)
    raise typer.Exit(int(code))


def run_guarded(func):  # noqa: ANN001, ANN201 - decorator
    """Turn ScanflowError into one line and its exit code; Ctrl-C into exit 130."""

    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        try:
            return func(*args, **kwargs)
        except ScanflowError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            typer.echo("scanflow: interrupted; finished dossiers are kept, the rest will be redone", err=True)
            raise typer.Exit(int(ExitCode.interrupted)) from None

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    wrapper.__wrapped__ = func
    return wrapper


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"scanflow {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """scanflow: scans → Vietnamese searchable PDF/A-2b, tagged against the case register."""
