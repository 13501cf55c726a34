"""Reprocessing: re-derive archived dossiers from their kept originals with the current profile, resumably.

Each selected dossier keeps its row: its pages are decoded again from originals/ (never from earlier PDFs),
run through the same page step and the same finishing code as `process` (Pipeline), and its documents are
replaced in one step: new PDFs are written and verified, swapped in under the same names, and the rows are
replaced in the same transaction. A dossier that fails keeps its old outputs and rows untouched.

Progress lives in the database (scanflow.store.maintenance): the list of dossiers is fixed when a run
starts, and running the same selection again resumes the unfinished run instead of starting over.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from scanflow.config import Profile, Settings, load_profile
from scanflow.documents import CaseRef, TagResult
from scanflow.errors import ConfigError, InputError, ScanflowError
from scanflow.intake.sources import inspect_file, sha256_file
from scanflow.ocr import tesseract
from scanflow.pages import PageResult, PageTask
from scanflow.pipeline import UNASSIGNED_DIR, InputSpec, Outcome, Pipeline, _Prepared
from scanflow.store.db import Database
from scanflow.store.maintenance import ItemState, ReprocessItem, ReprocessRun
from scanflow.store.models import Document, Dossier, DossierStatus, Original, Page, RegisterCase, utcnow

SELECTABLE = (DossierStatus.archived, DossierStatus.needs_review, DossierStatus.quarantined)
DEFAULT_STATUSES = (DossierStatus.archived, DossierStatus.needs_review)
STALE_AFTER = dt.timedelta(minutes=10)  # a run on another host silent this long is taken as dead


@dataclass(frozen=True)
class Selection:
    """Which dossiers to reprocess; the filters combine (all of them must hold). ValueError when it names none."""

    all: bool = False
    case: str | None = None  # mã hồ sơ
    don_vi: str | None = None  # the office
    since: dt.date | None = None  # archived (or received, if never archived) on or after this day
    status: str | None = None  # default: archived and needs_review

    def __post_init__(self) -> None:
        if not (self.all or self.case or self.don_vi or self.since or self.status):
            raise ValueError("say which dossiers to reprocess: --all, --case, --don-vi, --since or --status")
        if self.status is not None and self.status not in SELECTABLE:
            raise ValueError(f"--status {self.status}: expected one of {', '.join(SELECTABLE)}")

    def as_json(self) -> dict:
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        return data

    def key(self, profile: str | None) -> str:
        """The same selection with the same profile gives the same key: that is how a run is resumed."""
        text = json.dumps({"selection": self.as_json(), "profile": profile}, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_day(text: str) -> dt.date:
    """A day given as YYYY-MM-DD or DD/MM/YYYY (ValueError otherwise)."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"--since {text!r}: expected a date such as 2025-03-01 or 01/03/2025")


@dataclass
class Candidate:
    """A dossier the selection picked, with what is needed to plan and show the work."""

    dossier_id: int
    pages: int
    profile: str
    status: str
    case: str | None
    input: str


def select_dossiers(session: Session, selection: Selection) -> list[Candidate]:
    """The dossiers SELECTION picks that can be reprocessed (they have kept originals), oldest first."""
    has_originals = exists().where(Original.dossier_id == Dossier.id)
    pages = select(func.coalesce(func.sum(Original.page_count), 0)).where(Original.dossier_id == Dossier.id)
    query = select(
        Dossier.id, pages.scalar_subquery(), Dossier.profile, Dossier.status, Dossier.ma_ho_so, Dossier.input_path
    ).where(has_originals)
    statuses = (selection.status,) if selection.status else DEFAULT_STATUSES
    query = query.where(Dossier.status.in_(statuses))
    if selection.case:
        query = query.where(Dossier.ma_ho_so == selection.case)
    if selection.don_vi:
        query = query.where(Dossier.don_vi == selection.don_vi)
    if selection.since:
        start = dt.datetime.combine(selection.since, dt.time())
        query = query.where(func.coalesce(Dossier.archived_at, Dossier.created_at) >= start)
    rows = session.execute(query.order_by(Dossier.id)).all()
    return [Candidate(r[0], int(r[1] or 0), r[2], r[3], r[4], r[5]) for r in rows]


