"""Full-text search: keys and snippets, and the SQLite FTS5 index over real page rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanflow.home import init_home, open_home
from scanflow.search import exact_key, folded_key, index_dossier, parse_query, reindex_all, search, snippet
from scanflow.search.index import index_missing
from scanflow.store.models import Batch, Document, Dossier, Page

PAGES = {
    "HS-2025-001": [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nQUYẾT ĐỊNH Về việc thi hành án\nÔng Nguyễn Văn An phải trả",
        "người được thi hành án bà Trần Thị Hoà; ông An đã bán nhà",
    ],
    "HS-2025-002": ["Biên bản xác minh: tài sản gồm một cái bàn gỗ và Đoàn Văn Bình"],
}


def add_dossier(session, ma_ho_so: str, texts: list[str], status: str = "archived") -> int:
    batch = Batch(kind="process", profile="thads")
    session.add(batch)
    session.flush()
    dossier = Dossier(batch_id=batch.id, input_path=ma_ho_so, status=status, ma_ho_so=ma_ho_so, profile="thads")
    session.add(dossier)
    session.flush()
    document = Document(dossier_id=dossier.id, ordinal=1, output_path=f"archive/x/{ma_ho_so}/{ma_ho_so}.001.pdf")
    session.add(document)
    session.flush()
    for seq, body in enumerate(texts, start=1):
        session.add(Page(dossier_id=dossier.id, document_id=document.id, seq=seq, text=body))
    session.flush()
    return dossier.id


@pytest.fixture()
def db(tmp_path: Path):
    init_home(tmp_path / "home")
    _, database = open_home(tmp_path / "home")
    with database.session() as session:
        for code, texts in PAGES.items():
            index_dossier(session, add_dossier(session, code, texts))
    yield database
    database.dispose()


def test_keys_keep_length_and_fold() -> None:
    text = "Ông NGUYỄN Văn An, Đoàn Thị Hoà"
    assert folded_key(text) == "ong nguyen van an, doan thi hoa"
    assert exact_key(text) == "ông nguyễn văn an, đoàn thị hòa"
    assert len(folded_key(text)) == len(exact_key(text)) == len(text)
    assert parse_query('"nguyễn văn" an', "folded") == [["nguyen", "van"], ["an"]]
    assert parse_query("Bán", "exact") == [["bán"]]


def test_snippet_marks_the_accented_words() -> None:
    body = "x " * 200 + "ông Nguyễn Văn An đã nhận" + " y" * 200
    cut = snippet(body, [["nguyen", "van", "an"]], "folded")
    assert cut.text.startswith("…") and cut.text.endswith("…")
    (start, end), = cut.spans
    assert cut.text[start:end] == "Nguyễn Văn An"


def test_folded_search_ignores_marks(db) -> None:
    with db.session() as session:
        hits = search(session, "nguyen van an")
        assert [(h.ma_ho_so, h.document, h.page) for h in hits] == [("HS-2025-001", "HS-2025-001.001.pdf", 1)]
        marked = [hits[0].snippet.text[a:b] for a, b in hits[0].snippet.spans]
        assert marked[:2] == ["án", "Nguyễn Văn An"]  # "an" also matches the folded "án"; neighbours merge
        (phrase,) = search(session, '"nguyen van an"')
        assert [phrase.snippet.text[a:b] for a, b in phrase.snippet.spans] == ["Nguyễn Văn An"]
        assert {h.page for h in search(session, "TRAN THI HOA")} == {2}
        assert [h.ma_ho_so for h in search(session, "doan van binh")] == ["HS-2025-002"]
        assert search(session, "khong co chu nay") == []
        assert search(session, '  "" ') == []


def test_exact_search_keeps_marks(db) -> None:
    with db.session() as session:
        assert [h.ma_ho_so for h in search(session, "bán", mode="exact")] == ["HS-2025-001"]
        assert [h.ma_ho_so for h in search(session, "bàn", mode="exact")] == ["HS-2025-002"]
        assert {h.ma_ho_so for h in search(session, "ban", mode="folded")} == {"HS-2025-001", "HS-2025-002"}
        assert search(session, "ban", mode="exact") == []
        # tone placement and case do not count as a difference
        assert [h.page for h in search(session, '"THỊ HÒA"', mode="exact")] == [2]
        assert [h.page for h in search(session, '"nguyễn văn an"', mode="exact")] == [1]
        assert search(session, '"văn nguyễn"', mode="exact") == []


def test_index_follows_the_dossier(db) -> None:
    with db.session() as session:
        dossier_id = search(session, "doan van binh")[0].dossier_id
        dossier = session.get(Dossier, dossier_id)
        dossier.status = "quarantined"
        index_dossier(session, dossier_id)
        assert search(session, "doan van binh") == []
        dossier.status = "archived"
        assert index_missing(session) == 1
        assert search(session, "doan van binh")
        # pages deleted with their dossier leave no entries behind
        session.delete(dossier)
        session.flush()
        assert search(session, "doan van binh") == []
        assert reindex_all(session) == 2


def test_nfd_query_and_text(db) -> None:
    import unicodedata

    with db.session() as session:
        add_id = add_dossier(session, "HS-NFD", [unicodedata.normalize("NFD", "Phạm Thị Thuỷ nộp đơn")])
        index_dossier(session, add_id)
        query = unicodedata.normalize("NFD", "thủy")
        assert [h.ma_ho_so for h in search(session, query, mode="exact")] == ["HS-NFD"]
        assert [h.ma_ho_so for h in search(session, "pham thi thuy")] == ["HS-NFD"]
