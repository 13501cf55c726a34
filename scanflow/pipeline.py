"""The one place that strings the steps together: inputs → masters → pages → documents → PDF/A → records."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from scanflow import __version__, danhmuc
from scanflow.config import Profile, Settings
from scanflow.documents import TYPE_NAMES, DocumentPlan, TagResult, tag_dossier
from scanflow.errors import InputError, OutputError, ScanflowError
from scanflow.intake.sources import SourceFile, inspect_input, sha256_file
from scanflow.ocr import tesseract
from scanflow.pages import PageResult, PageTask
from scanflow.pdf.assemble import PdfPage, fsync_dir, publish, write_pdfa
from scanflow.pdf.validate import check_pdfa
from scanflow.pdf.xmp import XmpData
from scanflow.quality.refresh import refresh_dossier
from scanflow.search import index_dossier
from scanflow.store.db import Database
from scanflow.store.models import Batch, Document, Dossier, DossierStatus, Original, Page

UNASSIGNED_DIR = "_chua_xac_dinh"  # chưa xác định: dossiers not yet tied to a register case
PRODUCER = f"scanflow {__version__}"


@dataclass
class InputSpec:
    """One dossier to process: a path, how the user named it, and the scanner station it came from."""

    path: Path
    given: str
    station: str | None = None


@dataclass
class Outcome:
    """The result for one input: what `--json` prints, one object per line."""

    input: str
    status: str
    case: str | None = None
    confidence: float | None = None
    pages: int = 0
    outputs: list[str] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    error: str | None = None
    dossier_id: int | None = None
    seconds: float = 0.0

    def to_json(self) -> str:
        data = {
            "input": self.input,
            "status": self.status,
            "case": self.case,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "pages": self.pages,
            "outputs": self.outputs,
            "documents": self.documents,
            "error": self.error,
        }
        return json.dumps(data, ensure_ascii=False)


@dataclass
class _Prepared:
    spec: InputSpec
    dossier_id: int
    tasks: list[PageTask]
    work_dir: Path
    started: float
    master_names: list[str]
    results: list[PageResult] = field(default_factory=list)
    outcome: Outcome | None = None  # set when the input failed before its pages were queued

    @property
    def complete(self) -> bool:
        return self.outcome is not None or len(self.results) == len(self.tasks)


def content_key(hashes: Iterable[str]) -> str:
    """One hash over a dossier's originals in order: the same scans give the same key."""
    digest = hashlib.sha256()
    for value in hashes:
        digest.update(value.encode("ascii"))
    return digest.hexdigest()


def store_master(source: Path, sha256: str, kind: str, originals_dir: Path) -> Path:
    """Copy SOURCE into originals/ by content hash (atomic, fsynced); an existing copy is reused."""
    dest = originals_dir / sha256[:2] / f"{sha256}.{kind}"
    if dest.exists() and dest.stat().st_size == source.stat().st_size:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".part-", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            digest = hashlib.sha256()
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256:
            raise InputError(f"{source.name}: file changed while it was being copied; try again when it is complete")
        os.chmod(tmp_name, 0o444)
        os.replace(tmp_name, dest)
        fsync_dir(dest.parent)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return dest


def _safe_segment(text: str | None, fallback: str) -> str:
    """A folder-name-safe form of TEXT: letters (Vietnamese kept), digits, - _ . ; runs of dashes collapsed."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in (text or "").strip())
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return cleaned.strip("-.") or fallback


def unit_folder(don_vi: str | None) -> str:
    """The archive folder of a unit: its code when the register writes "<code> <name>", else the name."""
    value = (don_vi or "").strip()
    head = value.split(" ", 1)[0]
    if " " in value and head.replace("-", "").isalnum() and head.upper() == head and any(c.isalpha() for c in head):
        return _safe_segment(head, "khong-don-vi")
    return _safe_segment(value, "khong-don-vi")


def case_folder(ma_ho_so: str, don_vi: str | None, year: int | None) -> tuple[Path, str]:
    """Folder under archive/ (<unit>/<year>/<ma_ho_so>) and file-name stem of a case's documents."""
    stem = _safe_segment(ma_ho_so, "hs")
    return Path(unit_folder(don_vi)) / str(year or "khong-nam") / stem, stem