# -- the run record -----------------------------------------------------------------------------------------


@dataclass
class RunPlan:
    """A run to carry out: new or resumed, with the dossiers still to do."""

    run_id: int
    resumed: bool
    pending: list[Candidate]
    done_before: int = 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_not_running(run: ReprocessRun) -> None:
    here = socket.gethostname()
    if run.host == here and run.pid != os.getpid() and _pid_alive(run.pid):
        raise ConfigError(f"this reprocess is already running (run {run.id}, process {run.pid}); wait for it to end")
    if run.host != here and utcnow() - run.updated_at < STALE_AFTER:
        raise ConfigError(f"this reprocess is running on {run.host} (run {run.id}); wait for it to end")


def open_run(database: Database, selection: Selection, profile: str | None) -> RunPlan:
    """Resume the unfinished run of this selection and profile, or fix the list of dossiers of a new one."""
    key = selection.key(profile)
    with database.session() as session:
        run = session.scalars(
            select(ReprocessRun)
            .where(ReprocessRun.selection_key == key, ReprocessRun.finished_at.is_(None))
            .order_by(ReprocessRun.id.desc())
            .limit(1)
        ).first()
        if run is not None:
            _check_not_running(run)
            run.host, run.pid, run.updated_at = socket.gethostname(), os.getpid(), utcnow()
            rows = session.execute(
                select(ReprocessItem.dossier_id, ReprocessItem.pages, Dossier.profile, Dossier.status,
                       Dossier.ma_ho_so, Dossier.input_path)
                .join(Dossier, Dossier.id == ReprocessItem.dossier_id)
                .where(ReprocessItem.run_id == run.id, ReprocessItem.state == ItemState.pending)
                .order_by(ReprocessItem.position)
            ).all()
            pending = [Candidate(*row) for row in rows]
            return RunPlan(run.id, True, pending, done_before=run.total - len(pending))
        candidates = select_dossiers(session, selection)
        run = ReprocessRun(
            selection_key=key,
            selection=selection.as_json(),
            profile=profile,
            host=socket.gethostname(),
            pid=os.getpid(),
            total=len(candidates),
        )
        session.add(run)
        session.flush()
        session.add_all(
            ReprocessItem(run_id=run.id, dossier_id=c.dossier_id, position=i, pages=c.pages)
            for i, c in enumerate(candidates)
        )
        return RunPlan(run.id, False, candidates)


def pending_of(database: Database, selection: Selection, profile: str | None) -> tuple[list[Candidate], int | None]:
    """What a run of this selection would do now (for --dry-run): the unfinished run's rest, or a fresh pick."""
    key = selection.key(profile)
    with database.session() as session:
        run_id = session.scalar(
            select(ReprocessRun.id)
            .where(ReprocessRun.selection_key == key, ReprocessRun.finished_at.is_(None))
            .order_by(ReprocessRun.id.desc())
            .limit(1)
        )
        if run_id is None:
            return select_dossiers(session, selection), None
        rows = session.execute(
            select(ReprocessItem.dossier_id, ReprocessItem.pages, Dossier.profile, Dossier.status,
                   Dossier.ma_ho_so, Dossier.input_path)
            .join(Dossier, Dossier.id == ReprocessItem.dossier_id)
            .where(ReprocessItem.run_id == run_id, ReprocessItem.state == ItemState.pending)
            .order_by(ReprocessItem.position)
        ).all()
        return [Candidate(*row) for row in rows], run_id


def record_item(database: Database, run_id: int, dossier_id: int, error: str | None) -> None:
    """Mark one dossier of the run done (or failed, with why) and move the run's heartbeat."""
    state = ItemState.failed if error else ItemState.done
    now = utcnow()
    with database.session() as session:
        session.execute(
            update(ReprocessItem)
            .where(ReprocessItem.run_id == run_id, ReprocessItem.dossier_id == dossier_id)
            .values(state=state, error=error, finished_at=now)
        )
        counter = ReprocessRun.failed if error else ReprocessRun.done
        session.execute(
            update(ReprocessRun).where(ReprocessRun.id == run_id).values({counter: counter + 1, "updated_at": now})
        )


