"""`scanflow verify` on a really processed dossier: a flipped byte, a deleted original and an orphan are caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_scanflow
from tests.scaleout import archived_files, case_dossier

pytestmark = pytest.mark.e2e


def test_verify_catches_a_flipped_byte_a_deleted_file_and_an_orphan(home: Path, tmp_path: Path) -> None:
    dossier = case_dossier(tmp_path / "in" / "hs1", "HS-2025-0007", 1, "xác minh")
    done = run_scanflow("process", "--json", str(dossier))
    assert done.code == 0, done.stderr
    assert run_scanflow("verify").code == 0

    pdf = home / archived_files(home)[0]
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x10
    pdf.write_bytes(bytes(data))
    originals = sorted(p for p in (home / "originals").rglob("*") if p.is_file())
    assert len(originals) == 2  # the cover sheet and the page
    originals[0].unlink()
    stray = home / "archive" / "khong-don-vi" / "lac-loai.pdf"
    stray.write_bytes(b"%PDF-1.7 not ours")
    (home / "archive" / ".tmp").mkdir(exist_ok=True)
    (home / "archive" / ".tmp" / ".half-written.pdf.part").write_bytes(b"%PDF")

    report = run_scanflow("verify", "--json")

    assert report.code == 7, report.stderr
    assert "Traceback" not in report.stderr
    (data,) = report.json_lines()
    found = {(p["problem"], p["path"]) for p in data["problems"]}
    assert found == {
        ("changed", pdf.relative_to(home).as_posix()),
        ("missing", originals[0].relative_to(home).as_posix()),
        ("orphaned", stray.relative_to(home).as_posix()),
    }
    assert (data["missing"], data["changed"], data["orphaned"], data["ok"]) == (1, 1, 1, False)

    human = run_scanflow("verify")
    assert human.code == 7
    assert pdf.name in human.stdout and originals[0].name in human.stdout and stray.name in human.stdout
    assert "1 thiếu, 1 bị thay đổi, 1 không có trong CSDL" in human.stdout
