"""Counters, stored reasons and `--check` over a register and dossiers with known truth, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from scanflow.quality.backlog import count_inbox
from scanflow.quality.check import check
from scanflow.quality.refresh import (
    case_reasons,
    dossier_reasons,
    mark_rechecked,
    refresh_after_import,
    refresh_all,
    refresh_dossier,
    resolve_duplicate,
)
from scanflow.quality.stats import compute_stats, unit_sort_key
from scanflow.store.models import Dossier, Page
from scanflow.store.quality import CaseQuality, QualityReason
from tests.unit.test_quality_world import (  # noqa: F401 - fixtures
    NOW,
    UNIT_A,
    UNIT_B,
    World,
    any_world_fixture,
    ban_an,
    qd,
    world_fixture,
)


def build_truth(w: World) -> dict:
    """The register and dossiers of the module docstring's truth; returns the dossier ids by name."""
    w.register_import(NOW - dt.timedelta(days=2))
    ids: dict[str, int] = {}
    for code in ("A1", "A2", "A3", "A7", "A8"):
        w.register(code)
    w.register("A4", loai="theo_yeu_cau")
    w.register("A5", year=2024)
    w.register("A6", year=2024, ngay_cap_nhat=(NOW + dt.timedelta(days=2)).date())
    for code in ("B1", "B2"):
        w.register(code, don_vi=UNIT_B)
    w.register("B3", don_vi=UNIT_B, year=2024)
    w.register("B4", don_vi=UNIT_B, year=2024)
    w.register("N1", don_vi=None)

    ids["A1"] = w.dossier("A1")
    ids["A2"] = w.dossier("A2", method="auto", confidence=0.9)
    ids["A3a"] = w.dossier("A3", [qd()], archived_at=NOW - dt.timedelta(days=9))
    ids["A3b"] = w.dossier("A3", [ban_an()], archived_at=NOW - dt.timedelta(days=3))
    ids["A4"] = w.dossier("A4")
    ids["A5"] = w.dossier("A5", duplicates=1, blank_kept=1, blank_dropped=2)
    ids["A6"] = w.dossier("A6")
    ids["A7"] = w.dossier("A7", status="needs_review", method=None, confidence=0.6)
    ids["B1"] = w.dossier("B1", [qd("13/QĐ-THADS"), ban_an()], method="auto", confidence=0.7)
    ids["B2"] = w.dossier("B2", [qd()], without_text=1)
    ids["B3"] = w.dossier(None, [], status="quarantined", method=None, confidence=None)
    ids["B4"] = w.dossier("B4")
    ids["N1"] = w.dossier("N1")
    ids["unknown"] = w.dossier("HS-NOT-IN-REGISTER")
    ids["processing"] = w.dossier(None, [], status="processing", method=None, confidence=None)
    ids["duplicate"] = w.dossier(None, [], status="duplicate", method=None, confidence=None)
    return ids


def unit(name: str | None, register: int, digitized: int, criteria: tuple[int, int, int, int],
         backlog: tuple[int, int, int, int]) -> dict:
    processing, needs_review, quarantined, not_digitized = backlog
    return {
        "don_vi": name, "register_total": register, "digitized": digitized,
        "coverage": digitized / register if register else 0.0,
        "criteria": dict(zip(("dung", "du", "sach", "song"), criteria, strict=True)),
        "backlog": {"inbox": 0, "processing": processing, "needs_review": needs_review,
                    "quarantined": quarantined, "not_digitized": not_digitized},
    }


EXPECTED = {
    "register_total": 13,
    "digitized": 10,
    "coverage": 10 / 13,
    "criteria": {"dung": 8, "du": 8, "sach": 9, "song": 9},
    "backlog": {"inbox": 0, "processing": 1, "needs_review": 1, "quarantined": 1, "not_digitized": 3},
    "by_don_vi": [
        unit(UNIT_A, 8, 6, (6, 5, 5, 5), (0, 1, 0, 2)),
        unit(UNIT_B, 4, 3, (1, 2, 3, 3), (0, 0, 0, 1)),
        unit(None, 1, 1, (1, 1, 1, 1), (1, 0, 1, 0)),
    ],
}


