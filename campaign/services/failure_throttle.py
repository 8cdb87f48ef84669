"""Failures counted per key against stacked Flask-Limiter limits: wrong passwords, wrong codes."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from flask import current_app
from limits import RateLimitItem, parse_many

from campaign.extensions import limiter
from campaign.services.errors import ServiceError

log = logging.getLogger(__name__)

T = TypeVar("T")


class TooManyAttempts(ServiceError):
    """Too many failures for this key: try again after `retry_after` seconds."""

    status = 429
    code = "too_many_requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


@lru_cache(maxsize=8)
def _parse(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


class FailureThrottle:
    """Only failures count, against every limit of a setting (stacked, so the waits grow); a
    key is spent until each limit it ran out of has reset."""

    def __init__(self, name: str, setting: str) -> None:
        self.name = name  # the keys' namespace in the rate-limit storage
        self.setting = setting  # the config entry with the limits, e.g. "5 per minute; 20 per hour"

    def _limits(self) -> tuple[RateLimitItem, ...]:
        return _parse(str(current_app.config[self.setting]))

    def _guarded(self, action: Callable[[], T], fallback: T) -> T:
        """Run a storage call; with RATELIMIT_SWALLOW_ERRORS a dead store (Redis down) lets
        people go on unthrottled, as Flask-Limiter does for its own limits, instead of refusing
        everyone."""
        try:
            return action()
        except Exception:
            if not current_app.config.get("RATELIMIT_SWALLOW_ERRORS", False):
                raise
            log.exception("%s throttling skipped: the rate limit storage failed", self.name)
            return fallback

    def seconds_to_wait(self, *key: str) -> int:
        """0 if `key` may try now, else the seconds until it may."""
        if not limiter.enabled:
            return 0
        parts = (self.name, *key)

        def resets() -> list[float]:
            strategy = limiter.limiter
            return [
                strategy.get_window_stats(item, *parts).reset_time
                for item in self._limits()
                if not strategy.test(item, *parts)
            ]

        spent = self._guarded(resets, [])
        if not spent:
            return 0
        # Every spent limit must have reset: wait for the one that resets last. Its reset time is
        # the storage's wall clock (time.time), not the app's settable clock.
        return max(1, math.ceil(max(spent) - time.time()))

    def count_failure(self, *key: str) -> None:
        """One more failure for `key`, against every limit."""
        if limiter.enabled:
            parts = (self.name, *key)
            self._guarded(lambda: [limiter.limiter.hit(i, *parts) for i in self._limits()], [])

    def forget_failures(self, *key: str) -> None:
        """A success: the key's earlier failures stop counting."""
        if limiter.enabled:
            parts = (self.name, *key)
            self._guarded(lambda: [limiter.limiter.clear(i, *parts) for i in self._limits()], [])