def finish_run(database: Database, run_id: int) -> None:
    with database.session() as session:
        session.execute(update(ReprocessRun).where(ReprocessRun.id == run_id).values(finished_at=utcnow()))


# -- re-deriving one dossier ----------------------------------------------------------------------------------


@dataclass
class Before:
    """A dossier as it was before this reprocess: what the report compares with and what a failure restores."""

    status: str
    ma_ho_so: str | None
    don_vi: str | None
    year: int | None
    confidence: float | None
    match_method: str | None
    match_detail: dict | None
    profile: str
    output_dir: str | None
    archived_at: dt.datetime | None
    pages: int
    ordinals: list[int] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)  # relative to the home
    resolutions: dict[int, dict] = field(default_factory=dict)  # page seq -> a person's duplicate decision


@dataclass
class Redone:
    """What reprocessing one dossier did, for the report line and `--json`."""

    dossier_id: int
    input: str
    status: str
    case: str | None
    pages: int
    documents: int
    outputs: list[str]
    error: str | None
    before: Before | None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.error is not None

    def to_json(self) -> str:
        before = self.before
        was = None
        if before is not None:
            was = {"status": before.status, "case": before.ma_ho_so, "pages": before.pages,
                   "documents": len(before.outputs)}
        data = {
            "dossier_id": self.dossier_id,
            "input": self.input,
            "status": self.status,
            "case": self.case,
            "pages": self.pages,
            "documents": self.documents,
            "outputs": self.outputs,
            "error": self.error,
            "before": was,
        }
        return json.dumps(data, ensure_ascii=False)


def _duplicate_decisions(session: Session, dossier_id: int) -> dict[int, dict]:
    """A person's decisions on this dossier's near-duplicate pages, by page seq (kept across the rebuild)."""
    try:
        from scanflow.store.quality import DuplicateResolution
    except ImportError:
        return {}
    decision = DuplicateResolution
    rows = session.execute(
        select(Page.seq, decision.resolution, decision.resolved_by, decision.resolved_at)
        .join(decision, decision.page_id == Page.id)
        .where(Page.dossier_id == dossier_id)
    ).all()
    return {seq: {"resolution": r, "resolved_by": by, "resolved_at": at} for seq, r, by, at in rows}


class _ReplacingDatabase:
    """The database as Pipeline._commit sees it during a reprocess: its transaction first drops the dossier's
    old documents and pages and finally restores what a person decided, so the swap is one commit."""

    def __init__(self, database: Database, dossier_id: int, finish: Callable[[Session], None]) -> None:
        self._database = database
        self._dossier_id = dossier_id
        self._finish = finish
        self._used = False

    def __getattr__(self, name: str):  # noqa: ANN204 - everything else is the real Database
        return getattr(self._database, name)

    @contextmanager
    def session(self) -> Iterator[Session]:
        if self._used:  # only the first transaction of _commit is the swap
            with self._database.session() as session:
                yield session
            return
        self._used = True
        with self._database.session() as session:
            session.execute(delete(Page).where(Page.dossier_id == self._dossier_id))
            session.execute(delete(Document).where(Document.dossier_id == self._dossier_id))
            yield session
            self._finish(session)