def refresh_each(w: World, ids: dict[str, int]) -> None:
    """What the pipeline does: refresh after each dossier is archived."""
    for dossier_id in ids.values():
        with w.database.session() as session:
            refresh_dossier(session, dossier_id)


def stats(w: World, **scope: object) -> dict:
    with w.database.session() as session:
        return compute_stats(session, settings=w.settings, **scope)


def test_counters_equal_the_truth(any_world: World) -> None:
    ids = build_truth(any_world)
    refresh_each(any_world, ids)
    assert stats(any_world) == EXPECTED
    with any_world.database.session() as session:
        report = check(session, any_world.settings)
    assert report.ok, report.differences
    assert report.cases == 10


def test_full_rebuild_equals_incremental_refresh(world: World) -> None:
    ids = build_truth(world)
    refresh_each(world, ids)
    with world.database.session() as session:
        before = {(r.ma_ho_so, r.dossier_id, r.code, r.message) for r in session.scalars(select(QualityReason))}
        assert refresh_all(session) == 10
    with world.database.session() as session:
        after = {(r.ma_ho_so, r.dossier_id, r.code, r.message) for r in session.scalars(select(QualityReason))}
    assert before == after
    assert stats(world) == EXPECTED


def test_scoped_counters(world: World) -> None:
    refresh_each(world, build_truth(world))
    assert stats(world, year=2024) == {
        "register_total": 4, "digitized": 3, "coverage": 0.75,
        "criteria": {"dung": 3, "du": 3, "sach": 2, "song": 2},
        "backlog": {"inbox": 0, "processing": 0, "needs_review": 0, "quarantined": 0, "not_digitized": 1},
        "by_don_vi": [unit(UNIT_A, 2, 2, (2, 2, 1, 1), (0, 0, 0, 0)), unit(UNIT_B, 2, 1, (1, 1, 1, 1), (0, 0, 0, 1))],
    }
    only_b = stats(world, don_vi=UNIT_B)
    assert only_b["by_don_vi"] == [EXPECTED["by_don_vi"][1]]
    assert {k: v for k, v in only_b.items() if k != "by_don_vi"} == {
        k: v for k, v in EXPECTED["by_don_vi"][1].items() if k != "don_vi"
    }
    assert stats(world, don_vi="Không có") == {
        "register_total": 0, "digitized": 0, "coverage": 0.0, "criteria": {"dung": 0, "du": 0, "sach": 0, "song": 0},
        "backlog": {"inbox": 0, "processing": 0, "needs_review": 0, "quarantined": 0, "not_digitized": 0},
        "by_don_vi": [],
    }


def test_reasons_are_stored_per_dossier(world: World) -> None:
    ids = build_truth(world)
    refresh_each(world, ids)

    def codes(dossier_id: int) -> set[tuple]:
        with world.database.session() as session:
            return {(r.criterion, r.code, r.dossier_id) for r in dossier_reasons(session, dossier_id)}

    assert codes(ids["A1"]) == set()
    assert codes(ids["A3a"]) == set() and codes(ids["A3b"]) == set()
    assert codes(ids["A4"]) == {("du", "missing_don_yeu_cau", None)}
    assert codes(ids["A5"]) == {("sach", "duplicate_page", ids["A5"]), ("sach", "blank_page_kept", ids["A5"])}
    assert codes(ids["A6"]) == {("song", "older_than_register", None)}
    assert codes(ids["B1"]) == {("dung", "match_unconfirmed", ids["B1"]), ("dung", "qd_tha_number_mismatch", ids["B1"])}
    assert codes(ids["B2"]) == {("du", "missing_ban_an", None), ("dung", "ban_an_number_unread", None),
                                ("du", "page_without_text", ids["B2"])}
    assert codes(ids["A7"]) == set() and codes(ids["unknown"]) == set()
    with world.database.session() as session:
        (mismatch,) = [r for r in dossier_reasons(session, ids["B1"]) if r.code == "qd_tha_number_mismatch"]
        assert mismatch.message == "Số QĐTHA khác sổ thụ lý: B1.001.pdf ghi 13/QĐ-THADS, sổ ghi 12/QĐ-THADS"


