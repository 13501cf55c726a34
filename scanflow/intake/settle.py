"""Settle detection: a unit is complete when its signature stayed the same for settle-seconds (or READY appears).

Pure bookkeeping over a clock passed in, so it is tested without sleeping; the watch service feeds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scanflow.intake.units import Signature, UnitRef, has_ready_marker, signature

MAX_RETRIES = 3  # a settled unit that does not parse is looked at again this many times before quarantine
MIN_BACKOFF_SECONDS = 1.0


@dataclass
class Watched:
    """A unit the service is following, from first sight until its inbox copy is gone."""

    ref: UnitRef
    sig: Signature | None
    changed_at: float  # when the signature last changed (or was first seen)
    row_id: int | None = None
    retry_at: float = 0.0
    attempts: int = 0  # settled-but-unreadable rounds since the last change
    busy: bool = False  # handed over for processing; not polled until released


class SettleTracker:
    """Follows units' signatures and says which ones are complete."""

    def __init__(
        self,
        settle_seconds: float,
        *,
        max_retries: int = MAX_RETRIES,
        signature_of: Callable[[UnitRef], Signature | None] | None = None,
        ready_of: Callable[[UnitRef], bool] | None = None,
    ) -> None:
        self.settle_seconds = settle_seconds
        self.max_retries = max_retries
        self._signature_of = signature_of or (lambda ref: signature(ref.path))
        self._ready_of = ready_of or (lambda ref: has_ready_marker(ref.path))
        self.units: dict[tuple[str, str], Watched] = {}

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self.units

    def __len__(self) -> int:
        return len(self.units)

    def follow(self, ref: UnitRef, now: float, row_id: int | None = None) -> Watched:
        """Start following REF (no-op when already followed); the settle clock starts now."""
        watched = self.units.get(ref.key)
        if watched is None:
            watched = Watched(ref, self._signature_of(ref), now, row_id=row_id)
            self.units[ref.key] = watched
        return watched

    def poll(self, now: float) -> tuple[list[Watched], list[Watched]]:
        """Re-read the signatures of idle units: (units now complete, marked busy; units that disappeared)."""
        settled: list[Watched] = []
        gone: list[Watched] = []
        for key, watched in list(self.units.items()):
            if watched.busy:
                continue
            current = self._signature_of(watched.ref)
            if current is None:
                del self.units[key]
                gone.append(watched)
                continue
            if current != watched.sig:
                # Still being written: start the settle clock again and forget earlier failed reads.
                watched.sig, watched.changed_at = current, now
                watched.attempts, watched.retry_at = 0, 0.0
                continue
            if now < watched.retry_at:
                continue
            if now - watched.changed_at >= self.settle_seconds or self._ready_of(watched.ref):
                watched.busy = True
                settled.append(watched)
        return settled, gone

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before reading a unit again after its ATTEMPT-th failed read (1, 2, 4 × settle)."""
        return max(self.settle_seconds, MIN_BACKOFF_SECONDS) * 2 ** (attempt - 1)

    def retry(self, watched: Watched, now: float) -> bool:
        """A settled unit did not parse: schedule another look, or False when the retry budget is spent."""
        if watched.attempts >= self.max_retries:
            return False
        watched.attempts += 1
        watched.retry_at = now + self.backoff(watched.attempts)
        watched.busy = False
        return True

    def hold(self, watched: Watched, until: float) -> None:
        """Not now: look at the unit again from UNTIL (it stays complete unless it changes)."""
        watched.retry_at = until
        watched.busy = False

    def requeue(self, watched: Watched, now: float, sig: Signature | None) -> None:
        """The unit changed after it settled: follow it again from now."""
        watched.sig, watched.changed_at = sig, now
        watched.attempts, watched.retry_at = 0, 0.0
        watched.busy = False

    def release(self, watched: Watched) -> None:
        """Stop following a unit (finished, or left for the next start)."""
        self.units.pop(watched.ref.key, None)
