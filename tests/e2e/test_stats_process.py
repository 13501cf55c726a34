"""The KPI after the real pipeline: `scanflow process` on small generated scans (200 dpi, real Tesseract), then
`scanflow stats --json` against the generator's truth; then a register re-import makes one case stale.

Each dossier starts with a QR cover sheet (as printed by `scanflow coversheet`), so which case it belongs to is
certain and the test is about the counters, not about matching. Dossier A is complete and carries a blank
page (dropped); dossier B is a case on request without its request papers and has one sheet fed twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from samples.synth import generate
from scanflow.intake.coversheet import qr_png
from tests.conftest import run_scanflow

pytestmark = pytest.mark.e2e

DPI = 200
A4 = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))


def cover_page(code: str, dest: Path) -> None:
    """A scanned cover sheet: the QR code of `scanflow:hoso/<code>` on a white A4 page."""
    qr = Image.open(io.BytesIO(qr_png(f"scanflow:hoso/{code}"))).convert("L")
    side = round(qr.width * DPI / 300)
    page = Image.new("L", A4, 255)
    page.paste(qr.resize((side, side), Image.NEAREST), ((A4[0] - side) // 2, 250))
    page.save(dest, dpi=(DPI, DPI))


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth")
    truth = generate(out, 2, 5, dpi=DPI, difficulty="easy", pages_max=3, decoys=1, extra_cases=2)
    a, b = truth.dossiers
    assert a.complete and not b.complete and b.case["loai"] == "theo_yeu_cau"
    for d in truth.dossiers:
        cover_page(d.ma_ho_so, out / d.ma_ho_so / "page-0.png")
    Image.new("L", A4, 255).save(out / a.ma_ho_so / "page-9.png", dpi=(DPI, DPI))  # blank sheet
    shutil.copy(out / b.ma_ho_so / "page-1.png", out / b.ma_ho_so / "page-9.png")  # fed twice
    return out, json.loads((out / "truth.json").read_text(encoding="utf-8"))


def stats() -> dict:
    done = run_scanflow("stats", "--json")
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def test_counters_after_processing_equal_the_truth(home: Path, scans: tuple[Path, dict]) -> None:
    out, truth = scans
    a, b = (d["ma_ho_so"] for d in truth["dossiers"])
    assert run_scanflow("register", "import", str(out / "register.csv")).code == 0
    done = run_scanflow("process", "--json", str(out / a), str(out / b), timeout=900)
    outcomes = {o["case"]: o for o in done.json_lines()}
    assert done.code == 0, done.stdout + done.stderr
    assert {c: o["status"] for c, o in outcomes.items()} == {a: "archived", b: "archived"}

    rows = truth["register_rows"]
    got = stats()
    assert (got["register_total"], got["digitized"], got["coverage"]) == (rows, 2, 2 / rows), (
        "archived cases without a verdict: the pipeline must call scanflow.quality.refresh.refresh_dossier "
        + run_scanflow("stats", "--check").stdout)
    assert got["backlog"] == {"inbox": 0, "processing": 0, "needs_review": 0, "quarantined": 0,
                              "not_digitized": rows - 2}
    # A: complete, blank page dropped. B: no request papers (not đủ), a sheet fed twice (not sạch).
    assert got["criteria"] == {"dung": 2, "du": 1, "sach": 1, "song": 2}, run_scanflow("stats", "--check").stdout
    units = {u["don_vi"]: u for u in got["by_don_vi"] if u["digitized"]}
    assert sum(u["digitized"] for u in units.values()) == 2
    assert all(u["register_total"] >= u["digitized"] for u in got["by_don_vi"])
    check = run_scanflow("stats", "--check")
    assert check.code == 0, check.stdout

    # The register's export now says case A was updated tomorrow: A is no longer "sống".
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    with (out / "register.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    for row in table:
        if row["ma_ho_so"] == a:
            row["ngay_cap_nhat"] = tomorrow
    updated = out / "register-2.csv"
    with updated.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    assert run_scanflow("register", "import", str(updated)).code == 0
    assert stats()["criteria"] == {"dung": 2, "du": 1, "sach": 1, "song": 1}
    assert run_scanflow("stats", "--check").code == 0
