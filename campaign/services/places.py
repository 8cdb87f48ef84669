"""Hubs, their zones and screens: create, read, change, delete, and screen tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from campaign.extensions import db
from campaign.persistence.network import Hub, Screen, Zone
from campaign.services import screens
from campaign.services.errors import Conflict, Invalid, NotFound
from campaign.services.listing import Page, PageRequest, check_version, commit, delete, paginate

HUB_SORTS = {"code", "name", "kind", "region"}
HUB_FILTERS = ("code", "kind", "region")
ZONE_SORTS = {"code", "name"}
ZONE_FILTERS = ("hub_id", "code")
SCREEN_SORTS = {"code", "name", "last_seen_at"}
SCREEN_FILTERS = ("zone_id", "code", "orientation")


def _apply(row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)


def _get(model: type, row_id: int, what: str) -> Any:
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(f"no {what} {row_id}")
    return row


def get_hub(hub_id: int) -> Hub:
    return _get(Hub, hub_id, "hub")  # type: ignore[no-any-return]


def list_hubs(request: PageRequest) -> Page:
    return paginate(select(Hub), Hub, request, HUB_SORTS)


def create_hub(values: dict[str, Any]) -> Hub:
    row = Hub(**values)
    db.session.add(row)
    commit(f"hub {row.code}")
    return row


def update_hub(hub_id: int, changes: dict[str, Any]) -> Hub:
    changes = dict(changes)
    row = get_hub(hub_id)
    check_version(row, changes.pop("version", None), f"hub {row.code}")
    _apply(row, changes)
    commit(f"hub {row.code}")
    return row


def delete_hub(hub_id: int, version: int | None) -> None:
    row = get_hub(hub_id)
    check_version(row, version, f"hub {row.code}")
    delete(row, f"hub {row.code}")


def get_zone(zone_id: int) -> Zone:
    return _get(Zone, zone_id, "zone")  # type: ignore[no-any-return]


def list_zones(request: PageRequest) -> Page:
    return paginate(select(Zone), Zone, request, ZONE_SORTS)


def create_zone(values: dict[str, Any]) -> Zone:
    get_hub(values["hub_id"])
    row = Zone(**values)
    db.session.add(row)
    commit(f"zone {row.code}")
    return row


def update_zone(zone_id: int, changes: dict[str, Any]) -> Zone:
    changes = dict(changes)
    row = get_zone(zone_id)
    check_version(row, changes.pop("version", None), f"zone {row.code}")
    _apply(row, changes)
    commit(f"zone {row.code}")
    return row


def delete_zone(zone_id: int, version: int | None) -> None:
    row = get_zone(zone_id)
    check_version(row, version, f"zone {row.code}")
    delete(row, f"zone {row.code}")


def get_screen(screen_id: int) -> Screen:
    return _get(Screen, screen_id, "screen")  # type: ignore[no-any-return]


def list_screens(request: PageRequest) -> Page:
    return paginate(select(Screen), Screen, request, SCREEN_SORTS)


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
    _apply(row, changes)
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
