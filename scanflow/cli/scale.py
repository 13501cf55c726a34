"""`scanflow worker`, `scanflow reprocess` and `scanflow verify`: running at scale and keeping the archive sound."""

from __future__ import annotations

import os
import sys
import time
from typing import Annotated

import typer

from scanflow.cli.common import STATUS_LABELS, HomeOption, app, fail, run_guarded
from scanflow.errors import ConfigError, ExitCode

PROBLEM_LABELS = {
    "missing": "THIẾU TỆP",  # the database names it, the disk does not have it
    "changed": "BỊ THAY ĐỔI",  # its SHA-256 is not the one recorded
    "orphaned": "KHÔNG CÓ TRONG CSDL",  # on disk, named by no row
}


def _show_progress() -> bool:
    return sys.stderr.isatty() and os.environ.get("SCANFLOW_PROGRESS", "1") != "0"


@app.command()
@run_guarded
def worker(
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", help="Pages at once; 0 = one per core.")] = 0,
    loglevel: Annotated[str, typer.Option("--loglevel", help="Celery log level.")] = "info",
    home: HomeOption = None,
) -> None:
    """Run an OCR worker: take pages from the broker (SCANFLOW_BROKER_URL) for `process --executor celery`."""
    from scanflow.config import load_settings
    from scanflow.executors.celery_app import QUEUE, broker_url, make_app
    from scanflow.ocr import tesseract
    from scanflow.store.db import redact

    settings = load_settings(home)
    for name in ("originals", "work"):
        if not settings.dir(name).is_dir():
            raise ConfigError(f"{settings.dir(name)} not found: point --home or SCANFLOW_HOME at the shared home")
    tesseract.probe()
    # Children are forked from here and resolve message paths against this home; one thread each.
    os.environ["SCANFLOW_HOME"] = str(settings.home)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    processes = concurrency if concurrency > 0 else max(1, os.cpu_count() or 1)
    where = redact(broker_url(settings.broker_url))
    typer.echo(f"worker: {processes} process(es), home {settings.home}, broker {where}", err=True)
    make_app(settings.broker_url).worker_main(
        [
            "worker",
            f"--concurrency={processes}",
            "--pool=prefork",
            f"--queues={QUEUE}",
            f"--hostname=scanflow-{os.getpid()}@%h",
            f"--loglevel={loglevel.upper()}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


def _redone_line(redone) -> str:  # noqa: ANN001 - scanflow.maintenance.reprocess.Redone
    label = STATUS_LABELS.get(redone.status, redone.status)
    who = f"#{redone.dossier_id} {redone.case or redone.input}"
    if redone.error:
        return f"{'lỗi, giữ nguyên':<16} {who} — {redone.error}"
    before = redone.before
    change = ""
    if before is not None and (before.status, before.ma_ho_so, before.pages, len(before.outputs)) != (
        redone.status, redone.case, redone.pages, redone.documents
    ):
        change = (f" (trước: {STATUS_LABELS.get(before.status, before.status)}, {before.ma_ho_so or '—'}, "
                  f"{before.pages} trang, {len(before.outputs)} tệp)")
    return f"{label:<16} {who} — {redone.pages} trang, {redone.documents} tệp PDF{change} — {redone.seconds:.1f} s"


@app.command()
@run_guarded
def reprocess(
    all_: Annotated[bool, typer.Option("--all", help="Every archived dossier (and those waiting for review).")] = False,
    case: Annotated[str | None, typer.Option("--case", help="Dossiers of this mã hồ sơ.")] = None,
    don_vi: Annotated[str | None, typer.Option("--don-vi", help="Dossiers of this office (đơn vị).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Archived on or after this day (2025-03-01).")] = None,
    status: Annotated[str | None, typer.Option("--status", help="archived | needs_review | quarantined.")] = None,
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="Profile (default: each one's own).")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes; 0 = settings.")] = 0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be reprocessed; change nothing.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per dossier, one per line.")] = False,
    home: HomeOption = None,
) -> None:
    """Re-derive dossiers from their kept originals with the current profile; run it again to resume."""
    import json

    from tqdm import tqdm

    from scanflow.config import load_profile
    from scanflow.executors import make_executor
    from scanflow.home import open_home
    from scanflow.maintenance.reprocess import Selection, open_run, parse_day, pending_of, reprocess

    try:
        selection = Selection(all=all_, case=case, don_vi=don_vi, since=parse_day(since) if since else None,
                              status=status)
    except ValueError as exc:
        fail(str(exc), ExitCode.bad_args)
    settings, database = open_home(home)
    try:
        if profile:
            load_profile(profile, settings.home)  # a wrong name fails before anything starts
        if dry_run:
            pending, run_id = pending_of(database, selection, profile)
            for c in pending:
                if json_out:
                    typer.echo(json.dumps({"dossier_id": c.dossier_id, "input": c.input, "case": c.case,
                                           "status": c.status, "pages": c.pages, "profile": profile or c.profile},
                                          ensure_ascii=False))
                else:
                    label = STATUS_LABELS.get(c.status, c.status)
                    typer.echo(f"sẽ xử lý lại  #{c.dossier_id} {c.case or c.input} — {label}, {c.pages} trang, "
                               f"cấu hình {profile or c.profile}")
            if not json_out:
                resumed = f" (tiếp tục lần chạy {run_id})" if run_id else ""
                typer.echo(f"{len(pending)} hồ sơ, {sum(c.pages for c in pending)} trang sẽ được xử lý lại{resumed}; "
                           "chưa thay đổi gì (--dry-run).")
            return
        plan = open_run(database, selection, profile)
        total_pages = sum(c.pages for c in plan.pending)
        show_bar = _show_progress()
        if plan.resumed and not json_out:
            typer.echo(f"tiếp tục lần chạy {plan.run_id}: {plan.done_before} hồ sơ đã xong, còn {len(plan.pending)}",
                       err=True)
        failed = 0
        started = time.perf_counter()
        with tqdm(total=total_pages, unit="trang", desc="Xử lý lại", file=sys.stderr, disable=not show_bar,
                  dynamic_ncols=True) as bar:

            def on_page(_result) -> None:  # noqa: ANN001
                bar.update(1)

            workers = jobs or settings.worker_count
            for redone in reprocess(settings, database, plan, profile,
                                    lambda: make_executor(settings.executor, settings, workers), on_page=on_page):
                failed += redone.failed
                line = redone.to_json() if json_out else _redone_line(redone)
                if show_bar:
                    bar.write(line, file=sys.stdout)
                else:
                    typer.echo(line)
                sys.stdout.flush()
        if not json_out:
            elapsed = time.perf_counter() - started
            rate = total_pages / elapsed if elapsed > 0 else 0
            typer.echo(f"{len(plan.pending)} hồ sơ, {total_pages} trang trong {elapsed:.1f} s ({rate:.2f} trang/s); "
                       f"{failed} lỗi (giữ nguyên như cũ).")
    finally:
        database.dispose()
    if failed:
        raise typer.Exit(int(ExitCode.input_failed))


