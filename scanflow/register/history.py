"""What changed in a register case between imports, and reading that history back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scanflow.store.models import RegisterHistory, RegisterImport


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def diff_case(old: Mapping[str, object], new: Mapping[str, object], columns: Iterable[str]) -> dict[str, list]:
    """{column: [old, new]} for each of `columns` whose value differs; dates as yyyy-mm-dd (JSON-ready)."""
    changes: dict[str, list] = {}
    for column in columns:
        before, after = old.get(column), new.get(column)
        if before != after:
            changes[column] = [_json_value(before), _json_value(after)]
    return changes


@dataclass(frozen=True)
class HistoryEntry:
    """One change to a case seen on re-import."""

    changed_at: dt.datetime
    import_id: int
    source: str
    changes: dict[str, list]

    def as_json(self) -> dict:
        return {
            "changed_at": self.changed_at.isoformat(timespec="seconds"),
            "import_id": self.import_id,
            "source": self.source,
            "changes": self.changes,
        }


def case_history(session: Session, ma_ho_so: str) -> list[HistoryEntry]:
    """The changes recorded for a case, oldest first."""
    rows = session.execute(
        select(RegisterHistory, RegisterImport.source)
        .join(RegisterImport, RegisterImport.id == RegisterHistory.import_id)
        .where(RegisterHistory.ma_ho_so == ma_ho_so)
        .order_by(RegisterHistory.changed_at, RegisterHistory.id)
    ).all()
    return [HistoryEntry(h.changed_at, h.import_id, source, h.changes) for h, source in rows]
