"""Periodic reports (month, quarter, half-year, year) for supervisors, built by scanflow.report and downloaded."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from scanflow.store.users import Role
from scanflow.tagging.text import fold
from scanflow.web import queries
from scanflow.web.deps import database_of, record, render, require, settings_of
from scanflow.web.sessions import Viewer

router = APIRouter()
Supervisor = Annotated[Viewer, Depends(require(Role.supervisor))]
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def _slug(text: str) -> str:
    """TEXT as a file-name part, ASCII letters, digits, dashes: "THADS Tuyên Quang" → thads-tuyen-quang."""
    return re.sub(r"[^0-9a-z]+", "-", fold(text)).strip("-")


def _default_period(today: dt.date) -> str:
    """Last month: what is reported at the start of a month."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last.year}-{last.month:02d}"


def _page(request: Request, period: str, don_vi: str, fmt: str, error: str | None = None,
          status: int = 200) -> Response:
    from scanflow.report import FORMATS

    with database_of(request).session() as session:
        units = queries.register_units(session)
    return render(
        request,
        "reports.html",
        {"period": period, "don_vi": don_vi, "format": fmt, "formats": FORMATS, "units": units, "error": error},
        status=status,
    )


@router.get("/reports")
def reports(request: Request, viewer: Supervisor) -> Response:
    return _page(request, _default_period(dt.date.today()), "", "xlsx")


@router.get("/reports/download")
def download_report(
    request: Request, viewer: Supervisor, period: str = "", don_vi: str = "", format: str = "xlsx"  # noqa: A002
) -> Response:
    from scanflow.report import FORMATS, build_report, parse_period, write_report

    fmt = format if format in FORMATS else "xlsx"
    try:
        wanted = parse_period(period.strip())
    except ValueError as exc:
        return _page(request, period, don_vi, fmt, str(exc), status=400)
    settings = settings_of(request)
    with database_of(request).session() as session:
        data = build_report(session, settings, wanted, don_vi=don_vi or None)
    stem = "-".join(_slug(part) for part in ("bao-cao", period, don_vi) if part)
    work = settings.dir("work")
    work.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="report-", dir=work))
    output = folder / f"{stem}.{fmt}"
    write_report(data, output, fmt)
    record(request, viewer, "report_download", output.name, {"period": period, "don_vi": don_vi or None})

    def cleanup() -> None:
        output.unlink(missing_ok=True)
        folder.rmdir()

    return FileResponse(output, media_type=MEDIA_TYPES.get(fmt, "application/octet-stream"), filename=output.name,
                        background=BackgroundTask(cleanup))
