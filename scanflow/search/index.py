"""The full-text index of archived page text: SQLite FTS5 or PostgreSQL tsvector + GIN, behind one interface."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from scanflow.search.keys import MODES, Mode, Snippet, index_terms, parse_query, snippet
from scanflow.store.models import Dossier, DossierStatus, Page

SEARCHABLE = (DossierStatus.archived, DossierStatus.needs_review)
"""Dossiers whose pages are in the index: those with archived PDFs."""

MAX_LIMIT = 200


@dataclass(frozen=True)
class SearchHit:
    """One page that matched: where it is and an excerpt around the match."""

    dossier_id: int
    ma_ho_so: str | None
    document_id: int
    document: str  # file name of the document's PDF, e.g. "HS-001.002.pdf"
    page: int  # page number within the document, 1-based
    page_id: int
    snippet: Snippet

    def as_json(self) -> dict:
        """What /api/search returns for the hit."""
        return {"ma_ho_so": self.ma_ho_so, "document": self.document, "page": self.page, "snippet": self.snippet.text}


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _drop(session: Session, dossier_id: int) -> None:
    if _dialect(session) == "postgresql":
        session.execute(
            text("DELETE FROM search_page WHERE page_id IN (SELECT id FROM page WHERE dossier_id = :d)"),
            {"d": dossier_id},
        )
    else:
        session.execute(
            text("DELETE FROM search_fts WHERE rowid IN (SELECT id FROM page WHERE dossier_id = :d)"),
            {"d": dossier_id},
        )


def _insert(session: Session, rows: list[dict]) -> None:
    if not rows:
        return
    if _dialect(session) == "postgresql":
        statement = text(
            "INSERT INTO search_page (page_id, tsv_folded, tsv_exact) "
            "VALUES (:id, to_tsvector('simple', :folded), to_tsvector('simple', :exact))"
        )
    else:
        statement = text("INSERT INTO search_fts (rowid, folded, exact) VALUES (:id, :folded, :exact)")
    session.execute(statement, rows)


def index_dossier(session: Session, dossier_id: int) -> int:
    """(Re)index the text of one dossier's archived pages; returns how many pages are now indexed.

    Call it after the dossier's pages are committed (archived, needs review, or reassigned by a review
    decision). A dossier that is not searchable (quarantined, duplicate, gone) leaves no entries. The
    caller's session commits.
    """
    _drop(session, dossier_id)
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or dossier.status not in SEARCHABLE:
        return 0
    pages = session.execute(
        select(Page.id, Page.text).where(
            Page.dossier_id == dossier_id, Page.document_id.is_not(None), Page.text.is_not(None)
        )
    ).all()
    rows = [
        {"id": page_id, "folded": index_terms("folded", body), "exact": index_terms("exact", body)}
        for page_id, body in pages
        if body.strip()
    ]
    _insert(session, rows)
    return len(rows)


def _searchable_dossiers(session: Session) -> list[int]:
    return list(session.scalars(select(Dossier.id).where(Dossier.status.in_(SEARCHABLE)).order_by(Dossier.id)))


def reindex_all(session: Session) -> int:
    """Rebuild the whole index from the page table; returns the number of pages indexed."""
    if _dialect(session) == "postgresql":
        session.execute(text("DELETE FROM search_page"))
    else:
        session.execute(text("DELETE FROM search_fts"))
    return sum(index_dossier(session, dossier_id) for dossier_id in _searchable_dossiers(session))


def index_missing(session: Session) -> int:
    """Index searchable dossiers that have text but no entry yet (e.g. archived before the index existed)."""
    table, key = ("search_page", "page_id") if _dialect(session) == "postgresql" else ("search_fts", "rowid")
    missing = session.scalars(
        text(
            "SELECT DISTINCT p.dossier_id FROM page p JOIN dossier d ON d.id = p.dossier_id "
            "WHERE d.status IN :statuses AND p.document_id IS NOT NULL AND p.text IS NOT NULL "
            f"AND p.text <> '' AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.{key} = p.id)"
        ).bindparams(bindparam("statuses", [str(s) for s in SEARCHABLE], expanding=True))
    ).all()
    return sum(index_dossier(session, dossier_id) for dossier_id in missing)


_HIT_COLUMNS = (
    "p.id, p.text, p.document_id, d.id AS dossier_id, d.ma_ho_so, doc.output_path, "
    "(SELECT count(*) FROM page p2 WHERE p2.document_id = p.document_id AND p2.seq <= p.seq) AS page_no"
)
_HIT_JOINS = (
    "JOIN page p ON p.id = {key} JOIN document doc ON doc.id = p.document_id JOIN dossier d ON d.id = p.dossier_id"
)


def _fts5_expression(phrases: list[list[str]], column: str) -> str:
    return " AND ".join(f'{column} : "{" ".join(tokens)}"' for tokens in phrases)


def search(session: Session, query: str, *, mode: Mode = "folded", limit: int = 50, offset: int = 0) -> list[SearchHit]:
    """Pages whose text holds every phrase of QUERY, best first.

    MODE "folded" ignores marks (`nguyen van an` finds "Nguyễn Văn An"); "exact" keeps them (`bán` does
    not find "bàn") but ignores case and tone placement. Words in double quotes must be adjacent.
    """
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}")
    phrases = parse_query(query, mode)
    if not phrases:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    params: dict = {"limit": limit, "offset": max(0, offset), "statuses": [str(s) for s in SEARCHABLE]}
    if _dialect(session) == "postgresql":
        column = "tsv_folded" if mode == "folded" else "tsv_exact"
        tsquery = " && ".join(f"phraseto_tsquery('simple', :p{i})" for i in range(len(phrases)))
        params.update({f"p{i}": " ".join(tokens) for i, tokens in enumerate(phrases)})
        sql = (
            f"SELECT {_HIT_COLUMNS} FROM search_page s {_HIT_JOINS.format(key='s.page_id')} "
            f"WHERE s.{column} @@ ({tsquery}) AND d.status IN :statuses "
            f"ORDER BY ts_rank(s.{column}, {tsquery}) DESC, p.id LIMIT :limit OFFSET :offset"
        )
    else:
        params["match"] = _fts5_expression(phrases, mode)
        sql = (
            f"SELECT {_HIT_COLUMNS} FROM search_fts {_HIT_JOINS.format(key='search_fts.rowid')} "
            "WHERE search_fts MATCH :match AND d.status IN :statuses "
            "ORDER BY bm25(search_fts), p.id LIMIT :limit OFFSET :offset"
        )
    statement = text(sql).bindparams(bindparam("statuses", expanding=True))
    hits = []
    for row in session.execute(statement, params):
        hits.append(
            SearchHit(
                dossier_id=row.dossier_id,
                ma_ho_so=row.ma_ho_so,
                document_id=row.document_id,
                document=PurePath(row.output_path or "").name,
                page=int(row.page_no),
                page_id=row.id,
                snippet=snippet(row.text or "", phrases, mode),
            )
        )
    return hits
