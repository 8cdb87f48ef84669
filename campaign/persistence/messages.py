"""Messages, their versioned texts per language, and the bookings that place them on screens."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.extensions import db
from campaign.persistence.types import UTCDateTime

if TYPE_CHECKING:
    from campaign.persistence.campaigns import Campaign, Phase
    from campaign.persistence.network import Hub, Screen, Zone


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: ClassVar[dict[str, object]] = {"version_id_col": lock_version}
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    topic: Mapped[str] = mapped_column(String(80), default="")
    is_fallback: Mapped[bool] = mapped_column(default=False)

    campaign: Mapped[Campaign] = relationship(back_populates="messages")
    versions: Mapped[list[MessageVersion]] = relationship(
        back_populates="message", order_by="MessageVersion.number", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> MessageVersion | None:
        return self.versions[-1] if self.versions else None


class MessageVersion(db.Model):
    """One wording of a message; its status says whether it may play."""

    __tablename__ = "message_versions"
    __table_args__ = (UniqueConstraint("message_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="draft")
    # The link shown on the slides (and as a QR code): content, so approved with the wording.
    link: Mapped[str] = mapped_column(String(500), default="")
    # Everyone who wrote this version; none of them may approve it.
    editor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    message: Mapped[Message] = relationship(back_populates="versions")
    texts: Mapped[list[MessageText]] = relationship(
        back_populates="version", order_by="MessageText.lang", cascade="all, delete-orphan"
    )

    def text(self, lang: str) -> MessageText | None:
        return next((t for t in self.texts if t.lang == lang), None)


class MessageText(db.Model):
    __tablename__ = "message_texts"
    __table_args__ = (UniqueConstraint("version_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("message_versions.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    headline: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    call_to_action: Mapped[str] = mapped_column(String(300), default="")
    hotline: Mapped[str] = mapped_column(String(40), default="")

    version: Mapped[MessageVersion] = relationship(back_populates="texts")


class Booking(db.Model):
    """Which message runs where and when; exactly one target column is set: a phase, hub, zone
    or screen, or `venue_type` (every zone of that venue type, in any hub)."""

    __tablename__ = "bookings"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: ClassVar[dict[str, object]] = {"version_id_col": lock_version}
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phases.id", ondelete="CASCADE"))
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"))
    screen_id: Mapped[int | None] = mapped_column(ForeignKey("screens.id", ondelete="CASCADE"))
    # An OpenOOH venue type code (Zone.venue_type), e.g. "transit.airports.departures".
    venue_type: Mapped[str | None] = mapped_column(String(80))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    weekdays: Mapped[str] = mapped_column(String(40), default="mon,tue,wed,thu,fri,sat,sun")
    window_start: Mapped[time | None]
    window_end: Mapped[time | None]
    weight: Mapped[int] = mapped_column(default=1)
    priority: Mapped[int] = mapped_column(default=0)
    slot_duration_s: Mapped[int] = mapped_column(default=10)
    orientation: Mapped[str | None] = mapped_column(String(10))

    campaign: Mapped[Campaign] = relationship(back_populates="bookings")
    message: Mapped[Message] = relationship()
    phase: Mapped[Phase | None] = relationship()
    hub: Mapped[Hub | None] = relationship()
    zone: Mapped[Zone | None] = relationship()
    screen: Mapped[Screen | None] = relationship()

    @property
    def message_key(self) -> str:
        return self.message.key

    @property
    def target(self) -> str:
        """The target as a plan writes it: "phase:1", "hub:LIM", "zone:LIM/ARR",
        "screen:LIM-ARR-01" or "venue:transit.airports.departures" ("" while it has none)."""
        if self.phase is not None:
            return f"phase:{self.phase.number}"
        if self.zone is not None:
            return f"zone:{self.zone.hub.code}/{self.zone.code}"
        if self.screen is not None:
            return f"screen:{self.screen.code}"
        if self.venue_type:
            return f"venue:{self.venue_type}"
        return f"hub:{self.hub.code}" if self.hub is not None else ""
