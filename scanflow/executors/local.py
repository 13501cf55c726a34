"""The embedded executor: a pool of worker processes on this machine, one per core by default."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from scanflow.pages import PageResult, PageTask, process_page


def _init_worker() -> None:
    # Tesseract and OpenCV each want every core; with one process per core they must take one each.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import cv2

    cv2.setNumThreads(1)


class LocalExecutor:
    """Runs page tasks in a process pool, yielding results in submission order with a bounded backlog."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn" if sys.platform == "win32" else "forkserver")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker)
        return self._pool

    def map_pages(self, tasks: Iterable[PageTask]) -> Iterator[PageResult]:
        """Process TASKS, at most a few per worker in flight (pages are large), results in task order."""
        pool = self._ensure_pool()
        window = self.workers * 2
        pending: deque[Future[PageResult]] = deque()
        iterator = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                try:
                    task = next(iterator)
                except StopIteration:
                    exhausted = True
                    break
                pending.append(pool.submit(process_page, task))
            if not pending:
                return
            yield pending.popleft().result()

    def close(self, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self._pool = None
