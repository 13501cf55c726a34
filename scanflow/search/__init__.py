"""Full-text search over archived page text: accent-insensitive by default, exact on request."""

from scanflow.search.index import SearchHit, index_dossier, index_missing, reindex_all, search
from scanflow.search.keys import MODES, Mode, Snippet, exact_key, folded_key, parse_query, snippet

__all__ = [
    "MODES",
    "Mode",
    "SearchHit",
    "Snippet",
    "exact_key",
    "folded_key",
    "index_dossier",
    "index_missing",
    "parse_query",
    "reindex_all",
    "search",
    "snippet",
]
