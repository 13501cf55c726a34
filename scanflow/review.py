"""The review queue: dossiers waiting for a person (needs_review); assigning or rejecting them, files and rows together.

A dossier the matcher was not sure about waits under archive/_chua_xac_dinh/lo-<batch>/hs-<dossier>.<NNN>.pdf.
`assign` moves its documents to archive/<don_vi>/<year>/<ma_ho_so>/<ma_ho_so>.<NNN>.pdf (ordinals continuing
after the documents already archived under that case) with the case code written into their XMP; `reject`
sets them aside under quarantine/_tu-choi/. Either way the files and the database rows change together:

1. the new files are written and verified in a private operation folder (archive/.tmp/review/…),
2. a journal listing every move (old path, new path, both SHA-256) is written and fsynced,
3. the new files are published (hard link: never over an existing file),
4. the rows are updated in one transaction (which also claims the dossier: only one reviewer wins),
5. the old files are removed, then the operation folder.

A crash anywhere leaves the journal behind; the next review command resolves it from the database, which
is the single source of truth: if the rows name the new paths, the old files are removed; if not, the new
files are. At every moment the rows name files that exist, and no file is lost.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import getpass
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from scanflow.config import Settings, load_profile
from scanflow.documents import DocumentPlan
from scanflow.errors import ExitCode, OutputError, ScanflowError
from scanflow.pdf.assemble import fsync_dir
from scanflow.pdf.validate import check_pdfa
from scanflow.pdf.xmp import SCANFLOW_NS, SCANFLOW_PROPERTIES, XmpData, build_xmp, info_dict
from scanflow.pipeline import PRODUCER, UNASSIGNED_DIR, Pipeline, case_folder
from scanflow.quality.refresh import refresh_dossier
from scanflow.search import index_dossier
from scanflow.store.db import Database
from scanflow.store.models import Document, Dossier, DossierStatus, Page, RegisterCase, utcnow
from scanflow.tagging.text import nfc

REJECTED_DIR = "_tu-choi"  # từ chối: dossiers a reviewer refused, under quarantine/
REJECT_ERROR = "rejected by reviewer"
OPERATIONS_DIR = Path(".tmp") / "review"  # under archive/, so it shares the archive's filesystem
REASON_SUFFIX = ".reason.txt"
TOP_CANDIDATES = 3


class ReviewError(ScanflowError):
    """The request cannot be carried out as asked (unknown dossier, not in the queue, unknown case)."""

    exit_code = ExitCode.bad_args


# -- reading the queue -----------------------------------------------------------------------------------------


@dataclass
class CandidateView:
    """A register case the matcher proposed, with its score and reasons, and the register's own values."""

    ma_ho_so: str
    score: float | None
    reasons: list[str]
    in_register: bool = False
    so_qd_tha: str | None = None
    ngay_qd_tha: str | None = None
    so_ban_an: str | None = None
    nguoi_phai_thi_hanh: str | None = None
    nguoi_duoc_thi_hanh: str | None = None
    don_vi: str | None = None


@dataclass
class QueueItem:
    """One dossier waiting for a decision."""

    dossier_id: int
    input_path: str
    batch_id: int
    station: str | None
    created_at: str
    documents: int
    pages: int
    output_dir: str | None
    candidates: list[CandidateView] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class DossierView:
    """Everything a reviewer needs about one dossier: what was read, where its files are, the candidates."""

    dossier_id: int
    status: str
    input_path: str
    batch_id: int
    station: str | None
    ma_ho_so: str | None
    confidence: float | None
    match_method: str | None
    error: str | None
    created_at: str
    output_dir: str | None
    documents: list[dict]
    pages: list[dict]
    candidates: list[CandidateView]
    review: list[dict]

    def as_json(self) -> dict:
        return asdict(self)


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if isinstance(value, dt.datetime) else value.isoformat()


