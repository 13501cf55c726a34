"""Dates in register exports: ISO (2025-01-05), dd/mm/yyyy (also with - or .), spreadsheet dates and serials."""

from __future__ import annotations

import datetime as dt
import re

_MIN_YEAR, _MAX_YEAR = 1900, 2100
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year quirk absorbed
# A trailing midnight time is what spreadsheets add to a date exported as text.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(rf"(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}")
_DMY = re.compile(rf"(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}){_TIME}")


class DateFormatError(ValueError):
    """A register cell that is not a date scanflow accepts; the message says what was expected."""


def _checked(year: int, month: int, day: int, raw: object) -> dt.date:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise DateFormatError(f"ngày không tồn tại {raw!r}") from None
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise DateFormatError(f"năm ngoài khoảng {_MIN_YEAR}–{_MAX_YEAR}: {raw!r}")
    return value


def parse_date(value: object) -> dt.date | None:
    """The date in a register cell, or None for an empty cell; DateFormatError otherwise.

    Accepts ISO `yyyy-mm-dd` (also `yyyy/mm/dd`), Vietnamese `dd/mm/yyyy` (also `d/m/yyyy`, `dd-mm-yyyy`,
    `dd.mm.yyyy`), either followed by a time such as ` 00:00:00`; from spreadsheets also date and datetime
    cells and day serial numbers. Day-month order is never guessed: `05/01/2025` is 5 January. Years must
    be 1900–2100.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _checked(value.year, value.month, value.day, value)
    if isinstance(value, dt.date):
        return _checked(value.year, value.month, value.day, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != int(value) or not 1 <= value < 2958466:
            raise DateFormatError(f"không phải ngày: {value!r}")
        day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return _checked(day.year, day.month, day.day, value)
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10 and text.isascii():  # the two usual spellings, without a regular expression
        if text[4] == "-" == text[7] and (text[:4] + text[5:7] + text[8:]).isdigit():
            return _checked(int(text[:4]), int(text[5:7]), int(text[8:]), text)
        if text[2] == "/" == text[5] and (text[:2] + text[3:5] + text[6:]).isdigit():
            return _checked(int(text[6:]), int(text[3:5]), int(text[:2]), text)
    m = _DMY.fullmatch(text)
    if m:
        return _checked(int(m.group(4)), int(m.group(3)), int(m.group(1)), text)
    m = _ISO.fullmatch(text)
    if m:
        return _checked(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    raise DateFormatError(f"không phải ngày {text!r} (cần yyyy-mm-dd hoặc dd/mm/yyyy)")