class Reprocessor(Pipeline):
    """Pipeline for dossiers that already exist: the same page step and finishing, with three differences:
    pages come from the dossier's Original rows, the documents replace the old ones under the same names,
    and a failure leaves the dossier as it was instead of quarantining it."""

    def __init__(self, settings: Settings, profile: Profile, database: Database, executor) -> None:  # noqa: ANN001
        super().__init__(settings, profile, database, executor, kind="reprocess")
        self.before: dict[int, Before] = {}

    # -- pages from the originals ----------------------------------------------------------------------------

    def _snapshot(self, session: Session, dossier: Dossier) -> Before:
        documents = sorted(dossier.documents, key=lambda d: d.ordinal)
        return Before(
            status=dossier.status,
            ma_ho_so=dossier.ma_ho_so,
            don_vi=dossier.don_vi,
            year=dossier.year,
            confidence=dossier.confidence,
            match_method=dossier.match_method,
            match_detail=dossier.match_detail,
            profile=dossier.profile,
            output_dir=dossier.output_dir,
            archived_at=dossier.archived_at,
            pages=dossier.pages_out,
            ordinals=[d.ordinal for d in documents],
            outputs=[d.output_path for d in documents if d.output_path],
            resolutions=_duplicate_decisions(session, dossier.id),
        )

    def prepare_existing(self, dossier_id: int) -> _Prepared:
        """The page tasks of an existing dossier, decoded again from its originals (checked against their hash)."""
        home = self.settings.home
        with self.db.session() as session:
            dossier = session.get(Dossier, dossier_id)
            if dossier is None:
                raise InputError(f"dossier {dossier_id} no longer exists")
            originals = [(o.name, o.sha256, o.stored_path, o.page_count) for o in dossier.originals]
            self.before[dossier_id] = self._snapshot(session, dossier)
            spec = InputSpec(Path(dossier.input_path), dossier.input_path, dossier.station)
        if not originals:
            raise InputError("no originals were kept for this dossier: it cannot be reprocessed")
        image = self.profile.image
        sources = []
        for name, sha, stored, page_count in originals:
            path = home / stored
            if not path.is_file():
                raise InputError(f"original {name} is missing ({stored}): run 'scanflow verify'")
            if sha256_file(path) != sha:
                raise InputError(f"original {name} has changed since it was received ({stored}): run 'scanflow verify'")
            source = inspect_file(path, name, default_dpi=image.default_dpi, max_megapixels=image.max_megapixels,
                                  existing_text=self.profile.pdf_input.existing_text)
            if len(source.frames) != page_count:
                raise InputError(f"original {name}: {len(source.frames)} pages now, {page_count} when received")
            sources.append(source)
        work_dir = Path(tempfile.mkdtemp(prefix=f"hs-{dossier_id}-", dir=self.settings.dir("work")))
        tasks = []
        for source in sources:
            for frame in source.frames:
                tasks.append(
                    PageTask(
                        seq=len(tasks) + 1,
                        source=source.path,
                        kind=source.kind,
                        frame=frame.index,
                        dpi=frame.dpi,
                        work_dir=work_dir,
                        image=self.profile.image,
                        ocr=self.profile.ocr,
                    )
                )
        return _Prepared(spec, dossier_id, tasks, work_dir, time.perf_counter(), [o[0] for o in originals])

    # -- where the documents go, and the swap ------------------------------------------------------------------

    def _keep_confirmed_case(self, session: Session, tags: TagResult, dossier_id: int) -> None:
        """A case a person confirmed stands: reprocessing re-reads the pages, it does not overrule people."""
        before = self.before[dossier_id]
        if before.match_method != "manual" or not before.ma_ho_so:
            return
        # The register may know the case better now (a case assigned before its register row was imported).
        entry = session.get(RegisterCase, before.ma_ho_so)
        case = CaseRef(before.ma_ho_so, entry.don_vi, entry.year) if entry else CaseRef(
            before.ma_ho_so, before.don_vi, before.year)
        tags.case = case
        tags.method, tags.confidence, tags.decision = "manual", before.confidence, "archived"
        tags.detail = before.match_detail  # who decided, when, among which candidates
        dossier = session.get(Dossier, dossier_id)
        dossier.ma_ho_so, dossier.don_vi, dossier.year = case.ma_ho_so, case.don_vi, case.year

    def _placement(self, session, tags: TagResult, dossier_id: int) -> tuple[Path, str, int]:  # noqa: ANN001
        """Keep the dossier's own folder and file names when its case is unchanged; else place it anew."""
        self._keep_confirmed_case(session, tags, dossier_id)
        folder, stem, first = super()._placement(session, tags, dossier_id)
        before = self.before[dossier_id]
        if not before.output_dir or not before.ordinals:
            return folder, stem, first
        old_dir = Path(before.output_dir)
        if folder.parts[:1] == (UNASSIGNED_DIR,) and old_dir.parts[:1] == (UNASSIGNED_DIR,):
            return old_dir, stem, first  # still unassigned: stay in the batch folder it was put in
        if folder != old_dir:
            return folder, stem, first
        start = min(before.ordinals)
        wanted = set(range(start, start + len(tags.documents)))
        taken = set(
            session.scalars(
                select(Document.ordinal)
                .join(Dossier, Dossier.id == Document.dossier_id)
                .where(Dossier.ma_ho_so == tags.case.ma_ho_so, Dossier.status == DossierStatus.archived,
                       Dossier.id != dossier_id)
            )
        )
        return (folder, stem, start) if not wanted & taken else (folder, stem, first)

    def _restore_decisions(self, session: Session, dossier_id: int) -> None:
        """Inside the swap's transaction: keep archived_at and a person's duplicate decisions; re-judge the case."""
        before = self.before[dossier_id]
        dossier = session.get(Dossier, dossier_id)
        dossier.profile = self.profile.name
        if before.archived_at is not None:
            dossier.archived_at = before.archived_at  # re-derived, not newly archived: period counters stand
        session.flush()
        if before.resolutions:
            from scanflow.store.quality import DuplicateResolution

            pages = session.execute(
                select(Page.seq, Page.id).where(Page.dossier_id == dossier_id, Page.duplicate_of.is_not(None))
            ).all()
            for seq, page_id in pages:
                if seq in before.resolutions:
                    session.add(DuplicateResolution(page_id=page_id, **before.resolutions[seq]))
            session.flush()
        self._refresh_derived(session, dossier_id, before)

    def _refresh_derived(self, session: Session, dossier_id: int, before: Before) -> None:
        try:
            from scanflow.quality.refresh import refresh_dossier
            from scanflow.search import index_dossier
        except ImportError:
            return
        dossier = session.get(Dossier, dossier_id)
        moved_from = before.ma_ho_so if before.ma_ho_so != dossier.ma_ho_so else None
        refresh_dossier(session, dossier_id, previous_case=moved_from, home=self.settings.home)
        index_dossier(session, dossier_id)

    def _commit(self, prepared: _Prepared, tags: TagResult, out_dir: Path, written: list) -> list[Path]:
        dossier_id = prepared.dossier_id
        real = self.db
        self.db = _ReplacingDatabase(real, dossier_id, lambda session: self._restore_decisions(session, dossier_id))
        try:
            outputs = super()._commit(prepared, tags, out_dir, written)
        finally:
            self.db = real
        home = self.settings.home
        before = self.before[dossier_id]
        kept = {p.resolve() for p in outputs}
        for old in before.outputs:
            path = home / old
            if path.resolve() not in kept:
                path.unlink(missing_ok=True)
        if before.output_dir and Path(before.output_dir) != out_dir:
            self._leave_folder(dossier_id, before)
        return outputs

    def _leave_folder(self, dossier_id: int, before: Before) -> None:
        """The dossier moved out of its old folder: rewrite the Danh mục the case still has there, or clear it."""
        archive = self.settings.dir("archive")
        folder = archive / before.output_dir
        stem = Path(before.outputs[0]).name.split(".")[0] if before.outputs else f"hs-{dossier_id}"
        with self.db.session() as session:
            remaining = session.scalar(
                select(Dossier.id)
                .where(Dossier.output_dir == before.output_dir, Dossier.id != dossier_id,
                       Dossier.status == DossierStatus.archived)
                .limit(1)
            )
        if remaining is not None:
            self.write_danh_muc(remaining, folder, stem)
            return
        for sidecar in folder.glob(f"{glob.escape(stem)}.danh-muc.*"):
            sidecar.unlink(missing_ok=True)
        _remove_empty_parents(folder, archive)

    def _fail(self, prepared: _Prepared, error: str) -> Outcome:
        """Leave the dossier as it was (its old documents stay valid); only undo the case fields _archive set."""
        before = self.before.get(prepared.dossier_id)
        if before is not None:
            with self.db.session() as session:
                dossier = session.get(Dossier, prepared.dossier_id)
                if dossier is not None:
                    dossier.ma_ho_so, dossier.don_vi, dossier.year = before.ma_ho_so, before.don_vi, before.year
        return Outcome(input=prepared.spec.given, status=before.status if before else DossierStatus.quarantined,
                       case=before.ma_ho_so if before else None, error=error, dossier_id=prepared.dossier_id)

    def _not_prepared(self, dossier_id: int, error: str) -> _Prepared:
        """A dossier whose pages could not even be listed: reported failed, left as it was."""
        before = self.before.get(dossier_id)
        with self.db.session() as session:
            dossier = session.get(Dossier, dossier_id)
            given = dossier.input_path if dossier is not None else f"dossier {dossier_id}"
        outcome = Outcome(input=given, status=before.status if before else DossierStatus.quarantined,
                          case=before.ma_ho_so if before else None, error=error, dossier_id=dossier_id)
        spec = InputSpec(Path(given), given)
        return _Prepared(spec, dossier_id, [], Path(), time.perf_counter(), [], outcome=outcome)

    # -- the run -----------------------------------------------------------------------------------------------

    def run_dossiers(self, dossier_ids: list[int]) -> Iterator[Outcome]:
        """Reprocess DOSSIER_IDS in order through the executor, yielding one Outcome each as it is finished."""
        tesseract.require_languages(self.profile.ocr.languages)
        self.batch_id = self._start_batch(None)
        queue: deque[_Prepared] = deque()

        def tasks() -> Iterator[PageTask]:
            for dossier_id in dossier_ids:
                try:
                    prepared = self.prepare_existing(dossier_id)
                except ScanflowError as exc:
                    prepared = self._not_prepared(dossier_id, str(exc))
                queue.append(prepared)
                yield from prepared.tasks

        yield from self._stream(tasks(), queue)


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    """Remove FOLDER and its parents up to (not including) STOP while they are empty."""
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def describe(database: Database, outcome: Outcome, before: Before | None) -> Redone:
    """The report of one reprocessed dossier, read back from the database."""
    with database.session() as session:
        dossier = session.get(Dossier, outcome.dossier_id)
        documents = list(dossier.documents) if dossier is not None else []
        return Redone(
            dossier_id=outcome.dossier_id,
            input=outcome.input,
            status=dossier.status if dossier is not None else outcome.status,
            case=dossier.ma_ho_so if dossier is not None else outcome.case,
            pages=dossier.pages_out if dossier is not None else 0,
            documents=len(documents),
            outputs=[d.output_path for d in documents if d.output_path],
            error=outcome.error,
            before=before,
            seconds=outcome.seconds,
        )


