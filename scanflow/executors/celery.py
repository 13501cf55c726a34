"""The distributed executor: page tasks go to `scanflow worker` processes on any machine through the broker."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator

from celery.exceptions import TimeoutError as CeleryTimeout
from celery.result import AsyncResult
from kombu.exceptions import OperationalError

from scanflow.config import Settings
from scanflow.errors import ConfigError
from scanflow.executors.celery_app import PAGE_TASK, QUEUE, broker_url, decode_result, encode_task, make_app
from scanflow.pages import PageResult, PageTask
from scanflow.store.db import redact

log = logging.getLogger("scanflow.executors.celery")

MIN_WINDOW = 32  # pages in flight: enough to keep a room of workers busy while the submitter writes PDFs
POLL_SECONDS = 5.0
NAG_SECONDS = 60.0  # how often to say that results are slow to come
GIVE_UP_SECONDS = 300.0  # no worker answering at all for this long: stop waiting and say so


class CeleryExecutor:
    """Sends page tasks to the broker and yields their results in task order, a bounded number in flight.

    The submitting process keeps everything about the dossier (rows, PDFs): workers only run the page step,
    so a page redelivered after a worker died is simply done again and its dossier is still finished once.
    """

    def __init__(self, settings: Settings, workers: int = 0, *, window: int = 0,
                 give_up: float = GIVE_UP_SECONDS) -> None:
        self.home = settings.home
        self.give_up = give_up
        self.workers = max(1, workers)  # what the caller sizes its batches by; the workers themselves may be more
        self.broker = broker_url(settings.broker_url)
        self.window = window or max(MIN_WINDOW, 4 * workers)
        self.app = make_app(self.broker)
        self._pending: deque[tuple[PageTask, AsyncResult]] = deque()
        self._checked = False

    def _where(self) -> str:
        return redact(self.broker)

    def _require_workers(self) -> None:
        """Fail early and clearly when the broker is down or no worker listens, rather than wait forever."""
        try:
            replies = self.app.control.ping(timeout=3.0, limit=1)
        except OperationalError as exc:
            raise ConfigError(f"cannot reach the task broker {self._where()}: {exc}") from None
        if not replies:
            raise ConfigError(f"no scanflow worker answers on {self._where()}: start one with 'scanflow worker'")
        self._checked = True

    def _submit(self, task: PageTask) -> None:
        try:
            handle = self.app.send_task(PAGE_TASK, args=[encode_task(task, self.home)], queue=QUEUE)
        except OperationalError as exc:
            raise ConfigError(f"cannot send work to the task broker {self._where()}: {exc}") from None
        self._pending.append((task, handle))

    def _workers_answer(self) -> bool:
        try:
            return bool(self.app.control.ping(timeout=2.0, limit=1))
        except OperationalError:
            return False

    def _wait(self, task: PageTask, handle: AsyncResult) -> PageResult:
        """The result of one task. A dead worker's task comes back by itself (redelivery), so this waits for as
        long as some worker is alive; only when none has answered for `give_up` seconds does it raise."""
        started = time.monotonic()
        checked = seen = started
        every = min(NAG_SECONDS, self.give_up / 3)
        while True:
            try:
                value = handle.get(timeout=min(POLL_SECONDS, every), propagate=False)
                break
            except CeleryTimeout:
                now = time.monotonic()
                if now - checked < every:
                    continue
                checked = now
                if self._workers_answer():
                    seen = now
                elif now - seen >= self.give_up:
                    raise ConfigError(
                        f"no scanflow worker has answered on {self._where()} for {now - seen:.0f} s; "
                        f"{len(self._pending)} pages were waiting: start workers and run again"
                    ) from None
                log.warning("page %s: no result after %.0f s; waiting for a worker on %s",
                            task.seq, now - started, self._where())
        try:
            if handle.successful() and isinstance(value, dict):
                return decode_result(value, self.home)
            return PageResult(seq=task.seq, dpi=task.dpi, error=f"page {task.seq}: worker failed: {value!r}"[:300])
        finally:
            handle.forget()

    def map_pages(self, tasks: Iterable[PageTask]) -> Iterator[PageResult]:
        """Enqueue TASKS (at most `window` unfinished) and yield their results in task order."""
        if not self._checked:
            self._require_workers()
        iterator = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(self._pending) < self.window:
                try:
                    task = next(iterator)
                except StopIteration:
                    exhausted = True
                    break
                self._submit(task)
            if not self._pending:
                return
            task, handle = self._pending[0]
            result = self._wait(task, handle)
            self._pending.popleft()
            yield result

    def close(self, cancel: bool = False) -> None:
        """Forget what is still queued; with CANCEL, also tell the workers to drop it."""
        ids = [handle.id for _, handle in self._pending]
        self._pending.clear()
        if ids and cancel:
            try:
                self.app.control.revoke(ids)
            except OperationalError:
                log.warning("could not revoke %d queued page tasks on %s", len(ids), self._where())
        self.app.close()
