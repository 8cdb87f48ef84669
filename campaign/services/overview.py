"""The campaign at a glance: phases and their status, and what each screen plays at an instant."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from campaign.domain.model import CAMPAIGN_CARD_KEY, Network, Phase, PhaseStatus, Screen
from campaign.domain.phases import phase_status
from campaign.domain.playlist import PlaylistItem
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign as CampaignRow
from campaign.persistence.network import Screen as ScreenRow
from campaign.services.campaigns import visible_campaigns
from campaign.services.network_scope import may_see_screen, visible_screen_codes
from campaign.services.playback import NoCampaign, Playback
from campaign.services.renditions import Asset


@dataclass(frozen=True)
class PhaseView:
    phase: Phase
    status: PhaseStatus
    timezone: str


@dataclass(frozen=True)
class ItemView:
    item: PlaylistItem
    headline: str  # "" for another campaign's item the user may not see
    asset: Asset | None  # None: not drawn yet, or another campaign's the user may not see
    visible: bool


@dataclass(frozen=True)
class ScreenView:
    screen: Screen
    hub_name: str
    zone_name: str
    local_time: datetime
    items: tuple[ItemView, ...]
    is_fallback: bool
    valid_until: datetime
    version: str  # the poll's version (its ETag); "" while some picture is not drawn yet
    campaigns: tuple[str, ...]
    last_seen_at: datetime | None


@dataclass(frozen=True)
class Overview:
    network: Network
    at: datetime
    phases: tuple[PhaseView, ...]
    screens: tuple[ScreenView, ...]
    screen_codes: tuple[str, ...] = ()  # every screen the user may see, for the choice


def _phase_view(phase: Phase, network: Network, at: datetime) -> PhaseView:
    # A phase's dates are local to its hubs; the first hub's timezone stands for the phase.
    hub = next((network.hubs[c] for c in sorted(phase.hub_codes) if c in network.hubs), None)
    timezone = hub.timezone if hub else "UTC"
    today: date = at.astimezone(ZoneInfo(timezone)).date()
    return PhaseView(phase, phase_status(phase, today), timezone)


def _headline(network: Network, item: PlaylistItem) -> str:
    first = item.lang.split("+")[0]
    if item.message_key == CAMPAIGN_CARD_KEY:
        return network.campaign.names.get(first, network.campaign.slug)
    message = network.messages.get(item.message_key)
    text = message.texts.get(first) if message else None
    return text.headline if text else item.message_key


def screen_view(
    playback: Playback,
    code: str,
    at: datetime,
    visible: Collection[str],
    last_seen_at: datetime | None = None,
    *,
    draw: bool = True,
) -> ScreenView:
    """What the screen plays at `at`, as the poll answers it (`Playback.screen_playlist`), with
    each item's headline; items of campaigns not in `visible` show no words or picture."""
    playlist = playback.screen_playlist(code, at, draw=draw)
    screen = playlist.screen
    hub = playback.engine.hub(screen)
    zone = ZoneInfo(hub.timezone)
    items = []
    for shown in playlist.items:
        seen = shown.item.campaign in visible
        headline = _headline(playback.networks[shown.item.campaign], shown.item) if seen else ""
        items.append(ItemView(shown.item, headline, shown.asset if seen else None, seen))
    return ScreenView(
        screen=screen,
        hub_name=hub.name,
        zone_name=playback.engine.zone(screen).name,
        local_time=at.astimezone(zone),
        items=tuple(items),
        is_fallback=playlist.is_fallback,
        valid_until=playlist.valid_until.astimezone(zone),
        version=playlist.version,
        campaigns=playlist.campaigns,
        last_seen_at=last_seen_at,
    )


def _visible_slugs(user: User) -> set[str]:
    return set(db.session.scalars(visible_campaigns(user).with_only_columns(CampaignRow.slug)))


def screen_preview(code: str, at: datetime, user: User) -> ScreenView | None:
    """What one screen plays at `at`, drawn as the screen gets it; None: no such screen, no
    campaign the user may see, or a screen at a hub of none of them (answered as unknown, so
    nobody learns which codes exist elsewhere)."""
    visible = _visible_slugs(user)
    if not visible or not may_see_screen(user, code):
        return None
    try:
        playback = Playback()
    except NoCampaign:
        return None
    if code not in playback.screens:
        return None
    seen = db.session.scalar(select(ScreenRow.last_seen_at).where(ScreenRow.code == code))
    return screen_view(playback, code, at, visible, seen)


def build_overview(
    at: datetime, user: User, screen_code: str | None = None, slug: str | None = None
) -> Overview | None:
    """A campaign the user may see (the one named, else the first by slug) with its phases, and
    what every screen the user may see (or one of them) plays at `at`: every campaign on it, as
    the screens get it. A partner sees the screens of their campaigns' hubs only."""
    query = visible_campaigns(user).order_by(CampaignRow.slug)
    if slug:
        query = query.where(CampaignRow.slug == slug)
    row = db.session.scalars(query.limit(1)).first()
    if row is None:
        return None
    playback = Playback()
    network = playback.networks[row.slug]
    visible = _visible_slugs(user)
    shown = visible_screen_codes(user)
    seen = dict(db.session.execute(select(ScreenRow.code, ScreenRow.last_seen_at)).all())
    choices = tuple(c for c in sorted(playback.screens) if shown is None or c in shown)
    codes = [c for c in choices if not screen_code or c == screen_code]
    screens = tuple(
        screen_view(playback, code, at, visible, seen.get(code), draw=False) for code in codes
    )
    phases = tuple(_phase_view(p, network, at) for p in network.phases)
    return Overview(network, at, phases, screens, choices)
