"""Plays a player could keep only as counts: checked, stored once per count id, and counted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from campaign.domain.item_ids import parse_item_id
from campaign.extensions import db
from campaign.persistence.play_counts import PlayCount
from campaign.services import served_versions
from campaign.services.play_checks import parse_instant

MAX_COUNTS = 200  # a request; a player sends a few at a time
MAX_PLAYS_AN_HOUR = 3600  # one a second, more than any loop shows


class BadCounts(ValueError):
    """The request is not a list of counts of the protocol's shape."""


@dataclass
class CountsResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, object]] = field(default_factory=list)  # {index, detail}


def _row(record: object, served: set[str], skew: timedelta, now: datetime) -> dict[str, Any]:
    """The row for one count; ValueError says why it cannot be believed."""
    if not isinstance(record, dict):
        raise ValueError("a count must be a JSON object")
    try:
        count_id = uuid.UUID(str(record.get("id")))
    except ValueError:
        raise ValueError("id must be a UUID") from None
    item_id = record.get("item_id")
    if not isinstance(item_id, str) or item_id not in served:
        raise ValueError("item_id was never in a playlist served to this screen")
    plays, seconds = record.get("plays"), record.get("seconds")
    if isinstance(plays, bool) or not isinstance(plays, int) or not 0 < plays <= MAX_PLAYS_AN_HOUR:
        raise ValueError(f"plays must be a whole number from 1 to {MAX_PLAYS_AN_HOUR}")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= 3600:
        raise ValueError("seconds must be a number more than 0 and at most 3600")
    hour, first, last = (
        parse_instant(record.get(name), name) for name in ("hour", "first", "last")
    )
    if hour != hour.replace(minute=0, second=0, microsecond=0):
        raise ValueError("hour must be the start of a UTC hour")
    if not hour <= first <= last < hour + timedelta(hours=1):
        raise ValueError("first and last must be in order, within the hour")
    if last > now + skew:
        raise ValueError("the plays counted are in the future by the server's clock")
    ref = parse_item_id(item_id)
    return {
        "count_id": count_id, "item_id": item_id, "hour": hour, "plays": plays,
        "seconds": float(seconds), "first_at": first, "last_at": last,
        "campaign": (ref.campaign or None) if ref else None,
        "message_key": ref.message_key if ref else item_id[:80],
    }  # fmt: skip


def record_counts(screen_id: int, counts: object, *, now: datetime) -> CountsResult:
    """Store the counts that can be believed (idempotent by their ids); list the others."""
    try:
        return _record(screen_id, counts, now)
    except IntegrityError:
        # The same counts sent twice at once: the other request stored them; say so.
        db.session.rollback()
        return _record(screen_id, counts, now)


def _record(screen_id: int, counts: object, now: datetime) -> CountsResult:
    if not isinstance(counts, list):
        raise BadCounts('the body must be a JSON object {"counts": [...]}')
    if len(counts) > MAX_COUNTS:
        raise BadCounts(f"send at most {MAX_COUNTS} counts a request")
    served = {item for _, items in served_versions.versions_served(screen_id) for item in items}
    skew = timedelta(seconds=float(current_app.config["PLAY_CLOCK_SKEW_S"]))
    result, rows = CountsResult(), []
    for index, record in enumerate(counts):
        try:
            rows.append(_row(record, served, skew, now))
        except ValueError as exc:
            result.rejected.append({"index": index, "detail": str(exc)})
    ids = [row["count_id"] for row in rows]
    known = set(
        db.session.scalars(
            select(PlayCount.count_id).where(
                PlayCount.screen_id == screen_id, PlayCount.count_id.in_(ids)
            )
        )
    ) if ids else set()  # fmt: skip
    for row in rows:
        if row["count_id"] in known:
            result.duplicates += 1
            continue
        known.add(row["count_id"])
        db.session.add(PlayCount(screen_id=screen_id, received_at=now, **row))
        result.accepted += 1
    db.session.commit()
    return result


def counted_plays(screen_ids: list[int] | None, since: datetime) -> dict[int, int]:
    """Plays kept only as counts since `since`, by screen (None: every screen)."""
    query = select(PlayCount.screen_id, func.sum(PlayCount.plays)).where(PlayCount.hour >= since)
    if screen_ids is not None:
        query = query.where(PlayCount.screen_id.in_(screen_ids))
    return {
        screen: int(total)
        for screen, total in db.session.execute(query.group_by(PlayCount.screen_id))
    }
