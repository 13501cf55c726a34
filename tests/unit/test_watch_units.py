"""Watched inbox, the pure parts: which unit a path is in, settle detection, cover-sheet splits, quarantine names."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from scanflow.errors import ConfigError
from scanflow.intake.covers import PageMarks, PartPlan, is_whole, plan_parts
from scanflow.intake.quarantine import MAX_NAME_BYTES, reason_line, set_aside, target_for
from scanflow.intake.settle import SettleTracker
from scanflow.intake.units import UnitRef, list_units, signature, unit_of
from scanflow.intake.watch import HomeLock, filesystem_type, network_share, service_pid

STATIONS = ("may-1", "may-2")


def test_a_changed_path_maps_to_its_unit_and_station(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    assert unit_of(inbox / "scan.tif", inbox, STATIONS) == UnitRef("", "scan.tif", inbox / "scan.tif")
    assert unit_of(inbox / "hs 12" / "p-3.jpg", inbox, STATIONS) == UnitRef("", "hs 12", inbox / "hs 12")
    station_file = inbox / "may-1" / "run.tif"
    assert unit_of(station_file, inbox, STATIONS) == UnitRef("may-1", "run.tif", station_file)
    assert unit_of(inbox / "may-2" / "hs" / "a" / "b.png", inbox, STATIONS).rel == "hs"
    assert unit_of(inbox / "may-1", inbox, STATIONS) is None  # the station folder itself
    for ignored in ("scan.tif.part", "~$scan.tif", ".hidden", "Thumbs.db", "x.tmp", "READY"):
        assert unit_of(inbox / ignored, inbox, STATIONS) is None
    assert unit_of(tmp_path / "elsewhere.tif", inbox, STATIONS) is None


def test_given_names_are_nfc_whatever_the_disk_holds(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Hồ sơ Nguyễn.tif")
    ref = UnitRef("may-1", nfd, tmp_path / nfd)
    assert ref.given == unicodedata.normalize("NFC", "may-1/Hồ sơ Nguyễn.tif")
    assert ref.rel == nfd  # the disk name is kept to find the file again


def test_listing_finds_files_and_folders_in_the_inbox_and_station_folders(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "may-1" / "hs-2").mkdir(parents=True)
    (inbox / "a.tif").write_bytes(b"x")
    (inbox / "a.tif.part").write_bytes(b"x")
    (inbox / "may-1" / "b.pdf").write_bytes(b"x")
    (inbox / "may-1" / "hs-2" / "1.png").write_bytes(b"x")
    found = {(u.station, u.rel) for u in list_units(inbox, STATIONS)}
    assert found == {("", "a.tif"), ("may-1", "b.pdf"), ("may-1", "hs-2")}


def test_a_folder_signature_sees_temporary_files_being_written(tmp_path: Path) -> None:
    folder = tmp_path / "hs"
    folder.mkdir()
    (folder / "1.png").write_bytes(b"one")
    before = signature(folder)
    (folder / "2.png.part").write_bytes(b"tw")
    assert signature(folder) != before
    assert signature(tmp_path / "missing") is None


class FakeUnits:
    """Signatures and READY markers set by the test instead of the disk."""

    def __init__(self) -> None:
        self.sigs: dict[str, tuple | None] = {}
        self.ready: set[str] = set()

    def tracker(self, settle: float) -> SettleTracker:
        return SettleTracker(settle, signature_of=lambda ref: self.sigs.get(ref.rel),
                             ready_of=lambda ref: ref.rel in self.ready)


def _ref(name: str) -> UnitRef:
    return UnitRef("", name, Path("/inbox") / name)


def test_a_unit_settles_only_after_settle_seconds_without_change() -> None:
    fake = FakeUnits()
    tracker = fake.tracker(2.0)
    fake.sigs["a"] = (("", 10, 1),)
    tracker.follow(_ref("a"), now=0.0)
    assert tracker.poll(1.9) == ([], [])
    fake.sigs["a"] = (("", 20, 2),)  # the writer added a chunk
    assert tracker.poll(2.5) == ([], [])
    assert tracker.poll(4.0) == ([], [])
    settled, _ = tracker.poll(4.6)
    assert [w.ref.rel for w in settled] == ["a"]
    assert tracker.poll(10.0) == ([], [])  # busy: handed over once


def test_a_ready_marker_completes_a_folder_at_once_and_a_vanished_unit_is_reported() -> None:
    fake = FakeUnits()
    tracker = fake.tracker(15.0)
    fake.sigs["hs"] = (("1.png", 5, 1),)
    fake.sigs["gone"] = (("", 1, 1),)
    tracker.follow(_ref("hs"), 0.0)
    tracker.follow(_ref("gone"), 0.0)
    fake.ready.add("hs")
    del fake.sigs["gone"]
    settled, gone = tracker.poll(0.3)
    assert [w.ref.rel for w in settled] == ["hs"]
    assert [w.ref.rel for w in gone] == ["gone"]


def test_unreadable_units_are_retried_with_backoff_then_given_up() -> None:
    fake = FakeUnits()
    tracker = fake.tracker(1.0)
    fake.sigs["bad"] = (("", 7, 1),)
    watched = tracker.follow(_ref("bad"), 0.0)
    now = 1.0
    waits = []
    while True:
        settled, _ = tracker.poll(now)
        if settled:
            if not tracker.retry(watched, now):
                break
            waits.append(watched.retry_at - now)
        now += 0.25
    assert waits == [1.0, 2.0, 4.0]
    assert now == 8.0


def test_a_change_resets_the_retry_budget() -> None:
    fake = FakeUnits()
    tracker = fake.tracker(1.0)
    fake.sigs["slow"] = (("", 7, 1),)
    watched = tracker.follow(_ref("slow"), 0.0)
    tracker.poll(1.0)
    assert tracker.retry(watched, 1.0)
    fake.sigs["slow"] = (("", 9, 2),)  # the scanner wrote more after a long pause
    tracker.poll(1.5)
    assert watched.attempts == 0 and watched.retry_at == 0.0


def _marks(spec: str) -> list[PageMarks]:
    """C<code> = cover sheet, b = blank page, p = content page."""
    out = []
    for token in spec.split():
        if token.startswith("C"):
            out.append(PageMarks(cover=token[1:], blank=False))
        else:
            out.append(PageMarks(cover=None, blank=token == "b"))
    return out


def test_a_scan_run_splits_at_each_cover_sheet() -> None:
    parts, dropped = plan_parts(_marks("CA p p CB p CC p p p"))
    assert parts == [PartPlan(1, 0, 2, "A"), PartPlan(2, 3, 4, "B"), PartPlan(3, 5, 8, "C")]
    assert dropped == []
    assert not is_whole(parts, 9)


def test_pages_before_the_first_cover_are_a_dossier_of_their_own() -> None:
    parts, _ = plan_parts(_marks("p p CA p"))
    assert parts == [PartPlan(1, 0, 1, None), PartPlan(2, 2, 3, "A")]


def test_covers_without_content_and_leading_blanks_are_left_out() -> None:
    parts, dropped = plan_parts(_marks("b CA CA b p CB b"))
    assert parts == [PartPlan(1, 2, 4, "A")]
    assert [(d.first, d.last) for d in dropped] == [(0, 0), (1, 1), (5, 6)]


def test_one_cover_on_the_first_page_or_none_is_the_whole_unit() -> None:
    for spec in ("CA p p", "p p p"):
        parts, _ = plan_parts(_marks(spec))
        assert is_whole(parts, 3)
    parts, _ = plan_parts(_marks("b b"))  # nothing to keep: the pipeline says why
    assert is_whole(parts, 2)


def test_quarantine_names_never_clash_and_fit_one_path_component(tmp_path: Path) -> None:
    quarantine = tmp_path / "quarantine"
    first = target_for(quarantine, "scan.tif", "quarantined")
    set_aside(tmp_path / "missing.tif", first, "x")  # writes the reason file only
    second = target_for(quarantine, "scan.tif", "quarantined")
    assert second.name == "scan (2).tif"
    assert target_for(quarantine, "scan.tif", "duplicate").parent.name == "_trung-lap"
    long_name = "Hồ sơ thi hành án " * 20 + ".tif"
    target = target_for(quarantine, long_name, "quarantined")
    assert target.suffix == ".tif"
    assert len((target.name + ".reason.txt").encode()) <= MAX_NAME_BYTES


def test_set_aside_moves_the_item_and_writes_a_one_line_reason(tmp_path: Path) -> None:
    source = tmp_path / "inbox" / "hs 1"
    source.mkdir(parents=True)
    (source / "1.png").write_bytes(b"x")
    target = tmp_path / "quarantine" / "hs 1"
    line = reason_line("quarantined", "1.png: corrupt or truncated PNG file\n(details)")
    set_aside(source, target, line)
    assert not source.exists() and (target / "1.png").exists()
    text = (tmp_path / "quarantine" / "hs 1.reason.txt").read_text(encoding="utf-8")
    assert text.count("\n") == 1 and "corrupt or truncated" in text and "Cần làm" in text
    set_aside(source, target, line)  # again, as after a crash: nothing changes
    assert (target / "1.png").exists()


def test_one_service_per_home(tmp_path: Path) -> None:
    lock = HomeLock(tmp_path / "work" / "watch.lock")
    assert service_pid(tmp_path) is None
    lock.acquire()
    try:
        assert service_pid(tmp_path) == os.getpid()
        with pytest.raises(ConfigError, match=f"already running.*pid {os.getpid()}"):
            HomeLock(tmp_path / "work" / "watch.lock").acquire()
    finally:
        lock.release()
    assert service_pid(tmp_path) is None


def test_local_folders_get_file_events(tmp_path: Path) -> None:
    assert filesystem_type(tmp_path) is not None
    assert network_share([tmp_path]) is None
