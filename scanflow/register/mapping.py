"""Register columns: the canonical names, header normalisation, and the mapping file for other exports."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from scanflow.errors import ConfigError
from scanflow.tagging.text import fold

# The case-management system's export, in its column order (the header row of register.csv).
CANONICAL_COLUMNS: tuple[str, ...] = (
    "ma_ho_so",  # mã hồ sơ: dossier code, the key
    "so_qd_tha",  # số quyết định thi hành án
    "ngay_qd_tha",
    "so_ban_an",  # số bản án / quyết định của tòa án
    "ngay_ban_an",
    "toa_an",
    "nguoi_phai_thi_hanh",  # debtor(s)
    "nguoi_duoc_thi_hanh",  # creditor(s)
    "loai",  # chu_dong | theo_yeu_cau
    "don_vi",  # đơn vị: the office holding the dossier
    "trang_thai",
    "ngay_cap_nhat",  # last update in the source system
)
DATE_COLUMNS = frozenset({"ngay_qd_tha", "ngay_ban_an", "ngay_cap_nhat"})
# Longest value each text column holds in the database (String(n) in store.models); longer values are refused.
MAX_LENGTHS = {"ma_ho_so": 64, "so_qd_tha": 120, "so_ban_an": 120, "loai": 20, "don_vi": 120, "trang_thai": 60}
LOAI_VALUES = ("chu_dong", "theo_yeu_cau")

_NON_WORD = re.compile(r"[^a-z0-9]+")


def header_key(name: str) -> str:
    """A header in comparable form: accents folded, lower case, runs of other characters as `_`.

    "Mã hồ sơ" → "ma_ho_so", " MA_HO_SO " → "ma_ho_so", "Ngày QĐ THA" → "ngay_qd_tha".
    """
    return _NON_WORD.sub("_", fold(name)).strip("_")


def value_key(value: str) -> str:
    """A cell value in comparable form for value mappings: folded, single-spaced."""
    return fold(value)


@dataclass(frozen=True)
class Mapping:
    """How to read one system's export: column renames, value translations, where the table starts.

    `columns` maps a source header (in `header_key` form) to a canonical column, or to "" to ignore it.
    `values` maps, per canonical column, a source value (in `value_key` form) to the stored value.
    `header_row` is the 1-based row (CSV: record) holding the header; `sheet` the XLSX sheet name;
    `delimiter` the CSV delimiter (default: sniffed from the header line).
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    header_row: int = 1
    sheet: str | None = None
    delimiter: str | None = None
    source: str = ""

    def target(self, header: str) -> str | None:
        """The canonical column a source header feeds, "" for an ignored one, None when unknown."""
        key = header_key(header)
        if key in self.columns:
            return self.columns[key]
        return key if key in CANONICAL_COLUMNS else None


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping TOML file; errors name the file and the key.

    ```toml
    header_row = 1              # row holding the header (1 = first)
    sheet = "Danh sach"         # XLSX: sheet to read (default: the first)
    delimiter = ";"             # CSV: default sniffed from the header line
    [columns]                   # source header = canonical column; "" ignores it
    "Mã HS" = "ma_ho_so"
    "Số QĐTHA" = "so_qd_tha"
    [values.loai]               # source value = stored value
    "Chủ động" = "chu_dong"
    ```
    Headers and source values compare without accents, case or extra spaces.
    """
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    known = {"columns", "values", "header_row", "sheet", "delimiter"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    columns: dict[str, str] = {}
    raw_columns = raw.get("columns", {})
    if not isinstance(raw_columns, dict):
        raise ConfigError(f"{path}: [columns] must be a table")
    fed: dict[str, str] = {}
    for source, target in raw_columns.items():
        if not isinstance(target, str) or (target and target not in CANONICAL_COLUMNS):
            raise ConfigError(
                f"{path}: columns.{source!r} = {target!r}: not a register column ({', '.join(CANONICAL_COLUMNS)})"
            )
        if target and target in fed:
            raise ConfigError(f"{path}: columns {fed[target]!r} and {source!r} both map to {target!r}")
        if target:
            fed[target] = source
        columns[header_key(source)] = target
    values: dict[str, dict[str, str]] = {}
    raw_values = raw.get("values", {})
    if not isinstance(raw_values, dict):
        raise ConfigError(f"{path}: [values] must be a table of tables")
    for column, table in raw_values.items():
        if column not in CANONICAL_COLUMNS:
            raise ConfigError(f"{path}: values.{column}: not a register column")
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise ConfigError(f"{path}: [values.{column}] must map source values to text")
        values[column] = {value_key(k): v for k, v in table.items()}
    header_row = raw.get("header_row", 1)
    if not isinstance(header_row, int) or header_row < 1:
        raise ConfigError(f"{path}: header_row must be a whole number ≥ 1")
    sheet = raw.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise ConfigError(f"{path}: sheet must be text")
    delimiter = raw.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ConfigError(f"{path}: delimiter must be one character")
    return Mapping(columns, values, header_row, sheet, delimiter, str(path))
