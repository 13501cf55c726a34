"""`scanflow review list | show | assign | reject` on a real home: files and rows move together, XMP carries the case.

The waiting dossiers are built directly (rows inserted, PDFs written by the real PDF/A writer
`scanflow.pdf.assemble.write_pdfa`), the way the pipeline leaves a needs_review dossier: documents under
archive/_chua_xac_dinh/lo-<batch>/hs-<dossier>.<NNN>.pdf and candidates in Dossier.match_detail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from sqlalchemy import select

from scanflow.home import open_home
from scanflow.ocr.tesseract import Word
from scanflow.pdf.assemble import PdfPage, publish, write_pdfa
from scanflow.pdf.validate import check_pdfa
from scanflow.pdf.xmp import XmpData
from scanflow.pipeline import PRODUCER, UNASSIGNED_DIR
from scanflow.review import read_xmp
from scanflow.store.models import Batch, Document, Dossier, Page, RegisterCase
from tests.conftest import run_scanflow

pytestmark = pytest.mark.e2e

CASE = "THADS-TQ-2025-000001"
DECOY = "THADS-TQ-2024-000007"
DETAIL = {
    "candidates": [
        {"ma_ho_so": CASE, "score": 0.62, "reasons": ["số QĐTHA khớp (125/QĐ-THADS)", "người phải THA khớp (có dấu)"]},
        {"ma_ho_so": DECOY, "score": 0.21, "reasons": ["người phải THA khớp (có dấu)", "số QĐTHA khác"]},
        {"ma_ho_so": "THADS-GONE-1", "score": 0.05, "reasons": []},
    ]
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _page_image(folder: Path, name: str, shade: int) -> PdfPage:
    path = folder / f"{name}.jpg"
    Image.new("L", (400, 566), shade).save(path, quality=60)
    words = [Word("Quyết", 40, 40, 80, 20, 95.0, (1, 1, 1)), Word("định", 130, 40, 60, 20, 95.0, (1, 1, 1))]
    return PdfPage(path, "jpeg", 400, 566, 50.0, "gray", words)


def add_register(home: Path) -> None:
    _, database = open_home(home)
    with database.session() as session:
        session.add(
            RegisterCase(
                ma_ho_so=CASE,
                so_qd_tha="125/QĐ-THADS",
                ngay_qd_tha=dt.date(2025, 1, 5),
                so_ban_an="07/2025/DS-ST",
                nguoi_phai_thi_hanh="Ông Nguyễn Văn An",
                don_vi="TQ-KV1",
                year=2025,
            )
        )
        session.add(
            RegisterCase(
                ma_ho_so=DECOY,
                so_qd_tha="88/QĐ-CCTHADS",
                ngay_qd_tha=dt.date(2024, 3, 1),
                nguoi_phai_thi_hanh="Ông Nguyễn Văn An",
                don_vi="TQ-KV1",
                year=2024,
            )
        )
    database.dispose()


def make_dossier(
    home: Path, tmp: Path, *, status: str = "needs_review", case: str | None = None, documents: int = 2
) -> int:
    """A dossier as the pipeline leaves it: rows, PDF/A files (waiting ones under _chua_xac_dinh/)."""
    settings, database = open_home(home)
    archive = settings.dir("archive")
    with database.session() as session:
        batch = Batch(kind="process", profile="thads")
        session.add(batch)
        session.flush()
        dossier = Dossier(
            batch_id=batch.id,
            input_path=f"scans/{tmp.name}",
            status=status,
            profile="thads",
            match_detail=None if case else DETAIL,
            confidence=1.0 if case else 0.62,
            match_method="auto" if case else None,
            ma_ho_so=case,
            don_vi="TQ-KV1" if case else None,
            year=2025 if case else None,
            pages_in=documents + 1,
            pages_out=documents + 1,
        )
        session.add(dossier)
        session.flush()
        if case:
            folder, stem = Path("TQ-KV1") / "2025" / case, case
        else:
            folder, stem = Path(UNASSIGNED_DIR) / f"lo-{batch.id}", f"hs-{dossier.id}"
        dossier.output_dir = str(folder)
        seq = 0
        for ordinal in range(1, documents + 1):
            count = 2 if ordinal == 1 else 1
            pages = [_page_image(tmp, f"p{ordinal}-{n}", 200 + 10 * ordinal + n) for n in range(count)]
            dest = archive / folder / f"{stem}.{ordinal:03d}.pdf"
            extra = {
                "thuTu": ordinal,
                "maLoai": "qd_tha" if ordinal == 1 else "ban_an",
                "soTrang": len(pages),
                "tenLoai": "Quyết định thi hành án",
                "ngonNgu": "vi",
            }
            if case:
                extra["maHoSo"] = case
            meta = XmpData(
                title=f"Tài liệu {ordinal:03d} — Quyết định thi hành án",
                created=dt.datetime.now(dt.UTC),
                producer=PRODUCER,
                creator_tool=PRODUCER,
                extra=extra,
            )
            tmp_file = write_pdfa(pages, meta, dest, archive / ".tmp")
            publish(tmp_file, dest)
            doc = Document(
                dossier_id=dossier.id,
                ordinal=ordinal,
                type="qd_tha" if ordinal == 1 else "ban_an",
                number="125/QĐ-THADS" if ordinal == 1 else "07/2025/DS-ST",
                date=dt.date(2025, 1, 5),
                title="Quyết định thi hành án",
                page_count=len(pages),
                output_path=str(dest.relative_to(settings.home)),
                sha256=_sha(dest),
                size=dest.stat().st_size,
                pdfa_ok=True,
            )
            session.add(doc)
            session.flush()
            for _ in pages:
                seq += 1
                session.add(
                    Page(
                        dossier_id=dossier.id,
                        document_id=doc.id,
                        seq=seq,
                        text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 125/QĐ-THADS",
                    )
                )
        dossier_id = dossier.id
    if not case:  # the pipeline writes a Danh mục beside waiting dossiers too
        (archive / folder / f"{stem}.danh-muc.csv").write_text("STT\n", encoding="utf-8")
    database.dispose()
    return dossier_id


def rows_of(home: Path, dossier_id: int) -> tuple[Dossier, list[Document]]:
    _, database = open_home(home)
    with database.session() as session:
        dossier = session.get(Dossier, dossier_id)
        documents = list(
            session.scalars(select(Document).where(Document.dossier_id == dossier_id).order_by(Document.ordinal))
        )
    database.dispose()
    return dossier, documents


@pytest.fixture
def waiting(home: Path, tmp_path: Path) -> int:
    add_register(home)
    return make_dossier(home, tmp_path)


def test_list_and_show_the_queue(home: Path, waiting: int) -> None:
    done = run_scanflow("review", "list")
    assert done.code == 0, done.stderr
    assert "Hồ sơ cần xem xét: 1" in done.stdout
    assert f"#{waiting}" in done.stdout
    assert f"1. {CASE} 62%" in done.stdout and "số QĐTHA khớp (125/QĐ-THADS)" in done.stdout
    assert "phải THA: Ông Nguyễn Văn An" in done.stdout
    assert "THADS-GONE-1 5% (không còn trong sổ)" in done.stdout
    [item] = run_scanflow("review", "list", "--json").json_lines()
    assert item["dossier_id"] == waiting and item["documents"] == 2
    assert [c["ma_ho_so"] for c in item["candidates"]] == [CASE, DECOY, "THADS-GONE-1"]
    assert item["candidates"][0]["so_qd_tha"] == "125/QĐ-THADS" and not item["candidates"][2]["in_register"]

    shown = run_scanflow("review", "show", str(waiting))
    assert shown.code == 0, shown.stderr
    assert "Trạng thái: cần xem xét" in shown.stdout
    assert "001. Quyết định thi hành án — số 125/QĐ-THADS" in shown.stdout
    assert "Số: 125/QĐ-THADS" in shown.stdout  # page text
    view = json.loads(run_scanflow("review", "show", str(waiting), "--json").stdout)
    assert [d["ordinal"] for d in view["documents"]] == [1, 2] and len(view["pages"]) == 3
    assert view["documents"][0]["output_path"].startswith(f"archive/{UNASSIGNED_DIR}/")
    missing = run_scanflow("review", "show", "9999")
    assert missing.code == 3 and "no dossier 9999" in missing.stderr


def test_assign_moves_files_and_rows_together(home: Path, tmp_path: Path, waiting: int) -> None:
    (tmp_path / "earlier").mkdir()
    earlier = make_dossier(home, tmp_path / "earlier", status="archived", case=CASE)
    _, before = rows_of(home, waiting)
    old_files = [home / d.output_path for d in before]
    assert all(p.is_file() for p in old_files)

    done = run_scanflow("review", "assign", str(waiting), CASE, "--by", "Nguyễn Thị Lan", "--json")
    assert done.code == 0, done.stderr
    result = json.loads(done.stdout)
    expected = [f"archive/TQ-KV1/2025/{CASE}/{CASE}.003.pdf", f"archive/TQ-KV1/2025/{CASE}/{CASE}.004.pdf"]
    assert result["outputs"] == expected and result["status"] == "archived"

    dossier, documents = rows_of(home, waiting)
    assert (dossier.status, dossier.ma_ho_so, dossier.don_vi, dossier.year) == ("archived", CASE, "TQ-KV1", 2025)
    assert (dossier.match_method, dossier.confidence) == ("manual", 1.0)
    assert dossier.output_dir == f"TQ-KV1/2025/{CASE}" and dossier.archived_at is not None
    assert dossier.match_detail["candidates"] == DETAIL["candidates"]
    [entry] = dossier.match_detail["review"]
    assert (entry["action"], entry["by"], entry["ma_ho_so"], entry["previous"]) == (
        "assign",
        "Nguyễn Thị Lan",
        CASE,
        "needs_review",
    )
    assert [d.output_path for d in documents] == expected
    assert [d.ordinal for d in documents] == [3, 4]
    for doc in documents:
        path = home / doc.output_path
        assert path.is_file() and _sha(path) == doc.sha256 and path.stat().st_size == doc.size
        assert check_pdfa(path) == []
        with pikepdf.open(path) as pdf:
            meta = read_xmp(pdf)
            assert meta.extra["maHoSo"] == CASE and meta.extra["thuTu"] == doc.ordinal
            assert meta.identifier == f"{CASE}.{doc.ordinal:03d}"
            assert meta.title.startswith(f"{CASE}.{doc.ordinal:03d} — ")
            assert str(pdf.docinfo.Title) == meta.title
            assert len(pdf.pages) == doc.page_count
    assert not any(p.exists() for p in old_files)
    assert not old_files[0].parent.exists()  # the emptied lo-<batch>/ folder, Danh mục and all, is gone
    danh_muc = (home / expected[0]).parent / f"{CASE}.danh-muc.csv"
    lines = danh_muc.read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "2", "3", "4"]  # the case's list, rewritten
    assert not (home / "archive" / ".tmp" / "review").exists() or not any((home / "archive/.tmp/review").iterdir())
    _, earlier_docs = rows_of(home, earlier)
    assert [d.ordinal for d in earlier_docs] == [1, 2]  # the case's earlier documents are untouched
    assert run_scanflow("review", "list", "--json").json_lines() == []
    audit = run_scanflow("verify", "--json")
    assert audit.code == 0, audit.stdout + audit.stderr

    again = run_scanflow("review", "assign", str(waiting), CASE)
    assert again.code == 3 and "is archived, not waiting for review" in again.stderr


def test_assign_refuses_an_unknown_case_unless_forced(home: Path, waiting: int) -> None:
    done = run_scanflow("review", "assign", str(waiting), "THADS-XX-2025-999999")
    assert done.code == 3 and "no case 'THADS-XX-2025-999999' in the register" in done.stderr
    dossier, documents = rows_of(home, waiting)
    assert dossier.status == "needs_review" and all((home / d.output_path).is_file() for d in documents)
    forced = run_scanflow("review", "assign", str(waiting), "THADS-XX-2025-999999", "--force")
    assert forced.code == 0, forced.stderr
    assert "archive/khong-don-vi/khong-nam/THADS-XX-2025-999999/THADS-XX-2025-999999.001.pdf" in forced.stdout
    dossier, _ = rows_of(home, waiting)
    assert dossier.match_detail["review"][0]["forced"] is True


def test_reject_sets_files_aside_and_assign_undoes_it(home: Path, waiting: int) -> None:
    _, before = rows_of(home, waiting)
    done = run_scanflow("review", "reject", str(waiting), "--reason", "không phải hồ sơ THA", "--json")
    assert done.code == 0, done.stderr
    dossier, documents = rows_of(home, waiting)
    assert dossier.status == "quarantined" and dossier.error == "rejected by reviewer: không phải hồ sơ THA"
    folder = home / "quarantine" / "_tu-choi" / f"lo-{dossier.batch_id}"
    assert [d.output_path for d in documents] == [
        f"quarantine/_tu-choi/lo-{dossier.batch_id}/hs-{waiting}.{n:03d}.pdf" for n in (1, 2)
    ]
    assert [_sha(home / d.output_path) for d in documents] == [d.sha256 for d in before]
    assert not any((home / d.output_path).exists() for d in before)
    note = (folder / f"hs-{waiting}.reason.txt").read_text(encoding="utf-8")
    assert "rejected by reviewer: không phải hồ sơ THA" in note and f"review assign {waiting}" in note
    assert run_scanflow("review", "list", "--json").json_lines() == []
    assert run_scanflow("review", "reject", str(waiting)).code == 3

    back = run_scanflow("review", "assign", str(waiting), CASE)
    assert back.code == 0, back.stderr
    dossier, documents = rows_of(home, waiting)
    assert dossier.status == "archived" and dossier.error is None
    assert [r["action"] for r in dossier.match_detail["review"]] == ["reject", "assign"]
    assert [d.output_path for d in documents] == [f"archive/TQ-KV1/2025/{CASE}/{CASE}.{n:03d}.pdf" for n in (1, 2)]
    assert not folder.exists()  # files and reason file left with the rejection


def test_a_file_changed_on_disk_is_not_moved(home: Path, waiting: int) -> None:
    _, documents = rows_of(home, waiting)
    path = home / documents[1].output_path
    path.write_bytes(path.read_bytes() + b"\n% tampered\n")
    done = run_scanflow("review", "assign", str(waiting), CASE)
    assert done.code == 2 and "changed on disk" in done.stderr
    dossier, after = rows_of(home, waiting)
    assert dossier.status == "needs_review" and [d.output_path for d in after] == [d.output_path for d in documents]
    assert (home / documents[0].output_path).is_file()
    assert not (home / "archive" / "TQ-KV1").exists()
