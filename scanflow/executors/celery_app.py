"""The Celery application shared by `scanflow worker` and the Celery executor: settings, the page task, its codec.

Messages are JSON, never pickle: whoever can write to the broker must not be able to run code on the workers.
Paths inside a message are relative to the scanflow home, so a worker resolves them against its own mount of
the shared home (SCANFLOW_HOME on a network share may be mounted at different places on different machines).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import socket
import time
import types
import typing
import uuid
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from scanflow.pages import PageResult, PageTask, process_page

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
PAGE_TASK = "scanflow.page"
QUEUE = "scanflow.pages"
# A task still unacknowledged this long is handed to another worker, so it must exceed the slowest page
# (OCR timeout 180 s + decoding); a crashed worker's pages wait this long before they are redone.
DEFAULT_VISIBILITY_TIMEOUT = 600
RESTORE_INTERVAL = 5  # seconds between a live worker's sweeps for abandoned tasks
WORK_DIR_GRACE = 3.0  # seconds a worker waits for a dossier's work folder to appear on a network share


def broker_url(configured: str = "") -> str:
    """The broker to use: the configured URL ($SCANFLOW_BROKER_URL or scanflow.toml), else local Redis."""
    return configured or os.environ.get("SCANFLOW_BROKER_URL") or DEFAULT_BROKER


def namespace() -> str:
    """Prefix of every Redis key and channel scanflow uses ($SCANFLOW_BROKER_NAMESPACE, default none), so that
    several installations (production and a test one, two offices) can share one Redis without seeing each
    other's pages or workers."""
    value = os.environ.get("SCANFLOW_BROKER_NAMESPACE", "").strip()
    return f"{value}:" if value and not value.endswith(":") else value


def visibility_timeout() -> int:
    """Seconds before an unacknowledged page task is redelivered ($SCANFLOW_VISIBILITY_TIMEOUT, default 600)."""
    raw = os.environ.get("SCANFLOW_VISIBILITY_TIMEOUT", "")
    return int(raw) if raw.strip().isdigit() and int(raw) > 0 else DEFAULT_VISIBILITY_TIMEOUT


# -- codec: dataclasses <-> JSON-safe values ----------------------------------------------------------------


def portable_path(path: Path, home: Path) -> str:
    """PATH relative to HOME when it lies inside it (POSIX separators), else absolute."""
    try:
        return path.relative_to(home).as_posix()
    except ValueError:
        return str(path)


def local_path(value: str, home: Path) -> Path:
    """A path from a message, resolved against this machine's HOME."""
    path = Path(value)
    return path if path.is_absolute() else home / path


def _encode(value: Any, home: Path) -> Any:
    if isinstance(value, Path):
        return portable_path(value, home)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name), home) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_encode(v, home) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v, home) for k, v in value.items()}
    return value


def _decode(kind: Any, value: Any, home: Path) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _decode(options[0], value, home) if len(options) == 1 else value
    if kind is Path:
        return local_path(value, home)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{name: _decode(hints[name], v, home) for name, v in value.items() if name in hints})
    args = typing.get_args(kind)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, home) for v in value)
        return tuple(_decode(a, v, home) for a, v in zip(args, value, strict=False))
    if origin is list:
        return [_decode(args[0], v, home) for v in value]
    if origin is dict:
        return {k: _decode(args[1], v, home) for k, v in value.items()}
    return value


def encode_task(task: PageTask, home: Path) -> dict:
    """A PageTask as a JSON-safe dict, its paths relative to HOME."""
    return _encode(task, home)


def decode_task(data: dict, home: Path) -> PageTask:
    """A PageTask from a message, its paths resolved against this machine's HOME."""
    return _decode(PageTask, data, home)


def encode_result(result: PageResult, home: Path) -> dict:
    """A PageResult as a JSON-safe dict, its image path relative to HOME."""
    return _encode(result, home)


def decode_result(data: dict, home: Path) -> PageResult:
    """A PageResult from the result backend, its image path resolved against this machine's HOME."""
    return _decode(PageResult, data, home)


# -- the worker side -----------------------------------------------------------------------------------------


@functools.cache
def worker_home() -> Path:
    """The home this worker resolves message paths against ($SCANFLOW_HOME, set by `scanflow worker`)."""
    from scanflow.config import load_settings

    return load_settings().home


def run_page(payload: dict) -> dict:
    """Process one page from a message; every run writes into its own folder, so redelivered or duplicated
    runs of the same page never write over each other's files."""
    home = worker_home()
    task = decode_task(payload, home)
    deadline = time.monotonic() + WORK_DIR_GRACE
    while not task.work_dir.is_dir():
        if time.monotonic() > deadline:
            # Either the dossier was finished (its folder removed) and this is a stale duplicate, or this worker
            # does not see the shared home: either way there is nothing to write into.
            error = (f"page {task.seq}: worker {socket.gethostname()} cannot see {task.work_dir} "
                     "(dossier already finished, or SCANFLOW_HOME here is not the shared home)")
            return encode_result(PageResult(seq=task.seq, dpi=task.dpi, error=error), home)
        time.sleep(0.5)
    run_dir = task.work_dir / f"p{task.seq:05d}-{uuid.uuid4().hex[:8]}"
    run_dir.mkdir()
    result = process_page(dataclasses.replace(task, work_dir=run_dir))
    return encode_result(result, home)


@worker_process_init.connect
def _single_threaded(**_kwargs: Any) -> None:
    # One page per process and one process per core: OpenMP and OpenCV threads would only thrash.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import cv2

    cv2.setNumThreads(1)


def make_app(broker: str = "") -> Celery:
    """A Celery app on BROKER (results on the same Redis) with the page task registered."""
    url = broker_url(broker)
    prefix = {"global_keyprefix": namespace()} if namespace() else {}
    app = Celery("scanflow", broker=url, backend=url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        result_expires=6 * 3600,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility_timeout(),
            "unacked_restore_interval": RESTORE_INTERVAL,
            "unacked_restore_throttle": 1,
            **prefix,
        },
        result_backend_transport_options={"visibility_timeout": visibility_timeout(), **prefix},
        worker_send_task_events=False,
    )
    # resultrepr_maxsize: the worker's log line must not carry the page's text (documents stay on the premises).
    app.task(name=PAGE_TASK, acks_late=True, reject_on_worker_lost=True, resultrepr_maxsize=24)(run_page)
    return app
