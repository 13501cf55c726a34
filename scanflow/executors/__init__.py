"""Where page work runs: the local process pool (default) or Celery workers on other machines."""

from __future__ import annotations

from scanflow.config import Settings
from scanflow.errors import ConfigError, MissingDependencyError


def make_executor(name: str, settings: Settings, workers: int):  # noqa: ANN201 - LocalExecutor | CeleryExecutor
    """The executor called NAME with WORKERS processes (local) or the configured broker (celery)."""
    if name == "local":
        from scanflow.executors.local import LocalExecutor

        return LocalExecutor(workers)
    if name == "celery":
        try:
            from scanflow.executors.celery import CeleryExecutor
        except ImportError as exc:
            raise MissingDependencyError(f"executor 'celery' needs: pip install 'scanflow[scale]' ({exc})") from None

        return CeleryExecutor(settings, workers)
    raise ConfigError(f"unknown executor {name!r}: expected local or celery")
