"""Helpers for proof-of-play tests: a real poll (what a screen was served), then its plays."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import Flask

from campaign.services.clock import clock_of
from campaign.web.player import cache as player_cache

PLAYLIST = "/api/v1/player/playlist"
PLAYS = "/api/v1/player/plays"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def as_another_worker(app: Flask) -> None:
    """Make the app's player cache as a new process's would be: empty, on the same folders."""
    cache = player_cache.cache(app)
    cache.__init__(app)  # type: ignore[misc]  # in place: the fast path holds this one


def poll(app: Flask, token: str, at: datetime) -> dict[str, Any]:
    """Poll as the screen does at `at` (the app's clock is left there); its playlist."""
    clock_of(app).set(at)
    player_cache.cache(app).checked_at = float("-inf")  # see new tokens now, not in a second
    answer = app.test_client().get(PLAYLIST, headers=auth(token))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()  # type: ignore[no-any-return]


def plays_of(
    items: list[dict[str, Any]], start: datetime, count: int, *, gap_s: float = 0.0
) -> list[dict[str, object]]:
    """`count` plays of the loop's items, one after the other from `start`, as a player sends."""
    plays: list[dict[str, object]] = []
    at = start
    for n in range(count):
        item = items[n % len(items)]
        plays.append(
            {
                "id": str(uuid.uuid4()),
                "item_id": item["id"],
                "started_at": at.isoformat(),
                "duration_s": item["duration_s"],
            }
        )
        at += timedelta(seconds=item["duration_s"] + gap_s)
    return plays
