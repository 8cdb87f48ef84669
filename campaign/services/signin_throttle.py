"""Sign-in throttling: failed passwords counted per (address, e-mail) by Flask-Limiter."""

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

log = logging.getLogger(__name__)

# Stacked limits on one (address, e-mail) pair, so the waits grow: 5 wrong passwords cost a
# minute at most, 10 a quarter of an hour, 20 an hour, 40 a day. Only failures count; a success
# clears them. No limit is per address alone or per e-mail alone: a guesser elsewhere, or many
# managers behind one proxy, never spend the owner's budget. Setting: LOGIN_THROTTLE.
DEFAULT_LIMITS = "5 per minute; 10 per 15 minutes; 20 per hour; 40 per day"

T = TypeVar("T")


@lru_cache(maxsize=8)
def _parse(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def _limits() -> tuple[RateLimitItem, ...]:
    return _parse(str(current_app.config.get("LOGIN_THROTTLE", DEFAULT_LIMITS)))


def _key(email: str, address: str) -> tuple[str, str, str]:
    # The address first: it never holds "/", so no (address, e-mail) pair can read as another.
    return ("signin", address or "-", email[:254])


def _guarded(action: Callable[[], T], fallback: T) -> T:
    """Run a storage call; with RATELIMIT_SWALLOW_ERRORS a dead store (Redis down) lets sign-in
    go on unthrottled, as Flask-Limiter does for its own limits, instead of refusing everyone."""
    try:
        return action()
    except Exception:
        if not current_app.config.get("RATELIMIT_SWALLOW_ERRORS", False):
            raise
        log.exception("sign-in throttling skipped: the rate limit storage failed")
        return fallback


def seconds_to_wait(email: str, address: str) -> int:
    """0 if this pair may try a password now, else the seconds until it may."""
    if not limiter.enabled:
        return 0
    key = _key(email, address)

    def resets() -> list[float]:
        strategy = limiter.limiter
        return [
            strategy.get_window_stats(item, *key).reset_time
            for item in _limits()
            if not strategy.test(item, *key)
        ]

    spent = _guarded(resets, [])
    if not spent:
        return 0
    # Every spent limit must have reset: wait for the one that resets last. Its reset time is
    # the storage's wall clock (time.time), not the app's settable clock.
    return max(1, math.ceil(max(spent) - time.time()))


def count_failure(email: str, address: str) -> None:
    """One more wrong password from this address for this e-mail, against every limit."""
    if limiter.enabled:
        key = _key(email, address)
        _guarded(lambda: [limiter.limiter.hit(item, *key) for item in _limits()], [])


def forget_failures(email: str, address: str) -> None:
    """The right password from this pair: its earlier typos stop counting."""
    if limiter.enabled:
        key = _key(email, address)
        _guarded(lambda: [limiter.limiter.clear(item, *key) for item in _limits()], [])
