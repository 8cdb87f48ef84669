"""The app's one clock: every "now" outside the domain comes from it, and tests can set it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app

_EXTENSION = "campaign.clock"


class Clock:
    """The wall clock, or a fixed instant a test (or a preview) has set for the whole app.

    `now()` is always timezone-aware, in UTC. `monotonic()` measures intervals and is never set:
    a frozen wall clock must not stop caches from checking for new content.
    """

    def __init__(self) -> None:
        self._fixed: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        fixed = self._fixed
        return datetime.now(UTC) if fixed is None else fixed

    def monotonic(self) -> float:
        return time.monotonic()

    def set(self, at: datetime | None) -> None:
        """Stop the clock at the aware instant `at`; None lets it run with the wall clock again."""
        if at is not None and (at.tzinfo is None or at.utcoffset() is None):
            raise ValueError(f"the clock needs a timezone-aware instant, not {at.isoformat()}")
        with self._lock:
            self._fixed = None if at is None else at.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        """Move a stopped clock on by `delta` (a running one is stopped at now + delta)."""
        with self._lock:
            self._fixed = self.now() + delta
            return self._fixed


def init_app(app: Flask) -> None:
    """Give the app its clock; a `CLOCK_AT` setting (an aware instant) starts it stopped there."""
    clock = app.extensions[_EXTENSION] = Clock()
    if app.config.get("CLOCK_AT") is not None:
        clock.set(app.config["CLOCK_AT"])


def clock_of(app: Flask | None = None) -> Clock:
    """The app's clock (the current app's when none is given)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions[_EXTENSION]  # type: ignore[no-any-return]


def now() -> datetime:
    """The current app's "now", aware, in UTC."""
    return clock_of().now()
