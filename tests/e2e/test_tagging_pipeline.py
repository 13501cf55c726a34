"""Generated dossiers + register with decoys → right cases, documents in filing order, names, XMP, Danh mục."""

from __future__ import annotations

import csv
from pathlib import Path

import pikepdf
import pytest

from samples.synth import generate
from scanflow.pdf.validate import check_pdfa
from tests.conftest import run_scanflow

pytestmark = pytest.mark.e2e


def test_dossiers_are_matched_split_and_filed(home: Path, tmp_path: Path) -> None:
    truth = generate(tmp_path / "gen", n_dossiers=3, seed=5, dpi=200, difficulty="easy", pages_max=4, decoys=3)
    imported = run_scanflow("register", "import", str(tmp_path / "gen" / "register.csv"))
    assert imported.code == 0, imported.stderr
    inputs = [str((tmp_path / "gen" / d["inputs"][0]).parent) for d in truth["dossiers"]]  # one folder each

    result = run_scanflow("process", "--json", *inputs)

    assert result.code == 0, result.stderr
    records = result.json_lines()
    wrong = [r for r, d in zip(records, truth["dossiers"], strict=True) if r["case"] not in (None, d["ma_ho_so"])]
    assert wrong == []  # never archived under a wrong case
    for record, dossier in zip(records, truth["dossiers"], strict=True):
        code = dossier["ma_ho_so"]
        assert record["status"] == "archived" and record["case"] == code, record
        assert record["confidence"] >= 0.9
        expected_types = [d["type"] for d in sorted(dossier["documents"], key=lambda d: d["index"])]
        assert [d["type"] for d in record["documents"]] == expected_types
        names = [Path(p).name for p in record["outputs"]]
        assert names == [f"{code}.{i:03d}.pdf" for i in range(1, len(names) + 1)]
        folder = Path(record["outputs"][0]).parent
        assert folder.name == code and folder.parent.name == dossier["case"]["ngay_qd_tha"][:4]
        first = Path(record["outputs"][0])
        assert check_pdfa(first) == []
        with pikepdf.open(first) as pdf:
            xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert f"<scanflow:maHoSo>{code}</scanflow:maHoSo>" in xmp
        assert "<scanflow:maLoai>qd_tha</scanflow:maLoai>" in xmp
        assert f"<dc:identifier>{code}.001</dc:identifier>" in xmp
        with (folder / f"{code}.danh-muc.csv").open(encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
        assert [int(r["STT"]) for r in rows] == list(range(1, len(names) + 1))
        assert (folder / f"{code}.danh-muc.pdf").stat().st_size > 1000
