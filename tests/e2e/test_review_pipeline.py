"""The review queue fed by the real pipeline: a generated scan whose case is missing from the register waits for
review (its decoys, which share the parties' names, must not take it), then is assigned by hand once the
register has the case; files, rows and XMP follow."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pikepdf
import pytest

from samples.synth import generate
from scanflow.pdf.validate import check_pdfa
from scanflow.review import read_xmp
from tests.conftest import run_scanflow
from tests.e2e.test_review_queue import rows_of

pytestmark = pytest.mark.e2e


def _register_without(source: Path, dest: Path, code: str) -> int:
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    kept = [rows[0], *(r for r in rows[1:] if r[0] != code)]
    with dest.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(kept)
    return len(kept) - 1


def test_unmatched_scan_waits_then_assign_archives_it(home: Path, tmp_path: Path) -> None:
    truth = generate(
        tmp_path / "synth", 1, seed=11, dpi=200, difficulty="easy", fmt="pdf", pages_max=3, decoys=3, extra_cases=0
    )
    dossier_truth = truth.dossiers[0]
    code = dossier_truth.ma_ho_so
    decoys_only = tmp_path / "decoys.csv"
    assert _register_without(tmp_path / "synth" / "register.csv", decoys_only, code) == 3
    assert run_scanflow("register", "import", str(decoys_only)).code == 0

    scan = tmp_path / "synth" / dossier_truth.inputs[0]
    [outcome] = run_scanflow("process", str(scan), "--json").json_lines()
    assert outcome["status"] == "needs_review", outcome
    assert outcome["case"] is None
    dossier_id = json.loads(run_scanflow("review", "list", "--json").stdout.splitlines()[0])["dossier_id"]
    waiting, documents = rows_of(home, dossier_id)
    assert waiting.status == "needs_review"
    assert {c["ma_ho_so"] for c in waiting.match_detail["candidates"]} <= {
        str(d["ma_ho_so"]) for d in dossier_truth.decoys
    }
    assert all(d.output_path.startswith("archive/_chua_xac_dinh/") for d in documents)

    refused = run_scanflow("review", "assign", str(dossier_id), code)
    assert refused.code == 3 and f"no case {code!r} in the register" in refused.stderr
    assert run_scanflow("register", "import", str(tmp_path / "synth" / "register.csv")).code == 0
    done = run_scanflow("review", "assign", str(dossier_id), code, "--json")
    assert done.code == 0, done.stderr
    archived, moved = rows_of(home, dossier_id)
    assert (archived.status, archived.ma_ho_so, archived.match_method) == ("archived", code, "manual")
    case = dossier_truth.case
    assert archived.year == int(str(case["ngay_qd_tha"])[:4])
    for n, doc in enumerate(moved, start=1):
        assert Path(doc.output_path).name == f"{code}.{n:03d}.pdf"
        assert Path(doc.output_path).parent.name == code
        path = home / doc.output_path
        assert check_pdfa(path) == []
        with pikepdf.open(path) as pdf:
            meta = read_xmp(pdf)
        assert meta.extra["maHoSo"] == code and meta.identifier == f"{code}.{n:03d}"
        assert meta.extra["maLoai"] == doc.type  # what the pipeline wrote is kept
    assert not any((home / d.output_path).exists() for d in documents)
    audit = run_scanflow("verify", "--json")
    assert audit.code == 0, audit.stdout + audit.stderr
