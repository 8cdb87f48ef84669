"""The poll's answer: each screen's playlist as prebuilt JSON bytes, cached per generation."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask, current_app
from sqlalchemy import select

from campaign.domain.model import Network, Screen
from campaign.domain.playlist import (
    NoPlayableContent,
    PlaylistEngine,
    PlaylistItem,
    PlaylistSettings,
    fallback_playlist,
)
from campaign.extensions import db
from campaign.persistence import network as n_rows
from campaign.persistence.queries import load_network, playing_campaign_row
from campaign.services.generation import current_generation
from campaign.services.renditions import Asset, Renditions
from campaign.services.screens import hash_token

JITTER = 0.2  # poll_after_s is the base interval ± 20 %, so a fleet spreads its polls
CHECK_EVERY_S = 1.0  # how often a process reads the generation counter
_EXTENSION = "campaign.player"


class NoCampaign(LookupError):
    """No campaign is loaded: there is nothing to play yet."""


@dataclass(frozen=True)
class ScreenRef:
    id: int
    code: str


@dataclass(frozen=True)
class Answer:
    """A screen's prebuilt playlist response."""

    version: str
    etag: str
    body: bytes
    valid_until: datetime


@dataclass
class _World:
    """What one content generation yields: the network, its engine and renditions."""

    network: Network
    engine: PlaylistEngine
    renditions: Renditions
    answers: dict[str, Answer] = field(default_factory=dict)


class PlayerCache:
    """Per-process caches for the player API: tokens, the network and every built answer.

    All of it is dropped when the content generation moves; the counter is read at most once
    every CHECK_EVERY_S. `now` and `monotonic` are the clocks, replaceable in tests.
    """

    def __init__(self) -> None:
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.monotonic: Callable[[], float] = time.monotonic
        self.generation: int | None = None
        self.checked_at = float("-inf")
        self.tokens: dict[str, ScreenRef] | None = None
        self.world: _World | None = None
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
                self.generation, self.tokens, self.world = generation, None, None

    def screen_for(self, token: str) -> ScreenRef | None:
        tokens = self.tokens
        if tokens is None:
            with self.lock:
                rows = db.session.execute(
                    select(n_rows.Screen.token_hash, n_rows.Screen.id, n_rows.Screen.code).where(
                        n_rows.Screen.token_hash.is_not(None),
                        n_rows.Screen.token_revoked_at.is_(None),
                    )
                )
                tokens = self.tokens = {h: ScreenRef(i, c) for h, i, c in rows}
        return tokens.get(hash_token(token))

    def warm_answer(self, token: str) -> Answer | None:
        """The token's answer when everything it takes is cached and fresh, without touching the
        database or the app; None means the request must take the full path (which warms it)."""
        if self.monotonic() - self.checked_at >= CHECK_EVERY_S:
            return None
        tokens, world = self.tokens, self.world
        if tokens is None or world is None:
            return None
        screen = tokens.get(hash_token(token))
        answer = None if screen is None else world.answers.get(screen.code)
        if answer is None or self.now() >= answer.valid_until:
            return None
        return answer

    def answer(self, code: str) -> Answer:
        """The screen's current answer: cached until its valid_until or a content change."""
        world = self.world or self._load_world()
        cached = world.answers.get(code)
        now = self.now()
        if cached is not None and now < cached.valid_until:
            return cached
        with self.lock:
            answer = world.answers[code] = build_answer(world, code, now)
        return answer

    def _load_world(self) -> _World:
        with self.lock:
            if self.world is None:
                row = playing_campaign_row(current_app.config["PLAYER_CAMPAIGN"])
                if row is None:
                    raise NoCampaign("no campaign is loaded yet")
                network = load_network(row)
                settings = PlaylistSettings(words_per_minute=current_app.config["WORDS_PER_MINUTE"])
                self.world = _World(
                    network, PlaylistEngine(network, settings), Renditions(row, network)
                )
            return self.world


def cache(app: Flask | None = None) -> PlayerCache:
    """The app's player cache (one per app per process)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_EXTENSION)
    if found is None:
        found = app.extensions[_EXTENSION] = PlayerCache()
    return found


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def poll_after(code: str, version: str, base: int) -> int:
    """The base interval ± JITTER, fixed for a screen and version so a cached body stays valid."""
    fraction = int.from_bytes(hashlib.sha256(f"{code}/{version}".encode()).digest()[:4]) / 2**32
    return max(1, round(base * (1 - JITTER + 2 * JITTER * fraction)))


def _resolve(
    world: _World, screen: Screen, items: tuple[PlaylistItem, ...], now: datetime
) -> list[tuple[PlaylistItem, Asset]]:
    """Items with their rendition; an item that has none and cannot get one is left out."""
    resolved = []
    for item in items:
        asset = world.renditions.find(item, screen.width, screen.height)
        if asset is None:
            asset = world.renditions.ensure(item, screen.width, screen.height, now=now)
        if asset is not None:
            resolved.append((item, asset))
    return resolved


def _item_json(item: PlaylistItem, asset: Asset) -> dict[str, object]:
    return {
        "id": item.id,
        "message": item.message_key,
        "lang": item.lang,
        "url": asset.url,
        "sha256": asset.sha256,
        "content_type": asset.content_type,
        "width": asset.width,
        "height": asset.height,
        "duration_s": item.duration_s,
    }


def build_answer(world: _World, code: str, now: datetime) -> Answer:
    """Build a screen's playlist body at `now` (rules in campaign.domain.playlist)."""
    network = world.network
    screen = network.screens[code]
    try:
        playlist = world.engine.build_for(screen, now)
        fallback = _resolve(
            world, screen, fallback_playlist(screen, network, world.engine.settings), now
        )
        items = fallback if playlist.is_fallback else _resolve(world, screen, playlist.items, now)
        valid_until = playlist.valid_until
    except NoPlayableContent:
        items, fallback, valid_until = [], [], now + world.engine.settings.max_validity
    if not items:  # every booked slide failed to draw: play the fallback rather than nothing
        items = fallback
    screen_json = {
        "code": screen.code,
        "hub": screen.hub_code,
        "zone": screen.zone_code,
        "orientation": screen.orientation.value,
        "width": screen.width,
        "height": screen.height,
        "timezone": network.hubs[screen.hub_code].timezone,
    }
    items_json = [_item_json(i, a) for i, a in items]
    fallback_json = [_item_json(i, a) for i, a in fallback]
    # The version covers what the player acts on (slides, files, durations), not when it was built.
    canonical = json.dumps(
        [screen_json, items_json, fallback_json], sort_keys=True, separators=(",", ":")
    )
    version = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    body = {
        "screen": screen_json,
        "version": version,
        "generated_at": _stamp(now),
        "valid_until": _stamp(valid_until),
        "poll_after_s": poll_after(code, version, current_app.config["PLAYER_POLL_SECONDS"]),
        "items": items_json,
        "fallback": fallback_json,
    }
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Answer(version, f'"{version}"', data, valid_until)
