"""The playlist versions each screen was served: what its plays may claim, and since when."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from campaign.extensions import db
from campaign.persistence.network import Screen
from campaign.persistence.player import ServedVersion, insert_ignoring
from campaign.services.playback import ScreenPlaylist, ShownItem

log = logging.getLogger(__name__)


def served_items(shown: Iterable[ShownItem]) -> dict[str, str | None]:
    """Each item id of a playlist with the booking that put it there (None: a fallback item).

    One slide booked twice in a loop is one id: the first booking met is kept, and a booking
    is kept over a fallback."""
    items: dict[str, str | None] = {}
    for entry in shown:
        item = entry.item
        if items.get(item.id) is None:
            items[item.id] = item.booking_key
    return items


def playlist_items(playlist: ScreenPlaylist) -> dict[str, str | None]:
    """The items a screen may play from this answer: its loop and its fallback."""
    return served_items(playlist.items + playlist.fallback)


def note_served(screen_id: int, version: str, items: dict[str, str | None], at: datetime) -> bool:
    """Record that the screen was served `version` at `at` (once: the first serving is kept).

    Called by the poll when it builds an answer, so it never raises: a database error is rolled
    back and logged, and False says the note should be tried again."""
    statement = insert_ignoring(ServedVersion, db.engine.dialect.name).values(
        screen_id=screen_id, version=version, first_served_at=at, items=items
    )
    try:
        db.session.execute(statement)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        reason = getattr(exc, "orig", None) or exc
        log.warning(
            "could not record version %s served to screen %s: %s: %s",
            version[:12],
            screen_id,
            type(exc).__name__,
            str(reason).splitlines()[0][:200] if str(reason) else "",
        )
        return False
    return True


def versions_served(screen_id: int) -> list[tuple[datetime, dict[str, str | None]]]:
    """Every version served to the screen, as (first served at, items), oldest first."""
    rows = db.session.execute(
        select(ServedVersion.first_served_at, ServedVersion.items)
        .where(ServedVersion.screen_id == screen_id)
        .order_by(ServedVersion.first_served_at, ServedVersion.id)
    )
    return [(at, dict(items or {})) for at, items in rows]


def screen_id_for(code: str) -> int | None:
    """The id of the screen `code`; None: no such screen."""
    return db.session.scalar(select(Screen.id).where(Screen.code == code))
