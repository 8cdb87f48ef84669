"""Bookings: which message runs where and when, checked against its campaign."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from campaign.domain.model import TargetKind
from campaign.domain.plan_reader import is_venue_type
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Phase
from campaign.persistence.messages import Booking, Message
from campaign.persistence.network import Hub, Screen, Zone
from campaign.services.campaigns import (
    get_campaign,
    get_in_visible_campaign,
    in_visible_campaigns,
    visible_campaigns,
)
from campaign.services.errors import Invalid, NotFound
from campaign.services.records import Page, PageRequest, check_version, commit, delete, paginate

BOOKING_SORTS = {"key", "starts_on", "ends_on", "priority", "weight"}
BOOKING_FILTERS = ("campaign_id", "message_id", "phase_id", "hub_id", "zone_id", "screen_id")
TARGETS = {"phase_id": Phase, "hub_id": Hub, "zone_id": Zone, "screen_id": Screen}
# Every target column, the venue type too: exactly one of them is set.
TARGET_FIELDS = (*TARGETS, "venue_type")
# What people call things by, besides ids: resolved to ids before anything is checked.
CODE_FIELDS = (
    "message_key",
    "target",
    "phase_number",
    "hub_code",
    "zone",
    "zone_code",
    "screen_code",
)
# Changing one of these re-checks the dates against the phases.
PLACED_BY = frozenset({*TARGET_FIELDS, "starts_on", "ends_on"})


class BookingInvalid(Invalid):
    """A booking refused because of one field, named by `field` (the API's name for it)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field


def get_booking(booking_id: int, user: User) -> Booking:
    return get_in_visible_campaign(Booking, booking_id, user, "booking")  # type: ignore[no-any-return]


def list_bookings(user: User, request: PageRequest) -> Page:
    return paginate(in_visible_campaigns(Booking, user), Booking, request, BOOKING_SORTS)


# --- Codes to ids -------------------------------------------------------------------------------


def _campaign_id(values: dict[str, Any], user: User, campaign_id: int | None) -> int | None:
    slug = values.pop("campaign_slug", None)
    if slug is None:
        return campaign_id
    found = db.session.scalar(
        visible_campaigns(user).with_only_columns(Campaign.id).where(Campaign.slug == slug)
    )
    if found is None:
        raise BookingInvalid("campaign_slug", _("There is no campaign «%(code)s».", code=slug))
    if campaign_id is not None and found != campaign_id:
        raise BookingInvalid(
            "campaign_slug", _("campaign_slug and campaign_id name different campaigns.")
        )
    return found


def _zone_id(hub_code: str, zone_code: str, field: str) -> int:
    found = db.session.scalar(
        select(Zone.id)
        .join(Hub, Hub.id == Zone.hub_id)
        .where(Hub.code == hub_code, Zone.code == zone_code)
    )
    if found is None:
        raise BookingInvalid(
            field, _("There is no zone «%(code)s».", code=f"{hub_code}/{zone_code}")
        )
    return found


def _hub_id(code: str, field: str) -> int:
    found = db.session.scalar(select(Hub.id).where(Hub.code == code))
    if found is None:
        raise BookingInvalid(field, _("There is no hub «%(code)s».", code=code))
    return found


def _target_from_code(kind: str, ref: str, field: str, campaign_id: int) -> dict[str, Any]:
    """One target given by its code ("zone", "LIM/ARR") as the target columns."""
    if kind == TargetKind.PHASE:
        number = int(ref) if ref.isdigit() and len(ref) < 6 else None
        found = db.session.scalar(
            select(Phase.id).where(Phase.campaign_id == campaign_id, Phase.number == number)
        )
        if found is None:
            raise BookingInvalid(field, _("The campaign has no phase %(code)s.", code=ref))
        return {"phase_id": found}
    if kind == TargetKind.HUB:
        return {"hub_id": _hub_id(ref, field)}
    if kind == TargetKind.ZONE:
        hub_code, _slash, zone_code = ref.partition("/")
        return {"zone_id": _zone_id(hub_code, zone_code, field)}
    if kind == TargetKind.SCREEN:
        found = db.session.scalar(select(Screen.id).where(Screen.code == ref))
        if found is None:
            raise BookingInvalid(field, _("There is no screen «%(code)s».", code=ref))
        return {"screen_id": found}
    if kind == TargetKind.VENUE:
        check_venue_type(ref, field)
        return {"venue_type": ref}
    raise BookingInvalid(
        field,
        _(
            "«%(code)s» is not a target like phase:1, hub:LIM, zone:LIM/ARR, screen:LIM-ARR-01 "
            "or venue:transit.airports.departures.",
            code=f"{kind}:{ref}",
        ),
    )


def check_venue_type(code: str, field: str = "venue_type") -> None:
    """A venue target must name the venue type of some zone, written as such."""
    known = is_venue_type(code) and db.session.scalar(
        select(Zone.id).where(Zone.venue_type == code).limit(1)
    )
    if not known:
        raise BookingInvalid(field, _("No zone has the venue type «%(code)s».", code=code))


def resolve_codes(values: dict[str, Any], campaign_id: int) -> dict[str, Any]:
    """The values with every code (message key, hub code, "HUB/ZONE", screen code, venue type,
    phase number, "kind:ref" target) replaced by the ids it names, in the campaign
    `campaign_id`. A code that names nothing is refused naming its field; ids are left for
    `_check`."""
    values = dict(values)
    key = values.pop("message_key", None)
    if key is not None:
        found = db.session.scalar(
            select(Message.id).where(Message.campaign_id == campaign_id, Message.key == key)
        )
        if found is None:
            raise BookingInvalid(
                "message_key", _("The campaign has no message «%(code)s».", code=key)
            )
        values["message_id"] = found
    targets: list[dict[str, Any]] = []
    if (spec := values.pop("target", None)) is not None:
        kind, _colon, ref = str(spec).partition(":")
        targets.append(_target_from_code(kind, ref, "target", campaign_id))
    if (number := values.pop("phase_number", None)) is not None:
        targets.append(_target_from_code("phase", str(number), "phase_number", campaign_id))
    hub_code, zone_code = values.pop("hub_code", None), values.pop("zone_code", None)
    if zone_code is not None:
        if hub_code is None:
            raise BookingInvalid("zone_code", _("Give hub_code with zone_code."))
        targets.append({"zone_id": _zone_id(hub_code, zone_code, "zone_code")})
    elif hub_code is not None:
        targets.append({"hub_id": _hub_id(hub_code, "hub_code")})
    if (zone := values.pop("zone", None)) is not None:
        targets.append(_target_from_code("zone", zone, "zone", campaign_id))
    if (screen := values.pop("screen_code", None)) is not None:
        targets.append(_target_from_code("screen", screen, "screen_code", campaign_id))
    if values.get("venue_type") is not None:
        check_venue_type(values["venue_type"])
    for target in targets:
        values.update(target)
    return values


# --- Checks -------------------------------------------------------------------------------------


def _phases_reaching(row: Booking) -> tuple[list[Phase], str]:
    """The campaign's phases the booking's target runs in (a phase target: that phase; any other:
    the phases listing a hub it reaches), and how to name the target's hubs."""
    if row.phase_id is not None:
        phase = db.session.get(Phase, row.phase_id)
        return ([phase] if phase is not None else []), ""
    if row.hub_id is not None:
        hub_ids = [row.hub_id]
    elif row.zone_id is not None:
        hub_ids = list(db.session.scalars(select(Zone.hub_id).where(Zone.id == row.zone_id)))
    elif row.screen_id is not None:
        hub_ids = list(
            db.session.scalars(
                select(Zone.hub_id)
                .join(Screen, Screen.zone_id == Zone.id)
                .where(Screen.id == row.screen_id)
            )
        )
    else:
        hub_ids = list(
            db.session.scalars(select(Zone.hub_id).where(Zone.venue_type == row.venue_type))
        )
    campaign = db.session.get(Campaign, row.campaign_id)
    phases = [
        p for p in (campaign.phases if campaign else []) if {h.id for h in p.hubs} & set(hub_ids)
    ]
    codes = sorted(db.session.scalars(select(Hub.code).where(Hub.id.in_(hub_ids))))
    return phases, ", ".join(codes)


def _first_uncovered(starts_on: date, ends_on: date, phases: list[Phase]) -> date | None:
    """The first day of [starts_on, ends_on] that no phase's dates hold, or None."""
    day = starts_on
    for phase in sorted(phases, key=lambda p: p.starts_on):
        if phase.starts_on > day:
            break
        if phase.ends_on >= day:
            day = phase.ends_on + timedelta(days=1)
        if day > ends_on:
            return None
    return day if day <= ends_on else None


def _check_in_phases(row: Booking) -> None:
    """The booking's dates lie within the phases its target runs in: outside them it never
    plays (whether a phase is funded is a warning, not a refusal: funding may come)."""
    phases, hubs = _phases_reaching(row)
    if not phases:
        raise BookingInvalid(
            "target",
            _(
                "No phase of the campaign includes %(hubs)s: a booking there would never play.",
                hubs=hubs or "—",
            ),
        )
    uncovered = _first_uncovered(row.starts_on, row.ends_on, phases)
    if uncovered is None:
        return
    spans = "; ".join(
        _(
            "phase %(number)s, %(start)s to %(end)s",
            number=p.number,
            start=format_date(p.starts_on, "medium"),
            end=format_date(p.ends_on, "medium"),
        )
        for p in sorted(phases, key=lambda p: p.number)
    )
    raise BookingInvalid(
        "starts_on" if uncovered == row.starts_on else "ends_on",
        _(
            "%(day)s is outside the phases this target runs in (%(phases)s): the dates must "
            "fall within them.",
            day=format_date(uncovered, "medium"),
            phases=spans,
        ),
    )


def _check(row: Booking, *, placed: bool = True) -> None:
    """Cross-field and cross-record rules; single fields were checked by the API schema.
    `placed`: the target or the dates are new, so they are checked against the phases."""
    targets = [name for name in TARGET_FIELDS if getattr(row, name) is not None]
    if len(targets) != 1:
        raise BookingInvalid(
            "target",
            _("Give exactly one target: phase_id, hub_id, zone_id, screen_id or venue_type."),
        )
    name = targets[0]
    if name == "venue_type":
        check_venue_type(row.venue_type or "")
    else:
        target = db.session.get(TARGETS[name], getattr(row, name))
        if target is None:
            raise NotFound(f"unknown {name.removesuffix('_id')} {getattr(row, name)}")
        if isinstance(target, Phase) and target.campaign_id != row.campaign_id:
            raise BookingInvalid(name, _("The phase belongs to another campaign."))
    if row.message_id is None:
        raise BookingInvalid("message_id", _("Give message_id or message_key."))
    message = db.session.get(Message, row.message_id)
    if message is None or message.campaign_id != row.campaign_id:
        raise BookingInvalid("message_id", _("The message is not one of this campaign's."))
    if row.ends_on < row.starts_on:
        raise BookingInvalid(
            "ends_on",
            _(
                "The last day (%(end)s) is before the first day (%(start)s).",
                end=format_date(row.ends_on, "medium"),
                start=format_date(row.starts_on, "medium"),
            ),
        )
    if (row.window_start is None) != (row.window_end is None):
        field = "window_end" if row.window_end is None else "window_start"
        raise BookingInvalid(field, _("Give both ends of the daily window, or neither."))
    if row.window_start is not None and row.window_start == row.window_end:
        raise BookingInvalid(
            "window_end",
            _("The daily window ends where it starts: leave both times empty to play all day."),
        )
    if placed:
        _check_in_phases(row)


def create_booking(values: dict[str, Any], user: User) -> Booking:
    values = dict(values)
    campaign_id = _campaign_id(values, user, values.get("campaign_id"))
    if campaign_id is None:
        raise BookingInvalid("campaign_id", _("Give campaign_id or campaign_slug."))
    get_campaign(campaign_id, user)
    values = resolve_codes({**values, "campaign_id": campaign_id}, campaign_id)
    row = Booking(**values)
    _check(row)
    db.session.add(row)
    commit(f"booking {row.key}")
    return row


def update_booking(booking_id: int, user: User, changes: dict[str, Any]) -> Booking:
    row = get_booking(booking_id, user)
    changes = resolve_codes(changes, row.campaign_id)
    check_version(row, changes.pop("version", None), f"booking {row.key}")
    if any(name in changes for name in TARGET_FIELDS):
        # A new target replaces the old one rather than adding a second.
        for name in TARGET_FIELDS:
            setattr(row, name, changes.pop(name, None))
        changes["placed"] = True
    placed = bool(changes.pop("placed", False)) or bool(PLACED_BY & set(changes))
    for name, value in changes.items():
        setattr(row, name, value)
    try:
        _check(row, placed=placed)
    except Exception:
        db.session.rollback()  # refused whole: nothing of the change stays in the session
        raise
    commit(f"booking {row.key}")
    return row


def delete_booking(booking_id: int, user: User, version: int | None) -> None:
    row = get_booking(booking_id, user)
    check_version(row, version, f"booking {row.key}")
    delete(row, f"booking {row.key}")
