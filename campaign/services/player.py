"""What players report: heartbeats (alive, playing what) and proof of play, stored once."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import and_, case, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from campaign.extensions import db
from campaign.persistence.network import Screen
from campaign.persistence.player import HeartbeatHour, PlayRecord, insert_ignoring
from campaign.services import connectivity, play_checks, rejected_plays, served_versions
from campaign.services.play_checks import MAX_BATCH, MAX_DURATION_S

__all__ = ["MAX_BATCH", "MAX_DURATION_S", "BadReport", "BatchTooLarge", "PlaysResult"]

MAX_INFO_BYTES = 4096
# Past this many separate spans of a batch's instants, the stored plays are read in one span.
MAX_WINDOWS = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class BatchTooLarge(ValueError):
    """More plays than MAX_BATCH in one request."""


class BadReport(ValueError):
    """The report is not the shape the protocol describes."""


@dataclass
class PlaysResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, object]] = field(default_factory=list)  # {index, detail, reason}
    stored_rejections: int = 0  # of those, how many were stored now (a daily cap applies)


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
    _count_beat(screen_id, now)
    db.session.commit()


def _count_beat(screen_id: int, now: datetime) -> None:
    """One more heartbeat in the screen's UTC hour (its uptime, for reports): one statement."""
    at = now.astimezone(UTC)
    hour = at.replace(minute=0, second=0, microsecond=0)
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(HeartbeatHour).values(
        screen_id=screen_id, hour=hour, beats=1, first_at=at, last_at=at
    )
    new, old = statement.excluded, HeartbeatHour.__table__.c
    statement = statement.on_conflict_do_update(
        index_elements=[old.screen_id, old.hour],
        set_={
            "beats": old.beats + 1,
            "first_at": case((new.first_at < old.first_at, new.first_at), else_=old.first_at),
            "last_at": case((new.last_at > old.last_at, new.last_at), else_=old.last_at),
        },
    )
    db.session.execute(statement)


def check_play(record: object, now: datetime | None = None) -> dict[str, Any]:
    """One reported play as the fields of its row; ValueError says what is wrong with its shape.
    (Whether it is believed is `record_plays`'s question: see `play_checks`.)"""
    play = play_checks.parse_play(record)
    row = play.row(0, None, now or play.started_at)
    return {k: v for k, v in row.items() if k not in ("screen_id", "booking_key", "received_at")}


def _rules() -> play_checks.Rules:
    config = current_app.config
    return play_checks.Rules(
        skew_s=float(config["PLAY_CLOCK_SKEW_S"]), transition_s=float(config["PLAY_TRANSITION_S"])
    )


def _stored(screen_id: int, play_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these play ids the screen has already reported (and were believed)."""
    if not play_ids:
        return set()
    return set(
        db.session.scalars(
            select(PlayRecord.play_id).where(
                PlayRecord.screen_id == screen_id, PlayRecord.play_id.in_(play_ids)
            )
        )
    )


def _timeline(
    screen_id: int, plays: list[play_checks.Play], transition_s: float
) -> tuple[play_checks.Timeline, set[uuid.UUID]]:
    """The screen's stored plays where any of `plays` could overlap them (one query), and which
    of `plays` are among them (stored meanwhile by a request sending the same batch)."""
    spans = play_checks.windows(plays)
    if len(spans) > MAX_WINDOWS:
        spans = [(spans[0][0], max(high for _, high in spans))]
    found: list[tuple[float, float]] = []
    ours = {play.play_id for play in plays}
    meanwhile: set[uuid.UUID] = set()
    if spans:
        within = or_(
            *(
                and_(PlayRecord.started_at >= low, PlayRecord.started_at < high)
                for low, high in spans
            )
        )
        rows = db.session.execute(
            select(PlayRecord.play_id, PlayRecord.started_at, PlayRecord.duration_s).where(
                PlayRecord.screen_id == screen_id, within
            )
        )
        for play_id, at, duration in rows:
            found.append(((at - _EPOCH).total_seconds(), duration))
            if play_id in ours:
                meanwhile.add(play_id)
    return play_checks.Timeline(found, transition_s), meanwhile


# pg_advisory_xact_lock(int, int): "PLAY" in ASCII, then the screen (the scheduler's lock is a
# single bigint key, so the two never meet).
_PLAYS_LOCK_CLASS = 0x504C4159


def _one_batch_at_a_time(screen_id: int) -> None:
    """Hold the screen's batches apart until this one commits: two batches checked at once could
    each accept a play the other makes an overlap. PostgreSQL: a transaction lock per screen.
    SQLite: a no-op write first takes the database's write lock (writes are one at a time there
    anyway), so the reads below see every batch committed before, and the write cannot fail on
    a snapshot gone stale."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:kind, :screen)"),
            {"kind": _PLAYS_LOCK_CLASS, "screen": screen_id},
        )
    else:
        db.session.execute(
            text("UPDATE screens SET id = id WHERE id = :screen"), {"screen": screen_id}
        )


