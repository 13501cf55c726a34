"""`scanflow review list | show | assign | reject`: working the queue of dossiers waiting for a person."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Annotated

import typer

from scanflow.cli.common import STATUS_LABELS, HomeOption, app, run_guarded

review_app = typer.Typer(
    help="Hồ sơ cần xem xét: xem danh sách, xem chi tiết, gán vào hồ sơ trong sổ, hoặc từ chối.", no_args_is_help=True
)
app.add_typer(review_app, name="review")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _candidate_lines(candidates, indent: str = "    ") -> list[str]:  # noqa: ANN001 - list[CandidateView]
    lines = []
    for rank, c in enumerate(candidates, start=1):
        register = "" if c.in_register else " (không còn trong sổ)"
        lines.append(f"{indent}{rank}. {c.ma_ho_so} {_score(c.score)}{register}")
        if c.in_register:
            facts = [
                f"QĐ {c.so_qd_tha or '—'}",
                f"ngày {c.ngay_qd_tha or '—'}",
                f"BA {c.so_ban_an or '—'}",
                f"phải THA: {c.nguoi_phai_thi_hanh or '—'}",
            ]
            lines.append(f"{indent}   {'; '.join(facts)}")
        if c.reasons:
            lines.append(f"{indent}   lý do: {'; '.join(c.reasons)}")
    return lines


def _open(home):  # noqa: ANN001, ANN202
    from scanflow.home import open_home

    return open_home(home)


def _echo_recovered(lines: Iterable[str], warnings: Iterable[str] = ()) -> None:
    for line in lines:
        typer.echo(f"khôi phục thao tác dở dang: {line}", err=True)
    for line in warnings:
        typer.echo(f"lưu ý: {line}", err=True)


@review_app.command("list")
@run_guarded
def list_cmd(
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show at most N dossiers (0 = all).")] = 0,
    json_out: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Dossiers waiting for review, oldest first, with their best candidates and why."""
    from scanflow.review import list_queue, recover

    settings, database = _open(home)
    try:
        _echo_recovered(recover(settings, database))
        items = list_queue(database, limit or None)
    finally:
        database.dispose()
    if json_out:
        for item in items:
            typer.echo(json.dumps(item.as_json(), ensure_ascii=False))
        return
    if not items:
        typer.echo("Không có hồ sơ nào cần xem xét.")
        return
    typer.echo(f"Hồ sơ cần xem xét: {len(items)}")
    for item in items:
        typer.echo(
            f"#{item.dossier_id}  {item.input_path} — lô {item.batch_id}, {item.documents} tài liệu, "
            f"{item.pages} trang, nhận {item.created_at.replace('T', ' ')}"
        )
        if item.candidates:
            typer.echo("  Gợi ý:")
            for line in _candidate_lines(item.candidates):
                typer.echo(line)
        else:
            typer.echo("  Không tìm được hồ sơ nào trong sổ phù hợp.")


@review_app.command("show")
@run_guarded
def show_cmd(
    dossier: Annotated[int, typer.Argument(help="Dossier number (#N in `review list`).")],
    json_out: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """One dossier: its documents, pages (with the start of their text) and every candidate."""
    from scanflow.review import show_dossier

    _, database = _open(home)
    try:
        view = show_dossier(database, dossier)
    finally:
        database.dispose()
    if json_out:
        typer.echo(json.dumps(view.as_json(), ensure_ascii=False))
        return
    status = STATUS_LABELS.get(view.status, view.status)
    typer.echo(f"Hồ sơ #{view.dossier_id}: {view.input_path}")
    typer.echo(f"  Trạng thái: {status}" + (f" — {view.error}" if view.error else ""))
    if view.ma_ho_so:
        typer.echo(f"  Mã hồ sơ: {view.ma_ho_so} ({view.match_method or '—'}, {_score(view.confidence)})")
    typer.echo(
        f"  Lô {view.batch_id}, nhận {view.created_at.replace('T', ' ')}"
        + (f", máy quét {view.station}" if view.station else "")
    )
    typer.echo(f"Tài liệu ({len(view.documents)}):")
    for doc in view.documents:
        facts = [doc["title"] or doc["type"]]
        if doc["number"]:
            facts.append(f"số {doc['number']}")
        if doc["date"]:
            facts.append(f"ngày {doc['date']}")
        typer.echo(f"  {doc['ordinal']:03d}. {' — '.join(facts)} ({doc['pages']} trang) {doc['output_path'] or ''}")
    typer.echo(f"Trang ({len(view.pages)}):")
    for page in view.pages:
        marks = []
        if page["blank"]:
            marks.append("trắng")
        if page["duplicate_of"]:
            marks.append(f"trùng trang {page['duplicate_of']}")
        where = f"tài liệu {page['document']:03d}" if page["document"] else "không đưa vào"
        note = f" [{', '.join(marks)}]" if marks else ""
        typer.echo(f"  {page['seq']:>3}. {where}{note}: {page['text'] or '(không có chữ)'}")
    typer.echo(f"Gợi ý ({len(view.candidates)}):" if view.candidates else "Gợi ý: không có")
    for line in _candidate_lines(view.candidates, indent="  "):
        typer.echo(line)
    for entry in view.review:
        typer.echo(f"Đã xem xét: {entry.get('action')} bởi {entry.get('by')} lúc {entry.get('at')}")


@review_app.command("assign")
@run_guarded
def assign_cmd(
    dossier: Annotated[int, typer.Argument(help="Dossier number (#N in `review list`).")],
    case: Annotated[str, typer.Argument(help="Mã hồ sơ of the register case it belongs to.")],
    force: Annotated[bool, typer.Option("--force", help="Assign even if the case is not in the register.")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Reviewer's name for the record (default: login).")] = None,
    json_out: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Archive the dossier under CASE: its files move to the case folder and its rows change together."""
    from scanflow.review import assign

    settings, database = _open(home)
    try:
        result = assign(settings, database, dossier, case, force=force, by=by)
    finally:
        database.dispose()
    _echo_recovered(result.recovered, result.warnings)
    if json_out:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    typer.echo(f"Đã gán hồ sơ #{dossier} vào {result.case}: {len(result.outputs)} tệp đã chuyển")
    for path in result.outputs:
        typer.echo(f"  {path}")


@review_app.command("reject")
@run_guarded
def reject_cmd(
    dossier: Annotated[int, typer.Argument(help="Dossier number (#N in `review list`).")],
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Why, for the record.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Reviewer's name for the record (default: login).")] = None,
    json_out: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Take the dossier out of the archive: its files go to quarantine/_tu-choi/, status quarantined."""
    from scanflow.review import reject

    settings, database = _open(home)
    try:
        result = reject(settings, database, dossier, reason=reason, by=by)
    finally:
        database.dispose()
    _echo_recovered(result.recovered)
    if json_out:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    typer.echo(f"Đã từ chối hồ sơ #{dossier}: {len(result.outputs)} tệp chuyển sang thư mục cách ly")
    for path in result.outputs:
        typer.echo(f"  {path}")
