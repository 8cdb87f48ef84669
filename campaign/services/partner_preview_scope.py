"""What a preview link reaches: its messages, hubs, screens, phases and bookings, nothing more."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from campaign.extensions import db
from campaign.persistence.campaigns import Campaign, Partner, Phase
from campaign.persistence.messages import Booking, Message, MessageVersion
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.queries import live_version
from campaign.services.errors import Forbidden
from campaign.services.preview_link_access import PreviewAccess
from campaign.services.preview_links import campaign_hub_ids


@dataclass(frozen=True)
class ScreenFacts:
    """A screen of the campaign's hubs, with where it is and what it shows."""

    code: str
    name: str
    width: int
    height: int
    orientation: str
    policy: str  # its language policy: "pair", "alternate", "bilingual" or one language
    zone_id: int
    zone_code: str
    zone_name: str
    venue_type: str
    hub_id: int
    hub_code: str
    hub_name: str
    timezone: str


@dataclass(frozen=True)
class Reach:
    """Where a booking can play: hubs (ids) and screens (codes) of the campaign's phases."""

    hubs: frozenset[int]
    screens: frozenset[str]


@dataclass
class Scope:
    """Everything one link may show, worked out once per request."""

    access: PreviewAccess
    campaign: Campaign
    partner: Partner
    phases: list[Phase]  # of the scope, by number
    hubs: dict[int, Hub]  # of the scope
    screens: dict[str, ScreenFacts]  # of the scope, by code
    messages: dict[int, Message]  # of the scope that have a version to show
    bookings: list[Booking]  # of the scope's messages, reaching the scope's hubs
    reach: dict[int, Reach] = field(default_factory=dict)  # booking id → where it plays

    @property
    def slug(self) -> str:
        return self.campaign.slug

    def message_keys(self) -> set[str]:
        return {m.key for m in self.messages.values()}


def shown_versions(message: Message) -> tuple[MessageVersion | None, MessageVersion | None]:
    """What a partner may see of a message: the version screens may show (approved or paused)
    and the newest version if it waits for review (what they would approve). Never a draft."""
    latest = message.latest
    review = latest if latest is not None and latest.status == "in_review" else None
    return live_version(message), review


def _screens(hub_ids: set[int]) -> dict[str, ScreenFacts]:
    if not hub_ids:
        return {}
    policy = func.coalesce(Screen.language_policy, Zone.language_policy, "pair")
    rows = db.session.execute(
        select(
            Screen.code,
            Screen.name,
            Screen.width,
            Screen.height,
            Screen.orientation,
            policy,
            Zone.id,
            Zone.code,
            Zone.name,
            Zone.venue_type,
            Hub.id,
            Hub.code,
            Hub.name,
            Hub.timezone,
        )
        .join(Zone, Zone.id == Screen.zone_id)
        .join(Hub, Hub.id == Zone.hub_id)
        .where(Hub.id.in_(hub_ids))
        .order_by(Hub.code, Zone.code, Screen.code)
    )
    return {row[0]: ScreenFacts(*row) for row in rows}


def _reach(row: Booking, phases: dict[int, Phase], screens: dict[str, ScreenFacts]) -> Reach:
    """The campaign's hubs and screens a booking's target covers."""
    if row.phase_id is not None:
        phase = phases.get(row.phase_id)
        hubs = {h.id for h in phase.hubs} if phase else set()
        chosen = [s for s in screens.values() if s.hub_id in hubs]
    elif row.hub_id is not None:
        chosen = [s for s in screens.values() if s.hub_id == row.hub_id]
        hubs = {row.hub_id} if row.hub_id in {s.hub_id for s in screens.values()} else set()
    elif row.zone_id is not None:
        chosen = [s for s in screens.values() if s.zone_id == row.zone_id]
        zone = db.session.get(Zone, row.zone_id)
        hubs = {zone.hub_id} if zone is not None else set()
    elif row.screen_id is not None:
        code = db.session.scalar(select(Screen.code).where(Screen.id == row.screen_id))
        chosen = [screens[code]] if code in screens else []
        hubs = {s.hub_id for s in chosen}
    else:
        chosen = [s for s in screens.values() if s.venue_type == row.venue_type]
        hubs = set(db.session.scalars(select(Zone.hub_id).where(Zone.venue_type == row.venue_type)))
    return Reach(frozenset(hubs), frozenset(s.code for s in chosen))