class Pipeline:
    """Turns inputs into archived dossiers for one batch; the executor runs the page step."""

    def __init__(self, settings: Settings, profile: Profile, database: Database, executor, *, kind: str = "process"):
        self.settings = settings
        self.profile = profile
        self.db = database
        self.executor = executor
        self.kind = kind
        self.batch_id: int | None = None
        self.on_page: Callable[[PageResult], None] | None = None

    # -- batch and inputs -------------------------------------------------------------------------

    def _start_batch(self, station: str | None) -> int:
        with self.db.session() as session:
            batch = Batch(kind=self.kind, profile=self.profile.name, host=socket.gethostname(), station=station)
            session.add(batch)
            session.flush()
            return batch.id

    def _finish_batch(self) -> None:
        with self.db.session() as session:
            batch = session.get(Batch, self.batch_id)
            if batch is not None:
                batch.finished_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def inspect(self, spec: InputSpec) -> list[SourceFile] | Outcome:
        """The input's files and pages, or a failed Outcome with the reason."""
        image = self.profile.image
        try:
            return inspect_input(
                spec.path,
                default_dpi=image.default_dpi,
                max_megapixels=image.max_megapixels,
                existing_text=self.profile.pdf_input.existing_text,
            )
        except ScanflowError as exc:
            return Outcome(input=spec.given, status=DossierStatus.quarantined, error=str(exc))

    def _record_failure(self, spec: InputSpec, error: str, status: str = DossierStatus.quarantined) -> int:
        with self.db.session() as session:
            dossier = Dossier(
                batch_id=self.batch_id,
                input_path=spec.given,
                station=spec.station,
                status=status,
                error=error,
                profile=self.profile.name,
            )
            session.add(dossier)
            session.flush()
            return dossier.id

    def _find_duplicate(self, hashes: list[str]) -> Dossier | None:
        """An archived (or waiting) dossier holding every one of these originals already."""
        with self.db.session() as session:
            key = content_key(hashes)
            live = (DossierStatus.archived, DossierStatus.needs_review)
            same = session.scalars(
                select(Dossier).where(Dossier.content_sha256 == key, Dossier.status.in_(live)).limit(1)
            ).first()
            if same is not None:
                return same
            if len(hashes) == 1:
                return session.scalars(
                    select(Dossier)
                    .join(Original, Original.dossier_id == Dossier.id)
                    .where(Original.sha256 == hashes[0], Dossier.status.in_(live))
                    .limit(1)
                ).first()
        return None

    def prepare(self, spec: InputSpec, files: list[SourceFile]) -> _Prepared:
        """Hash and keep the masters, create the dossier's rows, and list its page tasks."""
        started = time.perf_counter()
        hashes = [sha256_file(f.path) for f in files]
        duplicate = self._find_duplicate(hashes)
        if duplicate is not None:
            where = duplicate.ma_ho_so or f"dossier {duplicate.id}"
            error = f"already archived as {where} (same files): set aside, not archived twice"
            dossier_id = self._record_failure(spec, error, DossierStatus.duplicate)
            outcome = Outcome(input=spec.given, status=DossierStatus.duplicate, case=duplicate.ma_ho_so, error=error)
            return _Prepared(spec, dossier_id, [], Path(), started, [], outcome=outcome)
        originals_dir = self.settings.dir("originals")
        masters = [store_master(f.path, h, f.kind, originals_dir) for f, h in zip(files, hashes, strict=True)]
        with self.db.session() as session:
            dossier = Dossier(
                batch_id=self.batch_id,
                input_path=spec.given,
                station=spec.station,
                status=DossierStatus.processing,
                content_sha256=content_key(hashes),
                profile=self.profile.name,
                pages_in=sum(len(f.frames) for f in files),
            )
            session.add(dossier)
            session.flush()
            for seq, (f, h, master) in enumerate(zip(files, hashes, masters, strict=True), start=1):
                session.add(
                    Original(
                        dossier_id=dossier.id,
                        seq=seq,
                        name=f.name,
                        sha256=h,
                        size=f.size,
                        stored_path=str(master.relative_to(self.settings.home)),
                        kind=f.kind,
                        page_count=len(f.frames),
                    )
                )
            dossier_id = dossier.id
        work_dir = Path(tempfile.mkdtemp(prefix=f"hs-{dossier_id}-", dir=self.settings.dir("work")))
        tasks = []
        seq = 0
        for f, master in zip(files, masters, strict=True):
            for frame in f.frames:
                seq += 1
                tasks.append(
                    PageTask(
                        seq=seq,
                        source=master,
                        kind=f.kind,
                        frame=frame.index,
                        dpi=frame.dpi,
                        work_dir=work_dir,
                        image=self.profile.image,
                        ocr=self.profile.ocr,
                    )
                )
        return _Prepared(spec, dossier_id, tasks, work_dir, started, [f.name for f in files])

    # -- the run -----------------------------------------------------------------------------------

    def run(
        self, specs: list[InputSpec], inspected: dict[int, list[SourceFile] | Outcome] | None = None
    ) -> Iterator[Outcome]:
        """Process SPECS in order, yielding one Outcome per input as soon as it is finished."""
        tesseract.require_languages(self.profile.ocr.languages)
        self.batch_id = self._start_batch(specs[0].station if specs else None)
        inspected = inspected if inspected is not None else {i: self.inspect(s) for i, s in enumerate(specs)}
        queue: deque[_Prepared] = deque()

        def tasks() -> Iterator[PageTask]:
            for index, spec in enumerate(specs):
                found = inspected[index]
                if isinstance(found, Outcome):
                    found.dossier_id = self._record_failure(spec, found.error or "failed")
                    queue.append(_Prepared(spec, found.dossier_id, [], Path(), time.perf_counter(), [], outcome=found))
                    continue
                try:
                    prepared = self.prepare(spec, found)
                except ScanflowError as exc:
                    outcome = Outcome(input=spec.given, status=DossierStatus.quarantined, error=str(exc))
                    outcome.dossier_id = self._record_failure(spec, str(exc))
                    prepared = _Prepared(spec, outcome.dossier_id, [], Path(), time.perf_counter(), [], outcome=outcome)
                queue.append(prepared)
                yield from prepared.tasks

        yield from self._stream(tasks(), queue)

    def _stream(self, tasks: Iterator[PageTask], queue: deque[_Prepared]) -> Iterator[Outcome]:
        """Run TASKS on the executor; yield each queued dossier's outcome, in order, once its pages are back.

        TASKS appends each dossier to QUEUE before yielding its pages, so results always have a dossier.
        """
        try:
            for result in self.executor.map_pages(tasks):
                while queue and queue[0].complete:
                    yield self._finish(queue.popleft())
                head = next(p for p in queue if not p.complete)
                head.results.append(result)
                if self.on_page is not None:
                    self.on_page(result)
                while queue and queue[0].complete:
                    yield self._finish(queue.popleft())
            while queue:
                yield self._finish(queue.popleft())
        finally:
            self._finish_batch()

    def _finish(self, prepared: _Prepared) -> Outcome:
        if prepared.outcome is not None:
            return prepared.outcome
        try:
            outcome = self._archive(prepared)
        except ScanflowError as exc:
            outcome = self._fail(prepared, str(exc))
        finally:
            shutil.rmtree(prepared.work_dir, ignore_errors=True)
        outcome.seconds = round(time.perf_counter() - prepared.started, 2)
        return outcome

    def _fail(self, prepared: _Prepared, error: str) -> Outcome:
        with self.db.session() as session:
            dossier = session.get(Dossier, prepared.dossier_id)
            dossier.status = DossierStatus.quarantined
            dossier.error = error
        return Outcome(
            input=prepared.spec.given, status=DossierStatus.quarantined, error=error, dossier_id=prepared.dossier_id
        )

    # -- finishing one dossier --------------------------------------------------------------------

    def _archive(self, prepared: _Prepared) -> Outcome:
        results = sorted(prepared.results, key=lambda r: r.seq)
        failed = [r for r in results if r.error]
        if failed:
            raise InputError(failed[0].error or "page failed")
        tags = tag_dossier(results, self.db, self.profile)
        if not tags.documents:
            raise InputError("no page with content: every page is blank")
        case = tags.case
        with self.db.session() as session:
            dossier = session.get(Dossier, prepared.dossier_id)
            if case is not None:
                dossier.ma_ho_so = case.ma_ho_so
                dossier.don_vi = case.don_vi
                dossier.year = case.year
            out_dir, stem, first_ordinal = self._placement(session, tags, prepared.dossier_id)
        archive_root = self.settings.dir("archive")
        tmp_dir = archive_root / ".tmp"
        created = dt.datetime.now(dt.UTC)
        written: list[tuple[DocumentPlan, int, Path, Path]] = []
        try:
            for offset, plan in enumerate(tags.documents):
                ordinal = first_ordinal + offset
                dest = archive_root / out_dir / f"{stem}.{ordinal:03d}.pdf"
                pages = [
                    PdfPage(r.image_path, r.encoding, r.width, r.height, r.dpi, r.color, r.words) for r in plan.pages
                ]
                meta = self._xmp(plan, tags, ordinal, created, prepared.master_names)
                tmp = write_pdfa(pages, meta, dest, tmp_dir)
                problems = check_pdfa(tmp)
                if problems:
                    raise OutputError(f"{dest.name}: produced file is not valid PDF/A-2b: {problems[0]}")
                written.append((plan, ordinal, tmp, dest))
            outputs = self._commit(prepared, tags, out_dir, written)
        finally:
            for _, _, tmp, _ in written:
                tmp.unlink(missing_ok=True)
        self.write_danh_muc(prepared.dossier_id, archive_root / out_dir, stem)
        status = DossierStatus.archived if tags.decision == "archived" else DossierStatus.needs_review
        return Outcome(
            input=prepared.spec.given,
            status=status,
            case=case.ma_ho_so if case else None,
            confidence=tags.confidence,
            pages=sum(len(p.pages) for p in tags.documents),
            outputs=[str(p) for p in outputs],
            documents=[p.as_json() for p in tags.documents],
            dossier_id=prepared.dossier_id,
        )

    def write_danh_muc(self, dossier_id: int, folder: Path, stem: str) -> None:
        """(Re)write the Danh mục of the dossier's case — every archived part of it — or of the dossier alone."""
        with self.db.session() as session:
            dossier = session.get(Dossier, dossier_id)
            query = select(Document).join(Dossier, Dossier.id == Document.dossier_id).order_by(Document.ordinal)
            if dossier.ma_ho_so and dossier.status == DossierStatus.archived:
                query = query.where(Dossier.ma_ho_so == dossier.ma_ho_so, Dossier.status == DossierStatus.archived)
            else:
                query = query.where(Dossier.id == dossier_id)
            entries = [
                danhmuc.Entry(
                    ordinal=d.ordinal,
                    type_name=d.title or TYPE_NAMES.get(d.type, d.type),
                    number=d.number,
                    date=d.date.strftime("%d/%m/%Y") if d.date else None,
                    issuer=d.issuer,
                    summary=d.summary,
                    pages=d.page_count,
                )
                for d in session.scalars(query)
            ]
        danhmuc.write(folder, stem, entries)

    def _placement(self, session, tags: TagResult, dossier_id: int) -> tuple[Path, str, int]:
        """Folder under archive/, file-name stem and first ordinal for the dossier's documents."""
        case = tags.case
        if case is None or tags.decision != "archived":
            return Path(UNASSIGNED_DIR) / f"lo-{self.batch_id}", f"hs-{dossier_id}", 1
        existing = session.scalars(
            select(Document.ordinal)
            .join(Dossier, Dossier.id == Document.dossier_id)
            .where(
                Dossier.ma_ho_so == case.ma_ho_so, Dossier.status == DossierStatus.archived, Dossier.id != dossier_id
            )
        ).all()
        folder, stem = case_folder(case.ma_ho_so, case.don_vi, case.year)
        return folder, stem, max(existing, default=0) + 1

    def _xmp(
        self, plan: DocumentPlan, tags: TagResult, ordinal: int, created: dt.datetime, sources: list[str]
    ) -> XmpData:
        case = tags.case
        title = plan.title_for_xmp(case.ma_ho_so if case else None, ordinal)
        extra: dict[str, str | int] = {
            "thuTu": ordinal,
            "maLoai": plan.type,
            "tenLoai": plan.type_name,
            "soTrang": len(plan.pages),
            "ngonNgu": "vi",
            "profile": self.profile.name,
            "version": __version__,
            "nguon": "; ".join(sources)[:2000],
        }
        if case is not None:
            extra["maHoSo"] = case.ma_ho_so
        if plan.number:
            extra["soKyHieu"] = plan.number
        if plan.date:
            extra["ngayBanHanh"] = plan.date.isoformat()
        if plan.summary:
            extra["trichYeu"] = plan.summary
        if plan.issuer:
            extra["coQuanBanHanh"] = plan.issuer
        identifier = f"{case.ma_ho_so}.{ordinal:03d}" if case else ""
        return XmpData(
            title=title,
            created=created,
            producer=PRODUCER,
            creator_tool=f"{PRODUCER} (profile {self.profile.name})",
            identifier=identifier,
            extra=extra,
        )

    def _commit(self, prepared: _Prepared, tags: TagResult, out_dir: Path, written: list) -> list[Path]:
        """Record documents and pages and publish the files in one step: rows commit only after the renames."""
        home = self.settings.home
        outputs: list[Path] = []
        with self.db.session() as session:
            dossier = session.get(Dossier, prepared.dossier_id)
            originals = {o.seq: o for o in dossier.originals}
            seq_to_original = {}
            for task in prepared.tasks:
                seq_to_original[task.seq] = next(
                    (o.id for o in originals.values() if str(home / o.stored_path) == str(task.source)), None
                )
            docs_by_seq: dict[int, Document] = {}
            for plan, ordinal, tmp, dest in written:
                document = Document(
                    dossier_id=dossier.id,
                    ordinal=ordinal,
                    type=plan.type,
                    number=plan.number,
                    date=plan.date,
                    issuer=plan.issuer,
                    title=plan.type_name,
                    summary=plan.summary,
                    fields=plan.fields,
                    page_count=len(plan.pages),
                    output_path=str(dest.relative_to(home)),
                    sha256=sha256_file(tmp),
                    size=tmp.stat().st_size,
                    pdfa_ok=True,
                )
                session.add(document)
                session.flush()
                for r in plan.pages:
                    docs_by_seq[r.seq] = document
            frames = {t.seq: t.frame for t in prepared.tasks}
            for r in sorted(prepared.results, key=lambda r: r.seq):
                document = docs_by_seq.get(r.seq)
                session.add(
                    Page(
                        dossier_id=dossier.id,
                        document_id=document.id if document else None,
                        seq=r.seq,
                        original_id=seq_to_original.get(r.seq),
                        frame=frames.get(r.seq, 0),
                        width=r.width,
                        height=r.height,
                        dpi=r.dpi,
                        color_mode=r.color,
                        skew=r.skew,
                        orientation=r.orientation,
                        orientation_method=r.orientation_method,
                        blank=r.blank,
                        ink_ratio=r.ink_ratio,
                        ocr_confidence=r.ocr_confidence,
                        words=len(r.words),
                        sharpness=r.sharpness,
                        contrast=r.contrast,
                        fingerprint=_signed64(r.fingerprint),
                        duplicate_of=tags.duplicates.get(r.seq),
                        qr="\n".join(r.qr) or None,
                        text=r.text or None,
                        image_bytes=r.image_bytes if document else 0,
                        timings=r.timings,
                    )
                )
            dossier.status = DossierStatus.archived if tags.decision == "archived" else DossierStatus.needs_review
            dossier.error = None
            dossier.confidence = tags.confidence
            dossier.match_method = tags.method
            dossier.match_detail = tags.detail
            dossier.pages_out = sum(len(p.pages) for p in tags.documents)
            dossier.blank_pages = sum(1 for r in prepared.results if r.blank)
            dossier.output_dir = str(out_dir)
            dossier.seconds = round(time.perf_counter() - prepared.started, 3)
            dossier.archived_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            session.flush()
            # Search index and quality counters commit (or roll back) together with the rows.
            index_dossier(session, dossier.id)
            refresh_dossier(session, dossier.id, home=self.settings.home)
            for _, _, tmp, dest in written:
                os.chmod(tmp, 0o644)
                publish(tmp, dest)
                outputs.append(dest)
        return outputs


def _signed64(value: int | None) -> int | None:
    if value is None:
        return None
    return value - (1 << 64) if value >= 1 << 63 else value
