"""The four criteria "đúng, đủ, sạch, sống" as named rules over one digitised case's facts, with their reasons.

DOMAIN.md gives the operational definitions; a case counts for a criterion only when no rule of that
criterion fails. Every rule has a machine code (stored in `quality_reason.code`, used by the dashboard's
filters) and a short Vietnamese label that starts the text a supervisor reads. The facts are gathered by SQL
(`scanflow.quality.facts`); `judge()` is a pure function of them, so the rules are tested without a database.

A case is judged over all its archived dossiers together: a case scanned in two parts is complete when the
QĐTHA is in one part and the judgment in the other.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from scanflow.quality import CRITERIA

Criterion = Literal["dung", "du", "sach", "song"]
CRITERION_LABELS: dict[str, str] = {"dung": "Đúng", "du": "Đủ", "sach": "Sạch", "song": "Sống"}

CONFIRMED_METHODS = ("qr", "manual")  # cover-sheet QR code, a person's confirmation
AUTO_METHOD = "auto"  # automatic register match: counts at or above the profile's accept threshold


@dataclass(frozen=True)
class DossierFacts:
    """One archived dossier (part) of the case: how it was tied to the case."""

    id: int
    match_method: str | None
    confidence: float | None
    accept_threshold: float
    archived_at: dt.datetime


@dataclass(frozen=True)
class DocumentFacts:
    """One archived document: its type, the number read on it, its PDF/A check, and whether its text is NFC."""

    dossier_id: int
    ordinal: int
    type: str
    number: str | None
    key: str | None  # `register.keys.number_key` of the number, with the year of the document's date
    pdfa_ok: bool
    file_name: str
    fields_nfc: bool = True


@dataclass(frozen=True)
class PageFacts:
    """A page of an archived dossier that breaks at least one page rule (others are not gathered)."""

    dossier_id: int
    seq: int
    kept: bool  # in an archived PDF (Page.document_id set)
    blank: bool
    words: int
    ocr_confidence: float | None
    duplicate_of: int | None  # seq of the earlier twin, when flagged and not resolved by a person
    text_nfc: bool = True

    @property
    def without_text(self) -> bool:
        """Kept, and OCR produced nothing: no confidence at all, or no word on a page that is not blank."""
        return self.kept and (self.ocr_confidence is None or (self.words == 0 and not self.blank))


@dataclass
class CaseFacts:
    """Everything the rules read about one register case and its archived dossiers."""

    ma_ho_so: str
    don_vi: str | None
    year: int | None
    loai: str | None  # chu_dong | theo_yeu_cau
    so_qd_tha: str | None
    so_ban_an: str | None
    qd_key: str | None  # `register.keys.number_key` of so_qd_tha (with the year of ngay_qd_tha)
    ban_an_key: str | None  # the same for so_ban_an
    ngay_cap_nhat: dt.date | None  # last update in the source system
    register_changed_at: dt.datetime | None  # latest change scanflow saw on re-import (register_history)
    rechecked_at: dt.datetime | None
    pages: int
    dossiers: list[DossierFacts] = field(default_factory=list)
    documents: list[DocumentFacts] = field(default_factory=list)
    problem_pages: list[PageFacts] = field(default_factory=list)


@dataclass(frozen=True)
class Failure:
    """One failed rule: the criterion, the rule's code, the supervisor's text, the dossier (None: whole case)."""

    criterion: Criterion
    code: str
    message: str
    dossier_id: int | None = None
    detail: dict | None = None

    def key(self) -> tuple:
        return (self.dossier_id, self.criterion, self.code, self.message)


@dataclass
class Verdict:
    """The criteria of one digitised case, as stored in `case_quality` and `quality_reason`."""

    ma_ho_so: str
    don_vi: str | None
    year: int | None
    dossiers: int
    pages: int
    first_archived_at: dt.datetime
    last_archived_at: dt.datetime
    failures: list[Failure]

    def meets(self, criterion: Criterion) -> bool:
        return not any(f.criterion == criterion for f in self.failures)

    @property
    def flags(self) -> dict[str, bool]:
        return {c: self.meets(c) for c in CRITERIA}


@dataclass(frozen=True)
class Rule:
    """A named condition of one criterion: code, Vietnamese label, what it checks, and its check."""

    code: str
    criterion: Criterion
    label: str
    doc: str
    check: Callable[[CaseFacts], Iterator[Failure]]


RULES: list[Rule] = []


def rule(code: str, criterion: Criterion, label: str):  # noqa: ANN201 - decorator
    """Register CHECK as the rule CODE of CRITERION; its docstring is the rule's documentation."""

    def register(check: Callable[[CaseFacts, Rule], Iterator[Failure]]) -> Callable:
        entry: Rule

        def bound(facts: CaseFacts) -> Iterator[Failure]:
            return check(facts, entry)

        entry = Rule(code, criterion, label, (check.__doc__ or "").strip(), bound)
        RULES.append(entry)
        return check

    return register


