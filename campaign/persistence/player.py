"""Proof of play: what each screen reports it actually played, stored once per report."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, Uuid
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
        UniqueConstraint("day", "screen_id", "campaign", "message_key", "lang"),
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
    plays: Mapped[int]
    seconds: Mapped[float]


def insert_ignoring(model: type[db.Model], dialect: str) -> Any:  # type: ignore[name-defined]
    """An INSERT that skips rows clashing with a unique constraint, on SQLite and PostgreSQL."""
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    return sqlite.insert(model).on_conflict_do_nothing()
