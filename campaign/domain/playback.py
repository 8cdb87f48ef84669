"""What a screen plays at an instant, across every campaign of the network: the one answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from campaign.domain.eligibility import ONE_DAY, active_phase_numbers
from campaign.domain.model import Hub, Network, Screen
from campaign.domain.playlist import (
    NoPlayableContent,
    PlaylistEngine,
    PlaylistItem,
    PlaylistSettings,
    playlist_version,
)
from campaign.domain.share_of_voice import campaign_share, mix


@dataclass(frozen=True)
class ScreenLoop:
    """A screen's loop at an instant: what it plays, what it falls back on offline, until when."""

    screen: Screen
    items: tuple[PlaylistItem, ...]
    fallback: tuple[PlaylistItem, ...]
    valid_until: datetime  # aware (UTC): the first instant the loop may be different
    version: str  # of the items, as `playlist_version`
    is_fallback: bool  # no campaign has a booking playing: the items are the fallback
    campaigns: tuple[str, ...]  # the slugs of the campaigns in the items, in slug order


class NetworkPlayback:
    """Every campaign of the network, for every screen: each campaign's engine (rules 1 to 8 for
    its own bookings) and the mix of the campaigns that play on a screen by their share of voice.

    A screen plays every campaign that has a booking playing on it; a campaign paused, unfunded
    or over has none and takes nothing from the others. When no campaign has one, the screen
    plays the fallbacks of the campaigns active at its hub (else of those whose phases list the
    hub, else of every campaign), mixed the same way: never nothing while a campaign exists."""

    def __init__(
        self, networks: Sequence[Network], settings: PlaylistSettings | None = None
    ) -> None:
        settings = settings or PlaylistSettings()
        ordered = sorted(networks, key=lambda n: n.campaign.slug)
        self.settings = settings
        self.engines = {n.campaign.slug: PlaylistEngine(n, settings) for n in ordered}
        self.screens: dict[str, Screen] = ordered[0].screens if ordered else {}

    def loop(self, screen_code: str, at: datetime) -> ScreenLoop:
        """The loop of the screen `screen_code` at the aware instant `at` (KeyError: no screen)."""
        screen = self.screens[screen_code]
        at = at.astimezone(UTC)
        zone = ZoneInfo(self.hub(screen).timezone)
        today = at.astimezone(zone).date()
        booked, valid_until = [], at + self.settings.max_validity
        for slug, engine in self.engines.items():
            playlist = engine.build_for(screen, at)
            valid_until = min(valid_until, playlist.valid_until)
            if not playlist.is_fallback:
                share = campaign_share(engine.network, screen.hub_code, today)
                booked.append((slug, share, playlist.items))
        fallback_from = self._fallback_campaigns(screen, today)
        fallback = mix(
            [
                (campaign_share(self.engines[slug].network, screen.hub_code, today), items)
                for slug in fallback_from
                if (items := self._fallback_items(slug, screen))
            ]
        )
        items = mix([(share, items) for _, share, items in booked]) if booked else fallback
        return ScreenLoop(
            screen=screen,
            items=items,
            fallback=fallback,
            valid_until=min(valid_until, self._next_phase_edge(screen, at, zone, valid_until)),
            version=playlist_version(items),
            is_fallback=not booked,
            campaigns=tuple(sorted({item.campaign for item in items})),
        )

    def hub(self, screen: Screen) -> Hub:
        """The screen's hub."""
        return next(iter(self.engines.values())).network.hubs[screen.hub_code]

    def _fallback_items(self, slug: str, screen: Screen) -> tuple[PlaylistItem, ...]:
        try:
            return self.engines[slug].fallback_for(screen)
        except NoPlayableContent:
            return ()

    def _fallback_campaigns(self, screen: Screen, today: date) -> list[str]:
        """The campaigns whose fallback a screen with nothing booked plays: those active at its
        hub today, else those whose phases list the hub at all, else every campaign."""
        hub = screen.hub_code
        active = [
            slug
            for slug, engine in self.engines.items()
            if active_phase_numbers(hub, engine.network.phases, today)
        ]
        listed = [
            slug
            for slug, engine in self.engines.items()
            if any(hub in phase.hub_codes for phase in engine.network.phases)
        ]
        return active or listed or list(self.engines)

    def _next_phase_edge(
        self, screen: Screen, at: datetime, zone: ZoneInfo, horizon: datetime
    ) -> datetime:
        """The first local midnight before `horizon` at which a phase of the screen's hub starts
        or ends: shares of voice and fallbacks change there even when no booking does."""
        edges = {
            day
            for engine in self.engines.values()
            for phase in engine.network.phases
            if screen.hub_code in phase.hub_codes
            for day in (phase.starts_on, phase.ends_on + ONE_DAY)
        }
        day = at.astimezone(zone).date() + ONE_DAY
        while (midnight := datetime.combine(day, time(), zone).astimezone(UTC)) < horizon:
            if day in edges:
                return midnight
            day += ONE_DAY
        return horizon
