"""The review queue: dossiers whose case scanflow could not decide, assigned or rejected by a person."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from scanflow import review
from scanflow.errors import ScanflowError
from scanflow.quality.refresh import refresh_dossier
from scanflow.search import index_dossier
from scanflow.store.models import DossierStatus
from scanflow.store.users import Role
from scanflow.web import queries
from scanflow.web.deps import database_of, record, render, require, settings_of
from scanflow.web.sessions import Viewer

router = APIRouter()
Operator = Annotated[Viewer, Depends(require(Role.operator))]
PER_PAGE = 25


@router.get("/review")
def queue(
    request: Request, viewer: Operator, page: int = 1, done: str | None = None, dossier: int | None = None,
    code: str | None = None,
) -> Response:
    with database_of(request).session() as session:
        rows, total = queries.review_queue(session, page, PER_PAGE)
        items = [(d, review.candidates_of(session, d.match_detail, review.TOP_CANDIDATES)) for d in rows]
        return render(
            request,
            "review.html",
            {
                "items": items,
                "total": total,
                "page": max(page, 1),
                "pages": max(1, math.ceil(total / PER_PAGE)),
                "done": done if done in ("assigned", "rejected") else None,
                "dossier_label": f"#{dossier}" if dossier else "",
                "code": code or "",
            },
        )


def _item_page(request: Request, dossier_id: int, error: str | None = None, status: int = 200) -> Response:
    with database_of(request).session() as session:
        dossier = queries.load_dossier(session, dossier_id)
        if dossier is None:
            raise HTTPException(404)
        documents = [
            {"doc": doc, "name": Path(doc.output_path or "").name, "pages": list(enumerate(doc.pages, start=1))}
            for doc in dossier.documents
        ]
        return render(
            request,
            "review_item.html",
            {
                "dossier": dossier,
                "documents": documents,
                "candidates": review.candidates_of(session, dossier.match_detail),
                "waiting": dossier.status == DossierStatus.needs_review,
                "error": error,
            },
            status=status,
        )


@router.get("/review/{dossier_id}")
def item(request: Request, viewer: Operator, dossier_id: int) -> Response:
    response = _item_page(request, dossier_id)
    record(request, viewer, "view_dossier", f"#{dossier_id}", {"dossier_id": dossier_id, "review": True})
    return response


def _after_decision(request: Request, dossier_id: int, previous_case: str | None) -> None:
    """What must follow a decision: the quality verdicts of the cases involved and the search index."""
    settings = settings_of(request)
    with database_of(request).session() as session:
        refresh_dossier(session, dossier_id, previous_case=previous_case, home=settings.home)
        index_dossier(session, dossier_id)


@router.post("/review/{dossier_id}/assign")
def assign(
    request: Request,
    viewer: Operator,
    dossier_id: int,
    ma_ho_so: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
) -> Response:
    chosen = (code or ma_ho_so).strip()
    if not chosen:
        return _item_page(request, dossier_id, "Chọn một hồ sơ gợi ý hoặc nhập mã hồ sơ.", status=400)
    try:
        result = review.assign(settings_of(request), database_of(request), dossier_id, chosen, by=viewer.name)
    except ScanflowError as exc:
        return _item_page(request, dossier_id, str(exc), status=400)
    record(request, viewer, "review_assign", result.case, {"dossier_id": dossier_id, "ma_ho_so": result.case})
    _after_decision(request, dossier_id, None)
    query = urlencode({"done": "assigned", "dossier": dossier_id, "code": result.case or ""})
    return RedirectResponse(f"/review?{query}", status_code=303)


@router.post("/review/{dossier_id}/reject")
def reject(request: Request, viewer: Operator, dossier_id: int, reason: Annotated[str, Form()] = "") -> Response:
    try:
        review.reject(settings_of(request), database_of(request), dossier_id, reason=reason or None, by=viewer.name)
    except ScanflowError as exc:
        return _item_page(request, dossier_id, str(exc), status=400)
    record(request, viewer, "review_reject", f"#{dossier_id}", {"dossier_id": dossier_id, "reason": reason or None})
    _after_decision(request, dossier_id, None)
    return RedirectResponse(f"/review?{urlencode({'done': 'rejected', 'dossier': dossier_id})}", status_code=303)
