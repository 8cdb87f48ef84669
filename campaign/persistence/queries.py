"""Reads rows into the domain's value objects: a campaign's network and its plan."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, selectinload

from campaign.domain.eligibility import message_is_playable
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
        cancelled=row.cancelled_at is not None,
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
    if row.venue_type:
        return Target(TargetKind.VENUE, row.venue_type)
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


# --- One hub's part of every campaign, read column by column (the bookings timeline) -----------


def _hub_places(hub_code: str) -> tuple[list[Hub], list[Zone], list[Screen]] | None:
    hub = db.session.scalar(
        select(n_rows.Hub)
        .where(n_rows.Hub.code == hub_code)
        .options(selectinload(n_rows.Hub.zones).selectinload(n_rows.Zone.screens))
    )
    if hub is None:
        return None
    zones = [to_zone(z, hub.code) for z in hub.zones]
    screens = [to_screen(s, hub.code, z.code) for z in hub.zones for s in z.screens]
    return [to_hub(hub)], zones, screens


def _playable_messages(campaign_id: int, keys: set[str] | None = None) -> dict[str, Message]:
    """The campaign's messages as the screens may show them (each one's live version), read as
    plain columns: those with these `keys` and the fallback ones (every one: `keys` None)."""
    m, v, t = m_rows.Message, m_rows.MessageVersion, m_rows.MessageText
    query = (
        select(
            m.key,
            m.topic,
            m.is_fallback,
            v.number,
            v.status,
            v.link,
            t.lang,
            t.headline,
            t.body,
            t.call_to_action,
            t.hotline,
        )
        .join(v, v.message_id == m.id)
        .outerjoin(t, t.version_id == v.id)
        .where(m.campaign_id == campaign_id, v.status.in_(PLAYABLE))
        .order_by(m.key, v.number)
    )
    if keys is not None:
        query = query.where(or_(m.key.in_(sorted(keys)), m.is_fallback.is_(True)))
    rows = db.session.execute(query)
    found: dict[str, Message] = {}
    texts: dict[tuple[str, int], dict[str, MessageText]] = {}
    for key, topic, fallback, number, status, link, lang, *text in rows:
        version_texts = texts.setdefault((key, number), {})
        if lang is not None:
            version_texts[lang] = MessageText(*text)
        # Rows come by version number: the last one seen is the live version (`live_version`).
        found[key] = Message(
            key=key,
            version=number,
            status=MessageStatus(status),
            texts=version_texts,
            topic=topic,
            link=link,
            is_fallback=fallback,
        )
    return found


def _hub_bookings(campaign_id: int, hub_code: str, venue_types: set[str]) -> list[Booking]:
    """The campaign's bookings whose target can reach a screen of the hub: its phases, the hub,
    its zones and screens, its zones' venue types (the rest can never play there)."""
    b, h, z, s = m_rows.Booking, n_rows.Hub, n_rows.Zone, n_rows.Screen
    zone_hub, screen_zone = aliased(n_rows.Hub), aliased(n_rows.Zone)
    phase_hubs = c_rows.phase_hubs
    hub_id = select(h.id).where(h.code == hub_code).scalar_subquery()
    rows = db.session.execute(
        select(
            b.key,
            m_rows.Message.key,
            c_rows.Phase.number,
            h.code,
            zone_hub.code,
            z.code,
            s.code,
            b.venue_type,
            b.starts_on,
            b.ends_on,
            b.weekdays,
            b.window_start,
            b.window_end,
            b.weight,
            b.priority,
            b.slot_duration_s,
            b.orientation,
        )
        .join(m_rows.Message, m_rows.Message.id == b.message_id)
        .outerjoin(c_rows.Phase, c_rows.Phase.id == b.phase_id)
        .outerjoin(h, h.id == b.hub_id)
        .outerjoin(z, z.id == b.zone_id)
        .outerjoin(zone_hub, zone_hub.id == z.hub_id)
        .outerjoin(s, s.id == b.screen_id)
        .outerjoin(screen_zone, screen_zone.id == s.zone_id)
        .where(
            b.campaign_id == campaign_id,
            or_(
                b.phase_id.in_(select(phase_hubs.c.phase_id).where(phase_hubs.c.hub_id == hub_id)),
                b.hub_id == hub_id,
                z.hub_id == hub_id,
                screen_zone.hub_id == hub_id,
                b.venue_type.in_(sorted(venue_types)),
            ),
        )
        .order_by(b.key)
    )
    bookings = []
    for key, message, phase, hub, zone_hub_code, zone, screen, venue, *rest in rows:
        starts_on, ends_on, weekdays, start, end, weight, priority, slot, orientation = rest
        if phase is not None:
            target = Target(TargetKind.PHASE, str(phase))
        elif zone is not None:
            target = Target(TargetKind.ZONE, f"{zone_hub_code}/{zone}")
        elif screen is not None:
            target = Target(TargetKind.SCREEN, screen)
        elif venue:
            target = Target(TargetKind.VENUE, venue)
        else:
            target = Target(TargetKind.HUB, hub)
        bookings.append(
            Booking(
                key=key,
                message_key=message,
                target=target,
                starts_on=starts_on,
                ends_on=ends_on,
                weekdays=frozenset(WEEKDAYS.index(d) for d in weekdays.split(",") if d),
                window_start=start,
                window_end=end,
                weight=weight,
                priority=priority,
                slot_duration_s=slot,
                orientation=Orientation(orientation) if orientation else None,
            )
        )
    return bookings


def load_hub_networks(hub_code: str) -> list[tuple[c_rows.Campaign, Network]]:
    """Every campaign's network cut down to one hub: its places, every phase, and only the
    bookings that can reach the hub with their live messages (and the fallback ones). What its
    screens play is what they play in the whole network (the rules look at nothing else); []
    when there is no such hub."""
    places = _hub_places(hub_code)
    if places is None:
        return []
    hubs, zones, screens = places
    venue_types = {zone.venue_type for zone in zones if zone.venue_type}
    networks = []
    for row in campaign_rows():
        campaign = to_campaign(row)
        bookings = tuple(_hub_bookings(row.id, hub_code, venue_types))
        messages = _playable_messages(row.id, {b.message_key for b in bookings})
        if not any(
            m.is_fallback and message_is_playable(m, campaign.languages) for m in messages.values()
        ):
            # With no fallback message playable, every playable message is the fallback (rule 6).
            messages = _playable_messages(row.id)
        network = Network(
            campaign=campaign,
            phases=tuple(_phases(row)),
            hubs={h.code: h for h in hubs},
            zones={(z.hub_code, z.code): z for z in zones},
            screens={s.code: s for s in screens},
            messages=messages,
            bookings=bookings,
        )
        networks.append((row, network))
    return networks


def hubs_and_zones() -> list[tuple[Hub, list[Zone]]]:
    """Every hub with its zones, by code (no screens), read as plain columns: a page offering
    every hub to choose from needs no more."""
    h, z = n_rows.Hub, n_rows.Zone
    rows = db.session.execute(
        select(h.code, h.name, h.kind, h.timezone, h.region, z.code, z.name, z.venue_type)
        .outerjoin(z, z.hub_id == h.id)
        .order_by(h.code, z.code)
    )
    found: dict[str, tuple[Hub, list[Zone]]] = {}
    for code, name, kind, timezone, region, zone_code, zone_name, venue_type in rows:
        if code not in found:
            found[code] = (Hub(code, name, HubKind(kind), timezone, region), [])
        if zone_code is not None:
            found[code][1].append(Zone(code, zone_code, zone_name, venue_type))
    return list(found.values())