def reprocess(
    settings: Settings,
    database: Database,
    plan: RunPlan,
    profile_name: str | None,
    make_runner: Callable[[], object],
    *,
    on_page: Callable[[PageResult], None] | None = None,
) -> Iterator[Redone]:
    """Carry out PLAN: dossiers grouped by profile (PROFILE_NAME, else each one's own), each recorded as done."""
    groups: dict[str, list[int]] = {}
    for candidate in plan.pending:
        groups.setdefault(profile_name or candidate.profile, []).append(candidate.dossier_id)
        # Page files of an earlier, killed attempt: only a reprocess of this dossier writes there.
        for stale in settings.dir("work").glob(f"hs-{candidate.dossier_id}-*"):
            shutil.rmtree(stale, ignore_errors=True)
    runner = make_runner()
    try:
        for name, ids in groups.items():
            reprocessor = Reprocessor(settings, load_profile(name, settings.home), database, runner)
            reprocessor.on_page = on_page
            for outcome in reprocessor.run_dossiers(ids):
                record_item(database, plan.run_id, outcome.dossier_id, outcome.error)
                yield describe(database, outcome, reprocessor.before.get(outcome.dossier_id))
    except BaseException:
        runner.close(cancel=True)
        raise
    runner.close()
    finish_run(database, plan.run_id)
