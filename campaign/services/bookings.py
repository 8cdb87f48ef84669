"""Bookings: which message runs where and when, checked against its campaign."""

from __future__ import annotations

from typing import Any

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Phase
from campaign.persistence.messages import Booking, Message
from campaign.persistence.network import Hub, Screen, Zone
from campaign.services.campaigns import (
    get_campaign,
    get_in_visible_campaign,
    in_visible_campaigns,
)
from campaign.services.errors import Invalid, NotFound
from campaign.services.records import Page, PageRequest, check_version, commit, delete, paginate

BOOKING_SORTS = {"key", "starts_on", "ends_on", "priority", "weight"}
BOOKING_FILTERS = ("campaign_id", "message_id", "phase_id", "hub_id", "zone_id", "screen_id")
TARGETS = {"phase_id": Phase, "hub_id": Hub, "zone_id": Zone, "screen_id": Screen}


def get_booking(booking_id: int, user: User) -> Booking:
    return get_in_visible_campaign(Booking, booking_id, user, "booking")  # type: ignore[no-any-return]


def list_bookings(user: User, request: PageRequest) -> Page:
    return paginate(in_visible_campaigns(Booking, user), Booking, request, BOOKING_SORTS)


def _check(row: Booking) -> None:
    """Cross-field and cross-record rules; single fields were checked by the API schema."""
    targets = [name for name in TARGETS if getattr(row, name) is not None]
    if len(targets) != 1:
        raise Invalid("give exactly one target: phase_id, hub_id, zone_id or screen_id")
    target = db.session.get(TARGETS[targets[0]], getattr(row, targets[0]))
    if target is None:
        raise NotFound(f"unknown {targets[0].removesuffix('_id')} {getattr(row, targets[0])}")
    if isinstance(target, Phase) and target.campaign_id != row.campaign_id:
        raise Invalid("the phase belongs to another campaign")
    message = db.session.get(Message, row.message_id)
    if message is None or message.campaign_id != row.campaign_id:
        raise Invalid("message_id is not a message of this campaign")
    if row.ends_on < row.starts_on:
        raise Invalid(f"ends_on {row.ends_on} is before starts_on {row.starts_on}")
    if (row.window_start is None) != (row.window_end is None):
        raise Invalid("give both window_start and window_end, or neither")
    if row.window_start is not None and row.window_start == row.window_end:
        raise Invalid("window_start and window_end must differ")


def create_booking(values: dict[str, Any], user: User) -> Booking:
    get_campaign(values["campaign_id"], user)
    row = Booking(**values)
    _check(row)
    db.session.add(row)
    commit(f"booking {row.key}")
    return row


def update_booking(booking_id: int, user: User, changes: dict[str, Any]) -> Booking:
    changes = dict(changes)
    row = get_booking(booking_id, user)
    check_version(row, changes.pop("version", None), f"booking {row.key}")
    if any(name in changes for name in TARGETS):
        # A new target replaces the old one rather than adding a second.
        for name in TARGETS:
            setattr(row, name, changes.pop(name, None))
    for name, value in changes.items():
        setattr(row, name, value)
    _check(row)
    commit(f"booking {row.key}")
    return row


def delete_booking(booking_id: int, user: User, version: int | None) -> None:
    row = get_booking(booking_id, user)
    check_version(row, version, f"booking {row.key}")
    delete(row, f"booking {row.key}")
