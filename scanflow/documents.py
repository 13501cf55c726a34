"""From a dossier's page results to its documents and its register case: cover sheets, splitting, matching."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import and_, func, or_, select

from scanflow import imaging, tagging
from scanflow.config import Profile
from scanflow.pages import PageResult
from scanflow.register.keys import number_key
from scanflow.store.db import Database
from scanflow.store.models import RegisterCase
from scanflow.tagging.text import fold

COVER_PREFIX = "scanflow:hoso/"
MAX_CANDIDATES = 50
DUPLICATE_DISTANCE = imaging.metrics.NEAR_DUPLICATE_DISTANCE  # bits, for pages with too little text
MIN_TEXT_FOR_COMPARISON = 80  # characters
SAME_TEXT_RATIO = 90  # rapidfuzz ratio: re-read noise stays above, a different page of one template below

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
    loai: str | None = None


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


def _same_sheet(a: PageResult, b: PageResult) -> bool:
    """Whether two pages are the same sheet fed twice.

    Pages with text compare by what was read (two pages of one template share their layout but not their
    words); pages with little text fall back to the image fingerprint.
    """
    if len(a.text) >= MIN_TEXT_FOR_COMPARISON and len(b.text) >= MIN_TEXT_FOR_COMPARISON:
        return fuzz.ratio(a.text, b.text) >= SAME_TEXT_RATIO
    if a.fingerprint is None or b.fingerprint is None:
        return False
    return imaging.fingerprint_distance(a.fingerprint, b.fingerprint) <= DUPLICATE_DISTANCE


def find_duplicates(pages: list[PageResult]) -> dict[int, int]:
    """Pages that are the same sheet fed twice: {seq: seq of its earlier twin}."""
    twins: dict[int, int] = {}
    for index, page in enumerate(pages):
        for earlier in pages[:index]:
            if earlier.seq not in twins and _same_sheet(page, earlier):
                twins[page.seq] = earlier.seq
                break
    return twins


def _case_ref(database: Database, code: str) -> CaseRef:
    with database.session() as session:
        row = session.get(RegisterCase, code)
        if row is None:
            return CaseRef(code, None, None, None)
        return CaseRef(row.ma_ho_so, row.don_vi, row.year, row.loai)


def register_size(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(RegisterCase)) or 0


def _as_tagging_case(row: RegisterCase) -> tagging.RegisterCase:
    return tagging.RegisterCase(
        ma_ho_so=row.ma_ho_so,
        so_qd_tha=row.so_qd_tha,
        ngay_qd_tha=row.ngay_qd_tha,
        so_ban_an=row.so_ban_an,
        ngay_ban_an=row.ngay_ban_an,
        toa_an=row.toa_an,
        nguoi_phai_thi_hanh=row.nguoi_phai_thi_hanh,
        nguoi_duoc_thi_hanh=row.nguoi_duoc_thi_hanh,
        loai=row.loai,
        don_vi=row.don_vi,
        trang_thai=row.trang_thai,
        ngay_cap_nhat=row.ngay_cap_nhat,
    )


def fetch_candidates(database: Database, fields: tagging.DossierFields) -> list[RegisterCase]:
    """Register rows that could be this dossier's case: same QĐTHA or judgment number, else same party names.

    Index lookups on the normalised keys the register import stores (scanflow.register.keys); decoys
    sharing a name come along on purpose, match_case() tells them apart.
    """
    year = fields.ngay_qd_tha.year if fields.ngay_qd_tha else None
    qd_keys = {k for n in fields.so_qd_tha if (k := number_key(n, year))}
    qd_numbers = {n.number for n in fields.so_qd_tha}
    ban_an_keys = {k for n in fields.so_ban_an if (k := number_key(n, None))}
    conditions = []
    if qd_keys:
        conditions.append(RegisterCase.qd_key.in_(qd_keys))
    for number in qd_numbers:  # the year may be misread: any year of the same running number
        conditions.append(and_(RegisterCase.qd_key >= f"{number}/", RegisterCase.qd_key < f"{number}/~"))
    if ban_an_keys:
        conditions.append(RegisterCase.ban_an_key.in_(ban_an_keys))
    rows: dict[str, RegisterCase] = {}
    with database.session() as session:
        if conditions:
            for row in session.scalars(select(RegisterCase).where(or_(*conditions)).limit(MAX_CANDIDATES)):
                rows[row.ma_ho_so] = row
        names = {fold(n) for n in fields.nguoi_phai_thi_hanh + fields.nguoi_duoc_thi_hanh if n}
        if len(rows) < 2 and names:
            by_name = or_(*(RegisterCase.names_folded.contains(name) for name in sorted(names)[:4]))
            for row in session.scalars(select(RegisterCase).where(by_name).limit(MAX_CANDIDATES)):
                rows.setdefault(row.ma_ho_so, row)
        session.expunge_all()
    return list(rows.values())


def _plan(pages: list[PageResult], fields: tagging.DocumentFields) -> DocumentPlan:
    extra = {
        "title": fields.title,
        "type_score": round(fields.type_score, 3),
        "debtors": list(fields.debtors),
        "creditors": list(fields.creditors),
        "amounts": list(fields.amounts),
        "judgment_ref": fields.judgment_ref.canonical if fields.judgment_ref else None,
        "qd_tha_ref": fields.qd_tha_ref.canonical if fields.qd_tha_ref else None,
        "court": fields.court,
        "loai": fields.loai,
    }
    return DocumentPlan(
        pages=pages,
        type=fields.type,
        number=fields.number.canonical if fields.number else None,
        date=fields.date,
        issuer=fields.issuer,
        summary=fields.summary,
        fields={k: v for k, v in extra.items() if v not in (None, [], "")},
    )


def tag_dossier(results: list[PageResult], database: Database, profile: Profile) -> TagResult:
    """Split the dossier's pages into documents, read their fields, order them and decide the case.

    A QR cover sheet on the first page decides the case exactly. Otherwise the register decides through
    match_case(): at or above the profile's accept threshold the dossier is archived under the case,
    below it waits for review with its candidates. With an empty register there is nothing to match:
    the dossier is archived without a case.
    """
    cover = next((code for r in results[:1] if (code := cover_code(r))), None)
    content = [r for r in results if not r.blank and cover_code(r) is None]
    kept = content if profile.image.blank_pages == "drop" else [r for r in results if cover_code(r) is None]
    tags = TagResult(documents=[], duplicates=find_duplicates(content))
    if not kept:
        return tags
    groups = tagging.split_documents([r.text for r in kept])
    fields = [tagging.extract_fields("\n\n".join(kept[i].text for i in group)) for group in groups]
    dossier_fields = tagging.DossierFields.from_documents(fields)

    if cover is not None:
        tags.case = _case_ref(database, cover)
        tags.confidence, tags.method, tags.decision = 1.0, "qr", "archived"
    elif register_size(database) > 0:
        candidates = fetch_candidates(database, dossier_fields)
        match = tagging.match_case(
            dossier_fields, [_as_tagging_case(c) for c in candidates], accept=profile.tagging.accept_threshold
        )
        tags.confidence, tags.method, tags.decision = match.confidence, "auto", match.decision
        tags.detail = {
            "candidates": [
                {"ma_ho_so": c.ma_ho_so, "score": round(c.score, 4), "reasons": c.reasons} for c in match.candidates[:5]
            ]
        }
        if match.case is not None and match.decision == "archived":
            tags.case = _case_ref(database, match.case)

    loai = (tags.case.loai if tags.case else None) or dossier_fields.loai or "chu_dong"
    order = tagging.filing_order(fields, loai if loai in ("chu_dong", "theo_yeu_cau") else "chu_dong")
    tags.documents = [_plan([kept[i] for i in groups[index]], fields[index]) for index in order]
    return tags
