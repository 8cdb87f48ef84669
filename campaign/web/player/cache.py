"""The poll's answers: each screen's playlist as JSON bytes, built once per content generation."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app

from campaign.services.clock import clock_of
from campaign.services.generation import current_generation
from campaign.services.playback import NoCampaign, Playback, ScreenPlaylist
from campaign.services.screens import ScreenRef, hash_token, screens_by_token_hash

JITTER = 0.2  # poll_after_s is the base interval ± 20 %, so a fleet spreads its polls
CHECK_EVERY_S = 1.0  # how often a process reads the generation counter
# Answers kept per process: one per screen polling this worker; a bound, not a working size.
MAX_ANSWERS = 20_000
_EXTENSION = "campaign.player"

__all__ = ["Answer", "NoCampaign", "PlayerCache", "ScreenRef", "cache"]


@dataclass(frozen=True)
class Answer:
    """A screen's prebuilt playlist response."""

    version: str
    etag: str
    body: bytes
    valid_until: datetime


class PlayerCache:
    """Per-process caches for the player API: tokens, the network's playback and every answer.

    All of it is dropped when the content generation moves; the counter is read at most once
    every CHECK_EVERY_S. The instant is the app's clock; `monotonic` can be replaced in tests.
    """

    def __init__(self, app: Flask) -> None:
        self.clock = clock_of(app)
        self.monotonic: Callable[[], float] = self.clock.monotonic
        self.generation: int | None = None
        self.checked_at = float("-inf")
        self.tokens: dict[str, ScreenRef] | None = None
        self.playback: Playback | None = None
        self.answers: dict[str, Answer] = {}
        # Rebuilding is rare; a lock keeps threaded servers from building the same thing twice.
        self.lock = threading.RLock()

    def sync(self) -> None:
        """Drop every cache if the content generation moved (checked at most once a second)."""
        moment = self.monotonic()
        if moment - self.checked_at < CHECK_EVERY_S:
            return
        generation = current_generation()
        with self.lock:
            self.checked_at = moment
            if generation != self.generation:
                self.generation, self.tokens, self.playback = generation, None, None
                self.answers = {}

    def screen_for(self, token: str) -> ScreenRef | None:
        tokens = self.tokens
        if tokens is None:
            with self.lock:
                tokens = self.tokens = screens_by_token_hash()
        return tokens.get(hash_token(token))

    def warm_answer(self, token: str) -> Answer | None:
        """The token's answer when everything it takes is cached and fresh, without touching the
        database or the app; None means the request must take the full path (which warms it)."""
        if self.monotonic() - self.checked_at >= CHECK_EVERY_S:
            return None
        tokens, answers = self.tokens, self.answers
        if tokens is None or self.playback is None:
            return None
        screen = tokens.get(hash_token(token))
        answer = None if screen is None else answers.get(screen.code)
        if answer is None or self.clock.now() >= answer.valid_until:
            return None
        return answer

    def answer(self, code: str) -> Answer:
        """The screen's current answer: cached until its valid_until or a content change."""
        cached = self.answers.get(code)
        now = self.clock.now()
        if cached is not None and now < cached.valid_until and self.playback is not None:
            return cached
        with self.lock:
            cached = self.answers.get(code)  # another thread may have built it meanwhile
            if cached is not None and now < cached.valid_until and self.playback is not None:
                return cached
            if self.playback is None:
                self.playback = Playback()
            playlist = self.playback.screen_playlist(code, now)
            answer = build_answer(playlist, now, current_app.config["PLAYER_POLL_SECONDS"])
            if len(self.answers) >= MAX_ANSWERS:
                self.answers = {}
            self.answers[code] = answer
        return answer


def cache(app: Flask | None = None) -> PlayerCache:
    """The app's player cache (one per app per process)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_EXTENSION)
    if found is None:
        found = app.extensions[_EXTENSION] = PlayerCache(app)
    return found  # type: ignore[no-any-return]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def poll_after(code: str, version: str, base: int) -> int:
    """The base interval ± JITTER, fixed for a screen and version so a cached body stays valid."""
    fraction = int.from_bytes(hashlib.sha256(f"{code}/{version}".encode()).digest()[:4]) / 2**32
    return max(1, round(base * (1 - JITTER + 2 * JITTER * fraction)))


def build_answer(playlist: ScreenPlaylist, now: datetime, poll_seconds: int) -> Answer:
    """A screen's playlist as the poll's body (docs/player-protocol.md), built once."""
    code, version = playlist.screen.code, playlist.version
    body = {
        "screen": playlist.screen_json(),
        "version": version,
        "generated_at": _stamp(now),
        "valid_until": _stamp(playlist.valid_until),
        "poll_after_s": poll_after(code, version, poll_seconds),
        "items": [shown.as_json() for shown in playlist.items],
        "fallback": [shown.as_json() for shown in playlist.fallback],
    }
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Answer(version, f'"{version}"', data, playlist.valid_until)
