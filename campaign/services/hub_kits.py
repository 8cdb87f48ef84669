"""A hub's kit: its zones, their screen classes, and the bookings reaching it in a phase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from campaign.extensions import db
from campaign.persistence.campaigns import Campaign, Phase
from campaign.persistence.messages import Booking
from campaign.persistence.network import Hub, Screen, Zone
from campaign.services.errors import Conflict, Invalid, NotFound


class OpenHubRefused(Invalid):
    """A request refused because of one of its fields (`field`, as the API names it)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field


class CodeInUse(Conflict):
    """A hub or screen code the new hub needs is taken."""

    field = "code"


@dataclass(frozen=True)
class ScreenClass:
    """Screens of one zone that are alike: the kit holds how many of each."""

    orientation: str
    width: int
    height: int
    language_policy: str | None
    count: int


@dataclass(frozen=True)
class KitZone:
    code: str
    name: str
    venue_type: str
    language_policy: str | None
    screen_classes: tuple[ScreenClass, ...]

    @property
    def screen_count(self) -> int:
        return sum(c.count for c in self.screen_classes)


@dataclass(frozen=True)
class PhaseRef:
    campaign: str
    number: int
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class KitBooking:
    key: str
    message_key: str
    target: str  # as a plan writes it: "phase:1", "zone:LIM/ARR"…
    starts_on: date
    ends_on: date
    kind: str  # phase, hub, zone, screen or venue
    zone_code: str | None  # a zone or screen booking's zone
    screen_position: int | None  # a screen booking's screen: its place in the zone's new screens
    booking_id: int

    @property
    def copied(self) -> bool:
        """Whether opening a hub copies it (a venue booking already reaches the new zones)."""
        return self.kind != "venue"


@dataclass(frozen=True)
class Kit:
    hub_code: str
    hub_name: str
    phase: PhaseRef | None  # the phase the bookings come from (None: the hub is in none)
    zones: tuple[KitZone, ...]
    bookings: tuple[KitBooking, ...]


def _class_key(screen: Screen) -> tuple[str, int, int, str | None]:
    return (screen.orientation, screen.width, screen.height, screen.language_policy)


def _zones(hub: Hub) -> tuple[tuple[KitZone, ...], dict[int, tuple[str, int]]]:
    """The hub's zones with their screen classes, and where each screen lands among a zone's
    new screens (classes in the order they first appear, screens by code)."""
    zones, positions = [], {}
    for zone in hub.zones:
        counts: dict[tuple[str, int, int, str | None], list[Screen]] = {}
        for screen in zone.screens:
            counts.setdefault(_class_key(screen), []).append(screen)
        offset = 0
        for members in counts.values():
            for k, screen in enumerate(members):
                positions[screen.id] = (zone.code, offset + k)
            offset += len(members)
        classes = tuple(ScreenClass(*key, count=len(m)) for key, m in counts.items())
        zones.append(KitZone(zone.code, zone.name, zone.venue_type, zone.language_policy, classes))
    return tuple(zones), positions


def hub_with_zones(code: str, field_name: str = "source_hub") -> Hub:
    hub = db.session.scalar(
        select(Hub)
        .where(Hub.code == code)
        .options(selectinload(Hub.zones).selectinload(Zone.screens))
    )
    if hub is None:
        raise OpenHubRefused(field_name, _("There is no hub «%(code)s».", code=code))
    return hub


def campaign_named(slug: str | None) -> Campaign | None:
    """The campaign named, else the only one (None when there is none)."""
    if slug:
        row = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
        if row is None:
            raise OpenHubRefused("campaign", _("There is no campaign «%(code)s».", code=slug))
        return row
    rows = db.session.scalars(select(Campaign).order_by(Campaign.slug).limit(2)).all()
    if len(rows) > 1:
        raise OpenHubRefused(
            "campaign", _("There are several campaigns: name the one the phase belongs to.")
        )
    return rows[0] if rows else None


