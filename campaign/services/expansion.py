"""Opening a hub from another's kit: its zones, screens and bookings, shifted to a phase."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.domain.model import HubKind, PhaseStatus
from campaign.domain.phases import phase_status
from campaign.extensions import db
from campaign.persistence.campaigns import Campaign, Phase
from campaign.persistence.messages import Booking
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.queries import to_phase
from campaign.services import clock
from campaign.services.dashboard import shown_status
from campaign.services.hub_kits import (
    CodeInUse,
    Kit,
    KitBooking,
    KitZone,
    OpenHubRefused,
    PhaseRef,
    ScreenClass,
    campaign_named,
    hub_with_zones,
    kit_from_hub,
    kit_of,
    phase_ref,
)
from campaign.services.records import commit

__all__ = [
    "CodeInUse",
    "Kit",
    "KitBooking",
    "KitZone",
    "OpenHubPlan",
    "OpenHubRefused",
    "OpenHubRequest",
    "PhaseRef",
    "ScreenClass",
    "kit_from_hub",
    "open_hub",
    "preview_open_hub",
]

HUB_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,11}$")
KEY_LENGTH = 80  # bookings.key
SCREEN_CODE_LENGTH = 40  # screens.code
MAX_INT = 2**31 - 1
REGION_LENGTH = 120  # hubs.region
# What becomes of each booking of the kit at the new hub (the plan's `status`).
COPIED = "copied"  # copied, aimed at the new hub, its zone or its screen
BY_VENUE = "by_venue"  # not copied: it reaches every zone of its venue type, the new ones too
BY_PHASE = "by_phase"  # not copied: it aims at the target phase, which the new hub joins
OUTSIDE = "outside"  # not copied: shifted, it falls after the target phase
NO_SCREEN = "no_screen"  # not copied: it aims at a screen, and no screens are created

# --- the plan --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenHubRequest:
    code: str
    name: str
    kind: str
    timezone: str
    source_hub: str
    phase: int  # the target phase's number
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    yearly_passengers: int | None = None
    campaign: str | None = None  # the target phase's campaign, needed when there are several
    source_phase: int | None = None  # where the bookings come from (default: see kit_from_hub)
    create_screens: bool = True


@dataclass(frozen=True)
class PlannedScreen:
    code: str
    orientation: str
    width: int
    height: int
    language_policy: str | None


@dataclass(frozen=True)
class PlannedZone:
    code: str
    name: str
    venue_type: str
    language_policy: str | None
    screens: tuple[PlannedScreen, ...]


@dataclass(frozen=True)
class PlannedBooking:
    key: str
    message_key: str
    target: str
    starts_on: date
    ends_on: date
    status: str  # COPIED, BY_VENUE, BY_PHASE, OUTSIDE or NO_SCREEN
    new_key: str | None = None
    new_target: str | None = None
    new_starts_on: date | None = None
    new_ends_on: date | None = None
    booking_id: int = 0


@dataclass(frozen=True)
class OpenHubPlan:
    request: OpenHubRequest
    phase: PhaseRef  # the target phase
    source_phase: PhaseRef | None
    zones: tuple[PlannedZone, ...]
    bookings: tuple[PlannedBooking, ...]
    applied: bool = False
    screens_created: int = 0

    @property
    def screen_count(self) -> int:
        return sum(len(z.screens) for z in self.zones)

    @property
    def copied(self) -> tuple[PlannedBooking, ...]:
        return tuple(b for b in self.bookings if b.status == COPIED)


def _check_hub_fields(request: OpenHubRequest) -> None:
    if not HUB_CODE.match(request.code or ""):
        raise OpenHubRefused(
            "code", _("Capital letters, digits, '-' and '_', at most 12, such as LIM.")
        )
    if not (request.name or "").strip() or len(request.name) > 200:
        raise OpenHubRefused("name", _("Give the hub a name of at most 200 characters."))
    if len(request.region or "") > REGION_LENGTH:
        raise OpenHubRefused(
            "region", _("At most %(max)d characters, please shorten it.", max=REGION_LENGTH)
        )
    if request.latitude is not None and not -90 <= request.latitude <= 90:
        raise OpenHubRefused("latitude", _("A latitude from -90 to 90, such as -12.0219."))
    if request.longitude is not None and not -180 <= request.longitude <= 180:
        raise OpenHubRefused("longitude", _("A longitude from -180 to 180, such as -77.1143."))
    passengers = request.yearly_passengers
    if passengers is not None and not 0 <= passengers <= MAX_INT:
        raise OpenHubRefused("yearly_passengers", _("A whole number of passengers, 0 or more."))
    if request.kind not in {k.value for k in HubKind}:
        raise OpenHubRefused("kind", _("Choose one of the kinds of hub in the list."))
    try:
        valid = request.timezone in available_timezones() and ZoneInfo(request.timezone)
    except (ValueError, ZoneInfoNotFoundError):
        valid = False
    if not valid:
        raise OpenHubRefused(
            "timezone",
            _(
                "«%(value)s» is not a timezone; write one such as America/Lima.",
                value=request.timezone,
            ),
        )
    if db.session.scalar(select(Hub.id).where(Hub.code == request.code)) is not None:
        raise CodeInUse(
            _(
                "A hub with the code %(code)s already exists; choose another code.",
                code=request.code,
            )
        )


def _target_phase(request: OpenHubRequest, now: datetime) -> tuple[Campaign, Phase]:
    campaign = campaign_named(request.campaign)
    phase = None
    if campaign is not None:
        phase = next((p for p in campaign.phases if p.number == request.phase), None)
    if campaign is None or phase is None:
        raise OpenHubRefused(
            "phase", _("The campaign has no phase %(number)s.", number=request.phase)
        )
    today = now.astimezone(ZoneInfo(request.timezone)).date()
    if phase.ends_on < today:
        raise OpenHubRefused(
            "phase",
            _(
                "Phase %(number)s ended on %(day)s: choose a phase that has not ended.",
                number=phase.number,
                day=phase.ends_on.isoformat(),
            ),
        )
    if phase_status(to_phase(phase), today) is PhaseStatus.CANCELLED:
        raise OpenHubRefused(
            "phase",
            _(
                "Phase %(number)s is cancelled (or its funding declined): choose another phase.",
                number=phase.number,
            ),
        )
    return campaign, phase


def _planned_zones(request: OpenHubRequest, kit: Kit) -> tuple[PlannedZone, ...]:
    zones = []
    for zone in kit.zones:
        screens: list[PlannedScreen] = []
        if request.create_screens:
            for cls in zone.screen_classes:
                for _n in range(cls.count):
                    code = f"{request.code}-{zone.code}-{len(screens) + 1:02d}"
                    screens.append(
                        PlannedScreen(
                            code, cls.orientation, cls.width, cls.height, cls.language_policy
                        )
                    )
        zones.append(
            PlannedZone(zone.code, zone.name, zone.venue_type, zone.language_policy, tuple(screens))
        )
    return tuple(zones)


def _check_screen_codes(zones: Iterable[PlannedZone]) -> None:
    codes = [s.code for z in zones for s in z.screens]
    if not codes:
        return
    longest = max(codes, key=len)
    if len(longest) > SCREEN_CODE_LENGTH:
        raise OpenHubRefused(
            "code",
            _(
                "The screen code %(code)s would be longer than %(max)s characters: choose a "
                "shorter hub code.",
                code=longest,
                max=SCREEN_CODE_LENGTH,
            ),
        )
    taken = sorted(db.session.scalars(select(Screen.code).where(Screen.code.in_(codes))))
    if taken:
        raise CodeInUse(
            _(
                "The screen code %(code)s is already in use: choose another hub code.",
                code=taken[0],
            )
        )


def _new_key(hub_code: str, old: str, taken: set[str]) -> str:
    """`<hub>-<old key>`, lowercase, at most KEY_LENGTH, made unique with -2, -3…"""
    base = f"{hub_code.lower().replace('_', '-')}-{old}"[:KEY_LENGTH].rstrip("-")
    key, n = base, 1
    while key in taken:
        n += 1
        suffix = f"-{n}"
        key = base[: KEY_LENGTH - len(suffix)].rstrip("-") + suffix
    taken.add(key)
    return key


def _new_target(request: OpenHubRequest, kit: KitBooking, zones: tuple[PlannedZone, ...]) -> str:
    if kit.kind in ("phase", "hub"):
        return f"hub:{request.code}"
    if kit.kind == "zone":
        return f"zone:{request.code}/{kit.zone_code}"
    zone = next(z for z in zones if z.code == kit.zone_code)
    return f"screen:{zone.screens[kit.screen_position or 0].code}"


def _planned_bookings(
    request: OpenHubRequest,
    kit: Kit,
    campaign: Campaign,
    target: Phase,
    zones: tuple[PlannedZone, ...],
) -> tuple[PlannedBooking, ...]:
    if kit.phase is None:
        return ()
    shift = target.starts_on - kit.phase.starts_on
    taken = set(db.session.scalars(select(Booking.key).where(Booking.campaign_id == campaign.id)))
    planned = []
    for b in kit.bookings:
        plain = PlannedBooking(
            b.key, b.message_key, b.target, b.starts_on, b.ends_on, COPIED, booking_id=b.booking_id
        )
        starts_on = max(b.starts_on + shift, target.starts_on)
        ends_on = min(b.ends_on + shift, target.ends_on)
        if b.kind == "venue":
            planned.append(replace(plain, status=BY_VENUE))
        elif b.kind == "phase" and b.target == f"phase:{target.number}":
            planned.append(replace(plain, status=BY_PHASE))
        elif b.kind == "screen" and not request.create_screens:
            planned.append(replace(plain, status=NO_SCREEN))
        elif starts_on > ends_on:
            planned.append(replace(plain, status=OUTSIDE))
        else:
            planned.append(
                replace(
                    plain,
                    new_key=_new_key(request.code, b.key, taken),
                    new_target=_new_target(request, b, zones),
                    new_starts_on=starts_on,
                    new_ends_on=ends_on,
                )
            )
    return tuple(planned)


def _plan(request: OpenHubRequest, now: datetime | None) -> tuple[OpenHubPlan, Campaign, Phase]:
    _check_hub_fields(request)
    source = hub_with_zones(request.source_hub)
    if not source.zones:
        raise OpenHubRefused(
            "source_hub",
            _(
                "The hub %(code)s has no zones, so there is no kit to copy: add its zones first, "
                "or open the hub from another.",
                code=source.code,
            ),
        )
    campaign, target = _target_phase(request, now or clock.now())
    kit = kit_of(source, campaign, request.source_phase)
    zones = _planned_zones(request, kit)
    _check_screen_codes(zones)
    bookings = _planned_bookings(request, kit, campaign, target, zones)
    plan = OpenHubPlan(request, phase_ref(campaign, target), kit.phase, zones, bookings)
    return plan, campaign, target


def preview_open_hub(request: OpenHubRequest, now: datetime | None = None) -> OpenHubPlan:
    """What opening the hub would create; nothing is saved. Refusals as `open_hub`."""
    try:
        return _plan(request, now)[0]
    finally:
        db.session.rollback()  # a preview leaves nothing behind, not even loaded rows


def _copy(
    row: Booking,
    planned: PlannedBooking,
    hub: Hub,
    zones: dict[str, Zone],
    screens: dict[str, Screen],
) -> Booking:
    kind, _colon, ref = (planned.new_target or "").partition(":")
    copy = Booking(
        campaign_id=row.campaign_id,
        key=planned.new_key,
        message_id=row.message_id,
        starts_on=planned.new_starts_on,
        ends_on=planned.new_ends_on,
        weekdays=row.weekdays,
        window_start=row.window_start,
        window_end=row.window_end,
        weight=row.weight,
        priority=row.priority,
        slot_duration_s=row.slot_duration_s,
        orientation=row.orientation,
    )
    if kind == "hub":
        copy.hub = hub
    elif kind == "zone":
        copy.zone = zones[ref.partition("/")[2]]
    else:
        copy.screen = screens[ref]
    return copy


def open_hub(request: OpenHubRequest, now: datetime | None = None) -> OpenHubPlan:
    """Open the hub as `preview_open_hub` shows it, in one commit: the hub with its zones and
    screens (planned: no token yet), in the target phase, with the kit's bookings copied."""
    plan, _campaign_row, target = _plan(request, now)
    try:
        hub = Hub(
            code=request.code,
            name=request.name.strip(),
            kind=request.kind,
            region=request.region or "",
            timezone=request.timezone,
            latitude=request.latitude,
            longitude=request.longitude,
            yearly_passengers=request.yearly_passengers,
        )
        zones: dict[str, Zone] = {}
        screens: dict[str, Screen] = {}
        for planned_zone in plan.zones:
            zone = Zone(
                code=planned_zone.code,
                name=planned_zone.name,
                venue_type=planned_zone.venue_type,
                language_policy=planned_zone.language_policy,
            )
            hub.zones.append(zone)
            zones[zone.code] = zone
            for s in planned_zone.screens:
                screen = Screen(
                    code=s.code,
                    orientation=s.orientation,
                    width=s.width,
                    height=s.height,
                    language_policy=s.language_policy,
                )
                zone.screens.append(screen)
                screens[s.code] = screen
        db.session.add(hub)
        target.hubs.append(hub)
        for planned in plan.copied:
            row = db.session.get(Booking, planned.booking_id)
            assert row is not None  # read in this transaction by _plan
            db.session.add(_copy(row, planned, hub, zones, screens))
    except Exception:
        db.session.rollback()
        raise
    commit(f"hub {request.code}")
    return replace(plan, applied=True, screens_created=plan.screen_count)


