"""The campaign at a glance: phases and their status, and what each screen plays at an instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from campaign.domain.model import Message, Network, Phase, PhaseStatus, Screen
from campaign.domain.phases import phase_status
from campaign.domain.playlist import (
    NoPlayableContent,
    PlaylistEngine,
    PlaylistItem,
    PlaylistSettings,
)
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign as CampaignRow
from campaign.persistence.network import Screen as ScreenRow
from campaign.persistence.queries import load_network
from campaign.services.campaigns import visible_campaigns
from campaign.services.renditions import Asset, Renditions


@dataclass(frozen=True)
class PhaseView:
    phase: Phase
    status: PhaseStatus
    timezone: str


@dataclass(frozen=True)
class ItemView:
    item: PlaylistItem
    headline: str
    asset: Asset | None


@dataclass(frozen=True)
class ScreenView:
    screen: Screen
    hub_name: str
    zone_name: str
    local_time: datetime
    items: tuple[ItemView, ...]
    is_fallback: bool
    valid_until: datetime | None
    version: str
    last_seen_at: datetime | None
    problem: str = ""


@dataclass(frozen=True)
class Overview:
    network: Network
    at: datetime
    phases: tuple[PhaseView, ...]
    screens: tuple[ScreenView, ...]


def _phase_view(phase: Phase, network: Network, at: datetime) -> PhaseView:
    # A phase's dates are local to its hubs; the first hub's timezone stands for the phase.
    hub = next((network.hubs[c] for c in sorted(phase.hub_codes) if c in network.hubs), None)
    timezone = hub.timezone if hub else "UTC"
    today: date = at.astimezone(ZoneInfo(timezone)).date()
    return PhaseView(phase, phase_status(phase, today), timezone)


def _headline(message: Message | None, lang: str) -> str:
    if message is None:
        return ""
    first = lang.split("+")[0]
    text = message.texts.get(first)
    return text.headline if text else message.key


def build_overview(
    at: datetime, user: User, screen_code: str | None = None, slug: str | None = None
) -> Overview | None:
    """What every screen (or one) plays at `at`: the same engine the players are answered by.
    The campaign is one the user may see (a partner: only those shared with them)."""
    query = visible_campaigns(user).order_by(CampaignRow.slug)
    if slug:
        query = query.where(CampaignRow.slug == slug)
    row = db.session.scalars(query.limit(1)).first()
    if row is None:
        return None
    network = load_network(row)
    settings = PlaylistSettings(words_per_minute=current_app.config["WORDS_PER_MINUTE"])
    engine = PlaylistEngine(network, settings)
    renditions = Renditions(row, network)
    seen = {
        code: last_seen
        for code, last_seen in db.session.execute(select(ScreenRow.code, ScreenRow.last_seen_at))
    }
    screens = []
    for screen in sorted(network.screens.values(), key=lambda s: s.code):
        if screen_code and screen.code != screen_code:
            continue
        hub = network.hubs[screen.hub_code]
        zone = network.zones[(screen.hub_code, screen.zone_code)]
        local = at.astimezone(ZoneInfo(hub.timezone))
        try:
            playlist = engine.build_for(screen, at)
        except NoPlayableContent as exc:
            screens.append(
                ScreenView(
                    screen,
                    hub.name,
                    zone.name,
                    local,
                    (),
                    True,
                    None,
                    "",
                    seen.get(screen.code),
                    str(exc),
                )
            )
            continue
        items = tuple(
            ItemView(
                item,
                _headline(network.messages.get(item.message_key), item.lang),
                renditions.find(item, screen.width, screen.height),
            )
            for item in playlist.items
        )
        screens.append(
            ScreenView(
                screen,
                hub.name,
                zone.name,
                local,
                items,
                playlist.is_fallback,
                playlist.valid_until.astimezone(ZoneInfo(hub.timezone)),
                playlist.version,
                seen.get(screen.code),
            )
        )
    phases = tuple(_phase_view(p, network, at) for p in network.phases)
    return Overview(network, at, phases, tuple(screens))