def test_stale_register_import_zeroes_song_and_says_why(world: World) -> None:
    refresh_each(world, build_truth(world))
    world.settings = dataclasses.replace(world.settings, register_max_age_days=1)
    assert stats(world)["criteria"] == {"dung": 8, "du": 8, "sach": 9, "song": 0}
    with world.database.session() as session:
        reasons = case_reasons(session, "A1", settings=world.settings)
        assert [(r.code, r.criterion) for r in reasons] == [("register_stale", "song")]
        assert "quá 1 ngày" in reasons[0].message
        assert check(session, world.settings).ok


def test_no_register_import_means_nothing_is_live(world: World) -> None:
    world.register("X1")
    with world.database.session() as session:
        refresh_dossier(session, world.dossier("X1"))
    assert stats(world)["criteria"] == {"dung": 1, "du": 1, "sach": 1, "song": 0}


def test_resolving_duplicates_and_rechecking_update_the_criteria(world: World) -> None:
    ids = build_truth(world)
    refresh_each(world, ids)
    duplicate_page = world.page_ids(ids["A5"])[-1]
    with world.database.session() as session:
        assert session.get(Page, duplicate_page).duplicate_of == 1
        resolve_duplicate(session, duplicate_page, "distinct", by="giamsat")
    with world.database.session() as session:
        assert [r.code for r in dossier_reasons(session, ids["A5"])] == ["blank_page_kept"]
        mark_rechecked(session, "A6", by="giamsat", when=NOW + dt.timedelta(days=3))
    assert stats(world)["criteria"] == {"dung": 8, "du": 8, "sach": 9, "song": 10}
    with world.database.session() as session:
        assert check(session, world.settings).ok
        with pytest.raises(ValueError):
            resolve_duplicate(session, duplicate_page, "maybe")


def test_reassigned_dossier_moves_its_case(world: World) -> None:
    ids = build_truth(world)
    refresh_each(world, ids)
    with world.database.session() as session:
        session.get(Dossier, ids["A1"]).ma_ho_so = "A8"
        refresh_dossier(session, ids["A1"], previous_case="A1")
    with world.database.session() as session:
        assert session.get(CaseQuality, "A1") is None
        assert session.get(CaseQuality, "A8") is not None
        assert check(session, world.settings).ok
    assert stats(world)["digitized"] == 10


def test_check_catches_tampering(any_world: World) -> None:
    w = any_world
    refresh_each(w, build_truth(w))
    with w.database.session() as session:
        session.execute(update(CaseQuality).where(CaseQuality.ma_ho_so == "B2").values(du=True))
        session.execute(delete(CaseQuality).where(CaseQuality.ma_ho_so == "A1"))
        session.execute(delete(QualityReason).where(QualityReason.ma_ho_so == "A4"))
    with w.database.session() as session:
        report = check(session, w.settings)
    assert not report.ok
    diffs = "\n".join(report.differences)
    assert "B2: Đủ: lưu đạt, tính lại không đạt" in diffs
    assert "A1: đã số hóa nhưng chưa có kết quả đánh giá" in diffs
    assert "A4: thiếu lý do [du/missing_don_yeu_cau]" in diffs
    assert "digitized: hiển thị 9, tính lại 10" in diffs
    assert "criteria.dung: hiển thị 7, tính lại 8" in diffs
    assert f"by_don_vi[{UNIT_B}].criteria.du: hiển thị 3, tính lại 2" in diffs
    with w.database.session() as session:
        only_a_year = check(session, w.settings, don_vi=UNIT_A, year=2024)
    assert only_a_year.ok and only_a_year.cases == 2  # A5, A6: the tampered cases are out of scope


