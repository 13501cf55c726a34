"""Tagging: Vietnamese text → document fields, page stream → documents, fields + register → case match.

Pure functions only: callers pass OCR'd page text and register rows they fetched; nothing here touches
files, databases or OCR engines.
"""

from scanflow.tagging.classify import DOC_TYPES, DocType, classify
from scanflow.tagging.dates import DateRef, document_date, find_dates
from scanflow.tagging.extract import DocumentFields, extract_fields
from scanflow.tagging.match import (
    DEFAULT_ACCEPT,
    Candidate,
    DossierFields,
    MatchResult,
    RegisterCase,
    candidate_keys,
    match_case,
)
from scanflow.tagging.numbers import DocNumber, NumberRef, find_numbers, numbers_match, parse_number
from scanflow.tagging.order import filing_order
from scanflow.tagging.split import is_first_page, is_separator_sheet, split_documents
from scanflow.tagging.text import NameMatch, compare_names, fold, nfc, normalize_name, normalize_tones, split_names

__all__ = [
    "DEFAULT_ACCEPT",
    "DOC_TYPES",
    "Candidate",
    "DateRef",
    "DocNumber",
    "DocType",
    "DocumentFields",
    "DossierFields",
    "MatchResult",
    "NameMatch",
    "NumberRef",
    "RegisterCase",
    "candidate_keys",
    "classify",
    "compare_names",
    "document_date",
    "extract_fields",
    "filing_order",
    "find_dates",
    "find_numbers",
    "fold",
    "is_first_page",
    "is_separator_sheet",
    "match_case",
    "nfc",
    "normalize_name",
    "normalize_tones",
    "numbers_match",
    "parse_number",
    "split_documents",
    "split_names",
]