def _fail(r: Rule, detail_text: str = "", dossier_id: int | None = None, detail: dict | None = None) -> Failure:
    message = f"{r.label}: {detail_text}" if detail_text else r.label
    return Failure(r.criterion, r.code, message, dossier_id, detail)


# -- numbers -------------------------------------------------------------------------------------------


def keys_agree(read: str, register: str) -> bool:
    """Whether a key read on a scan agrees with the register's (keys of `scanflow.register.keys.number_key`,
    "<number>/<year>"): equal, or the same number where one side has no year (the QĐTHA's date was not read)."""
    if read == register:
        return True
    read_number, _, read_year = read.partition("/")
    register_number, _, register_year = register.partition("/")
    return read_number == register_number and not (read_year and register_year)


def _numbers(docs: list[DocumentFacts]) -> str:
    return ", ".join(sorted({d.number for d in docs if d.number}))


def _read(facts: CaseFacts, doc_type: str) -> list[DocumentFacts]:
    return [d for d in facts.documents if d.type == doc_type and d.key is not None]


def _unread_text(facts: CaseFacts, doc_type: str, name: str) -> str:
    if any(d.type == doc_type for d in facts.documents):
        return f"không đọc được số trên {name}"
    return f"hồ sơ không có {name}"


# -- đúng ----------------------------------------------------------------------------------------------


