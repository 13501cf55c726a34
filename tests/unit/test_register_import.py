"""Register import into a real (temporary SQLite) database: upsert, unchanged rows left alone, history of changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update

from scanflow.register import import_register
from scanflow.register.history import case_history
from scanflow.register.mapping import CANONICAL_COLUMNS
from scanflow.store.db import Database
from scanflow.store.models import Base, RegisterCase, RegisterHistory, RegisterImport

HEADER = ",".join(CANONICAL_COLUMNS)
ROWS = [
    "HS-1,125/QĐ-THADS,05/01/2025,07/2025/DS-ST,20/11/2024,TAND khu vực 1 - Tuyên Quang,Ông Nguyễn Văn Hoà,"
    "Bà Trần Thị Thuỷ,theo_yeu_cau,TQ-KV1,Đang thi hành,2025-02-01",
    "HS-2,126/QĐ-THADS,2025-01-06,08/2025/HNGĐ-ST,2024-12-01,TAND khu vực 2 - Tuyên Quang,Ông Đoàn Văn An,"
    "Bà Doãn Thị Bình,chu_dong,TQ-KV2,Đang thi hành,",
    "HS-3,12/QĐ-CCTHADS,,37/2023/QĐST - HNGĐ,,,Bà Lê Thị Hà,,,TQ,,",
]


@pytest.fixture
def database(tmp_path: Path) -> Database:
    import scanflow.quality.refresh  # noqa: F401 - the import refreshes quality tables: define them

    db = Database(f"sqlite:///{tmp_path / 'scanflow.db'}")
    Base.metadata.create_all(db.engine)
    yield db
    db.dispose()


def _csv(tmp_path: Path, rows: list[str], name: str = "register.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8-sig")
    return path


def _cases(database: Database) -> dict[str, RegisterCase]:
    with database.session() as session:
        return {c.ma_ho_so: c for c in session.scalars(select(RegisterCase))}


def test_first_import_adds_cases_with_keys(database: Database, tmp_path: Path) -> None:
    progress = []
    report = import_register(database, _csv(tmp_path, ROWS), on_progress=lambda *a: progress.append(a))
    assert (report.added, report.updated, report.unchanged, report.rejected) == (3, 0, 0, 0)
    cases = _cases(database)
    one = cases["HS-1"]
    assert one.ngay_qd_tha == dt.date(2025, 1, 5) and one.ngay_ban_an == dt.date(2024, 11, 20)
    assert (one.year, one.qd_key, one.ban_an_key) == (2025, "125/2025", "7/2025")
    assert one.names_folded == "nguyen van hoa; tran thi thuy"
    assert one.nguoi_phai_thi_hanh == "Ông Nguyễn Văn Hoà"  # stored as the register wrote it (NFC)
    assert one.imported_at == one.changed_at
    three = cases["HS-3"]
    assert (three.year, three.qd_key, three.ban_an_key, three.loai) == (None, "12", "37/2023", None)
    assert progress[-1][0] == progress[-1][1] and progress[-1][2] == "B"
    with database.session() as session:
        run = session.get(RegisterImport, report.import_id)
        assert (run.added, run.rejected) == (3, 0) and run.finished_at is not None
        assert session.scalar(select(RegisterHistory).limit(1)) is None


def test_reimport_same_file_writes_nothing(database: Database, tmp_path: Path) -> None:
    path = _csv(tmp_path, ROWS)
    import_register(database, path)
    before = _cases(database)
    report = import_register(database, path)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
    after = _cases(database)
    assert {k: (c.changed_at, c.imported_at) for k, c in after.items()} == {
        k: (c.changed_at, c.imported_at) for k, c in before.items()
    }


def test_reimport_updates_changed_cases_and_keeps_history(database: Database, tmp_path: Path) -> None:
    import_register(database, _csv(tmp_path, ROWS))
    first = _cases(database)
    changed = [
        ROWS[0].replace("Đang thi hành", "Đã thi hành xong").replace("2025-02-01", "15/03/2025"),
        ROWS[1],
        ROWS[2].replace("37/2023/QĐST - HNGĐ", "38/2023/QĐST-HNGĐ"),
        "HS-4,1/QĐ-THADS,02/01/2026,,,,,,,,,",
    ]
    report = import_register(database, _csv(tmp_path, changed, name="again.csv"))
    assert (report.added, report.updated, report.unchanged, report.rejected) == (1, 2, 1, 0)
    cases = _cases(database)
    one = cases["HS-1"]
    assert one.trang_thai == "Đã thi hành xong" and one.ngay_cap_nhat == dt.date(2025, 3, 15)
    assert one.changed_at > first["HS-1"].changed_at
    assert one.imported_at == first["HS-1"].imported_at
    assert cases["HS-2"].changed_at == first["HS-2"].changed_at
    assert cases["HS-3"].ban_an_key == "38/2023"
    with database.session() as session:
        history = case_history(session, "HS-1")
        assert len(history) == 1
        assert history[0].changes == {
            "trang_thai": ["Đang thi hành", "Đã thi hành xong"],
            "ngay_cap_nhat": ["2025-02-01", "2025-03-15"],
        }
        assert history[0].import_id == report.import_id and history[0].source.endswith("again.csv")
        assert case_history(session, "HS-3")[0].changes == {"so_ban_an": ["37/2023/QĐST - HNGĐ", "38/2023/QĐST-HNGĐ"]}
        assert case_history(session, "HS-2") == []
    # A third import changing it back adds a second entry: the history is a log, not a snapshot.
    import_register(database, _csv(tmp_path, ROWS[:1], name="third.csv"))
    with database.session() as session:
        assert [list(h.changes) for h in case_history(session, "HS-1")] == [
            ["trang_thai", "ngay_cap_nhat"],
            ["trang_thai", "ngay_cap_nhat"],
        ]


def test_columns_missing_from_the_file_are_left_alone(database: Database, tmp_path: Path) -> None:
    import_register(database, _csv(tmp_path, ROWS))
    report = import_register(
        database,
        _csv(
            tmp_path, ["HS-1,Đã thi hành xong", "HS-9,Đang thi hành"], name="status.csv", header="ma_ho_so,trang_thai"
        ),
    )
    assert (report.added, report.updated) == (1, 1)
    assert "toa_an" in report.missing_columns
    one = _cases(database)["HS-1"]
    assert one.trang_thai == "Đã thi hành xong"
    assert one.toa_an == "TAND khu vực 1 - Tuyên Quang" and one.qd_key == "125/2025"
    with database.session() as session:
        assert case_history(session, "HS-1")[0].changes == {"trang_thai": ["Đang thi hành", "Đã thi hành xong"]}


def test_bad_and_duplicate_rows_are_reported_and_good_rows_go_in(database: Database, tmp_path: Path) -> None:
    rows = [ROWS[0], "HS-2,1/QĐ-THADS,31/02/2025,,,,,,,,,", ROWS[2], ROWS[0].replace("125/", "999/")]
    errors = []
    report = import_register(database, _csv(tmp_path, rows), on_error=errors.append, chunk_rows=1)
    assert (report.added, report.rejected) == (2, 2)
    assert [(e.line, e.ma_ho_so) for e in errors] == [(3, "HS-2"), (5, "HS-1")]
    assert "ngày không tồn tại" in errors[0].reason
    assert errors[1].reason.startswith("mã hồ sơ trùng với dòng 2")
    assert str(errors[1]).startswith("dòng 5 (HS-1): ")
    assert _cases(database)["HS-1"].so_qd_tha == "125/QĐ-THADS"  # the first occurrence wins
    with database.session() as session:
        assert session.get(RegisterImport, report.import_id).rejected == 2


@pytest.mark.parametrize("chunk_rows", [1, 2, 10_000])
def test_chunking_gives_the_same_result(database: Database, tmp_path: Path, chunk_rows: int) -> None:
    import_register(database, _csv(tmp_path, ROWS[:2]), chunk_rows=chunk_rows)
    changed = [ROWS[0].replace("TQ-KV1", "TQ"), ROWS[1], ROWS[2], "HS-1,x", "HS-5,1/QĐ-THADS,31/02/2025"]
    errors = []
    report = import_register(
        database, _csv(tmp_path, changed, name="b.csv"), chunk_rows=chunk_rows, on_error=errors.append
    )
    assert [(e.line, e.ma_ho_so) for e in errors] == [(5, "HS-1"), (6, "HS-5")]
    assert (report.added, report.updated, report.unchanged) == (1, 1, 1)
    assert _cases(database)["HS-1"].don_vi == "TQ"


def test_stale_keys_are_refreshed_without_counting_a_change(database: Database, tmp_path: Path) -> None:
    path = _csv(tmp_path, ROWS)
    import_register(database, path)
    with database.session() as session:
        session.execute(update(RegisterCase).where(RegisterCase.ma_ho_so == "HS-1").values(qd_key="old"))
    before = _cases(database)["HS-1"].changed_at
    report = import_register(database, path)
    assert (report.updated, report.unchanged) == (0, 3)
    one = _cases(database)["HS-1"]
    assert one.qd_key == "125/2025" and one.changed_at == before
    with database.session() as session:
        assert case_history(session, "HS-1") == []
