"""The JSON API: /api/stats (what `scanflow stats --json` prints) and /api/search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from scanflow.search import MODES, search
from scanflow.store.users import Role
from scanflow.web.deps import database_of, record, require, settings_of
from scanflow.web.sessions import Viewer

router = APIRouter(prefix="/api")
Operator = Annotated[Viewer, Depends(require(Role.operator))]


@router.get("/stats")
def api_stats(request: Request, viewer: Operator, don_vi: str | None = None, year: int | None = None) -> JSONResponse:
    from scanflow.quality.stats import compute_stats

    with database_of(request).session() as session:
        stats = compute_stats(session, settings=settings_of(request), don_vi=don_vi or None, year=year)
    return JSONResponse(stats)


@router.get("/search")
def api_search(
    request: Request, viewer: Operator, q: str = "", mode: str = "folded", limit: int = 50, offset: int = 0
) -> JSONResponse:
    if mode not in MODES:
        raise HTTPException(400, f"mode must be one of {', '.join(MODES)}")
    with database_of(request).session() as session:
        hits = search(session, q, mode=mode, limit=limit, offset=offset)
    if q.strip():
        record(request, viewer, "search", q[:200], {"mode": mode, "results": len(hits), "api": True})
    return JSONResponse([h.as_json() for h in hits])
