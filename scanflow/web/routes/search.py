"""The full-text search page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from scanflow.search import MODES, Snippet, search
from scanflow.store.users import Role
from scanflow.web.deps import database_of, record, render, require
from scanflow.web.sessions import Viewer

router = APIRouter()
Operator = Annotated[Viewer, Depends(require(Role.operator))]
PAGE_SIZE = 50


def marked(snippet: Snippet) -> Markup:
    """The snippet as HTML with what matched inside <mark>."""
    out, at = [], 0
    for start, end in snippet.spans:
        out.append(escape(snippet.text[at:start]))
        out.append(Markup("<mark>") + escape(snippet.text[start:end]) + Markup("</mark>"))
        at = end
    out.append(escape(snippet.text[at:]))
    return Markup("").join(out)


@router.get("/search")
def search_page(request: Request, viewer: Operator, q: str = "", mode: str = "folded", page: int = 1) -> Response:
    mode = mode if mode in MODES else "folded"
    page = max(page, 1)
    hits = []
    if q.strip():
        with database_of(request).session() as session:
            # one more than shown tells whether a next page exists
            hits = search(session, q, mode=mode, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        record(request, viewer, "search", q[:200], {"mode": mode, "results": len(hits[:PAGE_SIZE])})
    return render(
        request,
        "search.html",
        {
            "q": q,
            "mode": mode,
            "page": page,
            "hits": [(h, marked(h.snippet)) for h in hits[:PAGE_SIZE]],
            "more": len(hits) > PAGE_SIZE,
        },
    )