def _reaching(campaign: Campaign, phase: Phase, hub: Hub) -> list[Booking]:
    """The campaign's bookings that reach the hub during the phase's dates."""
    zone_ids = [z.id for z in hub.zones]
    screen_ids = [s.id for z in hub.zones for s in z.screens]
    venues = sorted({z.venue_type for z in hub.zones if z.venue_type})
    aims = [Booking.phase_id == phase.id, Booking.hub_id == hub.id]
    if zone_ids:
        aims.append(Booking.zone_id.in_(zone_ids))
    if screen_ids:
        aims.append(Booking.screen_id.in_(screen_ids))
    if venues:
        aims.append(Booking.venue_type.in_(venues))
    query = (
        select(Booking)
        .where(
            Booking.campaign_id == campaign.id,
            Booking.starts_on <= phase.ends_on,
            Booking.ends_on >= phase.starts_on,
            or_(*aims),
        )
        .options(
            selectinload(Booking.message),
            selectinload(Booking.phase),
            selectinload(Booking.zone).selectinload(Zone.hub),
            selectinload(Booking.screen),
            selectinload(Booking.hub),
        )
        .order_by(Booking.key)
    )
    return list(db.session.scalars(query))


def _source_phase(campaign: Campaign, hub: Hub, number: int | None) -> Phase | None:
    """The phase named (it must include the hub), else the latest including the hub that has
    bookings reaching it, else the latest including it at all."""
    phases = sorted(
        (p for p in campaign.phases if hub in p.hubs),
        key=lambda p: (p.starts_on, p.number),
        reverse=True,
    )
    if number is not None:
        chosen = next((p for p in phases if p.number == number), None)
        if chosen is None:
            raise OpenHubRefused(
                "source_phase",
                _(
                    "Phase %(number)s does not include the hub %(code)s: choose a phase it is in.",
                    number=number,
                    code=hub.code,
                ),
            )
        return chosen
    return next((p for p in phases if _reaching(campaign, p, hub)), phases[0] if phases else None)


def _kit_booking(row: Booking, positions: dict[int, tuple[str, int]]) -> KitBooking:
    kind, zone_code, position = "hub", None, None
    if row.phase_id is not None:
        kind = "phase"
    elif row.zone is not None:
        kind, zone_code = "zone", row.zone.code
    elif row.screen_id is not None:
        kind = "screen"
        zone_code, position = positions[row.screen_id]
    elif row.venue_type:
        kind = "venue"
    return KitBooking(
        key=row.key,
        message_key=row.message_key,
        target=row.target,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        kind=kind,
        zone_code=zone_code,
        screen_position=position,
        booking_id=row.id,
    )


def phase_ref(campaign: Campaign, phase: Phase) -> PhaseRef:
    return PhaseRef(campaign.slug, phase.number, phase.name, phase.starts_on, phase.ends_on)


def kit_of(hub: Hub, campaign: Campaign | None, source_phase_number: int | None) -> Kit:
    zones, positions = _zones(hub)
    phase = _source_phase(campaign, hub, source_phase_number) if campaign else None
    if campaign is None or phase is None:
        if source_phase_number is not None:
            raise OpenHubRefused(
                "source_phase",
                _("The hub %(code)s is in no phase of a campaign.", code=hub.code),
            )
        return Kit(hub.code, hub.name, None, zones, ())
    bookings = tuple(_kit_booking(b, positions) for b in _reaching(campaign, phase, hub))
    return Kit(hub.code, hub.name, phase_ref(campaign, phase), zones, bookings)


def kit_from_hub(
    hub_code: str, source_phase_number: int | None = None, campaign_slug: str | None = None
) -> Kit:
    """What opening a hub from `hub_code` takes from it: its zones and screen classes, and the
    bookings reaching it in a phase of the campaign (the one named, else the only one)."""
    if db.session.scalar(select(Hub.id).where(Hub.code == hub_code)) is None:
        raise NotFound(_("There is no hub «%(code)s».", code=hub_code))
    return kit_of(
        hub_with_zones(hub_code, "hub"), campaign_named(campaign_slug), source_phase_number
    )