# --- what a form offers ----------------------------------------------------------------------


@dataclass(frozen=True)
class HubChoice:
    code: str
    name: str
    zones: int
    screens: int


@dataclass(frozen=True)
class PhaseChoice:
    campaign: str
    number: int
    name: str
    starts_on: date
    ends_on: date
    status: str  # dashboard.SHOWN_ORDER's words, at `now` in America/Lima
    several_campaigns: bool

    @property
    def value(self) -> str:
        return f"{self.campaign}:{self.number}"


def source_choices() -> list[HubChoice]:
    """Every hub a kit may come from, by code, with its zones and screens counted."""
    hubs = db.session.scalars(
        select(Hub).order_by(Hub.code).options(selectinload(Hub.zones).selectinload(Zone.screens))
    )
    return [
        HubChoice(h.code, h.name, len(h.zones), sum(len(z.screens) for z in h.zones)) for h in hubs
    ]


def phase_choices(now: datetime, timezone: str = "America/Lima") -> list[PhaseChoice]:
    """Every phase of every campaign, by campaign and number, with its status seen from
    `timezone` (ended and cancelled ones too: opening a hub into them is refused, saying why)."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    rows = list(
        db.session.scalars(
            select(Phase)
            .join(Campaign)
            .order_by(Campaign.slug, Phase.number)
            .options(selectinload(Phase.hubs), selectinload(Phase.campaign))
        )
    )
    several = len({r.campaign_id for r in rows}) > 1
    return [
        PhaseChoice(
            r.campaign.slug,
            r.number,
            r.name,
            r.starts_on,
            r.ends_on,
            shown_status(to_phase(r), today),
            several,
        )
        for r in rows
    ]