def in_phase(row: Booking, reach: Reach, phase: Phase) -> bool:
    """Whether a booking plays in a phase: its own phase, or a place of the phase on days the
    phase runs."""
    if row.phase_id is not None:
        return row.phase_id == phase.id
    overlaps = row.starts_on <= phase.ends_on and row.ends_on >= phase.starts_on
    return overlaps and bool(reach.hubs & {h.id for h in phase.hubs})


def _has_version(message: Message) -> bool:
    return any(v is not None for v in shown_versions(message))


def resolve(access: PreviewAccess) -> Scope:
    """The scope of an opened link (`preview_link_access.open_link`), read from the database now."""
    campaign = db.session.get(Campaign, access.campaign_id)
    partner = db.session.get(Partner, access.partner_id)
    if campaign is None or partner is None:
        raise Forbidden(_("This preview link no longer gives access to anything."))
    all_phases = {
        p.id: p
        for p in db.session.scalars(
            select(Phase)
            .where(Phase.campaign_id == campaign.id)
            .options(selectinload(Phase.hubs))
            .order_by(Phase.number)
        )
    }
    campaign_hubs = campaign_hub_ids(campaign.id)
    screens = _screens(campaign_hubs)
    messages = {
        m.id: m
        for m in db.session.scalars(
            select(Message)
            .where(Message.campaign_id == campaign.id)
            .options(selectinload(Message.versions).selectinload(MessageVersion.texts))
            .order_by(Message.key)
        )
    }
    bookings = list(
        db.session.scalars(
            select(Booking).where(Booking.campaign_id == campaign.id).order_by(Booking.key)
        )
    )
    reach = {b.id: _reach(b, all_phases, screens) for b in bookings}
    fallbacks = {m.id for m in messages.values() if m.is_fallback}
    scope = access.scope
    if scope == "phase":
        phase = all_phases[access.phase_id or 0]
        phases = [phase]
        hub_ids = {h.id for h in phase.hubs}
        booked = {b.message_id for b in bookings if in_phase(b, reach[b.id], phase)}
        message_ids = booked | fallbacks
    elif scope == "hub":
        hub_ids = {access.hub_id or 0}
        phases = [p for p in all_phases.values() if hub_ids & {h.id for h in p.hubs}]
        booked = {b.message_id for b in bookings if reach[b.id].hubs & hub_ids}
        message_ids = booked | fallbacks
    elif scope == "message":
        message_ids = {access.message_id or 0}
        own = [b for b in bookings if b.message_id == access.message_id]
        if access.message_id in fallbacks:
            hub_ids = set(campaign_hubs)
        else:
            hub_ids = set().union(*(reach[b.id].hubs for b in own)) & campaign_hubs
        phases = [
            p
            for p in all_phases.values()
            if (access.message_id in fallbacks and hub_ids & {h.id for h in p.hubs})
            or any(in_phase(b, reach[b.id], p) for b in own)
        ]
    else:
        phases = list(all_phases.values())
        hub_ids = set(campaign_hubs)
        message_ids = set(messages)
    if scope == "message":
        own_screens = set().union(
            *(reach[b.id].screens for b in bookings if b.message_id == access.message_id)
        )
        if access.message_id in fallbacks:
            own_screens |= {s.code for s in screens.values() if s.hub_id in hub_ids}
        shown_screens = {c: s for c, s in screens.items() if c in own_screens}
    else:
        shown_screens = {c: s for c, s in screens.items() if s.hub_id in hub_ids}
    hubs = {
        h.id: h for h in db.session.scalars(select(Hub).where(Hub.id.in_(hub_ids & campaign_hubs)))
    }
    shown = {i: messages[i] for i in sorted(message_ids) if i in messages}
    shown = {i: m for i, m in shown.items() if _has_version(m)}
    in_scope = [
        b
        for b in bookings
        if b.message_id in shown
        and reach[b.id].hubs & set(hubs)
        and any(in_phase(b, reach[b.id], p) for p in phases)
    ]
    return Scope(
        access=access,
        campaign=campaign,
        partner=partner,
        phases=phases,
        hubs=hubs,
        screens=shown_screens,
        messages=dict(sorted(shown.items(), key=lambda kv: kv[1].key)),
        bookings=in_scope,
        reach=reach,
    )
