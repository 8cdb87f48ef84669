"""Hubs, their zones and screens: create, read, change, delete, and screen tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update

from campaign.extensions import db
from campaign.persistence.network import Hub, Screen, Zone
from campaign.services import screens
from campaign.services.errors import Conflict, Invalid
from campaign.services.records import Records, assign, check_version, commit, delete

HUB_SORTS = {"code", "name", "kind", "region"}
HUB_FILTERS = ("code", "kind", "region")
ZONE_SORTS = {"code", "name"}
ZONE_FILTERS = ("hub_id", "code")
SCREEN_SORTS = {"code", "name", "last_seen_at"}
SCREEN_FILTERS = ("zone_id", "code", "orientation")


hubs: Records[Hub] = Records(Hub, "hub", "code", HUB_SORTS)
zones: Records[Zone] = Records(Zone, "zone", "code", ZONE_SORTS)
screen_records: Records[Screen] = Records(Screen, "screen", "code", SCREEN_SORTS)

get_hub, list_hubs, create_hub = hubs.get, hubs.list, hubs.create
update_hub, delete_hub = hubs.update, hubs.delete
get_zone, list_zones, update_zone, delete_zone = zones.get, zones.list, zones.update, zones.delete
get_screen, list_screens = screen_records.get, screen_records.list


def create_zone(values: dict[str, Any]) -> Zone:
    get_hub(values["hub_id"])
    return zones.create(values)


def _check_shape(orientation: str, width: int, height: int) -> None:
    if width != height and (orientation == "landscape") != (width > height):
        raise Invalid(f"{orientation} does not match {width}×{height} pixels")


def create_screen(values: dict[str, Any], *, now: datetime) -> tuple[Screen, str]:
    """Register a screen in a zone; returns it and its token, shown only this once."""
    zone = get_zone(values.pop("zone_id"))
    _check_shape(values["orientation"], values["width"], values["height"])
    return screens.add_screen(zone.hub.code, zone.code, now=now, **values)


def _claim(row: Screen, expected: int | None) -> None:
    """Take the screen's edit version atomically; heartbeats never touch it, so no false 409s."""
    check_version(row, expected, f"screen {row.code}")
    result = db.session.execute(
        update(Screen)
        .where(Screen.id == row.id, Screen.lock_version == row.lock_version)
        .values(lock_version=Screen.lock_version + 1)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(f"screen {row.code} was changed by someone else meanwhile; reload it")


def update_screen(screen_id: int, changes: dict[str, Any]) -> Screen:
    changes = dict(changes)
    row = get_screen(screen_id)
    _claim(row, changes.pop("version", None))
    if "zone_id" in changes:
        get_zone(changes["zone_id"])
    assign(row, changes)
    _check_shape(row.orientation, row.width, row.height)
    commit(f"screen {row.code}")
    return row


def delete_screen(screen_id: int, version: int | None) -> None:
    row = get_screen(screen_id)
    _claim(row, version)
    delete(row, f"screen {row.code}")


def rotate_screen_token(screen_id: int, *, now: datetime) -> tuple[Screen, str]:
    """Issue a new token for the screen; the old one stops working at once."""
    row = get_screen(screen_id)
    token = screens.issue_token(row.code, now=now)
    return row, token


def revoke_screen_token(screen_id: int, *, now: datetime) -> Screen:
    row = get_screen(screen_id)
    screens.revoke_token(row.code, now=now)
    return row
