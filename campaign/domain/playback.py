"""What a screen plays at an instant, across every campaign of the network: the one answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from fractions import Fraction
from zoneinfo import ZoneInfo

from campaign.domain.eligibility import ONE_DAY, active_phase_numbers
from campaign.domain.model import FundingStatus, Hub, Network, Screen, Zone
from campaign.domain.playlist import (
    CACHE_LIMIT,
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

    @property
    def campaigns(self) -> tuple[str, ...]:
        """The slugs of the campaigns in the items, in slug order."""
        return tuple(sorted({item.campaign for item in self.items}))


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
        # Local days on which a phase of the hub starts or ends, for every hub: loops change there.
        self._edges: dict[str, frozenset[date]] = {}
        for network in ordered:
            for phase in network.phases:
                for hub in phase.hub_codes:
                    days = {phase.starts_on, phase.ends_on + ONE_DAY}
                    self._edges[hub] = self._edges.get(hub, frozenset()) | days
        # What does not depend on the instant within a local day: shares, fallbacks and mixes.
        self._shares: dict[tuple[str, str, date], Fraction] = {}
        self._fallbacks: dict[tuple[str, date], tuple[tuple[PlaylistItem, ...], str]] = {}
        self._mixes: dict[
            tuple[tuple[Fraction, str], ...], tuple[tuple[PlaylistItem, ...], str]
        ] = {}

    def loop(self, screen_code: str, at: datetime) -> ScreenLoop:
        """The loop of the screen `screen_code` at the aware instant `at` (KeyError: no screen)."""
        screen = self.screens[screen_code]
        at = at.astimezone(UTC)
        zone = ZoneInfo(self.hub(screen).timezone)
        today = at.astimezone(zone).date()
        booked: list[tuple[Fraction, tuple[PlaylistItem, ...], str]] = []
        valid_until = at + self.settings.max_validity
        for slug, engine in self.engines.items():
            try:
                playlist = engine.build_for(screen, at)
            except NoPlayableContent:  # nothing of its own to show: it takes no part
                continue
            valid_until = min(valid_until, playlist.valid_until)
            if not playlist.is_fallback:
                share = self._share(slug, screen.hub_code, today)
                booked.append((share, playlist.items, playlist.version))
        fallback, fallback_version = self._fallback(screen, today)
        items, version = self._mix(booked) if booked else (fallback, fallback_version)
        return ScreenLoop(
            screen=screen,
            items=items,
            fallback=fallback,
            valid_until=min(valid_until, self._next_phase_edge(screen, at, zone, valid_until)),
            version=version,
            is_fallback=not booked,
        )

    def _share(self, slug: str, hub_code: str, today: date) -> Fraction:
        key = (slug, hub_code, today)
        share = self._shares.get(key)
        if share is None:
            share = self._shares[key] = campaign_share(self.engines[slug].network, hub_code, today)
        return share

    def _mix(
        self, parts: list[tuple[Fraction, tuple[PlaylistItem, ...], str]]
    ) -> tuple[tuple[PlaylistItem, ...], str]:
        """The mixed loop of the parts (share, items, their version), and its version."""
        if len(parts) == 1:
            return parts[0][1], parts[0][2]
        key = tuple((share, version) for share, _, version in parts)
        found = self._mixes.get(key)
        if found is None:
            if len(self._mixes) >= CACHE_LIMIT:
                self._mixes.clear()
            items = mix([(share, items) for share, items, _ in parts])
            found = self._mixes[key] = (items, playlist_version(items))
        return found

    def _fallback(self, screen: Screen, today: date) -> tuple[tuple[PlaylistItem, ...], str]:
        """What the screen plays with nothing booked on `today` (see the class), and its version."""
        key = (screen.code, today)
        found = self._fallbacks.get(key)
        if found is None:
            if len(self._fallbacks) >= CACHE_LIMIT:
                self._fallbacks.clear()
            parts = [
                (self._share(slug, screen.hub_code, today), *content)
                for slug in self._fallback_campaigns(screen, today)
                if (content := self._fallback_items(slug, screen))[0]
            ]
            found = self._fallbacks[key] = self._mix(parts) if parts else ((), playlist_version(()))
        return found

    def hub(self, screen: Screen) -> Hub:
        """The screen's hub (the places are the same in every campaign's network)."""
        return next(iter(self.engines.values())).network.hubs[screen.hub_code]

    def zone(self, screen: Screen) -> Zone:
        """The screen's zone."""
        return next(iter(self.engines.values())).network.zones[screen.hub_code, screen.zone_code]

    def _fallback_items(self, slug: str, screen: Screen) -> tuple[tuple[PlaylistItem, ...], str]:
        try:
            return self.engines[slug].fallback_for(screen)
        except NoPlayableContent:
            return (), ""

    def _fallback_campaigns(self, screen: Screen, today: date) -> list[str]:
        """The campaigns whose fallback a screen with nothing booked plays: those active at its
        hub today, else those whose phases list the hub at all, else those with a funded phase
        anywhere (a campaign still being prepared stays off the air), else every campaign."""
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
        funded = [
            slug
            for slug, engine in self.engines.items()
            if any(p.funding_status is FundingStatus.CONFIRMED for p in engine.network.phases)
        ]
        return active or listed or funded or list(self.engines)

    def _next_phase_edge(
        self, screen: Screen, at: datetime, zone: ZoneInfo, horizon: datetime
    ) -> datetime:
        """The first local midnight before `horizon` at which a phase of the screen's hub starts
        or ends: shares of voice and fallbacks change there even when no booking does."""
        edges = self._edges.get(screen.hub_code, frozenset())
        day = at.astimezone(zone).date() + ONE_DAY
        while (midnight := datetime.combine(day, time(), zone).astimezone(UTC)) < horizon:
            if day in edges:
                return midnight
            day += ONE_DAY
        return horizon
