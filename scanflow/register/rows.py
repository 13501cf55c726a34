"""One register row → validated, normalised column values (NFC text, dates, loai), or the reason it is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scanflow.register.dates import DateFormatError, parse_date
from scanflow.register.mapping import DATE_COLUMNS, LOAI_VALUES, MAX_LENGTHS, Mapping, value_key
from scanflow.register.reader import Cell, Layout
from scanflow.tagging.text import nfc

Value = str | dt.date | None


@dataclass(frozen=True)
class RowError:
    """A refused row: where (line in the file), which case if known, why (Vietnamese, for staff)."""

    line: int
    ma_ho_so: str | None
    reason: str

    def __str__(self) -> str:
        case = f" ({self.ma_ho_so})" if self.ma_ho_so else ""
        return f"dòng {self.line}{case}: {self.reason}"


class RowRefused(ValueError):
    """Raised by clean_row; carries the reason."""


def clean_text(value: Cell) -> str | None:
    """A text cell as stored: NFC, whitespace runs as one space, stripped; None when empty.

    Spreadsheet numbers come back without a spurious ".0" (12345.0 → "12345"); dates as yyyy-mm-dd.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if "  " in text or "\n" in text or "\t" in text or "\r" in text:
            text = " ".join(text.split())
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat()
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = " ".join(str(value).split())
    if not text:
        return None
    return text if text.isascii() else nfc(text)


def _loai(value: str) -> str:
    if value in LOAI_VALUES:
        return value
    key = value_key(value).replace(" ", "_").replace("-", "_")
    if key in LOAI_VALUES:
        return key
    raise RowRefused(f"loai: giá trị không hợp lệ {value!r} (cần {' hoặc '.join(LOAI_VALUES)})")


class RowCleaner:
    """Turns the cells of one row into {canonical column: value} for the columns the file has."""

    def __init__(self, layout: Layout, mapping: Mapping) -> None:
        self.width = len(layout.headers)
        self.columns = list(layout.positions.items())
        self.values = mapping.values

    def clean(self, cells: list[Cell]) -> dict[str, Value]:
        """Validated values; raises RowRefused with the reason.

        Refused: a row with more cells than the header has columns (values would land in the wrong
        column), an empty ma_ho_so, a date that is not one, an unknown loai, a value too long for its
        column. Fewer cells than columns is taken as trailing empty cells.
        """
        extra = cells[self.width :]
        if any(c not in (None, "") for c in extra):
            raise RowRefused(f"dòng có {len(cells)} ô, tiêu đề chỉ có {self.width} cột")
        row: dict[str, Value] = {}
        for column, index in self.columns:
            raw = cells[index] if index < len(cells) else None
            if column in DATE_COLUMNS and not isinstance(raw, str):
                try:
                    row[column] = parse_date(raw)
                except DateFormatError as exc:
                    raise RowRefused(f"{column}: {exc}") from None
                continue
            text = clean_text(raw)
            if text is not None and column in self.values:
                text = self.values[column].get(value_key(text), text)
            if column in DATE_COLUMNS:
                try:
                    row[column] = parse_date(text)
                except DateFormatError as exc:
                    raise RowRefused(f"{column}: {exc}") from None
                continue
            if text is not None:
                if column == "loai":
                    text = _loai(text)
                limit = MAX_LENGTHS.get(column)
                if limit is not None and len(text) > limit:
                    raise RowRefused(f"{column}: quá dài ({len(text)} ký tự, tối đa {limit})")
            row[column] = text
        if not row.get("ma_ho_so"):
            raise RowRefused("thiếu mã hồ sơ (ma_ho_so)")
        return row