def test_check_catches_facts_changed_behind_its_back(world: World) -> None:
    ids = build_truth(world)
    refresh_each(world, ids)
    with world.database.session() as session:
        session.get(Dossier, ids["B4"]).status = "quarantined"
    with world.database.session() as session:
        report = check(session, world.settings)
    assert "B4: có kết quả đánh giá nhưng không còn hồ sơ số hóa trong sổ" in report.differences
    with world.database.session() as session:
        refresh_dossier(session, ids["B4"])
        assert check(session, world.settings).ok


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_inbox_counts_settled_units_only(world: World) -> None:
    inbox = world.settings.dir("inbox")
    (inbox / "scan-001.tif").write_bytes(b"II*\0")
    (inbox / "ho-so-2").mkdir()
    (inbox / "ho-so-2" / "p1.jpg").write_bytes(b"\xff\xd8")
    (inbox / "ho-so-3").mkdir()
    (inbox / "ho-so-3" / "p1.jpg").write_bytes(b"\xff\xd8")
    (inbox / "ho-so-3" / "READY").write_bytes(b"")
    for litter in (".hidden.tif", "scan.tmp", "scan.part", "~$scan.tif", "Thumbs.db"):
        (inbox / litter).write_bytes(b"x")
        _age(inbox / litter, 600)
    _age(inbox / "scan-001.tif", 600)
    _age(inbox / "ho-so-2" / "p1.jpg", 600)
    _age(inbox / "ho-so-2", 600)
    (inbox / "fresh.tif").write_bytes(b"II*\0")
    with world.database.session() as session:
        assert count_inbox(session, world.settings) == 3  # scan-001, ho-so-2 (settled), ho-so-3 (READY)
        station = dataclasses.replace(world.settings, stations=("may-1",))
        (inbox / "may-1").mkdir()
        (inbox / "may-1" / "a.pdf").write_bytes(b"%PDF")
        _age(inbox / "may-1" / "a.pdf", 600)
        assert count_inbox(session, station) == 4
        assert compute_stats(session, settings=station)["backlog"]["inbox"] == 4


def test_refresh_after_import_picks_up_changed_and_newly_known_cases(world: World) -> None:
    ids = build_truth(world)
    refresh_each(world, ids)
    world.register_change("A1", NOW + dt.timedelta(hours=1))  # updated after A1 was digitised
    import_id = world.register_import(NOW + dt.timedelta(hours=1))
    world.register("HS-NOT-IN-REGISTER", don_vi=UNIT_B)  # the cover-sheet dossier's case arrives
    with world.database.session() as session:
        assert not check(session, world.settings).ok
        assert refresh_after_import(session, import_id) == 1  # the new case (A1's change came earlier)
        assert refresh_after_import(session, import_id - 1) == 1  # the import that changed A1
    with world.database.session() as session:
        assert check(session, world.settings).ok
        assert [r.code for r in case_reasons(session, "A1")] == ["older_than_register"]
    got = stats(world)
    assert (got["digitized"], got["criteria"]["song"]) == (11, 9)


def test_units_in_the_order_staff_expect() -> None:
    units = ["THADS tỉnh Đắk Lắk", None, "Phòng THADS khu vực 10 - Tuyên Quang", "THADS tỉnh An Giang",
             "Phòng THADS khu vực 2 - Tuyên Quang"]
    assert sorted(units, key=unit_sort_key) == [
        "Phòng THADS khu vực 2 - Tuyên Quang", "Phòng THADS khu vực 10 - Tuyên Quang", "THADS tỉnh An Giang",
        "THADS tỉnh Đắk Lắk", None,
    ]