def record_plays(screen_id: int, plays: object, *, now: datetime) -> PlaysResult:
    """Store a batch of plays: those believed in `play_records`, the others in `rejected_plays`
    with their reason (listed by index in the result), re-sent ones counted as duplicates.

    The rules are `play_checks`'s; this reads, for the whole batch, the versions served to the
    screen, the play ids already received, and the screen's plays around the batch's instants."""
    if not isinstance(plays, list):
        raise BadReport("plays must be a list")
    if len(plays) > MAX_BATCH:
        raise BatchTooLarge(f"send at most {MAX_BATCH} plays per request, not {len(plays)}")
    _one_batch_at_a_time(screen_id)
    rules = _rules()
    result = PlaysResult()
    rejections: list[play_checks.Rejection] = []  # new ones, to store
    again: list[play_checks.Rejection] = []  # rejected before: the same answer, stored once
    parsed: dict[uuid.UUID, play_checks.Play] = {}
    for index, record in enumerate(plays):
        try:
            play = play_checks.parse_play(record, index)
        except ValueError as exc:
            rejections.append(play_checks.malformed(record, index, str(exc)))
            continue
        if play.play_id in parsed:
            result.duplicates += 1
            continue
        parsed[play.play_id] = play
    ids = list(parsed)
    stored = _stored(screen_id, ids)
    result.duplicates += len(stored)
    ids = [play_id for play_id in ids if play_id not in stored]
    earlier = rejected_plays.earlier_rejections(screen_id, ids)
    history = play_checks.ServedHistory(served_versions.versions_served(screen_id)) if ids else None
    served: list[tuple[play_checks.Play, str | None]] = []
    for play_id in ids:
        play = parsed[play_id]
        if play_id in earlier:
            reason, detail = earlier[play_id]
            again.append(play_checks.Rejection(play.index, reason, detail, play_id=play_id))
            continue
        verdict = play_checks.check_served(play, history, now, rules)  # type: ignore[arg-type]
        if isinstance(verdict, play_checks.Rejection):
            rejections.append(verdict)
        else:
            served.append((play, verdict))
    rows: list[dict[str, Any]] = []
    if served:
        timeline, meanwhile = _timeline(screen_id, [p for p, _ in served], rules.transition_s)
        for play, booking_key in served:  # in the batch's order: of two at once, the first counts
            if play.play_id in meanwhile:
                result.duplicates += 1
                continue
            start = play.start
            if timeline.overlaps(start, play.duration_s):
                rejections.append(play_checks.overlap(play, rules))
                continue
            timeline.add(start, play.duration_s)
            rows.append(play.row(screen_id, booking_key, now))
    if rows:
        # On the table, not the model: a plain executemany, without the ORM's bulk bookkeeping.
        table = PlayRecord.__table__
        statement = insert_ignoring(table, db.engine.dialect.name).returning(table.c.play_id)
        inserted = db.session.execute(statement, rows).all()
        result.accepted = len(inserted)
        result.duplicates += len(rows) - len(inserted)  # sent meanwhile by another request
    rejections.sort(key=lambda rejection: rejection.index)
    result.stored_rejections = rejected_plays.store(screen_id, rejections, now)
    db.session.commit()  # also when nothing was written: it ends the lock taken above
    result.rejected = [r.answer() for r in sorted(rejections + again, key=lambda r: r.index)]
    return result