def candidates_of(session: Session, detail: dict | None, limit: int | None = None) -> list[CandidateView]:
    """The candidates stored in Dossier.match_detail ({"candidates": [{ma_ho_so, score, reasons}]}), best
    first, each completed with its register row when the case is (still) in the register."""
    raw = (detail or {}).get("candidates") or []
    views = []
    for item in raw[:limit]:
        if not isinstance(item, dict) or not item.get("ma_ho_so"):
            continue
        score = item.get("score")
        views.append(
            CandidateView(
                str(item["ma_ho_so"]),
                float(score) if score is not None else None,
                [str(r) for r in item.get("reasons") or []],
            )
        )
    codes = [v.ma_ho_so for v in views]
    cases = {c.ma_ho_so: c for c in session.scalars(select(RegisterCase).where(RegisterCase.ma_ho_so.in_(codes)))}
    for view in views:
        case = cases.get(view.ma_ho_so)
        if case is not None:
            view.in_register = True
            view.so_qd_tha, view.so_ban_an = case.so_qd_tha, case.so_ban_an
            view.ngay_qd_tha = _iso(case.ngay_qd_tha)
            view.nguoi_phai_thi_hanh, view.nguoi_duoc_thi_hanh = case.nguoi_phai_thi_hanh, case.nguoi_duoc_thi_hanh
            view.don_vi = case.don_vi
    return views


def list_queue(database: Database, limit: int | None = None) -> list[QueueItem]:
    """Dossiers in needs_review, oldest first, each with its top candidates."""
    with database.session() as session:
        doc_counts = select(Document.dossier_id, func.count().label("n")).group_by(Document.dossier_id).subquery()
        rows = session.execute(
            select(Dossier, func.coalesce(doc_counts.c.n, 0))
            .outerjoin(doc_counts, doc_counts.c.dossier_id == Dossier.id)
            .where(Dossier.status == DossierStatus.needs_review)
            .order_by(Dossier.created_at, Dossier.id)
            .limit(limit)
        ).all()
        return [
            QueueItem(
                dossier_id=d.id,
                input_path=d.input_path,
                batch_id=d.batch_id,
                station=d.station,
                created_at=_iso(d.created_at) or "",
                documents=n,
                pages=d.pages_out,
                output_dir=d.output_dir,
                candidates=candidates_of(session, d.match_detail, TOP_CANDIDATES),
            )
            for d, n in rows
        ]


def _load(session: Session, dossier_id: int) -> Dossier:
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise ReviewError(f"no dossier {dossier_id}")
    return dossier


def show_dossier(database: Database, dossier_id: int, text_chars: int = 160) -> DossierView:
    """One dossier with its documents, pages (with the start of their text) and every candidate."""
    with database.session() as session:
        d = _load(session, dossier_id)
        documents = [
            {
                "ordinal": doc.ordinal,
                "type": doc.type,
                "title": doc.title,
                "number": doc.number,
                "date": _iso(doc.date),
                "issuer": doc.issuer,
                "summary": doc.summary,
                "pages": doc.page_count,
                "output_path": doc.output_path,
            }
            for doc in d.documents
        ]
        ordinal_of = {doc.id: doc.ordinal for doc in d.documents}
        pages = [
            {
                "seq": p.seq,
                "document": ordinal_of.get(p.document_id) if p.document_id else None,
                "blank": p.blank,
                "duplicate_of": p.duplicate_of,
                "ocr_confidence": None if p.ocr_confidence is None else round(p.ocr_confidence, 1),
                "text": " ".join((p.text or "").split())[:text_chars],
            }
            for p in session.scalars(select(Page).where(Page.dossier_id == d.id).order_by(Page.seq))
        ]
        detail = d.match_detail or {}
        return DossierView(
            dossier_id=d.id,
            status=d.status,
            input_path=d.input_path,
            batch_id=d.batch_id,
            station=d.station,
            ma_ho_so=d.ma_ho_so,
            confidence=d.confidence,
            match_method=d.match_method,
            error=d.error,
            created_at=_iso(d.created_at) or "",
            output_dir=d.output_dir,
            documents=documents,
            pages=pages,
            candidates=candidates_of(session, detail),
            review=list(detail.get("review") or []),
        )


# -- moving files with their rows ------------------------------------------------------------------------------


@dataclass
class Move:
    """One document file changing place: paths relative to the home, content hashes before and after."""

    document_id: int
    old: str
    old_sha256: str
    new: str
    ordinal: int
    new_sha256: str = ""
    size: int = 0


