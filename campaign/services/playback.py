"""What a screen plays at an instant, with every item's picture: the one answer to that question.

The poll and its fast path, the preview API, the overview page, slide preparation and the
benchmarks all ask `Playback.screen_playlist`; nothing else assembles the network or the engines.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app

from campaign.domain.model import Screen
from campaign.domain.playback import NetworkPlayback
from campaign.domain.playlist import PlaylistItem, PlaylistSettings
from campaign.persistence.queries import load_networks
from campaign.services import clock
from campaign.services.renditions import Asset, Renditions


class NoCampaign(LookupError):
    """No campaign is loaded: there is nothing to play yet."""


@dataclass(frozen=True)
class ShownItem:
    """A playlist item with the picture a screen shows for it."""

    item: PlaylistItem
    asset: Asset | None  # None only when asked not to draw, for a picture not drawn yet

    def as_json(self) -> dict[str, object]:
        """The item as the player protocol describes it (docs/player-protocol.md)."""
        item, asset = self.item, self.asset
        assert asset is not None, "only drawn items go to players"
        return {
            "id": item.id,
            "campaign": item.campaign,
            "message": item.message_key,
            "lang": item.lang,
            "url": asset.url,
            "sha256": asset.sha256,
            "content_type": asset.content_type,
            "width": asset.width,
            "height": asset.height,
            "duration_s": item.duration_s,
        }


@dataclass(frozen=True)
class ScreenPlaylist:
    """What a screen plays at an instant and what it falls back on when it cannot reach us."""

    screen: Screen
    timezone: str
    items: tuple[ShownItem, ...]
    fallback: tuple[ShownItem, ...]
    valid_until: datetime
    is_fallback: bool
    version: str  # covers what a player acts on: slides, files, durations; equal content, equal

    @property
    def campaigns(self) -> tuple[str, ...]:
        """The slugs of the campaigns whose slides play, in slug order."""
        return tuple(sorted({shown.item.campaign for shown in self.items}))

    def screen_json(self) -> dict[str, object]:
        screen = self.screen
        return {
            "code": screen.code,
            "hub": screen.hub_code,
            "zone": screen.zone_code,
            "orientation": screen.orientation.value,
            "width": screen.width,
            "height": screen.height,
            "timezone": self.timezone,
        }


def content_version(
    screen: dict[str, object], items: list[dict[str, object]], fallback: list[dict[str, object]]
) -> str:
    """A sha256 of what the player acts on, as canonical JSON: the same in every process."""
    canonical = json.dumps([screen, items, fallback], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


class Playback:
    """One content generation of the whole network: every campaign's network and engine (built
    once) and their renditions. Build a new one when the content generation moves."""

    def __init__(self, settings: PlaylistSettings | None = None) -> None:
        settings = settings or PlaylistSettings(
            words_per_minute=current_app.config["WORDS_PER_MINUTE"]
        )
        loaded = load_networks()
        if not loaded:
            raise NoCampaign("no campaign is loaded yet")
        self.networks = {network.campaign.slug: network for _, network in loaded}
        self.engine = NetworkPlayback([network for _, network in loaded], settings)
        self.renditions = {
            network.campaign.slug: Renditions(row, network) for row, network in loaded
        }

    @property
    def screens(self) -> dict[str, Screen]:
        return self.engine.screens

    def screen_playlist(self, code: str, at: datetime, *, draw: bool = True) -> ScreenPlaylist:
        """What the screen `code` plays at the aware instant `at` (KeyError: no such screen).

        Items whose picture is missing are drawn now; an item that cannot be drawn is left out,
        and if every booked item is left out the screen plays its fallback rather than nothing.
        With `draw` False (a page showing many screens at once) nothing is drawn: an item not
        drawn yet has no asset, and the version is "" (it covers the pictures)."""
        loop = self.engine.loop(code, at)
        screen = loop.screen
        fallback = self._shown(screen, loop.fallback, draw)
        items = fallback if loop.is_fallback else self._shown(screen, loop.items, draw)
        is_fallback = loop.is_fallback or not items
        items = items or fallback
        hub = self.engine.hub(screen)
        playlist = ScreenPlaylist(
            screen=screen,
            timezone=hub.timezone,
            items=items,
            fallback=fallback,
            valid_until=loop.valid_until,
            is_fallback=is_fallback,
            version="",
        )
        if any(shown.asset is None for shown in items + fallback):
            return playlist
        version = content_version(
            playlist.screen_json(),
            [shown.as_json() for shown in items],
            [shown.as_json() for shown in fallback],
        )
        return replace(playlist, version=version)

    def _shown(
        self, screen: Screen, items: tuple[PlaylistItem, ...], draw: bool
    ) -> tuple[ShownItem, ...]:
        shown = []
        size = screen.width, screen.height
        for item in items:
            if draw:  # a picture drawn now is recorded now, whatever instant is previewed
                asset = self.asset_for(item, *size, clock.now())
                if asset is not None:
                    shown.append(ShownItem(item, asset))
                continue
            renditions = self.renditions[item.campaign]
            if not renditions.cannot_draw(item, *size):
                shown.append(ShownItem(item, renditions.find(item, *size)))
        return tuple(shown)

    def asset_for(self, item: PlaylistItem, width: int, height: int, now: datetime) -> Asset | None:
        """The item's picture for a screen size, drawn (and recorded at `now`) if missing; None
        if it cannot be drawn."""
        renditions = self.renditions[item.campaign]
        found = renditions.find(item, width, height)
        return found or renditions.ensure(item, width, height, now=now)

    def prepare(self, at: datetime) -> dict[str, int]:
        """Draw, ahead of the polls, every picture the screens need at `at`: their loops and
        fallbacks for every screen size in use, and every poster of every campaign. Counts."""
        needed: dict[tuple[str, int, int], PlaylistItem] = {}
        for code in sorted(self.screens):
            loop = self.engine.loop(code, at)
            screen = loop.screen
            for item in loop.items + loop.fallback:
                needed.setdefault((item.id, screen.width, screen.height), item)
        drawn = failed = 0
        for (_, width, height), item in sorted(needed.items(), key=lambda kv: kv[0]):
            renditions = self.renditions[item.campaign]
            if renditions.find(item, width, height) is not None:
                continue
            if renditions.ensure(item, width, height, now=at) is None:
                failed += 1
            else:
                drawn += 1
        posters = 0
        # Posters of messages not playing yet too, so a booking that starts needs no drawing.
        for renditions in self.renditions.values():
            for poster in renditions.posters.values():
                renditions.ensure_poster(poster, now=at)
            posters += renditions.posters_drawn
        return {
            "needed": len(needed),
            "drawn": drawn,
            "failed": failed,
            "poster_renditions": posters,
        }


def screen_playlist(code: str, at: datetime) -> ScreenPlaylist:
    """What the screen plays at `at`, read afresh (a page or a preview; the poll keeps a
    `Playback` per content generation)."""
    return Playback().screen_playlist(code, at)


def prepare_renditions(at: datetime, *, settings: PlaylistSettings | None = None) -> dict[str, int]:
    """Draw every picture the screens need at `at` (see `Playback.prepare`); nothing to do
    before a campaign is loaded."""
    try:
        playback = Playback(settings)
    except NoCampaign:
        return {"needed": 0, "drawn": 0, "failed": 0, "poster_renditions": 0}
    return playback.prepare(at)
