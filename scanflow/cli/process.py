"""`scanflow init` and `scanflow process`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from scanflow.cli.common import STATUS_LABELS, HomeOption, app, run_guarded
from scanflow.errors import ExitCode


@app.command()
@run_guarded
def init(home: HomeOption = None) -> None:
    """Create (or upgrade) the station home: folders, scanflow.toml and the database schema."""
    from scanflow.home import init_home

    report = init_home(home)
    typer.echo(f"home: {report.home}")
    typer.echo(f"database: {report.db_url}")
    if report.created:
        typer.echo(f"created: {', '.join(report.created)}")
    if report.revision_before != report.revision_after:
        typer.echo(f"schema: {report.revision_before or 'new'} → {report.revision_after}")
    else:
        typer.echo(f"schema: up to date ({report.revision_after})")


def _progress(total: int, enabled: bool):  # noqa: ANN202
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit="trang",
        desc="Xử lý",
        file=sys.stderr,
        disable=not enabled,
        dynamic_ncols=True,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} trang [{elapsed}<{remaining}{postfix}]",
    )


def human_line(outcome) -> str:  # noqa: ANN001
    label = STATUS_LABELS.get(outcome.status, outcome.status)
    parts = [f"{label:<12}", outcome.input]
    if outcome.error:
        parts.append(f"— {outcome.error}")
    else:
        parts.append(f"— {outcome.pages} trang, {len(outcome.outputs)} tệp PDF")
        if outcome.case:
            conf = f" ({outcome.confidence:.0%})" if outcome.confidence is not None else ""
            parts.append(f"— hồ sơ {outcome.case}{conf}")
        parts.append(f"— {outcome.seconds:.1f} s")
    return " ".join(parts)


@app.command()
@run_guarded
def process(
    paths: Annotated[list[Path], typer.Argument(help="Dossiers: folders of page images, TIFF/JPEG/PNG files or PDFs.")],
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="Profile name (profiles/NAME.toml).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per input, one per line.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-j", help="Worker processes; 0 = settings.")] = 0,
    executor: Annotated[str | None, typer.Option("--executor", help="local | celery (default: settings).")] = None,
    home: HomeOption = None,
) -> None:
    """OCR each PATH (one dossier each) into PDF/A-2b under archive/, keeping the originals."""
    import time

    from scanflow.config import load_profile
    from scanflow.executors import make_executor
    from scanflow.home import open_home
    from scanflow.pipeline import InputSpec, Outcome, Pipeline

    settings, database = open_home(home)
    chosen = load_profile(profile or settings.profile, settings.home)
    specs = [InputSpec(path=Path(os.path.abspath(p)), given=str(p)) for p in paths]
    runner = make_executor(executor or settings.executor, settings, workers or settings.worker_count)
    pipeline = Pipeline(settings, chosen, database, runner)
    inspected = {i: pipeline.inspect(s) for i, s in enumerate(specs)}
    total = sum(sum(len(f.frames) for f in found) for found in inspected.values() if not isinstance(found, Outcome))
    show_bar = sys.stderr.isatty() and os.environ.get("SCANFLOW_PROGRESS", "1") != "0"
    failed = 0
    started = time.perf_counter()
    done_pages = 0
    with _progress(total, show_bar) as bar:

        def on_page(_result) -> None:  # noqa: ANN001
            nonlocal done_pages
            done_pages += 1
            bar.update(1)
            elapsed = time.perf_counter() - started
            bar.set_postfix_str(f"{done_pages / elapsed * 60:.0f} trang/phút", refresh=False)

        pipeline.on_page = on_page
        try:
            for outcome in pipeline.run(specs, inspected):
                failed += outcome.status == "quarantined"
                line = outcome.to_json() if json_out else human_line(outcome)
                if show_bar:
                    bar.write(line, file=sys.stdout)
                else:
                    typer.echo(line)
        except KeyboardInterrupt:
            runner.close(cancel=True)
            raise
        finally:
            runner.close()
            database.dispose()
    if not json_out:
        elapsed = time.perf_counter() - started
        rate = done_pages / elapsed * 60 if elapsed > 0 else 0
        typer.echo(
            f"{len(specs)} hồ sơ, {done_pages} trang trong {elapsed:.1f} s ({rate:.0f} trang/phút); "
            f"{failed} lỗi. Lưu trữ: {settings.dir('archive')}"
        )
    if failed:
        raise typer.Exit(int(ExitCode.input_failed))
