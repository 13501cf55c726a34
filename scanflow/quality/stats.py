"""The KPI counters (`scanflow stats --json`, `/api/stats`): coverage, the four criteria and the backlog, by SQL.

The object returned by `compute_stats`:

    {
      "register_total": int,   # register cases in scope
      "digitized": int,        # of those, cases with at least one archived dossier (a case in two parts counts once)
      "coverage": float,       # digitized / register_total, 0 when the register is empty
      "criteria": {"dung": int, "du": int, "sach": int, "song": int},   # digitised cases meeting each
      "backlog": {
        "inbox": int,          # settled units waiting in the inbox (per station, never per unit)
        "processing": int,     # dossiers received or being processed
        "needs_review": int,   # dossiers waiting for a person (register match below the threshold, ...)
        "quarantined": int,    # dossiers that failed
        "not_digitized": int   # register cases in scope with no archived dossier
      },
      "by_don_vi": [           # one object per unit (đơn vị), in natural name order, the unit-less last
        {"don_vi": str | None, "register_total": int, "digitized": int, "coverage": float,
         "criteria": {...same keys...}, "backlog": {...same keys, inbox always 0...}}
      ]
    }

Scope: `don_vi` and `year` filter the register cases (RegisterCase.don_vi / year) and the dossiers counted in
the backlog (Dossier.don_vi / year, so dossiers not yet tied to a case only count without a filter). The
unit of a dossier in the backlog is its own `don_vi`; `None` collects what belongs to no known unit.
Counts per unit add up to the totals, except `inbox`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scanflow.config import Settings
from scanflow.quality import CRITERIA
from scanflow.quality.backlog import count_inbox, status_counts
from scanflow.store.models import RegisterCase, RegisterImport, utcnow
from scanflow.store.quality import CaseQuality


def last_register_import(session: Session) -> dt.datetime | None:
    """When the latest finished register import finished (naive UTC), or None when there never was one."""
    return session.scalar(select(func.max(RegisterImport.finished_at)))


def register_is_current(last_import: dt.datetime | None, settings: Settings,
                        now: dt.datetime | None = None) -> bool:
    """Whether the register is recent enough for any case to count as "sống"."""
    if last_import is None:
        return False
    return (now or utcnow()) - last_import <= dt.timedelta(days=settings.register_max_age_days)


def _scoped(query, don_vi_col, year_col, don_vi: str | None, year: int | None):  # noqa: ANN001, ANN202
    if don_vi is not None:
        query = query.where(don_vi_col == don_vi)
    if year is not None:
        query = query.where(year_col == year)
    return query


def counters(register_total: int, digitized: int, criteria: dict[str, int], backlog: dict[str, int]) -> dict:
    """One counter object (the totals, or one unit's), with coverage and not_digitized derived."""
    return {
        "register_total": register_total,
        "digitized": digitized,
        "coverage": digitized / register_total if register_total else 0.0,
        "criteria": {c: criteria.get(c, 0) for c in CRITERIA},
        "backlog": {
            "inbox": backlog.get("inbox", 0),
            "processing": backlog.get("processing", 0),
            "needs_review": backlog.get("needs_review", 0),
            "quarantined": backlog.get("quarantined", 0),
            "not_digitized": max(0, register_total - digitized),
        },
    }


def unit_sort_key(unit: str | None) -> tuple:
    """Units in the order staff expect: accents ignored, "khu vực 2" before "khu vực 10", the unit-less last.

    (Not `tagging.text.fold`, to keep this module's imports light: `stats` must answer within a second.)
    """
    if unit is None:
        return (True, ())
    bare = "".join(c for c in unicodedata.normalize("NFD", unit.replace("đ", "d").replace("Đ", "D"))
                   if not unicodedata.combining(c)).casefold()
    return (False, tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                         for part in re.split(r"(\d+)", bare) if part))


def compute_stats(session: Session, *, settings: Settings, don_vi: str | None = None,
                  year: int | None = None) -> dict:
    """The KPI counters, exactly what `scanflow stats --json` prints (see the module docstring)."""
    register = dict(session.execute(
        _scoped(select(RegisterCase.don_vi, func.count()).group_by(RegisterCase.don_vi),
                RegisterCase.don_vi, RegisterCase.year, don_vi, year)
    ).all())
    cq = CaseQuality
    live = register_is_current(last_register_import(session), settings)
    judged: dict[str | None, tuple[int, dict[str, int]]] = {}
    for unit, digitized, dung, du, sach, song in session.execute(
        _scoped(
            select(
                cq.don_vi, func.count(), func.count().filter(cq.dung), func.count().filter(cq.du),
                func.count().filter(cq.sach), func.count().filter(cq.song),
            ).group_by(cq.don_vi),
            cq.don_vi, cq.year, don_vi, year,
        )
    ):
        judged[unit] = (digitized, {"dung": dung, "du": du, "sach": sach, "song": song if live else 0})
    queues = status_counts(session, don_vi=don_vi, year=year)

    units = sorted(set(register) | set(judged) | set(queues), key=unit_sort_key)
    by_unit = []
    for unit in units:
        digitized, criteria = judged.get(unit, (0, {}))
        entry = counters(register.get(unit, 0), digitized, criteria, queues.get(unit, {}))
        by_unit.append({"don_vi": unit, **entry})
    total_criteria = {c: sum(u["criteria"][c] for u in by_unit) for c in CRITERIA}
    total_backlog = {k: sum(u["backlog"][k] for u in by_unit) for k in ("processing", "needs_review", "quarantined")}
    total_backlog["inbox"] = count_inbox(session, settings)
    totals = counters(
        sum(register.values()), sum(u["digitized"] for u in by_unit), total_criteria, total_backlog
    )
    return {**totals, "by_don_vi": by_unit}
