"""Pairing a new player with a screen: a short code shown on it, entered by a manager."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaign.extensions import db
from campaign.persistence.types import UTCDateTime


class ScreenPairing(db.Model):
    """One code a player showed; only hashes of the code and of the player's secret are kept.

    The token it hands over is made when the player collects it and is never stored here.
    """

    __tablename__ = "screen_pairings"
    # Asked for by anonymous players every few seconds: the audit records the pairing itself
    # (services/pairing.py), not these rows; their hashes are no one's business there either.
    __audit__ = False
    __table_args__ = (Index("ix_screen_pairings_expires", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    screen_id: Mapped[int | None] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"))
    paired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    player: Mapped[str | None] = mapped_column(Text())  # what the player said it is, ≤ 200
