"""The dossier list with its filters, one dossier's page, and the files it offers: PDFs, thumbnails, Danh mục."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from scanflow.config import Settings
from scanflow.store.models import Document, DossierStatus, Page, RegisterCase
from scanflow.store.users import Role
from scanflow.web import queries
from scanflow.web.deps import database_of, record, render, require, settings_of
from scanflow.web.sessions import Viewer
from scanflow.web.thumbs import thumbnail

router = APIRouter()
Operator = Annotated[Viewer, Depends(require(Role.operator))]
PER_PAGE = 50
DANH_MUC_SUFFIXES = {"pdf": ".danh-muc.pdf", "csv": ".danh-muc.csv"}
MEDIA_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def archived_file(settings: Settings, relative: str | None) -> Path:
    """A file under the home's archive/, by its path relative to the home; 404 when missing or outside."""
    if not relative:
        raise HTTPException(404)
    archive = settings.dir("archive").resolve()
    path = (settings.home / relative).resolve()
    if not path.is_relative_to(archive) or not path.is_file():
        raise HTTPException(404)
    return path


def danh_muc_files(settings: Settings, documents: list[Document]) -> dict[str, Path]:
    """The Danh mục tài liệu files written beside the dossier's documents: {"pdf": path, "csv": path}."""
    found: dict[str, Path] = {}
    folders = {(settings.home / d.output_path).parent for d in documents if d.output_path}
    for folder in sorted(folders):
        for kind, suffix in DANH_MUC_SUFFIXES.items():
            for path in sorted(folder.glob(f"*{suffix}")):
                found.setdefault(kind, path)
    return found


@router.get("/dossiers")
def dossier_list(
    request: Request,
    viewer: Operator,
    unit: str | None = None,
    year: str | None = None,
    status: str | None = None,
    criterion: str | None = None,
    code: str | None = None,
    page: int = 1,
) -> Response:
    flt = queries.DossierFilter(
        unit=unit or None,
        year=_int_or_none(year),
        status=status if status in {str(s) for s in DossierStatus} else None,
        criterion=criterion if criterion in queries.CRITERIA else None,
        code=(code or "").strip() or None,
    )
    with database_of(request).session() as session:
        rows, total = queries.list_dossiers(session, flt, page, PER_PAGE)
        units, years = queries.dossier_choices(session)
        return render(
            request,
            "dossiers.html",
            {
                "rows": rows,
                "total": total,
                "page": max(page, 1),
                "pages": max(1, math.ceil(total / PER_PAGE)),
                "flt": flt,
                "units": units,
                "years": years,
                "statuses": [str(s) for s in DossierStatus],
                "criteria": queries.CRITERIA,
            },
        )


@router.get("/dossiers/{dossier_id}")
def dossier_detail(request: Request, viewer: Operator, dossier_id: int) -> Response:
    settings = settings_of(request)
    with database_of(request).session() as session:
        dossier = queries.load_dossier(session, dossier_id)
        if dossier is None:
            raise HTTPException(404)
        case = session.get(RegisterCase, dossier.ma_ho_so) if dossier.ma_ho_so else None
        verdict = queries.case_verdict(session, dossier, settings)
        documents = [
            {"doc": doc, "name": Path(doc.output_path or "").name, "pages": list(enumerate(doc.pages, start=1))}
            for doc in dossier.documents
        ]
        loose = [p for p in dossier.pages if p.document_id is None]
        response = render(
            request,
            "dossier.html",
            {
                "dossier": dossier,
                "case": case,
                "verdict": verdict,
                "documents": documents,
                "loose_pages": loose,
                "danh_muc": danh_muc_files(settings, dossier.documents),
                "criteria": queries.CRITERIA,
            },
        )
    record(request, viewer, "view_dossier", dossier.ma_ho_so or f"#{dossier_id}", {"dossier_id": dossier_id})
    return response


@router.get("/documents/{document_id}/pdf")
def document_pdf(request: Request, viewer: Operator, document_id: int, inline: bool = False) -> Response:
    with database_of(request).session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise HTTPException(404)
        path = archived_file(settings_of(request), document.output_path)
        dossier_id = document.dossier_id
    record(request, viewer, "download", path.name, {"document_id": document_id, "dossier_id": dossier_id})
    disposition = "inline" if inline else "attachment"
    return FileResponse(path, media_type="application/pdf", filename=path.name, content_disposition_type=disposition)


@router.get("/dossiers/{dossier_id}/danh-muc.{kind}")
def danh_muc(request: Request, viewer: Operator, dossier_id: int, kind: str) -> Response:
    if kind not in DANH_MUC_SUFFIXES:
        raise HTTPException(404)
    settings = settings_of(request)
    with database_of(request).session() as session:
        dossier = queries.load_dossier(session, dossier_id)
        if dossier is None:
            raise HTTPException(404)
        path = danh_muc_files(settings, dossier.documents).get(kind)
    if path is None:
        raise HTTPException(404)
    record(request, viewer, "download", path.name, {"dossier_id": dossier_id})
    return FileResponse(path, media_type=MEDIA_TYPES[kind], filename=path.name)


@router.get("/pages/{page_id}/thumb.jpg")
async def page_thumbnail(request: Request, viewer: Operator, page_id: int) -> Response:
    settings = settings_of(request)
    with database_of(request).session() as session:
        page = session.get(Page, page_id)
        if page is None or page.document_id is None:
            raise HTTPException(404)
        document = session.get(Document, page.document_id)
        pdf = archived_file(settings, document.output_path)
        index = queries.page_number(session, page) - 1
        key = document.sha256 or hashlib.sha256(f"{pdf}:{pdf.stat().st_mtime_ns}".encode()).hexdigest()
    try:
        path = await run_in_threadpool(thumbnail, pdf, index, settings.dir("work") / "thumbs", key)
    except (LookupError, IndexError):
        raise HTTPException(404) from None
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})
