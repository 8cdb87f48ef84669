"""Plays a player kept only as counts, per item and hour, when it ran short of storage."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from campaign.extensions import db
from campaign.persistence.types import UTCDateTime


class PlayCount(db.Model):
    """So many plays of one item on one screen within one UTC hour, without their single
    records: not proof of each play, but never lost. The player's id for the count makes
    re-sends harmless."""

    __tablename__ = "play_counts"
    __table_args__ = (
        UniqueConstraint("screen_id", "count_id"),
        Index("ix_play_counts_screen_hour", "screen_id", "hour"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"))
    count_id: Mapped[uuid.UUID] = mapped_column(Uuid())
    item_id: Mapped[str] = mapped_column(String(200))
    campaign: Mapped[str | None] = mapped_column(String(80))
    message_key: Mapped[str] = mapped_column(String(80))
    hour: Mapped[datetime] = mapped_column(UTCDateTime())
    plays: Mapped[int]
    seconds: Mapped[float]
    first_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