@rule("match_unconfirmed", "dung", "Chưa xác nhận thuộc vụ việc trong sổ")
def _match_confirmed(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """Each archived part is tied to the case by a cover-sheet QR code (`qr`), by a person (`manual`), or by an
    automatic match (`auto`) whose confidence is at or above the accept threshold of the dossier's profile."""
    for d in facts.dossiers:
        if d.match_method in CONFIRMED_METHODS:
            continue
        if d.match_method == AUTO_METHOD and d.confidence is not None and d.confidence >= d.accept_threshold:
            continue
        if d.match_method == AUTO_METHOD:
            conf = "không rõ" if d.confidence is None else f"{d.confidence:.0%}"
            text = f"ghép tự động với độ tin cậy {conf}, dưới ngưỡng {d.accept_threshold:.0%}"
        else:
            text = "không có mã QR bìa, không ghép tự động, chưa có người xác nhận"
        yield _fail(r, text, d.id, {"method": d.match_method, "confidence": d.confidence})


@rule("register_number_missing", "dung", "Sổ thụ lý không ghi số để đối chiếu")
def _register_numbers(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """The register entry carries both the QĐTHA number and the judgment number; without them nothing read
    from the scans can be confirmed against the register."""
    missing = [name for name, key in (("số QĐTHA", facts.qd_key), ("số bản án", facts.ban_an_key)) if key is None]
    if missing:
        yield _fail(r, ", ".join(missing), detail={"missing": missing})


@rule("qd_tha_number_unread", "dung", "Chưa đối chiếu được số QĐTHA với sổ")
def _qd_tha_read(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """A number was read from at least one QĐTHA document of the case (else it cannot agree with the register)."""
    if facts.qd_key is not None and not _read(facts, "qd_tha"):
        yield _fail(r, _unread_text(facts, "qd_tha", "quyết định thi hành án"), detail={"register": facts.so_qd_tha})


@rule("qd_tha_number_mismatch", "dung", "Số QĐTHA khác sổ thụ lý")
def _qd_tha_agrees(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """Every number read from a QĐTHA document agrees with the register's (`keys_agree`: number and year, the
    symbol left out as `register.keys.number_key` does)."""
    if facts.qd_key is None:
        return
    for d in _read(facts, "qd_tha"):
        if not keys_agree(d.key, facts.qd_key):
            yield _fail(r, f"{d.file_name} ghi {d.number}, sổ ghi {facts.so_qd_tha}", d.dossier_id,
                        {"read": d.number, "register": facts.so_qd_tha, "ordinal": d.ordinal})


@rule("ban_an_number_unread", "dung", "Chưa đối chiếu được số bản án với sổ")
def _ban_an_read(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """A number was read from at least one judgment (`ban_an`) document of the case."""
    if facts.ban_an_key is not None and not _read(facts, "ban_an"):
        yield _fail(r, _unread_text(facts, "ban_an", "bản án"), detail={"register": facts.so_ban_an})


@rule("ban_an_number_mismatch", "dung", "Số bản án khác sổ thụ lý")
def _ban_an_agrees(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """One of the judgments read agrees with the register's `so_ban_an`. Only one has to: a case may hold the
    first-instance and the appeal judgment, and the register names the one enforced."""
    read = _read(facts, "ban_an")
    if facts.ban_an_key is None or not read or any(keys_agree(d.key, facts.ban_an_key) for d in read):
        return
    yield _fail(r, f"đọc được {_numbers(read)}, sổ ghi {facts.so_ban_an}",
                detail={"read": sorted({d.number for d in read if d.number}), "register": facts.so_ban_an})


# -- đủ ------------------------------------------------------------------------------------------------

@rule("missing_qd_tha", "du", "Thiếu quyết định thi hành án")
def _has_qd_tha(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """A QĐTHA (`qd_tha`) document is among the case's archived documents."""
    if not any(d.type == "qd_tha" for d in facts.documents):
        yield _fail(r)


@rule("missing_ban_an", "du", "Thiếu bản án, quyết định của Tòa án")
def _has_ban_an(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """A court judgment or decision (`ban_an`) is among the case's archived documents."""
    if not any(d.type == "ban_an" for d in facts.documents):
        yield _fail(r)


@rule("missing_don_yeu_cau", "du", "Thiếu đơn yêu cầu thi hành án")
def _has_request(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """For a case enforced on request (register `loai` = `theo_yeu_cau`), the request (`don_yeu_cau`) is there."""
    if facts.loai == "theo_yeu_cau" and not any(d.type == "don_yeu_cau" for d in facts.documents):
        yield _fail(r, "vụ việc theo yêu cầu")


def _page_list(pages: list[PageFacts]) -> str:
    return ", ".join(str(p.seq) for p in sorted(pages, key=lambda p: p.seq))


def _by_dossier(pages: list[PageFacts]) -> Iterator[tuple[int, list[PageFacts]]]:
    for dossier_id in sorted({p.dossier_id for p in pages}):
        yield dossier_id, [p for p in pages if p.dossier_id == dossier_id]


@rule("page_without_text", "du", "Trang không nhận dạng được chữ")
def _pages_have_text(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """Every page kept in the archived PDFs produced text: it has an OCR confidence, and at least one word
    unless it is a blank page."""
    for dossier_id, pages in _by_dossier([p for p in facts.problem_pages if p.without_text]):
        yield _fail(r, f"trang {_page_list(pages)}", dossier_id, {"pages": sorted(p.seq for p in pages)})


# -- sạch ----------------------------------------------------------------------------------------------


@rule("duplicate_page", "sach", "Trang trùng lặp chưa xử lý")
def _no_duplicates(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """No kept page is flagged as a near-duplicate of an earlier page (the same sheet fed twice) unless a
    person resolved the flag (`duplicate_resolution`)."""
    dupes = [p for p in facts.problem_pages if p.kept and p.duplicate_of is not None]
    for dossier_id, pages in _by_dossier(dupes):
        pairs = ", ".join(f"trang {p.seq} trùng trang {p.duplicate_of}" for p in sorted(pages, key=lambda p: p.seq))
        yield _fail(r, pairs, dossier_id, {"pages": {str(p.seq): p.duplicate_of for p in pages}})


@rule("blank_page_kept", "sach", "Còn trang trắng trong tệp lưu trữ")
def _no_blank_pages(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """No blank page is left in an archived PDF."""
    for dossier_id, pages in _by_dossier([p for p in facts.problem_pages if p.kept and p.blank]):
        yield _fail(r, f"trang {_page_list(pages)}", dossier_id, {"pages": sorted(p.seq for p in pages)})


@rule("pdfa_invalid", "sach", "Tệp không đạt chuẩn PDF/A")
def _valid_pdfa(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """Every archived document passed the PDF/A-2b check (`Document.pdfa_ok`)."""
    for dossier_id in sorted({d.dossier_id for d in facts.documents if not d.pdfa_ok}):
        names = [d.file_name for d in facts.documents if d.dossier_id == dossier_id and not d.pdfa_ok]
        yield _fail(r, ", ".join(names), dossier_id, {"files": names})


@rule("text_not_nfc", "sach", "Văn bản chưa chuẩn hóa Unicode NFC")
def _text_nfc(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """Page text and document metadata are stored in Unicode NFC (TCVN 6909:2001)."""
    dossier_ids = {p.dossier_id for p in facts.problem_pages if not p.text_nfc}
    dossier_ids |= {d.dossier_id for d in facts.documents if not d.fields_nfc}
    for dossier_id in sorted(dossier_ids):
        pages = [p for p in facts.problem_pages if p.dossier_id == dossier_id and not p.text_nfc]
        docs = [d for d in facts.documents if d.dossier_id == dossier_id and not d.fields_nfc]
        parts = ([f"trang {_page_list(pages)}"] if pages else []) + [d.file_name for d in docs]
        yield _fail(r, ", ".join(parts), dossier_id,
                    {"pages": sorted(p.seq for p in pages), "files": [d.file_name for d in docs]})


@rule("conflicting_qd_tha", "sach", "Nhiều số QĐTHA khác nhau trong hồ sơ")
def _consistent_metadata(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """The case's QĐTHA documents carry one number: a dossier is opened for exactly one enforcement decision,
    so two different QĐTHA numbers mean mixed-up papers or a misread."""
    read = _read(facts, "qd_tha")
    if any(not keys_agree(a.key, b.key) for a in read for b in read):
        numbers = sorted({d.number for d in read if d.number})
        yield _fail(r, ", ".join(numbers), detail={"numbers": numbers})


# -- sống ----------------------------------------------------------------------------------------------


def local_date(moment: dt.datetime) -> dt.date:
    """The station's local calendar date of a UTC timestamp as stored (naive UTC)."""
    return moment.replace(tzinfo=dt.UTC).astimezone().date()


@rule("older_than_register", "song", "Bản số hóa cũ hơn lần cập nhật sổ thụ lý")
def _as_new_as_register(facts: CaseFacts, r: Rule) -> Iterator[Failure]:
    """The digital dossier was archived (its latest part) or re-checked by a person on or after the register
    entry's last update: the source system's `ngay_cap_nhat` when the export carries it, else the latest
    change scanflow saw on re-import (`register_history`). A first import is not an update."""
    latest = max(d.archived_at for d in facts.dossiers)
    if facts.rechecked_at is not None:
        latest = max(latest, facts.rechecked_at)
    if facts.ngay_cap_nhat is not None:
        if local_date(latest) >= facts.ngay_cap_nhat:
            return
        updated = facts.ngay_cap_nhat.strftime("%d/%m/%Y")
    elif facts.register_changed_at is not None:
        if latest >= facts.register_changed_at:
            return
        updated = local_date(facts.register_changed_at).strftime("%d/%m/%Y")
    else:
        return
    yield _fail(r, f"số hóa {local_date(latest).strftime('%d/%m/%Y')}, sổ cập nhật {updated}",
                detail={"digitised": latest.isoformat(), "register_updated": updated})


# -- the register as a whole (not stored per case) ---------------------------------------------------

REGISTER_STALE = Rule(
    "register_stale",
    "song",
    "Sổ thụ lý chưa được nhập lại gần đây",
    "The latest register import finished within `register_max_age_days` (settings, default 30) of now; "
    "otherwise no case counts as live. Decided when counting, so it never goes stale in storage.",
    lambda facts: iter(()),
)


def register_stale_message(last_import: dt.datetime | None, max_age_days: int) -> str:
    """The supervisor's text when the register import is too old (or never happened)."""
    if last_import is None:
        return f"{REGISTER_STALE.label}: chưa nhập sổ lần nào"
    return (f"{REGISTER_STALE.label}: lần nhập cuối {local_date(last_import).strftime('%d/%m/%Y')}, "
            f"quá {max_age_days} ngày")


def is_nfc(text: str | None) -> bool:
    return text is None or unicodedata.is_normalized("NFC", text)


def judge(facts: CaseFacts) -> Verdict:
    """Apply every rule to one case's facts (which must list at least one archived dossier)."""
    failures = [f for r in RULES for f in r.check(facts)]
    stamps = [d.archived_at for d in facts.dossiers]
    return Verdict(
        ma_ho_so=facts.ma_ho_so,
        don_vi=facts.don_vi,
        year=facts.year,
        dossiers=len(facts.dossiers),
        pages=facts.pages,
        first_archived_at=min(stamps),
        last_archived_at=max(stamps),
        failures=failures,
    )


def rules_of(criterion: Criterion) -> list[Rule]:
    return [r for r in RULES if r.criterion == criterion]
