"""The case register (sổ hồ sơ thi hành án): importing the case-management export, keys for matching, history."""

from scanflow.register.importer import ImportReport, RowError, import_register
from scanflow.register.keys import case_year, names_folded, number_key
from scanflow.register.mapping import CANONICAL_COLUMNS, Mapping, load_mapping

__all__ = [
    "CANONICAL_COLUMNS",
    "ImportReport",
    "Mapping",
    "RowError",
    "case_year",
    "import_register",
    "load_mapping",
    "names_folded",
    "number_key",
]
