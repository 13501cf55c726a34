"""Reporting periods: a month (2026-06), a quarter (2026-Q2), a half-year (2026-H1) or a year (2026)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|[Qq](?P<quarter>[1-4])|[Hh](?P<half>[12])))?$")


@dataclass(frozen=True)
class Period:
    """Calendar days [start, end) of one reporting period, in the station's local time."""

    kind: str  # month | quarter | half | year
    year: int
    index: int  # month 1-12, quarter 1-4, half 1-2, or 1 for a year
    start: dt.date
    end: dt.date  # first day after the period

    @property
    def code(self) -> str:
        """As written on the command line: 2026-06, 2026-Q2, 2026-H1, 2026."""
        return {
            "month": f"{self.year}-{self.index:02d}",
            "quarter": f"{self.year}-Q{self.index}",
            "half": f"{self.year}-H{self.index}",
            "year": f"{self.year}",
        }[self.kind]

    @property
    def label(self) -> str:
        """The Vietnamese name used in reports: Tháng 06/2026, Quý II/2026, 6 tháng đầu năm 2026, Năm 2026."""
        if self.kind == "month":
            return f"Tháng {self.index:02d}/{self.year}"
        if self.kind == "quarter":
            return f"Quý {_ROMAN[self.index]}/{self.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        return f"Năm {self.year}"

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> Period:
        """The period of the same kind just before this one (2026-Q1 before 2026-Q2, 2025-H2 before 2026-H1)."""
        per_year = {"month": 12, "quarter": 4, "half": 2, "year": 1}[self.kind]
        year, index = (self.year, self.index - 1) if self.index > 1 else (self.year - 1, per_year)
        return make_period(self.kind, year, index)

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as naive UTC timestamps, the form the database stores: local midnights converted."""
        return local_midnight_utc(self.start), local_midnight_utc(self.end)


def local_midnight_utc(day: dt.date) -> dt.datetime:
    """Local midnight at the start of DAY, as a naive UTC timestamp."""
    return dt.datetime.combine(day, dt.time()).astimezone().astimezone(dt.UTC).replace(tzinfo=None)


def make_period(kind: str, year: int, index: int) -> Period:
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    first_month = (index - 1) * months + 1
    start = dt.date(year, first_month, 1)
    end_month = first_month + months
    end = dt.date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return Period(kind, year, index, start, end)


def parse_period(text: str) -> Period:
    """Parse 2026-06, 2026-Q2, 2026-H1 or 2026; ValueError with the accepted forms otherwise."""
    m = _PATTERN.match(text.strip())
    if m is None or (m.group("month") and not 1 <= int(m.group("month")) <= 12):
        raise ValueError(f"period {text!r} not understood: use 2026-06 (month), 2026-Q2, 2026-H1 or 2026")
    year = int(m.group("year"))
    if m.group("month"):
        return make_period("month", year, int(m.group("month")))
    if m.group("quarter"):
        return make_period("quarter", year, int(m.group("quarter")))
    if m.group("half"):
        return make_period("half", year, int(m.group("half")))
    return make_period("year", year, 1)
