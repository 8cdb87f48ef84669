"""Proof of play: what each screen reports it actually played, stored once per report."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from campaign.extensions import db
from campaign.persistence.types import UTCDateTime


class PlayRecord(db.Model):
    """One slide shown once on one screen; the player's own id makes re-sent batches harmless."""

    __tablename__ = "play_records"
    __table_args__ = (
        UniqueConstraint("screen_id", "play_id"),
        Index("ix_play_records_started", "started_at"),
        Index("ix_play_records_message", "message_key", "started_at"),
        Index("ix_play_records_campaign", "campaign", "started_at"),
        # The overlap check reads one screen's plays around a batch's instants.
        Index("ix_play_records_screen_started", "screen_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"))
    play_id: Mapped[uuid.UUID] = mapped_column(Uuid())
    item_id: Mapped[str] = mapped_column(String(200))
    # Parsed from item_id (campaign.domain.item_ids) so reports need no join to the playlist.
    campaign: Mapped[str | None] = mapped_column(String(80))
    message_key: Mapped[str] = mapped_column(String(80))
    message_version: Mapped[int | None]
    lang: Mapped[str | None] = mapped_column(String(24))
    # The booking that put the item in the version served to the screen (None: fallback).
    booking_key: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_s: Mapped[float]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlayRollup(db.Model):
    """Plays and on-screen seconds per day (at the hub), campaign, message, language and screen.

    Made nightly from the play records; a day is made again whole, so a late batch from a
    screen that was offline is counted the next night.
    """

    __tablename__ = "play_rollups"
    __table_args__ = (
        UniqueConstraint(
            "day",
            "screen_id",
            "campaign",
            "message_key",
            "lang",
            "booking_key",
            name="uq_play_rollups_slot",  # the generated name is longer than PostgreSQL allows
        ),
        Index("ix_play_rollups_hub_day", "hub_code", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date())
    screen_id: Mapped[int] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"))
    # As they were when rolled up, so reports need no join and survive a screen's move.
    hub_code: Mapped[str] = mapped_column(String(12))
    zone_code: Mapped[str] = mapped_column(String(24))
    campaign: Mapped[str] = mapped_column(String(80), default="")
    message_key: Mapped[str] = mapped_column(String(80))
    lang: Mapped[str] = mapped_column(String(24), default="")
    booking_key: Mapped[str] = mapped_column(String(80), default="")  # "": fallback or unknown
    plays: Mapped[int]
    seconds: Mapped[float]


class ServedVersion(db.Model):
    """A playlist version as first served to one screen: what its plays may claim, and since when.

    Written once per screen and version (the first build of that answer in any process); the
    items map each item id to the booking that put it there (None for fallback items).
    """

    __tablename__ = "served_versions"
    __table_args__ = (
        UniqueConstraint("screen_id", "version"),
        Index("ix_served_versions_screen_first", "screen_id", "first_served_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(64))
    first_served_at: Mapped[datetime] = mapped_column(UTCDateTime())
    items: Mapped[dict[str, str | None]] = mapped_column(JSON, default=dict)


class RejectedPlay(db.Model):
    """A reported play that failed the checks: kept with its reason, never counted in a report."""

    __tablename__ = "rejected_plays"
    __table_args__ = (
        UniqueConstraint("screen_id", "play_id"),
        Index("ix_rejected_plays_screen_received", "screen_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"))
    play_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())  # None when it was not a UUID
    item_id: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_s: Mapped[float | None]
    reason: Mapped[str] = mapped_column(String(24))  # a code: "not-served", "overlap", ...
    detail: Mapped[str] = mapped_column(String(300), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HeartbeatHour(db.Model):
    """Heartbeats received from one screen in one UTC hour: its uptime, for reports."""

    __tablename__ = "heartbeat_hours"

    screen_id: Mapped[int] = mapped_column(
        ForeignKey("screens.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)  # :00:00 UTC
    beats: Mapped[int] = mapped_column(default=0)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())


def insert_ignoring(model: type[db.Model], dialect: str) -> Any:  # type: ignore[name-defined]
    """An INSERT that skips rows clashing with a unique constraint, on SQLite and PostgreSQL."""
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    return sqlite.insert(model).on_conflict_do_nothing()
