"""The `scanflow` command: argument parsing, output and exit codes only; the work lives in the modules.

Each module here adds the commands of one area to the shared Typer app.
"""

from scanflow.cli import process, register, review, scale, stats, watch, web  # noqa: F401 - registers commands
from scanflow.cli.common import app


def main() -> None:
    """Console-script entry point."""
    app()
