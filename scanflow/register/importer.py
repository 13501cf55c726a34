"""`register import`: upsert a register export into register_case in bulk, recording every change.

Rows are read, validated and compared in chunks: the existing cases of a chunk are fetched by key, new
ones go in with one executemany INSERT (COPY on PostgreSQL), changed ones with one executemany UPDATE plus
their history rows, unchanged ones are not written at all. Each chunk commits on its own, so a long import never holds
the database for more than a few seconds; an interrupted import leaves a RegisterImport row without
finished_at and can simply be run again. (Validating in a second process was measured: pickling the rows
cost as much CPU as it moved off this one, so it is not done.)
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from scanflow.errors import DatabaseError
from scanflow.register.history import diff_case
from scanflow.register.keys import case_year, names_folded, number_key
from scanflow.register.mapping import CANONICAL_COLUMNS, Mapping
from scanflow.register.reader import Cell, Layout, RegisterFile
from scanflow.register.rows import RowCleaner, RowError, RowRefused, Value, clean_text
from scanflow.store.db import Database, redact
from scanflow.store.models import RegisterCase, RegisterHistory, RegisterImport, utcnow

__all__ = [
    "CHUNK_ROWS",
    "DERIVED_COLUMNS",
    "ImportReport",
    "RowError",
    "derived_values",
    "import_register",
    "validate_chunk",
]

CHUNK_ROWS = 50_000  # rows per transaction: big enough that SQLite writes each index page once or twice
FETCH_KEYS = 5_000  # keys per SELECT … IN (…): below every database's limit on bound parameters
SQLITE_CACHE_KIB = 262_144  # page cache for the import's connection: the indexes of 1M cases stay in memory

Clean = tuple[int, dict[str, Value], dict[str, object]]  # (line, column values, derived keys)
DERIVED_COLUMNS = ("year", "qd_key", "ban_an_key", "names_folded")

_case = RegisterCase.__table__
_history = RegisterHistory.__table__
_imports = RegisterImport.__table__
_FETCHED = [_case.c[name] for name in (*CANONICAL_COLUMNS, *DERIVED_COLUMNS)]


@dataclass
class ImportReport:
    """The outcome of one import: counts, and what the file lacked or carried in addition."""

    import_id: int
    source: str
    kind: str  # csv | xlsx
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    seconds: float = 0.0
    ignored_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.added + self.updated + self.unchanged + self.rejected

    def as_json(self) -> dict:
        return {
            "import_id": self.import_id,
            "source": self.source,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "seconds": round(self.seconds, 2),
            "ignored_columns": self.ignored_columns,
            "missing_columns": self.missing_columns,
        }


def derived_values(row: dict[str, Value]) -> dict[str, object]:
    """The lookup keys of a case from its column values (see register.keys)."""
    ngay_qd = row.get("ngay_qd_tha")
    ngay_ba = row.get("ngay_ban_an")
    so_qd = row.get("so_qd_tha")
    return {
        "year": case_year(ngay_qd, so_qd),
        "qd_key": number_key(so_qd, ngay_qd.year if ngay_qd else None),
        "ban_an_key": number_key(row.get("so_ban_an"), ngay_ba.year if ngay_ba else None),
        "names_folded": names_folded(row.get("nguoi_phai_thi_hanh"), row.get("nguoi_duoc_thi_hanh")),
    }


def _insert_cases(conn: Connection, records: list[dict[str, object]]) -> None:
    """INSERT the new cases: COPY on PostgreSQL (several times cheaper for the server), executemany elsewhere."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(_case), records)
        return
    columns = list(records[0])
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {_case.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for record in records:
            copy.write_row([record[c] for c in columns])


class _Writer:
    """Writes chunks of validated rows for one import run."""

    def __init__(
        self, database: Database, import_id: int, present: list[str], now: dt.datetime, report: ImportReport
    ) -> None:
        self.db = database
        self.import_id = import_id
        self.present = present
        self.now = now
        self.report = report

    def write(self, rows: list[Clean]) -> None:
        try:
            with self.db.engine.begin() as conn:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
                self._write(conn, rows)
        except SQLAlchemyError as exc:
            raise DatabaseError(f"register import failed writing to {redact(self.db.url)}: {exc}") from None

    def _existing(self, conn: Connection, keys: list[str]) -> dict[str, dict[str, object]]:
        found: dict[str, dict[str, object]] = {}
        for start in range(0, len(keys), FETCH_KEYS):
            result = conn.execute(select(*_FETCHED).where(_case.c.ma_ho_so.in_(keys[start : start + FETCH_KEYS])))
            found.update((row.ma_ho_so, row._asdict()) for row in result)
        return found

    def _write(self, conn: Connection, rows: list[Clean]) -> None:
        existing = self._existing(conn, [values["ma_ho_so"] for _, values, _ in rows])
        inserts: list[dict[str, object]] = []
        updates: list[dict[str, object]] = []
        refreshes: list[dict[str, object]] = []
        history: list[dict[str, object]] = []
        blank = dict.fromkeys(CANONICAL_COLUMNS)
        complete = len(self.present) == len(CANONICAL_COLUMNS)
        for _, values, derived in rows:
            key = values["ma_ho_so"]
            old = existing.get(key)
            if old is None:  # the keys of the row alone: missing columns are empty
                inserts.append({**blank, **values, **derived, "imported_at": self.now, "changed_at": self.now})
                continue
            changes = diff_case(old, values, self.present)
            if not complete:  # the keys also depend on the columns the file lacks
                derived = derived_values({**old, **values})
            if changes:
                record = {c: values[c] for c in self.present if c != "ma_ho_so"}
                record.update(derived)
                record["changed_at"] = self.now
                record["key_"] = key
                updates.append(record)
                history.append(
                    {"ma_ho_so": key, "import_id": self.import_id, "changed_at": self.now, "changes": changes}
                )
            elif any(derived[c] != old[c] for c in DERIVED_COLUMNS):
                # Keys computed by an older scanflow: refreshed quietly, the case itself did not change.
                refreshes.append({**derived, "key_": key})
            else:
                self.report.unchanged += 1
        where = _case.c.ma_ho_so == bindparam("key_")
        if inserts:
            inserts.sort(key=lambda r: r["ma_ho_so"])  # neighbouring keys share index pages
            _insert_cases(conn, inserts)
        if updates:
            conn.execute(update(_case).where(where), updates)
            conn.execute(insert(_history), history)
        if refreshes:
            conn.execute(update(_case).where(where), refreshes)
        self.report.added += len(inserts)
        self.report.updated += len(updates)
        self.report.unchanged += len(refreshes)
        self._record(conn)

    def _record(self, conn: Connection, finished: bool = False) -> None:
        r = self.report
        values: dict[str, object] = {
            "added": r.added,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "rejected": r.rejected,
        }
        if finished:
            values["finished_at"] = utcnow()
        conn.execute(update(_imports).where(_imports.c.id == self.import_id).values(**values))

    def finish(self, home: Path | None) -> None:
        """Mark the import done, and re-judge the quality of the cases it changed (their "sống", "đúng")."""
        from scanflow.quality.refresh import refresh_after_import  # quality reads the register's keys

        with self.db.engine.begin() as conn:
            self._record(conn, finished=True)
        with self.db.session() as session:
            refresh_after_import(session, self.import_id, home=home)


def validate_chunk(
    layout: Layout, mapping: Mapping, rows: list[tuple[int, list[Cell]]]
) -> tuple[list[Clean], list[RowError]]:
    """Validate ROWS and compute their keys: (good rows in file order, refused rows)."""
    cleaner = RowCleaner(layout, mapping)
    key_at = layout.positions["ma_ho_so"]
    good: list[Clean] = []
    bad: list[RowError] = []
    for line, cells in rows:
        try:
            values = cleaner.clean(cells)
        except RowRefused as exc:
            bad.append(RowError(line, clean_text(cells[key_at]) if key_at < len(cells) else None, str(exc)))
            continue
        good.append((line, values, derived_values(values)))
    return good, bad


def _chunks(rows: Iterable[tuple[int, list[Cell]]], size: int) -> Iterator[list[tuple[int, list[Cell]]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def import_register(
    database: Database,
    path: Path,
    mapping: Mapping | None = None,
    *,
    on_error: Callable[[RowError], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    home: Path | None = None,
) -> ImportReport:
    """Import the register export at PATH (CSV or XLSX) into register_case; returns the counts.

    Upsert by ma_ho_so: a new case is added; a known case whose values differ is updated, its
    changed_at set to this import's time and a RegisterHistory row {column: [old, new]} written; a
    known case with the same values is not written. Only the columns the file has are compared and
    updated (a file without toa_an leaves toa_an as it is). A refused row (see RowCleaner.clean, and a
    ma_ho_so seen earlier in the same file) is passed to `on_error` with its line and reason, and the
    other rows still go in. `on_progress(position, total, unit)` is called after each chunk. At the end
    the quality verdicts of the cases that changed are refreshed (`home` locates the station's profiles).
    """
    started = time.perf_counter()
    now = utcnow()
    with RegisterFile(path, mapping) as source:
        layout = source.layout
        present = [c for c in CANONICAL_COLUMNS if c in layout.positions]
        try:
            with database.engine.begin() as conn:
                import_id = conn.execute(
                    insert(_imports).values(
                        source=str(path.resolve()), started_at=now, added=0, updated=0, unchanged=0, rejected=0
                    )
                ).inserted_primary_key[0]
        except SQLAlchemyError as exc:
            raise DatabaseError(f"cannot record the import in {redact(database.url)}: {exc}") from None
        report = ImportReport(
            import_id, str(path.resolve()), source.kind, ignored_columns=layout.ignored, missing_columns=layout.missing
        )
        writer = _Writer(database, import_id, present, now, report)
        seen: dict[str, int] = {}

        def store(good: list[Clean], bad: list[RowError]) -> None:
            fresh: list[Clean] = []
            for row in good:
                key = row[1]["ma_ho_so"]
                first = seen.setdefault(key, row[0])
                if first == row[0]:
                    fresh.append(row)
                else:
                    bad.append(RowError(row[0], key, f"mã hồ sơ trùng với dòng {first}; dòng này bị bỏ qua"))
            report.rejected += len(bad)
            if on_error is not None:
                for error in sorted(bad, key=lambda e: e.line):
                    on_error(error)
            if fresh:
                writer.write(fresh)
            if on_progress is not None:
                on_progress(source.position(), source.total, source.unit)

        if on_progress is not None:
            on_progress(0, source.total, source.unit)
        for chunk in _chunks(source.rows(), chunk_rows):
            store(*validate_chunk(layout, source.mapping, chunk))
    writer.finish(home)
    report.seconds = time.perf_counter() - started
    return report
