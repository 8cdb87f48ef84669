"""What players report: heartbeats (alive, playing what) and proof of play, stored once."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from campaign.domain.item_ids import parse_item_id
from campaign.extensions import db
from campaign.persistence.network import Screen
from campaign.persistence.player import PlayRecord, insert_ignoring
from campaign.services import connectivity

MAX_BATCH = 1000
MAX_DURATION_S = 3600
MAX_INFO_BYTES = 4096
# A player's clock may run a little fast; a play further ahead than this is a bug, not a play.
FUTURE_SLACK = timedelta(minutes=5)


class BatchTooLarge(ValueError):
    """More plays than MAX_BATCH in one request."""


class BadReport(ValueError):
    """The report is not the shape the protocol describes."""


@dataclass
class PlaysResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, object]] = field(default_factory=list)


def record_heartbeat(screen_id: int, report: dict[str, Any], *, now: datetime) -> None:
    """Note that the screen is alive and what it plays; touches no content (no generation bump)."""
    if not isinstance(report, dict):
        raise BadReport("the heartbeat must be a JSON object")
    playing = report.get("playing_version")
    if playing is not None and (not isinstance(playing, str) or len(playing) > 64):
        raise BadReport("playing_version must be a string of at most 64 characters")
    info = {k: v for k, v in report.items() if k != "playing_version"}
    if len(json.dumps(info, default=str)) > MAX_INFO_BYTES:
        raise BadReport(f"the player details must fit in {MAX_INFO_BYTES} bytes of JSON")
    values = {"last_seen_at": now, "playing_version": playing, "player_info": info}
    # One UPDATE while the screen is online; one marked offline is cleared, and that recorded.
    written = db.session.execute(
        update(Screen).where(Screen.id == screen_id, Screen.offline_since.is_(None)).values(values)
    )
    if not written.rowcount:  # type: ignore[attr-defined]
        connectivity.back_online(screen_id, values, now)
    db.session.commit()


def _parse_instant(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("started_at must be an ISO 8601 string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("started_at is not an ISO 8601 instant") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("started_at needs a UTC offset (e.g. 'Z' or '-05:00')")
    return moment


def check_play(record: object, now: datetime) -> dict[str, Any]:
    """One reported play as a row to store; ValueError says what is wrong with it."""
    if not isinstance(record, dict):
        raise ValueError("a play must be a JSON object")
    try:
        play_id = uuid.UUID(str(record.get("id")))
    except ValueError:
        raise ValueError("id must be a UUID") from None
    item_id = record.get("item_id")
    if not isinstance(item_id, str) or not item_id.strip() or len(item_id) > 200:
        raise ValueError("item_id must be a non-empty string of at most 200 characters")
    started_at = _parse_instant(record.get("started_at"))
    if started_at > now + FUTURE_SLACK:
        raise ValueError("started_at is in the future")
    duration = record.get("duration_s")
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        raise ValueError("duration_s must be a number")
    if not 0 < duration <= MAX_DURATION_S:
        raise ValueError(f"duration_s must be more than 0 and at most {MAX_DURATION_S}")
    ref = parse_item_id(item_id)
    return {
        "play_id": play_id,
        "item_id": item_id,
        "campaign": (ref.campaign[:80] or None) if ref else None,
        "message_key": (ref.message_key if ref else item_id)[:80],
        "message_version": ref.message_version if ref else None,
        "lang": ref.lang if ref else None,
        "started_at": started_at,
        "duration_s": float(duration),
    }


def record_plays(screen_id: int, plays: object, *, now: datetime) -> PlaysResult:
    """Store a batch of plays: bad ones reported by index, re-sent ones counted as duplicates."""
    if not isinstance(plays, list):
        raise BadReport("plays must be a list")
    if len(plays) > MAX_BATCH:
        raise BatchTooLarge(f"send at most {MAX_BATCH} plays per request, not {len(plays)}")
    result = PlaysResult()
    rows: dict[uuid.UUID, dict[str, Any]] = {}
    for index, record in enumerate(plays):
        try:
            row = check_play(record, now)
        except ValueError as exc:
            result.rejected.append({"index": index, "detail": str(exc)})
            continue
        if row["play_id"] in rows:
            result.duplicates += 1
            continue
        rows[row["play_id"]] = {**row, "screen_id": screen_id, "received_at": now}
    if rows:
        statement = insert_ignoring(PlayRecord, db.engine.dialect.name).returning(
            PlayRecord.play_id
        )
        inserted = db.session.execute(statement, list(rows.values())).all()
        db.session.commit()
        result.accepted = len(inserted)
        result.duplicates += len(rows) - len(inserted)
    return result