@app.command()
@run_guarded
def verify(
    json_out: Annotated[bool, typer.Option("--json", help="The report as one JSON object.")] = False,
    home: HomeOption = None,
) -> None:
    """Fixity audit: re-hash every archived PDF and original; report missing, changed and unknown files."""
    from tqdm import tqdm

    from scanflow.home import open_home
    from scanflow.maintenance.verify import verify_archive

    settings, database = open_home(home)
    try:
        with tqdm(total=0, unit="B", unit_scale=True, unit_divisor=1024, desc="Kiểm tra", file=sys.stderr,
                  disable=not _show_progress(), dynamic_ncols=True) as bar:

            def on_total(size: int) -> None:
                bar.reset(total=size)

            report = verify_archive(settings, database, on_total=on_total, on_file=bar.update)
    finally:
        database.dispose()
    if json_out:
        typer.echo(report.to_json())
    else:
        for problem in report.problems:
            owner = ""
            if problem.dossiers:
                owner = f" — hồ sơ #{', #'.join(map(str, problem.dossiers))}"
                owner += f" ({problem.case})" if problem.case else ""
            typer.echo(f"{PROBLEM_LABELS[problem.kind]:<20} {problem.path}{owner}")
        size_mb = report.bytes / (1 << 20)
        verdict = "toàn vẹn" if report.ok else (
            f"{report.count('missing')} thiếu, {report.count('changed')} bị thay đổi, "
            f"{report.count('orphaned')} không có trong CSDL"
        )
        typer.echo(f"Đã kiểm tra {report.files} tệp ({size_mb:.1f} MB) trong {report.seconds:.1f} s: {verdict}.")
    if not report.ok:
        raise typer.Exit(int(ExitCode.check_failed))
