"""From a dossier's page results to its documents and its register case: cover sheets, splitting, matching."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from scanflow import imaging
from scanflow.config import Profile
from scanflow.pages import PageResult
from scanflow.store.db import Database
from scanflow.store.models import RegisterCase

COVER_PREFIX = "scanflow:hoso/"
DUPLICATE_DISTANCE = 6  # fingerprint bits; see imaging.metrics for how the two classes separate

TYPE_NAMES = {
    "qd_tha": "Quyết định thi hành án",
    "ban_an": "Bản án, quyết định của Tòa án",
    "don_yeu_cau": "Đơn yêu cầu thi hành án",
    "bb_xac_minh": "Biên bản xác minh điều kiện thi hành án",
    "qd_cuong_che": "Quyết định cưỡng chế",
    "bb_ke_bien": "Biên bản kê biên, xử lý tài sản",
    "qd_hoan": "Quyết định hoãn thi hành án",
    "qd_tam_dinh_chi": "Quyết định tạm đình chỉ thi hành án",
    "qd_dinh_chi": "Quyết định đình chỉ thi hành án",
    "qd_chua_co_dk": "Quyết định về việc chưa có điều kiện thi hành án",
    "thong_bao": "Thông báo, giấy báo, giấy triệu tập, giấy mời",
    "bien_lai": "Biên lai, phiếu thu, phiếu chi",
    "khac": "Tài liệu khác",
}


@dataclass(frozen=True)
class CaseRef:
    """The register case a dossier is archived under."""

    ma_ho_so: str
    don_vi: str | None
    year: int | None


@dataclass
class DocumentPlan:
    """One document of the dossier as it will be archived: its pages and what was read on them."""

    pages: list[PageResult]
    type: str = "khac"
    number: str | None = None
    date: dt.date | None = None
    issuer: str | None = None
    summary: str | None = None
    fields: dict = field(default_factory=dict)

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.type, TYPE_NAMES["khac"])

    def title_for_xmp(self, ma_ho_so: str | None, ordinal: int) -> str:
        parts = [self.type_name]
        if self.number:
            parts.append(f"số {self.number}")
        if self.date:
            parts.append(f"ngày {self.date.strftime('%d/%m/%Y')}")
        prefix = f"{ma_ho_so}.{ordinal:03d}" if ma_ho_so else f"Tài liệu {ordinal:03d}"
        return f"{prefix} — {' '.join(parts)}"

    def as_json(self) -> dict:
        return {
            "type": self.type,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "pages": [p.seq for p in self.pages],
        }


@dataclass
class TagResult:
    """The documents of a dossier, its case (if decided) and how sure scanflow is."""

    documents: list[DocumentPlan]
    case: CaseRef | None = None
    confidence: float | None = None
    decision: str = "archived"  # archived | needs_review
    method: str | None = None  # qr | auto | manual
    detail: dict | None = None
    duplicates: dict[int, int] = field(default_factory=dict)  # page seq -> seq of the earlier twin


def cover_code(result: PageResult) -> str | None:
    """The dossier code on a scanflow cover sheet, or None when the page is not one."""
    for payload in result.qr:
        if payload.startswith(COVER_PREFIX) and len(payload) > len(COVER_PREFIX):
            return payload[len(COVER_PREFIX) :].strip()
    return None


def find_duplicates(pages: list[PageResult]) -> dict[int, int]:
    """Pages that are the same sheet fed twice: {seq: seq of its earlier twin}."""
    twins: dict[int, int] = {}
    seen: list[PageResult] = []
    for page in pages:
        if page.fingerprint is None:
            continue
        for earlier in seen:
            if imaging.fingerprint_distance(page.fingerprint, earlier.fingerprint) <= DUPLICATE_DISTANCE:
                twins[page.seq] = earlier.seq
                break
        seen.append(page)
    return twins


def _case_ref(database: Database, code: str) -> CaseRef:
    with database.session() as session:
        row = session.get(RegisterCase, code)
        if row is None:
            return CaseRef(code, None, None)
        return CaseRef(row.ma_ho_so, row.don_vi, row.year)


def register_size(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(RegisterCase)) or 0


def tag_dossier(results: list[PageResult], database: Database, profile: Profile) -> TagResult:
    """Split the dossier's pages into documents and decide its case."""
    cover = next((code for r in results[:1] if (code := cover_code(r))), None)
    content = [r for r in results if not r.blank and cover_code(r) is None]
    kept = content if profile.image.blank_pages == "drop" else [r for r in results if cover_code(r) is None]
    documents = [DocumentPlan(pages=kept)] if kept else []
    tags = TagResult(documents=documents, duplicates=find_duplicates(content))
    if cover is not None:
        tags.case = _case_ref(database, cover)
        tags.confidence, tags.method = 1.0, "qr"
    return tags