@dataclass
class ReviewResult:
    """What assign or reject did: the dossier's new state and its files."""

    dossier_id: int
    action: str  # assign | reject
    status: str
    case: str | None
    outputs: list[str]
    recovered: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Operation:
    """A private folder for one assign/reject: locked while it runs, holding the new files and the journal."""

    JOURNAL = "journal.json"
    LOCK = "lock"

    def __init__(self, folder: Path, lock_fd: int) -> None:
        self.folder = folder
        self._lock_fd = lock_fd

    @classmethod
    def start(cls, archive: Path, dossier_id: int) -> _Operation:
        # Locked under a hidden name, then renamed: recover() never sees an operation it could take for dead.
        name = f"hs-{dossier_id}-{secrets.token_hex(4)}"
        hidden = archive / OPERATIONS_DIR / f".{name}"
        hidden.mkdir(parents=True)
        fd = os.open(hidden / cls.LOCK, os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        folder = hidden.with_name(name)
        os.replace(hidden, folder)
        return cls(folder, fd)

    @classmethod
    def claim_abandoned(cls, folder: Path) -> _Operation | None:
        """The operation in FOLDER if no live process holds it (its process died), else None."""
        try:
            fd = os.open(folder / cls.LOCK, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return cls(folder, fd)

    def write_journal(self, data: dict) -> None:
        tmp = self.folder / (self.JOURNAL + ".part")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / self.JOURNAL)
        fsync_dir(self.folder)

    def journal(self) -> dict | None:
        try:
            return json.loads((self.folder / self.JOURNAL).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def close(self, remove: bool) -> None:
        if remove:
            shutil.rmtree(self.folder, ignore_errors=True)
        os.close(self._lock_fd)


def _publish_new(tmp: Path, dest: Path) -> None:
    """Put TMP's content at DEST without ever replacing an existing file (FileExistsError instead)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(tmp, dest)
    except OSError as exc:
        if isinstance(exc, FileExistsError) or exc.errno != errno.EXDEV:
            raise
        staging = dest.with_name(f".{dest.name}.part")
        shutil.copyfile(tmp, staging)
        with staging.open("rb+") as fh:
            os.fsync(fh.fileno())
        try:
            os.link(staging, dest)
        finally:
            staging.unlink(missing_ok=True)
    fsync_dir(dest.parent)


def _remove_if(path: Path, sha256: str) -> bool:
    """Remove PATH if it holds exactly the content SHA256 (a file this operation made or replaced)."""
    if path.is_file() and sha256_of(path) == sha256:
        path.unlink()
        fsync_dir(path.parent)
        return True
    return False


def _prune(folder: Path, stop: Path) -> None:
    """Remove FOLDER and its parents up to STOP while they are empty."""
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _stale_sidecars(folder: Path, stem: str) -> list[Path]:
    """Files beside the old documents that describe them (the Danh mục of hs-<id>, a reason file)."""
    return [p for p in folder.glob(f"{stem}.*") if not re.fullmatch(rf"{re.escape(stem)}\.\d{{3}}\.pdf", p.name)]


def _finish_moves(home: Path, moves: list[Move], journal: dict) -> None:
    """After the commit: remove the old files (each only if the new one is in place) and what described them."""
    for move in moves:
        new, old = home / move.new, home / move.old
        if new.is_file() and old != new:
            _remove_if(old, move.old_sha256)
    stop = home / journal["old_root"]
    for folder in {(home / m.old).parent for m in moves}:
        stem = f"hs-{journal['dossier_id']}"
        for sidecar in _stale_sidecars(folder, stem):
            sidecar.unlink(missing_ok=True)
        _prune(folder, stop)
    if journal.get("reason_file"):
        note = home / journal["reason_file"]
        if not note.exists():
            tmp = note.with_name(f".{note.name}.tmp")
            tmp.write_text(journal["reason_text"] + "\n", encoding="utf-8")
            os.replace(tmp, note)
            fsync_dir(note.parent)


def _undo_moves(home: Path, moves: list[Move]) -> None:
    """Before (or instead of) the commit: remove the new files this operation published."""
    for move in moves:
        if move.new != move.old and move.new_sha256:
            _remove_if(home / move.new, move.new_sha256)


def write_case_danh_muc(settings: Settings, database: Database, dossier_id: int, new_path: str) -> str | None:
    """Rewrite the Danh mục tài liệu of the case folder holding NEW_PATH (the pipeline's writer, listing every
    archived document of the case); returns a warning instead of failing: the assignment itself is done."""
    path = settings.home / new_path
    stem = path.name.split(".")[0]
    try:
        pipeline = Pipeline(settings, load_profile(settings.profile, settings.home), database, None)
        pipeline.write_danh_muc(dossier_id, path.parent, stem)
    except (ScanflowError, OSError) as exc:
        return f"Danh mục tài liệu of {stem} not rewritten: {exc}"
    return None


def _resolve(settings: Settings, database: Database, op: _Operation) -> str | None:
    """Complete or undo the operation OP holds, as the database says; a line saying which, None if nothing to do.

    When the documents' rows name the new paths the commit happened: the old files are removed. When they
    name the old paths it did not: the new files are removed. The folder is kept (for an administrator)
    only when the rows disagree with each other, which one transaction cannot produce.
    """
    journal = op.journal()
    if journal is None:  # stopped before anything was published: only its private files exist
        op.close(remove=True)
        return None
    moves = [Move(**m) for m in journal["moves"]]
    with database.session() as session:
        paths = dict(
            session.execute(
                select(Document.id, Document.output_path).where(Document.id.in_([m.document_id for m in moves]))
            ).all()
        )
    committed = [paths.get(m.document_id) == m.new for m in moves]
    what = f"{journal['action']} hs-{journal['dossier_id']}"
    if all(committed):
        _finish_moves(settings.home, moves, journal)
        line = f"{what}: completed (rows already pointed to the new files)"
        if journal["action"] == "assign" and moves:
            warning = write_case_danh_muc(settings, database, journal["dossier_id"], moves[0].new)
            line += f"; {warning}" if warning else ""
    elif not any(committed):
        _undo_moves(settings.home, moves)
        line = f"{what}: undone (rows still pointed to the old files)"
    else:
        op.close(remove=False)
        return f"{what}: rows disagree with each other; left for an administrator in {op.folder}"
    op.close(remove=True)
    return line


def recover(settings: Settings, database: Database) -> list[str]:
    """Resolve operations a crash left half done (see _resolve); one line per operation resolved.

    Operations still held by a live process are left alone.
    """
    root = settings.dir("archive") / OPERATIONS_DIR
    if not root.is_dir():
        return []
    done: list[str] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        op = _Operation.claim_abandoned(folder)
        if op is not None and (line := _resolve(settings, database, op)) is not None:
            done.append(line)
    return done


# -- XMP: writing the case into a moved document ---------------------------------------------------------------

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_XMP = "{http://ns.adobe.com/xap/1.0/}"
_PDF = "{http://ns.adobe.com/pdf/1.3/}"
_SF = "{" + SCANFLOW_NS + "}"


def read_xmp(pdf: pikepdf.Pdf) -> XmpData:
    """The scanflow metadata of an archived PDF as XmpData (what build_xmp wrote), for rewriting it."""
    data = XmpData(title="", created=dt.datetime.now(dt.UTC), producer=PRODUCER, creator_tool=PRODUCER)
    if "/Metadata" not in pdf.Root:
        return data
    body = re.sub(rb"<\?xpacket[^>]*\?>", b"", pdf.Root.Metadata.read_bytes())
    root = ElementTree.fromstring(body)
    for desc in root.iter(f"{_RDF}Description"):
        for child in desc:
            items = [li.text or "" for li in child.iter(f"{_RDF}li")]
            text = items[0] if items else (child.text or "").strip()
            tag = child.tag
            if tag == f"{_DC}title":
                data.title = text
            elif tag == f"{_DC}identifier":
                data.identifier = text
            elif tag == f"{_DC}language":
                data.language = text or data.language
            elif tag == f"{_XMP}CreateDate" and text:
                data.created = dt.datetime.fromisoformat(text)
            elif tag == f"{_XMP}CreatorTool":
                data.creator_tool = text
            elif tag == f"{_PDF}Producer":
                data.producer = text
            elif tag == f"{_PDF}Keywords":
                data.keywords = text
            elif tag.startswith(_SF):
                name = tag[len(_SF) :]
                if name in SCANFLOW_PROPERTIES:
                    kind = SCANFLOW_PROPERTIES[name][0]
                    data.extra[name] = int(text) if kind == "Integer" and text.lstrip("-").isdigit() else text
    return data


def retag_pdf(source: Path, dest: Path, ma_ho_so: str, ordinal: int, title: str) -> None:
    """Write to DEST a copy of SOURCE whose XMP and Info carry the case code, ordinal and title.

    Only metadata changes (pages, images and text layer are copied as they are); the file stays PDF/A-2b
    (the caller checks it with check_pdfa). The creation date is kept: the document was made then.
    """
    with pikepdf.open(source) as pdf:
        try:
            meta = read_xmp(pdf)
        except (ElementTree.ParseError, ValueError) as exc:
            raise OutputError(f"{source.name}: its XMP metadata cannot be read ({exc}): not moved") from None
        meta.title = title
        meta.identifier = f"{ma_ho_so}.{ordinal:03d}"
        meta.extra["maHoSo"] = ma_ho_so
        meta.extra["thuTu"] = ordinal
        xmp = pikepdf.Stream(pdf, build_xmp(meta))
        xmp.Type = pikepdf.Name.Metadata
        xmp.Subtype = pikepdf.Name.XML
        pdf.Root.Metadata = pdf.make_indirect(xmp)
        for key, value in info_dict(meta).items():
            pdf.docinfo[key] = pikepdf.String(value)
        pdf.save(
            dest,
            force_version="1.7",
            fix_metadata_version=False,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
    with dest.open("rb+") as fh:
        os.fsync(fh.fileno())


# -- assign and reject -----------------------------------------------------------------------------------------


def _reviewer(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _assignable(dossier: Dossier) -> bool:
    """In the queue, or set aside by a reviewer earlier (assigning it undoes the rejection)."""
    return dossier.status == DossierStatus.needs_review or (
        dossier.status == DossierStatus.quarantined and (dossier.error or "").startswith(REJECT_ERROR)
    )


def _next_ordinal(session: Session, ma_ho_so: str, exclude: int) -> int:
    existing = session.scalar(
        select(func.max(Document.ordinal))
        .join(Dossier, Dossier.id == Document.dossier_id)
        .where(Dossier.ma_ho_so == ma_ho_so, Dossier.status == DossierStatus.archived, Dossier.id != exclude)
    )
    return (existing or 0) + 1


def _check_source(home: Path, document: Document) -> Path:
    if not document.output_path:
        raise OutputError(f"document {document.ordinal} of dossier {document.dossier_id} has no file")
    path = home / document.output_path
    if not path.is_file():
        raise OutputError(f"{document.output_path} is missing: run 'scanflow verify' before reviewing")
    if document.sha256 and sha256_of(path) != document.sha256:
        raise OutputError(f"{document.output_path} changed on disk since it was archived: not moved")
    return path


@contextmanager
def _operation(settings: Settings, database: Database, dossier_id: int) -> Iterator[_Operation]:
    """An operation folder for the block; on failure the operation is resolved as a crash would be
    (from the database), or left for the next command's recover() when even that fails."""
    op = _Operation.start(settings.dir("archive"), dossier_id)
    try:
        yield op
    except BaseException:
        try:
            _resolve(settings, database, op)
        except Exception:  # noqa: BLE001 - the original error matters more; recover() retries later
            op.close(remove=False)
        raise
    op.close(remove=True)


def _run(settings: Settings, database: Database, op: _Operation, journal: dict, moves: list[Move], commit) -> None:  # noqa: ANN001 - commit(session) -> None, raising to abort
    """Steps 2–5 of the module docstring for prepared MOVES whose new content sits in op.folder."""
    journal["moves"] = [asdict(m) for m in moves]
    op.write_journal(journal)
    home = settings.home
    for i, move in enumerate(moves):
        _publish_new(op.folder / f"{i}.pdf", home / move.new)
    with database.session() as session:
        commit(session)
    _finish_moves(home, moves, journal)


def _claim(session: Session, dossier_id: int, status: str, values: dict) -> None:
    """Update the dossier only if it is still in STATUS: of two reviewers acting at once, one wins."""
    claimed = session.execute(
        update(Dossier).where(Dossier.id == dossier_id, Dossier.status == status).values(**values)
    ).rowcount
    if claimed != 1:
        raise ReviewError(f"dossier {dossier_id} changed while it was being reviewed (someone else?): nothing moved")


def _follow_up(session: Session, settings: Settings, dossier_id: int, previous_case: str | None) -> None:
    """In the decision's own transaction, as the pipeline does on archiving: the quality verdicts of the
    cases involved and the search index of the dossier."""
    refresh_dossier(session, dossier_id, previous_case=previous_case, home=settings.home)
    index_dossier(session, dossier_id)


def _review_entry(action: str, by: str | None, **extra: object) -> dict:
    return {"action": action, "by": _reviewer(by), "at": _iso(utcnow()), **extra}


def assign(
    settings: Settings,
    database: Database,
    dossier_id: int,
    ma_ho_so: str,
    *,
    force: bool = False,
    by: str | None = None,
) -> ReviewResult:
    """Archive a waiting dossier under register case MA_HO_SO, moving its files and updating its rows together.

    The case must be in the register unless `force` (then its files go under khong-don-vi/khong-nam until a
    reprocess after the register import). Status becomes archived, match_method "manual", confidence 1.0;
    Dossier.match_detail keeps the candidates and gains a "review" entry (who, when, what). The quality
    verdicts and the search index follow in the same transaction; the case's Danh mục is rewritten after.
    """
    recovered = recover(settings, database)
    code = nfc(ma_ho_so.strip())
    home = settings.home
    with database.session() as session:
        dossier = _load(session, dossier_id)
        if not _assignable(dossier):
            raise ReviewError(f"dossier {dossier_id} is {dossier.status}, not waiting for review: nothing to assign")
        case = session.get(RegisterCase, code)
        if case is None and not force:
            raise ReviewError(f"no case {code!r} in the register: import the register, or use --force")
        don_vi, year = (case.don_vi, case.year) if case is not None else (None, None)
        folder, stem = case_folder(code, don_vi, year)
        first = _next_ordinal(session, code, dossier_id)
        moves, plans = [], []
        for i, doc in enumerate(dossier.documents):
            _check_source(home, doc)
            ordinal = first + i
            new = Path("archive") / folder / f"{stem}.{ordinal:03d}.pdf"
            moves.append(Move(doc.id, doc.output_path, doc.sha256 or "", str(new), ordinal))
            plans.append(DocumentPlan(pages=[], type=doc.type, number=doc.number, date=doc.date))
        previous_status, previous_case, detail = dossier.status, dossier.ma_ho_so, dict(dossier.match_detail or {})
        old_root = _old_root(dossier)
    if not moves:
        raise ReviewError(f"dossier {dossier_id} has no documents to archive")
    with _operation(settings, database, dossier_id) as op:
        for i, (move, plan) in enumerate(zip(moves, plans, strict=True)):
            tmp = op.folder / f"{i}.pdf"
            retag_pdf(home / move.old, tmp, code, move.ordinal, plan.title_for_xmp(code, move.ordinal))
            problems = check_pdfa(tmp)
            if problems:
                raise OutputError(f"{Path(move.new).name}: not valid PDF/A-2b after writing the case: {problems[0]}")
            move.new_sha256, move.size = sha256_of(tmp), tmp.stat().st_size
        review = [
            *detail.get("review", []),
            _review_entry("assign", by, ma_ho_so=code, previous=previous_status, forced=case is None),
        ]

        def commit(session: Session) -> None:
            _claim(
                session,
                dossier_id,
                previous_status,
                {
                    "status": DossierStatus.archived,
                    "ma_ho_so": code,
                    "don_vi": don_vi,
                    "year": year,
                    "confidence": 1.0,
                    "match_method": "manual",
                    "match_detail": {**detail, "review": review},
                    "error": None,
                    "output_dir": str(folder),
                    "archived_at": utcnow(),
                    "updated_at": utcnow(),
                },
            )
            if _next_ordinal(session, code, dossier_id) > moves[0].ordinal:
                raise ReviewError(f"another dossier was archived under {code} meanwhile: run the command again")
            for move in moves:
                session.execute(
                    update(Document)
                    .where(Document.id == move.document_id)
                    .values(
                        output_path=move.new, sha256=move.new_sha256, size=move.size, ordinal=move.ordinal, pdfa_ok=True
                    )
                )
            _follow_up(session, settings, dossier_id, previous_case if previous_case != code else None)

        _run(
            settings, database, op, {"action": "assign", "dossier_id": dossier_id, "old_root": old_root}, moves, commit
        )
    warning = write_case_danh_muc(settings, database, dossier_id, moves[0].new)
    return ReviewResult(
        dossier_id,
        "assign",
        DossierStatus.archived,
        code,
        [m.new for m in moves],
        recovered,
        [warning] if warning else [],
    )


def _old_root(dossier: Dossier) -> str:
    """The top folder the dossier's files may be pruned up to when they leave (never the home's own folders)."""
    for doc in dossier.documents:
        path = Path(doc.output_path or "")
        if path.parts[:2] == ("archive", UNASSIGNED_DIR):
            return str(Path("archive") / UNASSIGNED_DIR)
        if path.parts[:2] == ("quarantine", REJECTED_DIR):
            return str(Path("quarantine") / REJECTED_DIR)
    return "archive"


def reject(
    settings: Settings, database: Database, dossier_id: int, *, reason: str | None = None, by: str | None = None
) -> ReviewResult:
    """Take a waiting dossier out of the archive: status quarantined with error "rejected by reviewer",
    its files moved to quarantine/_tu-choi/lo-<batch>/ with a reason file, rows updated together.

    The originals stay under originals/, so the scans can be reprocessed or assigned later.
    """
    recovered = recover(settings, database)
    home = settings.home
    error = f"{REJECT_ERROR}: {reason.strip()}" if reason and reason.strip() else REJECT_ERROR
    with database.session() as session:
        dossier = _load(session, dossier_id)
        if dossier.status != DossierStatus.needs_review:
            raise ReviewError(f"dossier {dossier_id} is {dossier.status}, not waiting for review: nothing to reject")
        folder = Path("quarantine") / REJECTED_DIR / f"lo-{dossier.batch_id}"
        moves = []
        for doc in dossier.documents:
            _check_source(home, doc)
            name = Path(doc.output_path).name
            moves.append(Move(doc.id, doc.output_path, doc.sha256 or "", str(folder / name), doc.ordinal))
        detail, previous_case = dict(dossier.match_detail or {}), dossier.ma_ho_so
        old_root = _old_root(dossier)
        input_path = dossier.input_path
    with _operation(settings, database, dossier_id) as op:
        for i, move in enumerate(moves):
            tmp = op.folder / f"{i}.pdf"
            shutil.copyfile(home / move.old, tmp)
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            move.new_sha256, move.size = sha256_of(tmp), tmp.stat().st_size
            if move.old_sha256 and move.new_sha256 != move.old_sha256:
                raise OutputError(f"{move.old} changed while it was being copied: nothing moved")
        review = [*detail.get("review", []), _review_entry("reject", by, reason=reason or None)]

        def commit(session: Session) -> None:
            _claim(
                session,
                dossier_id,
                DossierStatus.needs_review,
                {
                    "status": DossierStatus.quarantined,
                    "error": error,
                    "match_detail": {**detail, "review": review},
                    "output_dir": None,
                    "archived_at": None,
                    "updated_at": utcnow(),
                },
            )
            for move in moves:
                session.execute(update(Document).where(Document.id == move.document_id).values(output_path=move.new))
            _follow_up(session, settings, dossier_id, previous_case)

        note = folder / f"hs-{dossier_id}{REASON_SUFFIX}"
        text = (
            f"{error} — hồ sơ {dossier_id} ({input_path}). Bản gốc vẫn giữ trong originals/: "
            f"có thể gán lại bằng 'scanflow review assign {dossier_id} MÃ_HỒ_SƠ' hoặc quét lại."
        )
        _run(
            settings,
            database,
            op,
            {
                "action": "reject",
                "dossier_id": dossier_id,
                "old_root": old_root,
                "reason_file": str(note),
                "reason_text": text,
            },
            moves,
            commit,
        )
    return ReviewResult(dossier_id, "reject", DossierStatus.quarantined, None, [m.new for m in moves], recovered)
