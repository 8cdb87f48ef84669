"""Reads rows into the domain's value objects: a campaign's network and its plan."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.domain.model import (
    WEEKDAYS,
    Booking,
    Campaign,
    FundingStatus,
    Hub,
    HubKind,
    Message,
    MessageStatus,
    MessageText,
    Network,
    Orientation,
    Partner,
    PartnerRole,
    Phase,
    Screen,
    Target,
    TargetKind,
    Zone,
)
from campaign.domain.plans import Plan
from campaign.extensions import db
from campaign.persistence import campaigns as c_rows
from campaign.persistence import messages as m_rows
from campaign.persistence import network as n_rows

# The statuses of a version screens may be showing (a paused one is held back, not gone).
PLAYABLE = (MessageStatus.APPROVED.value, MessageStatus.PAUSED.value)


def campaign_row(slug: str | None = None) -> c_rows.Campaign | None:
    """The campaign with this slug; with no slug, the only campaign there is (or None)."""
    if slug is not None:
        return db.session.scalar(select(c_rows.Campaign).filter_by(slug=slug))
    rows = db.session.scalars(select(c_rows.Campaign).limit(2)).all()
    return rows[0] if len(rows) == 1 else None


def to_campaign(row: c_rows.Campaign) -> Campaign:
    return Campaign(
        slug=row.slug,
        names=dict(row.names),
        slogans=dict(row.slogans or {}),
        languages=tuple(row.languages),
        background=row.background,
        foreground=row.foreground,
        accent=row.accent,
        requires_partner_approval=row.requires_partner_approval,
        share_of_voice_by_hub=dict(row.share_of_voice_by_hub or {}),
    )


def to_partner(row: c_rows.Partner) -> Partner:
    return Partner(
        slug=row.slug,
        name=row.name,
        role=PartnerRole(row.role),
        appears_on_slides=row.appears_on_slides,
        website=row.website,
    )


def to_hub(row: n_rows.Hub) -> Hub:
    return Hub(
        code=row.code,
        name=row.name,
        kind=HubKind(row.kind),
        timezone=row.timezone,
        region=row.region,
        latitude=row.latitude,
        longitude=row.longitude,
        yearly_passengers=row.yearly_passengers,
    )


def to_zone(row: n_rows.Zone, hub_code: str) -> Zone:
    return Zone(
        hub_code=hub_code,
        code=row.code,
        name=row.name,
        venue_type=row.venue_type,
        language_policy=row.language_policy,
    )


def to_screen(row: n_rows.Screen, hub_code: str, zone_code: str) -> Screen:
    return Screen(
        code=row.code,
        hub_code=hub_code,
        zone_code=zone_code,
        orientation=Orientation(row.orientation),
        width=row.width,
        height=row.height,
        language_policy=row.language_policy,
        name=row.name,
    )


def to_phase(row: c_rows.Phase) -> Phase:
    return Phase(
        number=row.number,
        name=row.name,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        funding_status=FundingStatus(row.funding_status),
        hub_codes=frozenset(h.code for h in row.hubs),
        funding_source=row.funding_source,
        budget=row.budget,
        currency=row.currency,
        share_of_voice=row.share_of_voice,
    )


def to_message(row: m_rows.Message, version: m_rows.MessageVersion) -> Message:
    return Message(
        key=row.key,
        version=version.number,
        status=MessageStatus(version.status),
        texts={
            t.lang: MessageText(t.headline, t.body, t.call_to_action, t.hotline)
            for t in version.texts
        },
        topic=row.topic,
        link=version.link,
        is_fallback=row.is_fallback,
    )


def live_version(row: m_rows.Message) -> m_rows.MessageVersion | None:
    """The version screens may show: the newest approved or paused one; None if there is none."""
    for version in reversed(row.versions):
        if version.status in PLAYABLE:
            return version
    return None


def booking_target(row: m_rows.Booking) -> Target:
    if row.phase is not None:
        return Target(TargetKind.PHASE, str(row.phase.number))
    if row.zone is not None:
        return Target(TargetKind.ZONE, f"{row.zone.hub.code}/{row.zone.code}")
    if row.screen is not None:
        return Target(TargetKind.SCREEN, row.screen.code)
    assert row.hub is not None, f"booking {row.key} has no target"
    return Target(TargetKind.HUB, row.hub.code)


def to_booking(row: m_rows.Booking) -> Booking:
    return Booking(
        key=row.key,
        message_key=row.message.key,
        target=booking_target(row),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        weekdays=frozenset(WEEKDAYS.index(d) for d in row.weekdays.split(",") if d),
        window_start=row.window_start,
        window_end=row.window_end,
        weight=row.weight,
        priority=row.priority,
        slot_duration_s=row.slot_duration_s,
        orientation=Orientation(row.orientation) if row.orientation else None,
    )


def _all_hubs() -> list[n_rows.Hub]:
    return list(
        db.session.scalars(
            select(n_rows.Hub)
            .options(selectinload(n_rows.Hub.zones).selectinload(n_rows.Zone.screens))
            .order_by(n_rows.Hub.code)
        )
    )


def _messages(row: c_rows.Campaign) -> list[m_rows.Message]:
    return list(
        db.session.scalars(
            select(m_rows.Message)
            .where(m_rows.Message.campaign_id == row.id)
            .options(
                selectinload(m_rows.Message.versions).selectinload(m_rows.MessageVersion.texts)
            )
        )
    )


def _bookings(row: c_rows.Campaign) -> list[Booking]:
    rows = db.session.scalars(
        select(m_rows.Booking)
        .where(m_rows.Booking.campaign_id == row.id)
        .options(
            selectinload(m_rows.Booking.message),
            selectinload(m_rows.Booking.phase),
            selectinload(m_rows.Booking.hub),
            selectinload(m_rows.Booking.zone).selectinload(n_rows.Zone.hub),
            selectinload(m_rows.Booking.screen),
        )
    )
    return [to_booking(b) for b in rows]


def _places() -> tuple[list[Hub], list[Zone], list[Screen]]:
    hubs, zones, screens = [], [], []
    for hub in _all_hubs():
        hubs.append(to_hub(hub))
        for zone in hub.zones:
            zones.append(to_zone(zone, hub.code))
            screens.extend(to_screen(s, hub.code, zone.code) for s in zone.screens)
    return hubs, zones, screens


def _phases(row: c_rows.Campaign) -> list[Phase]:
    phases = db.session.scalars(
        select(c_rows.Phase)
        .where(c_rows.Phase.campaign_id == row.id)
        .options(selectinload(c_rows.Phase.hubs))
        .order_by(c_rows.Phase.number)
    )
    return [to_phase(p) for p in phases]


def load_network(
    row: c_rows.Campaign, places: tuple[list[Hub], list[Zone], list[Screen]] | None = None
) -> Network:
    """Everything the playlist rules need about one campaign, with the live message versions.
    `places` (from `_places`) saves reading the hubs again for each of several campaigns."""
    hubs, zones, screens = places or _places()
    messages = {}
    for message in _messages(row):
        version = live_version(message)
        if version is not None:
            messages[message.key] = to_message(message, version)
    return Network(
        campaign=to_campaign(row),
        phases=tuple(_phases(row)),
        hubs={h.code: h for h in hubs},
        zones={(z.hub_code, z.code): z for z in zones},
        screens={s.code: s for s in screens},
        messages=messages,
        bookings=tuple(_bookings(row)),
    )


def campaign_rows() -> list[c_rows.Campaign]:
    """Every campaign, by slug."""
    return list(db.session.scalars(select(c_rows.Campaign).order_by(c_rows.Campaign.slug)))


def load_networks() -> list[tuple[c_rows.Campaign, Network]]:
    """Every campaign with its network (the places read once for all of them), by slug."""
    rows = campaign_rows()
    places = _places() if rows else None
    return [(row, load_network(row, places)) for row in rows]


def read_plan(row: c_rows.Campaign) -> Plan:
    """The campaign as a plan document holds it: every place, and each message's newest version."""
    hubs, zones, screens = _places()
    messages = []
    for message in _messages(row):
        if message.latest is not None:
            messages.append(to_message(message, message.latest))
    return Plan(
        campaign=to_campaign(row),
        partners=tuple(to_partner(p) for p in row.partners),
        hubs=tuple(hubs),
        zones=tuple(zones),
        screens=tuple(screens),
        phases=tuple(_phases(row)),
        messages=tuple(messages),
        bookings=tuple(_bookings(row)),
    )
