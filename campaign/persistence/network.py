"""The places a campaign runs: hubs, the zones inside them and their screens."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.extensions import db
from campaign.persistence.types import UTCDateTime


class Hub(db.Model):
    __tablename__ = "hubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: ClassVar[dict[str, object]] = {"version_id_col": lock_version}
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(120), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    yearly_passengers: Mapped[int | None]

    zones: Mapped[list[Zone]] = relationship(
        back_populates="hub", order_by="Zone.code", cascade="all, delete-orphan"
    )


class Zone(db.Model):
    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("hub_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: ClassVar[dict[str, object]] = {"version_id_col": lock_version}
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    venue_type: Mapped[str] = mapped_column(String(80), default="")
    language_policy: Mapped[str | None] = mapped_column(String(12))

    hub: Mapped[Hub] = relationship(back_populates="zones")
    screens: Mapped[list[Screen]] = relationship(
        back_populates="zone", order_by="Screen.code", cascade="all, delete-orphan"
    )


class Screen(db.Model):
    __tablename__ = "screens"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Bumped by management edits only (not by player heartbeats), so not a mapper version.
    lock_version: Mapped[int] = mapped_column(default=1)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    orientation: Mapped[str] = mapped_column(String(10))
    width: Mapped[int]
    height: Mapped[int]
    language_policy: Mapped[str | None] = mapped_column(String(12))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    token_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Names the screen's published playlist file (services/publishing.py): made with each token,
    # cleared with its revocation; as secret as a URL that gives the playlist without the token.
    publish_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    playing_version: Mapped[str | None] = mapped_column(String(64))
    player_info: Mapped[dict[str, object] | None] = mapped_column(JSON)
    # Set by the scheduler after 3 poll intervals without a heartbeat; cleared by the next one.
    offline_since: Mapped[datetime | None] = mapped_column(UTCDateTime())

    zone: Mapped[Zone] = relationship(back_populates="screens")

    @property
    def hub(self) -> Hub:
        return self.zone.hub
